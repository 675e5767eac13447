// Verify: the public reads that let anyone audit the log (checkpoints,
// entries, proofs, heads, keys). Anonymous callers are welcome.
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "core/log_entry.h"
#include "server/trace/service_impl.h"

namespace ocoptrace::trace {
namespace {

// Entries per GetEntries call at most.
constexpr uint32_t kMaxEntriesPerCall = 1000;

v1::LogEntry ToLogEntry(ledger::StoredEntry stored) {
  v1::LogEntry entry;
  entry.set_index(stored.index);
  entry.set_entry(std::move(stored.entry));
  entry.set_body(std::move(stored.body));
  return entry;
}

}  // namespace

void Service::GetCheckpoint(const Caller& caller,
                            const v1::GetCheckpointRequest& request,
                            Callback<v1::GetCheckpointResponse> done) {
  if (auto status = AuthorizeCall(caller, Method::kGetCheckpoint);
      !status.ok()) {
    return done(status);
  }
  ledger::Ledger& log = *impl_->ledger;
  absl::StatusOr<ledger::SignedCheckpoint> checkpoint;
  if (request.size() != 0) {
    checkpoint = log.CheckpointAt(request.size());
  } else if (request.min_size() != 0) {
    checkpoint = log.CheckpointCovering(request.min_size());
  } else {
    checkpoint = log.LatestCheckpoint();
    if (absl::IsNotFound(checkpoint.status())) checkpoint = log.CheckpointNow();
  }
  if (!checkpoint.ok()) return done(checkpoint.status());
  v1::GetCheckpointResponse response;
  response.set_checkpoint(checkpoint->note);
  response.set_size(checkpoint->checkpoint.size);
  done(std::move(response));
}

absl::StatusOr<v1::GetEntriesResponse> Service::GetEntries(
    const Caller& caller, const v1::GetEntriesRequest& request) const {
  if (auto status = AuthorizeCall(caller, Method::kGetEntries); !status.ok()) {
    return status;
  }
  const uint32_t count = request.count() == 0
                             ? 100
                             : std::min(request.count(), kMaxEntriesPerCall);
  v1::GetEntriesResponse response;
  if (!request.subject().empty()) {
    if (auto status = ValidateSubject(request.subject()); !status.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("subject: ", status.message()));
    }
    auto entries = impl_->ledger->SubjectEntries(request.subject(),
                                                 request.from_seq(), count);
    if (!entries.ok()) return entries.status();
    for (ledger::StoredEntry& stored : *entries) {
      *response.add_entries() = ToLogEntry(std::move(stored));
    }
    return response;
  }
  const uint64_t size = impl_->ledger->size();
  if (request.start() >= size) {
    return absl::OutOfRangeError(absl::StrCat("start: the log has ", size,
                                              " entries (indexes 0 to ",
                                              size - 1, "); start below that"));
  }
  absl::Status status = impl_->ledger->ForEachEntry(
      request.start(), [&](const ledger::StoredEntry& stored) {
        *response.add_entries() = ToLogEntry(stored);
        return static_cast<uint32_t>(response.entries_size()) < count;
      });
  if (!status.ok()) return status;
  return response;
}

absl::StatusOr<v1::GetInclusionProofResponse> Service::GetInclusionProof(
    const Caller& caller, const v1::GetInclusionProofRequest& request) const {
  if (auto status = AuthorizeCall(caller, Method::kGetInclusionProof);
      !status.ok()) {
    return status;
  }
  auto proof =
      impl_->ledger->InclusionProof(request.index(), request.tree_size());
  if (!proof.ok()) return proof.status();
  v1::GetInclusionProofResponse response;
  for (const Hash& hash : *proof) response.add_proof(HashToBytes(hash));
  return response;
}

absl::StatusOr<v1::GetConsistencyProofResponse> Service::GetConsistencyProof(
    const Caller& caller, const v1::GetConsistencyProofRequest& request) const {
  if (auto status = AuthorizeCall(caller, Method::kGetConsistencyProof);
      !status.ok()) {
    return status;
  }
  auto proof =
      impl_->ledger->ConsistencyProof(request.size1(), request.size2());
  if (!proof.ok()) return proof.status();
  v1::GetConsistencyProofResponse response;
  for (const Hash& hash : *proof) response.add_proof(HashToBytes(hash));
  return response;
}

absl::StatusOr<v1::SubjectHead> Service::GetHead(
    const Caller& caller, const v1::GetHeadRequest& request) const {
  if (auto status = AuthorizeCall(caller, Method::kGetHead); !status.ok()) {
    return status;
  }
  if (auto status = ValidateSubject(request.subject()); !status.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("subject: ", status.message()));
  }
  auto head = impl_->ledger->Head(request.subject());
  if (!head.ok()) return head.status();
  v1::SubjectHead response;
  response.set_subject(request.subject());
  response.set_next_seq(head->next_seq);
  response.set_prev(HashToBytes(head->last_hash));
  return response;
}

absl::StatusOr<v1::GetKeysResponse> Service::GetKeys(
    const Caller& caller, const v1::GetKeysRequest& request) const {
  if (auto status = AuthorizeCall(caller, Method::kGetKeys); !status.ok()) {
    return status;
  }
  v1::GetKeysResponse response;
  response.set_log(FormatVkey(impl_->ledger->log_key()));
  std::vector<state::KeyState> keys = impl_->registry.All();
  // All() orders by chain and position: label keys oldest first.
  for (auto it = keys.rbegin(); it != keys.rend(); ++it) {
    if (it->role() == v1::KEY_ROLE_LABEL && !it->revoked()) {
      response.add_label(it->vkey());
    }
  }
  for (const state::KeyState& key : keys) {
    if (key.revoked()) {
      response.add_revoked(key.vkey());
    } else if (key.role() != v1::KEY_ROLE_LABEL) {
      response.add_actors(key.vkey());
    }
  }
  return response;
}

}  // namespace ocoptrace::trace
