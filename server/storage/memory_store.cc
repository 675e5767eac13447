#include "server/storage/memory_store.h"

#include <mutex>
#include <shared_mutex>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"

namespace ocoptrace::storage {
namespace {

// Scans copy this many pairs under the lock, then visit them unlocked, so
// that a visitor may call back into the store.
constexpr size_t kScanChunk = 64;

absl::Status InvalidColumn(Column column) {
  return absl::InvalidArgumentError(
      absl::StrCat("column: ", static_cast<int>(column),
                   " is not a declared column (see columns.h)"));
}

// The value of `history` visible at `version`; nullptr when absent.
const std::string* ValueAt(
    const std::map<uint64_t, std::optional<std::string>>& history,
    uint64_t version) {
  auto it = history.upper_bound(version);
  if (it == history.begin()) return nullptr;
  --it;
  return it->second.has_value() ? &*it->second : nullptr;
}

}  // namespace

// Reads at a fixed version, pinned for the view's lifetime.
class MemoryStore::VersionView : public ReadView {
 public:
  VersionView(MemoryStore* store, uint64_t version)
      : store_(store), version_(version) {}
  ~VersionView() override { store_->UnpinVersion(version_); }

  absl::StatusOr<std::string> Get(Column column,
                                  std::string_view key) const override {
    return store_->GetAt(version_, column, key);
  }
  absl::Status Scan(Column column, std::string_view begin, std::string_view end,
                    const ScanVisitor& visit) const override {
    return store_->ScanAt(version_, column, begin, end, visit);
  }
  absl::Status ReverseScan(Column column, std::string_view begin,
                           std::string_view end,
                           const ScanVisitor& visit) const override {
    return store_->ReverseScanAt(version_, column, begin, end, visit);
  }

 private:
  MemoryStore* const store_;
  const uint64_t version_;
};

// Reads at the latest version; a scan pins the version it starts at.
class MemoryStore::LatestView : public ReadView {
 public:
  explicit LatestView(MemoryStore* store) : store_(store) {}

  absl::StatusOr<std::string> Get(Column column,
                                  std::string_view key) const override {
    return store_->GetAt(store_->CurrentVersion(), column, key);
  }
  absl::Status Scan(Column column, std::string_view begin, std::string_view end,
                    const ScanVisitor& visit) const override {
    VersionView pinned(store_, store_->PinVersion());
    return pinned.Scan(column, begin, end, visit);
  }
  absl::Status ReverseScan(Column column, std::string_view begin,
                           std::string_view end,
                           const ScanVisitor& visit) const override {
    VersionView pinned(store_, store_->PinVersion());
    return pinned.ReverseScan(column, begin, end, visit);
  }

