// tracectl epcis export|capture|job|integration-key, tracectl export portal
// (docs/tracectl.md, "EPCIS and the national portal").
//
// `epcis capture` plans the capture on this machine (epcis::PlanCapture,
// asking the server which products, batches and labelled units exist),
// prints every problem, and then signs each planned entry with the user's
// own key and submits it like `event record` does: the key never leaves
// the machine. The server refuses an event it stored before (ALREADY_EXISTS),
// which makes capturing a file twice harmless.
#include <chrono>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "client/arguments.h"
#include "client/cli.h"
#include "epcis/capture.h"
#include "nlohmann/json.hpp"

namespace ocoptrace::client {
namespace {

using nlohmann::json;

// The KDE with a captured event's CBV 2.0 hash ID when its eventID is
// another id. The server indexes it (server/trace/epcis_index.h); both
// sides must spell it the same (docs/epcis.md).
constexpr char kEpcisHashIdKde[] = "epcis:hashId";

absl::Status WriteOutput(Cli& cli, const std::string& path,
                         const std::string& text) {
  if (path.empty() || path == "-") {
    cli.out() << text << "\n";
    return absl::OkStatus();
  }
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file << text << "\n";
  file.close();
  if (!file) {
    return absl::InvalidArgumentError(
        absl::StrCat("--out ", path, ": cannot write the file"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> ReadInput(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    return absl::NotFoundError(absl::StrCat(path, ": cannot open the file"));
  }
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

// For messages on stdout when the document goes to a file, else stderr.
std::ostream& InfoStream(Cli& cli, const std::string& out) {
  return out.empty() || out == "-" ? cli.err() : cli.out();
}

absl::Status RunEpcisExport(Cli& cli, const std::string& batch_text,
                            const std::string& out) {
  absl::StatusOr<v1::BatchRef> batch = ParseBatchArgument(batch_text);
  if (!batch.ok()) return batch.status();
  absl::StatusOr<Connection*> conn = cli.connection();
  if (!conn.ok()) return conn.status();
  v1::ExportEpcisRequest request;
  *request.mutable_batch() = *batch;
  absl::StatusOr<v1::ExportEpcisResponse> response =
      (*conn)->Call((*conn)->trace(), &v1::Trace::Stub::ExportEpcis, request);
  if (!response.ok()) return response.status();
  if (absl::Status written = WriteOutput(cli, out, response->document());
      !written.ok()) {
    return written;
  }
  if (!out.empty() && out != "-") {
    cli.out() << "wrote " << response->event_count() << " EPCIS events of "
              << batch->gtin() << "/" << batch->lot() << " to " << out << "\n";
  }
  return absl::OkStatus();
}

absl::Status RunPortalExport(Cli& cli, const std::string& what,
                             const std::string& out) {
  v1::ExportPortalRequest request;
  if (what.find('/') != std::string::npos) {
    absl::StatusOr<v1::BatchRef> batch = ParseBatchArgument(what);
    if (!batch.ok()) return batch.status();
    *request.mutable_batch() = *batch;
  } else {
    absl::StatusOr<std::string> gtin = ParseGtinArgument(what);
    if (!gtin.ok()) return gtin.status();
    request.mutable_batch()->set_gtin(*gtin);
  }
  absl::StatusOr<Connection*> conn = cli.connection();
  if (!conn.ok()) return conn.status();
  absl::StatusOr<v1::ExportPortalResponse> response =
      (*conn)->Call((*conn)->trace(), &v1::Trace::Stub::ExportPortal, request);
  if (!response.ok()) return response.status();
  json documents = json::array();
  for (const v1::PortalBatchExport& batch : response->exports()) {
    documents.push_back(json::parse(batch.document()));
  }
  // One batch: its document; a product: the array of its batches'.
  const json& written =
      request.batch().lot().empty() ? documents : documents[0];
  if (absl::Status status = WriteOutput(cli, out, written.dump(2));
      !status.ok()) {
    return status;
  }
  std::ostream& info = InfoStream(cli, out);
  for (const v1::PortalBatchExport& batch : response->exports()) {
    const std::string name =
        absl::StrCat(batch.batch().gtin(), "/", batch.batch().lot());
    if (batch.complete()) {
      info << "batch " << name
           << ": all 10 items of Circular 02/2024 Art. 6.3 present\n";
      continue;
    }
    info << "batch " << name << ": " << batch.missing_size()
         << " of the 10 mandatory items missing:\n";
    for (const v1::PortalMissingItem& item : batch.missing()) {
      info << "  item " << item.item() << " (" << item.field()
           << "): " << item.detail() << "\n";
    }
  }
  return absl::OkStatus();
}

// Asks the server what PlanCapture needs to know. PermissionDenied answers
// "it exists": the server refuses the entry later, naming the owner.
epcis::CaptureContext LookupContext(Connection* connection) {
  epcis::CaptureContext context;
  context.product_known =
      [connection](const std::string& gtin) -> absl::StatusOr<bool> {
    v1::GetProductRequest request;
    request.set_gtin(gtin);
    absl::StatusOr<v1::Product> product = connection->Call(
        connection->registry(), &v1::Registry::Stub::GetProduct, request);
    if (product.ok() || absl::IsPermissionDenied(product.status())) {
      return true;
    }
    if (absl::IsNotFound(product.status())) return false;
    return product.status();
  };
  context.batch_known =
      [connection](const v1::BatchRef& batch) -> absl::StatusOr<bool> {
    v1::GetBatchRequest request;
    *request.mutable_batch() = batch;
    absl::StatusOr<v1::Batch> found = connection->Call(
        connection->trace(), &v1::Trace::Stub::GetBatch, request);
    if (found.ok() || absl::IsPermissionDenied(found.status())) return true;
    if (absl::IsNotFound(found.status())) return false;
    return found.status();
  };
  context.lot_of_serial = [connection](const std::string& gtin,
                                       const std::string& serial)
      -> absl::StatusOr<std::optional<std::string>> {
    v1::GetLabelRequest request;
    request.set_gtin(gtin);
    request.set_serial(serial);
    absl::StatusOr<v1::Label> label = connection->Call(
        connection->labels(), &v1::Labels::Stub::GetLabel, request);
    if (absl::IsInvalidArgument(label.status()) ||
        absl::IsNotFound(label.status())) {
      return std::nullopt;
    }
    if (!label.ok()) return label.status();
    if (label->status() == v1::LABEL_STATUS_UNKNOWN) return std::nullopt;
    return label->lot();
  };
  context.may_create_batches = true;
  context.error_behaviour = epcis::CaptureErrorBehaviour::kProceed;
  return context;
}

void PrintProblem(std::ostream& out, const epcis::Problem& problem) {
  out << "problem: " << problem.title;
  if (!problem.event_pointer.empty()) out << " at " << problem.event_pointer;
  out << " [" << problem.code << "]\n  " << problem.detail << "\n";
}

struct CaptureCounts {
  int stored = 0;
  int already = 0;
  int refused = 0;
  int entries = 0;
};

absl::Status RunEpcisCapture(Cli& cli, const std::string& path, bool proceed) {
  absl::StatusOr<std::string> text = ReadInput(path);
  if (!text.ok()) return text.status();
  absl::StatusOr<Connection*> conn = cli.connection();
  if (!conn.ok()) return conn.status();
  Connection* connection = *conn;
  absl::StatusOr<NoteSigner> signer = cli.Signer();
  if (!signer.ok()) return signer.status();

  epcis::CaptureContext context = LookupContext(connection);
  context.instance = path;
  absl::StatusOr<epcis::CapturePlan> plan =
      epcis::PlanCaptureText(*text, context);
  if (!plan.ok()) return plan.status();
  for (const epcis::Problem& problem : plan->problems) {
    PrintProblem(cli.err(), problem);
  }
  if (!plan->problems.empty() && !proceed) {
    return absl::InvalidArgumentError(absl::StrCat(
        path, ": ", plan->problems.size(), " problem",
        plan->problems.size() == 1 ? "" : "s", " in ", plan->event_count,
        " events; nothing stored (rollback). Fix them, or pass --proceed to "
        "store the ",
        plan->events.size(), " events that have none"));
  }

  HeadReader read_head = [connection](const std::string& subject) {
    v1::GetHeadRequest request;
    request.set_subject(subject);
    return connection->Call(connection->verify(), &v1::Verify::Stub::GetHead,
                            request);
  };
  CaptureCounts counts;
  const auto start = std::chrono::steady_clock::now();
  auto last_progress = start;
  for (size_t i = 0; i < plan->events.size(); ++i) {
    const epcis::CapturedEvent& event = plan->events[i];
    int appended = 0;
    absl::Status failure;
    for (const epcis::PlannedEntry& planned : event.entries) {
      EntryToSign entry;
      entry.kind = planned.kind;
      entry.subject = BatchSubject(planned.batch.gtin(), planned.batch.lot());
      entry.time = planned.time;
      const bool creates = planned.kind == "batch.created";
      if (creates) {
        entry.body = planned.batch_record.SerializeAsString();
      } else {
        v1::TraceEvent body = planned.event;
        if (event.event_id != event.hash_id) {
          v1::KeyDataElement* kde = body.add_kdes();
          kde->set_name(kEpcisHashIdKde);
          kde->set_value(event.hash_id);
        }
        entry.body = body.SerializeAsString();
      }
      EntrySubmitter submit = [connection,
                               creates](const v1::SignedEntry& signed_entry)
          -> absl::StatusOr<v1::EntryReceipt> {
        if (creates) {
          v1::CreateBatchRequest request;
          *request.mutable_signed_() = signed_entry;
          return connection->Call(connection->trace(),
                                  &v1::Trace::Stub::CreateBatch, request);
        }
        v1::RecordEventRequest request;
        *request.mutable_signed_() = signed_entry;
        return connection->Call(connection->trace(),
                                &v1::Trace::Stub::RecordEvent, request);
      };
      absl::StatusOr<v1::EntryReceipt> receipt =
          SignAndSubmit(entry, *signer, read_head, submit, cli.clock());
      if (receipt.ok()) {
        ++appended;
        ++counts.entries;
      } else if (!absl::IsAlreadyExists(receipt.status())) {
        failure = absl::Status(
            receipt.status().code(),
            absl::StrCat(event.pointer, ": ", entry.kind, " on ", entry.subject,
                         " refused: ", receipt.status().message()));
        break;
      }
    }
    if (failure.ok()) {
      (appended > 0 ? counts.stored : counts.already) += 1;
    } else {
      ++counts.refused;
      cli.err() << "problem: " << failure.message() << "\n";
      if (!proceed) {
        return absl::Status(
            failure.code(),
            absl::StrCat(failure.message(), "; ", counts.stored,
                         " events before it are stored (the log is "
                         "append-only). Fix the problem and capture the file "
                         "again: stored events are skipped"));
      }
    }
    const auto now = std::chrono::steady_clock::now();
    if (plan->events.size() >= 100 &&
        (now - last_progress > std::chrono::seconds(2) ||
         i + 1 == plan->events.size())) {
      last_progress = now;
      cli.err() << "  " << i + 1 << " of " << plan->events.size()
                << " events captured\n";
    }
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  Printer print = cli.printer();
  if (print.json()) {
    print.Json({{"file", path},
                {"events", plan->event_count},
                {"stored", counts.stored},
                {"already_stored", counts.already},
                {"refused", counts.refused},
                {"problems", plan->problems.size()},
                {"entries", counts.entries},
                {"seconds", seconds}});
  } else {
    print.Text(absl::StrCat(
        "captured ", path, ": ", counts.stored, " events stored (",
        counts.entries, " entries signed by ", signer->name, "), ",
        counts.already, " already stored",
        counts.refused + plan->problems.size() > 0
            ? absl::StrCat(", ", counts.refused + plan->problems.size(),
                           " not stored")
            : "",
        "\n"));
  }
  if (counts.refused > 0 || !plan->problems.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        counts.refused + plan->problems.size(),
        " events were not stored (--proceed); see the problems above"));
  }
  return absl::OkStatus();
}

absl::Status RunCaptureJob(Cli& cli, const std::string& id) {
  absl::StatusOr<Connection*> conn = cli.connection();
  if (!conn.ok()) return conn.status();
  v1::GetCaptureJobRequest request;
  request.set_capture_id(id);
  absl::StatusOr<v1::EpcisCaptureJob> job =
      (*conn)->Call((*conn)->trace(), &v1::Trace::Stub::GetCaptureJob, request);
  if (!job.ok()) return job.status();
  Printer print = cli.printer();
  if (print.json()) {
    print.Json(ProtoToJson(*job));
    return absl::OkStatus();
  }
  print.Text(RenderFields({
      {"capture", job->capture_id()},
      {"principal", job->principal()},
      {"created", job->created_at()},
      {"finished", job->finished_at()},
      {"state", job->running() ? "running"
                               : (job->success() ? "finished, no problems"
                                                 : "finished with problems")},
      {"events",
       absl::StrCat(job->event_count(), " (", job->events_stored(), " stored, ",
                    job->events_already_stored(), " already stored)")},
      {"entries", std::to_string(job->entries_appended())},
  }));
  for (const v1::EpcisProblem& problem : job->problems()) {
    print.Text(absl::StrCat("problem: ", problem.title(),
                            problem.event_pointer().empty()
                                ? ""
                                : absl::StrCat(" at ", problem.event_pointer()),
                            " [", problem.code(), "]\n  ", problem.detail(),
                            "\n"));
  }
  return absl::OkStatus();
}

absl::Status RunIntegrationKey(Cli& cli, const std::string& principal) {
  absl::StatusOr<Connection*> conn = cli.connection();
  if (!conn.ok()) return conn.status();
  v1::CreateIntegrationKeyRequest request;
  request.set_principal(principal);
  absl::StatusOr<v1::CreateIntegrationKeyResponse> response = (*conn)->Call(
      (*conn)->trace(), &v1::Trace::Stub::CreateIntegrationKey, request);
  if (!response.ok()) return response.status();
  Printer print = cli.printer();
  if (print.json()) {
    print.Json(ProtoToJson(*response));
    return absl::OkStatus();
  }
  print.Text(absl::StrCat(
      "integration key ",
      response->vkey().substr(0, response->vkey().find('+')),
      " registered for principal '", principal, "' (log index ",
      response->receipt().index(),
      "); EPCIS captures by this principal over HTTP (POST /epcis/capture) "
      "are signed with it. Its private key stays on the server.\n"));
  return absl::OkStatus();
}

}  // namespace

void AddEpcisCommands(CLI::App& app, Cli& cli) {
  CLI::App* epcis =
      app.add_subcommand("epcis", "EPCIS 2.0 documents (GS1): export, capture");
  epcis->require_subcommand(1);

  auto export_args = std::make_shared<std::pair<std::string, std::string>>();
  CLI::App* export_command = epcis->add_subcommand(
      "export", "A batch's chain as an EPCIS 2.0 JSON-LD document");
  export_command->add_option("batch", export_args->first, "GTIN/LOT")
      ->required();
  export_command->add_option("--out", export_args->second,
                             "Write the document to FILE (default stdout)");
  SetAction(export_command, cli, [&cli, export_args] {
    return RunEpcisExport(cli, export_args->first, export_args->second);
  });

  auto capture_file = std::make_shared<std::string>();
  auto proceed = std::make_shared<bool>(false);
  CLI::App* capture = epcis->add_subcommand(
      "capture",
      "Capture an EPCIS 2.0 document: check it, then sign each event with "
      "your key and record it");
  capture->add_option("file", *capture_file, "EPCISDocument (JSON-LD)")
      ->required();
  capture->add_flag("--proceed", *proceed,
                    "Store the events without problems even when others "
                    "have some (default: store nothing then)");
  SetAction(capture, cli, [&cli, capture_file, proceed] {
    return RunEpcisCapture(cli, *capture_file, *proceed);
  });

  auto job_id = std::make_shared<std::string>();
  CLI::App* job = epcis->add_subcommand(
      "job", "A capture job of the server (HTTP POST /epcis/capture)");
  job->add_option("id", *job_id, "Capture id")->required();
  SetAction(job, cli, [&cli, job_id] { return RunCaptureJob(cli, *job_id); });

  auto principal = std::make_shared<std::string>();
  CLI::App* key = epcis->add_subcommand(
      "integration-key",
      "Admin: create the server-held signing key of a principal whose "
      "system captures over HTTP");
  key->add_option("principal", *principal, "Producer or inspector principal")
      ->required();
  SetAction(key, cli,
            [&cli, principal] { return RunIntegrationKey(cli, *principal); });

  CLI::App* export_group =
      app.add_subcommand("export", "Exports for other systems");
  export_group->require_subcommand(1);
  auto portal_args = std::make_shared<std::pair<std::string, std::string>>();
  CLI::App* portal = export_group->add_subcommand(
      "portal",
      "The national-portal document (Circular 02/2024) of a batch, or of "
      "every batch of a product");
  portal->add_option("what", portal_args->first, "GTIN/LOT or GTIN")
      ->required();
  portal->add_option("--out", portal_args->second,
                     "Write the JSON to FILE (default stdout)");
  SetAction(portal, cli, [&cli, portal_args] {
    return RunPortalExport(cli, portal_args->first, portal_args->second);
  });
}

}  // namespace ocoptrace::client
