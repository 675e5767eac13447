// Ledger: the generic append-only signed log of DESIGN.md §4.
//
// Every entry is a signed note in the `ocoptrace/entry/v1` layout. Entries
// form one hash chain per subject (seq + prev) and are, at the same time,
// the leaves of one RFC 6962 Merkle tree whose roots are published as
// checkpoints signed by the log key. The ledger knows entries, subjects,
// sequence numbers, hashes, signatures, checkpoints and proofs; it knows
// nothing about OCOP. The application decides who may sign what and passes
// its derived-state writes along so they commit atomically with the entry.
//
// Writes go through one appender thread with group commit: appends that
// arrive together share one synced RocksDB write; an append is acknowledged
// only once its write-ahead-log record is on stable storage. If a write
// fails, the ledger refuses every later write until it is reopened.
//
// Thread-safety: all public methods are thread-safe.

#ifndef OCOPTRACE_SERVER_LEDGER_LEDGER_H_
#define OCOPTRACE_SERVER_LEDGER_LEDGER_H_

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "core/checkpoint.h"
#include "core/clock.h"
#include "core/log_entry.h"
#include "core/signed_note.h"
#include "server/ledger/key_resolver.h"
#include "server/ledger/merkle_tree.h"
#include "server/storage/store.h"
#include "server/storage/write_batch.h"

namespace ocoptrace::ledger {

struct LedgerOptions {
  // Entries larger than this are refused. tlog-tiles entry bundles carry a
  // 16-bit length, so this can never exceed 65535.
  size_t max_entry_bytes = 16 * 1024;
  // Bodies larger than this are refused.
  size_t max_body_bytes = 256 * 1024;
  // How often the background signer publishes a checkpoint while entries
  // arrive. Zero: only on demand (CheckpointNow), as tests like.
  absl::Duration checkpoint_interval = absl::Seconds(1);
  // An entry whose time is further in the future than this is refused.
  absl::Duration max_clock_skew = absl::Minutes(10);
  // Upper bound on the appends that share one synced write.
  size_t max_group_entries = 4096;
};

// An entry whose structure, body hash and signature the ledger has checked.
// Only Ledger::Verify makes them, so an append can never skip the checks.
class VerifiedEntry {
 public:
  const EntryHeader& header() const { return header_; }
  const std::string& entry() const { return entry_; }
  const std::string& body() const { return body_; }
  // The signatures that verified (at least one), in note order.
  const std::vector<NoteSignature>& signers() const { return signers_; }

 private:
  friend class Ledger;
  VerifiedEntry() = default;
  EntryHeader header_;
  std::string entry_;
  std::string body_;
  std::vector<NoteSignature> signers_;
};

struct AppendResult {
  uint64_t index = 0;  // Position in the global log (leaf index).
  Hash entry_hash{};   // SHA-256 of the entry bytes: the next entry's `prev`.
  EntryHeader header;
};

// The head of one subject's chain. For a subject with no entries:
// next_seq = 0 and last_hash all zero.
struct SubjectHead {
  uint64_t next_seq = 0;
  Hash last_hash{};
  uint64_t last_index = 0;  // Meaningless when next_seq == 0.
};

struct StoredEntry {
  uint64_t index = 0;
  std::string entry;  // The signed note, byte for byte.
  std::string body;
};

struct SignedCheckpoint {
  Checkpoint checkpoint;
  std::string note;  // The signed checkpoint note, byte for byte.
};

using AppendCallback = std::function<void(absl::StatusOr<AppendResult>)>;

class Ledger {
 public:
  // Opens the log kept in `store`, recovering the tree and checking that the
  // latest checkpoint is signed by `log_key` and matches the stored tree.
  // `store`, `keys` and `clock` must outlive the ledger.
  static absl::StatusOr<std::unique_ptr<Ledger>> Open(
      storage::Store* store, const KeyResolver* keys, NoteSigner log_key,
      Clock* clock, LedgerOptions options = {});

  // Stops the background threads. Appends still queued fail (Unavailable).
  ~Ledger();

  Ledger(const Ledger&) = delete;
  Ledger& operator=(const Ledger&) = delete;

  // The log's public key; its name is the checkpoint origin.
  const NoteVerifier& log_key() const { return log_verifier_; }

  // Checks one entry and its body. InvalidArgument: too large, malformed,
  // body hash mismatch, time too far ahead, or a signature that does not
  // verify. PermissionDenied: not signed by any active registered key.
  absl::StatusOr<VerifiedEntry> Verify(std::string entry,
                                       std::string body) const;

