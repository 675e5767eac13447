// MemoryStore-only behaviour: injected write failures, no backups, and
// memory reclaimed once no snapshot needs old values.

#include "server/storage/memory_store.h"

#include <memory>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace ocoptrace::storage {
namespace {

using ::testing::HasSubstr;

WriteBatch OnePut(std::string_view key, std::string_view value) {
  WriteBatch batch;
  batch.Put(Column::kEntries, key, value);
  return batch;
}

TEST(MemoryStoreTest, FailWritesWithFailsEveryWriteAndWritesNothing) {
  MemoryStore store;
  ASSERT_TRUE(store.Write(OnePut("a", "1"), WriteOptions()).ok());
  store.FailWritesWith(absl::UnavailableError("fsync failed: EIO"));
  for (int i = 0; i < 3; ++i) {
    absl::Status status = store.Write(OnePut("b", "2"), WriteOptions());
    EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable);
    EXPECT_EQ(status.message(), "fsync failed: EIO");
  }
  EXPECT_EQ(store.Latest().Get(Column::kEntries, "b").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(store.WriteCount(), 1u);

  store.FailWritesWith(absl::OkStatus());
  ASSERT_TRUE(store.Write(OnePut("b", "2"), WriteOptions()).ok());
  EXPECT_EQ(*store.Latest().Get(Column::kEntries, "b"), "2");
  EXPECT_EQ(store.WriteCount(), 2u);
}

TEST(MemoryStoreTest, BackupIsUnimplemented) {
  MemoryStore store;
  absl::Status status = store.Backup("/tmp/anywhere");
  EXPECT_EQ(status.code(), absl::StatusCode::kUnimplemented);
  EXPECT_THAT(status.message(), HasSubstr("RocksDB"));
}

TEST(MemoryStoreTest, OldValuesStayVisibleToTheSnapshotsThatNeedThem) {
  MemoryStore store;
  ASSERT_TRUE(store.Write(OnePut("k", "v0"), WriteOptions()).ok());
  std::unique_ptr<ReadView> at_v0 = store.Snapshot();
  for (int i = 1; i <= 10; ++i) {
    ASSERT_TRUE(
        store.Write(OnePut("k", "v" + std::to_string(i)), WriteOptions()).ok());
  }
  std::unique_ptr<ReadView> at_v10 = store.Snapshot();
  at_v0.reset();
  WriteBatch removal;
  removal.Delete(Column::kEntries, "k");
  ASSERT_TRUE(store.Write(removal, WriteOptions()).ok());
  EXPECT_EQ(*at_v10->Get(Column::kEntries, "k"), "v10");
  EXPECT_EQ(store.Latest().Get(Column::kEntries, "k").status().code(),
            absl::StatusCode::kNotFound);
  at_v10.reset();
  ASSERT_TRUE(store.Write(OnePut("k", "again"), WriteOptions()).ok());
  EXPECT_EQ(*store.Latest().Get(Column::kEntries, "k"), "again");
}

}  // namespace
}  // namespace ocoptrace::storage
