#include "server/ledger/ledger.h"

#include <future>
#include <unordered_map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "core/base64.h"
#include "core/merkle.h"
#include "server/ledger/records.h"
#include "server/storage/keys.h"

namespace ocoptrace::ledger {
namespace {

using storage::Column;

absl::Status ChainMismatch(const EntryHeader& header, const SubjectHead& head) {
  return absl::AbortedError(absl::StrCat(
      "stale chain head for subject ", header.subject, ": the entry says seq ",
      header.seq, " prev ", Short(header.prev), " but the head is seq ",
      head.next_seq, " prev ", Short(head.last_hash),
      "; fetch the subject's head, re-sign the entry and retry"));
}

}  // namespace

Ledger::Ledger(storage::Store* store, const KeyResolver* keys,
               NoteSigner log_key, Clock* clock, LedgerOptions options)
    : store_(store),
      keys_(keys),
      log_key_(std::move(log_key)),
      log_verifier_(VerifierOf(log_key_)),
      clock_(clock),
      options_(options) {}

absl::StatusOr<std::unique_ptr<Ledger>> Ledger::Open(storage::Store* store,
                                                     const KeyResolver* keys,
                                                     NoteSigner log_key,
                                                     Clock* clock,
                                                     LedgerOptions options) {
  if (options.max_entry_bytes > 65535) {
    return absl::InvalidArgumentError(
        "max_entry_bytes cannot exceed 65535 (tlog-tiles entry bundles)");
  }
  std::unique_ptr<Ledger> ledger(
      new Ledger(store, keys, std::move(log_key), clock, options));
  if (auto status = ledger->Recover(); !status.ok()) return status;
  ledger->appender_ = std::thread([l = ledger.get()] { l->AppenderLoop(); });
  if (options.checkpoint_interval > absl::ZeroDuration()) {
    ledger->checkpointer_ =
        std::thread([l = ledger.get()] { l->CheckpointerLoop(); });
  }
  return ledger;
}

absl::Status Ledger::Recover() {
  const storage::ReadView& view = store_->Latest();
  uint64_t size = 0;
  auto stored_size = view.Get(Column::kMeta, storage::kMetaTreeSize);
  if (stored_size.ok()) {
    auto decoded = storage::DecodeUint64(*stored_size);
    if (!decoded.ok()) return absl::DataLossError("tree size record is corrupt");
    size = *decoded;
  } else if (!absl::IsNotFound(stored_size.status())) {
    return stored_size.status();
  }
  auto frontier = MerkleFrontier::Load(view, size);
  if (!frontier.ok()) {
    return absl::DataLossError(absl::StrCat(
        "cannot rebuild the Merkle tree of size ", size, ": ",
        frontier.status().message()));
  }
  frontier_ = std::move(*frontier);
  durable_size_ = size;
  durable_root_ = frontier_.Root();

  // The latest checkpoint must be ours and must match the stored tree.
  std::optional<SignedCheckpoint> latest;
  absl::Status scan_status = view.ReverseScan(
      Column::kCheckpoints, "", "",
      [&](std::string_view, std::string_view value) {
        latest = SignedCheckpoint{{}, std::string(value)};
        return false;
      });
  if (!scan_status.ok()) return scan_status;
  if (latest) {
    auto opened = OpenCheckpoint(latest->note, log_verifier_);
    if (!opened.ok()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "the stored latest checkpoint does not verify with log key ",
          FormatVkey(log_verifier_),
          " (was this store created with another log key?): ",
          opened.status().message()));
    }
    if (opened->size > size) {
      return absl::DataLossError(absl::StrCat(
          "the latest checkpoint covers ", opened->size,
          " entries but only ", size, " are stored"));
    }
    MerkleTreeReader reader(view);
    auto root = reader.Root(opened->size);
    if (!root.ok()) return root.status();
    if (*root != opened->root) {
      return absl::DataLossError(absl::StrCat(
          "the stored tree does not match the latest checkpoint at size ",
          opened->size));
    }
    latest->checkpoint = std::move(*opened);
    latest_checkpoint_ = std::move(latest);
  }
  return absl::OkStatus();
}

Ledger::~Ledger() {
  {
    std::lock_guard<std::mutex> lock(queue_mutex_);
    stopping_ = true;
  }
  queue_cv_.notify_all();
  {
    std::lock_guard<std::mutex> lock(timer_mutex_);
  }
  timer_cv_.notify_all();
  if (appender_.joinable()) appender_.join();
  if (checkpointer_.joinable()) checkpointer_.join();
}

