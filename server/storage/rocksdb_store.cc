#include "server/storage/rocksdb_store.h"

#include <filesystem>
#include <optional>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "rocksdb/cache.h"
#include "rocksdb/db.h"
#include "rocksdb/filter_policy.h"
#include "rocksdb/options.h"
#include "rocksdb/slice.h"
#include "rocksdb/status.h"
#include "rocksdb/table.h"
#include "rocksdb/utilities/checkpoint.h"
#include "rocksdb/write_batch.h"

namespace ocoptrace::storage {
namespace {

rocksdb::Slice ToSlice(std::string_view bytes) {
  return rocksdb::Slice(bytes.data(), bytes.size());
}

std::string_view ToView(const rocksdb::Slice& slice) {
  return std::string_view(slice.data(), slice.size());
}

// The one place where RocksDB errors become absl::Status. `context` says what
// was being done ("open /var/db", "write"); the RocksDB message follows.
absl::Status FromRocksDb(const rocksdb::Status& status,
                         const std::string& context) {
  if (status.ok()) return absl::OkStatus();
  const std::string message = absl::StrCat(context, ": ", status.ToString());
  switch (status.code()) {
    case rocksdb::Status::kNotFound:
      return absl::NotFoundError(message);
    case rocksdb::Status::kCorruption:
      return absl::DataLossError(absl::StrCat(
          message, " (the database files are damaged; restore a backup)"));
    case rocksdb::Status::kIOError:
      if (status.IsNoSpace()) {
        return absl::UnavailableError(
            absl::StrCat(message, " (the disk is full; free space)"));
      }
      if (status.IsPathNotFound()) {
        return absl::NotFoundError(message);
      }
      return absl::UnavailableError(message);
    case rocksdb::Status::kInvalidArgument:
      return absl::InvalidArgumentError(message);
    case rocksdb::Status::kNotSupported:
      return absl::UnimplementedError(message);
    case rocksdb::Status::kBusy:
    case rocksdb::Status::kTimedOut:
    case rocksdb::Status::kTryAgain:
    case rocksdb::Status::kShutdownInProgress:
      return absl::UnavailableError(message);
    case rocksdb::Status::kAborted:
      return absl::AbortedError(message);
    default:
      return absl::InternalError(message);
  }
}

absl::Status InvalidColumn(Column column) {
  return absl::InvalidArgumentError(
      absl::StrCat("column: ", static_cast<int>(column),
                   " is not a declared column (see columns.h)"));
}

// Handles indexed by Column; owned by RocksDbStore.
using Handles = std::vector<rocksdb::ColumnFamilyHandle*>;

// A view at `snapshot`, or at the latest state when it is null.
class RocksDbView : public ReadView {
 public:
  RocksDbView(rocksdb::DB* db, const Handles* handles,
              const rocksdb::Snapshot* snapshot)
      : db_(db), handles_(handles), snapshot_(snapshot) {}
  ~RocksDbView() override {
    if (snapshot_ != nullptr) db_->ReleaseSnapshot(snapshot_);
  }
  RocksDbView(const RocksDbView&) = delete;
  RocksDbView& operator=(const RocksDbView&) = delete;

  absl::StatusOr<std::string> Get(Column column,
                                  std::string_view key) const override {
    if (!IsValidColumn(column)) return InvalidColumn(column);
    std::string value;
    rocksdb::Status status =
        db_->Get(ReadOptions(), Handle(column), ToSlice(key), &value);
    if (status.IsNotFound()) {
      return absl::NotFoundError(absl::StrCat("key not found in column ",
                                              std::string(ColumnName(column))));
    }
    if (!status.ok()) {
      return FromRocksDb(status, absl::StrCat("read column ",
                                              std::string(ColumnName(column))));
    }
    return value;
  }

  absl::Status Scan(Column column, std::string_view begin, std::string_view end,
                    const ScanVisitor& visit) const override {
    if (!IsValidColumn(column)) return InvalidColumn(column);
    const rocksdb::Slice upper = ToSlice(end);
    rocksdb::ReadOptions options = ReadOptions();
    if (!end.empty()) options.iterate_upper_bound = &upper;
    std::unique_ptr<rocksdb::Iterator> it(
        db_->NewIterator(options, Handle(column)));
    for (it->Seek(ToSlice(begin)); it->Valid(); it->Next()) {
      if (!visit(ToView(it->key()), ToView(it->value()))) break;
    }
    return FromRocksDb(
        it->status(),
        absl::StrCat("scan column ", std::string(ColumnName(column))));
  }