  // Queues the entry. `done` runs exactly once, on a ledger thread, after the
  // entry and `derived` are durable (OK) or the append was refused:
  // Aborted when seq/prev do not match the subject's head (re-read the head,
  // re-sign, retry), FailedPrecondition once the ledger has stopped writing
  // after a storage failure, Unavailable when shutting down, or the storage
  // error itself. `derived` (the application's state changes) is written in
  // the same atomic batch as the entry, or not at all. `done` must not block.
  void AppendAsync(VerifiedEntry entry, storage::WriteBatch derived,
                   AppendCallback done);

  // Blocking forms of AppendAsync.
  absl::StatusOr<AppendResult> Append(VerifiedEntry entry,
                                      storage::WriteBatch derived = {});
  absl::StatusOr<AppendResult> Append(std::string entry, std::string body);

  // The head of `subject`'s chain as committed.
  absl::StatusOr<SubjectHead> Head(std::string_view subject) const;

  // Entry by global index. NotFound beyond the end of the log.
  absl::StatusOr<StoredEntry> Entry(uint64_t index) const;

  // Global index of entry `seq` of `subject`. NotFound if there is none.
  absl::StatusOr<uint64_t> SubjectEntryIndex(std::string_view subject,
                                             uint64_t seq) const;

  // Up to `max_count` entries of `subject` starting at `from_seq`, in order.
  absl::StatusOr<std::vector<StoredEntry>> SubjectEntries(
      std::string_view subject, uint64_t from_seq = 0,
      size_t max_count = 1000) const;

  // Calls `visit` for entries [from, size()) in order; stops when it
  // returns false.
  absl::Status ForEachEntry(
      uint64_t from,
      const std::function<bool(const StoredEntry&)>& visit) const;

  // Number of durable entries (leaves), which may exceed the latest
  // checkpoint's size by what arrived in the last second.
  uint64_t size() const;

  // The most recent checkpoint. NotFound before the first one.
  absl::StatusOr<SignedCheckpoint> LatestCheckpoint() const;
  // The checkpoint of exactly `tree_size`. NotFound if none was signed.
  absl::StatusOr<SignedCheckpoint> CheckpointAt(uint64_t tree_size) const;
  // Signs a checkpoint for the current tree now if it grew since the last
  // one (else returns the last one). Refuses (Internal) to sign a
  // checkpoint that is not consistent with the previous one.
  absl::StatusOr<SignedCheckpoint> CheckpointNow();
  // The latest checkpoint if it covers `tree_size` entries, else a new one.
  absl::StatusOr<SignedCheckpoint> CheckpointCovering(uint64_t tree_size);

  // Proofs are only served for tree sizes that a signed checkpoint fixes
  // (FailedPrecondition otherwise): an inclusion proof alone does not fix
  // the tree size.
  absl::StatusOr<std::vector<Hash>> InclusionProof(uint64_t index,
                                                   uint64_t tree_size) const;
  absl::StatusOr<std::vector<Hash>> ConsistencyProof(uint64_t size1,
                                                     uint64_t size2) const;

  // Tree nodes [first, first + count) at `tree_level` (tlog-tiles: tile level
  // L is tree level 8L). NotFound if any node is not complete yet.
  absl::StatusOr<std::vector<Hash>> Nodes(uint8_t tree_level, uint64_t first,
                                          uint64_t count) const;

  // OK while writes are accepted; the storage error after a failed write.
  absl::Status health() const;

 private:
  struct PendingAppend {
    VerifiedEntry entry;
    storage::WriteBatch derived;
    AppendCallback done;
  };

  Ledger(storage::Store* store, const KeyResolver* keys, NoteSigner log_key,
         Clock* clock, LedgerOptions options);
  absl::Status Recover();
  void AppenderLoop();
  void ProcessGroup(std::vector<PendingAppend>& group);
  void CheckpointerLoop();
  absl::Status RequireCheckpointedSize(uint64_t tree_size) const;

  storage::Store* const store_;
  const KeyResolver* const keys_;
  const NoteSigner log_key_;
  const NoteVerifier log_verifier_;
  Clock* const clock_;
  const LedgerOptions options_;

  // Appender state; frontier_ is touched only by the appender thread.
  MerkleFrontier frontier_;
  std::mutex queue_mutex_;
  std::condition_variable queue_cv_;
  std::deque<PendingAppend> queue_;
  bool stopping_ = false;

  // Published after every durable group.
  mutable std::mutex state_mutex_;
  uint64_t durable_size_ = 0;
  Hash durable_root_{};
  absl::Status failed_;  // Sticky: set by the first failed write.

  // Checkpoint signing is serialised by checkpoint_mutex_.
  std::mutex checkpoint_mutex_;
  mutable std::mutex latest_mutex_;
  std::optional<SignedCheckpoint> latest_checkpoint_;

  std::mutex timer_mutex_;
  std::condition_variable timer_cv_;

  std::thread appender_;
  std::thread checkpointer_;
};

}  // namespace ocoptrace::ledger

#endif  // OCOPTRACE_SERVER_LEDGER_LEDGER_H_
