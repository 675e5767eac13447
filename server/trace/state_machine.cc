#include "server/trace/state_machine.h"

#include "core/signed_note.h"
#include "server/trace/epcis_index.h"
#include "ocoptrace/v1/verify.pb.h"
#include "server/storage/keys.h"
#include "server/trace/labels.h"
#include "server/trace/rules.h"
#include "server/trace/subjects.h"

namespace ocoptrace::trace {
namespace {

using storage::Column;

// Loads the record of the entry's own subject, which an entry other than
// the first on its chain needs.
template <typename Record>
absl::StatusOr<Record> Existing(absl::StatusOr<Record> record,
                                const EntryHeader& header) {
  if (absl::IsNotFound(record.status())) {
    return absl::FailedPreconditionError(absl::StrCat(
        header.kind, " on ", header.subject, ": ", record.status().message()));
  }
  return record;
}

void PutRecord(storage::WriteBatch& writes, std::string_view subject,
               const google::protobuf::MessageLite& record) {
  writes.Put(Column::kState, storage::StateRecordKey(subject),
             record.SerializeAsString());
}

void PutIndex(storage::WriteBatch& writes, std::string_view index,
              std::initializer_list<std::string_view> parts,
              std::string_view value = "") {
  writes.Put(Column::kIndexes, storage::IndexKey(index, parts), value);
}

absl::Status ApplyProducer(const EntryHeader& header,
                           const ParsedSubject& subject, std::string_view body,
                           const StateReader& state, DerivedChanges& out) {
  auto record = ParseBody<v1::ProducerRecord>(body, BodyType::kProducerRecord);
  if (!record.ok()) return record.status();
  state::ProducerState producer;
  if (header.kind == kinds::kProducerRegistered) {
    *producer.mutable_address_as_registered() = record->address();
  } else {
    auto existing = Existing(state.Producer(subject.id), header);
    if (!existing.ok()) return existing.status();
    producer = std::move(*existing);
  }
  *producer.mutable_record() = std::move(*record);
  producer.set_entries(producer.entries() + 1);
  PutRecord(out.writes, header.subject, producer);
  return absl::OkStatus();
}

// Counts an entry on a producer's chain that is not about the producer
// record itself (key.added, key.revoked).
absl::Status CountProducerEntry(const EntryHeader& header,
                                const ParsedSubject& subject,
                                const StateReader& state,
                                const std::string* new_key_name,
                                DerivedChanges& out) {
  if (subject.type != SubjectType::kProducer) return absl::OkStatus();
  auto producer = Existing(state.Producer(subject.id), header);
  if (!producer.ok()) return producer.status();
  if (new_key_name != nullptr) producer->add_key_names(*new_key_name);
  producer->set_entries(producer->entries() + 1);
  PutRecord(out.writes, header.subject, *producer);
  return absl::OkStatus();
}

absl::Status ApplyKeyAdded(const EntryHeader& header,
                           const ParsedSubject& subject, std::string_view body,
                           const StateReader& state, DerivedChanges& out) {
  auto record = ParseBody<v1::KeyRecord>(body, BodyType::kKeyRecord);
  if (!record.ok()) return record.status();
  auto verifier = ParseVkey(record->vkey());
  if (!verifier.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("key.vkey: ", verifier.status().message()));
  }
  state::KeyState key;
  key.set_name(verifier->name);
  key.set_vkey(record->vkey());
  key.set_role(record->role());
  key.set_producer_id(record->producer_id());
  key.set_holder(record->holder());
  key.set_subject(header.subject);
  key.set_added_seq(header.seq);
  out.writes.Put(Column::kState, storage::KeyRecordKey(key.name()),
                 key.SerializeAsString());
  out.key = key;
  return CountProducerEntry(header, subject, state, &key.name(), out);
}

absl::Status ApplyKeyRevoked(const EntryHeader& header,
                             const ParsedSubject& subject,
                             std::string_view body, const StateReader& state,
                             DerivedChanges& out) {
  auto revocation =
      ParseBody<v1::KeyRevocation>(body, BodyType::kKeyRevocation);
  if (!revocation.ok()) return revocation.status();
  auto key = Existing(state.Key(revocation->key_name()), header);
  if (!key.ok()) return key.status();
  if (key->subject() != header.subject) {
    return absl::InvalidArgumentError(
        absl::StrCat("key_name: key '", revocation->key_name(),
                     "' was added on ", key->subject(), "; revoke it there"));
  }
  key->set_revoked(true);
  key->set_revocation_reason(revocation->reason());
  key->set_revoked_seq(header.seq);
  out.writes.Put(Column::kState, storage::KeyRecordKey(key->name()),
                 key->SerializeAsString());
  out.key = *key;
  return CountProducerEntry(header, subject, state, nullptr, out);
}

absl::Status ApplyProduct(const EntryHeader& header, std::string_view body,
                          const StateReader& state, DerivedChanges& out) {
  auto parsed = ParseBody<v1::ProductRecord>(body, BodyType::kProductRecord);
  if (!parsed.ok()) return parsed.status();
  auto record = NormalizeProductRecord(std::move(*parsed));
  if (!record.ok()) return record.status();
  state::ProductState product;
  if (header.kind == kinds::kProductUpdated) {
    auto existing = Existing(state.Product(record->gtin()), header);
    if (!existing.ok()) return existing.status();
    product = std::move(*existing);
  } else {
    PutIndex(out.writes, storage::kIndexProducerProducts,
             {record->producer_id(), record->gtin()});
  }
  *product.mutable_record() = std::move(*record);
  product.set_entries(product.entries() + 1);
  PutRecord(out.writes, header.subject, product);
  return absl::OkStatus();
}

absl::Status ApplyCertificateIssued(const EntryHeader& header,
                                    std::string_view body,
                                    DerivedChanges& out) {
  auto parsed =
      ParseBody<v1::CertificateRecord>(body, BodyType::kCertificateRecord);
  if (!parsed.ok()) return parsed.status();
  auto record = ApplyCertificateDefaults(std::move(*parsed));
  if (!record.ok()) return record.status();
  const std::string number = PercentEncode(record->number());
  for (const std::string& gtin : record->products()) {
    PutIndex(out.writes, storage::kIndexProductCertificates, {gtin, number});
  }
  PutIndex(out.writes, storage::kIndexProducerCertificates,
           {record->producer_id(), number});
  PutIndex(out.writes, storage::kIndexCertificateExpiry,
           {record->valid_until().iso_date(), number});
  if (!record->supersedes().empty()) {
    PutIndex(out.writes, storage::kIndexCertificateSuccessor,
             {PercentEncode(record->supersedes())}, record->number());
  }
  state::CertificateState certificate;
  *certificate.mutable_record() = std::move(*record);
  certificate.set_entries(1);
  PutRecord(out.writes, header.subject, certificate);
  return absl::OkStatus();
}

absl::Status ApplyCertificateRevoked(const EntryHeader& header,
                                     const ParsedSubject& subject,
                                     std::string_view body,
                                     const StateReader& state,
                                     DerivedChanges& out) {
  auto revocation = ParseBody<v1::CertificateRevocation>(
      body, BodyType::kCertificateRevocation);
  if (!revocation.ok()) return revocation.status();
  auto certificate = Existing(state.Certificate(subject.id), header);
  if (!certificate.ok()) return certificate.status();
  certificate->set_revoked(true);
  *certificate->mutable_revocation() =
      ApplyRevocationDefaults(std::move(*revocation));
  certificate->set_entries(certificate->entries() + 1);
  PutRecord(out.writes, header.subject, *certificate);
  return absl::OkStatus();
}

absl::Status ApplyBatchCreated(const EntryHeader& header, std::string_view body,
                               const StateReader& state, DerivedChanges& out) {
  auto parsed = ParseBody<v1::BatchRecord>(body, BodyType::kBatchRecord);
  if (!parsed.ok()) return parsed.status();
  auto record = NormalizeBatchRecord(std::move(*parsed));
  if (!record.ok()) return record.status();
  // A product never changes owner (rules.h CheckProduct), so reading it
  // here gives the same answer online and in a replay.
  auto product = Existing(state.Product(record->gtin()), header);
  if (!product.ok()) return product.status();
  state::BatchState batch;
  batch.set_producer_id(product->record().producer_id());
  PutIndex(out.writes, storage::kIndexProducerBatches,
           {batch.producer_id(), record->gtin(), PercentEncode(record->lot())});
  *batch.mutable_record() = std::move(*record);
  batch.set_entries(1);
  PutRecord(out.writes, header.subject, batch);
  return absl::OkStatus();
}

absl::Status ApplyEvent(const EntryHeader& header, const ParsedSubject& subject,
                        std::string_view body, const StateReader& state,
                        DerivedChanges& out) {
  auto event = ParseBody<v1::TraceEvent>(body, BodyType::kTraceEvent);
  if (!event.ok()) return event.status();
  auto batch = Existing(state.Batch(subject.id, subject.lot), header);
  if (!batch.ok()) return batch.status();
  batch->set_entries(batch->entries() + 1);
  batch->set_last_step(std::string(EventStep(header.kind)));
  PutRecord(out.writes, header.subject, *batch);
  AddEpcisEventIndex(header, *event, out.writes);
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<DerivedChanges> DeriveChanges(const EntryHeader& header,
                                             std::string_view body,
                                             const StateReader& state) {
  const KindInfo* kind = FindKind(header.kind);
  if (kind == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(
        "kind '", header.kind, "' is not in the closed list (docs/kinds.md)"));
  }
  auto subject = ParseSubject(header.subject);
  if (!subject.ok()) return subject.status();
  if ((kind->subjects & SubjectBit(subject->type)) == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("kind ", header.kind, " does not go on a ",
                     std::string(SubjectTypeName(subject->type)), " subject"));
  }
  DerivedChanges out;
  absl::Status status;
  switch (kind->body) {
    case BodyType::kProducerRecord:
      status = ApplyProducer(header, *subject, body, state, out);
      break;
    case BodyType::kKeyRecord:
      status = ApplyKeyAdded(header, *subject, body, state, out);
      break;
    case BodyType::kKeyRevocation:
      status = ApplyKeyRevoked(header, *subject, body, state, out);
      break;
    case BodyType::kProductRecord:
      status = ApplyProduct(header, body, state, out);
      break;
    case BodyType::kCertificateRecord:
      status = ApplyCertificateIssued(header, body, out);
      break;
    case BodyType::kCertificateRevocation:
      status = ApplyCertificateRevoked(header, *subject, body, state, out);
      break;
    case BodyType::kBatchRecord:
      status = ApplyBatchCreated(header, body, state, out);
      break;
    case BodyType::kTraceEvent:
      status = ApplyEvent(header, *subject, body, state, out);
      break;
    case BodyType::kLabelsIssued:
      status = ApplyLabelsIssued(header, *subject, body, state, out.writes);
      break;
    case BodyType::kLabelsVoided:
      status = ApplyLabelsVoided(header, *subject, body, state, out.writes);
      break;
    case BodyType::kTrustSnapshot:
      // Derives nothing: a snapshot describes the state, it changes none.
      status = ParseBody<v1::TrustSnapshot>(body, BodyType::kTrustSnapshot)
                   .status();
      break;
  }
  if (!status.ok()) return status;
  return out;
}

}  // namespace ocoptrace::trace
