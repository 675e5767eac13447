#include "client/verify_history.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "core/base64.h"
#include "core/merkle.h"

namespace ocoptrace::client {
namespace {

std::string RootText(const Hash& root) {
  return Base64Encode(std::string_view(
      reinterpret_cast<const char*>(root.data()), root.size()));
}

std::string Describe(const Checkpoint& checkpoint) {
  return absl::StrCat("size ", checkpoint.size, " root ",
                      RootText(checkpoint.root));
}

// Checks one item; `previous_entry` is the entry bytes of item i-1 (empty
// for i == 0).
EntryCheck CheckItem(const v1::HistoryItem& item, uint64_t position,
                     const std::string& previous_entry,
                     const std::string& expected_subject,
                     const HistoryVerification& so_far,
                     const std::vector<NoteVerifier>& actor_keys) {
  const v1::LogEntry& log_entry = item.proven().entry();
  const std::string& entry_bytes = log_entry.entry();
  EntryCheck check;
  check.index = log_entry.index();
  auto problem = [&check](std::string text) {
    check.problems.push_back(std::move(text));
  };

  absl::StatusOr<ParsedEntry> parsed = ParseEntry(entry_bytes);
  if (!parsed.ok()) {
    problem(absl::StrCat("entry does not parse: ", parsed.status().message()));
    return check;
  }
  const EntryHeader& header = parsed->header;
  check.header = header;

  // Chain: subject, position and link to the previous entry.
  Hash expected_prev{};
  if (position > 0) expected_prev = EntryHash(previous_entry);
  check.chain_ok = true;
  if (header.subject != expected_subject) {
    check.chain_ok = false;
    problem(absl::StrCat("entry is about '", header.subject, "', not '",
                         expected_subject, "'"));
  }
  if (header.seq != position) {
    check.chain_ok = false;
    problem(absl::StrCat("entry has seq ", header.seq, " but is item ",
                         position, " of the chain"));
  }
  if (header.prev != expected_prev) {
    check.chain_ok = false;
    problem(position == 0
                ? std::string("first entry's prev is not 32 zero bytes")
                : absl::StrCat("prev does not match the hash of entry seq ",
                               position - 1, ": the chain is broken"));
  }

  // Body.
  check.body_ok = Sha256(log_entry.body()) == header.body_hash;
  if (!check.body_ok) {
    problem("body does not match the entry's body hash: it was altered");
  }

  // Signature by a known actor key.
  absl::StatusOr<OpenedNote> opened = OpenNote(entry_bytes, actor_keys);
  if (opened.ok()) {
    check.signature_ok = true;
    check.signer = opened->verified.front().name;
    if (!item.signer().empty() &&
        std::none_of(opened->verified.begin(), opened->verified.end(),
                     [&item](const NoteSignature& s) {
                       return s.name == item.signer();
                     })) {
      problem(absl::StrCat("server says the signer is '", item.signer(),
                           "' but the signature is by '", check.signer, "'"));
    }
  } else {
    problem(absl::StrCat("signature: ", opened.status().message()));
  }

  // Inclusion under the checkpoint.
  if (!so_far.checkpoint_status.ok()) {
    problem("inclusion cannot be checked: the checkpoint did not verify");
    return check;
  }
  if (item.proven().tree_size() != so_far.checkpoint.size) {
    problem(absl::StrCat("inclusion proof is for tree size ",
                         item.proven().tree_size(), ", not the checkpoint's ",
                         so_far.checkpoint.size));
    return check;
  }
  absl::StatusOr<std::vector<Hash>> proof =
      ProofFromBytes(item.proven().inclusion_proof());
  if (!proof.ok()) {
    problem(absl::StrCat("inclusion proof: ", proof.status().message()));
    return check;
  }
  absl::Status included =
      VerifyInclusion(log_entry.index(), so_far.checkpoint.size,
                      LeafHash(entry_bytes), *proof, so_far.checkpoint.root);
  check.inclusion_ok = included.ok();
  if (!included.ok()) {
    problem(absl::StrCat("inclusion proof: ", included.message()));
  }
  return check;
}

// The server answered, and refused: not a transport problem.
bool IsRefusal(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kNotFound:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kOutOfRange:
      return true;
    default:
      return false;
  }
}

}  // namespace

bool HistoryVerification::ok() const {
  return checkpoint_status.ok() && verified_count() == entries.size();
}

