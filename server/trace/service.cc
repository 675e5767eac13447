// Service: opening (ledger, key registry, principals, the service's own
// keys), and the maintenance operations (rebuild, digest).
#include "server/trace/service.h"

#include <algorithm>
#include <map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "server/storage/keys.h"
#include "server/trace/kinds.h"
#include "server/trace/labels.h"
#include "server/trace/service_impl.h"

namespace ocoptrace::trace {
namespace {

using storage::Column;

// The columns RebuildState recomputes. Not kPrincipals (access control),
// not kScans (telemetry): neither comes from the log.
constexpr Column kDerivedColumns[] = {Column::kState, Column::kIndexes,
                                      Column::kLabels};

// Deletes in chunks so that one batch stays small.
constexpr size_t kClearChunk = 1000;

void AppendLengthPrefixed(Sha256Hasher& hasher, std::string_view bytes) {
  const uint32_t size = static_cast<uint32_t>(bytes.size());
  const char length[4] = {
      static_cast<char>(size >> 24), static_cast<char>(size >> 16),
      static_cast<char>(size >> 8), static_cast<char>(size)};
  hasher.Update(std::string_view(length, 4));
  hasher.Update(bytes);
}

}  // namespace

Service::Impl::Impl(storage::Store* store, ServiceKeys keys, Clock* clock,
                    RandomSource* random, ServiceOptions options)
    : store(store),
      keys(std::move(keys)),
      clock(clock),
      options(std::move(options)),
      registry(VerifierOf(this->keys.authority)),
      random(random) {}

Service::Impl::~Impl() {
  // No issuance starts after this; the running one finishes.
  label_worker.Stop();
  // EPCIS capture jobs stop appending (epcis_captures.h).
  epcis.reset();
  std::vector<std::thread> threads;
  {
    std::lock_guard<std::mutex> lock(background_mutex);
    threads.swap(background);
  }
  for (std::thread& thread : threads) thread.join();
  // The ledger stops before the registry it points to goes away.
  ledger.reset();
}

absl::Status Service::Impl::Open() {
  if (keys.authority.key.empty() || keys.log.key.empty()) {
    return absl::InvalidArgumentError(
        "the service needs its log and authority keys (ServiceKeys)");
  }
  if (auto status = registry.Load(StateReader(store->Latest())); !status.ok()) {
    return status;
  }
  // Principals (access control, not derived from the log).
  {
    std::unique_lock lock(principals_mutex);
    const std::string prefix = storage::PrincipalTokenKey("");
    absl::Status problem;
    absl::Status scan = store->Latest().Scan(
        Column::kPrincipals, prefix, storage::PrefixEnd(prefix),
        [&](std::string_view key, std::string_view value) {
          auto principal = DecodeRecord<v1::Principal>(value, "principal");
          if (!principal.ok()) {
            problem = principal.status();
            return false;
          }
          std::string hash(key.substr(prefix.size()));
          token_hash_by_name[principal->name()] = hash;
          principals_by_token_hash[hash] = std::move(*principal);
          return true;
        });
    if (!scan.ok()) return scan;
    if (!problem.ok()) return problem;
  }
  // Client-signed entries keep the configured body limit (VerifySubmission
  // checks it); the ledger also takes the service's labels.issued bodies.
  client_max_body_bytes = options.ledger.max_body_bytes;
  ledger::LedgerOptions ledger_options = options.ledger;
  ledger_options.max_body_bytes =
      std::max(ledger_options.max_body_bytes,
               LabelsIssuedBodyLimit(options.max_labels_per_request));
  auto opened =
      ledger::Ledger::Open(store, &registry, keys.log, clock, ledger_options);
  if (!opened.ok()) return opened.status();
  ledger = std::move(*opened);

  // Record the service's own keys the log does not know yet.
  struct ServiceKey {
    const NoteSigner* signer;
    v1::KeyRole role;
    std::string_view subject;
  };
  std::vector<ServiceKey> service_keys = {
      {&keys.authority, v1::KEY_ROLE_AUTHORITY, kAuthoritySubject}};
  for (const NoteSigner& label : keys.labels) {
    service_keys.push_back({&label, v1::KEY_ROLE_LABEL, kLabelsSubject});
  }
  // What the log says, not the derived state (which may be awaiting a
  // rebuild): the key.added entries of the service's own chains.
  std::map<std::string, std::string> logged;  // key name -> vkey
  for (std::string_view subject : {kAuthoritySubject, kLabelsSubject}) {
    auto entries = ledger->SubjectEntries(subject, 0, 100000);
    if (!entries.ok()) return entries.status();
    for (const ledger::StoredEntry& stored : *entries) {
      auto parsed = ParseEntry(stored.entry);
      if (!parsed.ok() || parsed->header.kind != kinds::kKeyAdded) continue;
      auto record = ParseBody<v1::KeyRecord>(stored.body, BodyType::kKeyRecord);
      if (!record.ok()) continue;
      auto verifier = ParseVkey(record->vkey());
      if (verifier.ok()) logged[verifier->name] = record->vkey();
    }
  }
  for (const ServiceKey& key : service_keys) {
    const std::string vkey = FormatVkey(VerifierOf(*key.signer));
    if (auto known = logged.find(key.signer->name); known != logged.end()) {
      if (known->second != vkey) {
        return absl::FailedPreconditionError(
            absl::StrCat("the log already has a key named '", key.signer->name,
                         "' with another public key (", known->second,
                         "); give the new key another name"));
      }
      continue;
    }
    v1::KeyRecord record;
    record.set_vkey(vkey);
    record.set_role(key.role);
    record.set_holder("traced");
    auto receipt = SubmitAuthorityAndWait(std::string(kinds::kKeyAdded),
                                          std::string(key.subject),
                                          record.SerializeAsString());
    if (!receipt.ok()) {
      return absl::Status(
          receipt.status().code(),
          absl::StrCat("recording service key '", key.signer->name,
                       "' in the log: ", receipt.status().message()));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<Service>> Service::Open(storage::Store* store,
                                                       ServiceKeys keys,
                                                       Clock* clock,
                                                       RandomSource* random,
                                                       ServiceOptions options) {
  auto impl = std::make_unique<Impl>(store, std::move(keys), clock, random,
                                     std::move(options));
  if (auto status = impl->Open(); !status.ok()) return status;
  return std::unique_ptr<Service>(new Service(std::move(impl)));
}

Service::Service(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Service::~Service() = default;

ledger::Ledger& Service::ledger() { return *impl_->ledger; }
const ServiceOptions& Service::options() const { return impl_->options; }

absl::StatusOr<uint64_t> Service::RebuildState() {
  storage::Store& store = *impl_->store;
  // 1. Clear the derived columns.
  for (Column column : kDerivedColumns) {
    for (;;) {
      storage::WriteBatch clear;
      absl::Status scan = store.Latest().Scan(
          column, "", "", [&](std::string_view key, std::string_view) {
            clear.Delete(column, key);
            return clear.size() < kClearChunk;
          });
      if (!scan.ok()) return scan;
      if (clear.empty()) break;
      if (auto status = store.Write(clear, {.sync = false}); !status.ok()) {
        return status;
      }
    }
  }
  // 2. Replay the log; each entry sees the state its predecessors left.
  const uint64_t size = impl_->ledger->size();
  uint64_t replayed = 0;
  absl::Status failure;
  absl::Status walk =
      impl_->ledger->ForEachEntry(0, [&](const ledger::StoredEntry& stored) {
        if (stored.index >= size) return false;
        auto parsed = ParseEntry(stored.entry);
        absl::StatusOr<DerivedChanges> changes =
            parsed.ok() ? DeriveChanges(parsed->header, stored.body,
                                        StateReader(store.Latest()))
                        : absl::StatusOr<DerivedChanges>(parsed.status());
        if (!changes.ok()) {
          failure = absl::DataLossError(
              absl::StrCat("replaying log entry ", stored.index, ": ",
                           changes.status().message()));
          return false;
        }
        failure =
            store.Write(changes->writes, {.sync = stored.index + 1 == size});
        if (!failure.ok()) return false;
        ++replayed;
        return true;
      });
  if (!walk.ok()) return walk;
  if (!failure.ok()) return failure;
  // 3. Reload what is cached from the derived state.
  if (auto status = impl_->registry.Load(StateReader(store.Latest()));
      !status.ok()) {
    return status;
  }
  return replayed;
}

absl::StatusOr<Hash> Service::DerivedStateDigest() const {
  std::unique_ptr<storage::ReadView> snapshot = impl_->store->Snapshot();
  Sha256Hasher hasher;
  for (Column column : kDerivedColumns) {
    const char column_byte = static_cast<char>(column);
    absl::Status scan = snapshot->Scan(
        column, "", "", [&](std::string_view key, std::string_view value) {
          hasher.Update(std::string_view(&column_byte, 1));
          AppendLengthPrefixed(hasher, key);
          AppendLengthPrefixed(hasher, value);
          return true;
        });
    if (!scan.ok()) return scan;
  }
  return hasher.Finish();
}

}  // namespace ocoptrace::trace
