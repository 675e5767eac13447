#include "client/label_issue.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>
#include <set>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "client/arguments.h"
#include "client/config.h"
#include "client/connection.h"
#include "core/label_payload.h"
#include "labelgen/atomic_file.h"
#include "labelgen/label.h"
#include "labelgen/qr.h"
#include "labelgen/render.h"
#include "labelgen/svg.h"
#include "labelgen/zpl.h"

namespace ocoptrace::client {
namespace {

namespace fs = std::filesystem;
namespace lg = ::ocoptrace::labelgen;

std::string ParentDirectory(const std::string& path) {
  fs::path parent = fs::path(path).parent_path();
  return parent.empty() ? std::string(".") : parent.string();
}

// The directory that will hold `path` must exist and be writable.
absl::Status CheckParentWritable(const std::string& flag,
                                 const std::string& path) {
  const std::string parent = ParentDirectory(path);
  std::error_code error;
  if (!fs::is_directory(parent, error)) {
    return absl::NotFoundError(absl::StrCat(
        flag, " ", path, ": directory ", parent,
        " does not exist; create it first (mkdir -p ", parent, ")"));
  }
  if (::access(parent.c_str(), W_OK) != 0) {
    return absl::PermissionDeniedError(
        absl::StrCat(flag, " ", path, ": cannot write in directory ", parent,
                     ": ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

absl::Status CheckOutputs(const LabelIssuePlan& plan) {
  if (plan.out.empty()) {
    return absl::InvalidArgumentError(
        "--out: give the output file (pdf, zpl) or directory (png, svg)");
  }
  if (absl::Status parent = CheckParentWritable("--out", plan.out);
      !parent.ok()) {
    return parent;
  }
  std::error_code error;
  const bool exists = fs::exists(plan.out, error);
  if (plan.out_is_directory) {
    if (exists && (!fs::is_directory(plan.out, error) ||
                   !fs::is_empty(plan.out, error))) {
      return absl::AlreadyExistsError(
          absl::StrCat("--out ", plan.out,
                       ": already exists and is not an empty "
                       "directory; ",
                       LabelFormatName(plan.format),
                       " labels go into a new directory, one file per label"));
    }
  } else if (exists && fs::is_directory(plan.out, error)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--out ", plan.out, ": is a directory; give a file name such as ",
        plan.out, "/labels.", LabelFormatName(plan.format)));
  }
  if (absl::Status parent =
          CheckParentWritable("--issuance-out", plan.issuance_out);
      !parent.ok()) {
    return parent;
  }
  if (fs::path(plan.issuance_out).lexically_normal() ==
      fs::path(plan.out).lexically_normal()) {
    return absl::InvalidArgumentError(
        "--issuance-out: must differ from --out (the issuance file is the "
        "record of what was issued)");
  }
  if (fs::exists(plan.issuance_out, error)) {
    return absl::AlreadyExistsError(absl::StrCat(
        "--issuance-out ", plan.issuance_out,
        ": already exists and may record labels issued before (and their "
        "PINs); move it away or choose another file with --issuance-out"));
  }
  return absl::OkStatus();
}

// A label like the ones the server will return, for the checks before
// issuing.
lg::LabelData RepresentativeLabel(const LabelIssuePlan& plan) {
  lg::LabelData label;
  label.url = RepresentativeLabelUrl(plan.batch.gtin(), plan.batch.lot());
  label.product_name = "Sản phẩm OCOP";
  label.producer_name = "HTX";
  label.lot = plan.batch.lot();
  label.serial = "0123456789";
  label.stars = 4;
  if (plan.pins) label.pin = "12345678";
  return label;
}

absl::Status CheckRepresentativeLabel(LabelIssuePlan& plan) {
  const lg::LabelData label = RepresentativeLabel(plan);
  absl::StatusOr<lg::QrMatrix> qr = lg::EncodeQr(label.url, plan.layout.ec);
  if (!qr.ok()) return qr.status();
  plan.qr_width_modules = qr->width;
  const lg::LabelGeometry geometry = lg::GeometryOf(plan.layout);
  if (absl::Status fits = lg::ValidateQrFits(geometry, qr->width); !fits.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--layout: ", fits.message(), " (checked before issuing, with a ",
        kAssumedResolverHostLength, "-character resolver host and lot ",
        plan.batch.lot(), "; nothing was issued)"));
  }
  absl::Status composed;
  if (plan.format == LabelFormat::kZpl) {
    lg::ZplOptions options;
    options.dpi = plan.dpi;
    options.font = plan.zpl_font;
    composed =
        lg::RenderZpl({label}, geometry, plan.layout.ec, options).status();
  } else {
    composed = lg::RenderLabelSvg(label, geometry, plan.layout.ec).status();
  }
  if (!composed.ok()) {
    return absl::Status(
        composed.code(),
        absl::StrCat("a label of this layout cannot be drawn: ",
                     composed.message(), "; nothing was issued"));
  }
  return absl::OkStatus();
}

std::string Plural(uint64_t n, std::string_view one, std::string_view many) {
  return absl::StrCat(n, " ", std::string(n == 1 ? one : many));
}

// Makes `path` owner-only (files 0600, directories 0700 and their files).
void MakeOwnerOnly(const std::string& path, bool directory) {
  ::chmod(path.c_str(), directory ? 0700 : 0600);
  if (!directory) return;
  std::error_code error;
  for (const fs::directory_entry& entry : fs::directory_iterator(path, error)) {
    ::chmod(entry.path().c_str(), 0600);
  }
}

}  // namespace

absl::StatusOr<LabelFormat> ParseLabelFormat(std::string_view text) {
  const std::string word = absl::AsciiStrToLower(std::string(text));
  if (word == "pdf") return LabelFormat::kPdf;
  if (word == "png") return LabelFormat::kPng;
  if (word == "svg") return LabelFormat::kSvg;
  if (word == "zpl") return LabelFormat::kZpl;
  return absl::InvalidArgumentError(absl::StrCat(
      "--format: '", std::string(text),
      "' is not an output format; use pdf (sheets), png or svg (one file "
      "per label) or zpl (thermal printers)"));
}

const char* LabelFormatName(LabelFormat format) {
  switch (format) {
    case LabelFormat::kPdf:
      return "pdf";
    case LabelFormat::kPng:
      return "png";
    case LabelFormat::kSvg:
      return "svg";
    case LabelFormat::kZpl:
      return "zpl";
  }
  return "?";
}

std::string DefaultIssuancePath(std::string_view out) {
  std::string base(out);
  while (base.size() > 1 && base.back() == '/') base.pop_back();
  return base + ".issuance.jsonl";
}

std::string RepresentativeLabelUrl(std::string_view gtin14,
                                   std::string_view lot) {
  // "https://" + a host of the assumed length; the signature bytes are all
  // 0xFF, which encodes to 155 digits like every signature.
  std::string host(kAssumedResolverHostLength, 'x');
  host.replace(host.size() - 3, 3, ".vn");
  return FormatLabelUrl(absl::StrCat("https://", host), gtin14, lot,
                        "0123456789", std::string(64, '\xff'));
}

absl::StatusOr<LabelIssuePlan> PlanLabelIssue(
    const LabelIssueRequest& request) {
  LabelIssuePlan plan;
  absl::StatusOr<v1::BatchRef> batch = ParseBatchArgument(request.batch);
  if (!batch.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--batch: ", batch.status().message()));
  }
  plan.batch = *batch;
  if (request.count < 0 || request.count > UINT32_MAX) {
    return absl::InvalidArgumentError(
        absl::StrCat("--count ", request.count,
                     ": give the number of labels to issue, at least 1"));
  }
  plan.count = static_cast<uint32_t>(request.count);
  plan.pins = request.pins;
  absl::StatusOr<LabelFormat> format = ParseLabelFormat(request.format);
  if (!format.ok()) return format.status();
  plan.format = *format;

  absl::StatusOr<lg::SheetLayout> layout = lg::ParseLayout(request.layout);
  if (!layout.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--layout: ", layout.status().message()));
  }
  plan.layout = *layout;
  if (!request.ec.empty()) {
    absl::StatusOr<lg::EcLevel> ec = lg::ParseEcLevel(request.ec);
    if (!ec.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--ec: ", ec.status().message()));
    }
    plan.layout.ec = *ec;
  }
  if (request.module_mm < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("--module-mm ", request.module_mm,
                     ": give the printed size of one QR module in mm, e.g. "
                     "0.5"));
  }
  if (request.module_mm > 0) plan.layout.module_mm = request.module_mm;
  if (absl::Status valid = lg::ValidateLayout(plan.layout); !valid.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--layout: ", valid.message()));
  }
  if (request.pixels_per_module < 1 || request.pixels_per_module > 40) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--ppm ", request.pixels_per_module,
        ": pixels per QR module must be 1 to 40 (8 suits most uses)"));
  }
  plan.pixels_per_module = request.pixels_per_module;
  plan.dpi = request.dpi;
  plan.zpl_font = request.zpl_font;
  if (absl::Status label = CheckRepresentativeLabel(plan); !label.ok()) {
    return label;
  }

  plan.out = request.out;
  while (plan.out.size() > 1 && plan.out.back() == '/') plan.out.pop_back();
  plan.out_is_directory =
      (plan.format == LabelFormat::kPng || plan.format == LabelFormat::kSvg) &&
      plan.count != 1;
  plan.issuance_out = request.issuance_out.empty()
                          ? DefaultIssuancePath(plan.out)
                          : request.issuance_out;
  if (absl::Status outputs = CheckOutputs(plan); !outputs.ok()) return outputs;
  return plan;
}

