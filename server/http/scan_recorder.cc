#include "server/http/scan_recorder.h"

#include <arpa/inet.h>

#include <utility>

#include "absl/strings/str_format.h"

namespace ocoptrace::http {

std::string CoarseNetwork(std::string_view address) {
  std::string text(address);
  unsigned char bytes[16];
  if (inet_pton(AF_INET, text.c_str(), bytes) == 1) {
    return absl::StrFormat("%d.%d.%d.0/24", bytes[0], bytes[1], bytes[2]);
  }
  if (inet_pton(AF_INET6, text.c_str(), bytes) == 1) {
    return absl::StrFormat("%x:%x:%x::/48", bytes[0] << 8 | bytes[1],
                           bytes[2] << 8 | bytes[3], bytes[4] << 8 | bytes[5]);
  }
  return "";
}

BatchingScanRecorder::BatchingScanRecorder(ScanSink* sink,
                                           BatchingScanRecorderOptions options)
    : sink_(sink), options_(options) {
  pending_.reserve(options_.max_batch);
  writer_ = std::thread([this] { Run(); });
}

BatchingScanRecorder::~BatchingScanRecorder() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  writer_.join();
}

void BatchingScanRecorder::Record(ScanRecord record) {
  bool wake = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (pending_.size() >= options_.max_pending) {
      dropped_.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    pending_.push_back(std::move(record));
    ++enqueued_;
    wake = pending_.size() == options_.max_batch;
  }
  if (wake) wake_.notify_one();
}

void BatchingScanRecorder::Flush() {
  std::unique_lock<std::mutex> lock(mutex_);
  const uint64_t target = enqueued_;
  flush_requested_ = true;
  wake_.notify_one();
  flushed_.wait(lock, [&] { return done_ >= target; });
}

BatchingScanRecorder::Stats BatchingScanRecorder::stats() const {
  Stats stats;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stats.recorded = enqueued_;
  }
  stats.dropped = dropped_.load();
  stats.written = written_.load();
  stats.failed = failed_.load();
  return stats;
}

void BatchingScanRecorder::Run() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (true) {
    wake_.wait_for(lock, absl::ToChronoMilliseconds(options_.max_delay), [&] {
      return stopping_ || flush_requested_ ||
             pending_.size() >= options_.max_batch;
    });
    flush_requested_ = false;
    if (!pending_.empty()) {
      std::vector<ScanRecord> batch;
      batch.reserve(options_.max_batch);
      batch.swap(pending_);
      const uint64_t count = batch.size();
      lock.unlock();
      absl::Status status = sink_->WriteScans(std::move(batch));
      (status.ok() ? written_ : failed_).fetch_add(count);
      lock.lock();
      done_ += count;
    }
    flushed_.notify_all();
    if (stopping_ && pending_.empty()) return;
  }
}

}  // namespace ocoptrace::http
