// EPCIS 2.0 capture: jobs (epcis_captures.h) and the integration keys they
// sign with (epcis_keys.h). Exports and queries are in epcis_reads.cc.
#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "server/trace/authorization.h"
#include "server/trace/epcis_captures.h"
#include "server/trace/epcis_service.h"
#include "server/trace/service_impl.h"

namespace ocoptrace::trace {

EpcisCaptures& EpcisCapturesOf(Service* service, Service::Impl* impl) {
  std::call_once(impl->epcis_once, [service, impl] {
    impl->epcis = std::make_shared<EpcisCaptures>(service, impl);
  });
  return *impl->epcis;
}

void Service::CaptureEpcis(const Caller& caller,
                           const v1::CaptureEpcisRequest& request,
                           Callback<v1::CaptureEpcisResponse> done) {
  // `done` is shared: Start refuses (and the callback is not kept) or the
  // job calls it once.
  auto shared_done =
      std::make_shared<Callback<v1::CaptureEpcisResponse>>(std::move(done));
  absl::StatusOr<v1::EpcisCaptureJob> job =
      EpcisCapturesOf(this, impl_.get())
          .Start(caller, request.document(), request.error_behaviour(), nullptr,
                 [shared_done](const v1::EpcisCaptureJob& finished) {
                   v1::CaptureEpcisResponse response;
                   *response.mutable_job() = finished;
                   (*shared_done)(std::move(response));
                 });
  if (!job.ok()) (*shared_done)(job.status());
}

absl::StatusOr<v1::EpcisCaptureJob> Service::StartEpcisCapture(
    const Caller& caller, std::string document,
    v1::EpcisCaptureErrorBehaviour behaviour,
    std::function<void(const v1::EpcisCaptureJob&)> planned,
    std::function<void(const v1::EpcisCaptureJob&)> done) {
  return EpcisCapturesOf(this, impl_.get())
      .Start(caller, std::move(document), behaviour, std::move(planned),
             std::move(done));
}

absl::StatusOr<v1::EpcisCaptureJob> Service::GetCaptureJob(
    const Caller& caller, const v1::GetCaptureJobRequest& request) const {
  return EpcisCapturesOf(const_cast<Service*>(this), impl_.get())
      .Get(caller, request.capture_id());
}

void Service::CreateIntegrationKey(
    const Caller& caller, const v1::CreateIntegrationKeyRequest& request,
    Callback<v1::CreateIntegrationKeyResponse> done) {
  if (caller.anonymous()) {
    return done(absl::UnauthenticatedError(
        "CreateIntegrationKey needs the bearer token of an admin"));
  }
  if (caller.role != v1::ROLE_ADMIN) {
    return done(absl::PermissionDeniedError(absl::StrCat(
        "CreateIntegrationKey needs role admin; you are ",
        std::string(RoleName(caller.role)), " '", caller.principal, "'")));
  }
  const std::string& name = request.principal();
  std::optional<v1::Principal> principal = impl_->FindPrincipal(name);
  if (!principal) {
    return done(absl::NotFoundError(
        absl::StrCat("principal: '", name,
                     "' does not exist; create it first (tracectl principal "
                     "create --role producer --producer ID)")));
  }
  if (principal->revoked()) {
    return done(absl::FailedPreconditionError(
        absl::StrCat("principal: '", name, "' is revoked")));
  }
  if (principal->role() != v1::ROLE_PRODUCER &&
      principal->role() != v1::ROLE_INSPECTOR) {
    return done(absl::FailedPreconditionError(absl::StrCat(
        "principal: '", name, "' has role ",
        std::string(RoleName(principal->role())),
        "; integration keys sign supply-chain events, so the principal must "
        "be a producer (or an inspector, for inspections)")));
  }
  EpcisCaptures& captures = EpcisCapturesOf(this, impl_.get());
  absl::StatusOr<std::optional<NoteSigner>> existing =
      captures.keys().Find(name);
  if (!existing.ok()) return done(existing.status());
  if (existing->has_value()) {
    std::optional<state::KeyState> key =
        impl_->registry.Find((*existing)->name);
    if (key && !key->revoked()) {
      return done(absl::AlreadyExistsError(absl::StrCat(
          "principal '", name, "' has the integration key '", key->name(),
          "' already; to replace it, revoke it first (tracectl key revoke ",
          key->name(), ")")));
    }
  }
  // A fresh name: "<principal>.epcis-<n>", n past every name taken.
  int n = 1;
  while (impl_->registry.Find(IntegrationKeyName(name, n))) ++n;
  std::string seed(32, '\0');
  {
    std::lock_guard<std::mutex> lock(impl_->random_mutex);
    impl_->random->Fill(reinterpret_cast<uint8_t*>(seed.data()), seed.size());
  }
  absl::StatusOr<Ed25519PrivateKey> private_key =
      Ed25519PrivateKey::FromSeed(seed);
  if (!private_key.ok()) return done(private_key.status());
  absl::StatusOr<NoteSigner> signer =
      MakeNoteSigner(IntegrationKeyName(name, n), *private_key);
  if (!signer.ok()) return done(signer.status());
  // The private key is stored before the public one is registered, so a
  // registered integration key can always sign; a failed registration
  // removes it again.
  if (absl::Status status = captures.keys().Put(name, *signer); !status.ok()) {
    return done(status);
  }
  v1::AddKeyRequest add;
  v1::KeyRecord* key = add.mutable_key();
  key->set_vkey(FormatVkey(VerifierOf(*signer)));
  if (principal->role() == v1::ROLE_PRODUCER) {
    key->set_role(v1::KEY_ROLE_PRODUCER);
    key->set_producer_id(principal->producer_id());
    key->set_holder(absl::StrCat(name, " (integration key held by traced)"));
  } else {
    key->set_role(v1::KEY_ROLE_INSPECTOR);
    key->set_holder(name);
  }
  const std::string vkey = key->vkey();
  IntegrationKeys* keys = &captures.keys();
  AddKey(caller, add,
         [keys, name, vkey,
          done = std::move(done)](absl::StatusOr<v1::EntryReceipt> receipt) {
           if (!receipt.ok()) {
             (void)keys->Remove(name);
             return done(receipt.status());
           }
           v1::CreateIntegrationKeyResponse response;
           response.set_vkey(vkey);
           *response.mutable_receipt() = *std::move(receipt);
           done(std::move(response));
         });
}

}  // namespace ocoptrace::trace
