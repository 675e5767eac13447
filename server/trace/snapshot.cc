// Trust snapshots (snapshot.h) and Service::GetTrustSnapshot: build the
// region's snapshot from the derived state, reuse the newest logged one
// when it says the same and is young, else sign and append a new
// trust.snapshot entry with the authority key; answer with the entry, the
// authority's key.added entry and their inclusion proofs under one
// checkpoint.
#include "server/trace/snapshot.h"

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/log_entry.h"
#include "core/timestamp.h"
#include "server/trace/kinds.h"
#include "server/trace/service_impl.h"
#include "server/trace/state_machine.h"
#include "server/trace/subjects.h"

namespace ocoptrace::trace {
namespace {

bool UnitsName(const google::protobuf::RepeatedPtrField<v1::AdminUnit>& units,
               std::string_view region) {
  for (const v1::AdminUnit& unit : units) {
    if (unit.code() == region || unit.parent_code() == region) return true;
  }
  return false;
}

bool AddressIn(const v1::Address& address, std::string_view region) {
  return UnitsName(address.units_at_time(), region) ||
         UnitsName(address.current_units(), region);
}

// Visits the decoded records under `prefix`; stops at the first record that
// does not parse and returns its DataLoss.
template <typename Record>
absl::Status ForEachRecord(
    const StateReader& state, std::string_view prefix, std::string_view what,
    const std::function<absl::Status(std::string_view subject, Record& record)>&
        visit) {
  absl::Status failure;
  absl::Status scan = state.ScanRecords(
      prefix, "", [&](std::string_view subject, std::string_view value) {
        auto record = DecodeRecord<Record>(value, what);
        if (!record.ok()) {
          failure = record.status();
          return false;
        }
        failure = visit(subject, *record);
        return failure.ok();
      });
  if (!scan.ok()) return scan;
  return failure;
}

// The labels voided on the batch's chain, from its labels.voided entries.
absl::Status AddVoidedLabels(const ledger::Ledger& ledger,
                             const state::BatchState& batch,
                             v1::TrustSnapshot& snapshot) {
  const std::string subject =
      BatchSubject(batch.record().gtin(), batch.record().lot());
  auto entries = ledger.SubjectEntries(subject, 0, batch.entries());
  if (!entries.ok()) return entries.status();
  for (const ledger::StoredEntry& stored : *entries) {
    auto parsed = ParseEntry(stored.entry);
    if (!parsed.ok() || parsed->header.kind != kinds::kLabelsVoided) continue;
    auto voided =
        ParseBody<v1::LabelsVoided>(stored.body, BodyType::kLabelsVoided);
    if (!voided.ok()) {
      return absl::DataLossError(absl::StrCat("labels.voided entry ",
                                              stored.index, ": ",
                                              voided.status().message()));
    }
    for (const std::string& serial : voided->serials()) {
      v1::SnapshotVoidedLabel* label = snapshot.add_voided_labels();
      label->set_gtin(batch.record().gtin());
      label->set_serial(serial);
      label->set_lot(batch.record().lot());
      label->set_reason(voided->reason());
    }
  }
  return absl::OkStatus();
}

// The newest trust.snapshot entry of `region` among the last entries of
// service/authority, if its body is `body` and it is younger than
// kTrustSnapshotReuseAge at `now`.
absl::StatusOr<std::optional<uint64_t>> FindReusableSnapshot(
    const ledger::Ledger& ledger, std::string_view region,
    const std::string& body, absl::Time now) {
  auto head = ledger.Head(kAuthoritySubject);
  if (!head.ok()) return head.status();
  const uint64_t from = head->next_seq > kTrustSnapshotSearchDepth
                            ? head->next_seq - kTrustSnapshotSearchDepth
                            : 0;
  auto entries =
      ledger.SubjectEntries(kAuthoritySubject, from, kTrustSnapshotSearchDepth);
  if (!entries.ok()) return entries.status();
  for (auto it = entries->rbegin(); it != entries->rend(); ++it) {
    auto parsed = ParseEntry(it->entry);
    if (!parsed.ok() || parsed->header.kind != kinds::kTrustSnapshot) continue;
    v1::TrustSnapshot logged;
    if (!logged.ParseFromString(it->body) || logged.region() != region) {
      continue;
    }
    // The newest snapshot of the region decides.
    if (it->body == body &&
        now - ToAbslTime(parsed->header.time) < kTrustSnapshotReuseAge) {
      return std::optional<uint64_t>(it->index);
    }
    return std::optional<uint64_t>();
  }
  return std::optional<uint64_t>();
}

absl::Status Prove(const ledger::Ledger& ledger, uint64_t index,
                   uint64_t tree_size, v1::ProvenEntry& out) {
  auto stored = ledger.Entry(index);
  if (!stored.ok()) return stored.status();
  auto proof = ledger.InclusionProof(index, tree_size);
  if (!proof.ok()) return proof.status();
  out.mutable_entry()->set_index(index);
  out.mutable_entry()->set_entry(std::move(stored->entry));
  out.mutable_entry()->set_body(std::move(stored->body));
  for (const Hash& hash : *proof) out.add_inclusion_proof(HashToBytes(hash));
  out.set_tree_size(tree_size);
  return absl::OkStatus();
}

// The answer for the snapshot entry at `index`: a checkpoint covering it and
// the proofs. May sign a checkpoint (a synced write).
absl::StatusOr<v1::GetTrustSnapshotResponse> ProveSnapshot(
    ledger::Ledger& ledger, uint64_t index) {
  auto authority = ledger.SubjectEntryIndex(kAuthoritySubject, 0);
  if (!authority.ok()) return authority.status();
  auto checkpoint = ledger.CheckpointCovering(index + 1);
  if (!checkpoint.ok()) return checkpoint.status();
  const uint64_t tree_size = checkpoint->checkpoint.size;
  v1::GetTrustSnapshotResponse response;
  response.set_checkpoint(checkpoint->note);
  if (auto status =
          Prove(ledger, index, tree_size, *response.mutable_snapshot());
      !status.ok()) {
    return status;
  }
  if (auto status = Prove(ledger, *authority, tree_size,
                          *response.mutable_authority_key());
      !status.ok()) {
    return status;
  }
  return response;
}

}  // namespace

bool ProducerInRegion(const state::ProducerState& producer,
                      std::string_view region) {
  if (region.empty()) return true;
  return AddressIn(producer.record().address(), region) ||
         AddressIn(producer.address_as_registered(), region);
}

absl::StatusOr<v1::TrustSnapshot> BuildTrustSnapshot(
    const StateReader& state, const ledger::Ledger& ledger,
    std::string_view region) {
  v1::TrustSnapshot snapshot;
  snapshot.set_region(std::string(region));
  std::set<std::string> producers;
  absl::Status status = ForEachRecord<state::ProducerState>(
      state, "producer/", "producer",
      [&](std::string_view, state::ProducerState& producer) {
        if (!ProducerInRegion(producer, region)) return absl::OkStatus();
        v1::SnapshotProducer* out = snapshot.add_producers();
        out->set_id(producer.record().id());
        out->set_name(producer.record().name());
        out->set_demo(producer.record().demo());
        producers.insert(producer.record().id());
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  if (!region.empty() && producers.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "region: no producer's address has the administrative-unit code '",
        std::string(region),
        "'; give a province, district or commune code as recorded in "
        "producers' addresses (e.g. 06 for the former Bắc Kạn province), or "
        "none for the whole log"));
  }
  status = ForEachRecord<state::ProductState>(
      state, "product/", "product",
      [&](std::string_view, state::ProductState& product) {
        if (!producers.contains(product.record().producer_id())) {
          return absl::OkStatus();
        }
        v1::SnapshotProduct* out = snapshot.add_products();
        out->set_gtin(product.record().gtin());
        out->set_name(product.record().name());
        out->set_producer_id(product.record().producer_id());
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  status = ForEachRecord<state::CertificateState>(
      state, "certificate/", "certificate",
      [&](std::string_view, state::CertificateState& certificate) {
        const v1::CertificateRecord& record = certificate.record();
        if (!producers.contains(record.producer_id())) return absl::OkStatus();
        v1::SnapshotCertificate* out = snapshot.add_certificates();
        out->set_number(record.number());
        out->set_stars(record.stars());
        out->set_producer_id(record.producer_id());
        *out->mutable_products() = record.products();
        *out->mutable_valid_from() = record.valid_from();
        *out->mutable_valid_until() = record.valid_until();
        if (certificate.revoked()) {
          *out->mutable_revocation() = certificate.revocation();
        }
        auto successor = state.CertificateSuccessor(record.number());
        if (!successor.ok()) return successor.status();
        if (*successor) out->set_superseded_by(**successor);
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  status = ForEachRecord<state::BatchState>(
      state, "batch/", "batch",
      [&](std::string_view, state::BatchState& batch) {
        if (batch.labels_voided() == 0 ||
            !producers.contains(batch.producer_id())) {
          return absl::OkStatus();
        }
        return AddVoidedLabels(ledger, batch, snapshot);
      });
  if (!status.ok()) return status;
  std::sort(
      snapshot.mutable_voided_labels()->begin(),
      snapshot.mutable_voided_labels()->end(),
      [](const v1::SnapshotVoidedLabel& a, const v1::SnapshotVoidedLabel& b) {
        return std::tie(a.gtin(), a.serial()) < std::tie(b.gtin(), b.serial());
      });
  absl::Status scan = state.ScanKeys([&](const state::KeyState& key) {
    v1::SnapshotKey* out = snapshot.add_keys();
    out->set_vkey(key.vkey());
    out->set_role(key.role());
    out->set_producer_id(key.producer_id());
    out->set_revoked(key.revoked());
    out->set_revocation_reason(key.revocation_reason());
    return true;
  });
  if (!scan.ok()) return scan;
  return snapshot;
}

void Service::GetTrustSnapshot(const Caller& caller,
                               const v1::GetTrustSnapshotRequest& request,
                               Callback<v1::GetTrustSnapshotResponse> done) {
  // Public, like the rest of Verify: anonymous callers are welcome.
  (void)caller;
  Impl& impl = *impl_;
  std::unique_ptr<storage::ReadView> view = impl.store->Snapshot();
  auto snapshot =
      BuildTrustSnapshot(StateReader(*view), *impl.ledger, request.region());
  if (!snapshot.ok()) return done(snapshot.status());
  std::string body = snapshot->SerializeAsString();
  auto reusable = FindReusableSnapshot(*impl.ledger, request.region(), body,
                                       impl.clock->Now());
  if (!reusable.ok()) return done(reusable.status());
  if (*reusable) return done(ProveSnapshot(*impl.ledger, **reusable));
  impl.SubmitAuthority(
      std::string(kinds::kTrustSnapshot), std::string(kAuthoritySubject),
      std::move(body), nullptr, nullptr,
      [&impl, done](absl::StatusOr<v1::EntryReceipt> receipt) {
        if (!receipt.ok()) return done(receipt.status());
        // Proving may sign a checkpoint (a synced write): not on the
        // ledger's thread, which runs this callback.
        std::lock_guard<std::mutex> lock(impl.background_mutex);
        impl.background.emplace_back([&impl, index = receipt->index(), done] {
          done(ProveSnapshot(*impl.ledger, index));
        });
      });
}

}  // namespace ocoptrace::trace
