// trace::Service: the OCOP personality of ocoptrace on top of the generic
// ledger. Producers, keys, products, OCOP certificates, batches and their
// supply-chain events are log entries; the current state is a view derived
// from those entries (state_machine.h) and can be rebuilt from the log.
//
// Every operation takes the authenticated Caller and a request message of
// the public API (proto/ocoptrace/v1) and returns the response message, so
// that server/rpc (gRPC) and server/http are thin adapters. Authorisation
// (who may do what) is decided here, in one place (authorization.h), and
// errors are absl::Status values whose messages say what to fix:
//   InvalidArgument (naming the field), NotFound (naming the id),
//   PermissionDenied (naming the role), Unauthenticated (no/unknown token),
//   Aborted (stale chain head: re-read the head, re-sign, retry),
//   AlreadyExists, FailedPrecondition (e.g. renewing an expired certificate).
//
// Writes are asynchronous: the callback runs exactly once, on a ledger
// thread, after the entry is durable or refused, and must not block. A
// request refused before it reaches the ledger (role, validation, stale
// head) is answered on the calling thread, before the method returns; so
// are GetCheckpoint and GetHistory (which may sign a checkpoint inline).
// Backup answers from a background thread. Reads are synchronous and only
// touch the local store.
//
// The kinds, subjects, rules and role matrix are in docs/kinds.md; the
// derived state in docs/state.md.
//
// Thread-safety: all methods are thread-safe.

#ifndef OCOPTRACE_SERVER_TRACE_SERVICE_H_
#define OCOPTRACE_SERVER_TRACE_SERVICE_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "core/clock.h"
#include "core/random.h"
#include "core/signed_note.h"
#include "ocoptrace/v1/admin.pb.h"
#include "ocoptrace/v1/certificates.pb.h"
#include "ocoptrace/v1/labels.pb.h"
#include "ocoptrace/v1/registry.pb.h"
#include "ocoptrace/v1/trace.pb.h"
#include "ocoptrace/v1/verify.pb.h"
#include "server/ledger/ledger.h"
#include "server/storage/store.h"
#include "server/trace/epcis_query.h"

namespace ocoptrace::trace {

namespace v1 = ::ocoptrace::v1;

// Who is calling. Anonymous callers may use only the public (Verify) reads.
struct Caller {
  std::string principal;  // Principal name; "" when anonymous.
  v1::Role role = v1::ROLE_UNSPECIFIED;
  std::string producer_id;  // Set for ROLE_PRODUCER.
  bool anonymous() const { return principal.empty(); }
};

template <typename T>
using Callback = std::function<void(absl::StatusOr<T>)>;

// Keys the service itself holds (loaded by traced from its key directory).
struct ServiceKeys {
  // Signs checkpoints; its name is the log origin.
  NoteSigner log;
  // Signs registrations (producers, keys) on behalf of admins.
  NoteSigner authority;
  // Label keys, oldest first: new labels use the last one that is not
  // revoked. Old labels stay valid until their key is revoked.
  std::vector<NoteSigner> labels;
  // Secret key of the scratch-PIN HMACs (32 random bytes; traced keeps it
  // in its key directory). Empty: labels with PINs are refused
  // (FailedPrecondition) and no PIN can be checked.
  std::string pin_hmac_key;
};

struct ServiceOptions {
  // Base of label URLs, lower-case, no trailing slash,
  // e.g. "https://tx.ocop.thainguyen.gov.vn".
  std::string resolver_base = "https://localhost";
  // Offset of "today" for certificate status: Vietnam, UTC+7.
  int32_t utc_offset_minutes = 420;
  // The ledger's limits apply to client-signed entries. A labels.issued
  // body (7 bytes a serial, written by the service) may exceed
  // ledger.max_body_bytes: the ledger is opened with a body limit large
  // enough for max_labels_per_request labels.
  ledger::LedgerOptions ledger;
  // IssueLabels: labels per request at most (InvalidArgument above).
  uint32_t max_labels_per_request = 100000;
  // Digits of a scratch PIN, 8 to 10.
  int pin_digits = 8;
  // Wrong PINs accepted per label before CheckPin refuses to check it
  // (ResourceExhausted): 10 guesses at 8 digits find a PIN with odds
  // of 1 in 10 million.
  uint32_t max_pin_failures = 10;
  // Threads that sign labels (0: one per core).
  int label_signing_threads = 0;
};

// One label of an issuance, as it goes to the printer.
struct PrintableLabel {
  std::string serial;  // AI 21, 10 Crockford base32 characters.
  std::string url;     // The full label URL with ?s=<155 digits>.
  std::string pin;     // The scratch PIN, or empty. Never stored in clear.
};

// What IssueLabels hands back once its labels.issued entry is durable.
struct IssuedLabels {
  v1::IssuanceSummary summary;
  std::vector<PrintableLabel> labels;  // In issuance order.
};

// What the log says about one issued label (Service::ResolveLabel).
struct LabelView {
  std::string gtin14;
  std::string serial;
  std::string lot;
  v1::LabelStatus status = v1::LABEL_STATUS_ISSUED;  // ISSUED or VOID.
  std::string void_reason;                           // When VOID.
  std::string key_name;  // The label key that signed it.
  // The key was revoked since: the label no longer counts as genuine.
  bool key_revoked = false;
  bool has_pin = false;
  uint64_t issued_at_index = 0;  // Of the labels.issued entry.
  uint64_t voided_at_index = 0;  // Of the labels.voided entry, or 0.
};

// The outcome of a scratch-PIN check (Service::CheckPin).
struct PinCheck {
  bool correct = false;
  // Correct, and not the first correct check: the PIN was revealed before
  // (a copied label shows this).
  bool already_verified = false;
  // When the PIN was first checked correctly (this check if it is the
  // first); absl::InfinitePast() while it never was.
  absl::Time first_verified_at = absl::InfinitePast();
};

class Service {
 public:
  // Opens the service over `store`, recovering the ledger and the key
  // registry. On an empty log it first records the service's own keys
  // (`key.added` for the authority and label keys). Adds any label key in
  // `keys.labels` that the log does not know yet. `store`, `clock` and
  // `random` must outlive the service.
  static absl::StatusOr<std::unique_ptr<Service>> Open(
      storage::Store* store, ServiceKeys keys, Clock* clock,
      RandomSource* random, ServiceOptions options = {});
  ~Service();

