// The global log's Merkle tree: RFC 6962 leaf and node hashing, and
// verification of inclusion and consistency proofs as specified in
// RFC 9162 sections 2.1.3 and 2.1.4. Independent verifiers rely on these
// formats (DESIGN.md section 4), so they are normative.
//
// A tree of `size` leaves has leaves 0 .. size-1. Leaf i's hash is
// LeafHash(entry i's bytes); the root of a tree is MTH over its leaf hashes
// (RFC 9162 section 2.1.1); the root of the empty tree is SHA-256("").
//
// The verifiers take sizes and roots from the caller: an inclusion proof does
// not fix the tree size, so always take size and root from a signed
// checkpoint.
//
// Thread-safety: every function is pure and thread-safe.

#ifndef OCOPTRACE_CORE_MERKLE_H_
#define OCOPTRACE_CORE_MERKLE_H_

#include <cstdint>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/sha256.h"

namespace ocoptrace {

// SHA-256(0x00 ‖ leaf_data): the hash of one leaf (one log entry's bytes).
Hash LeafHash(std::string_view leaf_data);

// SHA-256(0x01 ‖ left ‖ right): the hash of an interior node.
Hash NodeHash(const Hash& left, const Hash& right);

// SHA-256(""): the root of the tree with no leaves.
Hash EmptyTreeRoot();

// The number of hashes in the inclusion proof of leaf `index` in a tree of
// `size` leaves. Requires index < size; returns 0 otherwise.
uint64_t InclusionProofSize(uint64_t index, uint64_t size);

// The number of hashes in the consistency proof between trees of size1 and
// size2 leaves. Requires 0 < size1 <= size2; returns 0 otherwise.
uint64_t ConsistencyProofSize(uint64_t size1, uint64_t size2);

// Computes the root of a tree of `size` leaves from leaf `index`'s hash and
// its inclusion proof (the audit path, leaf level first).
// Returns the root, or InvalidArgument when index >= size or when the proof
// does not have exactly InclusionProofSize(index, size) hashes. The message
// names what is wrong. Never fails for a well-formed proof: whether the root
// is the right one is for the caller (or VerifyInclusion) to check.
absl::StatusOr<Hash> RootFromInclusionProof(uint64_t index, uint64_t size,
                                            const Hash& leaf_hash,
                                            const std::vector<Hash>& proof);

// Checks that `proof` proves leaf `index` with hash `leaf_hash` is in the
// tree of `size` leaves whose root is `root`.
// OK when it does. InvalidArgument when the arguments cannot form a proof
// (index >= size, wrong number of proof hashes); FailedPrecondition when the
// proof is well-formed but the root it yields differs from `root` (the leaf
// is not in that tree, or a hash is wrong). Messages say which check failed.
absl::Status VerifyInclusion(uint64_t index, uint64_t size,
                             const Hash& leaf_hash,
                             const std::vector<Hash>& proof, const Hash& root);

// Checks that the tree of size1 leaves with root `root1` is a prefix of the
// tree of size2 leaves with root `root2`, using the RFC 9162 consistency
// proof `proof`.
// OK when it is. InvalidArgument when the arguments cannot form a proof:
// size1 == 0 (every tree extends the empty tree, so such a proof proves
// nothing and is refused), size1 > size2, or a proof that does not have
// exactly ConsistencyProofSize(size1, size2) hashes (in particular a
// non-empty proof when size1 == size2). FailedPrecondition when the proof is
// well-formed but does not lead to root1 or root2; the message says which.
absl::Status VerifyConsistency(uint64_t size1, uint64_t size2,
                               const std::vector<Hash>& proof,
                               const Hash& root1, const Hash& root2);

// The same with the roots as received (raw bytes, e.g. decoded from a
// client's JSON). With size1 == size2 the proof must be empty and the roots
// byte-identical: no hashing is involved, so their length does not matter
// (as in transparency-dev/merkle). Otherwise both roots must be 32-byte
// hashes (InvalidArgument naming the root) and the Hash form applies.
absl::Status VerifyConsistency(uint64_t size1, uint64_t size2,
                               const std::vector<Hash>& proof,
                               std::string_view root1, std::string_view root2);

// Reference implementations straight from the RFC's recursive definitions.
// They take O(n) time and memory over all leaf hashes: for tests, tools and
// cross-checking the log's incremental tree, not for serving.

// MTH(D[n]) over the given leaf hashes (EmptyTreeRoot() for none).
Hash RootOfLeafHashes(const std::vector<Hash>& leaf_hashes);

// PATH(index, D[size]) over the first `size` leaf hashes. Requires
// index < size <= leaf_hashes.size(); returns an empty vector otherwise.
std::vector<Hash> ReferenceInclusionProof(const std::vector<Hash>& leaf_hashes,
                                          uint64_t index, uint64_t size);

// PROOF(size1, D[size2]) over the first `size2` leaf hashes. Requires
// 0 < size1 <= size2 <= leaf_hashes.size(); returns an empty vector
// otherwise (and for size1 == size2, where the proof is empty).
std::vector<Hash> ReferenceConsistencyProof(
    const std::vector<Hash>& leaf_hashes, uint64_t size1, uint64_t size2);

}  // namespace ocoptrace

#endif  // OCOPTRACE_CORE_MERKLE_H_
