// OfficerReads: what the provincial OCOP office and the inspectors read
// besides single records — the province's statistics (Admin.GetStats,
// GET /stats.json) and the list of suspect-label reports with the scan
// anomalies that made pages warn (Admin.ListReports).
//
// Statistics are computed from the derived state through the service's own
// read methods (producers, products with today's stars, certificates with
// today's status, batches with their label counts) and from the telemetry
// stores, then cached for `cache_for`: a province has a few hundred
// products, so one computation takes milliseconds, and a dashboard polled
// by many browsers costs one computation per period. Scans, anomalies and
// reports are counted incrementally: each computation reads only the
// records filed since the previous one (by day, in Vietnam time), so the
// cost does not grow with years of telemetry. A record is counted once its
// time is more than `telemetry_settle` in the past (the consumers' door
// writes scans in batches a fraction of a second after the page view).
//
// The reads are consistent per record, not across the whole province: a
// write landing during a computation may be counted in one figure and not
// yet in another; the next computation counts it everywhere.
//
// Thread-safety: all methods are thread-safe. One computation runs at a
// time; callers arriving meanwhile wait for it and share its result.

#ifndef OCOPTRACE_SERVER_TRACE_STATS_H_
#define OCOPTRACE_SERVER_TRACE_STATS_H_

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "core/clock.h"
#include "ocoptrace/v1/admin.pb.h"
#include "server/trace/reports.h"
#include "server/trace/scans.h"
#include "server/trace/service.h"

namespace ocoptrace::trace {

// The commune or ward (and province) an address is in today, as one
// display name, e.g. "Xã Côn Minh, tỉnh Thái Nguyên"; "" when unknown.
using CurrentUnitFunction = std::function<std::string(const v1::Address&)>;

// The default: the address's current_units when set, else the commune or
// ward of its units at the time and the province, else "".
std::string UnitsNamedInAddress(const v1::Address& address);

struct OfficerReadsOptions {
  // How long a computed ProvinceStats is served before it is recomputed.
  absl::Duration cache_for = absl::Seconds(5);
  // Telemetry younger than this is left for the next computation.
  absl::Duration telemetry_settle = absl::Seconds(2);
  // Places producers by the unit their address is in today. The daemon
  // passes the 2025 succession table of the consumers' door
  // (site::CurrentAdminUnit); tests may pass anything.
  CurrentUnitFunction current_unit = UnitsNamedInAddress;
  // Certificates expiring within this many days are counted apart.
  uint32_t expiring_within_days = 90;
};

class OfficerReads {
 public:
  // `service` and `clock` must outlive this object; so must `scans` and
  // `reports`, which may be null (their figures are then 0 and
  // ListReports answers FailedPrecondition).
  OfficerReads(Service* service, const ScanStore* scans,
               const ReportStore* reports, Clock* clock,
               OfficerReadsOptions options = {});

  OfficerReads(const OfficerReads&) = delete;
  OfficerReads& operator=(const OfficerReads&) = delete;

  // Admin.GetStats. Any role; Unauthenticated for an anonymous caller.
  // Otherwise as Stats().
  absl::StatusOr<v1::ProvinceStats> GetStats(
      const Caller& caller, const v1::GetStatsRequest& request);

  // The public figures (no caller: GET /stats.json): the cached ones when
  // younger than options.cache_for, else freshly computed (blocking: local
  // reads only). A storage error of the computation, or DataLoss for a
  // record that does not parse; the cache is kept then.
  absl::StatusOr<v1::ProvinceStats> Stats();

  // The cached figures if they are younger than options.cache_for, without
  // computing anything (for event loops that must not block); nullopt
  // otherwise.
  std::optional<v1::ProvinceStats> FreshStats() const;

  // Admin.ListReports: the suspect-label reports and scan anomalies of the
  // window, newest first, each with the product's name and owner.
  // Unauthenticated (anonymous) or PermissionDenied unless the caller is an
  // inspector or admin; InvalidArgument naming the field for a window that
  // ends before it starts or times before 1970; FailedPrecondition when
  // this server keeps no telemetry; storage errors.
  absl::StatusOr<v1::ListReportsResponse> ListReports(
      const Caller& caller, const v1::ListReportsRequest& request) const;

 private:
  // Counts of one kind of telemetry record per Vietnam day, read
  // incrementally up to `read_until` (exclusive).
  struct DailyCounts {
    std::map<absl::CivilDay, uint64_t> per_day;
    uint64_t total = 0;
    uint64_t Since(absl::CivilDay first_day) const;
  };

  absl::StatusOr<v1::ProvinceStats> Compute();
  absl::Status ComputeRegistry(absl::CivilDay today, v1::ProvinceStats& out);
  absl::Status CatchUpTelemetry(absl::Time until);
  void FillTelemetry(absl::CivilDay today, v1::ProvinceStats& out) const;
  absl::CivilDay DayOf(absl::Time time) const;

  Service* const service_;
  const ScanStore* const scans_;
  const ReportStore* const reports_;
  Clock* const clock_;
  const OfficerReadsOptions options_;

  // Held while computing; guards the telemetry counters below.
  std::mutex compute_mutex_;
  absl::Time telemetry_read_until_ = absl::UnixEpoch();
  DailyCounts scan_counts_;
  std::map<std::string, uint64_t> scans_by_result_;
  DailyCounts anomaly_counts_;
  std::map<std::string, uint64_t> anomalies_by_kind_;
  DailyCounts report_counts_;

  mutable std::mutex cache_mutex_;
  std::optional<v1::ProvinceStats> cached_;
  absl::Time cached_at_ = absl::InfinitePast();
};

}  // namespace ocoptrace::trace

#endif  // OCOPTRACE_SERVER_TRACE_STATS_H_
