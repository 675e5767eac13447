// The steps of `tracectl labels issue` and `tracectl labels void` that do
// not depend on the command line: checking a request before anything is
// issued, reading the IssueLabels stream into an issuance, saving the
// issuance file, rendering it with labelgen, and reading serials to void.
//
// The order matters and is the contract of `labels issue`:
//   1. PlanLabelIssue refuses everything that can be refused locally — the
//      batch argument, the format, the layout, a QR that would not fit the
//      label (checked on a representative URL), unusable output paths — so
//      that a bad request issues nothing;
//   2. the server issues (Labels.IssueLabels) and ReadIssueStream collects
//      the labels;
//   3. WriteIssuanceFile saves them before anything is rendered, so a
//      failure while rendering never loses issued labels (labelgen --in
//      renders the file again);
//   4. RenderIssuance writes the PDF, PNG/SVG directory or ZPL file.
//
// Thread-safety: pure functions and plain values; RenderIssuance and
// ReadIssueStream use the ProgressMeter they are given from the calling
// thread only.

#ifndef OCOPTRACE_CLIENT_LABEL_ISSUE_H_
#define OCOPTRACE_CLIENT_LABEL_ISSUE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "client/progress.h"
#include "grpcpp/support/sync_stream.h"
#include "labelgen/issuance.h"
#include "labelgen/layout.h"
#include "ocoptrace/v1/labels.pb.h"

