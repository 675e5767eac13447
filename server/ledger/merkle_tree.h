// The log's Merkle tree (RFC 6962) persisted as perfect subtrees.
//
// Storage layout: for every perfect subtree that is complete, the node
// (level L, index I) — the hash of leaves [I * 2^L, (I + 1) * 2^L) — is kept
// in Column::kTreeNodes under storage::TreeNodeKey(L, I). Nodes never change
// once written, so a tree of size n is fully described by the nodes that
// exist for it; roots and proofs at any size <= n need O(log n) reads.
// Level-0 nodes are the leaf hashes; the tlog-tiles of DESIGN.md §6 are
// ranges of these nodes (tile level t holds tree level 8t).
//
// Thread-safety: MerkleTreeReader is immutable over a ReadView and may be
// used from several threads if the view allows it. MerkleFrontier is not
// thread-safe; the ledger's appender owns the only one.

#ifndef OCOPTRACE_SERVER_LEDGER_MERKLE_TREE_H_
#define OCOPTRACE_SERVER_LEDGER_MERKLE_TREE_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "core/sha256.h"
#include "server/storage/store.h"
#include "server/storage/write_batch.h"

namespace ocoptrace::ledger {

// Reads roots and proofs from the stored nodes.
class MerkleTreeReader {
 public:
  // `view` must outlive the reader.
  explicit MerkleTreeReader(const storage::ReadView& view) : view_(view) {}

  // The stored node (level, index). NotFound if that subtree is incomplete.
  absl::StatusOr<Hash> Node(uint8_t level, uint64_t index) const;

  // The Merkle Tree Hash of leaves [begin, end). `begin` must be a multiple
  // of the largest power of two that fits in end - begin (true for every
  // range the RFC 9162 algorithms ask for). NotFound if a leaf is missing.
  absl::StatusOr<Hash> RangeHash(uint64_t begin, uint64_t end) const;

  // Root of the tree of the first `size` leaves (size 0: SHA-256("")).
  absl::StatusOr<Hash> Root(uint64_t size) const;

  // RFC 9162 §2.1.3 inclusion proof for leaf `index` in the tree of `size`.
  // InvalidArgument if index >= size.
  absl::StatusOr<std::vector<Hash>> InclusionProof(uint64_t index,
                                                   uint64_t size) const;

  // RFC 9162 §2.1.4 consistency proof from size1 to size2.
  // InvalidArgument unless 0 < size1 <= size2.
  absl::StatusOr<std::vector<Hash>> ConsistencyProof(uint64_t size1,
                                                     uint64_t size2) const;

 private:
  absl::Status AppendPath(uint64_t index, uint64_t begin, uint64_t end,
                          std::vector<Hash>& proof) const;
  absl::Status AppendSubproof(uint64_t m, uint64_t begin, uint64_t end,
                              bool whole, std::vector<Hash>& proof) const;

  const storage::ReadView& view_;
};

// The right edge of the tree: one hash per set bit of the size (the perfect
// subtrees that the tree of that size decomposes into), largest first.
// Appending a leaf writes the new level-0 node and every node it completes.
class MerkleFrontier {
 public:
  MerkleFrontier() = default;

  // Rebuilds the frontier of a stored tree of `size` leaves.
  static absl::StatusOr<MerkleFrontier> Load(const storage::ReadView& view,
                                             uint64_t size);

  uint64_t size() const { return size_; }

  // Adds a leaf; puts the leaf node and each completed parent into `batch`.
  void Append(const Hash& leaf_hash, storage::WriteBatch& batch);

  // Root of the current tree, from the frontier alone (no reads).
  Hash Root() const;

 private:
  struct Subtree {
    uint8_t level;
    Hash hash;
  };
  uint64_t size_ = 0;
  std::vector<Subtree> subtrees_;  // Largest (leftmost) first.
};

}  // namespace ocoptrace::ledger

#endif  // OCOPTRACE_SERVER_LEDGER_MERKLE_TREE_H_
