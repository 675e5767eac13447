// Registry: producers, their keys, officials' keys, and products.
#include "absl/strings/str_cat.h"
#include "server/storage/keys.h"
#include "server/trace/kinds.h"
#include "server/trace/rules.h"
#include "server/trace/service_impl.h"

namespace ocoptrace::trace {
namespace {

// Which principal role an official's key role belongs to.
v1::Role PrincipalRoleFor(v1::KeyRole role) {
  switch (role) {
    case v1::KEY_ROLE_CERTIFIER:
      return v1::ROLE_CERTIFIER;
    case v1::KEY_ROLE_INSPECTOR:
      return v1::ROLE_INSPECTOR;
    case v1::KEY_ROLE_ADMIN:
      return v1::ROLE_ADMIN;
    default:
      return v1::ROLE_UNSPECIFIED;
  }
}

absl::Status ProducerMustExist(const StateReader& state,
                               const std::string& id) {
  auto producer = state.Producer(id);
  return producer.ok() ? absl::OkStatus() : producer.status();
}

}  // namespace

void Service::RegisterProducer(const Caller& caller,
                               const v1::RegisterProducerRequest& request,
                               Callback<v1::EntryReceipt> done) {
  if (auto status = AuthorizeCall(caller, Method::kRegisterProducer);
      !status.ok()) {
    return done(status);
  }
  if (auto status = ValidateProducerRecord(request.producer()); !status.ok()) {
    return done(absl::Status(status.code(),
                             absl::StrCat("producer.", status.message())));
  }
  const std::string id = request.producer().id();
  impl_->SubmitAuthority(
      std::string(kinds::kProducerRegistered), ProducerSubject(id),
      request.producer().SerializeAsString(),
      [id](const StateReader& state) {
        auto existing = state.Producer(id);
        if (existing.ok()) {
          return absl::AlreadyExistsError(absl::StrCat(
              "producer '", id,
              "' is already registered; use UpdateProducer to change it"));
        }
        return absl::IsNotFound(existing.status()) ? absl::OkStatus()
                                                   : existing.status();
      },
      nullptr, std::move(done));
}

void Service::UpdateProducer(const Caller& caller,
                             const v1::UpdateProducerRequest& request,
                             Callback<v1::EntryReceipt> done) {
  constexpr Method kMethod = Method::kUpdateProducer;
  if (auto status = AuthorizeCall(caller, kMethod); !status.ok()) {
    return done(status);
  }
  if (request.has_producer() == request.has_signed_()) {
    return done(absl::InvalidArgumentError(
        "UpdateProducer takes either `signed` (a producer.updated entry "
        "signed by a producer key) or `producer` (for an admin), not both "
        "or neither"));
  }
  if (request.has_producer()) {
    if (caller.role != v1::ROLE_ADMIN) {
      return done(absl::PermissionDeniedError(absl::StrCat(
          "UpdateProducer with `producer` is signed by the service for "
          "admins; as producer '",
          caller.producer_id,
          "' send a producer.updated entry signed with "
          "your key in `signed`")));
    }
    if (auto status = ValidateProducerRecord(request.producer());
        !status.ok()) {
      return done(absl::Status(status.code(),
                               absl::StrCat("producer.", status.message())));
    }
    const std::string id = request.producer().id();
    return impl_->SubmitAuthority(
        std::string(kinds::kProducerUpdated), ProducerSubject(id),
        request.producer().SerializeAsString(),
        [id](const StateReader& state) { return ProducerMustExist(state, id); },
        nullptr, std::move(done));
  }
  auto submission = impl_->VerifySubmission(kMethod, request.signed_(),
                                            {kinds::kProducerUpdated},
                                            SubjectType::kProducer);
  if (!submission.ok()) return done(submission.status());
  auto record = ParseBody<v1::ProducerRecord>(submission->entry.body(),
                                              BodyType::kProducerRecord);
  if (!record.ok()) return done(record.status());
  const std::string& id = submission->subject.id;
  if (record->id() != id) {
    return done(absl::InvalidArgumentError(absl::StrCat(
        "id: the body names producer '", record->id(),
        "' but the entry's subject is ", submission->entry.header().subject)));
  }
  if (auto status = ValidateProducerRecord(*record); !status.ok()) {
    return done(status);
  }
  if (auto status = AuthorizeOwner(caller, kMethod, id,
                                   absl::StrCat("producer '", id, "'"));
      !status.ok()) {
    return done(status);
  }
  if (auto status = AuthorizeSigner(caller, submission->entry.header().kind, id,
                                    submission->signers);
      !status.ok()) {
    return done(status);
  }
  auto view = impl_->Prepare(submission->entry.header().subject);
  if (!view.ok()) return done(view.status());
  if (auto status = ProducerMustExist(view->reader(), id); !status.ok()) {
    return done(status);
  }
  if (auto status =
          Impl::CheckExtendsHead(submission->entry.header(), view->head);
      !status.ok()) {
    return done(status);
  }
  impl_->Commit(std::move(submission->entry), *view, nullptr, std::move(done));
}

absl::StatusOr<v1::Producer> Service::GetProducer(
    const Caller& caller, const v1::GetProducerRequest& request) const {
  if (auto status = AuthorizeCall(caller, Method::kGetProducer); !status.ok()) {
    return status;
  }
  if (auto status = ValidateProducerId(request.producer_id()); !status.ok()) {
    return status;
  }
  StateReader state(impl_->store->Latest());
  auto producer = state.Producer(request.producer_id());
  if (!producer.ok()) return producer.status();
  return impl_->BuildProducer(state, *producer);
}

absl::StatusOr<v1::ListProducersResponse> Service::ListProducers(
    const Caller& caller, const v1::ListProducersRequest& request) const {
  if (auto status = AuthorizeCall(caller, Method::kListProducers);
      !status.ok()) {
    return status;
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
  v1::ListProducersResponse response;
  absl::Status problem;
  std::string last;
  absl::Status scan = state.ScanRecords(
      "producer/", start_after,
      [&](std::string_view subject, std::string_view value) {
        if (static_cast<size_t>(response.producers_size()) == limit) {
          response.set_next_page_token(EncodePageToken(last));
          return false;
        }
        auto producer = DecodeRecord<state::ProducerState>(value, "producer");
        auto built = producer.ok()
                         ? impl_->BuildProducer(state, *producer)
                         : absl::StatusOr<v1::Producer>(producer.status());
        if (!built.ok()) {
          problem = built.status();
          return false;
        }
        *response.add_producers() = std::move(*built);
        last = std::string(subject);
        return true;
      });
  if (!scan.ok()) return scan;
  if (!problem.ok()) return problem;
  return response;
}

void Service::AddKey(const Caller& caller, const v1::AddKeyRequest& request,
                     Callback<v1::EntryReceipt> done) {
  constexpr Method kMethod = Method::kAddKey;
  if (auto status = AuthorizeCall(caller, kMethod); !status.ok()) {
    return done(status);
  }
  const v1::KeyRecord& key = request.key();
  if (auto status = ValidateKeyRecord(key); !status.ok()) return done(status);
  if (key.role() == v1::KEY_ROLE_AUTHORITY ||
      key.role() == v1::KEY_ROLE_LABEL) {
    return done(absl::InvalidArgumentError(
        "key.role: authority and label keys are the service's own; traced "
        "records them itself (see --add-label-key)"));
  }
  if (caller.role == v1::ROLE_PRODUCER &&
      (key.role() != v1::KEY_ROLE_PRODUCER ||
       key.producer_id() != caller.producer_id)) {
    return done(absl::PermissionDeniedError(absl::StrCat(
        "AddKey: producer '", caller.producer_id,
        "' may add only producer keys of its own (key.role producer, "
        "key.producer_id '",
        caller.producer_id, "'); other keys need role admin")));
  }
  std::string subject;
  if (key.role() == v1::KEY_ROLE_PRODUCER) {
    subject = ProducerSubject(key.producer_id());
  } else {
    std::optional<v1::Principal> holder = impl_->FindPrincipal(key.holder());
    if (!holder) {
      return done(absl::NotFoundError(absl::StrCat(
          "key.holder: principal '", key.holder(),
          "' does not exist; create it with CreatePrincipal first")));
    }
    if (holder->role() != PrincipalRoleFor(key.role())) {
      return done(absl::InvalidArgumentError(absl::StrCat(
          "key.role: principal '", key.holder(), "' has role ",
          std::string(RoleName(holder->role())),
          "; a key with this role needs a ",
          std::string(RoleName(PrincipalRoleFor(key.role()))), " principal")));
    }
    subject = PrincipalSubject(key.holder());
  }
  auto vkey = ParseVkey(key.vkey());
  if (!vkey.ok()) return done(vkey.status());
  const std::string name = vkey->name;
  if (auto status = impl_->registry.Reserve(name); !status.ok()) {
    return done(status);
  }
  const std::string producer_id = key.producer_id();
  const bool producer_key = key.role() == v1::KEY_ROLE_PRODUCER;
  Impl* impl = impl_.get();
  impl_->SubmitAuthority(
      std::string(kinds::kKeyAdded), subject, key.SerializeAsString(),
      [producer_key, producer_id](const StateReader& state) {
        return producer_key ? ProducerMustExist(state, producer_id)
                            : absl::OkStatus();
      },
      [impl, name] { impl->registry.Release(name); }, std::move(done));
}

void Service::RevokeKey(const Caller& caller,
                        const v1::RevokeKeyRequest& request,
                        Callback<v1::EntryReceipt> done) {
  constexpr Method kMethod = Method::kRevokeKey;
  if (auto status = AuthorizeCall(caller, kMethod); !status.ok()) {
    return done(status);
  }
  v1::KeyRevocation revocation;
  revocation.set_key_name(request.key_name());
  revocation.set_reason(request.reason());
  if (auto status = ValidateKeyRevocation(revocation); !status.ok()) {
    return done(status);
  }
  auto key = impl_->registry.Find(request.key_name());
  if (!key) {
    return done(absl::NotFoundError(absl::StrCat(
        "key_name: key '", request.key_name(), "' is not registered")));
  }
  if (key->role() == v1::KEY_ROLE_AUTHORITY) {
    return done(absl::FailedPreconditionError(
        "key_name: the authority key cannot be revoked through the API; "
        "rotate it with traced's key tools"));
  }
  if (caller.role == v1::ROLE_PRODUCER &&
      (key->role() != v1::KEY_ROLE_PRODUCER ||
       key->producer_id() != caller.producer_id)) {
    return done(absl::PermissionDeniedError(
        absl::StrCat("RevokeKey: producer '", caller.producer_id,
                     "' may revoke only its own producer keys; key '",
                     key->name(), "' is not one of them")));
  }
  const std::string name = key->name();
  impl_->SubmitAuthority(
      std::string(kinds::kKeyRevoked), key->subject(),
      revocation.SerializeAsString(),
      [name](const StateReader& state) {
        auto current = state.Key(name);
        if (!current.ok()) return current.status();
        if (current->revoked()) {
          return absl::FailedPreconditionError(
              absl::StrCat("key '", name, "' is already revoked (",
                           current->revocation_reason(), ")"));
        }
        return absl::OkStatus();
      },
      nullptr, std::move(done));
}

}  // namespace ocoptrace::trace
