// The write path shared by every entry-producing method: verify a client's
// entry or sign one with the authority key, check it against a consistent
// view at the subject's head, derive the state changes and append.
#include <future>

#include "absl/strings/str_cat.h"
#include "core/base64.h"
#include "core/log_entry.h"
#include "server/trace/service_impl.h"

namespace ocoptrace::trace {

v1::EntryReceipt ToReceipt(const ledger::AppendResult& result) {
  v1::EntryReceipt receipt;
  receipt.set_index(result.index);
  receipt.set_subject(result.header.subject);
  receipt.set_seq(result.header.seq);
  receipt.set_entry_hash(HashToBytes(result.entry_hash));
  receipt.set_kind(result.header.kind);
  return receipt;
}

absl::StatusOr<Submission> Service::Impl::VerifySubmission(
    Method method, const v1::SignedEntry& signed_entry,
    std::initializer_list<std::string_view> kinds,
    SubjectType subject_type) const {
  const std::string method_name(MethodName(method));
  if (signed_entry.entry().empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("signed.entry is required: ", method_name,
                     " takes an entry signed with your key (see docs/api.md)"));
  }
  if (signed_entry.body().size() > client_max_body_bytes) {
    // The ledger's own limit is raised for labels.issued bodies, which
    // only the service writes.
    return absl::InvalidArgumentError(
        absl::StrCat("body is ", signed_entry.body().size(),
                     " bytes; the limit is ", client_max_body_bytes));
  }
  auto verified = ledger->Verify(signed_entry.entry(), signed_entry.body());
  if (!verified.ok()) return verified.status();
  const EntryHeader& header = verified->header();
  bool kind_ok = false;
  std::string expected;
  for (std::string_view kind : kinds) {
    if (!expected.empty()) expected += " or ";
    expected += std::string(kind);
    if (kind == header.kind ||
        (kind == kinds::kEventPrefix && !EventStep(header.kind).empty())) {
      kind_ok = true;
    }
  }
  if (!kind_ok) {
    return absl::InvalidArgumentError(
        absl::StrCat("entry kind: ", method_name, " takes ", expected,
                     " entries, not ", header.kind));
  }
  if (FindKind(header.kind) == nullptr) {
    std::string steps;
    for (std::string_view step : BusinessSteps()) {
      absl::StrAppend(&steps, steps.empty() ? "" : ", ", std::string(step));
    }
    return absl::InvalidArgumentError(absl::StrCat(
        "entry kind: ", header.kind,
        " is not an accepted event; use event.<step> with a step of: ", steps));
  }
  auto subject = ParseSubject(header.subject);
  if (!subject.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("entry subject: ", subject.status().message()));
  }
  if (subject->type != subject_type) {
    return absl::InvalidArgumentError(
        absl::StrCat("entry subject: ", header.kind, " goes on a ",
                     std::string(SubjectTypeName(subject_type)),
                     " subject, not ", header.subject));
  }
  Submission submission{std::move(*verified), std::move(*subject), {}};
  for (const NoteSignature& signature : submission.entry.signers()) {
    if (auto key = registry.Find(signature.name)) {
      submission.signers.push_back(std::move(*key));
    }
  }
  return submission;
}

absl::StatusOr<PreparedView> Service::Impl::Prepare(
    const std::string& subject) const {
  auto head = ledger->Head(subject);
  if (!head.ok()) return head.status();
  // The snapshot is taken after the head was read, so it holds at least
  // every entry of the subject up to that head.
  return PreparedView{*head, store->Snapshot()};
}

absl::Status Service::Impl::CheckExtendsHead(const EntryHeader& header,
                                             const ledger::SubjectHead& head) {
  if (header.seq == head.next_seq && header.prev == head.last_hash) {
    return absl::OkStatus();
  }
  return absl::AbortedError(absl::StrCat(
      "stale chain head for subject ", header.subject, ": the entry says seq ",
      header.seq, " but the subject's next seq is ", head.next_seq,
      " with prev ",
      Base64Encode(std::string(head.last_hash.begin(), head.last_hash.end())),
      "; fetch the head (GetHead), re-sign the entry and retry"));
}

