// The column families of the ocoptrace database, declared together.
//
// A Column names one key space. Its numeric value is used in memory only,
// but its name (ColumnName) is the RocksDB column family name on disk: a
// column, once released, keeps its number and name forever. Add new columns
// at the end with the next number; never rename or reuse one.
// docs/storage.md describes what each column holds and its key layout.
//
// Thread-safety: everything here is immutable and thread-safe.

#ifndef OCOPTRACE_SERVER_STORAGE_COLUMNS_H_
#define OCOPTRACE_SERVER_STORAGE_COLUMNS_H_

#include <cstdint>
#include <string_view>
#include <vector>

namespace ocoptrace::storage {

enum class Column : uint8_t {
  kMeta = 0,          // "default": small named values (keys.h kMeta*).
  kEntries = 1,       // Log entries (signed notes) by global index.
  kBodies = 2,        // Entry bodies by global index.
  kSubjectHeads = 3,  // Subject -> its latest entry (seq, index, hash).
  kSubjectIndex = 4,  // (subject, seq) -> global index.
  kTreeNodes = 5,     // Merkle subtree hashes by (level, index).
  kCheckpoints = 6,   // Signed checkpoints by tree size.
  kState = 7,         // Derived state: producers, products, batches...
  kLabels = 8,        // Labels by GTIN and serial.
  kScans = 9,         // Scan telemetry by time.
  kPrincipals = 10,   // API principals by token hash.
  kIndexes = 11,      // Secondary indexes over derived state.
  kSecrets = 12,      // Server-side secrets that are not derived from the
                      // log and survive a rebuild (label PIN HMACs).
};

// The number of columns; Column values are 0 .. kColumnCount-1.
inline constexpr int kColumnCount = 13;

// The RocksDB column family name of `column`: "default" for kMeta, then
// "entries", "bodies", "subject_heads", "subject_index", "tree_nodes",
// "checkpoints", "state", "labels", "scans", "principals", "indexes",
// "secrets".
// Returns "" for a value outside the enum.
std::string_view ColumnName(Column column);

// True when `column` is one of the declared columns (guards casts).
bool IsValidColumn(Column column);

// Every column, in numeric order.
const std::vector<Column>& AllColumns();

}  // namespace ocoptrace::storage

#endif  // OCOPTRACE_SERVER_STORAGE_COLUMNS_H_
