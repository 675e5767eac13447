#include "server/http/scan_recorder.h"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace ocoptrace::http {
namespace {

// A sink that can be held closed, to show that recording never waits.
class GateSink : public ScanSink {
 public:
  absl::Status WriteScans(std::vector<ScanRecord> batch) override {
    std::unique_lock<std::mutex> lock(mutex_);
    open_cv_.wait(lock, [&] { return open_; });
    batches_.push_back(batch.size());
    total_ += batch.size();
    return fail_ ? absl::UnavailableError("db down") : absl::OkStatus();
  }
  void Close() {
    std::lock_guard<std::mutex> lock(mutex_);
    open_ = false;
  }
  void Open() {
    std::lock_guard<std::mutex> lock(mutex_);
    open_ = true;
    open_cv_.notify_all();
  }
  void set_fail(bool fail) {
    std::lock_guard<std::mutex> lock(mutex_);
    fail_ = fail;
  }
  size_t total() {
    std::lock_guard<std::mutex> lock(mutex_);
    return total_;
  }
  std::vector<size_t> batches() {
    std::lock_guard<std::mutex> lock(mutex_);
    return batches_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable open_cv_;
  bool open_ = true;
  bool fail_ = false;
  size_t total_ = 0;
  std::vector<size_t> batches_;
};

ScanRecord Record(int i) {
  ScanRecord r;
  r.time = absl::FromUnixSeconds(i);
  r.gtin14 = "08934563123451";
  r.serial = std::to_string(i);
  return r;
}

TEST(BatchingScanRecorderTest, BatchesAndFlushes) {
  GateSink sink;
  BatchingScanRecorderOptions options;
  options.max_batch = 100;
  options.max_delay = absl::Seconds(60);  // Only size or Flush trigger.
  BatchingScanRecorder recorder(&sink, options);
  for (int i = 0; i < 250; ++i) recorder.Record(Record(i));
  recorder.Flush();
  EXPECT_EQ(sink.total(), 250u);
  for (size_t b : sink.batches()) EXPECT_GE(b, 1u);
  EXPECT_LT(sink.batches().size(), 250u);  // Batched, not one by one.
  BatchingScanRecorder::Stats stats = recorder.stats();
  EXPECT_EQ(stats.recorded, 250u);
  EXPECT_EQ(stats.written, 250u);
  EXPECT_EQ(stats.dropped, 0u);
}

TEST(BatchingScanRecorderTest, WritesAfterTheDelayWithoutFlush) {
  GateSink sink;
  BatchingScanRecorderOptions options;
  options.max_delay = absl::Milliseconds(20);
  BatchingScanRecorder recorder(&sink, options);
  recorder.Record(Record(1));
  for (int i = 0; i < 200 && sink.total() == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(sink.total(), 1u);
}

TEST(BatchingScanRecorderTest, RecordNeverWaitsForTheSinkAndDropsWhenFull) {
  GateSink sink;
  sink.Close();
  BatchingScanRecorderOptions options;
  options.max_batch = 10;
  options.max_pending = 1000;
  BatchingScanRecorder recorder(&sink, options);
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 5000; ++i) recorder.Record(Record(i));
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_LT(elapsed, std::chrono::seconds(1));  // The sink is still closed.
  BatchingScanRecorder::Stats stats = recorder.stats();
  EXPECT_GT(stats.dropped, 0u);
  EXPECT_EQ(stats.recorded + stats.dropped, 5000u);
  sink.Open();
  recorder.Flush();
  EXPECT_EQ(sink.total(), recorder.stats().recorded);
}

TEST(BatchingScanRecorderTest, SinkErrorsAreCountedAndDrainOnDestruction) {
  GateSink sink;
  sink.set_fail(true);
  {
    BatchingScanRecorder recorder(&sink);
    recorder.Record(Record(1));
    recorder.Record(Record(2));
    recorder.Flush();
    EXPECT_EQ(recorder.stats().failed, 2u);
    sink.set_fail(false);
    recorder.Record(Record(3));
  }  // The destructor writes what is queued.
  EXPECT_EQ(sink.total(), 3u);
}

TEST(CoarseNetworkTest, MasksAddresses) {
  EXPECT_EQ(CoarseNetwork("203.0.113.77"), "203.0.113.0/24");
  EXPECT_EQ(CoarseNetwork("2001:db8:1:2::7"), "2001:db8:1::/48");
  EXPECT_EQ(CoarseNetwork("::1"), "0:0:0::/48");
  EXPECT_EQ(CoarseNetwork("not an address"), "");
  EXPECT_EQ(CoarseNetwork(""), "");
}

}  // namespace
}  // namespace ocoptrace::http
