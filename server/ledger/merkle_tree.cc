#include "server/ledger/merkle_tree.h"

#include <bit>

#include "absl/strings/str_cat.h"
#include "core/merkle.h"
#include "server/storage/keys.h"

namespace ocoptrace::ledger {
namespace {

// The largest power of two strictly smaller than n (n >= 2).
uint64_t SplitPoint(uint64_t n) { return std::bit_floor(n - 1); }

}  // namespace

absl::StatusOr<Hash> MerkleTreeReader::Node(uint8_t level,
                                            uint64_t index) const {
  auto value = view_.Get(storage::Column::kTreeNodes,
                         storage::TreeNodeKey(level, index));
  if (!value.ok()) {
    if (absl::IsNotFound(value.status())) {
      return absl::NotFoundError(absl::StrCat(
          "Merkle node (level ", level, ", index ", index, ") is not stored"));
    }
    return value.status();
  }
  return HashFromBytes(*value, "Merkle node");
}

absl::StatusOr<Hash> MerkleTreeReader::RangeHash(uint64_t begin,
                                                 uint64_t end) const {
  if (begin >= end) return EmptyTreeRoot();
  // Decompose [begin, end) into perfect subtrees, largest first, then fold
  // them together from the right.
  std::vector<Hash> parts;
  uint64_t position = begin;
  while (position < end) {
    uint64_t remaining = end - position;
    uint64_t chunk = std::bit_floor(remaining);
    // An aligned start is required for the chunk to be a stored node.
    if (position % chunk != 0) {
      return absl::InternalError(absl::StrCat(
          "unaligned Merkle range [", begin, ", ", end, ")"));
    }
    uint8_t level = static_cast<uint8_t>(std::countr_zero(chunk));
    auto node = Node(level, position >> level);
    if (!node.ok()) return node.status();
    parts.push_back(*node);
    position += chunk;
  }
  Hash hash = parts.back();
  for (size_t i = parts.size() - 1; i-- > 0;) hash = NodeHash(parts[i], hash);
  return hash;
}

absl::StatusOr<Hash> MerkleTreeReader::Root(uint64_t size) const {
  return RangeHash(0, size);
}

absl::Status MerkleTreeReader::AppendPath(uint64_t index, uint64_t begin,
                                          uint64_t end,
                                          std::vector<Hash>& proof) const {
  uint64_t n = end - begin;
  if (n <= 1) return absl::OkStatus();
  uint64_t k = SplitPoint(n);
  if (index < k) {
    if (auto s = AppendPath(index, begin, begin + k, proof); !s.ok()) return s;
    auto right = RangeHash(begin + k, end);
    if (!right.ok()) return right.status();
    proof.push_back(*right);
  } else {
    if (auto s = AppendPath(index - k, begin + k, end, proof); !s.ok()) {
      return s;
    }
    auto left = RangeHash(begin, begin + k);
    if (!left.ok()) return left.status();
    proof.push_back(*left);
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<Hash>> MerkleTreeReader::InclusionProof(
    uint64_t index, uint64_t size) const {
  if (index >= size) {
    return absl::InvalidArgumentError(absl::StrCat(
        "leaf index ", index, " is not in a tree of size ", size));
  }
  std::vector<Hash> proof;
  if (auto s = AppendPath(index, 0, size, proof); !s.ok()) return s;
  return proof;
}

absl::Status MerkleTreeReader::AppendSubproof(uint64_t m, uint64_t begin,
                                              uint64_t end, bool whole,
                                              std::vector<Hash>& proof) const {
  uint64_t n = end - begin;
  if (m == n) {
    if (!whole) {
      auto hash = RangeHash(begin, end);
      if (!hash.ok()) return hash.status();
      proof.push_back(*hash);
    }
    return absl::OkStatus();
  }
  uint64_t k = SplitPoint(n);
  if (m <= k) {
    if (auto s = AppendSubproof(m, begin, begin + k, whole, proof); !s.ok()) {
      return s;
    }
    auto right = RangeHash(begin + k, end);
    if (!right.ok()) return right.status();
    proof.push_back(*right);
  } else {
    if (auto s = AppendSubproof(m - k, begin + k, end, false, proof);
        !s.ok()) {
      return s;
    }
    auto left = RangeHash(begin, begin + k);
    if (!left.ok()) return left.status();
    proof.push_back(*left);
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<Hash>> MerkleTreeReader::ConsistencyProof(
    uint64_t size1, uint64_t size2) const {
  if (size1 == 0 || size1 > size2) {
    return absl::InvalidArgumentError(absl::StrCat(
        "a consistency proof needs 0 < size1 <= size2; got ", size1, " and ",
        size2));
  }
  std::vector<Hash> proof;
  if (size1 == size2) return proof;
  if (auto s = AppendSubproof(size1, 0, size2, true, proof); !s.ok()) return s;
  return proof;
}

absl::StatusOr<MerkleFrontier> MerkleFrontier::Load(
    const storage::ReadView& view, uint64_t size) {
  MerkleTreeReader reader(view);
  MerkleFrontier frontier;
  frontier.size_ = size;
  uint64_t position = 0;
  for (int level = 63; level >= 0; --level) {
    uint64_t chunk = uint64_t{1} << level;
    if ((size & chunk) == 0) continue;
    auto node = reader.Node(static_cast<uint8_t>(level), position >> level);
    if (!node.ok()) return node.status();
    frontier.subtrees_.push_back({static_cast<uint8_t>(level), *node});
    position += chunk;
  }
  return frontier;
}

void MerkleFrontier::Append(const Hash& leaf_hash, storage::WriteBatch& batch) {
  uint64_t index = size_;
  batch.Put(storage::Column::kTreeNodes, storage::TreeNodeKey(0, index),
            std::string_view(reinterpret_cast<const char*>(leaf_hash.data()),
                             leaf_hash.size()));
  Subtree current{0, leaf_hash};
  // While the new subtree is a right child, merge it with its left sibling.
  while (!subtrees_.empty() && subtrees_.back().level == current.level) {
    current.hash = NodeHash(subtrees_.back().hash, current.hash);
    current.level++;
    subtrees_.pop_back();
    batch.Put(storage::Column::kTreeNodes,
              storage::TreeNodeKey(current.level, index >> current.level),
              std::string_view(reinterpret_cast<const char*>(current.hash.data()),
                               current.hash.size()));
  }
  subtrees_.push_back(current);
  size_++;
}

Hash MerkleFrontier::Root() const {
  if (subtrees_.empty()) return EmptyTreeRoot();
  Hash hash = subtrees_.back().hash;
  for (size_t i = subtrees_.size() - 1; i-- > 0;) {
    hash = NodeHash(subtrees_[i].hash, hash);
  }
  return hash;
}

}  // namespace ocoptrace::ledger
