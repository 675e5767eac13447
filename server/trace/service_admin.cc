// Admin: principals (bearer tokens bound to a role), authentication,
// bootstrap and backups. Principals are access-control records in
// Column::kPrincipals, not log entries: they may hold display names, and
// tokens are stored only as SHA-256 hashes.
#include <algorithm>
#include <mutex>

#include "absl/strings/str_cat.h"
#include "core/base64.h"
#include "core/timestamp.h"
#include "server/storage/keys.h"
#include "server/trace/rules.h"
#include "server/trace/service_impl.h"

namespace ocoptrace::trace {
namespace {

using storage::Column;

// Tokens carry 256 random bits.
constexpr size_t kTokenBytes = 32;

std::string TokenHash(std::string_view token) {
  return HashToBytes(Sha256(token));
}

// Creates `principal` with a fresh token. Requires principals_mutex held
// exclusively by the caller.
absl::StatusOr<v1::CreatePrincipalResponse> CreateLocked(
    Service::Impl& impl, v1::Principal principal) {
  if (impl.token_hash_by_name.count(principal.name()) > 0) {
    return absl::AlreadyExistsError(
        absl::StrCat("principal.name: '", principal.name(),
                     "' exists already; choose another name"));
  }
  std::string token_bytes(kTokenBytes, '\0');
  {
    std::lock_guard<std::mutex> lock(impl.random_mutex);
    impl.random->Fill(reinterpret_cast<uint8_t*>(token_bytes.data()),
                      token_bytes.size());
  }
  const std::string token = Base64UrlEncode(token_bytes);
  const std::string hash = TokenHash(token);
  principal.set_revoked(false);
  principal.set_created_at(FormatRfc3339(
      TimestampAt(impl.clock->Now(), impl.options.utc_offset_minutes)));
  storage::WriteBatch batch;
  batch.Put(Column::kPrincipals, storage::PrincipalTokenKey(hash),
            principal.SerializeAsString());
  batch.Put(Column::kPrincipals, storage::PrincipalNameKey(principal.name()),
            hash);
  if (auto status = impl.store->Write(batch, {.sync = true}); !status.ok()) {
    return status;
  }
  impl.token_hash_by_name[principal.name()] = hash;
  impl.principals_by_token_hash[hash] = principal;
  v1::CreatePrincipalResponse response;
  *response.mutable_principal() = std::move(principal);
  response.set_token(token);
  return response;
}

}  // namespace

std::optional<v1::Principal> Service::Impl::FindPrincipal(
    std::string_view name) const {
  std::shared_lock lock(principals_mutex);
  auto hash = token_hash_by_name.find(std::string(name));
  if (hash == token_hash_by_name.end()) return std::nullopt;
  auto principal = principals_by_token_hash.find(hash->second);
  if (principal == principals_by_token_hash.end()) return std::nullopt;
  return principal->second;
}

absl::StatusOr<Caller> Service::Authenticate(
    std::string_view bearer_token) const {
  if (bearer_token.empty()) {
    return absl::UnauthenticatedError(
        "missing bearer token: pass the token an admin gave you");
  }
  const std::string hash = TokenHash(bearer_token);
  std::shared_lock lock(impl_->principals_mutex);
  auto it = impl_->principals_by_token_hash.find(hash);
  if (it == impl_->principals_by_token_hash.end()) {
    return absl::UnauthenticatedError(
        "unknown bearer token: check it, or ask an admin for a new one");
  }
  const v1::Principal& principal = it->second;
  if (principal.revoked()) {
    return absl::UnauthenticatedError(
        absl::StrCat("token revoked: principal '", principal.name(),
                     "' was revoked; ask an admin for a new token"));
  }
  return Caller{principal.name(), principal.role(), principal.producer_id()};
}

absl::StatusOr<v1::CreatePrincipalResponse> Service::BootstrapAdmin(
    const std::string& name) {
  v1::Principal principal;
  principal.set_name(name);
  principal.set_role(v1::ROLE_ADMIN);
  if (auto status =
          ValidatePrincipal(principal, StateReader(impl_->store->Latest()));
      !status.ok()) {
    return status;
  }
  std::unique_lock lock(impl_->principals_mutex);
  for (const auto& [hash, existing] : impl_->principals_by_token_hash) {
    if (existing.role() == v1::ROLE_ADMIN) {
      return absl::AlreadyExistsError(
          absl::StrCat("an admin principal exists already ('", existing.name(),
                       "'); use its token, or have it create more principals"));
    }
  }
  return CreateLocked(*impl_, std::move(principal));
}

absl::StatusOr<v1::CreatePrincipalResponse> Service::CreatePrincipal(
    const Caller& caller, const v1::CreatePrincipalRequest& request) {
  if (auto status = AuthorizeCall(caller, Method::kCreatePrincipal);
      !status.ok()) {
    return status;
  }
  if (auto status = ValidatePrincipal(request.principal(),
                                      StateReader(impl_->store->Latest()));
      !status.ok()) {
    return status;
  }
  v1::Principal principal;
  principal.set_name(request.principal().name());
  principal.set_role(request.principal().role());
  principal.set_producer_id(request.principal().producer_id());
  principal.set_display_name(request.principal().display_name());
  std::unique_lock lock(impl_->principals_mutex);
  return CreateLocked(*impl_, std::move(principal));
}

absl::StatusOr<v1::Principal> Service::RevokePrincipal(
    const Caller& caller, const v1::RevokePrincipalRequest& request) {
  if (auto status = AuthorizeCall(caller, Method::kRevokePrincipal);
      !status.ok()) {
    return status;
  }
  if (request.name() == caller.principal) {
    return absl::FailedPreconditionError(
        "name: you cannot revoke your own principal; ask another admin");
  }
  std::unique_lock lock(impl_->principals_mutex);
  auto hash = impl_->token_hash_by_name.find(request.name());
  if (hash == impl_->token_hash_by_name.end()) {
    return absl::NotFoundError(
        absl::StrCat("name: principal '", request.name(), "' does not exist"));
  }
  v1::Principal principal = impl_->principals_by_token_hash.at(hash->second);
  if (principal.revoked()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "name: principal '", request.name(), "' is already revoked"));
  }
  principal.set_revoked(true);
  storage::WriteBatch batch;
  batch.Put(Column::kPrincipals, storage::PrincipalTokenKey(hash->second),
            principal.SerializeAsString());
  if (auto status = impl_->store->Write(batch, {.sync = true}); !status.ok()) {
    return status;
  }
  impl_->principals_by_token_hash[hash->second] = principal;
  return principal;
}