  absl::Status ReverseScan(Column column, std::string_view begin,
                           std::string_view end,
                           const ScanVisitor& visit) const override {
    if (!IsValidColumn(column)) return InvalidColumn(column);
    const rocksdb::Slice lower = ToSlice(begin);
    const rocksdb::Slice upper = ToSlice(end);
    rocksdb::ReadOptions options = ReadOptions();
    options.iterate_lower_bound = &lower;
    // With an upper bound, SeekToLast lands on the last key below it.
    if (!end.empty()) options.iterate_upper_bound = &upper;
    std::unique_ptr<rocksdb::Iterator> it(
        db_->NewIterator(options, Handle(column)));
    for (it->SeekToLast(); it->Valid(); it->Prev()) {
      if (!visit(ToView(it->key()), ToView(it->value()))) break;
    }
    return FromRocksDb(
        it->status(),
        absl::StrCat("reverse scan column ", std::string(ColumnName(column))));
  }

 private:
  rocksdb::ReadOptions ReadOptions() const {
    rocksdb::ReadOptions options;
    options.snapshot = snapshot_;
    return options;
  }
  rocksdb::ColumnFamilyHandle* Handle(Column column) const {
    return (*handles_)[static_cast<int>(column)];
  }

  rocksdb::DB* const db_;
  const Handles* const handles_;
  const rocksdb::Snapshot* const snapshot_;
};

class RocksDbStore : public Store {
 public:
  RocksDbStore(std::string path, std::unique_ptr<rocksdb::DB> db,
               Handles handles, std::vector<rocksdb::ColumnFamilyHandle*> extra)
      : path_(std::move(path)),
        db_(std::move(db)),
        handles_(std::move(handles)),
        extra_handles_(std::move(extra)),
        latest_(db_.get(), &handles_, nullptr) {}

  ~RocksDbStore() override {
    for (auto* handle : handles_) db_->DestroyColumnFamilyHandle(handle);
    for (auto* handle : extra_handles_) db_->DestroyColumnFamilyHandle(handle);
    // Close() syncs nothing that was not synced; errors here have nowhere to
    // go, and unsynced writes were never acknowledged as durable.
    db_->Close().PermitUncheckedError();
  }

  std::unique_ptr<ReadView> Snapshot() override {
    return std::make_unique<RocksDbView>(db_.get(), &handles_,
                                         db_->GetSnapshot());
  }

  const ReadView& Latest() override { return latest_; }

  absl::Status Write(const WriteBatch& batch,
                     const WriteOptions& options) override {
    rocksdb::WriteBatch rocks_batch;
    for (const WriteBatch::Op& op : batch.ops()) {
      if (!IsValidColumn(op.column)) return InvalidColumn(op.column);
      rocksdb::ColumnFamilyHandle* handle =
          handles_[static_cast<int>(op.column)];
      rocksdb::Status status =
          op.type == WriteBatch::OpType::kPut
              ? rocks_batch.Put(handle, ToSlice(op.key), ToSlice(op.value))
              : rocks_batch.Delete(handle, ToSlice(op.key));
      if (!status.ok()) return FromRocksDb(status, "write: build batch");
    }
    if (batch.empty()) return absl::OkStatus();
    rocksdb::WriteOptions rocks_options;
    rocks_options.sync = options.sync;
    rocks_options.disableWAL = false;
    return FromRocksDb(db_->Write(rocks_options, &rocks_batch),
                       absl::StrCat("write to ", path_));
  }

  absl::Status Backup(const std::string& directory) override {
    std::error_code error;
    if (std::filesystem::exists(directory, error)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "backup: ", directory, " already exists; give a new directory"));
    }
    const std::filesystem::path parent =
        std::filesystem::path(directory).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent, error);
    rocksdb::Checkpoint* raw_checkpoint = nullptr;
    rocksdb::Status status =
        rocksdb::Checkpoint::Create(db_.get(), &raw_checkpoint);
    std::unique_ptr<rocksdb::Checkpoint> checkpoint(raw_checkpoint);
    if (status.ok()) status = checkpoint->CreateCheckpoint(directory);
    return FromRocksDb(status, absl::StrCat("backup to ", directory));
  }

 private:
  const std::string path_;
  const std::unique_ptr<rocksdb::DB> db_;
  const Handles handles_;
  // Column families found on disk that this version does not know: kept
  // open because RocksDB requires it, never used.
  const std::vector<rocksdb::ColumnFamilyHandle*> extra_handles_;
  const RocksDbView latest_;
};

