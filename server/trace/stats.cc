#include "server/trace/stats.h"

#include <algorithm>
#include <set>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/timestamp.h"
#include "server/trace/authorization.h"

namespace ocoptrace::trace {
namespace {

// The service's reads as the provincial office: every record is visible.
const Caller& OfficeCaller() {
  static const Caller* const caller =
      new Caller{"officer-reads", v1::ROLE_ADMIN, ""};
  return *caller;
}

constexpr uint32_t kPageSize = 1000;

// Calls `list(request)` page after page and `visit` on each response.
template <typename Request, typename Response, typename List, typename Visit>
absl::Status ForEachPage(Request request, List list, Visit visit) {
  request.mutable_page()->set_page_size(kPageSize);
  while (true) {
    absl::StatusOr<Response> page = list(request);
    if (!page.ok()) return page.status();
    visit(*page);
    if (page->next_page_token().empty()) return absl::OkStatus();
    request.mutable_page()->set_page_token(page->next_page_token());
  }
}

// A fixed row of a breakdown: the enum value, its key and display name.
struct BucketName {
  int value;
  const char* key;
  const char* name;
};

constexpr BucketName kGroups[] = {
    {v1::OCOP_GROUP_FOOD, "food", "Thực phẩm"},
    {v1::OCOP_GROUP_DRINKS, "drinks", "Đồ uống"},
    {v1::OCOP_GROUP_HERBAL, "herbal", "Thảo dược"},
    {v1::OCOP_GROUP_HANDICRAFTS, "handicrafts", "Thủ công mỹ nghệ"},
    {v1::OCOP_GROUP_ORNAMENTAL, "ornamental", "Sinh vật cảnh"},
    {v1::OCOP_GROUP_TOURISM, "tourism",
     "Dịch vụ du lịch cộng đồng, điểm du lịch"},
    {v1::OCOP_GROUP_UNSPECIFIED, "unspecified", "Chưa phân nhóm"},
};

constexpr BucketName kLegalForms[] = {
    {v1::LEGAL_FORM_COOPERATIVE, "cooperative", "Hợp tác xã (HTX)"},
    {v1::LEGAL_FORM_COMPANY, "company", "Công ty (TNHH, cổ phần)"},
    {v1::LEGAL_FORM_HOUSEHOLD_BUSINESS, "household_business", "Hộ kinh doanh"},
    {v1::LEGAL_FORM_COOPERATIVE_GROUP, "cooperative_group", "Tổ hợp tác (THT)"},
    {v1::LEGAL_FORM_UNSPECIFIED, "unspecified", "Chưa rõ"},
};

constexpr const char* kAnomalyNames[][2] = {
    {"many_scans", "scanned more often than a genuine unit is"},
    {"many_places", "scanned from too many places"},
    {"pin_reused", "scratch PIN entered again"},
    {"unknown_serial", "serial never issued, under a real GTIN"},
};

std::string JoinUnitNames(
    const google::protobuf::RepeatedPtrField<v1::AdminUnit>& units) {
  std::string joined;
  for (const v1::AdminUnit& unit : units) {
    if (unit.name().empty() || unit.level() == "district") continue;
    if (!joined.empty()) joined += ", ";
    joined += unit.name();
  }
  return joined;
}

// Fixed-order buckets (groups, legal forms): every listed value, except
// the unspecified one (value 0) when nothing falls in it.
template <size_t N>
void AddFixedBuckets(const BucketName (&names)[N],
                     const std::map<int, uint64_t>& counts,
                     const std::map<int, uint64_t>& certified,
                     google::protobuf::RepeatedPtrField<v1::StatsBucket>* out) {
  for (const BucketName& entry : names) {
    auto count = counts.find(entry.value);
    const uint64_t n = count == counts.end() ? 0 : count->second;
    if (entry.value == 0 && n == 0) continue;
    v1::StatsBucket* bucket = out->Add();
    bucket->set_key(entry.key);
    bucket->set_name(entry.name);
    bucket->set_count(n);
    auto with = certified.find(entry.value);
    if (with != certified.end()) bucket->set_certified(with->second);
  }
}

}  // namespace

std::string UnitsNamedInAddress(const v1::Address& address) {
  std::string current = JoinUnitNames(address.current_units());
  if (!current.empty()) return current;
  return JoinUnitNames(address.units_at_time());
}

uint64_t OfficerReads::DailyCounts::Since(absl::CivilDay first_day) const {
  uint64_t sum = 0;
  for (auto it = per_day.lower_bound(first_day); it != per_day.end(); ++it) {
    sum += it->second;
  }
  return sum;
}

OfficerReads::OfficerReads(Service* service, const ScanStore* scans,
                           const ReportStore* reports, Clock* clock,
                           OfficerReadsOptions options)
    : service_(service),
      scans_(scans),
      reports_(reports),
      clock_(clock),
      options_(std::move(options)) {}

absl::CivilDay OfficerReads::DayOf(absl::Time time) const {
  return absl::ToCivilDay(
      time, absl::FixedTimeZone(service_->options().utc_offset_minutes * 60));
}

absl::StatusOr<v1::ProvinceStats> OfficerReads::GetStats(
    const Caller& caller, const v1::GetStatsRequest& request) {
  (void)request;
  if (auto status = AuthorizeCall(caller, Method::kGetStats); !status.ok()) {
    return status;
  }
  return Stats();
}

std::optional<v1::ProvinceStats> OfficerReads::FreshStats() const {
  std::lock_guard<std::mutex> lock(cache_mutex_);
  if (cached_ && clock_->Now() - cached_at_ < options_.cache_for) {
    return cached_;
  }
  return std::nullopt;
}

absl::StatusOr<v1::ProvinceStats> OfficerReads::Stats() {
  if (std::optional<v1::ProvinceStats> fresh = FreshStats()) return *fresh;
  std::lock_guard<std::mutex> computing(compute_mutex_);
  // Another caller may have computed while this one waited.
  if (std::optional<v1::ProvinceStats> fresh = FreshStats()) return *fresh;
  const absl::Time started = clock_->Now();
  absl::StatusOr<v1::ProvinceStats> stats = Compute();
  if (!stats.ok()) return stats.status();
  std::lock_guard<std::mutex> lock(cache_mutex_);
  cached_ = *stats;
  cached_at_ = started;
  return stats;
}

absl::StatusOr<v1::ProvinceStats> OfficerReads::Compute() {
  const absl::Time now = clock_->Now();
  const int32_t offset = service_->options().utc_offset_minutes;
  const absl::CivilDay today = DayOf(now);
  v1::ProvinceStats stats;
  stats.set_computed_at(FormatRfc3339(TimestampAt(now, offset)));
  stats.mutable_today()->set_iso_date(FormatDate(today));
  stats.set_log_entries(service_->ledger().size());
  if (auto status = ComputeRegistry(today, stats); !status.ok()) return status;
  if (auto status = CatchUpTelemetry(now - options_.telemetry_settle);
      !status.ok()) {
    return status;
  }
  FillTelemetry(today, stats);
  return stats;
}

absl::Status OfficerReads::ComputeRegistry(absl::CivilDay today,
                                           v1::ProvinceStats& out) {
  const Caller& office = OfficeCaller();
  // Producers: legal forms and where they are today.
  std::map<std::string, std::string> unit_of_producer;
  std::map<int, uint64_t> forms;
  absl::Status status =
      ForEachPage<v1::ListProducersRequest, v1::ListProducersResponse>(
          v1::ListProducersRequest(),
          [&](const v1::ListProducersRequest& request) {
            return service_->ListProducers(office, request);
          },
          [&](const v1::ListProducersResponse& page) {
            for (const v1::Producer& producer : page.producers()) {
              const v1::ProducerRecord& record = producer.record();
              out.set_producers(out.producers() + 1);
              ++forms[record.legal_form()];
              unit_of_producer[record.id()] =
                  options_.current_unit(record.address());
            }
          });
  if (!status.ok()) return status;
  AddFixedBuckets(kLegalForms, forms, {},
                  out.mutable_producers_by_legal_form());

  // Products: stars today, groups, communes.
  std::map<int, uint64_t> groups;
  std::map<int, uint64_t> certified_groups;
  std::map<std::string, std::pair<uint64_t, uint64_t>> communes;
  std::vector<std::string> gtins;
  status = ForEachPage<v1::ListProductsRequest, v1::ListProductsResponse>(
      v1::ListProductsRequest(),
      [&](const v1::ListProductsRequest& request) {
        return service_->ListProducts(office, request);
      },
      [&](const v1::ListProductsResponse& page) {
        for (const v1::Product& product : page.products()) {
          const v1::ProductRecord& record = product.record();
          gtins.push_back(record.gtin());
          out.set_products(out.products() + 1);
          if (record.demo()) out.set_demo_products(out.demo_products() + 1);
          const bool certified = product.active_stars() >= 3;
          ++groups[record.group()];
          auto unit = unit_of_producer.find(record.producer_id());
          std::pair<uint64_t, uint64_t>& commune =
              communes[unit == unit_of_producer.end() ? "" : unit->second];
          ++commune.first;
          if (!certified) continue;
          ++commune.second;
          ++certified_groups[record.group()];
          out.set_products_certified(out.products_certified() + 1);
          switch (product.active_stars()) {
            case 3:
              out.set_products_3_stars(out.products_3_stars() + 1);
              break;
            case 4:
              out.set_products_4_stars(out.products_4_stars() + 1);
              break;
            default:
              out.set_products_5_stars(out.products_5_stars() + 1);
              break;
          }
        }
      });
  if (!status.ok()) return status;
  AddFixedBuckets(kGroups, groups, certified_groups,
                  out.mutable_products_by_group());
  std::vector<v1::StatsBucket> by_commune;
  for (const auto& [name, counts] : communes) {
    v1::StatsBucket bucket;
    bucket.set_key(name.empty() ? "unknown" : name);
    bucket.set_name(name.empty() ? "Chưa rõ địa bàn" : name);
    bucket.set_count(counts.first);
    bucket.set_certified(counts.second);
    by_commune.push_back(std::move(bucket));
  }
  std::stable_sort(by_commune.begin(), by_commune.end(),
                   [](const v1::StatsBucket& a, const v1::StatsBucket& b) {
                     return a.count() > b.count();
                   });
  for (v1::StatsBucket& bucket : by_commune) {
    *out.add_products_by_commune() = std::move(bucket);
  }

  // Certificates by status today, and those expiring soon.
  v1::ListCertificatesRequest certificates;
  certificates.mutable_as_of()->set_iso_date(FormatDate(today));
  status =
      ForEachPage<v1::ListCertificatesRequest, v1::ListCertificatesResponse>(
          certificates,
          [&](const v1::ListCertificatesRequest& request) {
            return service_->ListCertificates(office, request);
          },
          [&](const v1::ListCertificatesResponse& page) {
            for (const v1::Certificate& certificate : page.certificates()) {
              out.set_certificates(out.certificates() + 1);
              switch (certificate.status()) {
                case v1::CERTIFICATE_STATUS_ACTIVE:
                  out.set_certificates_active(out.certificates_active() + 1);
                  break;
                case v1::CERTIFICATE_STATUS_EXPIRED:
                  out.set_certificates_expired(out.certificates_expired() + 1);
                  break;
                case v1::CERTIFICATE_STATUS_REVOKED:
                  out.set_certificates_revoked(out.certificates_revoked() + 1);
                  break;
                case v1::CERTIFICATE_STATUS_SUPERSEDED:
                  out.set_certificates_superseded(
                      out.certificates_superseded() + 1);
                  break;
                case v1::CERTIFICATE_STATUS_NOT_YET_VALID:
                  out.set_certificates_not_yet_valid(
                      out.certificates_not_yet_valid() + 1);
                  break;
                default:
                  break;
              }
            }
          });
  if (!status.ok()) return status;
  certificates.set_expiring_within_days(options_.expiring_within_days);
  status =
      ForEachPage<v1::ListCertificatesRequest, v1::ListCertificatesResponse>(
          certificates,
          [&](const v1::ListCertificatesRequest& request) {
            return service_->ListCertificates(office, request);
          },
          [&](const v1::ListCertificatesResponse& page) {
            out.set_certificates_expiring_90_days(
                out.certificates_expiring_90_days() + page.certificates_size());
          });
  if (!status.ok()) return status;

  // Batches, their events and labels, product by product.
  for (const std::string& gtin : gtins) {
    bool traced = false;
    v1::ListBatchesRequest batches;
    batches.set_gtin(gtin);
    status = ForEachPage<v1::ListBatchesRequest, v1::ListBatchesResponse>(
        batches,
        [&](const v1::ListBatchesRequest& request) {
          return service_->ListBatches(office, request);
        },
        [&](const v1::ListBatchesResponse& page) {
          for (const v1::Batch& batch : page.batches()) {
            out.set_batches(out.batches() + 1);
            out.set_labels_issued(out.labels_issued() + batch.labels_issued());
            out.set_labels_voided(out.labels_voided() + batch.labels_voided());
            if (!batch.last_step().empty()) {
              out.set_batches_with_events(out.batches_with_events() + 1);
              traced = true;
            }
          }
        });
    if (!status.ok()) return status;
    if (traced) {
      out.set_products_with_traceability(out.products_with_traceability() + 1);
    }
  }
  return absl::OkStatus();
}

absl::Status OfficerReads::CatchUpTelemetry(absl::Time until) {
  const absl::Time from = telemetry_read_until_;
  if (until <= from) return absl::OkStatus();
  // Count into copies, so that a failed read counts nothing twice.
  DailyCounts scans = scan_counts_;
  std::map<std::string, uint64_t> by_result = scans_by_result_;
  DailyCounts anomalies = anomaly_counts_;
  std::map<std::string, uint64_t> by_kind = anomalies_by_kind_;
  DailyCounts reports = report_counts_;
  if (scans_ != nullptr) {
    absl::Status status =
        scans_->ForEachScan(from, until, [&](const ScanView& scan) {
          ++scans.per_day[DayOf(scan.time)];
          ++scans.total;
          if (!scan.serial.empty()) ++by_result[scan.result];
          return true;
        });
    if (!status.ok()) return status;
    status = scans_->ForEachAnomaly(
        from, until, [&](const ScanAnomalyView& anomaly) {
          ++anomalies.per_day[DayOf(anomaly.time)];
          ++anomalies.total;
          ++by_kind[std::string(AnomalyKindName(anomaly.kind))];
          return true;
        });
    if (!status.ok()) return status;
  }
  if (reports_ != nullptr) {
    absl::Status status = reports_->ForEachReport(
        from, until, [&](const SuspectReportView& report) {
          ++reports.per_day[DayOf(report.report.time)];
          ++reports.total;
          return true;
        });
    if (!status.ok()) return status;
  }
  scan_counts_ = std::move(scans);
  scans_by_result_ = std::move(by_result);
  anomaly_counts_ = std::move(anomalies);
  anomalies_by_kind_ = std::move(by_kind);
  report_counts_ = std::move(reports);
  telemetry_read_until_ = until;
  return absl::OkStatus();
}

void OfficerReads::FillTelemetry(absl::CivilDay today,
                                 v1::ProvinceStats& out) const {
  const absl::CivilDay first_of_30 = today - 29;
  out.set_scans(scan_counts_.total);
  out.set_scans_last_30_days(scan_counts_.Since(first_of_30));
  auto result = [this](const char* name) -> uint64_t {
    auto found = scans_by_result_.find(name);
    return found == scans_by_result_.end() ? 0 : found->second;
  };
  out.set_scans_genuine(result("genuine"));
  out.set_scans_suspicious(result("suspicious"));
  out.set_scans_not_genuine(result("not_genuine"));
  out.set_anomalies(anomaly_counts_.total);
  out.set_anomalies_last_30_days(anomaly_counts_.Since(first_of_30));
  for (const auto& [key, name] : kAnomalyNames) {
    v1::StatsBucket* bucket = out.add_anomalies_by_kind();
    bucket->set_key(key);
    bucket->set_name(name);
    auto found = anomalies_by_kind_.find(key);
    bucket->set_count(found == anomalies_by_kind_.end() ? 0 : found->second);
  }
  out.set_suspect_reports(report_counts_.total);
  out.set_suspect_reports_last_30_days(report_counts_.Since(first_of_30));
}

}  // namespace ocoptrace::trace
