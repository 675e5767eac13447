// MemoryStore: a Store kept in memory, for tests. Same contract as the
// RocksDB store (the conformance suite runs against both), nothing is
// persisted, and WriteOptions::sync has no effect.
//
// Tests can make writes fail (FailWritesWith) to exercise error paths such
// as a failed WAL sync.
//
// Thread-safety: thread-safe, like every Store. Views must not outlive the
// store.

#ifndef OCOPTRACE_SERVER_STORAGE_MEMORY_STORE_H_
#define OCOPTRACE_SERVER_STORAGE_MEMORY_STORE_H_

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <shared_mutex>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "server/storage/store.h"

namespace ocoptrace::storage {

class MemoryStore : public Store {
 public:
  MemoryStore();
  ~MemoryStore() override;
  MemoryStore(const MemoryStore&) = delete;
  MemoryStore& operator=(const MemoryStore&) = delete;

  std::unique_ptr<ReadView> Snapshot() override;
  const ReadView& Latest() override;
  absl::Status Write(const WriteBatch& batch,
                     const WriteOptions& options) override;
  // Always Unimplemented: a memory store has no files to copy.
  absl::Status Backup(const std::string& directory) override;

  // From now on every Write returns `status` and writes nothing, until
  // FailWritesWith(absl::OkStatus()) makes writes succeed again.
  void FailWritesWith(absl::Status status);

  // The number of non-empty batches written so far (for tests).
  uint64_t WriteCount() const;

 private:
  class VersionView;
  class LatestView;

  // A key's values over time: version -> value, nullopt for a deletion.
  using History = std::map<uint64_t, std::optional<std::string>>;
  using ColumnData = std::map<std::string, History, std::less<>>;

  // Reads at `version` (a committed version). See ReadView for contracts.
  absl::StatusOr<std::string> GetAt(uint64_t version, Column column,
                                    std::string_view key) const;
  absl::Status ScanAt(uint64_t version, Column column, std::string_view begin,
                      std::string_view end, const ScanVisitor& visit) const;
  absl::Status ReverseScanAt(uint64_t version, Column column,
                             std::string_view begin, std::string_view end,
                             const ScanVisitor& visit) const;

  uint64_t CurrentVersion() const;
  uint64_t PinVersion();
  void UnpinVersion(uint64_t version);

  // Drops the values of `history` that no reader can see any more.
  // Requires mu_ held exclusively.
  void Prune(History& history);

  // Guards the fields below: shared for reads, exclusive for changes.
  // (std::shared_mutex rather than absl::Mutex so that ThreadSanitizer
  // understands it with Debian's uninstrumented abseil.)
  mutable std::shared_mutex mu_;
  std::array<ColumnData, kColumnCount> columns_;
  uint64_t version_ = 0;
  // Versions held by live snapshots (a snapshot reads at its version).
  std::multiset<uint64_t> pinned_versions_;
  absl::Status write_failure_;
  std::unique_ptr<LatestView> latest_;
};

}  // namespace ocoptrace::storage

#endif  // OCOPTRACE_SERVER_STORAGE_MEMORY_STORE_H_
