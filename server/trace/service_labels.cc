// Labels: issuing serialised, signed labels for a batch (one labels.issued
// entry per request), voiding them, and the public reads of a label
// (GetLabel, ResolveLabel, CheckPin). docs/labels.md describes the flow.
#include <algorithm>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "core/gs1.h"
#include "core/label_payload.h"
#include "core/timestamp.h"
#include "server/storage/keys.h"
#include "server/trace/kinds.h"
#include "server/trace/labels.h"
#include "server/trace/rules.h"
#include "server/trace/service_impl.h"

namespace ocoptrace::trace {
namespace {

using storage::Column;

// Rounds of redrawing serials that collide (with an issued serial, one in
// flight or one drawn earlier in the request) before giving up. A
// collision is a 1 in 2^50 / (labels of the GTIN) event per serial.
constexpr int kMaxSerialRounds = 16;
// Appends tried when concurrent entries on the batch move its head.
constexpr int kIssueAttempts = 4;

// One IssueLabels request on its way through the worker and the ledger.
// Once the serials are drawn, the append of the labels.issued entry and the
// signing of the labels run at the same time (the entry lists serials, not
// signatures); the later of the two answers.
struct IssueJob {
  Service::Impl* impl = nullptr;
  std::string gtin;
  std::string lot;
  uint32_t count = 0;
  bool with_pins = false;
  const NoteSigner* label_key = nullptr;
  Callback<IssuedLabels> done;

  std::vector<std::string> serials;
  std::vector<std::string> pins;  // Empty without PINs.
  std::vector<uint64_t> claimed;  // Serial values held by ClaimSerial.
  std::string body;
  v1::IssuanceSummary summary;
  std::vector<std::string> urls;  // Filled by the signing half.

  // The two halves: each reports once through HalfDone.
  std::mutex mutex;
  int halves_left = 2;
  absl::StatusOr<ledger::AppendResult> appended =
      absl::UnknownError("not appended");

  // Releases the serials and answers; exactly once.
  void Finish(absl::StatusOr<IssuedLabels> result) {
    impl->ReleaseSerials(gtin, claimed);
    claimed.clear();
    Callback<IssuedLabels> callback = std::move(done);
    callback(std::move(result));
  }

