// OfficerReads::ListReports: suspect-label reports and scan anomalies for
// inspectors (stats.h).

#include <deque>
#include <map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "core/timestamp.h"
#include "server/trace/authorization.h"
#include "server/trace/stats.h"

namespace ocoptrace::trace {
namespace {

constexpr absl::Duration kDefaultWindow = absl::Hours(7 * 24);
constexpr uint32_t kDefaultLimit = 500;
constexpr uint32_t kMaxLimit = 10000;

// Product names and owners by GTIN, looked up once per listing.
class ProductNames {
 public:
  explicit ProductNames(const Service* service) : service_(service) {}

  const std::pair<std::string, std::string>& Of(const std::string& gtin14) {
    auto found = names_.find(gtin14);
    if (found != names_.end()) return found->second;
    std::pair<std::string, std::string> name;
    v1::GetProductRequest request;
    request.set_gtin(gtin14);
    static const Caller office{"officer-reads", v1::ROLE_ADMIN, ""};
    absl::StatusOr<v1::Product> product = service_->GetProduct(office, request);
    if (product.ok()) {
      name = {product->record().name(), product->record().producer_id()};
    }
    return names_.emplace(gtin14, std::move(name)).first->second;
  }

 private:
  const Service* const service_;
  std::map<std::string, std::pair<std::string, std::string>> names_;
};

std::string Explain(const ScanAnomalyView& anomaly, const ScanPolicy& policy) {
  switch (anomaly.kind) {
    case AnomalyKind::kManyScans:
      return absl::StrCat("scanned ", anomaly.valid_scans, " times; more than ",
                          policy.max_scans,
                          " scans of one unit is suspicious (a copied label "
                          "is scanned again and again)");
    case AnomalyKind::kManyPlaces:
      return absl::StrCat("scanned from ", anomaly.places,
                          " different places (networks); more than ",
                          policy.max_places,
                          " is suspicious (copies of one label sold in "
                          "several places)");
    case AnomalyKind::kPinReused:
      return absl::StrCat(
          "its scratch PIN was entered again after the first check (",
          anomaly.pin_reuses,
          " times): the PIN was revealed before, as a copied label's is");
    case AnomalyKind::kUnknownSerial:
      return "a serial never issued for this GTIN: a forged label under a "
             "real product code";
  }
  return "";
}

}  // namespace

absl::StatusOr<v1::ListReportsResponse> OfficerReads::ListReports(
    const Caller& caller, const v1::ListReportsRequest& request) const {
  if (auto status = AuthorizeCall(caller, Method::kListReports); !status.ok()) {
    return status;
  }
  if (request.since_unix_seconds() < 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "since_unix_seconds: ", request.since_unix_seconds(),
        " is before 1970; give a Unix time in seconds, or 0 for 7 days ago"));
  }
  if (request.until_unix_seconds() < 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "until_unix_seconds: ", request.until_unix_seconds(),
        " is before 1970; give a Unix time in seconds, or 0 for now"));
  }
  const absl::Time until =
      request.until_unix_seconds() == 0
          ? clock_->Now()
          : absl::FromUnixSeconds(request.until_unix_seconds());
  const absl::Time since =
      request.since_unix_seconds() == 0
          ? until - kDefaultWindow
          : absl::FromUnixSeconds(request.since_unix_seconds());
  if (until < since) {
    return absl::InvalidArgumentError(
        "until_unix_seconds: the window ends before it starts; give since < "
        "until");
  }
  if (scans_ == nullptr || reports_ == nullptr) {
    return absl::FailedPreconditionError(
        "this server keeps no scan telemetry or reports (no consumers' "
        "door); nothing to list");
  }
  const size_t limit = request.limit() == 0
                           ? kDefaultLimit
                           : std::min<uint32_t>(request.limit(), kMaxLimit);
  const int32_t offset = service_->options().utc_offset_minutes;
  auto rfc3339 = [offset](absl::Time time) {
    return FormatRfc3339(TimestampAt(time, offset));
  };

  v1::ListReportsResponse response;
  response.set_since_unix_seconds(absl::ToUnixSeconds(since));
  response.set_until_unix_seconds(absl::ToUnixSeconds(until));

  // Oldest first from the stores; keep the newest `limit`.
  std::deque<SuspectReportView> reports;
  absl::Status status = reports_->ForEachReport(
      since, until, [&](const SuspectReportView& report) {
        reports.push_back(report);
        if (reports.size() > limit) {
          reports.pop_front();
          response.set_reports_truncated(true);
        }
        return true;
      });
  if (!status.ok()) return status;
  std::deque<ScanAnomalyView> anomalies;
  status =
      scans_->ForEachAnomaly(since, until, [&](const ScanAnomalyView& anomaly) {
        anomalies.push_back(anomaly);
        if (anomalies.size() > limit) {
          anomalies.pop_front();
          response.set_anomalies_truncated(true);
        }
        return true;
      });
  if (!status.ok()) return status;

  ProductNames names(service_);
  for (auto it = reports.rbegin(); it != reports.rend(); ++it) {
    const SuspectReportInput& report = it->report;
    v1::SuspectLabelReport* out = response.add_reports();
    out->set_time(rfc3339(report.time));
    out->set_gtin(report.gtin14);
    out->set_lot(report.lot);
    out->set_serial(report.serial);
    out->set_place(report.place);
    out->set_shop(report.shop);
    out->set_note(report.note);
    out->set_client_network(report.client_network);
    const auto& [name, producer] = names.Of(report.gtin14);
    out->set_product_name(name);
    out->set_producer_id(producer);
  }
  for (auto it = anomalies.rbegin(); it != anomalies.rend(); ++it) {
    v1::ScanAnomalyReport* out = response.add_anomalies();
    out->set_kind(std::string(AnomalyKindName(it->kind)));
    out->set_time(rfc3339(it->time));
    out->set_gtin(it->gtin14);
    out->set_lot(it->lot);
    out->set_serial(it->serial);
    out->set_valid_scans(it->valid_scans);
    out->set_places(it->places);
    out->set_pin_reuses(it->pin_reuses);
    out->set_client_network(it->client_network);
    const auto& [name, producer] = names.Of(it->gtin14);
    out->set_product_name(name);
    out->set_producer_id(producer);
    out->set_explanation(Explain(*it, scans_->policy()));
  }
  return response;
}

}  // namespace ocoptrace::trace