rocksdb::ColumnFamilyOptions MakeColumnOptions(
    const RocksDbOptions& options,
    const std::shared_ptr<rocksdb::Cache>& cache) {
  rocksdb::ColumnFamilyOptions column_options;
  column_options.write_buffer_size = options.write_buffer_bytes;
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = cache;
  if (options.bloom_bits_per_key > 0) {
    table.filter_policy.reset(
        rocksdb::NewBloomFilterPolicy(options.bloom_bits_per_key));
    table.whole_key_filtering = true;
  }
  table.cache_index_and_filter_blocks = true;
  table.pin_l0_filter_and_index_blocks_in_cache = true;
  column_options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  return column_options;
}

rocksdb::DBOptions MakeDbOptions(const RocksDbOptions& options) {
  rocksdb::DBOptions db_options;
  db_options.create_if_missing = options.create_if_missing;
  db_options.create_missing_column_families = true;
  db_options.paranoid_checks = true;
  // Recover every write whose WAL record is intact, up to the first damaged
  // record: synced writes are always intact.
  db_options.wal_recovery_mode = rocksdb::WALRecoveryMode::kPointInTimeRecovery;
  db_options.max_background_jobs = options.max_background_jobs;
  db_options.enable_pipelined_write = options.pipelined_write;
  return db_options;
}

absl::Status CheckPath(const RocksDbOptions& options) {
  if (options.path.empty()) {
    return absl::InvalidArgumentError(
        "rocksdb path: is empty; give the database directory");
  }
  std::error_code error;
  const auto status = std::filesystem::status(options.path, error);
  if (std::filesystem::exists(status)) {
    if (!std::filesystem::is_directory(status)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "rocksdb path: ", options.path,
          " exists but is not a directory; give a directory for the database"));
    }
    return absl::OkStatus();
  }
  if (!options.create_if_missing) {
    return absl::InvalidArgumentError(
        absl::StrCat("rocksdb path: ", options.path,
                     " does not exist and create_if_missing is off"));
  }
  std::filesystem::create_directories(options.path, error);
  if (error) {
    return absl::UnavailableError(absl::StrCat(
        "rocksdb path: cannot create ", options.path, ": ", error.message()));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<Store>> OpenRocksDbStore(
    const RocksDbOptions& options) {
  if (absl::Status status = CheckPath(options); !status.ok()) return status;
  const std::string context = absl::StrCat("open ", options.path);
  const rocksdb::DBOptions db_options = MakeDbOptions(options);
  const rocksdb::ColumnFamilyOptions column_options = MakeColumnOptions(
      options, rocksdb::NewLRUCache(options.block_cache_bytes));

  // Open our columns first (in Column order), then any others on disk.
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (Column column : AllColumns()) {
    descriptors.emplace_back(std::string(ColumnName(column)), column_options);
  }
  std::vector<std::string> on_disk;
  if (rocksdb::DB::ListColumnFamilies(db_options, options.path, &on_disk)
          .ok()) {
    for (const std::string& name : on_disk) {
      bool known = false;
      for (const auto& descriptor : descriptors) {
        known = known || descriptor.name == name;
      }
      if (!known) descriptors.emplace_back(name, column_options);
    }
  }

  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw_db = nullptr;
  rocksdb::Status status = rocksdb::DB::Open(db_options, options.path,
                                             descriptors, &handles, &raw_db);
  if (!status.ok()) return FromRocksDb(status, context);
  std::unique_ptr<rocksdb::DB> db(raw_db);
  Handles ours(handles.begin(), handles.begin() + kColumnCount);
  std::vector<rocksdb::ColumnFamilyHandle*> extra(
      handles.begin() + kColumnCount, handles.end());
  return std::make_unique<RocksDbStore>(options.path, std::move(db),
                                        std::move(ours), std::move(extra));
}

}  // namespace ocoptrace::storage