  ledger::Ledger& ledger();
  const ServiceOptions& options() const;

  // Resolves a bearer token (the base64url string a principal was given).
  // Unauthenticated when the token is unknown or revoked.
  absl::StatusOr<Caller> Authenticate(std::string_view bearer_token) const;

  // Creates the first admin principal when there is none. Returns its
  // token (shown once); AlreadyExists if an admin exists.
  absl::StatusOr<v1::CreatePrincipalResponse> BootstrapAdmin(
      const std::string& name);

  // --- Registry -----------------------------------------------------------
  void RegisterProducer(const Caller& caller,
                        const v1::RegisterProducerRequest& request,
                        Callback<v1::EntryReceipt> done);
  void UpdateProducer(const Caller& caller,
                      const v1::UpdateProducerRequest& request,
                      Callback<v1::EntryReceipt> done);
  absl::StatusOr<v1::Producer> GetProducer(
      const Caller& caller, const v1::GetProducerRequest& request) const;
  absl::StatusOr<v1::ListProducersResponse> ListProducers(
      const Caller& caller, const v1::ListProducersRequest& request) const;
  void AddKey(const Caller& caller, const v1::AddKeyRequest& request,
              Callback<v1::EntryReceipt> done);
  void RevokeKey(const Caller& caller, const v1::RevokeKeyRequest& request,
                 Callback<v1::EntryReceipt> done);
  void RegisterProduct(const Caller& caller,
                       const v1::RegisterProductRequest& request,
                       Callback<v1::EntryReceipt> done);
  void UpdateProduct(const Caller& caller,
                     const v1::UpdateProductRequest& request,
                     Callback<v1::EntryReceipt> done);
  absl::StatusOr<v1::Product> GetProduct(
      const Caller& caller, const v1::GetProductRequest& request) const;
  absl::StatusOr<v1::ListProductsResponse> ListProducts(
      const Caller& caller, const v1::ListProductsRequest& request) const;

  // --- Certificates -------------------------------------------------------
  void IssueCertificate(const Caller& caller,
                        const v1::IssueCertificateRequest& request,
                        Callback<v1::EntryReceipt> done);
  void RenewCertificate(const Caller& caller,
                        const v1::RenewCertificateRequest& request,
                        Callback<v1::EntryReceipt> done);
  void RevokeCertificate(const Caller& caller,
                         const v1::RevokeCertificateRequest& request,
                         Callback<v1::EntryReceipt> done);
  absl::StatusOr<v1::Certificate> GetCertificate(
      const Caller& caller, const v1::GetCertificateRequest& request) const;
  absl::StatusOr<v1::ListCertificatesResponse> ListCertificates(
      const Caller& caller, const v1::ListCertificatesRequest& request) const;

