// Transparency-log checkpoints (C2SP tlog-checkpoint,
// https://c2sp.org/tlog-checkpoint): the signed head of the log's RFC 6962
// Merkle tree, a signed note whose text is
//
//   <origin>\n<tree size, decimal>\n<base64 root hash>\n[<extension line>\n]...
//
// signed by the log key whose name is the origin. docs/formats.md is the
// normative description.
//
// Thread-safety: all functions are thread-safe. Checkpoint is a plain value.

#ifndef OCOPTRACE_CORE_CHECKPOINT_H_
#define OCOPTRACE_CORE_CHECKPOINT_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "core/sha256.h"
#include "core/signed_note.h"

namespace ocoptrace {

struct Checkpoint {
  std::string origin;  // The log's identity; equals its key name.
  uint64_t size = 0;   // Number of leaves in the tree.
  Hash root{};         // RFC 6962 root hash of the tree at `size`.
  std::vector<std::string> extensions;  // Opaque non-empty lines; usually none.

  bool operator==(const Checkpoint&) const = default;
};

// Parses the canonical ASCII decimal form of an unsigned integer used by
// checkpoints (tree size) and log entries (seq): one or more digits 0-9,
// no sign, no leading zeros unless the number is 0, at most 2^64 - 1.
// InvalidArgument otherwise, saying which rule failed.
absl::StatusOr<uint64_t> ParseCanonicalDecimal(std::string_view text);

// The note text of `checkpoint`. Does not validate; SignCheckpoint does.
std::string FormatCheckpointText(const Checkpoint& checkpoint);

// Parses checkpoint note text. InvalidArgument, naming the line, unless the
// text is at least three newline-terminated lines with a non-empty origin,
// a decimal size without leading zeros that fits 64 bits, a canonical
// base64 32-byte root hash, and only non-empty extension lines.
absl::StatusOr<Checkpoint> ParseCheckpointText(std::string_view text);

// The signed checkpoint note. InvalidArgument when `log_key.name` is not
// the origin, or the checkpoint would not parse back (empty origin, empty
// or multi-line extension line), or signing fails (see SignNote).
absl::StatusOr<std::string> SignCheckpoint(const Checkpoint& checkpoint,
                                           const NoteSigner& log_key);

// Verifies and parses a signed checkpoint.
// OK: the note verifies under `log_key` and its origin is `log_key.name`.
// InvalidArgument: malformed note or checkpoint text.
// Unauthenticated: not signed by `log_key`, a bad signature by it, or a
// valid signature over a checkpoint whose origin is another name.
absl::StatusOr<Checkpoint> OpenCheckpoint(std::string_view note,
                                          const NoteVerifier& log_key);

}  // namespace ocoptrace

#endif  // OCOPTRACE_CORE_CHECKPOINT_H_