  // Called by each half when it is done (the append with its result).
  void HalfDone(std::optional<absl::StatusOr<ledger::AppendResult>> append);
};

// The batch a request names: normalised GTIN and a valid lot.
absl::StatusOr<std::pair<std::string, std::string>> BatchOf(
    const v1::BatchRef& ref) {
  auto gtin = NormalizeGtinField(ref.gtin(), "batch.gtin");
  if (!gtin.ok()) return gtin.status();
  if (auto status = ValidateLot(ref.lot()); !status.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("batch.", status.message()));
  }
  return std::make_pair(*gtin, ref.lot());
}

std::string ResolverBase(std::string base) {
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base;
}

// Draws and claims a serial (and a PIN) for every label of the job,
// redrawing those in flight, repeated or issued before.
absl::Status DrawSerials(IssueJob& job) {
  Service::Impl& impl = *job.impl;
  const int threads = impl.options.label_signing_threads;
  job.serials.assign(job.count, "");
  if (job.with_pins) job.pins.assign(job.count, "");
  std::vector<size_t> todo(job.count);
  for (size_t i = 0; i < todo.size(); ++i) todo[i] = i;
  for (int round = 0; round < kMaxSerialRounds && !todo.empty(); ++round) {
    {
      std::lock_guard<std::mutex> lock(impl.random_mutex);
      // One block for the serials (7 bytes each) and the PINs (16 bytes
      // each, more when a byte is rejected).
      BlockRandom random(*impl.random,
                         todo.size() * (job.with_pins ? 7 + 16 : 7));
      for (size_t i : todo) {
        job.serials[i] = GenerateSerial(random);
        if (job.with_pins && job.pins[i].empty()) {
          job.pins[i] = GeneratePin(random, impl.options.pin_digits);
        }
      }
    }
    // Claims catch serials in flight and repeats within the request.
    std::vector<size_t> retry;
    std::vector<size_t> claimed;
    std::vector<std::string> claimed_serials;
    claimed.reserve(todo.size());
    claimed_serials.reserve(todo.size());
    for (size_t i : todo) {
      const uint64_t value = *SerialValue(job.serials[i]);
      if (impl.ClaimSerial(job.gtin, value)) {
        job.claimed.push_back(value);
        claimed.push_back(i);
        claimed_serials.push_back(job.serials[i]);
      } else {
        retry.push_back(i);
      }
    }
    // Lookups catch serials issued before.
    auto issued =
        FindIssued(impl.store->Latest(), job.gtin, claimed_serials, threads);
    if (!issued.ok()) return issued.status();
    for (size_t k = 0; k < claimed.size(); ++k) {
      if ((*issued)[k]) retry.push_back(claimed[k]);
    }
    todo = std::move(retry);
  }
  if (!todo.empty()) {
    return absl::InternalError(absl::StrCat(
        "could not draw ", todo.size(), " unused serials for GTIN ", job.gtin,
        " in ", kMaxSerialRounds, " rounds; is the random source broken?"));
  }
  return absl::OkStatus();
}

// What the printed labels show besides serial and URL, as of now.
absl::Status FillSummary(IssueJob& job) {
  Service::Impl& impl = *job.impl;
  std::unique_ptr<storage::ReadView> snapshot = impl.store->Snapshot();
  StateReader state(*snapshot);
  auto batch = state.Batch(job.gtin, job.lot);
  if (!batch.ok()) return batch.status();
  auto product = state.Product(job.gtin);
  if (!product.ok()) return product.status();
  auto producer = state.Producer(batch->producer_id());
  if (!producer.ok()) return producer.status();
  auto built = impl.BuildProduct(state, *product);
  if (!built.ok()) return built.status();
  v1::IssuanceSummary& summary = job.summary;
  summary.set_gtin(job.gtin);
  summary.set_lot(job.lot);
  summary.set_count(job.count);
  summary.set_with_pins(job.with_pins);
  summary.set_label_key(FormatVkey(VerifierOf(*job.label_key)));
  summary.set_resolver(ResolverBase(impl.options.resolver_base));
  summary.set_product_name(product->record().name());
  summary.set_producer_name(producer->record().name());
  if (batch->record().has_expiry_date()) {
    *summary.mutable_expiry_date() = batch->record().expiry_date();
  }
  if (built->active_stars() == 0) return absl::OkStatus();
  // Certificates come newest decision first: take the first active one
  // with the product's stars.
  for (const std::string& number : built->certificates()) {
    auto certificate = state.Certificate(number);
    if (!certificate.ok()) return certificate.status();
    auto view = impl.BuildCertificate(state, *certificate, impl.Today());
    if (!view.ok()) return view.status();
    if (view->status() == v1::CERTIFICATE_STATUS_ACTIVE &&
        certificate->record().stars() == built->active_stars()) {
      summary.set_stars(built->active_stars());
      summary.set_certificate(number);
      *summary.mutable_certificate_valid_until() =
          certificate->record().valid_until();
      break;
    }
  }
  return absl::OkStatus();
}

std::string IssuedBody(const IssueJob& job) {
  v1::LabelsIssued body;
  body.set_gtin(job.gtin);
  body.set_lot(job.lot);
  body.set_label_key_name(job.label_key->name);
  body.set_count(job.count);
  std::string packed;
  packed.reserve(job.serials.size() * kPackedSerialBytes);
  for (const std::string& serial : job.serials) {
    AppendPackedSerial(serial, packed);
  }
  body.set_serials(std::move(packed));
  body.set_with_pins(job.with_pins);
  return body.SerializeAsString();
}

IssuedLabels TakeLabels(IssueJob& job, const ledger::AppendResult& result) {
  IssuedLabels issued;
  issued.summary = std::move(job.summary);
  *issued.summary.mutable_receipt() = ToReceipt(result);
  issued.summary.set_issued_at(FormatRfc3339(result.header.time));
  issued.labels.resize(job.count);
  for (size_t i = 0; i < job.count; ++i) {
    PrintableLabel& label = issued.labels[i];
    label.serial = std::move(job.serials[i]);
    label.url = std::move(job.urls[i]);
    if (job.with_pins) label.pin = std::move(job.pins[i]);
  }
  return issued;
}

void IssueJob::HalfDone(
    std::optional<absl::StatusOr<ledger::AppendResult>> append) {
  {
    std::lock_guard<std::mutex> lock(mutex);
    if (append) appended = std::move(*append);
    if (--halves_left > 0) return;
  }
  if (!appended.ok()) return Finish(appended.status());
  Finish(TakeLabels(*this, *appended));
}

// Signs the labels.issued entry at the batch's head and appends it with
// the label records and PIN HMACs; on a moved head, tries again from the
// worker. Reports to the job's HalfDone.
void SubmitIssued(std::shared_ptr<IssueJob> job,
                  std::shared_ptr<const storage::WriteBatch> secrets,
                  int attempts) {
  Service::Impl& impl = *job->impl;
  auto fail = [&job](absl::Status status) {
    job->HalfDone(absl::StatusOr<ledger::AppendResult>(std::move(status)));
  };
  const std::string subject = BatchSubject(job->gtin, job->lot);
  auto view = impl.Prepare(subject);
  if (!view.ok()) return fail(view.status());
  EntryHeader header;
  header.kind = std::string(kinds::kLabelsIssued);
  header.subject = subject;
  header.seq = view->head.next_seq;
  header.prev = view->head.last_hash;
  header.time = TimestampAt(impl.clock->Now(), impl.options.utc_offset_minutes);
  header.body_hash = Sha256(job->body);
  auto entry = SignEntry(header, *job->label_key);
  if (!entry.ok()) return fail(entry.status());
  auto verified = impl.ledger->Verify(std::move(*entry), job->body);
  if (!verified.ok()) return fail(verified.status());
  auto changes = DeriveChanges(header, job->body, view->reader());
  if (!changes.ok()) return fail(changes.status());
  changes->writes.Append(*secrets);
  impl.ledger->AppendAsync(
      std::move(*verified), std::move(changes->writes),
      [job, secrets, attempts](absl::StatusOr<ledger::AppendResult> result) {
        if (absl::IsAborted(result.status()) && attempts > 1) {
          // Another entry landed on the batch first: sign at the new head.
          job->impl->label_worker.Post(
              {[job, secrets, attempts] {
                 SubmitIssued(job, secrets, attempts - 1);
               },
               [job] {
                 job->HalfDone(absl::StatusOr<ledger::AppendResult>(
                     absl::UnavailableError("the service is shutting down; "
                                            "no labels were issued")));
               }});
          return;
        }
        job->HalfDone(std::move(result));
      });
}

// The scratch PINs' HMACs, written with the entry (Column::kSecrets).
std::shared_ptr<const storage::WriteBatch> PinSecrets(const IssueJob& job) {
  auto secrets = std::make_shared<storage::WriteBatch>();
  if (!job.with_pins) return secrets;
  const Service::Impl& impl = *job.impl;
  const PinHasher hasher(impl.keys.pin_hmac_key);
  // In key order, which RocksDB's memtable inserts fastest.
  std::vector<size_t> order(job.count);
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&job](size_t a, size_t b) {
    return job.serials[a] < job.serials[b];
  });
  state::PinRecord pin;
  for (size_t i : order) {
    pin.set_hmac(hasher.Hmac(job.gtin, job.serials[i], job.pins[i]));
    secrets->Put(Column::kSecrets,
                 storage::PinSecretKey(job.gtin, job.serials[i]),
                 pin.SerializeAsString());
  }
  return secrets;
}

