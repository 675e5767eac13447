// The consumers' door's writes, adapted from the HTTP side's interfaces to
// the trace service and its telemetry stores:
//   ScanWriter     http::ScanSink -> trace::ScanStore::Record (called by
//                  http::BatchingScanRecorder's own thread with a batch:
//                  never on a page's critical path; unsynced writes)
//   PinChecks      http::PinChecker -> trace::Service::CheckPin, on a
//                  BlockingWorker (the first correct check syncs a write);
//                  a correct PIN entered again is also recorded as a scan
//                  anomaly (the page then says "check this label")
//   ReportIntake   http::SuspectReportSink -> trace::ReportStore::Submit,
//                  on the same worker (synced)
//
// Thread-safety: thread-safe.

#ifndef OCOPTRACE_SERVER_SITE_TELEMETRY_SINKS_H_
#define OCOPTRACE_SERVER_SITE_TELEMETRY_SINKS_H_

#include <functional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "server/http/page_handler.h"
#include "server/http/scan_recorder.h"
#include "server/site/blocking_worker.h"
#include "server/trace/reports.h"
#include "server/trace/scans.h"
#include "server/trace/service.h"

namespace ocoptrace::site {

class ScanWriter : public http::ScanSink {
 public:
  // `scans` must outlive the writer.
  explicit ScanWriter(trace::ScanStore* scans) : scans_(scans) {}

  // Stores the batch in one write (see trace::ScanStore::Record).
  absl::Status WriteScans(std::vector<http::ScanRecord> batch) override;

 private:
  trace::ScanStore* const scans_;
};

class PinChecks : public http::PinChecker {
 public:
  // All must outlive this object; `scans` may be null.
  PinChecks(trace::Service* service, trace::ScanStore* scans,
            BlockingWorker* worker, Clock* clock)
      : service_(service), scans_(scans), worker_(worker), clock_(clock) {}

  // Outcomes: kFirstCheck (correct, first time), kAlreadyChecked (correct
  // again: first_checked is the first check's time), kWrongPin (wrong, or
  // too many wrong PINs were tried on this label: it is locked), kNoPins
  // (the label has none), kUnknownLabel (no such label in this batch).
  // Other errors (storage, no PIN key on the server) are returned as such;
  // Unavailable when the worker's queue is full.
  void CheckPin(
      const http::LabelId& label, const std::string& pin,
      std::function<void(absl::StatusOr<http::PinCheckResult>)> done) override;

  // The same, on the calling thread (for tests).
  absl::StatusOr<http::PinCheckResult> CheckNow(const http::LabelId& label,
                                                const std::string& pin);

 private:
  trace::Service* const service_;
  trace::ScanStore* const scans_;
  BlockingWorker* const worker_;
  Clock* const clock_;
};

class ReportIntake : public http::SuspectReportSink {
 public:
  ReportIntake(trace::ReportStore* reports, BlockingWorker* worker)
      : reports_(reports), worker_(worker) {}

  // Stores the report durably, then runs `done` (on the worker's thread).
  // Unavailable when the worker's queue is full.
  void Submit(http::SuspectReport report,
              std::function<void(absl::Status)> done) override;

 private:
  trace::ReportStore* const reports_;
  BlockingWorker* const worker_;
};

}  // namespace ocoptrace::site

#endif  // OCOPTRACE_SERVER_SITE_TELEMETRY_SINKS_H_