absl::StatusOr<VerifiedEntry> Ledger::Verify(std::string entry,
                                             std::string body) const {
  if (entry.size() > options_.max_entry_bytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "entry is ", entry.size(), " bytes; the limit is ",
        options_.max_entry_bytes));
  }
  if (body.size() > options_.max_body_bytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "body is ", body.size(), " bytes; the limit is ",
        options_.max_body_bytes));
  }
  auto parsed = ParseEntry(entry);
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("malformed entry: ", parsed.status().message()));
  }
  if (Sha256(body) != parsed->header.body_hash) {
    return absl::InvalidArgumentError(
        "body does not match the entry's `body` hash (SHA-256 of the body "
        "bytes)");
  }
  absl::Time entry_time = ToAbslTime(parsed->header.time);
  if (entry_time > clock_->Now() + options_.max_clock_skew) {
    return absl::InvalidArgumentError(absl::StrCat(
        "entry time ", FormatRfc3339(parsed->header.time),
        " is in the future; check the signer's clock"));
  }
  // Verify against the registered keys. The lookup copies the key into a
  // local so that the pointer OpenNote sees stays valid.
  std::vector<NoteVerifier> found;
  found.reserve(parsed->note.signatures.size());
  NoteVerifierLookup lookup = [&](std::string_view name,
                                  uint32_t key_id) -> const NoteVerifier* {
    for (const NoteVerifier& v : found) {
      if (v.name == name && v.key_id == key_id) return &v;
    }
    auto key = keys_->FindActive(name, key_id);
    if (!key) return nullptr;
    found.push_back(std::move(*key));
    return &found.back();
  };
  auto opened = OpenNote(entry, lookup);
  if (!opened.ok()) {
    if (found.empty()) {
      std::string names;
      for (const NoteSignature& s : parsed->note.signatures) {
        absl::StrAppend(&names, names.empty() ? "" : ", ", s.name);
      }
      return absl::PermissionDeniedError(absl::StrCat(
          "entry is not signed by an active registered key (signed by: ",
          names, "); register the key or use one that is not revoked"));
    }
    return absl::InvalidArgumentError(
        absl::StrCat("entry signature: ", opened.status().message()));
  }
  VerifiedEntry verified;
  verified.header_ = std::move(parsed->header);
  verified.entry_ = std::move(entry);
  verified.body_ = std::move(body);
  verified.signers_ = std::move(opened->verified);
  return verified;
}

void Ledger::AppendAsync(VerifiedEntry entry, storage::WriteBatch derived,
                         AppendCallback done) {
  {
    std::lock_guard<std::mutex> lock(queue_mutex_);
    if (!stopping_) {
      queue_.push_back({std::move(entry), std::move(derived), std::move(done)});
      queue_cv_.notify_one();
      return;
    }
  }
  done(absl::UnavailableError("the ledger is shutting down"));
}

absl::StatusOr<AppendResult> Ledger::Append(VerifiedEntry entry,
                                            storage::WriteBatch derived) {
  std::promise<absl::StatusOr<AppendResult>> promise;
  auto future = promise.get_future();
  AppendAsync(std::move(entry), std::move(derived),
              [&promise](absl::StatusOr<AppendResult> result) {
                promise.set_value(std::move(result));
              });
  return future.get();
}

absl::StatusOr<AppendResult> Ledger::Append(std::string entry,
                                            std::string body) {
  auto verified = Verify(std::move(entry), std::move(body));
  if (!verified.ok()) return verified.status();
  return Append(std::move(*verified));
}

void Ledger::AppenderLoop() {
  std::vector<PendingAppend> group;
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(queue_mutex_);
      queue_cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_) {
        for (PendingAppend& p : queue_) {
          p.done(absl::UnavailableError("the ledger is shutting down"));
        }
        queue_.clear();
        return;
      }
      while (!queue_.empty() && group.size() < options_.max_group_entries) {
        group.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    ProcessGroup(group);
    group.clear();
  }
}

