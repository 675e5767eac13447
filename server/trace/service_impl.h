// Service::Impl: the state and shared machinery behind trace::Service,
// internal to server/trace. The public methods live in service_*.cc by
// API group; the write path they share (verify, check, derive, append,
// retry) is here and in service_write.cc.
//
// Thread-safety: thread-safe; members are immutable after Open or guarded
// by the mutex declared next to them.

#ifndef OCOPTRACE_SERVER_TRACE_SERVICE_IMPL_H_
#define OCOPTRACE_SERVER_TRACE_SERVICE_IMPL_H_

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <shared_mutex>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "server/trace/authorization.h"
#include "server/trace/key_registry.h"
#include "server/trace/labels_worker.h"
#include "server/trace/service.h"
#include "server/trace/state_machine.h"
#include "server/trace/state_reader.h"
#include "server/trace/subjects.h"

namespace ocoptrace::trace {

class EpcisCaptures;  // epcis_captures.h

// A client-signed entry that passed the ledger's checks, with what the
// service learned about it.
struct Submission {
  ledger::VerifiedEntry entry;
  ParsedSubject subject;
  // The registered keys whose signatures verified.
  std::vector<state::KeyState> signers;
};

// A consistent view of the state just before the entry being prepared,
// and the subject's head read before the view was taken.
struct PreparedView {
  ledger::SubjectHead head;
  std::unique_ptr<storage::ReadView> snapshot;
  StateReader reader() const { return StateReader(*snapshot); }
};

class Service::Impl {
 public:
  Impl(storage::Store* store, ServiceKeys keys, Clock* clock,
       RandomSource* random, ServiceOptions options);
  ~Impl();

  // Opens the ledger, loads keys and principals, records the service keys.
  absl::Status Open();

  // --- Write path (service_write.cc) -------------------------------------

  // Verifies a client-signed entry for `method`: present, within limits,
  // signed by an active key, of one of `kinds` and on a `subject_type`
  // subject. InvalidArgument naming what is wrong otherwise.
  absl::StatusOr<Submission> VerifySubmission(
      Method method, const v1::SignedEntry& signed_entry,
      std::initializer_list<std::string_view> kinds,
      SubjectType subject_type) const;

  // The head of `subject` and a snapshot taken after reading it.
  absl::StatusOr<PreparedView> Prepare(const std::string& subject) const;

  // Aborted unless the entry extends `view.head`.
  static absl::Status CheckExtendsHead(const EntryHeader& header,
                                       const ledger::SubjectHead& head);

  // Derives the entry's changes from `view`, appends, applies key changes
  // to the registry once durable, runs `cleanup` and then `done`.
  void Commit(ledger::VerifiedEntry entry, const PreparedView& view,
              std::function<void()> cleanup, Callback<v1::EntryReceipt> done);

  // Builds, signs with the authority key and appends an entry of `kind` on
  // `subject` whose body is `body`, after `validate` approves it against
  // the state at the subject's head. Retries a few times when a concurrent
  // append moved the head (Aborted). `cleanup` runs once before `done`.
  void SubmitAuthority(std::string kind, std::string subject, std::string body,
                       std::function<absl::Status(const StateReader&)> validate,
                       std::function<void()> cleanup,
                       Callback<v1::EntryReceipt> done, int attempts = 4);

  // Blocking SubmitAuthority, for Open.
  absl::StatusOr<v1::EntryReceipt> SubmitAuthorityAndWait(std::string kind,
                                                          std::string subject,
                                                          std::string body);

  // Claims a name for an operation in flight (e.g. the certificate a
  // renewal supersedes). False if it is claimed already.
  bool Claim(const std::string& name);
  void Unclaim(const std::string& name);

  // --- Labels (service_labels.cc) -----------------------------------------

  // The label key new labels are signed with: the last of keys.labels that
  // the log knows and has not revoked; null when there is none.
  const NoteSigner* NewestLabelKey() const;

  // Holds serial `value` of GTIN `gtin14` while the issuance that drew it
  // is in flight. False when it is held already.
  bool ClaimSerial(const std::string& gtin14, uint64_t value);
  void ReleaseSerials(const std::string& gtin14,
                      const std::vector<uint64_t>& values);

  // --- Principals (service_admin.cc) -------------------------------------

  // The principal called `name`, revoked or not; nullopt if there is none.
  std::optional<v1::Principal> FindPrincipal(std::string_view name) const;

  // --- Reads (service_reads.cc) -----------------------------------------

  // Today in the service's time zone (UTC+7 by default).
  absl::CivilDay Today() const;
  // The global index of entry `seq` of `subject` (0 if unknown).
  uint64_t IndexOf(std::string_view subject, uint64_t seq) const;

  absl::StatusOr<v1::Producer> BuildProducer(
      const StateReader& state, const state::ProducerState& producer) const;
  absl::StatusOr<v1::Product> BuildProduct(
      const StateReader& state, const state::ProductState& product) const;
  absl::StatusOr<v1::Certificate> BuildCertificate(
      const StateReader& state, const state::CertificateState& certificate,
      absl::CivilDay as_of) const;
  static v1::Batch BuildBatch(const state::BatchState& batch);
  static v1::Key BuildKey(const state::KeyState& key, uint64_t added_at,
                          uint64_t revoked_at);

  // --- Members -------------------------------------------------------------

  storage::Store* const store;
  const ServiceKeys keys;
  Clock* const clock;
  const ServiceOptions options;
  KeyRegistry registry;
  std::unique_ptr<ledger::Ledger> ledger;

  // Token and principal cache, mirrored from Column::kPrincipals.
  mutable std::shared_mutex principals_mutex;
  std::map<std::string, v1::Principal> principals_by_token_hash;
  std::map<std::string, std::string> token_hash_by_name;

  std::mutex random_mutex;
  RandomSource* const random;

  std::mutex claims_mutex;
  std::set<std::string> claims;

  std::mutex background_mutex;
  std::vector<std::thread> background;

  // The body limit of client-signed entries (options.ledger's; the ledger
  // itself is opened with room for a labels.issued body).
  size_t client_max_body_bytes = 0;

  // Serials of issuances in flight, by GTIN (ClaimSerial).
  std::mutex serial_claims_mutex;
  std::map<std::string, std::unordered_set<uint64_t>> serial_claims;

  // Serialises the read-modify-write of PIN records (CheckPin).
  std::mutex pin_mutex;

  // Runs IssueLabels jobs; stopped first when the service closes.
  LabelWorker label_worker;

  // EPCIS capture jobs and queries (epcis_captures.h), made on first use
  // (service_epcis.cc); stopped before the ledger closes.
  std::once_flag epcis_once;
  std::shared_ptr<EpcisCaptures> epcis;
};

// Maps an append result to the receipt clients get.
v1::EntryReceipt ToReceipt(const ledger::AppendResult& result);

// Page tokens: opaque base64url of the key to continue after.
std::string EncodePageToken(std::string_view last_key);
absl::StatusOr<std::string> DecodePageToken(std::string_view token);
// The page size a request asks for: default 100, at most 1000.
size_t PageSize(const v1::PageRequest& page);

}  // namespace ocoptrace::trace

#endif  // OCOPTRACE_SERVER_TRACE_SERVICE_IMPL_H_