void Service::Impl::Commit(ledger::VerifiedEntry entry,
                           const PreparedView& view,
                           std::function<void()> cleanup,
                           Callback<v1::EntryReceipt> done) {
  auto changes = DeriveChanges(entry.header(), entry.body(), view.reader());
  if (!changes.ok()) {
    if (cleanup) cleanup();
    done(changes.status());
    return;
  }
  std::optional<state::KeyState> key = std::move(changes->key);
  ledger->AppendAsync(
      std::move(entry), std::move(changes->writes),
      [this, key = std::move(key), cleanup = std::move(cleanup),
       done = std::move(done)](absl::StatusOr<ledger::AppendResult> result) {
        if (result.ok() && key) {
          // The vkey parsed when the changes were derived; Apply cannot fail.
          (void)registry.Apply(*key);
        }
        if (cleanup) cleanup();
        if (!result.ok()) {
          done(result.status());
          return;
        }
        done(ToReceipt(*result));
      });
}

void Service::Impl::SubmitAuthority(
    std::string kind, std::string subject, std::string body,
    std::function<absl::Status(const StateReader&)> validate,
    std::function<void()> cleanup, Callback<v1::EntryReceipt> done,
    int attempts) {
  auto fail = [&](absl::Status status) {
    if (cleanup) cleanup();
    done(std::move(status));
  };
  auto view = Prepare(subject);
  if (!view.ok()) return fail(view.status());
  if (validate) {
    if (auto status = validate(view->reader()); !status.ok()) {
      return fail(status);
    }
  }
  EntryHeader header;
  header.kind = kind;
  header.subject = subject;
  header.seq = view->head.next_seq;
  header.prev = view->head.last_hash;
  header.time = TimestampAt(clock->Now(), options.utc_offset_minutes);
  header.body_hash = Sha256(body);
  auto entry = SignEntry(header, keys.authority);
  if (!entry.ok()) return fail(entry.status());
  auto verified = ledger->Verify(std::move(*entry), body);
  if (!verified.ok()) return fail(verified.status());
  auto changes = DeriveChanges(header, body, view->reader());
  if (!changes.ok()) return fail(changes.status());
  std::optional<state::KeyState> key = std::move(changes->key);
  ledger->AppendAsync(
      std::move(*verified), std::move(changes->writes),
      [this, kind = std::move(kind), subject = std::move(subject),
       body = std::move(body), validate = std::move(validate),
       cleanup = std::move(cleanup), done = std::move(done), attempts,
       key = std::move(key)](
          absl::StatusOr<ledger::AppendResult> result) mutable {
        if (absl::IsAborted(result.status()) && attempts > 1) {
          // Another entry landed on the subject first: re-check and re-sign.
          SubmitAuthority(std::move(kind), std::move(subject), std::move(body),
                          std::move(validate), std::move(cleanup),
                          std::move(done), attempts - 1);
          return;
        }
        if (result.ok() && key) (void)registry.Apply(*key);
        if (cleanup) cleanup();
        if (!result.ok()) {
          done(result.status());
          return;
        }
        done(ToReceipt(*result));
      });
}

absl::StatusOr<v1::EntryReceipt> Service::Impl::SubmitAuthorityAndWait(
    std::string kind, std::string subject, std::string body) {
  std::promise<absl::StatusOr<v1::EntryReceipt>> promise;
  auto future = promise.get_future();
  SubmitAuthority(std::move(kind), std::move(subject), std::move(body), nullptr,
                  nullptr,
                  [&promise](absl::StatusOr<v1::EntryReceipt> receipt) {
                    promise.set_value(std::move(receipt));
                  });
  return future.get();
}

bool Service::Impl::Claim(const std::string& name) {
  std::lock_guard<std::mutex> lock(claims_mutex);
  return claims.insert(name).second;
}

void Service::Impl::Unclaim(const std::string& name) {
  std::lock_guard<std::mutex> lock(claims_mutex);
  claims.erase(name);
}

}  // namespace ocoptrace::trace