void RunIssueJob(std::shared_ptr<IssueJob> job) {
  Service::Impl& impl = *job->impl;
  if (auto status = DrawSerials(*job); !status.ok()) {
    return job->Finish(status);
  }
  if (auto status = FillSummary(*job); !status.ok()) {
    return job->Finish(status);
  }
  job->body = IssuedBody(*job);
  // The entry half (PIN HMACs, derived records, the append) on a thread of
  // its own, the signing half here on every core: no core waits for the
  // single-threaded part, and the sync overlaps the signing.
  std::thread entry_half(
      [job] { SubmitIssued(job, PinSecrets(*job), kIssueAttempts); });
  job->urls = SignLabelUrls(impl.options.resolver_base, job->gtin, job->lot,
                            job->serials, *job->label_key,
                            impl.options.label_signing_threads);
  entry_half.join();
  job->HalfDone(std::nullopt);
}

}  // namespace

const NoteSigner* Service::Impl::NewestLabelKey() const {
  for (auto it = keys.labels.rbegin(); it != keys.labels.rend(); ++it) {
    std::optional<state::KeyState> key = registry.Find(it->name);
    if (key && !key->revoked() && key->role() == v1::KEY_ROLE_LABEL &&
        key->vkey() == FormatVkey(VerifierOf(*it))) {
      return &*it;
    }
  }
  return nullptr;
}

