#include "server/site/entry_verifier.h"

#include <utility>

#include "core/checkpoint.h"
#include "core/merkle.h"
#include "core/signed_note.h"

namespace ocoptrace::site {

EntryVerifier::EntryVerifier(const ledger::Ledger* ledger,
                             const KeyDirectory* keys, size_t capacity)
    : ledger_(ledger), keys_(keys), capacity_(capacity) {}

void EntryVerifier::Remember(uint64_t index, Verdict verdict) const {
  std::lock_guard<std::mutex> lock(mutex_);
  if (verdicts_.size() >= capacity_) verdicts_.clear();
  verdicts_[index] = std::move(verdict);
}

std::vector<CheckedEntry> EntryVerifier::CheckChain(
    std::string_view subject,
    const std::vector<ledger::StoredEntry>& chain) const {
  std::vector<CheckedEntry> checked;
  checked.reserve(chain.size());
  std::shared_ptr<const KeySnapshot> keys;
  Hash prev{};  // 32 zero bytes before seq 0.
  for (size_t seq = 0; seq < chain.size(); ++seq) {
    const ledger::StoredEntry& stored = chain[seq];
    CheckedEntry entry;
    entry.index = stored.index;
    entry.leaf_hash = LeafHash(stored.entry);
    absl::StatusOr<ParsedEntry> parsed = ParseEntry(stored.entry);
    if (parsed.ok()) entry.header = parsed->header;
    std::optional<Verdict> known;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      auto it = verdicts_.find(stored.index);
      if (it != verdicts_.end()) known = it->second;
    }
    if (known) {
      entry.authentic = known->authentic;
      entry.signer = known->signer;
    } else if (parsed.ok()) {
      const EntryHeader& header = parsed->header;
      bool ok = header.subject == subject && header.seq == seq &&
                header.prev == prev && header.body_hash == Sha256(stored.body);
      if (ok) {
        if (keys == nullptr) keys = keys_->Current();
        absl::StatusOr<OpenedNote> opened =
            OpenNote(stored.entry, keys->entry_signers);
        ok = opened.ok() && !opened->verified.empty();
        if (ok) entry.signer = opened->verified.front().name;
      }
      entry.authentic = ok;
      // Only good verdicts are kept: a failure may come from a key set
      // read a moment too early, and costs nothing on honest logs.
      if (ok) Remember(stored.index, Verdict{true, false, entry.signer});
    }
    prev = EntryHash(stored.entry);
    checked.push_back(std::move(entry));
  }
  return checked;
}

std::optional<EntryVerifier::VerifiedCheckpoint>
EntryVerifier::LatestCheckpoint() const {
  absl::StatusOr<ledger::SignedCheckpoint> latest = ledger_->LatestCheckpoint();
  if (!latest.ok()) return std::nullopt;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (checkpoint_ && checkpoint_->size == latest->checkpoint.size &&
        checkpoint_note_ == latest->note) {
      return checkpoint_;
    }
  }
  absl::StatusOr<Checkpoint> opened =
      OpenCheckpoint(latest->note, ledger_->log_key());
  if (!opened.ok()) return std::nullopt;
  VerifiedCheckpoint verified{opened->size, opened->root};
  std::lock_guard<std::mutex> lock(mutex_);
  if (!checkpoint_ || checkpoint_->size <= verified.size) {
    checkpoint_ = verified;
    checkpoint_note_ = latest->note;
  }
  return verified;
}

uint64_t EntryVerifier::CheckpointSize() const {
  std::optional<VerifiedCheckpoint> checkpoint = LatestCheckpoint();
  return checkpoint ? checkpoint->size : 0;
}

bool EntryVerifier::Included(uint64_t index, const Hash& leaf_hash) const {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = verdicts_.find(index);
    if (it != verdicts_.end() && it->second.included) return true;
  }
  std::optional<VerifiedCheckpoint> checkpoint = LatestCheckpoint();
  if (!checkpoint || index >= checkpoint->size) return false;
  absl::StatusOr<std::vector<Hash>> proof =
      ledger_->InclusionProof(index, checkpoint->size);
  if (!proof.ok()) return false;
  if (!VerifyInclusion(index, checkpoint->size, leaf_hash, *proof,
                       checkpoint->root)
           .ok()) {
    return false;
  }
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = verdicts_.find(index);
  if (it != verdicts_.end()) it->second.included = true;
  return true;
}

}  // namespace ocoptrace::site
