#include "core/merkle.h"

#include <bit>
#include <string>

#include "absl/strings/str_cat.h"

namespace ocoptrace {
namespace {

constexpr char kLeafPrefix = 0x00;
constexpr char kNodePrefix = 0x01;

// An inclusion proof for leaf `index` in a tree of `size` leaves splits into
// two parts (RFC 9162 section 2.1.3.2, restated):
//  - `inner`: the levels where the path from the leaf to the root has a
//    sibling on either side. These are the levels below the one where the
//    paths to leaf `index` and to the last leaf (size-1) join.
//  - `border`: above that, the path runs along the tree's right border,
//    where a node has a (left) sibling only at the levels where `index`
//    has a 1 bit.
struct ProofShape {
  int inner;
  int border;
};

// Requires index < size.
ProofShape InclusionShape(uint64_t index, uint64_t size) {
  const int inner = std::bit_width(index ^ (size - 1));
  const int border = std::popcount(index >> inner);
  return {inner, border};
}

// Folds the inner part of a path: at level i the sibling is on the left when
// bit i of `index` is 1, on the right otherwise.
Hash ChainInner(Hash seed, uint64_t index, const Hash* siblings, int count) {
  for (int level = 0; level < count; ++level) {
    if ((index >> level) & 1) {
      seed = NodeHash(siblings[level], seed);
    } else {
      seed = NodeHash(seed, siblings[level]);
    }
  }
  return seed;
}

// Like ChainInner, but only takes the left siblings into account: the hash
// of the subtree that ends at the node, as seen from the smaller tree.
Hash ChainInnerLeftOnly(Hash seed, uint64_t index, const Hash* siblings,
                        int count) {
  for (int level = 0; level < count; ++level) {
    if ((index >> level) & 1) seed = NodeHash(siblings[level], seed);
  }
  return seed;
}

// Folds the border part: every sibling is on the left.
Hash ChainBorder(Hash seed, const Hash* siblings, int count) {
  for (int i = 0; i < count; ++i) seed = NodeHash(siblings[i], seed);
  return seed;
}

std::string Hex(const Hash& hash) { return HashToHex(hash); }

// The largest power of two strictly smaller than n. Requires n >= 2.
uint64_t SplitPoint(uint64_t n) { return std::bit_floor(n - 1); }

// MTH over leaf_hashes[begin, end).
Hash SubtreeRoot(const std::vector<Hash>& leaf_hashes, uint64_t begin,
                 uint64_t end) {
  const uint64_t n = end - begin;
  if (n == 0) return EmptyTreeRoot();
  if (n == 1) return leaf_hashes[begin];
  const uint64_t k = SplitPoint(n);
  return NodeHash(SubtreeRoot(leaf_hashes, begin, begin + k),
                  SubtreeRoot(leaf_hashes, begin + k, end));
}

// PATH(m, D[begin, end)), appended to `proof`.
void AppendPath(const std::vector<Hash>& leaf_hashes, uint64_t m,
                uint64_t begin, uint64_t end, std::vector<Hash>& proof) {
  const uint64_t n = end - begin;
  if (n <= 1) return;
  const uint64_t k = SplitPoint(n);
  if (m < k) {
    AppendPath(leaf_hashes, m, begin, begin + k, proof);
    proof.push_back(SubtreeRoot(leaf_hashes, begin + k, end));
  } else {
    AppendPath(leaf_hashes, m - k, begin + k, end, proof);
    proof.push_back(SubtreeRoot(leaf_hashes, begin, begin + k));
  }
}

// SUBPROOF(m, D[begin, end), b), appended to `proof`.
void AppendSubproof(const std::vector<Hash>& leaf_hashes, uint64_t m,
                    uint64_t begin, uint64_t end, bool is_original_tree,
                    std::vector<Hash>& proof) {
  const uint64_t n = end - begin;
  if (m == n) {
    if (!is_original_tree)
      proof.push_back(SubtreeRoot(leaf_hashes, begin, end));
    return;
  }
  const uint64_t k = SplitPoint(n);
  if (m <= k) {
    AppendSubproof(leaf_hashes, m, begin, begin + k, is_original_tree, proof);
    proof.push_back(SubtreeRoot(leaf_hashes, begin + k, end));
  } else {
    AppendSubproof(leaf_hashes, m - k, begin + k, end, false, proof);
    proof.push_back(SubtreeRoot(leaf_hashes, begin, begin + k));
  }
}

}  // namespace

Hash LeafHash(std::string_view leaf_data) {
  Sha256Hasher hasher;
  hasher.Update(std::string_view(&kLeafPrefix, 1));
  hasher.Update(leaf_data);
  return hasher.Finish();
}

Hash NodeHash(const Hash& left, const Hash& right) {
  Sha256Hasher hasher;
  hasher.Update(std::string_view(&kNodePrefix, 1));
  hasher.Update(left);
  hasher.Update(right);
  return hasher.Finish();
}

Hash EmptyTreeRoot() { return Sha256(""); }

uint64_t InclusionProofSize(uint64_t index, uint64_t size) {
  if (index >= size) return 0;
  const ProofShape shape = InclusionShape(index, size);
  return shape.inner + shape.border;
}

uint64_t ConsistencyProofSize(uint64_t size1, uint64_t size2) {
  if (size1 == 0 || size1 >= size2) return 0;
  // The levels below the node that holds leaf size1-1 and whose subtree
  // ends at size1 contribute nothing: shift them away.
  const int shift = std::countr_zero(size1);
  const uint64_t node = (size1 - 1) >> shift;
  const uint64_t last = (size2 - 1) >> shift;
  const bool size1_is_perfect = std::has_single_bit(size1);
  return InclusionProofSize(node, last + 1) + (size1_is_perfect ? 0 : 1);
}

absl::StatusOr<Hash> RootFromInclusionProof(uint64_t index, uint64_t size,
                                            const Hash& leaf_hash,
                                            const std::vector<Hash>& proof) {
  if (index >= size) {
    return absl::InvalidArgumentError(absl::StrCat(
        "inclusion proof: leaf index ", index, " is not in a tree of size ",
        size, "; the index must be smaller than the tree size"));
  }
  const ProofShape shape = InclusionShape(index, size);
  const uint64_t want = shape.inner + shape.border;
  if (proof.size() != want) {
    return absl::InvalidArgumentError(
        absl::StrCat("inclusion proof: has ", proof.size(),
                     " hashes, but the proof for leaf ", index,
                     " in a tree of size ", size, " has exactly ", want));
  }
  Hash root = ChainInner(leaf_hash, index, proof.data(), shape.inner);
  return ChainBorder(root, proof.data() + shape.inner, shape.border);
}

absl::Status VerifyInclusion(uint64_t index, uint64_t size,
                             const Hash& leaf_hash,
                             const std::vector<Hash>& proof, const Hash& root) {
  absl::StatusOr<Hash> computed =
      RootFromInclusionProof(index, size, leaf_hash, proof);
  if (!computed.ok()) return computed.status();
  if (*computed != root) {
    return absl::FailedPreconditionError(absl::StrCat(
        "inclusion proof: leaf ", index, " and its proof give root ",
        Hex(*computed), ", not the expected root ", Hex(root), " of size ",
        size, "; the leaf is not in this tree or a hash is wrong"));
  }
  return absl::OkStatus();
}

absl::Status VerifyConsistency(uint64_t size1, uint64_t size2,
                               const std::vector<Hash>& proof,
                               std::string_view root1, std::string_view root2) {
  if (size1 != 0 && size1 == size2) {
    if (!proof.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "consistency proof: sizes are equal (", size1,
          ") so the proof must be empty, got ", proof.size(), " hashes"));
    }
    if (root1 != root2) {
      return absl::FailedPreconditionError(
          "consistency proof: sizes are equal but the roots differ");
    }
    return absl::OkStatus();
  }
  auto hash1 = HashFromBytes(root1, "root1");
  if (!hash1.ok()) return hash1.status();
  auto hash2 = HashFromBytes(root2, "root2");
  if (!hash2.ok()) return hash2.status();
  return VerifyConsistency(size1, size2, proof, *hash1, *hash2);
}