labelgen::IssuanceHeader HeaderFromSummary(const v1::IssuanceSummary& summary) {
  lg::IssuanceHeader header;
  header.gtin = summary.gtin();
  header.lot = summary.lot();
  header.product_name = summary.product_name();
  header.producer_name = summary.producer_name();
  header.stars = static_cast<int>(summary.stars());
  header.certificate = summary.certificate();
  header.valid_until = summary.certificate_valid_until().iso_date();
  header.expiry = summary.expiry_date().iso_date();
  header.resolver = summary.resolver();
  header.label_key = summary.label_key();
  header.issued_at = summary.issued_at();
  header.pins = summary.with_pins();
  return header;
}

IssueStreamResult ReadIssueStream(
    grpc::ClientReaderInterface<v1::IssueLabelsResponse>& reader,
    std::string_view server, ProgressMeter& progress) {
  IssueStreamResult result;
  lg::Issuance& issuance = result.issuance;
  const v1::IssuanceSummary& summary = result.summary;
  std::string broken;  // Why the stream is unusable, once it is.
  v1::IssueLabelsResponse response;
  while (reader.Read(&response)) {
    if (!broken.empty()) continue;  // Drain; the error is known.
    if (!result.summary_received) {
      if (!response.has_summary()) {
        broken = "the first message carries no issuance summary";
        continue;
      }
      result.summary = response.summary();
      result.summary_received = true;
      issuance.header = HeaderFromSummary(summary);
      issuance.labels.reserve(summary.count());
      progress.Start("receiving", summary.count(), "labels");
    }
    if (response.offset() != issuance.labels.size()) {
      broken = absl::StrCat("labels arrived out of order (offset ",
                            response.offset(), " after ",
                            issuance.labels.size(), " labels)");
      continue;
    }
    for (v1::IssuedLabel& label : *response.mutable_labels()) {
      issuance.labels.push_back({std::move(*label.mutable_serial()),
                                 std::move(*label.mutable_url()),
                                 std::move(*label.mutable_pin())});
    }
    progress.Update(issuance.labels.size());
  }
  const grpc::Status status = reader.Finish();
  progress.Finish();
  if (!result.summary_received) {
    result.status =
        !status.ok() ? FromGrpcStatus(status, server)
                     : absl::DataLossError(
                           "the server ended IssueLabels without an issuance "
                           "summary; run `tracectl history` on the batch to "
                           "see whether labels were issued");
    return result;
  }
  if (broken.empty() && issuance.labels.size() != summary.count()) {
    broken = absl::StrCat("the stream ended after ", issuance.labels.size(),
                          " of ", summary.count(), " labels");
    if (!status.ok()) {
      absl::StrAppend(&broken, " (", status.error_message(), ")");
    }
  }
  if (!broken.empty()) {
    result.status = absl::DataLossError(absl::StrCat(
        broken, ". All ", summary.count(),
        " labels were issued (labels.issued entry at log index ",
        summary.receipt().index(), ", seq ", summary.receipt().seq(), " of ",
        summary.receipt().subject(),
        "); labels that did not arrive cannot be printed: void them with "
        "`tracectl labels void`"));
  }
  return result;
}

