// Every key layout of the database, built and parsed in one place.
//
// Integers are 8 bytes big-endian, so that the bytewise key order is the
// numeric order and a scan walks entries, sequence numbers and tree sizes in
// order. docs/storage.md lists each column with its key and value layout;
// keep the two in step, and never change a released layout (add a new key
// instead).
//
// Parsers return InvalidArgument, naming the key kind, for bytes that no
// builder produces.
//
// Thread-safety: pure functions, thread-safe.

#ifndef OCOPTRACE_SERVER_STORAGE_KEYS_H_
#define OCOPTRACE_SERVER_STORAGE_KEYS_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace ocoptrace::storage {

// 8 bytes, big-endian.
std::string EncodeUint64(uint64_t value);

// The inverse of EncodeUint64. InvalidArgument unless `bytes` is exactly 8
// bytes long.
absl::StatusOr<uint64_t> DecodeUint64(std::string_view bytes);

// kEntries and kBodies: BE64(global index).
std::string EntryKey(uint64_t index);
absl::StatusOr<uint64_t> ParseEntryKey(std::string_view key);

// Subjects ("producer/<id>", "batch/<GTIN14>/<lot>", ...) appear in keys as
// their raw bytes. OK when `subject` can be used in keys: not empty and free
// of 0x00 bytes (0x00 separates the subject from what follows). The ledger
// checks subjects before building keys; the builders below assume it.
absl::Status CheckKeySubject(std::string_view subject);

// kSubjectHeads: the subject's bytes.
std::string SubjectHeadKey(std::string_view subject);

// kSubjectIndex: subject ‖ 0x00 ‖ BE64(seq). Within one subject the keys sort
// by seq; the 0x00 keeps subjects that are prefixes of others ("a", "a/b")
// apart.
std::string SubjectIndexKey(std::string_view subject, uint64_t seq);

// subject ‖ 0x00: every SubjectIndexKey of `subject` starts with it, and no
// other subject's does. Scan [prefix, PrefixEnd(prefix)) for one chain.
std::string SubjectIndexPrefix(std::string_view subject);

struct SubjectIndexKeyParts {
  std::string subject;
  uint64_t seq = 0;
};
absl::StatusOr<SubjectIndexKeyParts> ParseSubjectIndexKey(std::string_view key);

// kTreeNodes: level ‖ BE64(index), the hash of the perfect subtree of
// 2^level leaves that starts at leaf index * 2^level. Level 0 holds the
// leaf hashes.
std::string TreeNodeKey(uint8_t level, uint64_t index);

struct TreeNodeKeyParts {
  uint8_t level = 0;
  uint64_t index = 0;
};
absl::StatusOr<TreeNodeKeyParts> ParseTreeNodeKey(std::string_view key);

// kCheckpoints: BE64(tree size).
std::string CheckpointKey(uint64_t size);
absl::StatusOr<uint64_t> ParseCheckpointKey(std::string_view key);

// The smallest key that is greater than every key starting with `prefix`:
// the `end` of a scan over one prefix. "" (no upper bound) when `prefix` is
// empty or all 0xFF bytes.
std::string PrefixEnd(std::string_view prefix);

// kMeta keys. Name every one here.
// BE64: the number of leaves in the global log's Merkle tree (= entries).
inline constexpr std::string_view kMetaTreeSize = "tree_size";

}  // namespace ocoptrace::storage

#endif  // OCOPTRACE_SERVER_STORAGE_KEYS_H_
