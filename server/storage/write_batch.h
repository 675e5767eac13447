// WriteBatch: an ordered list of puts and deletes over any columns, built in
// memory and applied atomically by Store::Write (all of it or none of it).
// Every logical change of the server is one WriteBatch.
//
// Operations apply in the order they were added, so a later Put or Delete of
// the same (column, key) wins. A batch owns copies of its keys and values.
//
// Thread-safety: a WriteBatch is a plain value; guard it externally if it is
// shared between threads. Const methods may be called concurrently.

#ifndef OCOPTRACE_SERVER_STORAGE_WRITE_BATCH_H_
#define OCOPTRACE_SERVER_STORAGE_WRITE_BATCH_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "server/storage/columns.h"

namespace ocoptrace::storage {

class WriteBatch {
 public:
  enum class OpType : uint8_t { kPut, kDelete };

  // One operation. `value` is empty for a delete.
  struct Op {
    OpType type;
    Column column;
    std::string key;
    std::string value;
  };

  // Sets `key` in `column` to `value` (replacing any earlier value).
  void Put(Column column, std::string_view key, std::string_view value);

  // Removes `key` from `column`; removing an absent key is not an error.
  void Delete(Column column, std::string_view key);

  // The number of operations.
  size_t size() const { return ops_.size(); }
  bool empty() const { return ops_.empty(); }

  // The total bytes of all keys and values: a measure of the write's cost.
  size_t ByteSize() const { return byte_size_; }

  // Removes every operation.
  void Clear();

  // Adds a copy of `other`'s operations after this batch's own.
  void Append(const WriteBatch& other);

  // The operations, in the order they apply.
  const std::vector<Op>& ops() const { return ops_; }

 private:
  std::vector<Op> ops_;
  size_t byte_size_ = 0;
};

}  // namespace ocoptrace::storage

#endif  // OCOPTRACE_SERVER_STORAGE_WRITE_BATCH_H_
