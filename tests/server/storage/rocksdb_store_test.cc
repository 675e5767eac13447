// RocksDB-only behaviour of the Store: persistence across reopen, backups,
// and clear errors for unusable paths and damaged files.

#include "server/storage/rocksdb_store.h"

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/storage/keys.h"
#include "tests/server/storage/temp_dir.h"

namespace ocoptrace::storage {
namespace {

using ::testing::HasSubstr;

absl::StatusOr<std::unique_ptr<Store>> Open(const std::string& path) {
  RocksDbOptions options;
  options.path = path;
  options.block_cache_bytes = 8 << 20;
  return OpenRocksDbStore(options);
}

TEST(RocksDbStoreTest, DataSurvivesCloseAndReopen) {
  TempDir dir;
  {
    absl::StatusOr<std::unique_ptr<Store>> store = Open(dir.Path("db"));
    ASSERT_TRUE(store.ok()) << store.status();
    WriteBatch batch;
    for (Column column : AllColumns()) {
      batch.Put(column, "k", std::string(ColumnName(column)));
    }
    batch.Put(Column::kMeta, kMetaTreeSize, EncodeUint64(3));
    ASSERT_TRUE((*store)->Write(batch, WriteOptions()).ok());
    WriteBatch removal;
    removal.Delete(Column::kLabels, "k");
    ASSERT_TRUE((*store)->Write(removal, WriteOptions()).ok());
  }
  absl::StatusOr<std::unique_ptr<Store>> store = Open(dir.Path("db"));
  ASSERT_TRUE(store.ok()) << store.status();
  const ReadView& view = (*store)->Latest();
  for (Column column : AllColumns()) {
    absl::StatusOr<std::string> value = view.Get(column, "k");
    if (column == Column::kLabels) {
      EXPECT_EQ(value.status().code(), absl::StatusCode::kNotFound);
    } else {
      ASSERT_TRUE(value.ok()) << ColumnName(column);
      EXPECT_EQ(*value, ColumnName(column));
    }
  }
  EXPECT_EQ(*DecodeUint64(*view.Get(Column::kMeta, kMetaTreeSize)), 3u);
}

TEST(RocksDbStoreTest, CreatesEveryColumnFamilyOnDisk) {
  TempDir dir;
  { ASSERT_TRUE(Open(dir.Path("db")).ok()); }
  // The MANIFEST names every column family; a fresh open created them all.
  std::string manifest_names;
  for (const auto& file : std::filesystem::directory_iterator(dir.Path("db"))) {
    if (file.path().filename().string().starts_with("MANIFEST")) {
      std::ifstream in(file.path(), std::ios::binary);
      manifest_names.assign(std::istreambuf_iterator<char>(in), {});
    }
  }
  for (Column column : AllColumns()) {
    if (column == Column::kMeta) continue;
    EXPECT_THAT(manifest_names, HasSubstr(std::string(ColumnName(column))));
  }
}

TEST(RocksDbStoreTest, BackupIsAnOpenablePointInTimeCopy) {
  TempDir dir;
  absl::StatusOr<std::unique_ptr<Store>> store = Open(dir.Path("db"));
  ASSERT_TRUE(store.ok()) << store.status();
  WriteBatch batch;
  for (uint64_t i = 0; i < 100; ++i) {
    batch.Put(Column::kEntries, EntryKey(i), "entry " + std::to_string(i));
  }
  ASSERT_TRUE((*store)->Write(batch, WriteOptions()).ok());
  ASSERT_TRUE((*store)->Backup(dir.Path("backups/one")).ok());
  WriteBatch later;
  later.Put(Column::kEntries, EntryKey(100), "after the backup");
  ASSERT_TRUE((*store)->Write(later, WriteOptions()).ok());

  absl::Status again = (*store)->Backup(dir.Path("backups/one"));
  EXPECT_EQ(again.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(again.message(), HasSubstr("already exists"));

  absl::StatusOr<std::unique_ptr<Store>> copy = Open(dir.Path("backups/one"));
  ASSERT_TRUE(copy.ok()) << copy.status();
  EXPECT_EQ(*(*copy)->Latest().Get(Column::kEntries, EntryKey(99)), "entry 99");
  EXPECT_EQ(
      (*copy)->Latest().Get(Column::kEntries, EntryKey(100)).status().code(),
      absl::StatusCode::kNotFound);
  int count = 0;
  ASSERT_TRUE((*copy)
                  ->Latest()
                  .Scan(Column::kEntries, "", "",
                        [&](std::string_view, std::string_view) {
                          ++count;
                          return true;
                        })
                  .ok());
  EXPECT_EQ(count, 100);
}

TEST(RocksDbStoreTest, PathThatIsAFileIsAClearError) {
  TempDir dir;
  std::ofstream(dir.Path("not-a-dir")) << "hello";
  absl::StatusOr<std::unique_ptr<Store>> store = Open(dir.Path("not-a-dir"));
  EXPECT_EQ(store.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(store.status().message(), HasSubstr("not a directory"));
  EXPECT_THAT(store.status().message(), HasSubstr(dir.Path("not-a-dir")));
}

TEST(RocksDbStoreTest, EmptyPathAndMissingDatabase) {
  EXPECT_EQ(Open("").status().code(), absl::StatusCode::kInvalidArgument);
  TempDir dir;
  RocksDbOptions options;
  options.path = dir.Path("missing");
  options.create_if_missing = false;
  absl::StatusOr<std::unique_ptr<Store>> store = OpenRocksDbStore(options);
  EXPECT_EQ(store.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(store.status().message(), HasSubstr("does not exist"));
  // An existing but empty directory is not a database either.
  std::filesystem::create_directories(options.path);
  store = OpenRocksDbStore(options);
  EXPECT_FALSE(store.ok());
}

TEST(RocksDbStoreTest, SecondOpenOfTheSameDatabaseIsUnavailable) {
  TempDir dir;
  absl::StatusOr<std::unique_ptr<Store>> first = Open(dir.Path("db"));
  ASSERT_TRUE(first.ok()) << first.status();
  absl::StatusOr<std::unique_ptr<Store>> second = Open(dir.Path("db"));
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(second.status().message(), HasSubstr(dir.Path("db")));
}

TEST(RocksDbStoreTest, DamagedFilesAreDataLoss) {
  TempDir dir;
  {
    absl::StatusOr<std::unique_ptr<Store>> store = Open(dir.Path("db"));
    ASSERT_TRUE(store.ok()) << store.status();
  }
  // CURRENT names the live MANIFEST; without its newline it is corrupt.
  std::ofstream(dir.Path("db/CURRENT"), std::ios::trunc) << "garbage";
  absl::StatusOr<std::unique_ptr<Store>> store = Open(dir.Path("db"));
  EXPECT_EQ(store.status().code(), absl::StatusCode::kDataLoss)
      << store.status();
  EXPECT_THAT(store.status().message(), HasSubstr("restore a backup"));
}

}  // namespace
}  // namespace ocoptrace::storage
