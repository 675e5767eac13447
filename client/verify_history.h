// Client-side verification of what the server returns, so that users need
// not trust it: a batch's history (every entry's signature, its link in the
// subject's chain, its body hash and its inclusion proof under a checkpoint
// signed by the pinned log key), and the log's growth between two
// checkpoints (consistency proofs: a log that rewrites history is caught).
//
// Nothing here talks to the network; proofs are fetched through injected
// functions, so tests run on hand-built entries.
//
// Thread-safety: pure functions over their arguments.

#ifndef OCOPTRACE_CLIENT_VERIFY_HISTORY_H_
#define OCOPTRACE_CLIENT_VERIFY_HISTORY_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/checkpoint.h"
#include "core/log_entry.h"
#include "core/sha256.h"
#include "core/signed_note.h"
#include "ocoptrace/v1/trace.pb.h"

namespace ocoptrace::client {

namespace v1 = ::ocoptrace::v1;

// The verdict on one history item. `problems` says, in words, every check
// that failed; the item is trustworthy only when it is empty.
struct EntryCheck {
  uint64_t index = 0;                 // Global log index claimed by the server.
  std::optional<EntryHeader> header;  // Set when the entry text parsed.
  std::string signer;         // Name of the key whose signature verified.
  bool signature_ok = false;  // Signed by a known actor key.
  bool chain_ok = false;      // Subject, seq and prev link are right.
  bool body_ok = false;       // Body bytes hash to the entry's body line.
  bool inclusion_ok = false;  // Inclusion proof leads to the checkpoint.
  std::vector<std::string> problems;

  bool ok() const { return problems.empty(); }
};

struct HistoryVerification {
  // OK when the checkpoint verified under the log key; the error otherwise
  // (then no inclusion proof can verify either).
  absl::Status checkpoint_status;
  Checkpoint checkpoint;
  std::vector<EntryCheck> entries;

  // True when the checkpoint and every entry verified.
  bool ok() const;
  // Number of entries that verified.
  size_t verified_count() const;
};

// Verifies a batch history as returned by Trace.GetHistory:
// - the checkpoint opens under `log_key`;
// - item i is entry seq i of `expected_subject`: its text parses, its
//   subject is `expected_subject`, seq == i, prev == EntryHash(item i-1)
//   (32 zero bytes for i == 0);
// - SHA-256(body) equals the entry's body line;
// - the entry is signed by one of `actor_keys` (active or revoked: a key
//   revoked later does not invalidate what it signed before);
// - the inclusion proof for the entry's index under the checkpoint's size
//   yields the checkpoint's root (proof tree_size must equal it).
// Never fails as a whole: every problem is reported on its item.
HistoryVerification VerifyHistory(const v1::GetHistoryResponse& history,
                                  const std::string& expected_subject,
                                  const NoteVerifier& log_key,
                                  const std::vector<NoteVerifier>& actor_keys);

// Fetches the RFC 9162 consistency proof between two tree sizes
// (Verify.GetConsistencyProof).
using ConsistencyProofFetcher = std::function<absl::StatusOr<std::vector<Hash>>(
    uint64_t size1, uint64_t size2)>;

// The outcome of comparing a new checkpoint with the one seen before.
struct LogAdvance {
  Checkpoint latest;                   // The new checkpoint, verified.
  std::optional<Checkpoint> previous;  // The one seen before, if any.
  bool first_seen = false;             // No checkpoint was stored before.
  // The checkpoint note to store as "last seen": the larger of the two
  // (a lagging server never makes the client forget what it saw).
  std::string note_to_store;
};

// Checks that `latest_note` is signed by `log_key` and that the log it
// describes extends the one in `previous_note` (the last checkpoint this
// client saw; nullopt the first time):
// - same size: the roots must be equal;
// - larger: a consistency proof from the previous size must verify;
// - smaller: a consistency proof from the new size to the previous one must
//   verify (a lagging view, not an error).
// Errors: DataLoss when a note does not verify under `log_key` (the
// message names which one), when the two checkpoints are inconsistent, or
// when the server refuses the consistency proof (InvalidArgument, NotFound,
// FailedPrecondition, OutOfRange: an honest log keeps every checkpoint it
// signed, so it can always prove it) — "the log rewrote history: ...",
// with both sizes and roots. Other fetcher errors (e.g. Unavailable) are
// returned as they are.
absl::StatusOr<LogAdvance> CheckLogAdvance(
    const NoteVerifier& log_key,
    const std::optional<std::string>& previous_note,
    const std::string& latest_note, const ConsistencyProofFetcher& fetch_proof);

// Converts the proof hashes of a response (32 bytes each). InvalidArgument
// naming the position of a hash of the wrong size.
absl::StatusOr<std::vector<Hash>> ProofFromBytes(
    const google::protobuf::RepeatedPtrField<std::string>& hashes);

}  // namespace ocoptrace::client

#endif  // OCOPTRACE_CLIENT_VERIFY_HISTORY_H_
