// ScanStore: the scan telemetry of the consumers' door (docs/resolver.md
// "Scan telemetry and reports"). Every page view of a label, batch or product
// is recorded with its time, the page's verdict and the client's coarse
// network; each label keeps a running summary (valid scans, first and last
// scan, the distinct networks it was scanned from, scans judged not genuine,
// scratch PINs entered again), and crossing a threshold of the ScanPolicy
// records an anomaly once. The scan page reads the summaries (scan count, first
// scan, places, PIN reused); inspectors and officers read the scans, the
// summaries and the anomalies through the same read API.
//
// Scans are telemetry, not log entries: they live in Column::kScans (key
// layouts in server/storage/keys.h "Scan telemetry"), a rebuild of the
// derived state never touches them, and they are written WITHOUT a WAL
// sync (sync=false): a crash may lose the last moments of scans, never a
// log entry, and the page never waits for a disk flush.
//
// Only scans whose page judged the label genuine or suspicious (signature
// verified, serial issued) count as its valid scans: somebody typing URLs
// with a wrong signature cannot make a genuine label look over-scanned;
// such scans are counted apart (not_genuine_scans).
//
// Thread-safety: all methods are thread-safe. Writes are serialised inside
// the store; reads of summaries are served from a bounded in-memory cache
// that the writes keep current (the store is the only writer of its keys).

#ifndef OCOPTRACE_SERVER_TRACE_SCANS_H_
#define OCOPTRACE_SERVER_TRACE_SCANS_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/storage/store.h"

namespace ocoptrace::trace {

// When a label's scans count as an anomaly (the scan page's verdict uses
// the same numbers: more than these is SUSPICIOUS).
struct ScanPolicy {
  uint64_t max_scans = 50;  // More valid scans than this.
  uint32_t max_places = 3;  // Valid scans from more networks than this.
  // Distinct networks remembered per label (beyond: truncated, and the
  // count of places saturates there).
  size_t max_tracked_networks = 64;
  // Label summaries kept in memory for the pages (0: no cache).
  size_t summary_cache_entries = 1 << 16;
};

// One page view to record.
struct ScanInput {
  absl::Time time;
  std::string gtin14;
  std::string lot;     // "" for a product page.
  std::string serial;  // "" for product and batch pages.
  // The page's verdict: "genuine", "suspicious", "not_genuine" or "none".
  std::string result;
  std::string client_network;  // Coarse ("203.0.113.0/24"), "" if unknown.
  std::string language;        // "vi" or "en".
};

// A recorded scan, as read back.
struct ScanView {
  absl::Time time;
  uint64_t sequence = 0;  // Orders records of the same microsecond.
  std::string gtin14;
  std::string lot;
  std::string serial;
  std::string result;
  std::string client_network;
  std::string language;
};

// What is known about one label's scans.
struct LabelScanSummary {
  std::string gtin14;
  std::string serial;
  std::string lot;  // As in the first scan's URL ("" if never scanned).
  uint64_t valid_scans = 0;
  std::optional<absl::Time> first_valid_scan;
  std::optional<absl::Time> last_valid_scan;
  // Distinct networks of the valid scans (first seen first), at most
  // ScanPolicy::max_tracked_networks of them.
  std::vector<std::string> networks;
  bool networks_truncated = false;
  uint64_t not_genuine_scans = 0;
  std::optional<absl::Time> last_not_genuine_scan;
  // A scan found the serial not issued under its (registered) GTIN.
  bool unknown_serial = false;
  // Correct scratch PINs entered again after the first correct check.
  uint64_t pin_reuses = 0;
  std::optional<absl::Time> last_pin_reuse;