bool Service::Impl::ClaimSerial(const std::string& gtin14, uint64_t value) {
  std::lock_guard<std::mutex> lock(serial_claims_mutex);
  return serial_claims[gtin14].insert(value).second;
}

void Service::Impl::ReleaseSerials(const std::string& gtin14,
                                   const std::vector<uint64_t>& values) {
  if (values.empty()) return;
  std::lock_guard<std::mutex> lock(serial_claims_mutex);
  auto held = serial_claims.find(gtin14);
  if (held == serial_claims.end()) return;
  for (uint64_t value : values) held->second.erase(value);
  if (held->second.empty()) serial_claims.erase(held);
}

void Service::IssueLabels(const Caller& caller,
                          const v1::IssueLabelsRequest& request,
                          Callback<IssuedLabels> done) {
  constexpr Method kMethod = Method::kIssueLabels;
  if (auto status = AuthorizeCall(caller, kMethod); !status.ok()) {
    return done(status);
  }
  auto batch_id = BatchOf(request.batch());
  if (!batch_id.ok()) return done(batch_id.status());
  const auto& [gtin, lot] = *batch_id;
  const uint32_t limit = impl_->options.max_labels_per_request;
  if (request.count() == 0) {
    return done(absl::InvalidArgumentError(
        absl::StrCat("count: must be at least 1 (and at most ", limit, ")")));
  }
  if (request.count() > limit) {
    return done(absl::InvalidArgumentError(absl::StrCat(
        "count: ", request.count(), " labels is more than the ", limit,
        " one request may issue; split it into several "
        "requests")));
  }
  if (request.with_pins() && impl_->keys.pin_hmac_key.empty()) {
    return done(absl::FailedPreconditionError(
        "with_pins: this server has no PIN key configured, so it cannot "
        "issue scratch PINs; issue without PINs or ask the operator to set "
        "one up"));
  }
  StateReader state(impl_->store->Latest());
  auto batch = state.Batch(gtin, lot);
  if (!batch.ok()) return done(batch.status());
  if (auto status = AuthorizeOwner(caller, kMethod, batch->producer_id(),
                                   absl::StrCat("batch ", gtin, "/", lot));
      !status.ok()) {
    return done(status);
  }
  const NoteSigner* label_key = impl_->NewestLabelKey();
  if (label_key == nullptr) {
    return done(absl::FailedPreconditionError(
        "no active label key: every label key of this server is revoked or "
        "unknown to the log; the operator adds one with traced "
        "--add-label-key"));
  }
  auto job = std::make_shared<IssueJob>();
  job->impl = impl_.get();
  job->gtin = gtin;
  job->lot = lot;
  job->count = request.count();
  job->with_pins = request.with_pins();
  job->label_key = label_key;
  job->done = std::move(done);
  impl_->label_worker.Post(
      {[job] { RunIssueJob(job); },
       [job] {
         job->Finish(absl::UnavailableError(
             "the service is shutting down; no labels were issued"));
       }});
}

