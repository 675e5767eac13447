// Value encodings of the ledger's own records (keys are in
// server/storage/keys.h). Internal to server/ledger.

#ifndef OCOPTRACE_SERVER_LEDGER_RECORDS_H_
#define OCOPTRACE_SERVER_LEDGER_RECORDS_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "server/ledger/ledger.h"
#include "server/storage/store.h"

namespace ocoptrace::ledger {

std::string_view AsBytes(const Hash& hash);
// A short printable prefix of a hash for error messages.
std::string Short(const Hash& hash);

// Column::kSubjectHeads value: BE64(next_seq) ‖ last_hash[32] ‖
// BE64(last_index).
std::string EncodeHead(const SubjectHead& head);
absl::StatusOr<SubjectHead> DecodeHead(std::string_view value);
// The head of `subject` in `view`; an empty head if the subject is new.
absl::StatusOr<SubjectHead> ReadHead(const storage::ReadView& view,
                                     std::string_view subject);

}  // namespace ocoptrace::ledger

#endif  // OCOPTRACE_SERVER_LEDGER_RECORDS_H_