absl::StatusOr<v1::ListPrincipalsResponse> Service::ListPrincipals(
    const Caller& caller, const v1::ListPrincipalsRequest& request) const {
  if (auto status = AuthorizeCall(caller, Method::kListPrincipals);
      !status.ok()) {
    return status;
  }
  v1::ListPrincipalsResponse response;
  std::shared_lock lock(impl_->principals_mutex);
  for (const auto& [name, hash] : impl_->token_hash_by_name) {
    *response.add_principals() = impl_->principals_by_token_hash.at(hash);
  }
  return response;
}

absl::StatusOr<v1::Principal> Service::WhoAmI(const Caller& caller) const {
  if (auto status = AuthorizeCall(caller, Method::kWhoAmI); !status.ok()) {
    return status;
  }
  std::optional<v1::Principal> principal =
      impl_->FindPrincipal(caller.principal);
  if (!principal) {
    return absl::NotFoundError(absl::StrCat("principal '", caller.principal,
                                            "' does not exist any more"));
  }
  return *principal;
}

void Service::Backup(const Caller& caller, const v1::BackupRequest& request,
                     Callback<v1::BackupResponse> done) {
  if (auto status = AuthorizeCall(caller, Method::kBackup); !status.ok()) {
    return done(status);
  }
  if (request.directory().empty()) {
    return done(absl::InvalidArgumentError(
        "directory is required: a path on the server that does not exist "
        "yet"));
  }
  // Every entry durable now is in the copy.
  const uint64_t tree_size = impl_->ledger->size();
  storage::Store* store = impl_->store;
  std::string directory = request.directory();
  std::lock_guard<std::mutex> lock(impl_->background_mutex);
  impl_->background.emplace_back(
      [store, directory, tree_size, done = std::move(done)] {
        absl::Status status = store->Backup(directory);
        if (!status.ok()) return done(status);
        v1::BackupResponse response;
        response.set_directory(directory);
        response.set_tree_size(tree_size);
        done(std::move(response));
      });
}

}  // namespace ocoptrace::trace