void Ledger::ProcessGroup(std::vector<PendingAppend>& group) {
  {
    std::lock_guard<std::mutex> lock(state_mutex_);
    if (!failed_.ok()) {
      for (PendingAppend& p : group) {
        p.done(absl::FailedPreconditionError(absl::StrCat(
            "the ledger stopped accepting writes after a failed storage "
            "write (",
            failed_.message(), "); restart traced once storage is healthy")));
      }
      return;
    }
  }
  const storage::ReadView& view = store_->Latest();
  storage::WriteBatch batch;
  MerkleFrontier frontier = frontier_;
  std::unordered_map<std::string, SubjectHead> heads;
  std::vector<std::pair<PendingAppend*, AppendResult>> accepted;
  accepted.reserve(group.size());

  for (PendingAppend& pending : group) {
    const EntryHeader& header = pending.entry.header();
    auto it = heads.find(header.subject);
    if (it == heads.end()) {
      auto head = ReadHead(view, header.subject);
      if (!head.ok()) {
        pending.done(head.status());
        continue;
      }
      it = heads.emplace(header.subject, *head).first;
    }
    SubjectHead& head = it->second;
    if (header.seq != head.next_seq || header.prev != head.last_hash) {
      pending.done(ChainMismatch(header, head));
      continue;
    }
    AppendResult result;
    result.index = frontier.size();
    result.entry_hash = EntryHash(pending.entry.entry());
    result.header = header;
    const std::string index_key = storage::EntryKey(result.index);
    batch.Put(Column::kEntries, index_key, pending.entry.entry());
    batch.Put(Column::kBodies, index_key, pending.entry.body());
    batch.Put(Column::kSubjectIndex,
              storage::SubjectIndexKey(header.subject, header.seq),
              storage::EncodeUint64(result.index));
    frontier.Append(LeafHash(pending.entry.entry()), batch);
    batch.Append(pending.derived);
    head.next_seq = header.seq + 1;
    head.last_hash = result.entry_hash;
    head.last_index = result.index;
    accepted.emplace_back(&pending, std::move(result));
  }
  if (accepted.empty()) return;
  for (const auto& [subject, head] : heads) {
    batch.Put(Column::kSubjectHeads, storage::SubjectHeadKey(subject),
              EncodeHead(head));
  }
  batch.Put(Column::kMeta, storage::kMetaTreeSize,
            storage::EncodeUint64(frontier.size()));

  absl::Status status = store_->Write(batch, storage::WriteOptions{.sync = true});
  if (!status.ok()) {
    {
      std::lock_guard<std::mutex> lock(state_mutex_);
      failed_ = status;
    }
    for (auto& [pending, result] : accepted) {
      pending->done(absl::Status(
          status.code(),
          absl::StrCat("storage write failed, nothing was written: ",
                       status.message())));
    }
    return;
  }
  frontier_ = std::move(frontier);
  {
    std::lock_guard<std::mutex> lock(state_mutex_);
    durable_size_ = frontier_.size();
    durable_root_ = frontier_.Root();
  }
  for (auto& [pending, result] : accepted) pending->done(std::move(result));
}

void Ledger::CheckpointerLoop() {
  std::unique_lock<std::mutex> lock(timer_mutex_);
  for (;;) {
    timer_cv_.wait_for(lock,
                       absl::ToChronoNanoseconds(options_.checkpoint_interval));
    {
      std::lock_guard<std::mutex> queue_lock(queue_mutex_);
      if (stopping_) return;
    }
    // Failures are retried on the next tick; CheckpointNow reports them to
    // callers that ask directly.
    (void)CheckpointNow();
  }
}

absl::StatusOr<SignedCheckpoint> Ledger::CheckpointNow() {
  std::lock_guard<std::mutex> signing(checkpoint_mutex_);
  uint64_t size;
  Hash root;
  {
    std::lock_guard<std::mutex> lock(state_mutex_);
    size = durable_size_;
    root = durable_root_;
  }
  std::optional<SignedCheckpoint> previous;
  {
    std::lock_guard<std::mutex> lock(latest_mutex_);
    previous = latest_checkpoint_;
  }
  if (previous && previous->checkpoint.size == size) return *previous;
  if (previous && previous->checkpoint.size > size) {
    return absl::InternalError("the tree shrank below the latest checkpoint");
  }
  if (previous && previous->checkpoint.size > 0) {
    // Never sign two checkpoints that are not consistent.
    MerkleTreeReader reader(store_->Latest());
    auto proof = reader.ConsistencyProof(previous->checkpoint.size, size);
    if (!proof.ok()) return proof.status();
    absl::Status consistent =
        VerifyConsistency(previous->checkpoint.size, size, *proof,
                          previous->checkpoint.root, root);
    if (!consistent.ok()) {
      return absl::InternalError(absl::StrCat(
          "refusing to sign a checkpoint of size ", size,
          " that is inconsistent with the previous one: ",
          consistent.message()));
    }
  }
  SignedCheckpoint signed_checkpoint;
  signed_checkpoint.checkpoint.origin = log_key_.name;
  signed_checkpoint.checkpoint.size = size;
  signed_checkpoint.checkpoint.root = root;
  auto note = SignCheckpoint(signed_checkpoint.checkpoint, log_key_);
  if (!note.ok()) return note.status();
  signed_checkpoint.note = std::move(*note);
  storage::WriteBatch batch;
  batch.Put(Column::kCheckpoints, storage::CheckpointKey(size),
            signed_checkpoint.note);
  if (auto status = store_->Write(batch, storage::WriteOptions{.sync = true});
      !status.ok()) {
    return status;
  }
  {
    std::lock_guard<std::mutex> lock(latest_mutex_);
    latest_checkpoint_ = signed_checkpoint;
  }
  return signed_checkpoint;
}

absl::StatusOr<SignedCheckpoint> Ledger::CheckpointCovering(
    uint64_t tree_size) {
  {
    std::lock_guard<std::mutex> lock(latest_mutex_);
    if (latest_checkpoint_ && latest_checkpoint_->checkpoint.size >= tree_size) {
      return *latest_checkpoint_;
    }
  }
  if (tree_size > size()) {
    return absl::OutOfRangeError(absl::StrCat(
        "the log has only ", size(), " entries, not ", tree_size));
  }
  return CheckpointNow();
}

}  // namespace ocoptrace::ledger