absl::Status WriteIssuanceFile(const std::string& path,
                               const labelgen::Issuance& issuance) {
  return WriteFileAtomically(path, lg::FormatIssuance(issuance),
                             issuance.header.pins ? 0600 : 0644);
}

absl::StatusOr<RenderSummary> RenderIssuance(const labelgen::Issuance& issuance,
                                             const LabelIssuePlan& plan,
                                             ProgressMeter& progress) {
  const std::vector<lg::LabelData> labels = lg::ToLabelData(issuance);
  RenderSummary summary;
  summary.labels = static_cast<int>(labels.size());
  const lg::LabelGeometry geometry = lg::GeometryOf(plan.layout);
  const bool pins = issuance.header.pins;
  switch (plan.format) {
    case LabelFormat::kPdf: {
      const int per_page = plan.layout.LabelsPerPage();
      summary.pages = (summary.labels + per_page - 1) / per_page;
      progress.Start("rendering", summary.pages, "pages");
      absl::Status rendered = lg::RenderSheetPdf(
          labels, plan.layout, plan.out,
          [&progress, per_page](int done, int /*total*/) {
            progress.Update((done + per_page - 1) / per_page);
          });
      progress.Finish();
      if (!rendered.ok()) return rendered;
      if (pins) MakeOwnerOnly(plan.out, /*directory=*/false);
      summary.files = 1;
      return summary;
    }
    case LabelFormat::kZpl: {
      lg::ZplOptions options;
      options.dpi = plan.dpi;
      options.font = plan.zpl_font;
      absl::StatusOr<std::string> zpl =
          lg::RenderZpl(labels, geometry, plan.layout.ec, options);
      if (!zpl.ok()) return zpl.status();
      if (absl::Status written = lg::WriteFileAtomically(plan.out, *zpl);
          !written.ok()) {
        return written;
      }
      if (pins) MakeOwnerOnly(plan.out, /*directory=*/false);
      summary.files = 1;
      return summary;
    }
    case LabelFormat::kPng:
    case LabelFormat::kSvg:
      break;
  }
  const bool png = plan.format == LabelFormat::kPng;
  auto render = [&](const lg::LabelData& label) {
    return png ? lg::RenderLabelPng(label, geometry, plan.layout.ec,
                                    plan.pixels_per_module)
               : lg::RenderLabelSvg(label, geometry, plan.layout.ec);
  };
  if (!plan.out_is_directory) {
    if (labels.size() != 1) {
      return absl::InvalidArgumentError(
          absl::StrCat("--out ", plan.out, " is one file but ",
                       Plural(labels.size(), "label", "labels"),
                       " came back; give a directory"));
    }
    absl::StatusOr<std::string> bytes = render(labels[0]);
    if (!bytes.ok()) return bytes.status();
    if (absl::Status written = lg::WriteFileAtomically(plan.out, *bytes);
        !written.ok()) {
      return written;
    }
    if (pins) MakeOwnerOnly(plan.out, /*directory=*/false);
    summary.files = 1;
    return summary;
  }
  absl::StatusOr<std::unique_ptr<lg::AtomicDirectory>> directory =
      lg::AtomicDirectory::Create(plan.out);
  if (!directory.ok()) return directory.status();
  progress.Start("rendering", labels.size(), "labels");
  const char* extension = LabelFormatName(plan.format);
  for (size_t i = 0; i < labels.size(); ++i) {
    absl::StatusOr<std::string> bytes = render(labels[i]);
    if (!bytes.ok()) {
      return absl::Status(
          bytes.status().code(),
          absl::StrCat("label ", i + 1, " (serial ", labels[i].serial,
                       "): ", bytes.status().message()));
    }
    // The names labelgen gives: 00001-<serial>.png, in issuance order.
    const std::string name =
        absl::StrFormat("%05d-%s.%s", i + 1, labels[i].serial, extension);
    if (absl::Status written = (*directory)->WriteFile(name, *bytes);
        !written.ok()) {
      return written;
    }
    progress.Update(i + 1);
  }
  progress.Finish();
  if (absl::Status committed = (*directory)->Commit(); !committed.ok()) {
    return committed;
  }
  if (pins) MakeOwnerOnly(plan.out, /*directory=*/true);
  summary.files = summary.labels;
  return summary;
}

