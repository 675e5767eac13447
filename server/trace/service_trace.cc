// Trace: batches (lô), their supply-chain events and their proven history.
#include "absl/strings/str_cat.h"
#include "core/gs1.h"
#include "server/storage/keys.h"
#include "server/trace/epcis_index.h"
#include "server/trace/kinds.h"
#include "server/trace/rules.h"
#include "server/trace/service_impl.h"

namespace ocoptrace::trace {
namespace {

// The batch a request names: normalised GTIN and a valid lot.
absl::StatusOr<std::pair<std::string, std::string>> BatchId(
    const v1::BatchRef& ref) {
  auto gtin = NormalizeGtinField(ref.gtin(), "batch.gtin");
  if (!gtin.ok()) return gtin.status();
  if (auto status = ValidateLot(ref.lot()); !status.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("batch.", status.message()));
  }
  return std::make_pair(*gtin, ref.lot());
}

// The entries of one subject, all of them.
absl::StatusOr<std::vector<ledger::StoredEntry>> WholeChain(
    const ledger::Ledger& ledger, const std::string& subject) {
  std::vector<ledger::StoredEntry> all;
  for (;;) {
    auto chunk = ledger.SubjectEntries(subject, all.size(), 1000);
    if (!chunk.ok()) return chunk.status();
    if (chunk->empty()) break;
    for (ledger::StoredEntry& entry : *chunk) all.push_back(std::move(entry));
  }
  return all;
}

}  // namespace

void Service::CreateBatch(const Caller& caller,
                          const v1::CreateBatchRequest& request,
                          Callback<v1::EntryReceipt> done) {
  constexpr Method kMethod = Method::kCreateBatch;
  if (auto status = AuthorizeCall(caller, kMethod); !status.ok()) {
    return done(status);
  }
  auto submission = impl_->VerifySubmission(
      kMethod, request.signed_(), {kinds::kBatchCreated}, SubjectType::kBatch);
  if (!submission.ok()) return done(submission.status());
  const EntryHeader& header = submission->entry.header();
  auto record = ParseBody<v1::BatchRecord>(submission->entry.body(),
                                           BodyType::kBatchRecord);
  if (!record.ok()) return done(record.status());
  if (auto status = ValidateBatchRecord(*record); !status.ok()) {
    return done(status);
  }
  const std::string gtin = *NormalizeGtinField(record->gtin(), "gtin");
  if (submission->subject.id != gtin ||
      submission->subject.lot != record->lot()) {
    return done(absl::InvalidArgumentError(absl::StrCat(
        "entry subject: ", header.subject,
        " does not match the body's gtin and lot; the subject must be ",
        BatchSubject(gtin, record->lot()))));
  }
  auto view = impl_->Prepare(header.subject);
  if (!view.ok()) return done(view.status());
  const StateReader state = view->reader();
  auto product = state.Product(gtin);
  if (!product.ok()) return done(product.status());
  const std::string& owner = product->record().producer_id();
  if (auto status = AuthorizeOwner(caller, kMethod, owner,
                                   absl::StrCat("product ", gtin));
      !status.ok()) {
    return done(status);
  }
  if (auto status =
          AuthorizeSigner(caller, header.kind, owner, submission->signers);
      !status.ok()) {
    return done(status);
  }
  if (auto status = CheckBatchCreation(*record, state); !status.ok()) {
    return done(status);
  }
  if (auto status = Impl::CheckExtendsHead(header, view->head); !status.ok()) {
    return done(status);
  }
  impl_->Commit(std::move(submission->entry), *view, nullptr, std::move(done));
}