void Service::VoidLabels(const Caller& caller,
                         const v1::VoidLabelsRequest& request,
                         Callback<v1::EntryReceipt> done) {
  constexpr Method kMethod = Method::kVoidLabels;
  if (auto status = AuthorizeCall(caller, kMethod); !status.ok()) {
    return done(status);
  }
  auto submission = impl_->VerifySubmission(
      kMethod, request.signed_(), {kinds::kLabelsVoided}, SubjectType::kBatch);
  if (!submission.ok()) return done(submission.status());
  const EntryHeader& header = submission->entry.header();
  auto body = ParseBody<v1::LabelsVoided>(submission->entry.body(),
                                          BodyType::kLabelsVoided);
  if (!body.ok()) return done(body.status());
  if (auto status = ValidateLabelsVoided(*body); !status.ok()) {
    return done(status);
  }
  const std::string& gtin = submission->subject.id;
  const std::string& lot = submission->subject.lot;
  auto view = impl_->Prepare(header.subject);
  if (!view.ok()) return done(view.status());
  const StateReader state = view->reader();
  auto batch = state.Batch(gtin, lot);
  if (!batch.ok()) return done(batch.status());
  const std::string& owner = batch->producer_id();
  if (auto status = AuthorizeOwner(caller, kMethod, owner,
                                   absl::StrCat("batch ", gtin, "/", lot));
      !status.ok()) {
    return done(status);
  }
  if (auto status =
          AuthorizeSigner(caller, header.kind, owner, submission->signers);
      !status.ok()) {
    return done(status);
  }
  for (const std::string& serial : body->serials()) {
    auto label = ReadLabel(state.view(), gtin, serial);
    if (absl::IsNotFound(label.status())) {
      return done(absl::InvalidArgumentError(
          absl::StrCat("serials: label ", serial, " was never issued for GTIN ",
                       gtin, "; check the serial printed under the QR code")));
    }
    if (!label.ok()) return done(label.status());
    if (label->lot() != lot) {
      return done(absl::InvalidArgumentError(
          absl::StrCat("serials: label ", serial, " belongs to batch ", gtin,
                       "/", label->lot(), ", not ", gtin, "/", lot,
                       "; void it on its own batch")));
    }
    if (label->status() == v1::LABEL_STATUS_VOID) {
      return done(absl::FailedPreconditionError(
          absl::StrCat("serials: label ", serial, " is already void (",
                       label->void_reason(), "); leave it out")));
    }
  }
  if (auto status = Impl::CheckExtendsHead(header, view->head); !status.ok()) {
    return done(status);
  }
  impl_->Commit(std::move(submission->entry), *view, nullptr, std::move(done));
}

absl::StatusOr<v1::Label> Service::GetLabel(
    const Caller& caller, const v1::GetLabelRequest& request) const {
  if (auto status = AuthorizeCall(caller, Method::kGetLabel); !status.ok()) {
    return status;
  }
  auto gtin = NormalizeGtinField(request.gtin(), "gtin");
  if (!gtin.ok()) return gtin.status();
  if (!IsServiceSerial(request.serial())) {
    return absl::InvalidArgumentError(
        absl::StrCat("serial: '", request.serial(),
                     "' is not a label serial; serials are 10 characters of "
                     "0-9 A-H J K M N P-T V-Z, as printed under the QR code"));
  }
  v1::Label label;
  label.set_gtin(*gtin);
  label.set_serial(request.serial());
  auto view = ResolveLabel(*gtin, request.serial());
  if (absl::IsNotFound(view.status())) {
    label.set_status(v1::LABEL_STATUS_UNKNOWN);
    return label;
  }
  if (!view.ok()) return view.status();
  label.set_status(view->status);
  label.set_lot(view->lot);
  label.set_void_reason(view->void_reason);
  label.set_key_name(view->key_name);
  label.set_key_revoked(view->key_revoked);
  label.set_has_pin(view->has_pin);
  label.set_issued_at_index(view->issued_at_index);
  label.set_voided_at_index(view->voided_at_index);
  return label;
}