 private:
  MemoryStore* const store_;
};

MemoryStore::MemoryStore() : latest_(std::make_unique<LatestView>(this)) {}

MemoryStore::~MemoryStore() = default;

std::unique_ptr<ReadView> MemoryStore::Snapshot() {
  return std::make_unique<VersionView>(this, PinVersion());
}

const ReadView& MemoryStore::Latest() { return *latest_; }

absl::Status MemoryStore::Write(const WriteBatch& batch,
                                const WriteOptions& options) {
  for (const WriteBatch::Op& op : batch.ops()) {
    if (!IsValidColumn(op.column)) return InvalidColumn(op.column);
  }
  std::unique_lock lock(mu_);
  if (!write_failure_.ok()) return write_failure_;
  if (batch.empty()) return absl::OkStatus();
  const uint64_t version = version_ + 1;
  std::vector<History*> touched;
  touched.reserve(batch.size());
  for (const WriteBatch::Op& op : batch.ops()) {
    ColumnData& data = columns_[static_cast<int>(op.column)];
    History& history = data[op.key];
    if (op.type == WriteBatch::OpType::kPut) {
      history[version] = op.value;
    } else {
      history[version] = std::nullopt;
    }
    touched.push_back(&history);
  }
  version_ = version;
  for (History* history : touched) Prune(*history);
  // Keys whose history became a lone, invisible deletion are dropped.
  for (const WriteBatch::Op& op : batch.ops()) {
    ColumnData& data = columns_[static_cast<int>(op.column)];
    auto it = data.find(op.key);
    if (it != data.end() && it->second.size() == 1 &&
        !it->second.begin()->second.has_value() &&
        (pinned_versions_.empty() ||
         it->second.begin()->first <= *pinned_versions_.begin())) {
      data.erase(it);
    }
  }
  return absl::OkStatus();
}

void MemoryStore::Prune(History& history) {
  const uint64_t oldest_reader =
      pinned_versions_.empty() ? version_ : *pinned_versions_.begin();
  // Keep the newest value at or before the oldest reader, and all later.
  auto keep_from = history.upper_bound(oldest_reader);
  if (keep_from == history.begin()) return;
  --keep_from;
  history.erase(history.begin(), keep_from);
}

absl::Status MemoryStore::Backup(const std::string& directory) {
  return absl::UnimplementedError(
      "backup: the in-memory store has no files to back up; use the RocksDB "
      "store");
}

void MemoryStore::FailWritesWith(absl::Status status) {
  std::unique_lock lock(mu_);
  write_failure_ = std::move(status);
}

uint64_t MemoryStore::WriteCount() const {
  std::shared_lock lock(mu_);
  return version_;  // Every non-empty batch makes one version.
}

uint64_t MemoryStore::CurrentVersion() const {
  std::shared_lock lock(mu_);
  return version_;
}

uint64_t MemoryStore::PinVersion() {
  std::unique_lock lock(mu_);
  pinned_versions_.insert(version_);
  return version_;
}

void MemoryStore::UnpinVersion(uint64_t version) {
  std::unique_lock lock(mu_);
  pinned_versions_.erase(pinned_versions_.find(version));
}

absl::StatusOr<std::string> MemoryStore::GetAt(uint64_t version, Column column,
                                               std::string_view key) const {
  if (!IsValidColumn(column)) return InvalidColumn(column);
  std::shared_lock lock(mu_);
  const ColumnData& data = columns_[static_cast<int>(column)];
  auto it = data.find(key);
  const std::string* value =
      it == data.end() ? nullptr : ValueAt(it->second, version);
  if (value == nullptr) {
    return absl::NotFoundError(absl::StrCat("key not found in column ",
                                            std::string(ColumnName(column))));
  }
  return *value;
}

absl::Status MemoryStore::ScanAt(uint64_t version, Column column,
                                 std::string_view begin, std::string_view end,
                                 const ScanVisitor& visit) const {
  if (!IsValidColumn(column)) return InvalidColumn(column);
  std::string resume(begin);
  bool first_chunk = true;
  std::vector<std::pair<std::string, std::string>> chunk;
  while (true) {
    chunk.clear();
    bool more = false;
    {
      std::shared_lock lock(mu_);
      const ColumnData& data = columns_[static_cast<int>(column)];
      auto it =
          first_chunk ? data.lower_bound(resume) : data.upper_bound(resume);
      for (; it != data.end(); ++it) {
        if (!end.empty() && std::string_view(it->first) >= end) break;
        const std::string* value = ValueAt(it->second, version);
        if (value == nullptr) continue;
        if (chunk.size() == kScanChunk) {
          more = true;
          break;
        }
        chunk.emplace_back(it->first, *value);
      }
    }
    for (const auto& [key, value] : chunk) {
      if (!visit(key, value)) return absl::OkStatus();
    }
    if (!more) return absl::OkStatus();
    resume = chunk.back().first;
    first_chunk = false;
  }
}

absl::Status MemoryStore::ReverseScanAt(uint64_t version, Column column,
                                        std::string_view begin,
                                        std::string_view end,
                                        const ScanVisitor& visit) const {
  if (!IsValidColumn(column)) return InvalidColumn(column);
  // Keys below `limit` remain to be visited; an empty optional: no limit.
  std::optional<std::string> limit;
  if (!end.empty()) limit = std::string(end);
  std::vector<std::pair<std::string, std::string>> chunk;
  while (true) {
    chunk.clear();
    bool more = false;
    {
      std::shared_lock lock(mu_);
      const ColumnData& data = columns_[static_cast<int>(column)];
      auto it = limit ? data.lower_bound(*limit) : data.end();
      while (it != data.begin()) {
        --it;
        if (std::string_view(it->first) < begin) break;
        const std::string* value = ValueAt(it->second, version);
        if (value == nullptr) continue;
        if (chunk.size() == kScanChunk) {
          more = true;
          break;
        }
        chunk.emplace_back(it->first, *value);
      }
    }
    for (const auto& [key, value] : chunk) {
      if (!visit(key, value)) return absl::OkStatus();
    }
    if (!more) return absl::OkStatus();
    limit = chunk.back().first;
  }
}

}  // namespace ocoptrace::storage
