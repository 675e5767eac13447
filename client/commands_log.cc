// tracectl history GTIN/LOT, log checkpoint, log verify: the commands that
// check the server's answers client-side (verify_history.h).

#include <algorithm>
#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "client/arguments.h"
#include "client/cli.h"
#include "client/log_advance.h"
#include "client/verify_history.h"
#include "core/base64.h"

namespace ocoptrace::client {
namespace {

std::string RootBase64(const Hash& root) {
  return Base64Encode(std::string_view(
      reinterpret_cast<const char*>(root.data()), root.size()));
}

// "where / what" of an entry, read from the verified body bytes (not from
// the server's decoded copy).
std::pair<std::string, std::string> Describe(const std::string& kind,
                                             const std::string& body) {
  auto quantity = [](const v1::Quantity& q) {
    return q.unit().empty() ? std::string()
                            : absl::StrFormat("%g %s", q.amount(), q.unit());
  };
  if (kind == "batch.created") {
    v1::BatchRecord record;
    if (!record.ParseFromString(body)) return {"", "(body does not parse)"};
    return {"", absl::StrCat("lot ", record.lot(), ", produced ",
                             record.production_date().iso_date(), ", ",
                             quantity(record.quantity()))};
  }
  if (kind.rfind("event.", 0) == 0) {
    v1::TraceEvent event;
    if (!event.ParseFromString(body)) return {"", "(body does not parse)"};
    std::string place = event.location().description();
    if (place.empty()) place = "GLN " + event.location().gln();
    std::vector<std::string> what;
    if (event.has_quantity()) what.push_back(quantity(event.quantity()));
    if (event.has_destination()) {
      what.push_back("→ " + event.destination().name());
    }
    if (event.has_source()) what.push_back("← " + event.source().name());
    if (!event.outcome().empty()) what.push_back("outcome " + event.outcome());
    return {place, absl::StrJoin(what, ", ")};
  }
  if (kind == "labels.issued") {
    v1::LabelsIssued issued;
    if (!issued.ParseFromString(body)) return {"", "(body does not parse)"};
    return {"", absl::StrCat("labels issued: ", issued.count(),
                             issued.with_pins() ? ", with scratch PINs" : "")};
  }
  if (kind == "labels.voided") {
    v1::LabelsVoided voided;
    if (!voided.ParseFromString(body)) return {"", "(body does not parse)"};
    std::string serials = absl::StrJoin(
        voided.serials().begin(),
        voided.serials().begin() + std::min(voided.serials_size(), 3), " ");
    if (voided.serials_size() > 3) absl::StrAppend(&serials, " …");
    return {"", absl::StrCat("labels voided: ", voided.serials_size(), " (",
                             serials, "): ", voided.reason())};
  }
  return {"", ""};
}

absl::Status RunHistory(Cli& cli, const std::string& batch_text) {
  absl::StatusOr<v1::BatchRef> ref = ParseBatchArgument(batch_text);
  if (!ref.ok()) return ref.status();
  absl::StatusOr<Connection*> conn = cli.connection();
  if (!conn.ok()) return conn.status();
  v1::GetHistoryRequest request;
  *request.mutable_batch() = *ref;
  absl::StatusOr<v1::GetHistoryResponse> history =
      (*conn)->Call((*conn)->trace(), &v1::Trace::Stub::GetHistory, request);
  if (!history.ok()) return history.status();
  absl::StatusOr<NoteVerifier> log_key = cli.LogKey();
  if (!log_key.ok()) return log_key.status();
  absl::StatusOr<std::vector<NoteVerifier>> actors = cli.ActorKeys();
  if (!actors.ok()) return actors.status();
  std::string subject = BatchSubject(ref->gtin(), ref->lot());
  HistoryVerification verification =
      VerifyHistory(*history, subject, *log_key, *actors);

  Printer print = cli.printer();
  if (print.json()) {
    nlohmann::json items = nlohmann::json::array();
    for (int i = 0; i < history->items_size(); ++i) {
      const EntryCheck& check = verification.entries[i];
      nlohmann::json item = ProtoToJson(history->items(i));
      item["verified"] = check.ok();
      item["verified_signer"] = check.signer;
      item["problems"] = check.problems;
      items.push_back(item);
    }
    print.Json({{"batch", ProtoToJson(history->batch())},
                {"subject", subject},
                {"checkpoint_size", verification.checkpoint.size},
                {"checkpoint_verified", verification.checkpoint_status.ok()},
                {"verified", verification.ok()},
                {"verified_entries", verification.verified_count()},
                {"items", items}});
  } else {
    Table table({"SEQ", "TIME", "KIND", "WHERE", "WHAT", "SIGNED BY", "OK"});
    for (int i = 0; i < history->items_size(); ++i) {
      const EntryCheck& check = verification.entries[i];
      std::string kind = check.header ? check.header->kind : "?";
      auto [where, what] =
          Describe(kind, history->items(i).proven().entry().body());
      table.AddRow(
          {std::to_string(i),
           check.header ? FormatRfc3339(check.header->time) : "?", kind, where,
           what,
           check.signer.empty() ? history->items(i).signer() : check.signer,
           check.ok() ? "✓" : "✗"});
    }
    std::string text = absl::StrCat("history of ", ref->gtin(), "/", ref->lot(),
                                    "\n\n", table.Render(), "\n");
    for (const EntryCheck& check : verification.entries) {
      for (const std::string& problem : check.problems) {
        absl::StrAppend(&text, "✗ seq ",
                        check.header ? std::to_string(check.header->seq) : "?",
                        ": ", problem, "\n");
      }
    }
    if (!verification.checkpoint_status.ok()) {
      absl::StrAppend(&text, "✗ ", verification.checkpoint_status.message(),
                      "\n");
    }
    absl::StrAppend(
        &text, verification.verified_count(), " of ",
        verification.entries.size(),
        " entries verified (signature, chain link, body hash, inclusion in "
        "the log at size ",
        verification.checkpoint.size, ", checkpoint signed by ", log_key->name,
        ")\n");
    print.Text(text);
  }
  if (!verification.ok()) {
    return VerificationError(absl::StrCat(
        verification.entries.size() - verification.verified_count(),
        " history entries of ", subject,
        " failed verification: do not trust this history"));
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::GetCheckpointResponse> FetchCheckpoint(Cli& cli) {
  absl::StatusOr<Connection*> conn = cli.connection();
  if (!conn.ok()) return conn.status();
  return (*conn)->Call((*conn)->verify(), &v1::Verify::Stub::GetCheckpoint,
                       v1::GetCheckpointRequest());
}

absl::Status RunLogCheckpoint(Cli& cli) {
  absl::StatusOr<v1::GetCheckpointResponse> response = FetchCheckpoint(cli);
  if (!response.ok()) return response.status();
  absl::StatusOr<NoteVerifier> log_key = cli.LogKey();
  if (!log_key.ok()) return log_key.status();
  absl::StatusOr<Checkpoint> checkpoint =
      OpenCheckpoint(response->checkpoint(), *log_key);
  if (!checkpoint.ok()) {
    return VerificationError(absl::StrCat(
        "the server's checkpoint does not verify under the pinned log key ",
        FormatVkey(*log_key), ": ", checkpoint.status().message()));
  }
  Printer print = cli.printer();
  if (print.json()) {
    print.Json({{"origin", checkpoint->origin},
                {"size", checkpoint->size},
                {"root", RootBase64(checkpoint->root)},
                {"verified", true},
                {"note", response->checkpoint()}});
    return absl::OkStatus();
  }
  print.Text(
      RenderFields({{"origin", checkpoint->origin},
                    {"size", std::to_string(checkpoint->size)},
                    {"root", RootBase64(checkpoint->root)},
                    {"signature", "✓ verified with the pinned log key"}}));
  return absl::OkStatus();
}

absl::Status RunLogVerify(Cli& cli) {
  absl::StatusOr<v1::GetCheckpointResponse> response = FetchCheckpoint(cli);
  if (!response.ok()) return response.status();
  absl::StatusOr<NoteVerifier> log_key = cli.LogKey();
  if (!log_key.ok()) return log_key.status();
  absl::StatusOr<std::string> state_path = cli.LastCheckpointPath();
  if (!state_path.ok()) return state_path.status();
  std::optional<std::string> previous;
  absl::StatusOr<std::string> stored = ReadFile(*state_path);
  if (stored.ok()) {
    previous = *stored;
  } else if (!absl::IsNotFound(stored.status())) {
    return stored.status();
  }
  absl::StatusOr<Connection*> conn = cli.connection();
  if (!conn.ok()) return conn.status();
  Connection* connection = *conn;
  absl::StatusOr<LogAdvance> advance =
      CheckLogAdvance(*log_key, previous, response->checkpoint(),
                      ConsistencyProofsFrom(*connection));
  if (!advance.ok()) {
    // Both notes verify yet disagree: together they prove the log signed
    // two incompatible histories. Keep them.
    if (absl::IsDataLoss(advance.status()) && previous.has_value() &&
        OpenCheckpoint(*previous, *log_key).ok() &&
        OpenCheckpoint(response->checkpoint(), *log_key).ok()) {
      std::string evidence =
          absl::StrCat(*state_path, ".conflict-",
                       absl::ToUnixSeconds(cli.clock().Now()), ".txt");
      (void)WriteFileAtomically(
          evidence,
          absl::StrCat("# previously seen\n", *previous, "\n# now served\n",
                       response->checkpoint()),
          0644);
      cli.err() << "!!! LOG VERIFICATION FAILED. Evidence kept in " << evidence
                << "\n";
    }
    return advance.status();
  }
  if (advance->note_to_store != previous.value_or("")) {
    absl::Status saved =
        WriteFileAtomically(*state_path, advance->note_to_store, 0644);
    if (!saved.ok()) return saved;
  }
  Printer print = cli.printer();
  if (print.json()) {
    print.Json({{"origin", advance->latest.origin},
                {"size", advance->latest.size},
                {"root", RootBase64(advance->latest.root)},
                {"previous_size", advance->previous
                                      ? nlohmann::json(advance->previous->size)
                                      : nlohmann::json(nullptr)},
                {"first_seen", advance->first_seen},
                {"consistent", true}});
    return absl::OkStatus();
  }
  std::string text =
      RenderFields({{"origin", advance->latest.origin},
                    {"size", std::to_string(advance->latest.size)},
                    {"root", RootBase64(advance->latest.root)},
                    {"signature", "✓ verified with the pinned log key"}});
  if (advance->first_seen) {
    absl::StrAppend(&text, "first checkpoint seen by this client: stored in ",
                    *state_path, "; later runs check the log only grows\n");
  } else {
    absl::StrAppend(&text,
                    "✓ consistent with the checkpoint seen before (size ",
                    advance->previous->size, " → ", advance->latest.size,
                    "): the log only grew\n");
  }
  print.Text(text);
  return absl::OkStatus();
}

}  // namespace

void AddLogCommands(CLI::App& app, Cli& cli) {
  auto history_batch = std::make_shared<std::string>();
  CLI::App* history = app.add_subcommand(
      "history",
      "A batch's timeline; every entry's signature, chain link and inclusion "
      "proof verified here (✓/✗)");
  history->add_option("batch", *history_batch, "GTIN/LOT")->required();
  SetAction(history, cli,
            [&cli, history_batch] { return RunHistory(cli, *history_batch); });

  CLI::App* log = app.add_subcommand("log", "Audit the global log");
  log->require_subcommand(1);
  CLI::App* checkpoint = log->add_subcommand(
      "checkpoint", "Fetch the latest checkpoint and verify its signature");
  SetAction(checkpoint, cli, [&cli] { return RunLogCheckpoint(cli); });
  CLI::App* verify = log->add_subcommand(
      "verify",
      "Verify the latest checkpoint and that the log is consistent with the "
      "last one this client saw (exit 4 if history was rewritten)");
  SetAction(verify, cli, [&cli] { return RunLogVerify(cli); });
}

}  // namespace ocoptrace::client
