// The service on a RocksDB store under concurrent writers: clients racing
// on one batch (the losers get Aborted, re-read the head, re-sign and
// retry), writers on separate batches, two admins adding the same key
// name; then reopen, rebuild and back up.
#include <atomic>
#include <filesystem>
#include <thread>

#include "server/storage/rocksdb_store.h"
#include "server/trace/kinds.h"
#include "server/trace/subjects.h"
#include "tests/server/trace/trace_test_util.h"

namespace ocoptrace::trace::testing {
namespace {

class ConcurrencyTest : public TraceTest {
 protected:
  void SetUp() override {
    directory_ = std::filesystem::path(::testing::TempDir()) /
                 ("trace-concurrency-" + std::to_string(::getpid()));
    std::filesystem::remove_all(directory_);
    storage::RocksDbOptions options;
    options.path = (directory_ / "db").string();
    auto store = storage::OpenRocksDbStore(options);
    ASSERT_OK(store);
    store_ = std::move(*store);
    TraceTest::SetUp();
    SetUpCast();
  }
  void TearDown() override {
    TraceTest::TearDown();
    store_.reset();
    std::filesystem::remove_all(directory_);
  }

  // Records `step` on the batch, retrying on a stale head like a client.
  absl::Status RecordWithRetry(const std::string& gtin, const std::string& lot,
                               const std::string& step, int* aborted) {
    for (int attempt = 0; attempt < 200; ++attempt) {
      // Sign() reads the head; Service calls are thread-safe.
      v1::RecordEventRequest request;
      *request.mutable_signed_() = SignMessage(
          key_a_, EventKind(step), BatchSubject(gtin, lot), Event(step));
      auto receipt = Await<v1::EntryReceipt>([&](auto done) {
        service_->RecordEvent(producer_a_, request, std::move(done));
      });
      if (!absl::IsAborted(receipt.status())) return receipt.status();
      ++*aborted;
    }
    return absl::DeadlineExceededError("too many retries");
  }

  std::filesystem::path directory_;
};

TEST_F(ConcurrencyTest, RacingClientsOnOneBatchAllLandInOrder) {
  ASSERT_OK(CreateBatch(producer_a_, key_a_, Batch(kGtinA, kLot)));
  constexpr int kThreads = 8;
  constexpr int kEventsPerThread = 5;
  std::atomic<int> failures{0};
  std::atomic<int> aborted_total{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      int aborted = 0;
      for (int i = 0; i < kEventsPerThread; ++i) {
        if (!RecordWithRetry(kGtinA, kLot, "storing", &aborted).ok()) {
          ++failures;
        }
      }
      aborted_total += aborted;
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  v1::GetBatchRequest get;
  get.mutable_batch()->set_gtin(kGtinA);
  get.mutable_batch()->set_lot(kLot);
  auto batch = service_->GetBatch(producer_a_, get);
  ASSERT_OK(batch);
  // Derived state counted every entry exactly once.
  EXPECT_EQ(batch->entries(), 1u + kThreads * kEventsPerThread);
  auto head = service_->ledger().Head(BatchSubject(kGtinA, kLot));
  ASSERT_OK(head);
  EXPECT_EQ(head->next_seq, batch->entries());

  auto digest = service_->DerivedStateDigest();
  ASSERT_OK(digest);
  ASSERT_OK(service_->RebuildState());
  EXPECT_EQ(HashToHex(*service_->DerivedStateDigest()), HashToHex(*digest));
}

TEST_F(ConcurrencyTest, WritersOnSeparateBatchesAndKeyNameRace) {
  constexpr int kThreads = 6;
  for (int t = 0; t < kThreads; ++t) {
    ASSERT_OK(CreateBatch(producer_a_, key_a_,
                          Batch(kGtinA, "LOT-" + std::to_string(t))));
  }
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      int aborted = 0;
      for (const char* step : {"commissioning", "packing", "shipping"}) {
        if (!RecordWithRetry(kGtinA, "LOT-" + std::to_string(t), step, &aborted)
                 .ok()) {
          ++failures;
        }
      }
      if (aborted != 0) ++failures;  // Nobody else writes this batch.
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);

  // Two admins add keys with the same name to two producers at once:
  // exactly one wins.
  const NoteSigner shared = TestSigner("shared-key-name");
  std::atomic<int> ok{0};
  std::atomic<int> exists{0};
  std::vector<std::thread> adders;
  for (const char* producer :
       {kProducerA, kProducerB, kProducerA, kProducerB}) {
    adders.emplace_back([&, producer] {
      auto receipt = AddKey(admin_, ProducerKey(shared, producer));
      if (receipt.ok()) ++ok;
      if (absl::IsAlreadyExists(receipt.status())) ++exists;
    });
  }
  for (std::thread& thread : adders) thread.join();
  EXPECT_EQ(ok.load(), 1);
  EXPECT_EQ(exists.load(), 3);
}

TEST_F(ConcurrencyTest, ReopenKeepsStateAndBackupCopiesTheStore) {
  ASSERT_OK(CreateBatch(producer_a_, key_a_, Batch(kGtinA, kLot)));
  ASSERT_OK(RecordEvent(producer_a_, key_a_, Event("packing")));
  auto digest = service_->DerivedStateDigest();
  ASSERT_OK(digest);
  const uint64_t size = service_->ledger().size();
  OpenService();
  EXPECT_EQ(service_->ledger().size(), size);
  EXPECT_EQ(HashToHex(*service_->DerivedStateDigest()), HashToHex(*digest));
  EXPECT_OK(RecordEvent(producer_a_, key_a_, Event("shipping")));

  v1::BackupRequest request;
  request.set_directory((directory_ / "backup").string());
  auto backup = Await<v1::BackupResponse>(
      [&](auto done) { service_->Backup(admin_, request, std::move(done)); });
  ASSERT_OK(backup);
  EXPECT_EQ(backup->tree_size(), size + 1);
  EXPECT_TRUE(std::filesystem::exists(directory_ / "backup"));
  // The copy opens as a store of its own with the same log.
  storage::RocksDbOptions copy_options;
  copy_options.path = (directory_ / "backup").string();
  copy_options.create_if_missing = false;
  auto copy = storage::OpenRocksDbStore(copy_options);
  ASSERT_OK(copy);
  EXPECT_OK(
      (*copy)->Latest().Get(storage::Column::kEntries, std::string(8, '\0')));
}

}  // namespace
}  // namespace ocoptrace::trace::testing
