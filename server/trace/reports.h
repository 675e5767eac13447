// ReportStore: the "report a suspect label" forms consumers send from the
// scan page (docs/resolver.md "Scan telemetry and reports"), kept for
// inspectors and OCOP officers: the label (or batch, or product) the page
// showed, where it was seen (place, shop), the consumer's note, the time and
// the client's coarse network. Like scans these are not log entries and not
// derived state: they live in Column::kScans under their own key prefixes
// (server/storage/keys.h "Scan telemetry": SuspectReportKey by time, and
// ProductReportKey to list one product's reports), and a rebuild never
// touches them. Unlike scans each report is written with a WAL sync: a
// consumer who took the trouble to report is told "thank you" only once
// the report is durable.
//
// Thread-safety: all methods are thread-safe.

#ifndef OCOPTRACE_SERVER_TRACE_REPORTS_H_
#define OCOPTRACE_SERVER_TRACE_REPORTS_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/storage/store.h"

namespace ocoptrace::trace {

// At most this many bytes in each of place, shop and note.
inline constexpr size_t kMaxReportFieldBytes = 1000;

struct SuspectReportInput {
  absl::Time time;
  std::string gtin14;          // Required: the product the page was about.
  std::string lot;             // "" when reported from a product page.
  std::string serial;          // "" when reported from a product or batch page.
  std::string place;           // Where the product was seen.
  std::string shop;            // Which shop sold it.
  std::string note;            // Anything else, as typed.
  std::string client_network;  // Coarse, never the address; "" if unknown.
};

// A stored report; `sequence` orders reports of the same microsecond.
struct SuspectReportView {
  SuspectReportInput report;
  uint64_t sequence = 0;
};

class ReportStore {
 public:
  // A store over Column::kScans of `store`, which must outlive it.
  // Storage errors while finding the last sequence number.
  static absl::StatusOr<std::unique_ptr<ReportStore>> Open(
      storage::Store* store);

  // Stores `report` durably (synced). InvalidArgument naming the field
  // when gtin14 is empty, a field exceeds kMaxReportFieldBytes or is not
  // valid UTF-8, or place, shop and note are all empty (nothing is
  // written then); otherwise OK or the storage error.
  absl::Status Submit(const SuspectReportInput& report);

  // Visits the reports filed in [from, to), oldest first; `visit` returns
  // false to stop. Storage errors; DataLoss for a record that does not
  // parse.
  absl::Status ForEachReport(
      absl::Time from, absl::Time to,
      const std::function<bool(const SuspectReportView&)>& visit) const;

  // The same for the reports about one product (GTIN-14), oldest first.
  absl::Status ForEachProductReport(
      std::string_view gtin14, absl::Time from, absl::Time to,
      const std::function<bool(const SuspectReportView&)>& visit) const;

 private:
  ReportStore(storage::Store* store, uint64_t next_sequence)
      : store_(store), next_sequence_(next_sequence) {}

  storage::Store* const store_;
  std::atomic<uint64_t> next_sequence_;
};

}  // namespace ocoptrace::trace

#endif  // OCOPTRACE_SERVER_TRACE_REPORTS_H_