  // --- Trace --------------------------------------------------------------
  void CreateBatch(const Caller& caller, const v1::CreateBatchRequest& request,
                   Callback<v1::EntryReceipt> done);
  void RecordEvent(const Caller& caller, const v1::RecordEventRequest& request,
                   Callback<v1::EntryReceipt> done);
  absl::StatusOr<v1::Batch> GetBatch(const Caller& caller,
                                     const v1::GetBatchRequest& request) const;
  absl::StatusOr<v1::ListBatchesResponse> ListBatches(
      const Caller& caller, const v1::ListBatchesRequest& request) const;
  // Signs a checkpoint covering the whole chain if needed, hence async.
  void GetHistory(const Caller& caller, const v1::GetHistoryRequest& request,
                  Callback<v1::GetHistoryResponse> done);

  // --- Labels (docs/labels.md) --------------------------------------------
  // Issues `request.count` labels for a batch: fresh serials unique per
  // GTIN, each signed by the newest active label key, optional scratch
  // PINs, and ONE labels.issued entry (signed by that label key) written
  // atomically with the label records and the PINs' HMACs. `done` gets
  // every label, in order, once the entry is durable; it runs on a ledger
  // thread. Signing runs on a worker of the service (on every core), never
  // on the calling thread. Refused on the calling thread:
  //   InvalidArgument     batch malformed, count 0 or above
  //                       options.max_labels_per_request;
  //   NotFound            the batch does not exist;
  //   PermissionDenied    not a producer or admin, or another producer's
  //                       batch;
  //   FailedPrecondition  with_pins without a PIN key, or no active label
  //                       key (all revoked: add one with
  //                       traced --add-label-key).
  void IssueLabels(const Caller& caller, const v1::IssueLabelsRequest& request,
                   Callback<IssuedLabels> done);
  // Voids labels of a batch: a client-signed labels.voided entry (producer
  // key of the batch's owner). InvalidArgument naming the serial when one
  // was never issued for the GTIN or belongs to another lot;
  // FailedPrecondition when one is void already; nothing is written then.
  // Otherwise as RecordEvent.
  void VoidLabels(const Caller& caller, const v1::VoidLabelsRequest& request,
                  Callback<v1::EntryReceipt> done);
  // Public. The label's status (LABEL_STATUS_UNKNOWN for a serial never
  // issued for the GTIN). InvalidArgument for a malformed GTIN or serial.
  absl::StatusOr<v1::Label> GetLabel(const Caller& caller,
                                     const v1::GetLabelRequest& request) const;
  // For the resolver and the scan page (no caller: public facts). `gtin14`
  // is the 14-digit GTIN. NotFound when no label with this serial was
  // issued for the GTIN (also for any string that is not a service
  // serial).
  absl::StatusOr<LabelView> ResolveLabel(std::string_view gtin14,
                                         std::string_view serial) const;
  // Checks a scratch PIN. The first correct check is recorded durably (not
  // in the log: it is telemetry) and reported by every later one.
  // OK with correct=false for a wrong PIN (counted). NotFound: no such
  // label. FailedPrecondition: the label has no PIN, or the service has no
  // PIN key. InvalidArgument: `pin` is not 8-10 digits (not counted).
  // ResourceExhausted: options.max_pin_failures wrong PINs were tried on
  // this label; it is not checked any more. May block for one synced
  // write.
  absl::StatusOr<PinCheck> CheckPin(std::string_view gtin14,
                                    std::string_view serial,
                                    std::string_view pin);