absl::StatusOr<std::string> NormalizeSerial(std::string_view text,
                                            std::string_view source) {
  std::string serial = absl::AsciiStrToUpper(
      absl::StripAsciiWhitespace(absl::string_view(text.data(), text.size())));
  if (IsServiceSerial(serial)) return serial;
  std::string problem;
  if (serial.size() != kSerialLength) {
    problem =
        absl::StrCat("has ", serial.size(), " characters, not ", kSerialLength);
  } else {
    for (size_t i = 0; i < serial.size(); ++i) {
      if (kSerialAlphabet.find(serial[i]) == std::string_view::npos) {
        problem = absl::StrCat("character '", std::string(1, serial[i]),
                               "' at position ", i + 1, " is not used");
        break;
      }
    }
  }
  return absl::InvalidArgumentError(absl::StrCat(
      std::string(source), ": '", std::string(text),
      "' is not a label serial: it ", problem,
      "; serials are 10 characters of 0-9 and A-Z without I, L, O, U, as "
      "printed after \"Số sê-ri:\""));
}

absl::StatusOr<std::vector<std::string>> ParseSerialFile(
    std::string_view contents, std::string_view source,
    const v1::BatchRef& batch) {
  const absl::string_view all(contents.data(), contents.size());
  const absl::string_view trimmed = absl::StripLeadingAsciiWhitespace(all);
  std::vector<std::string> serials;
  if (!trimmed.empty() && trimmed.front() == '{') {
    absl::StatusOr<lg::Issuance> issuance = lg::ParseIssuance(contents, source);
    if (!issuance.ok()) return issuance.status();
    if (issuance->header.gtin != batch.gtin() ||
        issuance->header.lot != batch.lot()) {
      return absl::InvalidArgumentError(
          absl::StrCat(std::string(source), ": the issuance file is for batch ",
                       issuance->header.gtin, "/", issuance->header.lot,
                       ", not ", batch.gtin(), "/", batch.lot(), " (--batch)"));
    }
    for (const lg::IssuedLabel& label : issuance->labels) {
      serials.push_back(label.serial);
    }
  } else {
    int line_number = 0;
    for (absl::string_view line : absl::StrSplit(all, '\n')) {
      ++line_number;
      line = absl::StripAsciiWhitespace(line);
      if (line.empty() || line.front() == '#') continue;
      absl::StatusOr<std::string> serial = NormalizeSerial(
          std::string_view(line.data(), line.size()),
          absl::StrCat(std::string(source), " line ", line_number));
      if (!serial.ok()) return serial.status();
      serials.push_back(*std::move(serial));
    }
  }
  if (serials.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        std::string(source),
        ": no serials found; write one serial per line, or give the "
        "issuance file that `tracectl labels issue` wrote"));
  }
  return serials;
}