  // The number of distinct places (networks) of the valid scans.
  uint32_t places() const { return static_cast<uint32_t>(networks.size()); }
};

enum class AnomalyKind {
  kManyScans = 1,      // valid_scans > ScanPolicy::max_scans
  kManyPlaces = 2,     // places() > ScanPolicy::max_places
  kPinReused = 3,      // a correct PIN entered again
  kUnknownSerial = 4,  // a serial never issued, under a registered GTIN
};

// "many_scans", "many_places", "pin_reused", "unknown_serial".
std::string_view AnomalyKindName(AnomalyKind kind);

// The anomalies a summary shows under `policy`, in AnomalyKind order.
std::vector<AnomalyKind> AnomaliesOf(const LabelScanSummary& summary,
                                     const ScanPolicy& policy);

// One anomaly, recorded when a label first crossed a threshold (every
// PIN reuse is recorded).
struct ScanAnomalyView {
  AnomalyKind kind = AnomalyKind::kManyScans;
  absl::Time time;
  uint64_t sequence = 0;
  std::string gtin14;
  std::string lot;
  std::string serial;
  uint64_t valid_scans = 0;  // The label's counters at that moment.
  uint32_t places = 0;
  uint64_t pin_reuses = 0;
  std::string client_network;  // Of the scan or check that raised it.
};

// The largest sequence number stored in the scans column under `prefix`
// (a telemetry time-key prefix such as storage::kScanEventPrefix), or 0
// when there is none: where a store's sequence numbers resume after a
// restart.
absl::StatusOr<uint64_t> LastTelemetrySequence(const storage::ReadView& view,
                                               std::string_view prefix);

class ScanStore {
 public:
  // A store over Column::kScans of `store`, which must outlive it.
  // Storage errors while finding the last sequence number.
  static absl::StatusOr<std::unique_ptr<ScanStore>> Open(
      storage::Store* store, ScanPolicy policy = {});

  // Records `scans` in one atomic, unsynced write: the scan records, the
  // label summaries they change and any anomaly they raise. A scan with a
  // serial and result "not_genuine" whose serial was never issued under a
  // registered GTIN marks the summary unknown_serial. OK, or the storage
  // error (nothing of the batch is then visible).
  absl::Status Record(const std::vector<ScanInput>& scans);

  // Records that the correct scratch PIN of a label was entered again
  // (after its first check): counted in the label's summary and recorded
  // as an anomaly. Unsynced like the scans.
  absl::Status RecordPinReuse(std::string_view gtin14, std::string_view lot,
                              std::string_view serial, absl::Time time,
                              std::string_view client_network);

  // The label's summary: OK with zero counts when it was never scanned;
  // a storage error, or DataLoss when a stored summary does not parse.
  absl::StatusOr<LabelScanSummary> Summary(std::string_view gtin14,
                                           std::string_view serial) const;

  // Visits the scans of [from, to) oldest first; `visit` returns false to
  // stop. To resume a listing, start `from` at the last time seen and skip
  // records up to its (time, sequence). Storage errors; DataLoss for a
  // record that does not parse.
  absl::Status ForEachScan(
      absl::Time from, absl::Time to,
      const std::function<bool(const ScanView&)>& visit) const;

  // Visits the anomalies found in [from, to), oldest first.
  absl::Status ForEachAnomaly(
      absl::Time from, absl::Time to,
      const std::function<bool(const ScanAnomalyView&)>& visit) const;

  // Visits the label summaries of `gtin14` ("" = every GTIN) in (GTIN,
  // serial) order.
  absl::Status ForEachLabelSummary(
      std::string_view gtin14,
      const std::function<bool(const LabelScanSummary&)>& visit) const;

  const ScanPolicy& policy() const { return policy_; }

 private:
  ScanStore(storage::Store* store, ScanPolicy policy, uint64_t next_sequence);

  // The summary for a write: from the cache, else the store (write_mutex_
  // held). NotFound is not an error: a fresh summary.
  absl::StatusOr<std::string> StoredSummary(const std::string& key) const;
  void CacheSummary(const std::string& key, std::string bytes,
                    bool overwrite) const;

  storage::Store* const store_;
  const ScanPolicy policy_;
  std::atomic<uint64_t> next_sequence_;

  // Serialises the read-modify-write of summaries.
  std::mutex write_mutex_;
  // Serialised summaries by LabelScansKey; "" for a label never scanned.
  mutable std::mutex cache_mutex_;
  mutable std::unordered_map<std::string, std::string> cache_;
};

}  // namespace ocoptrace::trace

#endif  // OCOPTRACE_SERVER_TRACE_SCANS_H_