namespace ocoptrace::client {

namespace v1 = ::ocoptrace::v1;

// What `labels issue` can write.
enum class LabelFormat {
  kPdf,  // One PDF of sheets in the layout.
  kPng,  // Full labels as PNG images: a directory of them (a file for one).
  kSvg,  // The same as SVG.
  kZpl,  // One ZPL file for thermal printers, one format per label.
};

// "pdf", "png", "svg" or "zpl" (case-insensitive). InvalidArgument naming
// --format otherwise.
absl::StatusOr<LabelFormat> ParseLabelFormat(std::string_view text);
const char* LabelFormatName(LabelFormat format);

// The resolver host length assumed by the check before issuing: the client
// cannot know the server's resolver until the labels come back, and the
// label presets are sized for hosts up to this long (docs/labels.md "How
// big the QR is").
inline constexpr int kAssumedResolverHostLength = 20;

// VoidLabels takes at most this many serials per labels.voided entry.
inline constexpr size_t kMaxSerialsPerVoid = 10000;

// The flags of `labels issue`, as given.
struct LabelIssueRequest {
  std::string batch;  // "GTIN/LOT"
  // Labels to issue. 0 and values above the server's limit are sent as
  // they are, so the refusal is the server's own message.
  int64_t count = 0;
  bool pins = false;
  std::string format = "pdf";
  std::string layout = "a4-3x8";  // preset or custom spec (labelgen)
  std::string ec;                 // "" = the layout's level
  double module_mm = 0;           // 0 = the layout's module size
  int pixels_per_module = 8;      // png
  int dpi = 203;                  // zpl
  std::string zpl_font = "0";     // zpl
  std::string out;
  std::string issuance_out;  // "" = DefaultIssuancePath(out)
};

// A request checked locally and ready to send.
struct LabelIssuePlan {
  v1::BatchRef batch;  // GTIN-14 and lot
  uint32_t count = 0;
  bool pins = false;
  LabelFormat format = LabelFormat::kPdf;
  labelgen::SheetLayout layout;  // --ec and --module-mm applied, validated
  int pixels_per_module = 8;
  int dpi = 203;
  std::string zpl_font = "0";
  std::string out;                // trailing '/' removed
  bool out_is_directory = false;  // png/svg with more than one label
  std::string issuance_out;
  int qr_width_modules = 0;  // of the representative URL
};

// "<out>.issuance.jsonl" (a trailing '/' of a directory is dropped first).
std::string DefaultIssuancePath(std::string_view out);

// A label URL of the length the server will produce for this batch: a
// resolver host of kAssumedResolverHostLength characters, the real GTIN and
// lot, a 10-character serial and a 155-digit signature.
std::string RepresentativeLabelUrl(std::string_view gtin14,
                                   std::string_view lot);

// Checks everything about `request` that needs no server:
// - the batch argument (ParseBatchArgument), count not negative, --format,
//   --ppm (1-40);
// - the layout (labelgen ParseLayout/ValidateLayout with --ec and
//   --module-mm applied), that the QR of RepresentativeLabelUrl fits the
//   label (ValidateQrFits), and that a representative label composes in
//   the chosen format (for zpl: --dpi, module size in dots);
// - the outputs: --out is given, its directory exists; for a directory of
//   png/svg files it does not exist or is empty; the issuance file does not
//   exist yet (it may hold PINs of an earlier run) and is not --out.
// InvalidArgument naming the flag; AlreadyExists for an output in the way;
// NotFound for a missing parent directory.
absl::StatusOr<LabelIssuePlan> PlanLabelIssue(const LabelIssueRequest& request);

// What came back from an IssueLabels stream.
struct IssueStreamResult {
  // The first message arrived: from then on the labels exist on the
  // server (their labels.issued entry is durable, see summary.receipt).
  bool summary_received = false;
  v1::IssuanceSummary summary;
  // The labels received, in order, with the header filled from the summary
  // (HeaderFromSummary).
  labelgen::Issuance issuance;
  // OK when every label arrived. Otherwise:
  // - without a summary, the stream's own status (nothing is known to be
  //   issued; e.g. the server's InvalidArgument "count: ...", NotFound,
  //   PermissionDenied), converted with FromGrpcStatus(status, server);
  // - with a summary, DataLoss: the stream ended early or out of order; the
  //   message gives the entry's log index and how many labels are missing,
  //   and `issuance` holds those that arrived, so they can be saved.
  absl::Status status;
};

// Reads a whole IssueLabels stream: the summary in the first message, then
// labels in order (1000 per message, each with its offset). Shows
// "receiving" progress on `progress`.
IssueStreamResult ReadIssueStream(
    grpc::ClientReaderInterface<v1::IssueLabelsResponse>& reader,
    std::string_view server, ProgressMeter& progress);

// The issuance-file header for a summary: gtin, lot, product and producer
// names, stars, certificate and its last valid day, the batch's expiry,
// resolver, label key, issue time and whether labels carry PINs.
labelgen::IssuanceHeader HeaderFromSummary(const v1::IssuanceSummary& summary);

// Writes `issuance` as an issuance file (labelgen FormatIssuance; readable
// by `labelgen --in`) atomically: mode 0600 when it holds PINs, else 0644.
absl::Status WriteIssuanceFile(const std::string& path,
                               const labelgen::Issuance& issuance);

// What RenderIssuance wrote.
struct RenderSummary {
  int labels = 0;
  int pages = 0;  // pdf only
  int files = 0;  // files written (1 for pdf and zpl)
};

// Renders `issuance` as `plan` says, atomically (a failure leaves nothing at
// plan.out), with "rendering" progress in pages (pdf) or labels. Files that
// show PINs are made owner-only (0600, directory 0700). Errors: labelgen's
// (a label that does not fit, a character the font lacks, file errors).
absl::StatusOr<RenderSummary> RenderIssuance(const labelgen::Issuance& issuance,
                                             const LabelIssuePlan& plan,
                                             ProgressMeter& progress);

// One serial as typed or printed: surrounding blanks removed, upper-cased.
// InvalidArgument unless it is a service serial (10 characters of Crockford
// base32, docs/formats-gs1.md), naming `source` and the character.
absl::StatusOr<std::string> NormalizeSerial(std::string_view text,
                                            std::string_view source);

// The serials to void from --from-file contents: either an issuance file
// (JSON lines, as written by `labels issue`; its GTIN and lot must be
// `batch`'s) or plain text with one serial per line (blank lines and lines
// starting with '#' are skipped). InvalidArgument naming `source` and the
// line otherwise; also for an empty list.
absl::StatusOr<std::vector<std::string>> ParseSerialFile(
    std::string_view contents, std::string_view source,
    const v1::BatchRef& batch);

// Checks a serial list for VoidLabels: at least one, no serial twice.
// InvalidArgument naming the repeated serial.
absl::Status CheckSerialList(const std::vector<std::string>& serials);

// `serials` cut into groups of at most kMaxSerialsPerVoid, in order.
std::vector<std::vector<std::string>> SplitForVoid(
    const std::vector<std::string>& serials);

// The labels.voided reason: 1 to 500 bytes (the server's rule). InvalidArgument
// naming --reason otherwise.
absl::Status CheckVoidReason(std::string_view reason);

}  // namespace ocoptrace::client

#endif  // OCOPTRACE_CLIENT_LABEL_ISSUE_H_
