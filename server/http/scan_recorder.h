// Scan recording off the page's critical path. Every page view of a label
// is recorded (time, coarse client network, language, result) for the scan
// count, the first-scan date and the anomaly alerts inspectors watch; a
// page must never wait for that write. ScanRecorder::Record only appends to
// a bounded in-memory queue; BatchingScanRecorder's own thread hands the
// records to a ScanSink (the trace service's storage) in batches.
//
// Thread-safety: Record may be called from any thread concurrently.

#ifndef OCOPTRACE_SERVER_HTTP_SCAN_RECORDER_H_
#define OCOPTRACE_SERVER_HTTP_SCAN_RECORDER_H_

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace ocoptrace::http {

struct ScanRecord {
  absl::Time time;
  std::string gtin14;
  std::string lot;     // "" for a product page
  std::string serial;  // "" for product and batch pages
  // The page's verdict name ("genuine", "not_genuine", ...; "none" for
  // product and batch pages).
  std::string result;
  // The client's network, never its full address (Decree 13/2023):
  // "203.0.113.0/24" or "2001:db8:1::/48"; "" when unknown.
  std::string client_network;
  std::string language;  // "vi" or "en": the page language.
};

// Fire-and-forget: Record never blocks on I/O and never fails; when the
// queue is full the record is dropped and counted.
class ScanRecorder {
 public:
  virtual ~ScanRecorder() = default;
  virtual void Record(ScanRecord record) = 0;
};

// Where batches go. Called from one thread at a time; may block.
class ScanSink {
 public:
  virtual ~ScanSink() = default;
  // Stores the batch. An error is counted and the batch dropped (scan
  // telemetry is best-effort; the page already answered).
  virtual absl::Status WriteScans(std::vector<ScanRecord> batch) = 0;
};

// The coarse network of a textual IP address: IPv4 masked to /24, IPv6 to
// /48 (as "a:b:c::/48"); "" when `address` is not an IP address.
std::string CoarseNetwork(std::string_view address);

struct BatchingScanRecorderOptions {
  size_t max_batch = 1024;  // A batch is written when this many wait...
  absl::Duration max_delay = absl::Milliseconds(250);  // ...or this passed.
  size_t max_pending = 1 << 16;  // Beyond this, records are dropped.
};

class BatchingScanRecorder : public ScanRecorder {
 public:
  struct Stats {
    uint64_t recorded = 0;  // Accepted into the queue.
    uint64_t dropped = 0;   // Queue full.
    uint64_t written = 0;   // Handed to the sink successfully.
    uint64_t failed = 0;    // Lost to sink errors.
  };

  // `sink` must outlive the recorder. Starts the writer thread.
  explicit BatchingScanRecorder(ScanSink* sink,
                                BatchingScanRecorderOptions options = {});
  // Writes what is queued, then stops the thread.
  ~BatchingScanRecorder() override;

  void Record(ScanRecord record) override;

  // Blocks until everything recorded before the call has been handed to
  // the sink (for tests and shutdown).
  void Flush();

  Stats stats() const;

 private:
  void Run();

  ScanSink* const sink_;
  const BatchingScanRecorderOptions options_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;     // Writer: work or stop.
  std::condition_variable flushed_;  // Flush(): a batch completed.
  std::vector<ScanRecord> pending_;
  uint64_t enqueued_ = 0;  // Sequence numbers: records ever accepted...
  uint64_t done_ = 0;      // ...and records the writer has finished with.
  bool flush_requested_ = false;
  bool stopping_ = false;
  std::atomic<uint64_t> dropped_{0};
  std::atomic<uint64_t> written_{0};
  std::atomic<uint64_t> failed_{0};
  std::thread writer_;
};

}  // namespace ocoptrace::http

#endif  // OCOPTRACE_SERVER_HTTP_SCAN_RECORDER_H_
