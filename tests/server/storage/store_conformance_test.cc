// The Store contract (server/storage/store.h), checked against every
// implementation: RocksDB in a temporary directory and MemoryStore.

#include <algorithm>
#include <atomic>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/storage/columns.h"
#include "server/storage/keys.h"
#include "server/storage/memory_store.h"
#include "server/storage/rocksdb_store.h"
#include "server/storage/store.h"
#include "server/storage/write_batch.h"
#include "tests/server/storage/temp_dir.h"

namespace ocoptrace::storage {
namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using KeyValues = std::vector<std::pair<std::string, std::string>>;

struct RocksDbBackend {
  static std::unique_ptr<Store> Open(const TempDir& dir) {
    RocksDbOptions options;
    options.path = dir.Path("db");
    options.block_cache_bytes = 8 << 20;
    options.write_buffer_bytes = 4 << 20;
    absl::StatusOr<std::unique_ptr<Store>> store = OpenRocksDbStore(options);
    EXPECT_TRUE(store.ok()) << store.status();
    return store.ok() ? std::move(*store) : nullptr;
  }
};

struct MemoryBackend {
  static std::unique_ptr<Store> Open(const TempDir&) {
    return std::make_unique<MemoryStore>();
  }
};

template <typename Backend>
class StoreConformanceTest : public testing::Test {
 protected:
  void SetUp() override {
    store_ = Backend::Open(dir_);
    ASSERT_NE(store_, nullptr);
  }
  void TearDown() override { store_.reset(); }

  Store& store() { return *store_; }

  void Put(Column column, std::string_view key, std::string_view value) {
    WriteBatch batch;
    batch.Put(column, key, value);
    ASSERT_TRUE(store_->Write(batch, WriteOptions{.sync = false}).ok());
  }

  static KeyValues ScanAll(const ReadView& view, Column column,
                           std::string_view begin = "",
                           std::string_view end = "", size_t limit = SIZE_MAX) {
    KeyValues out;
    absl::Status status = view.Scan(
        column, begin, end, [&](std::string_view key, std::string_view value) {
          out.emplace_back(std::string(key), std::string(value));
          return out.size() < limit;
        });
    EXPECT_TRUE(status.ok()) << status;
    return out;
  }

  static KeyValues ReverseScanAll(const ReadView& view, Column column,
                                  std::string_view begin = "",
                                  std::string_view end = "",
                                  size_t limit = SIZE_MAX) {
    KeyValues out;
    absl::Status status = view.ReverseScan(
        column, begin, end, [&](std::string_view key, std::string_view value) {
          out.emplace_back(std::string(key), std::string(value));
          return out.size() < limit;
        });
    EXPECT_TRUE(status.ok()) << status;
    return out;
  }

  static std::vector<std::string> Keys(const KeyValues& key_values) {
    std::vector<std::string> keys;
    for (const auto& [key, value] : key_values) keys.push_back(key);
    return keys;
  }

