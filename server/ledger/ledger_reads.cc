// The read side of the Ledger: entries, subjects, checkpoints and proofs.
#include "absl/strings/str_cat.h"
#include "server/ledger/ledger.h"
#include "server/ledger/records.h"
#include "server/storage/keys.h"

namespace ocoptrace::ledger {

using storage::Column;

absl::StatusOr<SignedCheckpoint> Ledger::LatestCheckpoint() const {
  std::lock_guard<std::mutex> lock(latest_mutex_);
  if (!latest_checkpoint_) {
    return absl::NotFoundError("no checkpoint has been signed yet");
  }
  return *latest_checkpoint_;
}

absl::StatusOr<SignedCheckpoint> Ledger::CheckpointAt(
    uint64_t tree_size) const {
  auto note = store_->Latest().Get(Column::kCheckpoints,
                                   storage::CheckpointKey(tree_size));
  if (absl::IsNotFound(note.status())) {
    return absl::NotFoundError(
        absl::StrCat("no checkpoint was signed at tree size ", tree_size));
  }
  if (!note.ok()) return note.status();
  auto checkpoint = OpenCheckpoint(*note, log_verifier_);
  if (!checkpoint.ok()) return checkpoint.status();
  return SignedCheckpoint{std::move(*checkpoint), std::move(*note)};
}

absl::Status Ledger::RequireCheckpointedSize(uint64_t tree_size) const {
  auto checkpoint = store_->Latest().Get(Column::kCheckpoints,
                                         storage::CheckpointKey(tree_size));
  if (checkpoint.ok()) return absl::OkStatus();
  if (absl::IsNotFound(checkpoint.status())) {
    return absl::FailedPreconditionError(absl::StrCat(
        "tree size ", tree_size,
        " is not the size of a signed checkpoint; take the size from a "
        "checkpoint"));
  }
  return checkpoint.status();
}

absl::StatusOr<std::vector<Hash>> Ledger::InclusionProof(
    uint64_t index, uint64_t tree_size) const {
  if (auto status = RequireCheckpointedSize(tree_size); !status.ok()) {
    return status;
  }
  MerkleTreeReader reader(store_->Latest());
  return reader.InclusionProof(index, tree_size);
}

absl::StatusOr<std::vector<Hash>> Ledger::ConsistencyProof(
    uint64_t size1, uint64_t size2) const {
  for (uint64_t s : {size1, size2}) {
    if (auto status = RequireCheckpointedSize(s); !status.ok()) return status;
  }
  MerkleTreeReader reader(store_->Latest());
  return reader.ConsistencyProof(size1, size2);
}

absl::StatusOr<std::vector<Hash>> Ledger::Nodes(uint8_t tree_level,
                                                uint64_t first,
                                                uint64_t count) const {
  std::vector<Hash> nodes;
  nodes.reserve(count);
  absl::Status status;
  absl::Status scan = store_->Latest().Scan(
      Column::kTreeNodes, storage::TreeNodeKey(tree_level, first),
      storage::TreeNodeKey(tree_level, first + count),
      [&](std::string_view, std::string_view value) {
        auto hash = HashFromBytes(value, "Merkle node");
        if (!hash.ok()) {
          status = hash.status();
          return false;
        }
        nodes.push_back(*hash);
        return true;
      });
  if (!scan.ok()) return scan;
  if (!status.ok()) return status;
  if (nodes.size() != count) {
    return absl::NotFoundError(absl::StrCat(
        "only ", nodes.size(), " of ", count, " nodes at level ",
        static_cast<int>(tree_level), " from index ", first, " exist"));
  }
  return nodes;
}

absl::StatusOr<SubjectHead> Ledger::Head(std::string_view subject) const {
  return ReadHead(store_->Latest(), subject);
}

absl::StatusOr<StoredEntry> Ledger::Entry(uint64_t index) const {
  const storage::ReadView& view = store_->Latest();
  const std::string key = storage::EntryKey(index);
  auto entry = view.Get(Column::kEntries, key);
  if (absl::IsNotFound(entry.status())) {
    return absl::NotFoundError(absl::StrCat("no log entry at index ", index));
  }
  if (!entry.ok()) return entry.status();
  auto body = view.Get(Column::kBodies, key);
  if (!body.ok()) return body.status();
  return StoredEntry{index, std::move(*entry), std::move(*body)};
}

absl::StatusOr<uint64_t> Ledger::SubjectEntryIndex(std::string_view subject,
                                                   uint64_t seq) const {
  auto value = store_->Latest().Get(Column::kSubjectIndex,
                                    storage::SubjectIndexKey(subject, seq));
  if (absl::IsNotFound(value.status())) {
    return absl::NotFoundError(absl::StrCat("subject ", std::string(subject),
                                            " has no entry ", seq));
  }
  if (!value.ok()) return value.status();
  return storage::DecodeUint64(*value);
}

absl::StatusOr<std::vector<StoredEntry>> Ledger::SubjectEntries(
    std::string_view subject, uint64_t from_seq, size_t max_count) const {
  std::unique_ptr<storage::ReadView> snapshot = store_->Snapshot();
  std::vector<uint64_t> indexes;
  absl::Status status;
  std::string begin = storage::SubjectIndexKey(subject, from_seq);
  std::string prefix = storage::SubjectIndexPrefix(subject);
  std::string end = prefix;
  end.back() = static_cast<char>(end.back() + 1);  // Prefix ends in 0x00.
  absl::Status scan = snapshot->Scan(
      Column::kSubjectIndex, begin, end,
      [&](std::string_view, std::string_view value) {
        auto index = storage::DecodeUint64(value);
        if (!index.ok()) {
          status = index.status();
          return false;
        }
        indexes.push_back(*index);
        return indexes.size() < max_count;
      });
  if (!scan.ok()) return scan;
  if (!status.ok()) return status;
  std::vector<StoredEntry> entries;
  entries.reserve(indexes.size());
  for (uint64_t index : indexes) {
    const std::string key = storage::EntryKey(index);
    auto entry = snapshot->Get(Column::kEntries, key);
    if (!entry.ok()) return entry.status();
    auto body = snapshot->Get(Column::kBodies, key);
    if (!body.ok()) return body.status();
    entries.push_back({index, std::move(*entry), std::move(*body)});
  }
  return entries;
}

absl::Status Ledger::ForEachEntry(
    uint64_t from,
    const std::function<bool(const StoredEntry&)>& visit) const {
  std::unique_ptr<storage::ReadView> snapshot = store_->Snapshot();
  return snapshot->Scan(
      Column::kEntries, storage::EntryKey(from), "",
      [&](std::string_view key, std::string_view value) {
        auto index = storage::DecodeUint64(key);
        auto body = snapshot->Get(Column::kBodies, key);
        if (!index.ok() || !body.ok()) return false;
        return visit(StoredEntry{*index, std::string(value), std::move(*body)});
      });
}

uint64_t Ledger::size() const {
  std::lock_guard<std::mutex> lock(state_mutex_);
  return durable_size_;
}

absl::Status Ledger::health() const {
  std::lock_guard<std::mutex> lock(state_mutex_);
  return failed_;
}

}  // namespace ocoptrace::ledger