absl::StatusOr<LabelView> Service::ResolveLabel(std::string_view gtin14,
                                                std::string_view serial) const {
  if (!IsServiceSerial(serial)) {
    return absl::NotFoundError(
        absl::StrCat("no label ", std::string(serial), " was issued for GTIN ",
                     std::string(gtin14), ": it is not a service serial"));
  }
  auto label = ReadLabel(impl_->store->Latest(), gtin14, serial);
  if (!label.ok()) return label.status();
  LabelView view;
  view.gtin14 = std::string(gtin14);
  view.serial = std::string(serial);
  view.lot = label->lot();
  view.status = label->status();
  view.void_reason = label->void_reason();
  view.key_name = label->key_name();
  std::optional<state::KeyState> key = impl_->registry.Find(view.key_name);
  view.key_revoked = !key || key->revoked();
  view.has_pin = label->has_pin();
  const std::string subject = BatchSubject(gtin14, view.lot);
  view.issued_at_index = impl_->IndexOf(subject, label->issued_seq());
  if (view.status == v1::LABEL_STATUS_VOID) {
    view.voided_at_index = impl_->IndexOf(subject, label->voided_seq());
  }
  return view;
}

absl::StatusOr<PinCheck> Service::CheckPin(std::string_view gtin14,
                                           std::string_view serial,
                                           std::string_view pin) {
  if (!IsWellFormedPin(pin)) {
    return absl::InvalidArgumentError(
        "pin: the scratch PIN is 8 to 10 digits; type the digits under the "
        "scratch-off layer");
  }
  auto view = ResolveLabel(gtin14, serial);
  if (!view.ok()) return view.status();
  if (!view->has_pin) {
    return absl::FailedPreconditionError(absl::StrCat(
        "label ", std::string(serial), " was issued without a scratch PIN"));
  }
  if (impl_->keys.pin_hmac_key.empty()) {
    return absl::FailedPreconditionError(
        "this server has no PIN key configured, so it cannot check PINs");
  }
  const std::string key = storage::PinSecretKey(gtin14, serial);
  std::lock_guard<std::mutex> lock(impl_->pin_mutex);
  auto stored = impl_->store->Latest().Get(Column::kSecrets, key);
  if (absl::IsNotFound(stored.status())) {
    return absl::FailedPreconditionError(absl::StrCat(
        "label ", std::string(serial),
        " should have a scratch PIN but its record is missing (a store "
        "restored without its secrets?)"));
  }
  if (!stored.ok()) return stored.status();
  auto record = DecodeRecord<state::PinRecord>(*stored, "PIN");
  if (!record.ok()) return record.status();
  const uint32_t limit = impl_->options.max_pin_failures;
  if (record->failed_checks() >= limit) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "label ", std::string(serial), ": ", record->failed_checks(),
        " wrong PINs were tried; this label's PIN is no longer checked. "
        "Report the label if you did not try them"));
  }
  PinCheck check;
  const bool correct = SameHmac(
      record->hmac(),
      PinHmac(impl_->keys.pin_hmac_key, gtin14, serial, std::string(pin)));
  storage::WriteBatch write;
  storage::WriteOptions options;
  if (!correct) {
    record->set_failed_checks(record->failed_checks() + 1);
    // Losing a failure count in a crash is harmless.
    options.sync = false;
  } else if (record->first_verified_unix_micros() == 0) {
    const absl::Time now = impl_->clock->Now();
    record->set_first_verified_unix_micros(
        std::max<int64_t>(1, absl::ToUnixMicros(now)));
  } else {
    check.already_verified = true;
  }
  check.correct = correct;
  if (correct) {
    check.first_verified_at =
        absl::FromUnixMicros(record->first_verified_unix_micros());
  }
  if (!check.already_verified) {
    write.Put(Column::kSecrets, key, record->SerializeAsString());
    if (auto status = impl_->store->Write(write, options); !status.ok()) {
      return status;
    }
  }
  return check;
}

}  // namespace ocoptrace::trace