void Service::RecordEvent(const Caller& caller,
                          const v1::RecordEventRequest& request,
                          Callback<v1::EntryReceipt> done) {
  constexpr Method kMethod = Method::kRecordEvent;
  if (auto status = AuthorizeCall(caller, kMethod); !status.ok()) {
    return done(status);
  }
  auto submission = impl_->VerifySubmission(
      kMethod, request.signed_(), {kinds::kEventPrefix}, SubjectType::kBatch);
  if (!submission.ok()) return done(submission.status());
  const EntryHeader& header = submission->entry.header();
  auto event = ParseBody<v1::TraceEvent>(submission->entry.body(),
                                         BodyType::kTraceEvent);
  if (!event.ok()) return done(event.status());
  if (auto status = ValidateTraceEvent(*event, EventStep(header.kind));
      !status.ok()) {
    return done(status);
  }
  auto view = impl_->Prepare(header.subject);
  if (!view.ok()) return done(view.status());
  const StateReader state = view->reader();
  auto batch = state.Batch(submission->subject.id, submission->subject.lot);
  if (!batch.ok()) return done(batch.status());
  const std::string& owner = batch->producer_id();
  if (caller.role != v1::ROLE_INSPECTOR) {
    if (auto status =
            AuthorizeOwner(caller, kMethod, owner,
                           absl::StrCat("batch ", submission->subject.id, "/",
                                        submission->subject.lot));
        !status.ok()) {
      return done(status);
    }
  }
  if (auto status =
          AuthorizeSigner(caller, header.kind, owner, submission->signers);
      !status.ok()) {
    return done(status);
  }
  if (auto status = CheckTraceEvent(*event, state); !status.ok()) {
    return done(status);
  }
  if (auto status = CheckEpcisEvent(*event, header.subject, *view->snapshot);
      !status.ok()) {
    return done(status);
  }
  if (auto status = Impl::CheckExtendsHead(header, view->head); !status.ok()) {
    return done(status);
  }
  impl_->Commit(std::move(submission->entry), *view, nullptr, std::move(done));
}

absl::StatusOr<v1::Batch> Service::GetBatch(
    const Caller& caller, const v1::GetBatchRequest& request) const {
  constexpr Method kMethod = Method::kGetBatch;
  if (auto status = AuthorizeCall(caller, kMethod); !status.ok()) {
    return status;
  }
  auto id = BatchId(request.batch());
  if (!id.ok()) return id.status();
  StateReader state(impl_->store->Latest());
  auto batch = state.Batch(id->first, id->second);
  if (!batch.ok()) return batch.status();
  if (auto status =
          AuthorizeOwner(caller, kMethod, batch->producer_id(),
                         absl::StrCat("batch ", id->first, "/", id->second));
      !status.ok()) {
    return status;
  }
  return Impl::BuildBatch(*batch);
}

absl::StatusOr<v1::ListBatchesResponse> Service::ListBatches(
    const Caller& caller, const v1::ListBatchesRequest& request) const {
  constexpr Method kMethod = Method::kListBatches;
  if (auto status = AuthorizeCall(caller, kMethod); !status.ok()) {
    return status;
  }
  std::string producer_id = request.producer_id();
  if (caller.role == v1::ROLE_PRODUCER && producer_id.empty()) {
    producer_id = caller.producer_id;
  }
  if (!producer_id.empty()) {
    if (auto status =
            AuthorizeOwner(caller, kMethod, producer_id,
                           absl::StrCat("the batches of '", producer_id, "'"));
        !status.ok()) {
      return status;
    }
  }
  std::string gtin;
  if (!request.gtin().empty()) {
    auto normalized = NormalizeGtinField(request.gtin(), "gtin");
    if (!normalized.ok()) return normalized.status();
    gtin = *normalized;
  } else if (producer_id.empty()) {
    return absl::InvalidArgumentError(
        "gtin or producer_id is required: list the batches of a product or "
        "of a producer");
  }
  std::string start_after;
  if (!request.page().page_token().empty()) {
    auto token = DecodePageToken(request.page().page_token());
    if (!token.ok()) return token.status();
    start_after = std::move(*token);
  }
  const size_t limit = PageSize(request.page());
  std::unique_ptr<storage::ReadView> snapshot = impl_->store->Snapshot();
  StateReader state(*snapshot);
  if (!gtin.empty()) {
    auto product = state.Product(gtin);
    if (!product.ok()) return product.status();
    if (auto status =
            AuthorizeOwner(caller, kMethod, product->record().producer_id(),
                           absl::StrCat("product ", gtin));
        !status.ok()) {
      return status;
    }
  }
  v1::ListBatchesResponse response;
  absl::Status problem;
  std::string last;
  auto add = [&](std::string_view key,
                 absl::StatusOr<state::BatchState> batch) {
    if (static_cast<size_t>(response.batches_size()) == limit) {
      response.set_next_page_token(EncodePageToken(last));
      return false;
    }
    if (!batch.ok()) {
      problem = batch.status();
      return false;
    }
    last = std::string(key);
    if (!producer_id.empty() && batch->producer_id() != producer_id) {
      return true;
    }
    *response.add_batches() = Impl::BuildBatch(*batch);
    return true;
  };
  absl::Status scan;
  if (!gtin.empty()) {
    scan = state.ScanRecords(
        absl::StrCat("batch/", gtin, "/"), start_after,
        [&](std::string_view subject, std::string_view value) {
          return add(subject, DecodeRecord<state::BatchState>(value, "batch"));
        });
  } else {
    scan = state.ScanIndex(
        storage::kIndexProducerBatches, {producer_id}, start_after,
        [&](std::string_view key, const std::vector<std::string>& rest) {
          auto lot = PercentDecode(rest.at(1));
          return add(
              key, lot.ok() ? state.Batch(rest.at(0), *lot)
                            : absl::StatusOr<state::BatchState>(lot.status()));
        });
  }
  if (!scan.ok()) return scan;
  if (!problem.ok()) return problem;
  return response;
}