size_t HistoryVerification::verified_count() const {
  return std::count_if(entries.begin(), entries.end(),
                       [](const EntryCheck& check) { return check.ok(); });
}

absl::StatusOr<std::vector<Hash>> ProofFromBytes(
    const google::protobuf::RepeatedPtrField<std::string>& hashes) {
  std::vector<Hash> proof;
  proof.reserve(hashes.size());
  for (int i = 0; i < hashes.size(); ++i) {
    absl::StatusOr<Hash> hash =
        HashFromBytes(hashes[i], absl::StrCat("proof hash ", i));
    if (!hash.ok()) return hash.status();
    proof.push_back(*hash);
  }
  return proof;
}

HistoryVerification VerifyHistory(const v1::GetHistoryResponse& history,
                                  const std::string& expected_subject,
                                  const NoteVerifier& log_key,
                                  const std::vector<NoteVerifier>& actor_keys) {
  HistoryVerification result;
  absl::StatusOr<Checkpoint> checkpoint =
      OpenCheckpoint(history.checkpoint(), log_key);
  if (checkpoint.ok()) {
    result.checkpoint = *checkpoint;
  } else {
    result.checkpoint_status = absl::Status(
        checkpoint.status().code(),
        absl::StrCat("checkpoint: ", checkpoint.status().message()));
  }
  std::string previous_entry;
  for (int i = 0; i < history.items_size(); ++i) {
    const v1::HistoryItem& item = history.items(i);
    result.entries.push_back(CheckItem(item, static_cast<uint64_t>(i),
                                       previous_entry, expected_subject, result,
                                       actor_keys));
    previous_entry = item.proven().entry().entry();
  }
  return result;
}

absl::StatusOr<LogAdvance> CheckLogAdvance(
    const NoteVerifier& log_key,
    const std::optional<std::string>& previous_note,
    const std::string& latest_note,
    const ConsistencyProofFetcher& fetch_proof) {
  absl::StatusOr<Checkpoint> latest = OpenCheckpoint(latest_note, log_key);
  if (!latest.ok()) {
    return absl::DataLossError(
        absl::StrCat("the server's checkpoint does not verify under the "
                     "pinned log key ",
                     FormatVkey(log_key), ": ", latest.status().message()));
  }
  LogAdvance advance;
  advance.latest = *latest;
  advance.note_to_store = latest_note;
  if (!previous_note.has_value()) {
    advance.first_seen = true;
    return advance;
  }
  absl::StatusOr<Checkpoint> previous = OpenCheckpoint(*previous_note, log_key);
  if (!previous.ok()) {
    return absl::DataLossError(
        absl::StrCat("the stored last-seen checkpoint does not verify under "
                     "the pinned log key (was the log key changed?): ",
                     previous.status().message()));
  }
  advance.previous = *previous;

  auto rewrite_error = [&](const std::string& detail) {
    return absl::DataLossError(absl::StrCat(
        "the log rewrote history: the checkpoint at ", Describe(*latest),
        " is not consistent with the checkpoint at ", Describe(*previous),
        " seen before (", detail,
        "). Both are signed by the log key: keep them as evidence and "
        "report this to the OCOP office"));
  };

  const Checkpoint& smaller =
      previous->size <= latest->size ? *previous : *latest;
  const Checkpoint& larger =
      previous->size <= latest->size ? *latest : *previous;
  if (previous->size > latest->size) advance.note_to_store = *previous_note;

  if (smaller.size == larger.size) {
    if (smaller.root != larger.root) {
      return rewrite_error("same size, different roots");
    }
    return advance;
  }
  if (smaller.size == 0) return advance;  // Every tree extends the empty one.
  absl::StatusOr<std::vector<Hash>> proof =
      fetch_proof(smaller.size, larger.size);
  if (IsRefusal(proof.status())) {
    // The log key signed both checkpoints and an honest log keeps every
    // checkpoint it signs, so it can always prove one extends the other.
    return rewrite_error(
        absl::StrCat("the log cannot prove consistency between them: ",
                     proof.status().message(), "; it lost or rewrote entries"));
  }
  if (!proof.ok()) return proof.status();
  absl::Status consistent = VerifyConsistency(smaller.size, larger.size, *proof,
                                              smaller.root, larger.root);
  if (!consistent.ok()) return rewrite_error(std::string(consistent.message()));
  return advance;
}

}  // namespace ocoptrace::client