absl::Status CheckSerialList(const std::vector<std::string>& serials) {
  if (serials.empty()) {
    return absl::InvalidArgumentError(
        "serials: name the labels to void with --serial S (repeatable) or "
        "--from-file FILE");
  }
  std::set<std::string> seen;
  for (const std::string& serial : serials) {
    if (!seen.insert(serial).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("serials: ", serial,
                       " is listed more than once; list each label "
                       "once"));
    }
  }
  return absl::OkStatus();
}

std::vector<std::vector<std::string>> SplitForVoid(
    const std::vector<std::string>& serials) {
  std::vector<std::vector<std::string>> groups;
  for (size_t begin = 0; begin < serials.size(); begin += kMaxSerialsPerVoid) {
    const size_t end = std::min(serials.size(), begin + kMaxSerialsPerVoid);
    groups.emplace_back(serials.begin() + begin, serials.begin() + end);
  }
  return groups;
}

absl::Status CheckVoidReason(std::string_view reason) {
  constexpr size_t kMaxReasonBytes = 500;
  if (absl::StripAsciiWhitespace(
          absl::string_view(reason.data(), reason.size()))
          .empty()) {
    return absl::InvalidArgumentError(
        "--reason: say why the labels are void, in plain words, e.g. "
        "\"mất cuộn tem\" (lost roll) or \"in lỗi\" (misprint)");
  }
  if (reason.size() > kMaxReasonBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("--reason: ", reason.size(), " bytes; at most ",
                     kMaxReasonBytes, " bytes, please shorten it"));
  }
  return absl::OkStatus();
}

}  // namespace ocoptrace::client