 private:
  TempDir dir_;
  std::unique_ptr<Store> store_;
};

using Backends = testing::Types<RocksDbBackend, MemoryBackend>;
class BackendNames {
 public:
  template <typename T>
  static std::string GetName(int) {
    return std::is_same_v<T, RocksDbBackend> ? "RocksDb" : "Memory";
  }
};
TYPED_TEST_SUITE(StoreConformanceTest, Backends, BackendNames);

TYPED_TEST(StoreConformanceTest, PutGetOverwriteDelete) {
  this->Put(Column::kEntries, "k", "v1");
  EXPECT_EQ(*this->store().Latest().Get(Column::kEntries, "k"), "v1");
  this->Put(Column::kEntries, "k", "v2");
  EXPECT_EQ(*this->store().Latest().Get(Column::kEntries, "k"), "v2");
  WriteBatch batch;
  batch.Delete(Column::kEntries, "k");
  batch.Delete(Column::kEntries, "never-written");
  ASSERT_TRUE(this->store().Write(batch, WriteOptions()).ok());
  EXPECT_EQ(this->store().Latest().Get(Column::kEntries, "k").status().code(),
            absl::StatusCode::kNotFound);
}

TYPED_TEST(StoreConformanceTest, MissingKeyIsNotFoundNamingTheColumn) {
  absl::StatusOr<std::string> value =
      this->store().Latest().Get(Column::kSubjectHeads, "nobody");
  EXPECT_EQ(value.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(value.status().message(), HasSubstr("subject_heads"));
  std::unique_ptr<ReadView> snapshot = this->store().Snapshot();
  EXPECT_EQ(snapshot->Get(Column::kMeta, "x").status().code(),
            absl::StatusCode::kNotFound);
}

TYPED_TEST(StoreConformanceTest, EmptyValueIsAValue) {
  this->Put(Column::kState, "empty", "");
  absl::StatusOr<std::string> value =
      this->store().Latest().Get(Column::kState, "empty");
  ASSERT_TRUE(value.ok()) << value.status();
  EXPECT_EQ(*value, "");
}

TYPED_TEST(StoreConformanceTest, LaterOperationInABatchWins) {
  WriteBatch batch;
  batch.Put(Column::kState, "a", "1");
  batch.Delete(Column::kState, "a");
  batch.Delete(Column::kState, "b");
  batch.Put(Column::kState, "b", "2");
  batch.Put(Column::kState, "c", "3");
  batch.Put(Column::kState, "c", "4");
  ASSERT_TRUE(this->store().Write(batch, WriteOptions()).ok());
  EXPECT_THAT(this->ScanAll(this->store().Latest(), Column::kState),
              ElementsAre(std::pair<std::string, std::string>("b", "2"),
                          std::pair<std::string, std::string>("c", "4")));
}

TYPED_TEST(StoreConformanceTest, EmptyBatchAndUnsyncedWrites) {
  EXPECT_TRUE(this->store().Write(WriteBatch(), WriteOptions()).ok());
  WriteBatch batch;
  batch.Put(Column::kScans, "s", "1");
  ASSERT_TRUE(this->store().Write(batch, WriteOptions{.sync = false}).ok());
  EXPECT_EQ(*this->store().Latest().Get(Column::kScans, "s"), "1");
}

TYPED_TEST(StoreConformanceTest, InvalidColumnWritesNothing) {
  WriteBatch batch;
  batch.Put(Column::kState, "valid", "1");
  batch.Put(static_cast<Column>(kColumnCount), "invalid", "2");
  absl::Status status = this->store().Write(batch, WriteOptions());
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("column"));
  EXPECT_EQ(this->store().Latest().Get(Column::kState, "valid").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(
      this->store().Latest().Get(static_cast<Column>(200), "x").status().code(),
      absl::StatusCode::kInvalidArgument);
}

TYPED_TEST(StoreConformanceTest, SnapshotDoesNotSeeLaterWrites) {
  this->Put(Column::kLabels, "kept", "old");
  this->Put(Column::kLabels, "deleted", "old");
  std::unique_ptr<ReadView> before = this->store().Snapshot();

  WriteBatch batch;
  batch.Put(Column::kLabels, "kept", "new");
  batch.Delete(Column::kLabels, "deleted");
  batch.Put(Column::kLabels, "added", "new");
  ASSERT_TRUE(this->store().Write(batch, WriteOptions()).ok());
  std::unique_ptr<ReadView> after = this->store().Snapshot();
  this->Put(Column::kLabels, "kept", "newest");

  EXPECT_EQ(*before->Get(Column::kLabels, "kept"), "old");
  EXPECT_EQ(*before->Get(Column::kLabels, "deleted"), "old");
  EXPECT_EQ(before->Get(Column::kLabels, "added").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(this->Keys(this->ScanAll(*before, Column::kLabels)),
            (std::vector<std::string>{"deleted", "kept"}));
  EXPECT_EQ(this->Keys(this->ReverseScanAll(*before, Column::kLabels)),
            (std::vector<std::string>{"kept", "deleted"}));

  EXPECT_EQ(*after->Get(Column::kLabels, "kept"), "new");
  EXPECT_EQ(after->Get(Column::kLabels, "deleted").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(this->Keys(this->ScanAll(*after, Column::kLabels)),
            (std::vector<std::string>{"added", "kept"}));

  EXPECT_EQ(*this->store().Latest().Get(Column::kLabels, "kept"), "newest");
}

TYPED_TEST(StoreConformanceTest, ScanOrderBoundsAndEarlyStop) {
  std::vector<std::string> keys = {"b", "d", "a", "c", "e", "ba", "bb", "f"};
  for (const std::string& key : keys) {
    this->Put(Column::kIndexes, key, "v" + key);
  }
  const ReadView& view = this->store().Latest();
  EXPECT_EQ(
      this->Keys(this->ScanAll(view, Column::kIndexes)),
      (std::vector<std::string>{"a", "b", "ba", "bb", "c", "d", "e", "f"}));
  EXPECT_EQ(this->ScanAll(view, Column::kIndexes, "c", "c\x01").at(0).second,
            "vc");
  // [begin, end): begin inclusive, end exclusive, bounds need not exist.
  EXPECT_EQ(this->Keys(this->ScanAll(view, Column::kIndexes, "b", "c")),
            (std::vector<std::string>{"b", "ba", "bb"}));
  EXPECT_EQ(this->Keys(this->ScanAll(view, Column::kIndexes, "bab", "d")),
            (std::vector<std::string>{"bb", "c"}));
  EXPECT_EQ(this->Keys(this->ScanAll(view, Column::kIndexes, "e")),
            (std::vector<std::string>{"e", "f"}));
  EXPECT_EQ(this->Keys(this->ScanAll(view, Column::kIndexes, "", "b")),
            (std::vector<std::string>{"a"}));
  EXPECT_THAT(this->ScanAll(view, Column::kIndexes, "c", "c"), IsEmpty());
  EXPECT_THAT(this->ScanAll(view, Column::kIndexes, "d", "b"), IsEmpty());
  EXPECT_THAT(this->ScanAll(view, Column::kIndexes, "g"), IsEmpty());
  // Early stop: the visitor's false ends the scan after that pair.
  EXPECT_EQ(this->Keys(this->ScanAll(view, Column::kIndexes, "b", "", 3)),
            (std::vector<std::string>{"b", "ba", "bb"}));
  EXPECT_EQ(this->Keys(this->ScanAll(view, Column::kIndexes, "", "", 1)),
            (std::vector<std::string>{"a"}));
}

TYPED_TEST(StoreConformanceTest, ReverseScan) {
  for (const std::string& key :
       std::vector<std::string>{"a", "b", "ba", "bb", "c", "d"}) {
    this->Put(Column::kCheckpoints, key, "v" + key);
  }
  const ReadView& view = this->store().Latest();
  EXPECT_EQ(this->Keys(this->ReverseScanAll(view, Column::kCheckpoints)),
            (std::vector<std::string>{"d", "c", "bb", "ba", "b", "a"}));
  // From the largest key < end, down to begin inclusive.
  EXPECT_EQ(
      this->Keys(this->ReverseScanAll(view, Column::kCheckpoints, "b", "c")),
      (std::vector<std::string>{"bb", "ba", "b"}));
  EXPECT_EQ(
      this->Keys(this->ReverseScanAll(view, Column::kCheckpoints, "", "bab")),
      (std::vector<std::string>{"ba", "b", "a"}));
  EXPECT_EQ(this->Keys(this->ReverseScanAll(view, Column::kCheckpoints, "bb")),
            (std::vector<std::string>{"d", "c", "bb"}));
  EXPECT_THAT(this->ReverseScanAll(view, Column::kCheckpoints, "", "a"),
              IsEmpty());
  EXPECT_THAT(this->ReverseScanAll(view, Column::kCheckpoints, "e"), IsEmpty());
  // The latest checkpoint: the first pair of a reverse scan.
  KeyValues last = this->ReverseScanAll(view, Column::kCheckpoints, "", "", 1);
  ASSERT_EQ(last.size(), 1u);
  EXPECT_EQ(last[0], (std::pair<std::string, std::string>("d", "vd")));
}

TYPED_TEST(StoreConformanceTest, ScansOverManyKeysWithIntegerKeys) {
  WriteBatch batch;
  for (uint64_t i = 0; i < 1000; ++i) {
    batch.Put(Column::kEntries, EntryKey(i), std::to_string(i));
  }
  ASSERT_TRUE(this->store().Write(batch, WriteOptions()).ok());
  const ReadView& view = this->store().Latest();
  KeyValues all = this->ScanAll(view, Column::kEntries);
  ASSERT_EQ(all.size(), 1000u);
  for (uint64_t i = 0; i < 1000; ++i) {
    EXPECT_EQ(all[i].first, EntryKey(i));
  }
  KeyValues middle =
      this->ScanAll(view, Column::kEntries, EntryKey(250), EntryKey(750));
  ASSERT_EQ(middle.size(), 500u);
  EXPECT_EQ(middle.front().second, "250");
  EXPECT_EQ(middle.back().second, "749");
  KeyValues backwards = this->ReverseScanAll(view, Column::kEntries,
                                             EntryKey(100), EntryKey(900));
  ASSERT_EQ(backwards.size(), 800u);
  EXPECT_EQ(backwards.front().second, "899");
  EXPECT_EQ(backwards.back().second, "100");
}

TYPED_TEST(StoreConformanceTest, ColumnsAreIsolated) {
  WriteBatch batch;
  for (Column column : AllColumns()) {
    batch.Put(column, "same-key", std::string(ColumnName(column)));
    batch.Put(column, std::string("only-") + std::string(ColumnName(column)),
              "x");
  }
  ASSERT_TRUE(this->store().Write(batch, WriteOptions()).ok());
  WriteBatch delete_one;
  delete_one.Delete(Column::kBodies, "same-key");
  ASSERT_TRUE(this->store().Write(delete_one, WriteOptions()).ok());

  for (Column column : AllColumns()) {
    const std::string name(ColumnName(column));
    absl::StatusOr<std::string> value =
        this->store().Latest().Get(column, "same-key");
    if (column == Column::kBodies) {
      EXPECT_EQ(value.status().code(), absl::StatusCode::kNotFound);
      EXPECT_EQ(this->Keys(this->ScanAll(this->store().Latest(), column)),
                (std::vector<std::string>{"only-" + name}));
    } else {
      EXPECT_EQ(*value, name);
      EXPECT_EQ(this->Keys(this->ScanAll(this->store().Latest(), column)),
                (std::vector<std::string>{"only-" + name, "same-key"}));
    }
  }
}

TYPED_TEST(StoreConformanceTest, BinaryKeysAndValues) {
  const std::vector<std::string> sorted_keys = {
      std::string(),
      std::string("\0", 1),
      std::string("\0\0", 2),
      std::string("\0\xFF", 2),
      std::string("\x01", 1),
      std::string("a\0b", 3),
      std::string("a\x01", 2),
      std::string("\x7F", 1),
      std::string("\x80", 1),
      std::string("\xFF", 1),
      std::string("\xFF\0", 2),
      std::string("\xFF\xFF", 2),
  };
  std::vector<std::string> shuffled = sorted_keys;
  std::shuffle(shuffled.begin(), shuffled.end(), std::mt19937(7));
  WriteBatch batch;
  for (const std::string& key : shuffled) {
    batch.Put(Column::kPrincipals, key, key + std::string("\0\xFF", 2));
  }
  ASSERT_TRUE(this->store().Write(batch, WriteOptions()).ok());
  const ReadView& view = this->store().Latest();
  for (const std::string& key : sorted_keys) {
    absl::StatusOr<std::string> value = view.Get(Column::kPrincipals, key);
    ASSERT_TRUE(value.ok()) << testing::PrintToString(key);
    EXPECT_EQ(*value, key + std::string("\0\xFF", 2));
  }
  EXPECT_EQ(
      view.Get(Column::kPrincipals, std::string("\0\0\0", 3)).status().code(),
      absl::StatusCode::kNotFound);
  EXPECT_THAT(this->Keys(this->ScanAll(view, Column::kPrincipals)),
              ElementsAreArray(sorted_keys));
  std::vector<std::string> reversed(sorted_keys.rbegin(), sorted_keys.rend());
  EXPECT_THAT(this->Keys(this->ReverseScanAll(view, Column::kPrincipals)),
              ElementsAreArray(reversed));
  // Bounds made of 0x00 and 0xFF bytes.
  EXPECT_EQ(
      this->Keys(this->ScanAll(view, Column::kPrincipals, std::string("\0", 1),
                               std::string("\x01", 1))),
      (std::vector<std::string>{std::string("\0", 1), std::string("\0\0", 2),
                                std::string("\0\xFF", 2)}));
  EXPECT_EQ(this->Keys(this->ReverseScanAll(view, Column::kPrincipals,
                                            std::string("\xFF", 1))),
            (std::vector<std::string>{std::string("\xFF\xFF", 2),
                                      std::string("\xFF\0", 2),
                                      std::string("\xFF", 1)}));
}

TYPED_TEST(StoreConformanceTest, LargeValues) {
  std::mt19937_64 random(42);
  std::vector<std::string> values;
  WriteBatch batch;
  for (int i = 0; i < 3; ++i) {
    std::string value(1 << 20, '\0');
    for (char& c : value) c = static_cast<char>(random());
    batch.Put(Column::kBodies, EntryKey(i), value);
    values.push_back(std::move(value));
  }
  EXPECT_GE(batch.ByteSize(), 3u << 20);
  ASSERT_TRUE(this->store().Write(batch, WriteOptions()).ok());
  for (int i = 0; i < 3; ++i) {
    absl::StatusOr<std::string> value =
        this->store().Latest().Get(Column::kBodies, EntryKey(i));
    ASSERT_TRUE(value.ok());
    EXPECT_TRUE(*value == values[i]) << "value " << i << " differs";
  }
  KeyValues scanned = this->ScanAll(this->store().Latest(), Column::kBodies);
  ASSERT_EQ(scanned.size(), 3u);
  EXPECT_TRUE(scanned[2].second == values[2]);
}

// A writer replaces 100 keys in one batch per round, all with the round
// number; readers must never see two rounds mixed, on snapshots or in the
// single scans of Latest().
TYPED_TEST(StoreConformanceTest, BatchesAreAtomicForConcurrentReaders) {
  constexpr int kKeys = 100;
  constexpr int kMinRounds = 100;
  constexpr int kMaxRounds = 20000;
  constexpr int kMinChecksPerReader = 50;
  auto key = [](int i) { return "k" + std::to_string(1000 + i); };
  std::atomic<bool> done{false};
  std::atomic<int> snapshot_checks{0};
  std::atomic<int> latest_checks{0};
  std::atomic<int> torn{0};

  auto reader = [&](bool use_snapshot) {
    std::atomic<int>& checks = use_snapshot ? snapshot_checks : latest_checks;
    while (!done.load()) {
      std::unique_ptr<ReadView> snapshot;
      const ReadView* view = &this->store().Latest();
      if (use_snapshot) {
        snapshot = this->store().Snapshot();
        view = snapshot.get();
      }
      KeyValues seen = this->ScanAll(*view, Column::kState);
      if (seen.empty()) continue;  // Before the first batch.
      bool consistent = seen.size() == static_cast<size_t>(kKeys);
      for (const auto& [k, value] : seen) {
        consistent = consistent && value == seen.front().second;
      }
      if (use_snapshot) {
        // Point reads on the same snapshot agree with its scan.
        absl::StatusOr<std::string> first = view->Get(Column::kState, key(0));
        absl::StatusOr<std::string> last =
            view->Get(Column::kState, key(kKeys - 1));
        consistent = consistent && first.ok() && last.ok() &&
                     *first == seen.front().second && *last == *first;
      }
      if (!consistent) ++torn;
      ++checks;
    }
  };
  std::thread snapshot_reader(reader, true);
  std::thread latest_reader(reader, false);
  int rounds = 0;
  bool write_failed = false;
  while (rounds < kMaxRounds &&
         (rounds < kMinRounds || snapshot_checks < kMinChecksPerReader ||
          latest_checks < kMinChecksPerReader)) {
    WriteBatch batch;
    // Odd rounds delete and re-add, even rounds overwrite.
    for (int i = 0; i < kKeys; ++i) {
      if (rounds % 2 == 1) batch.Delete(Column::kState, key(i));
      batch.Put(Column::kState, key(i), "round " + std::to_string(rounds));
    }
    if (!this->store().Write(batch, WriteOptions{.sync = false}).ok()) {
      write_failed = true;
      break;
    }
    ++rounds;
  }
  done = true;
  snapshot_reader.join();
  latest_reader.join();
  EXPECT_FALSE(write_failed);
  EXPECT_EQ(torn.load(), 0);
  EXPECT_GE(snapshot_checks.load(), kMinChecksPerReader);
  EXPECT_GE(latest_checks.load(), kMinChecksPerReader);
  EXPECT_EQ(*this->store().Latest().Get(Column::kState, key(0)),
            "round " + std::to_string(rounds - 1));
}

TYPED_TEST(StoreConformanceTest, ConcurrentWritersFromEightThreads) {
  constexpr int kThreads = 8;
  constexpr int kBatchesPerThread = 100;
  std::atomic<int> failures{0};
  std::vector<std::thread> writers;
  for (int t = 0; t < kThreads; ++t) {
    writers.emplace_back([&, t] {
      for (int i = 0; i < kBatchesPerThread; ++i) {
        const std::string id = std::to_string(t) + "/" + std::to_string(i);
        WriteBatch batch;
        batch.Put(Column::kState, "thread " + id, id);
        batch.Put(Column::kIndexes, "index " + id, id);
        // Half of the writes are synced, as the ledger's would be.
        if (!this->store()
                 .Write(batch, WriteOptions{.sync = i % 2 == 0})
                 .ok()) {
          ++failures;
        }
      }
    });
  }
  for (std::thread& writer : writers) writer.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(this->ScanAll(this->store().Latest(), Column::kState).size(),
            static_cast<size_t>(kThreads * kBatchesPerThread));
  EXPECT_EQ(this->ScanAll(this->store().Latest(), Column::kIndexes).size(),
            static_cast<size_t>(kThreads * kBatchesPerThread));
  EXPECT_EQ(*this->store().Latest().Get(Column::kIndexes, "index 7/99"),
            "7/99");
}

TYPED_TEST(StoreConformanceTest, VisitorMayWriteAndScanSeesItsStartState) {
  for (int i = 0; i < 200; ++i) {
    this->Put(Column::kScans, EntryKey(i), "old");
  }
  int visited = 0;
  absl::Status status = this->store().Latest().Scan(
      Column::kScans, "", "", [&](std::string_view, std::string_view) {
        ++visited;
        WriteBatch batch;
        batch.Put(Column::kScans, EntryKey(1000 + visited), "new");
        batch.Delete(Column::kScans, EntryKey(199));
        EXPECT_TRUE(this->store().Write(batch, WriteOptions()).ok());
        return true;
      });
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_EQ(visited, 200);
  EXPECT_EQ(this->ScanAll(this->store().Latest(), Column::kScans).size(), 399u);
}

}  // namespace
}  // namespace ocoptrace::storage