void Service::GetHistory(const Caller& caller,
                         const v1::GetHistoryRequest& request,
                         Callback<v1::GetHistoryResponse> done) {
  constexpr Method kMethod = Method::kGetHistory;
  if (auto status = AuthorizeCall(caller, kMethod); !status.ok()) {
    return done(status);
  }
  auto id = BatchId(request.batch());
  if (!id.ok()) return done(id.status());
  StateReader state(impl_->store->Latest());
  auto batch = state.Batch(id->first, id->second);
  if (!batch.ok()) return done(batch.status());
  if (auto status =
          AuthorizeOwner(caller, kMethod, batch->producer_id(),
                         absl::StrCat("batch ", id->first, "/", id->second));
      !status.ok()) {
    return done(status);
  }
  const std::string subject = BatchSubject(id->first, id->second);
  auto entries = WholeChain(*impl_->ledger, subject);
  if (!entries.ok()) return done(entries.status());
  if (entries->empty()) {
    return done(absl::NotFoundError(
        absl::StrCat("batch ", id->first, "/", id->second, " has no entries")));
  }
  auto checkpoint =
      impl_->ledger->CheckpointCovering(entries->back().index + 1);
  if (!checkpoint.ok()) return done(checkpoint.status());
  const uint64_t tree_size = checkpoint->checkpoint.size;

  v1::GetHistoryResponse response;
  *response.mutable_batch() = Impl::BuildBatch(*batch);
  response.set_checkpoint(checkpoint->note);
  for (ledger::StoredEntry& stored : *entries) {
    v1::HistoryItem* item = response.add_items();
    auto proof = impl_->ledger->InclusionProof(stored.index, tree_size);
    if (!proof.ok()) return done(proof.status());
    auto parsed = ParseEntry(stored.entry);
    if (!parsed.ok()) return done(parsed.status());
    const std::string& kind = parsed->header.kind;
    item->set_kind(kind);
    // The signer: the first signature by a key the log registered.
    for (const NoteSignature& signature : parsed->note.signatures) {
      if (impl_->registry.Find(signature.name) ||
          signature.name == impl_->registry.authority().name) {
        item->set_signer(signature.name);
        break;
      }
    }
    if (kind == kinds::kBatchCreated) {
      auto body =
          ParseBody<v1::BatchRecord>(stored.body, BodyType::kBatchRecord);
      if (body.ok()) *item->mutable_batch() = std::move(*body);
    } else if (!EventStep(kind).empty()) {
      auto body = ParseBody<v1::TraceEvent>(stored.body, BodyType::kTraceEvent);
      if (body.ok()) *item->mutable_event() = std::move(*body);
    } else if (kind == kinds::kLabelsIssued) {
      auto body =
          ParseBody<v1::LabelsIssued>(stored.body, BodyType::kLabelsIssued);
      // Without the serial list: it is in the body bytes below already.
      if (body.ok()) {
        body->clear_serials();
        *item->mutable_labels_issued() = std::move(*body);
      }
    } else if (kind == kinds::kLabelsVoided) {
      auto body =
          ParseBody<v1::LabelsVoided>(stored.body, BodyType::kLabelsVoided);
      if (body.ok()) *item->mutable_labels_voided() = std::move(*body);
    }
    v1::ProvenEntry* proven = item->mutable_proven();
    proven->mutable_entry()->set_index(stored.index);
    proven->mutable_entry()->set_entry(std::move(stored.entry));
    proven->mutable_entry()->set_body(std::move(stored.body));
    for (const Hash& hash : *proof)
      proven->add_inclusion_proof(HashToBytes(hash));
    proven->set_tree_size(tree_size);
  }
  done(std::move(response));
}

}  // namespace ocoptrace::trace
