// The state-machine steps of labels.issued and labels.voided (labels.h):
// label records in Column::kLabels and the batch's label counters.
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "server/storage/keys.h"
#include "server/trace/labels.h"
#include "server/trace/state_machine.h"

namespace ocoptrace::trace {
namespace {

using storage::Column;

// The batch the entry is on; FailedPrecondition when it does not exist
// (the service refuses such entries, so in a replay the log and the state
// machine disagree).
absl::StatusOr<state::BatchState> EntryBatch(const EntryHeader& header,
                                             const ParsedSubject& subject,
                                             const StateReader& state) {
  auto batch = state.Batch(subject.id, subject.lot);
  if (absl::IsNotFound(batch.status())) {
    return absl::FailedPreconditionError(absl::StrCat(
        header.kind, " on ", header.subject, ": ", batch.status().message()));
  }
  return batch;
}

void PutBatch(const EntryHeader& header, const state::BatchState& batch,
              storage::WriteBatch& writes) {
  writes.Put(Column::kState, storage::StateRecordKey(header.subject),
             batch.SerializeAsString());
}

}  // namespace

absl::Status ApplyLabelsIssued(const EntryHeader& header,
                               const ParsedSubject& subject,
                               std::string_view body, const StateReader& state,
                               storage::WriteBatch& writes) {
  auto issued = ParseBody<v1::LabelsIssued>(body, BodyType::kLabelsIssued);
  if (!issued.ok()) return issued.status();
  auto serials = ValidateLabelsIssued(*issued, subject);
  if (!serials.ok()) return serials.status();
  auto batch = EntryBatch(header, subject, state);
  if (!batch.ok()) return batch.status();
  batch->set_labels_issued(batch->labels_issued() + serials->size());
  batch->set_entries(batch->entries() + 1);
  PutBatch(header, *batch, writes);

  state::LabelState label;
  label.set_lot(subject.lot);
  label.set_status(v1::LABEL_STATUS_ISSUED);
  label.set_issued_seq(header.seq);
  label.set_key_name(issued->label_key_name());
  label.set_has_pin(issued->with_pins());
  const std::string value = label.SerializeAsString();
  // In key order: RocksDB's memtable inserts neighbours much faster than
  // random keys (the order within one atomic batch changes nothing else).
  std::sort(serials->begin(), serials->end());
  for (const std::string& serial : *serials) {
    writes.Put(Column::kLabels, storage::LabelKey(subject.id, serial), value);
  }
  return absl::OkStatus();
}

absl::Status ApplyLabelsVoided(const EntryHeader& header,
                               const ParsedSubject& subject,
                               std::string_view body, const StateReader& state,
                               storage::WriteBatch& writes) {
  auto voided = ParseBody<v1::LabelsVoided>(body, BodyType::kLabelsVoided);
  if (!voided.ok()) return voided.status();
  if (auto status = ValidateLabelsVoided(*voided); !status.ok()) return status;
  auto batch = EntryBatch(header, subject, state);
  if (!batch.ok()) return batch.status();
  for (const std::string& serial : voided->serials()) {
    auto label = ReadLabel(state.view(), subject.id, serial);
    if (absl::IsNotFound(label.status())) {
      return absl::FailedPreconditionError(absl::StrCat(
          header.kind, " on ", header.subject, ": ", label.status().message()));
    }
    if (!label.ok()) return label.status();
    if (label->lot() != subject.lot) {
      return absl::FailedPreconditionError(
          absl::StrCat(header.kind, " on ", header.subject, ": label ", serial,
                       " belongs to lot ", label->lot()));
    }
    if (label->status() == v1::LABEL_STATUS_VOID) {
      return absl::FailedPreconditionError(
          absl::StrCat(header.kind, " on ", header.subject, ": label ", serial,
                       " is already void"));
    }
    label->set_status(v1::LABEL_STATUS_VOID);
    label->set_voided_seq(header.seq);
    label->set_void_reason(voided->reason());
    writes.Put(Column::kLabels, storage::LabelKey(subject.id, serial),
               label->SerializeAsString());
  }
  batch->set_labels_voided(batch->labels_voided() + voided->serials_size());
  batch->set_entries(batch->entries() + 1);
  PutBatch(header, *batch, writes);
  return absl::OkStatus();
}

}  // namespace ocoptrace::trace
