// EntryVerifier: decides which log entries of a batch's journey the scan
// page may mark "verified". An entry is verified when
//   - it is authentic: its text is a canonical entry of the expected
//     subject at its position (seq), it links to the previous entry of the
//     chain (prev = SHA-256 of it), its body hashes to the entry's body
//     line, and it carries a valid signature by a key the log registered
//     (active or revoked since), and
//   - it is included: an RFC 9162 inclusion proof leads from its leaf hash
//     to the root of the latest checkpoint, whose signature verifies under
//     the log key.
// Entries never change, so both answers are cached by global index
// ("authentic" at once, "included" once proven; an entry newer than the
// latest checkpoint is proven on a later call). An Ed25519 verification is
// never repeated for an entry while it stays in the cache.
//
// Thread-safety: thread-safe.

#ifndef OCOPTRACE_SERVER_SITE_ENTRY_VERIFIER_H_
#define OCOPTRACE_SERVER_SITE_ENTRY_VERIFIER_H_

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/log_entry.h"
#include "core/sha256.h"
#include "server/ledger/ledger.h"
#include "server/site/key_directory.h"

namespace ocoptrace::site {

// One entry of a chain after CheckChain.
struct CheckedEntry {
  uint64_t index = 0;
  Hash leaf_hash{};  // SHA-256(0x00 ‖ entry bytes).
  bool authentic = false;
  // Set when the entry text parsed (even if not authentic).
  std::optional<EntryHeader> header;
  // The key whose signature verified ("" when none did).
  std::string signer;
};

class EntryVerifier {
 public:
  // Both must outlive the verifier. At most `capacity` entries are cached
  // (the cache starts afresh when full).
  EntryVerifier(const ledger::Ledger* ledger, const KeyDirectory* keys,
                size_t capacity = 1 << 20);

  // Checks `chain`, the entries of `subject` from seq 0 on, in order
  // (as Ledger::SubjectEntries returns them). Never fails: a problem makes
  // that entry (and only it) not authentic.
  std::vector<CheckedEntry> CheckChain(
      std::string_view subject,
      const std::vector<ledger::StoredEntry>& chain) const;

  // True when entry `index` with `leaf_hash` is proven included in the tree
  // of the latest checkpoint (verified under the log key). False when no
  // checkpoint covers it yet, or the proof fails.
  bool Included(uint64_t index, const Hash& leaf_hash) const;

  // The size of the latest checkpoint that verified (0 before the first):
  // a journey with unproven entries is worth re-checking once it grows.
  uint64_t CheckpointSize() const;

 private:
  struct Verdict {
    bool authentic = false;
    bool included = false;
    std::string signer;
  };
  struct VerifiedCheckpoint {
    uint64_t size = 0;
    Hash root{};
  };

  // The latest checkpoint, verified (cached by size); nullopt before the
  // first or when it does not verify.
  std::optional<VerifiedCheckpoint> LatestCheckpoint() const;
  void Remember(uint64_t index, Verdict verdict) const;

  const ledger::Ledger* const ledger_;
  const KeyDirectory* const keys_;
  const size_t capacity_;
  mutable std::mutex mutex_;
  mutable std::unordered_map<uint64_t, Verdict> verdicts_;
  mutable std::optional<VerifiedCheckpoint> checkpoint_;
  mutable std::string checkpoint_note_;  // The note checkpoint_ came from.
};

}  // namespace ocoptrace::site

#endif  // OCOPTRACE_SERVER_SITE_ENTRY_VERIFIER_H_
