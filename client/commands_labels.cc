// tracectl labels issue|void|get: serialised, signed QR labels for a batch,
// issued by the server and rendered here with labelgen (docs/labels.md,
// "tracectl labels").

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "client/arguments.h"
#include "client/cli.h"
#include "client/label_issue.h"
#include "client/progress.h"
#include "labelgen/layout.h"
#include "ocoptrace/v1/labels.grpc.pb.h"
#include "ocoptrace/v1/trace.grpc.pb.h"

namespace ocoptrace::client {
namespace {

// Progress is shown for at least this many labels (or with --progress).
constexpr uint64_t kProgressThreshold = 1000;

struct IssueFlags {
  LabelIssueRequest request;
  bool progress = false;
  // Refuse (instead of warn) when the batch's record lacks some of Circular
  // 02/2024's ten mandatory items.
  bool require_complete = false;
};

// Circular 02/2024 (Art. 6.3) wants the ten mandatory data items on record
// before a label is used (docs/circular-02-mapping.md). Asks the server
// (Trace.ExportPortal) which the batch lacks: a warning on stderr, or with
// --require-complete a refusal before anything is issued. When the check
// itself fails the labels are still issued, with a note saying so.
absl::Status CheckCircular02Items(Cli& cli, Connection& connection,
                                  const v1::BatchRef& batch,
                                  bool require_complete) {
  v1::ExportPortalRequest request;
  *request.mutable_batch() = batch;
  absl::StatusOr<v1::ExportPortalResponse> response = connection.Call(
      connection.trace(), &v1::Trace::Stub::ExportPortal, request);
  if (!response.ok() && (absl::IsNotFound(response.status()) ||
                         absl::IsPermissionDenied(response.status()))) {
    return absl::OkStatus();  // IssueLabels refuses it in its own words.
  }
  if (!response.ok() || response->exports_size() != 1) {
    if (require_complete && response.ok()) {
      return WithExitCode(
          absl::FailedPreconditionError(
              "the server did not describe the batch's record; nothing was "
              "issued"),
          kExitRefused);
    }
    if (require_complete) return response.status();
    cli.err() << "note: could not check the batch's record against Circular "
                 "02/2024 ("
              << (response.ok() ? "no document"
                                : std::string(response.status().message()))
              << ")\n";
    return absl::OkStatus();
  }
  const v1::PortalBatchExport& exported = response->exports(0);
  if (exported.complete()) return absl::OkStatus();
  std::string list;
  for (const v1::PortalMissingItem& missing : exported.missing()) {
    absl::StrAppend(&list, "\n  item ", missing.item(), " (", missing.field(),
                    "): ", missing.detail());
  }
  const std::string gaps =
      absl::StrCat("the record of ", batch.gtin(), "/", batch.lot(), " lacks ",
                   exported.missing_size(),
                   " of Circular 02/2024's mandatory items (Art. 6.3):", list,
                   "\n  `tracectl export portal ", batch.gtin(), "/",
                   batch.lot(), "` shows the whole record");
  if (require_complete) {
    return WithExitCode(
        absl::FailedPreconditionError(
            absl::StrCat(gaps,
                         "\nnothing was issued; complete the record, or issue "
                         "without --require-complete")),
        kExitRefused);
  }
  cli.err() << "warning: " << gaps
            << "\n  (labels are issued anyway; --require-complete refuses "
               "instead)\n";
  return absl::OkStatus();
}

// Where labels go when the issuance file cannot be written where asked: the
// labels exist on the server and their URLs and PINs are nowhere else.
std::string FallbackIssuancePath(const v1::EntryReceipt& receipt) {
  const char* tmp = std::getenv("TMPDIR");
  return absl::StrCat(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp",
                      "/ocoptrace-issuance-", receipt.index(), ".jsonl");
}

// Saves the labels that came back. Returns the path written (or an error
// when even the fallback failed).
absl::StatusOr<std::string> SaveIssuance(Cli& cli, const std::string& path,
                                         const labelgen::Issuance& issuance,
                                         const v1::EntryReceipt& receipt) {
  absl::Status written = WriteIssuanceFile(path, issuance);
  if (written.ok()) return path;
  const std::string fallback = FallbackIssuancePath(receipt);
  cli.err() << "error: cannot write the issuance file " << path << ": "
            << written.message() << "\ntracectl: saving it to " << fallback
            << " instead\n";
  absl::Status again = WriteIssuanceFile(fallback, issuance);
  if (again.ok()) return fallback;
  return absl::DataLossError(absl::StrCat(
      "the labels were issued (labels.issued at log index ", receipt.index(),
      ") but could not be saved: ", written.message(), "; ", again.message(),
      ". Void them with `tracectl labels void` (serials: `tracectl "
      "history`) and issue again"));
}

void WarnAboutPins(Cli& cli, const std::string& issuance_path,
                   const LabelIssuePlan& plan) {
  cli.err() << "warning: " << issuance_path
            << " holds the scratch PINs in clear (file mode 0600), and so "
               "does "
            << plan.out
            << ". Anyone with a PIN can mark that label verified: keep both "
               "secret, print, then keep the issuance file offline or "
               "delete it.\n";
}

absl::Status RunLabelsIssue(Cli& cli, const IssueFlags& flags) {
  absl::StatusOr<LabelIssuePlan> plan = PlanLabelIssue(flags.request);
  if (!plan.ok()) return plan.status();
  absl::StatusOr<Connection*> conn = cli.connection();
  if (!conn.ok()) return conn.status();
  Connection& connection = **conn;
  if (absl::Status items = CheckCircular02Items(cli, connection, plan->batch,
                                                flags.require_complete);
      !items.ok()) {
    return items;
  }

  ProgressMeter progress(
      cli.err(),
      ChooseProgressStyle(flags.progress, IsTerminalStderr(cli.err()),
                          plan->count, kProgressThreshold));
  progress.Note(absl::StrCat("issuing ", plan->count, " labels for ",
                             plan->batch.gtin(), "/", plan->batch.lot(),
                             " on the server..."));
  v1::IssueLabelsRequest request;
  *request.mutable_batch() = plan->batch;
  request.set_count(plan->count);
  request.set_with_pins(plan->pins);
  std::unique_ptr<grpc::ClientContext> context = connection.NewContext();
  // Issuing signs every label and syncs one entry with all the records:
  // allow two seconds per thousand labels beyond the usual deadline.
  context->set_deadline(absl::ToChronoTime(
      absl::Now() + connection.options().timeout +
      absl::Milliseconds(2 * static_cast<int64_t>(plan->count))));
  std::unique_ptr<grpc::ClientReader<v1::IssueLabelsResponse>> reader =
      connection.labels().IssueLabels(context.get(), request);
  IssueStreamResult received =
      ReadIssueStream(*reader, connection.options().server, progress);
  if (!received.summary_received) return received.status;
  const labelgen::Issuance& issuance = received.issuance;
  const v1::EntryReceipt& receipt = received.summary.receipt();
  // Labels exist now: save those that arrived before anything else can
  // fail.
  std::optional<std::string> saved;
  if (!issuance.labels.empty()) {
    absl::StatusOr<std::string> written =
        SaveIssuance(cli, plan->issuance_out, issuance, receipt);
    if (!written.ok()) return written.status();
    saved = *written;
    if (issuance.header.pins) WarnAboutPins(cli, *saved, *plan);
  }
  if (!received.status.ok()) {
    // The labels exist but the connection broke: exit 5 like an
    // unreachable server.
    if (!saved) return WithExitCode(received.status, kExitUnreachable);
    return WithExitCode(
        absl::Status(
            received.status.code(),
            absl::StrCat(received.status.message(), " The ",
                         issuance.labels.size(),
                         " labels received are saved in ", *saved,
                         "; render them with `labelgen --in ", *saved, "`.")),
        kExitUnreachable);
  }

  absl::StatusOr<RenderSummary> rendered =
      RenderIssuance(issuance, *plan, progress);
  if (!rendered.ok()) {
    return absl::Status(
        rendered.status().code(),
        absl::StrCat(
            rendered.status().message(), ". The ", issuance.labels.size(),
            " labels were issued and saved in ", *saved,
            ": render them with `labelgen --in ", *saved, " --format ",
            LabelFormatName(plan->format), " --layout <layout> --out <path>`"));
  }

  const std::string batch =
      absl::StrCat(issuance.header.gtin, "/", issuance.header.lot);
  Printer print = cli.printer();
  if (print.json()) {
    print.Json({{"batch", batch},
                {"receipt", ProtoToJson(receipt)},
                {"count", issuance.labels.size()},
                {"pins", issuance.header.pins},
                {"label_key", issuance.header.label_key},
                {"issued_at", issuance.header.issued_at},
                {"resolver", issuance.header.resolver},
                {"issuance_file", *saved},
                {"format", LabelFormatName(plan->format)},
                {"out", plan->out},
                {"layout", plan->layout.name},
                {"pages", rendered->pages},
                {"files", rendered->files}});
    return absl::OkStatus();
  }
  std::string output_text = plan->out;
  if (plan->format == LabelFormat::kPdf) {
    absl::StrAppend(&output_text, " (", rendered->pages, " page",
                    rendered->pages == 1 ? "" : "s", ", layout ",
                    plan->layout.name, ")");
  } else if (plan->out_is_directory) {
    absl::StrAppend(&output_text, "/ (", rendered->files, " ",
                    LabelFormatName(plan->format), " files)");
  }
  print.Text(absl::StrCat(
      "issued ", issuance.labels.size(), " labels for ", batch, " (",
      receipt.kind(), " seq ", receipt.seq(), ", log index ", receipt.index(),
      ")\n",
      RenderFields({
          {"issued at", issuance.header.issued_at},
          {"label key", issuance.header.label_key},
          {"stars", issuance.header.stars > 0
                        ? absl::StrCat(issuance.header.stars, "★ (",
                                       issuance.header.certificate, ")")
                        : "none (no active OCOP certificate)"},
          {"scratch PINs", issuance.header.pins ? "yes" : ""},
          {"issuance file", *saved},
          {"labels", output_text},
      })));
  return absl::OkStatus();
}

struct VoidFlags {
  std::string batch;
  std::vector<std::string> serials;
  std::string from_file;
  std::string reason;
};

absl::Status RunLabelsVoid(Cli& cli, const VoidFlags& flags) {
  absl::StatusOr<v1::BatchRef> batch = ParseBatchArgument(flags.batch);
  if (!batch.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--batch: ", batch.status().message()));
  }
  std::vector<std::string> serials;
  for (const std::string& text : flags.serials) {
    absl::StatusOr<std::string> serial = NormalizeSerial(text, "--serial");
    if (!serial.ok()) return serial.status();
    serials.push_back(*std::move(serial));
  }
  if (!flags.from_file.empty()) {
    absl::StatusOr<std::string> contents = ReadFile(flags.from_file);
    if (!contents.ok()) {
      return absl::Status(
          contents.status().code(),
          absl::StrCat("--from-file: ", contents.status().message()));
    }
    absl::StatusOr<std::vector<std::string>> listed =
        ParseSerialFile(*contents, flags.from_file, *batch);
    if (!listed.ok()) return listed.status();
    serials.insert(serials.end(), listed->begin(), listed->end());
  }
  if (absl::Status checked = CheckSerialList(serials); !checked.ok()) {
    return checked;
  }
  if (absl::Status reason = CheckVoidReason(flags.reason); !reason.ok()) {
    return reason;
  }
  absl::StatusOr<Connection*> conn = cli.connection();
  if (!conn.ok()) return conn.status();
  Connection* connection = *conn;
  const std::string subject = BatchSubject(batch->gtin(), batch->lot());
  std::vector<v1::EntryReceipt> receipts;
  size_t voided = 0;
  for (const std::vector<std::string>& group : SplitForVoid(serials)) {
    v1::LabelsVoided body;
    for (const std::string& serial : group) body.add_serials(serial);
    body.set_reason(flags.reason);
    EntryToSign entry{"labels.voided", subject, body.SerializeAsString(),
                      std::nullopt};
    absl::StatusOr<v1::EntryReceipt> receipt = cli.SignAndSend(
        entry, [connection](const v1::SignedEntry& signed_entry) {
          v1::VoidLabelsRequest request;
          *request.mutable_signed_() = signed_entry;
          return connection->Call(connection->labels(),
                                  &v1::Labels::Stub::VoidLabels, request);
        });
    if (!receipt.ok()) {
      if (voided == 0) return receipt.status();
      return absl::Status(
          receipt.status().code(),
          absl::StrCat(receipt.status().message(), " (the first ", voided,
                       " of ", serials.size(),
                       " labels were voided before this; run the command "
                       "again for the rest)"));
    }
    voided += group.size();
    receipts.push_back(*std::move(receipt));
  }
  Printer print = cli.printer();
  if (print.json()) {
    nlohmann::json list = nlohmann::json::array();
    for (const v1::EntryReceipt& receipt : receipts) {
      list.push_back(ProtoToJson(receipt));
    }
    print.Json({{"batch", absl::StrCat(batch->gtin(), "/", batch->lot())},
                {"voided", voided},
                {"receipts", list}});
    return absl::OkStatus();
  }
  std::string text =
      absl::StrCat("voided ", voided, " label", voided == 1 ? "" : "s", " of ",
                   batch->gtin(), "/", batch->lot(), "\n");
  for (const v1::EntryReceipt& receipt : receipts) {
    absl::StrAppend(&text, "recorded ", receipt.kind(), " on ",
                    receipt.subject(), " (seq ", receipt.seq(), ", log index ",
                    receipt.index(), ")\n");
  }
  print.Text(text);
  return absl::OkStatus();
}

std::string LabelStatusWord(v1::LabelStatus status) {
  switch (status) {
    case v1::LABEL_STATUS_ISSUED:
      return "issued";
    case v1::LABEL_STATUS_VOID:
      return "VOID";
    case v1::LABEL_STATUS_UNKNOWN:
      return "unknown";
    default:
      return "unspecified";
  }
}

absl::Status RunLabelsGet(Cli& cli, const std::string& gtin_text,
                          const std::string& serial_text) {
  absl::StatusOr<std::string> gtin = ParseGtinArgument(gtin_text);
  if (!gtin.ok()) return gtin.status();
  absl::StatusOr<std::string> serial = NormalizeSerial(serial_text, "SERIAL");
  if (!serial.ok()) return serial.status();
  absl::StatusOr<Connection*> conn = cli.connection();
  if (!conn.ok()) return conn.status();
  v1::GetLabelRequest request;
  request.set_gtin(*gtin);
  request.set_serial(*serial);
  absl::StatusOr<v1::Label> label =
      (*conn)->Call((*conn)->labels(), &v1::Labels::Stub::GetLabel, request);
  if (!label.ok()) return label.status();
  const bool unknown = label->status() == v1::LABEL_STATUS_UNKNOWN;
  Printer print = cli.printer();
  if (print.json()) {
    print.Json(ProtoToJson(*label));
  } else if (!unknown) {
    print.Text(RenderFields({
        {"label", absl::StrCat(*gtin, " ", *serial)},
        {"status", LabelStatusWord(label->status())},
        {"lot", label->lot()},
        {"void reason", label->void_reason()},
        {"label key",
         absl::StrCat(label->key_name(), label->key_revoked()
                                             ? " (REVOKED: the label no longer "
                                               "counts as genuine)"
                                             : "")},
        {"scratch PIN", label->has_pin() ? "yes" : "no"},
        {"issued at", absl::StrCat("log index ", label->issued_at_index())},
        {"voided at", label->status() == v1::LABEL_STATUS_VOID
                          ? absl::StrCat("log index ", label->voided_at_index())
                          : ""},
    }));
  }
  if (unknown) {
    return absl::NotFoundError(
        absl::StrCat("label ", *serial, " was never issued for GTIN ", *gtin,
                     ": check the GTIN and the serial printed after \"Số "
                     "sê-ri:\""));
  }
  return absl::OkStatus();
}

}  // namespace

void AddLabelCommands(CLI::App& app, Cli& cli) {
  CLI::App* labels = app.add_subcommand(
      "labels", "Serialised, signed QR labels: issue and print, void, look up");
  labels->require_subcommand(1);

  auto issue_flags = std::make_shared<IssueFlags>();
  LabelIssueRequest& request = issue_flags->request;
  CLI::App* issue = labels->add_subcommand(
      "issue",
      "Issue labels for a batch on the server and render them (PDF sheets, "
      "PNG/SVG files or ZPL)");
  issue->add_option("--batch", request.batch, "GTIN/LOT of the batch")
      ->required();
  issue->add_option("--count", request.count, "How many labels")->required();
  issue->add_flag("--pins", request.pins,
                  "Give every label a scratch PIN (printed under a "
                  "scratch-off sticker)");
  issue->add_option("--format", request.format, "pdf, png, svg or zpl")
      ->capture_default_str();
  issue
      ->add_option(
          "--layout", request.layout,
          absl::StrCat("Layout preset (",
                       absl::StrJoin(labelgen::LayoutPresetNames(), ", "),
                       ") or custom spec, see docs/labels.md"))
      ->capture_default_str();
  issue->add_option("--ec", request.ec,
                    "QR error correction L, M, Q or H (default: the "
                    "layout's, M)");
  issue->add_option("--module-mm", request.module_mm,
                    "QR module size in mm (default: the layout's)");
  issue
      ->add_option("--ppm", request.pixels_per_module,
                   "png: pixels per QR module")
      ->capture_default_str();
  issue->add_option("--dpi", request.dpi, "zpl: printer resolution")
      ->capture_default_str();
  issue
      ->add_option("--zpl-font", request.zpl_font,
                   "zpl: printer font, 0 or a stored font like E:DEJAVU.TTF")
      ->capture_default_str();
  issue
      ->add_option("--out", request.out,
                   "Output file (pdf, zpl; png/svg with one label) or new "
                   "directory (png/svg)")
      ->required();
  issue->add_option("--issuance-out", request.issuance_out,
                    "Where to save the issued labels (JSON lines, readable "
                    "by labelgen --in); default <out>.issuance.jsonl");
  issue->add_flag("--require-complete", issue_flags->require_complete,
                  "Refuse to issue while the batch's record lacks any of "
                  "Circular 02/2024's ten mandatory items (default: warn)");
  issue->add_flag("--progress", issue_flags->progress,
                  "Draw a progress bar on stderr even when it is not a "
                  "terminal");
  SetAction(issue, cli,
            [&cli, issue_flags] { return RunLabelsIssue(cli, *issue_flags); });

  auto void_flags = std::make_shared<VoidFlags>();
  CLI::App* void_command = labels->add_subcommand(
      "void",
      "Take labels out of use (lost roll, misprint): a labels.voided entry "
      "signed with your key");
  void_command->add_option("--batch", void_flags->batch, "GTIN/LOT")
      ->required();
  CLI::Option* serial = void_command->add_option(
      "--serial", void_flags->serials, "Serial of a label (repeatable)");
  CLI::Option* from_file = void_command->add_option(
      "--from-file", void_flags->from_file,
      "File of serials, one per line, or an issuance file (voids all its "
      "labels)");
  serial->excludes(from_file);
  void_command
      ->add_option("--reason", void_flags->reason,
                   "Why, in plain words, e.g. \"mất cuộn tem\"")
      ->required();
  SetAction(void_command, cli,
            [&cli, void_flags] { return RunLabelsVoid(cli, *void_flags); });

  auto get_args = std::make_shared<std::pair<std::string, std::string>>();
  CLI::App* get = labels->add_subcommand(
      "get", "A label's status: issued, VOID or unknown (exit 3)");
  get->add_option("gtin", get_args->first, "GTIN")->required();
  get->add_option("serial", get_args->second, "Serial (AI 21)")->required();
  SetAction(get, cli, [&cli, get_args] {
    return RunLabelsGet(cli, get_args->first, get_args->second);
  });
}

}  // namespace ocoptrace::client
