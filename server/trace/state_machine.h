// The state machine: how one log entry changes the derived state
// (docs/state.md). ONE pure function, used both on the write path (its
// writes commit atomically with the entry) and by RebuildState (replaying
// the log from index 0), so that the two give byte-identical state.
//
// It reads only the derived state given to it, never the clock, never the
// entry's global index (unknown before the append) and never who signed:
// validation (rules.h, authorization.h) happened before the entry was
// accepted, and replay must not depend on keys revoked since. It writes the
// record of the entry's own subject (read-modify-write is safe because the
// ledger serialises entries of one subject) and adds cross-subject facts
// only as new index keys.
//
// Thread-safety: pure function of its arguments, thread-safe.

#ifndef OCOPTRACE_SERVER_TRACE_STATE_MACHINE_H_
#define OCOPTRACE_SERVER_TRACE_STATE_MACHINE_H_

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "core/log_entry.h"
#include "server/storage/write_batch.h"
#include "server/trace/kinds.h"
#include "server/trace/state.pb.h"
#include "server/trace/state_reader.h"

namespace ocoptrace::trace {

struct DerivedChanges {
  // Puts into Column::kState, Column::kIndexes and Column::kLabels.
  storage::WriteBatch writes;
  // For key.added / key.revoked: the key record as written, to apply to the
  // KeyRegistry once the entry is durable.
  std::optional<state::KeyState> key;
};

// The derived-state changes of the entry with `header` and `body`, given
// the state of everything before it in `state`.
// InvalidArgument: the body is not a valid message of the kind's type, or
// the kind/subject pair is outside docs/kinds.md.
// FailedPrecondition: the entry needs a record that does not exist (an
// update of an unknown product, an event on an unknown batch, voiding a
// label that is not there or is void already): the service refuses such
// entries before appending, so in a replay it means the log and the state
// machine disagree.
absl::StatusOr<DerivedChanges> DeriveChanges(const EntryHeader& header,
                                             std::string_view body,
                                             const StateReader& state);

// Parses `body` as the message `Message` (named `type` in errors).
// InvalidArgument "body is not a valid ProductRecord: ..." unless the body
// parses and is exactly the message's canonical serialisation (no unknown
// fields, so a body of another type is refused).
template <typename Message>
absl::StatusOr<Message> ParseBody(std::string_view body, BodyType type) {
  Message message;
  if (!message.ParseFromArray(body.data(), static_cast<int>(body.size()))) {
    return absl::InvalidArgumentError(
        absl::StrCat("body is not a valid ", std::string(BodyTypeName(type)),
                     ": it does not parse"));
  }
  if (message.SerializeAsString() != body) {
    return absl::InvalidArgumentError(absl::StrCat(
        "body is not a valid ", std::string(BodyTypeName(type)),
        ": it holds fields that message does not have (or is not in "
        "canonical encoding); serialise exactly that message"));
  }
  return message;
}

}  // namespace ocoptrace::trace

#endif  // OCOPTRACE_SERVER_TRACE_STATE_MACHINE_H_
