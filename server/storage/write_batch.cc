#include "server/storage/write_batch.h"

namespace ocoptrace::storage {

void WriteBatch::Put(Column column, std::string_view key,
                     std::string_view value) {
  ops_.push_back(
      Op{OpType::kPut, column, std::string(key), std::string(value)});
  byte_size_ += key.size() + value.size();
}

void WriteBatch::Delete(Column column, std::string_view key) {
  ops_.push_back(Op{OpType::kDelete, column, std::string(key), std::string()});
  byte_size_ += key.size();
}

void WriteBatch::Clear() {
  ops_.clear();
  byte_size_ = 0;
}

void WriteBatch::Append(const WriteBatch& other) {
  // Copy first: `other` may be this batch.
  std::vector<Op> copy = other.ops_;
  const size_t other_bytes = other.byte_size_;
  ops_.insert(ops_.end(), std::make_move_iterator(copy.begin()),
              std::make_move_iterator(copy.end()));
  byte_size_ += other_bytes;
}

}  // namespace ocoptrace::storage