absl::Status VerifyConsistency(uint64_t size1, uint64_t size2,
                               const std::vector<Hash>& proof,
                               const Hash& root1, const Hash& root2) {
  if (size1 == 0) {
    return absl::InvalidArgumentError(
        "consistency proof: size1 is 0; every tree extends the empty tree, so "
        "ask for a proof from a non-empty tree");
  }
  if (size1 > size2) {
    return absl::InvalidArgumentError(absl::StrCat(
        "consistency proof: size1 ", size1, " is larger than size2 ", size2,
        "; a tree can only be consistent with a larger one"));
  }
  if (size1 == size2) {
    if (!proof.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("consistency proof: has ", proof.size(),
                       " hashes, but the proof between two trees of the same "
                       "size ",
                       size1, " is empty"));
    }
    if (root1 != root2) {
      return absl::FailedPreconditionError(absl::StrCat(
          "consistency proof: trees of the same size ", size1,
          " have different roots ", Hex(root1), " and ", Hex(root2)));
    }
    return absl::OkStatus();
  }
  const uint64_t want = ConsistencyProofSize(size1, size2);
  if (proof.size() != want) {
    return absl::InvalidArgumentError(
        absl::StrCat("consistency proof: has ", proof.size(),
                     " hashes, but the proof from size ", size1, " to size ",
                     size2, " has exactly ", want));
  }

  // Skip the levels where the subtree holding leaf size1-1 is complete: the
  // proof starts at the largest such subtree, which is root1 itself when
  // size1 is a power of two (and then not sent).
  const int shift = std::countr_zero(size1);
  const uint64_t node = (size1 - 1) >> shift;
  const uint64_t last = (size2 - 1) >> shift;
  const bool size1_is_perfect = std::has_single_bit(size1);
  const Hash seed = size1_is_perfect ? root1 : proof[0];
  const Hash* path = proof.data() + (size1_is_perfect ? 0 : 1);
  const ProofShape shape = InclusionShape(node, last + 1);

  Hash computed1 = ChainInnerLeftOnly(seed, node, path, shape.inner);
  computed1 = ChainBorder(computed1, path + shape.inner, shape.border);
  if (computed1 != root1) {
    return absl::FailedPreconditionError(absl::StrCat(
        "consistency proof: gives root ", Hex(computed1), " for size ", size1,
        ", not the expected root1 ", Hex(root1)));
  }
  Hash computed2 = ChainInner(seed, node, path, shape.inner);
  computed2 = ChainBorder(computed2, path + shape.inner, shape.border);
  if (computed2 != root2) {
    return absl::FailedPreconditionError(absl::StrCat(
        "consistency proof: gives root ", Hex(computed2), " for size ", size2,
        ", not the expected root2 ", Hex(root2),
        "; the larger tree does not extend the smaller one or a hash is "
        "wrong"));
  }
  return absl::OkStatus();
}

Hash RootOfLeafHashes(const std::vector<Hash>& leaf_hashes) {
  return SubtreeRoot(leaf_hashes, 0, leaf_hashes.size());
}

std::vector<Hash> ReferenceInclusionProof(const std::vector<Hash>& leaf_hashes,
                                          uint64_t index, uint64_t size) {
  std::vector<Hash> proof;
  if (index >= size || size > leaf_hashes.size()) return proof;
  AppendPath(leaf_hashes, index, 0, size, proof);
  return proof;
}

std::vector<Hash> ReferenceConsistencyProof(
    const std::vector<Hash>& leaf_hashes, uint64_t size1, uint64_t size2) {
  std::vector<Hash> proof;
  if (size1 == 0 || size1 > size2 || size2 > leaf_hashes.size()) return proof;
  AppendSubproof(leaf_hashes, size1, 0, size2, /*is_original_tree=*/true,
                 proof);
  return proof;
}

}  // namespace ocoptrace
