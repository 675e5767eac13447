// Store: the narrow storage interface under the ledger. A Store is an
// ordered key-value store split into columns (columns.h), read through
// point-in-time views and written with atomic batches (write_batch.h).
//
// Two implementations: RocksDB on disk (rocksdb_store.h) and an in-memory
// one for tests (memory_store.h). tests/server/storage's conformance suite
// holds both to the same contract. Keys and values are arbitrary bytes;
// keys compare bytewise as unsigned chars.
//
// Thread-safety: a Store and its ReadViews are thread-safe. A ReadView must
// not outlive the Store it came from.

#ifndef OCOPTRACE_SERVER_STORAGE_STORE_H_
#define OCOPTRACE_SERVER_STORAGE_STORE_H_

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "server/storage/columns.h"
#include "server/storage/write_batch.h"

namespace ocoptrace::storage {

// Called for each key-value pair of a scan; return false to stop the scan.
// The views are valid only during the call.
using ScanVisitor =
    std::function<bool(std::string_view key, std::string_view value)>;

// A consistent view of the store's contents. Every read through a view
// obtained from Store::Snapshot() sees the same state; Store::Latest() reads
// the latest committed state at each call.
class ReadView {
 public:
  virtual ~ReadView() = default;

  // OK with the value of `key` in `column`. NotFound if the key is absent.
  // InvalidArgument for a column outside the enum. Other codes are I/O
  // errors from the backend (Unavailable, DataLoss, Internal).
  virtual absl::StatusOr<std::string> Get(Column column,
                                          std::string_view key) const = 0;

  // Visits the keys of `column` in [begin, end) in ascending byte order;
  // end == "" means no upper bound. Stops early when `visit` returns false.
  // A single scan sees one consistent state, even through Latest().
  // OK when the scan ended (normally or early); otherwise an I/O error as
  // for Get. `visit` may read from the store, and may write to it (a scan
  // does not see writes made after it started).
  virtual absl::Status Scan(Column column, std::string_view begin,
                            std::string_view end,
                            const ScanVisitor& visit) const = 0;

  // Like Scan, in descending order: starts at the largest key < end
  // (end == "": the last key of the column) and goes down to `begin`
  // inclusive.
  virtual absl::Status ReverseScan(Column column, std::string_view begin,
                                   std::string_view end,
                                   const ScanVisitor& visit) const = 0;
};

struct WriteOptions {
  // When true, Write returns only after the batch's write-ahead-log record
  // is on stable storage: an OK write survives a crash or power loss. When
  // false, a crash may lose the most recent writes (never part of a batch).
  bool sync = true;
};

class Store {
 public:
  virtual ~Store() = default;

  // A point-in-time view: later writes are not visible through it. The
  // caller owns it; release it (destroy it) before the Store.
  virtual std::unique_ptr<ReadView> Snapshot() = 0;

  // A view that reads the latest committed state at each call. Owned by the
  // Store; valid while the Store lives.
  virtual const ReadView& Latest() = 0;

  // Applies `batch` atomically: readers see all of it or none of it.
  // OK means applied (and durable if options.sync). An empty batch is OK and
  // writes nothing. InvalidArgument for an operation on a column outside the
  // enum (nothing is written). Backend failures: Unavailable (disk full, I/O
  // error, read-only after an earlier failure), DataLoss (corruption),
  // Internal (anything else), with the backend's message; after such an
  // error nothing of the batch is visible, but a failed sync may leave the
  // batch's durability unknown, so stop writing and restart.
  virtual absl::Status Write(const WriteBatch& batch,
                             const WriteOptions& options) = 0;

  // Writes a consistent copy of the whole store, taken online, into
  // `directory`, which must not exist yet (it and any missing parents are
  // created; on the same file system as the store the copy is mostly hard
  // links). The copy opens as a store of its own and holds every batch
  // acknowledged before the call. InvalidArgument if `directory` exists,
  // Unimplemented for stores without files, otherwise a backend error.
  virtual absl::Status Backup(const std::string& directory) = 0;
};

}  // namespace ocoptrace::storage

#endif  // OCOPTRACE_SERVER_STORAGE_STORE_H_
