#include "server/site/telemetry_sinks.h"

#include <memory>
#include <utility>

namespace ocoptrace::site {

absl::Status ScanWriter::WriteScans(std::vector<http::ScanRecord> batch) {
  std::vector<trace::ScanInput> scans;
  scans.reserve(batch.size());
  for (http::ScanRecord& record : batch) {
    trace::ScanInput scan;
    scan.time = record.time;
    scan.gtin14 = std::move(record.gtin14);
    scan.lot = std::move(record.lot);
    scan.serial = std::move(record.serial);
    scan.result = std::move(record.result);
    scan.client_network = std::move(record.client_network);
    scan.language = std::move(record.language);
    scans.push_back(std::move(scan));
  }
  return scans_->Record(scans);
}

absl::StatusOr<http::PinCheckResult> PinChecks::CheckNow(
    const http::LabelId& label, const std::string& pin) {
  using Outcome = http::PinCheckResult::Outcome;
  http::PinCheckResult result;
  absl::StatusOr<trace::LabelView> view =
      service_->ResolveLabel(label.gtin14, label.serial);
  if (absl::IsNotFound(view.status()) ||
      (view.ok() && view->lot != label.lot)) {
    result.outcome = Outcome::kUnknownLabel;
    return result;
  }
  if (!view.ok()) return view.status();
  if (!view->has_pin) {
    result.outcome = Outcome::kNoPins;
    return result;
  }
  absl::StatusOr<trace::PinCheck> check =
      service_->CheckPin(label.gtin14, label.serial, pin);
  if (absl::IsInvalidArgument(check.status())) {
    result.outcome = Outcome::kWrongPin;
    return result;
  }
  if (absl::IsResourceExhausted(check.status())) {
    result.outcome = Outcome::kLocked;
    return result;
  }
  if (absl::IsNotFound(check.status())) {
    result.outcome = Outcome::kUnknownLabel;
    return result;
  }
  if (!check.ok()) return check.status();
  if (!check->correct) {
    result.outcome = Outcome::kWrongPin;
    return result;
  }
  result.first_checked = check->first_verified_at;
  if (!check->already_verified) {
    result.outcome = Outcome::kFirstCheck;
    return result;
  }
  result.outcome = Outcome::kAlreadyChecked;
  if (scans_ != nullptr) {
    // Telemetry: a failure to note it must not hide the answer.
    (void)scans_->RecordPinReuse(label.gtin14, label.lot, label.serial,
                                 clock_->Now(), "");
  }
  return result;
}

void PinChecks::CheckPin(
    const http::LabelId& label, const std::string& pin,
    std::function<void(absl::StatusOr<http::PinCheckResult>)> done) {
  auto shared_done = std::make_shared<decltype(done)>(std::move(done));
  const bool posted = worker_->Post([this, label, pin, shared_done] {
    (*shared_done)(CheckNow(label, pin));
  });
  if (!posted) {
    (*shared_done)(absl::UnavailableError(
        "too many PIN checks are waiting; try again in a minute"));
  }
}

void ReportIntake::Submit(http::SuspectReport report,
                          std::function<void(absl::Status)> done) {
  trace::SuspectReportInput input;
  input.time = report.time;
  input.gtin14 = std::move(report.label.gtin14);
  input.lot = std::move(report.label.lot);
  input.serial = std::move(report.label.serial);
  input.place = std::move(report.place);
  input.shop = std::move(report.shop);
  input.note = std::move(report.note);
  input.client_network = std::move(report.client_network);
  auto shared_done = std::make_shared<decltype(done)>(std::move(done));
  const bool posted = worker_->Post(
      [this, input, shared_done] { (*shared_done)(reports_->Submit(input)); });
  if (!posted) {
    (*shared_done)(absl::UnavailableError(
        "too many reports are waiting; try again in a minute"));
  }
}

}  // namespace ocoptrace::site
