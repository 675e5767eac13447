// EPCIS reads of trace::Service: a batch as an EPCIS document, the national
// portal export, and GET /epcis/events queries over every batch the caller
// may read.
#include <algorithm>
#include <set>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "core/base64.h"
#include "core/gs1.h"
#include "core/log_entry.h"
#include "epcis/cbv_vocabulary.h"
#include "epcis/portal_export.h"
#include "nlohmann/json.hpp"
#include "server/storage/keys.h"
#include "server/trace/authorization.h"
#include "server/trace/epcis_index.h"
#include "server/trace/epcis_service.h"
#include "server/trace/kinds.h"
#include "server/trace/rules.h"
#include "server/trace/service_impl.h"

namespace ocoptrace::trace {
namespace {

using nlohmann::json;

// Reads of batches: any role; producers their own (docs/kinds.md).
absl::Status AuthorizeRead(const Caller& caller, const char* method) {
  if (caller.anonymous()) {
    return absl::UnauthenticatedError(
        absl::StrCat(method, " needs a bearer token (any role)"));
  }
  if (caller.role == v1::ROLE_UNSPECIFIED) {
    return absl::PermissionDeniedError(
        absl::StrCat(method,
                     " needs role admin, certifier, producer or "
                     "inspector"));
  }
  return absl::OkStatus();
}

absl::Status AuthorizeBatch(const Caller& caller, const char* method,
                            const state::BatchState& batch) {
  if (caller.role != v1::ROLE_PRODUCER ||
      caller.producer_id == batch.producer_id()) {
    return absl::OkStatus();
  }
  return absl::PermissionDeniedError(absl::StrCat(
      method, ": batch ", batch.record().gtin(), "/", batch.record().lot(),
      " belongs to producer '", batch.producer_id(), "'; you are producer '",
      caller.producer_id, "' and may read only your own"));
}

absl::StatusOr<std::pair<std::string, std::string>> BatchId(
    const v1::BatchRef& ref, bool lot_optional) {
  absl::StatusOr<std::string> gtin =
      NormalizeGtinField(ref.gtin(), "batch.gtin");
  if (!gtin.ok()) return gtin.status();
  if (lot_optional && ref.lot().empty()) return std::make_pair(*gtin, "");
  if (absl::Status status = ValidateLot(ref.lot()); !status.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("batch.", status.message()));
  }
  return std::make_pair(*gtin, ref.lot());
}

absl::StatusOr<std::vector<ledger::StoredEntry>> Chain(
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

// The checkpoint covering every entry of `subject` (signed now if needed).
absl::StatusOr<ledger::SignedCheckpoint> CheckpointForChain(
    Service::Impl& impl, const std::string& subject) {
  absl::StatusOr<ledger::SubjectHead> head = impl.ledger->Head(subject);
  if (!head.ok()) return head.status();
  return impl.ledger->CheckpointCovering(head->last_index + 1);
}

// Encodes the position after which the next page starts.
std::string QueryToken(const std::string& subject, uint64_t index) {
  return Base64UrlEncode(absl::StrCat(subject, std::string(1, '\0'), index));
}

absl::Status DecodeQueryToken(const std::string& token, std::string* subject,
                              uint64_t* index) {
  absl::StatusOr<std::string> decoded = Base64UrlDecode(token);
  const size_t zero = decoded.ok() ? decoded->find('\0') : std::string::npos;
  if (zero == std::string::npos ||
      !absl::SimpleAtoi(decoded->substr(zero + 1), index)) {
    return absl::InvalidArgumentError(
        "nextPageToken: not a token this server returned; pass the Link "
        "header's URL on unchanged");
  }
  *subject = decoded->substr(0, zero);
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<epcis::ExportInput> BatchExportInput(
    const Service::Impl& impl, const StateReader& state,
    const state::BatchState& batch, uint64_t tree_size,
    const std::string& checkpoint_note) {
  const v1::BatchRecord& record = batch.record();
  epcis::ExportInput input;
  input.batch = Service::Impl::BuildBatch(batch);
  input.checkpoint = checkpoint_note;
  input.base_url = impl.options.resolver_base;
  input.creation_time =
      TimestampAt(impl.clock->Now(), impl.options.utc_offset_minutes);
  absl::StatusOr<state::ProductState> product = state.Product(record.gtin());
  if (!product.ok()) return product.status();
  input.product = product->record();
  absl::StatusOr<state::ProducerState> producer =
      state.Producer(batch.producer_id());
  if (!producer.ok()) return producer.status();
  input.producer = producer->record();
  absl::Status problem;
  absl::Status scan = state.ScanIndex(
      storage::kIndexProductCertificates, {record.gtin()}, "",
      [&](std::string_view, const std::vector<std::string>& rest) {
        absl::StatusOr<std::string> number = PercentDecode(rest.at(0));
        absl::StatusOr<state::CertificateState> certificate =
            number.ok()
                ? state.Certificate(*number)
                : absl::StatusOr<state::CertificateState>(number.status());
        absl::StatusOr<v1::Certificate> built =
            certificate.ok()
                ? impl.BuildCertificate(state, *certificate, impl.Today())
                : absl::StatusOr<v1::Certificate>(certificate.status());
        if (!built.ok()) {
          problem = built.status();
          return false;
        }
        input.certificates.push_back(*std::move(built));
        return true;
      });
  if (!scan.ok()) return scan;
  if (!problem.ok()) return problem;

  absl::StatusOr<std::vector<ledger::StoredEntry>> entries =
      Chain(*impl.ledger, BatchSubject(record.gtin(), record.lot()));
  if (!entries.ok()) return entries.status();
  for (ledger::StoredEntry& stored : *entries) {
    if (stored.index >= tree_size) break;
    absl::StatusOr<ParsedEntry> parsed = ParseEntry(stored.entry);
    if (!parsed.ok()) return parsed.status();
    absl::StatusOr<std::vector<Hash>> proof =
        impl.ledger->InclusionProof(stored.index, tree_size);
    if (!proof.ok()) return proof.status();
    v1::HistoryItem& item = input.items.emplace_back();
    const std::string& kind = parsed->header.kind;
    item.set_kind(kind);
    for (const NoteSignature& signature : parsed->note.signatures) {
      if (impl.registry.Find(signature.name) ||
          signature.name == impl.registry.authority().name) {
        item.set_signer(signature.name);
        break;
      }
    }
    if (kind == kinds::kBatchCreated) {
      item.mutable_batch()->ParseFromString(stored.body);
    } else if (!EventStep(kind).empty()) {
      item.mutable_event()->ParseFromString(stored.body);
    }
    v1::ProvenEntry* proven = item.mutable_proven();
    proven->mutable_entry()->set_index(stored.index);
    proven->mutable_entry()->set_entry(std::move(stored.entry));
    proven->mutable_entry()->set_body(std::move(stored.body));
    for (const Hash& hash : *proof) {
      proven->add_inclusion_proof(HashToBytes(hash));
    }
    proven->set_tree_size(tree_size);
  }
  return input;
}

void Service::ExportEpcis(const Caller& caller,
                          const v1::ExportEpcisRequest& request,
                          Callback<v1::ExportEpcisResponse> done) {
  if (absl::Status status = AuthorizeRead(caller, "ExportEpcis");
      !status.ok()) {
    return done(status);
  }
  auto id = BatchId(request.batch(), /*lot_optional=*/false);
  if (!id.ok()) return done(id.status());
  const StateReader state(impl_->store->Latest());
  absl::StatusOr<state::BatchState> batch = state.Batch(id->first, id->second);
  if (!batch.ok()) return done(batch.status());
  if (absl::Status status = AuthorizeBatch(caller, "ExportEpcis", *batch);
      !status.ok()) {
    return done(status);
  }
  absl::StatusOr<ledger::SignedCheckpoint> checkpoint =
      CheckpointForChain(*impl_, BatchSubject(id->first, id->second));
  if (!checkpoint.ok()) return done(checkpoint.status());
  absl::StatusOr<epcis::ExportInput> input = BatchExportInput(
      *impl_, state, *batch, checkpoint->checkpoint.size, checkpoint->note);
  if (!input.ok()) return done(input.status());
  absl::StatusOr<json> document = epcis::ExportBatchDocument(*input);
  if (!document.ok()) return done(document.status());
  v1::ExportEpcisResponse response;
  response.set_event_count(
      static_cast<uint32_t>((*document)["epcisBody"]["eventList"].size()));
  response.set_document(document->dump(2));
  done(std::move(response));
}

void Service::ExportPortal(const Caller& caller,
                           const v1::ExportPortalRequest& request,
                           Callback<v1::ExportPortalResponse> done) {
  if (absl::Status status = AuthorizeRead(caller, "ExportPortal");
      !status.ok()) {
    return done(status);
  }
  auto id = BatchId(request.batch(), /*lot_optional=*/true);
  if (!id.ok()) return done(id.status());
  const StateReader state(impl_->store->Latest());
  std::vector<state::BatchState> batches;
  if (!id->second.empty()) {
    absl::StatusOr<state::BatchState> batch =
        state.Batch(id->first, id->second);
    if (!batch.ok()) return done(batch.status());
    batches.push_back(*std::move(batch));
  } else {
    absl::StatusOr<state::ProductState> product = state.Product(id->first);
    if (!product.ok()) return done(product.status());
    absl::Status problem;
    absl::Status scan = state.ScanRecords(
        absl::StrCat("batch/", id->first, "/"), "",
        [&](std::string_view, std::string_view value) {
          auto batch = DecodeRecord<state::BatchState>(value, "batch");
          if (!batch.ok()) {
            problem = batch.status();
            return false;
          }
          batches.push_back(*std::move(batch));
          return true;
        });
    if (!scan.ok()) return done(scan);
    if (!problem.ok()) return done(problem);
    if (batches.empty()) {
      return done(absl::FailedPreconditionError(absl::StrCat(
          "product ", id->first,
          " has no batches; the portal export describes batches (lô): "
          "create one first")));
    }
  }
  v1::ExportPortalResponse response;
  for (const state::BatchState& batch : batches) {
    if (absl::Status status = AuthorizeBatch(caller, "ExportPortal", batch);
        !status.ok()) {
      return done(status);
    }
    const std::string subject =
        BatchSubject(batch.record().gtin(), batch.record().lot());
    absl::StatusOr<ledger::SignedCheckpoint> checkpoint =
        CheckpointForChain(*impl_, subject);
    if (!checkpoint.ok()) return done(checkpoint.status());
    absl::StatusOr<epcis::ExportInput> input = BatchExportInput(
        *impl_, state, batch, checkpoint->checkpoint.size, checkpoint->note);
    if (!input.ok()) return done(input.status());
    absl::StatusOr<epcis::PortalExport> portal =
        epcis::ExportPortalDocument(*input);
    if (!portal.ok()) return done(portal.status());
    v1::PortalBatchExport* out = response.add_exports();
    out->mutable_batch()->set_gtin(batch.record().gtin());
    out->mutable_batch()->set_lot(batch.record().lot());
    out->set_document(portal->document.dump(2));
    for (const epcis::MissingItem& missing : portal->missing) {
      v1::PortalMissingItem* item = out->add_missing();
      item->set_item(missing.item);
      item->set_field(missing.field);
      item->set_detail(missing.detail);
    }
    out->set_complete(portal->complete());
  }
  done(std::move(response));
}

void Service::QueryEpcisEvents(const Caller& caller, EpcisEventQuery query,
                               Callback<EpcisEventPage> done) {
  if (absl::Status status = AuthorizeRead(caller, "GET /epcis/events");
      !status.ok()) {
    return done(status);
  }
  auto shared_done = std::make_shared<Callback<EpcisEventPage>>(done);
  absl::Status posted =
      EpcisCapturesOf(this, impl_.get())
          .Post([this, caller, query = std::move(query), shared_done] {
            (*shared_done)(RunEpcisQuery(*impl_, caller, query));
          });
  if (!posted.ok()) done(posted);
}

absl::StatusOr<EpcisEventPage> RunEpcisQuery(Service::Impl& impl,
                                             const Caller& caller,
                                             const EpcisEventQuery& query) {
  std::string start_subject;
  uint64_t after_index = 0;
  bool resuming = false;
  if (!query.page_token.empty()) {
    if (absl::Status status =
            DecodeQueryToken(query.page_token, &start_subject, &after_index);
        !status.ok()) {
      return status;
    }
    resuming = true;
  }
  absl::StatusOr<ledger::SignedCheckpoint> checkpoint =
      impl.ledger->CheckpointCovering(impl.ledger->size());
  if (!checkpoint.ok()) return checkpoint.status();
  const uint64_t tree_size = checkpoint->checkpoint.size;
  std::unique_ptr<storage::ReadView> snapshot = impl.store->Snapshot();
  const StateReader state(*snapshot);
  const EpcisEventMatcher matcher(query);

  // EQ_eventID of captured events: only the batches the index names.
  std::optional<std::set<std::string>> only_subjects;
  if (!query.event_ids.empty()) {
    std::set<std::string> subjects;
    bool all_indexed = true;
    for (const std::string& id : query.event_ids) {
      absl::StatusOr<std::vector<EpcisEventLocation>> found =
          FindEpcisEvent(*snapshot, id);
      if (!found.ok()) return found.status();
      if (found->empty()) all_indexed = false;
      for (const EpcisEventLocation& location : *found) {
        subjects.insert(location.subject);
      }
    }
    if (all_indexed) only_subjects = std::move(subjects);
  }

  json events = json::array();
  json prefixes = json::object();
  std::string last_subject;
  uint64_t last_index = 0;
  EpcisEventPage page;
  absl::Status problem;
  // Visits one batch; false to stop (page full or error).
  auto visit = [&](const std::string& subject,
                   const state::BatchState& batch) -> bool {
    if (caller.role == v1::ROLE_PRODUCER &&
        batch.producer_id() != caller.producer_id) {
      return true;
    }
    if (only_subjects && only_subjects->count(subject) == 0) return true;
    absl::StatusOr<epcis::ExportInput> input =
        BatchExportInput(impl, state, batch, tree_size, checkpoint->note);
    absl::StatusOr<json> document = input.ok()
                                        ? epcis::ExportBatchDocument(*input)
                                        : absl::StatusOr<json>(input.status());
    if (!document.ok()) {
      problem = document.status();
      return false;
    }
    const json& context = (*document)["@context"];
    for (json& event : (*document)["epcisBody"]["eventList"]) {
      const uint64_t index =
          event["ocop:ledgerEntry"].value("ocop:index", uint64_t{0});
      if (resuming && subject == start_subject && index <= after_index) {
        continue;
      }
      if (!matcher.Matches(event)) continue;
      // An event about several lots is on each of their chains: report it
      // once, under the first.
      const std::string event_id = event.value("eventID", "");
      absl::StatusOr<std::vector<EpcisEventLocation>> stored =
          FindEpcisEvent(*snapshot, event_id);
      if (!stored.ok()) {
        problem = stored.status();
        return false;
      }
      if (!stored->empty() && stored->front().subject != subject) continue;
      if (events.size() == query.per_page) {
        page.next_page_token = QueryToken(last_subject, last_index);
        return false;
      }
      if (context.is_array() && context.size() > 1) {
        for (const auto& [prefix, iri] : context[1].items()) {
          if (!prefixes.contains(prefix)) prefixes[prefix] = iri;
        }
      }
      events.push_back(std::move(event));
      last_subject = subject;
      last_index = index;
    }
    return true;
  };
  bool go_on = true;
  if (resuming) {
    absl::StatusOr<ParsedSubject> subject = ParseSubject(start_subject);
    if (!subject.ok() || subject->type != SubjectType::kBatch) {
      return absl::InvalidArgumentError(
          "nextPageToken: not a token this server returned");
    }
    absl::StatusOr<state::BatchState> batch =
        state.Batch(subject->id, subject->lot);
    if (batch.ok()) go_on = visit(start_subject, *batch);
  }
  if (go_on && problem.ok()) {
    absl::Status scan = state.ScanRecords(
        "batch/", resuming ? start_subject : "",
        [&](std::string_view subject, std::string_view value) {
          auto batch = DecodeRecord<state::BatchState>(value, "batch");
          if (!batch.ok()) {
            problem = batch.status();
            return false;
          }
          return visit(std::string(subject), *batch);
        });
    if (!scan.ok()) return scan;
  }
  if (!problem.ok()) return problem;

  prefixes.erase(epcis::kOcopPrefix);
  page.event_count = events.size();
  // An EPCISQueryDocument has no epcisHeader: the checkpoint the proofs
  // refer to and the verifier keys are top-level extensions.
  json document = {
      {"@context", epcis::ExportContext(prefixes)},
      {"type", "EPCISQueryDocument"},
      {"schemaVersion", "2.0"},
      {"creationDate",
       FormatRfc3339(
           TimestampAt(impl.clock->Now(), impl.options.utc_offset_minutes))},
      {"ocop:ignoreFields", json::array({"ocop:ledgerEntry"})},
      {"ocop:checkpoint", checkpoint->note},
      {"epcisBody",
       {{"queryResults",
         {{"queryName", "SimpleEventQuery"},
          {"resultsBody", {{"eventList", std::move(events)}}}}}}},
  };
  if (!impl.options.resolver_base.empty()) {
    document["ocop:keys"] = absl::StrCat(impl.options.resolver_base, "/keys");
  }
  page.document = document.dump();
  return page;
}

}  // namespace ocoptrace::trace