  // --- EPCIS 2.0 (docs/epcis.md; service_epcis.cc, epcis_*.cc) -------------
  // Captures an EPCIS 2.0 JSON-LD document as a job (epcis_captures.h):
  // planned, checked, then appended signed with the caller's integration
  // key. `done` gets the finished job (on the capture worker thread); a
  // job that stored nothing because of problems is still OK (the job lists
  // them). Refused as EpcisCaptures::Start says.
  void CaptureEpcis(const Caller& caller,
                    const v1::CaptureEpcisRequest& request,
                    Callback<v1::CaptureEpcisResponse> done);
  // The same for HTTP POST /epcis/capture: returns the queued job at once;
  // `planned` runs once the document is checked (before any append),
  // `done` when the job has finished; either may be null.
  absl::StatusOr<v1::EpcisCaptureJob> StartEpcisCapture(
      const Caller& caller, std::string document,
      v1::EpcisCaptureErrorBehaviour behaviour,
      std::function<void(const v1::EpcisCaptureJob&)> planned,
      std::function<void(const v1::EpcisCaptureJob&)> done);
  // A capture job. NotFound, or PermissionDenied unless the caller's own
  // (or an admin).
  absl::StatusOr<v1::EpcisCaptureJob> GetCaptureJob(
      const Caller& caller, const v1::GetCaptureJobRequest& request) const;
  // A batch's chain as an EPCIS 2.0 document with ledger proofs. Who may:
  // as GetHistory. May sign a checkpoint covering the chain.
  void ExportEpcis(const Caller& caller, const v1::ExportEpcisRequest& request,
                   Callback<v1::ExportEpcisResponse> done);
  // The national-portal export of a batch, or of every batch of a product
  // (lot empty; FailedPrecondition when it has none). As ExportEpcis.
  void ExportPortal(const Caller& caller,
                    const v1::ExportPortalRequest& request,
                    Callback<v1::ExportPortalResponse> done);
  // Admin: generates the integration key of a producer or inspector
  // principal, keeps its private half (epcis_keys.h) and registers it with
  // key.added. NotFound: no such principal; FailedPrecondition: revoked, or
  // another role; AlreadyExists: it has an active one (revoke it first).
  void CreateIntegrationKey(const Caller& caller,
                            const v1::CreateIntegrationKeyRequest& request,
                            Callback<v1::CreateIntegrationKeyResponse> done);
  // GET /epcis/events: one page of the events the caller may read
  // (producers: their own batches), matching `query`, as an
  // EPCISQueryDocument. Runs on the EPCIS query thread; `done` runs there.
  // InvalidArgument for a bad page token.
  void QueryEpcisEvents(const Caller& caller, EpcisEventQuery query,
                        Callback<EpcisEventPage> done);

  // --- Verify (public: any caller, also anonymous) ------------------------
  void GetCheckpoint(const Caller& caller,
                     const v1::GetCheckpointRequest& request,
                     Callback<v1::GetCheckpointResponse> done);
  absl::StatusOr<v1::GetEntriesResponse> GetEntries(
      const Caller& caller, const v1::GetEntriesRequest& request) const;
  absl::StatusOr<v1::GetInclusionProofResponse> GetInclusionProof(
      const Caller& caller, const v1::GetInclusionProofRequest& request) const;
  absl::StatusOr<v1::GetConsistencyProofResponse> GetConsistencyProof(
      const Caller& caller,
      const v1::GetConsistencyProofRequest& request) const;
  absl::StatusOr<v1::SubjectHead> GetHead(
      const Caller& caller, const v1::GetHeadRequest& request) const;
  absl::StatusOr<v1::GetKeysResponse> GetKeys(
      const Caller& caller, const v1::GetKeysRequest& request) const;
  // A trust.snapshot of `request.region` (snapshot.h) with the authority's
  // key.added entry and inclusion proofs under one checkpoint. Reuses the
  // newest snapshot of the region while the state gives the same bytes and
  // it is younger than a day; otherwise appends a new one signed by the
  // authority key (then `done` runs on a background thread). InvalidArgument
  // ("region: ...") for a unit code that no producer's address has.
  void GetTrustSnapshot(const Caller& caller,
                        const v1::GetTrustSnapshotRequest& request,
                        Callback<v1::GetTrustSnapshotResponse> done);

  // --- Admin --------------------------------------------------------------
  absl::StatusOr<v1::CreatePrincipalResponse> CreatePrincipal(
      const Caller& caller, const v1::CreatePrincipalRequest& request);
  absl::StatusOr<v1::Principal> RevokePrincipal(
      const Caller& caller, const v1::RevokePrincipalRequest& request);
  absl::StatusOr<v1::ListPrincipalsResponse> ListPrincipals(
      const Caller& caller, const v1::ListPrincipalsRequest& request) const;
  absl::StatusOr<v1::Principal> WhoAmI(const Caller& caller) const;
  void Backup(const Caller& caller, const v1::BackupRequest& request,
              Callback<v1::BackupResponse> done);

  // --- Maintenance --------------------------------------------------------
  // Recomputes every derived-state column from the log, replacing what is
  // stored. Returns the number of entries replayed. The result is
  // byte-identical to the state the online path wrote.
  absl::StatusOr<uint64_t> RebuildState();

  // Every key/value of the derived-state columns, in order, for tests and
  // `traced --check-state`: SHA-256 over (column, key, value) records.
  absl::StatusOr<Hash> DerivedStateDigest() const;

  // The implementation, opaque outside server/trace (service_impl.h).
  class Impl;

 private:
  explicit Service(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace ocoptrace::trace

#endif  // OCOPTRACE_SERVER_TRACE_SERVICE_H_
