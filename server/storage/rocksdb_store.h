// The RocksDB implementation of Store: the server's on-disk database.
//
// One RocksDB column family per Column (columns.h), all created on open.
// Writes go through the write-ahead log, and WriteOptions::sync makes Write
// wait until the log is on stable storage. Backup() makes a RocksDB
// checkpoint. docs/storage.md explains the choices (filters, buffers,
// recovery mode) and how to operate the database.
//
// RocksDB types stay inside rocksdb_store.cc: nothing outside server/storage
// sees them.
//
// Thread-safety: the returned Store is thread-safe.

#ifndef OCOPTRACE_SERVER_STORAGE_ROCKSDB_STORE_H_
#define OCOPTRACE_SERVER_STORAGE_ROCKSDB_STORE_H_

#include <cstddef>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "server/storage/store.h"

namespace ocoptrace::storage {

struct RocksDbOptions {
  // The database directory. Created (with missing parents) when absent and
  // create_if_missing is true.
  std::string path;
  bool create_if_missing = true;
  // One LRU block cache shared by all columns.
  size_t block_cache_bytes = 64 << 20;
  // Memtable size per column before it is flushed to a file. Larger buffers
  // mean fewer, larger flushes for the append-heavy log columns.
  size_t write_buffer_bytes = 32 << 20;
  // Bloom filter bits per key for point lookups (Get); 0 disables filters.
  int bloom_bits_per_key = 10;
  // Threads for flushes and compactions together.
  int max_background_jobs = 2;
  // RocksDB's pipelined write path: lets the next group of concurrent writers
  // enter the WAL while the previous group updates the memtables. Off: the
  // ledger writes through one appender, and with 8 concurrent writers it
  // made no measurable difference here (docs/storage.md).
  bool pipelined_write = false;
};

// Opens (or creates) the database at options.path with every column.
// OK with the store. InvalidArgument when the path is empty or is not a
// directory, or when create_if_missing is false and there is no database;
// Unavailable when the database is locked by another process (or another
// open store in this one) or the disk fails; DataLoss when files are
// corrupt. Messages name the path.
absl::StatusOr<std::unique_ptr<Store>> OpenRocksDbStore(
    const RocksDbOptions& options);

}  // namespace ocoptrace::storage

#endif  // OCOPTRACE_SERVER_STORAGE_ROCKSDB_STORE_H_
