#include "server/trace/epcis_keys.h"

#include "absl/strings/str_cat.h"
#include "server/storage/keys.h"
#include "server/storage/write_batch.h"

namespace ocoptrace::trace {

using storage::Column;

std::string IntegrationKeyName(std::string_view principal, int n) {
  return absl::StrCat(std::string(principal), ".epcis-", n);
}

absl::StatusOr<std::optional<NoteSigner>> IntegrationKeys::Find(
    std::string_view principal) const {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (auto it = cache_.find(principal); it != cache_.end()) return it->second;
  }
  absl::StatusOr<std::string> stored = store_->Latest().Get(
      Column::kSecrets, storage::IntegrationKeySecretKey(principal));
  if (absl::IsNotFound(stored.status())) return std::nullopt;
  if (!stored.ok()) return stored.status();
  absl::StatusOr<NoteSigner> signer = ParseSkey(*stored);
  if (!signer.ok()) {
    return absl::DataLossError(absl::StrCat(
        "the stored integration key of principal '", std::string(principal),
        "' does not parse (", signer.status().message(),
        "); revoke its key and create a new one"));
  }
  std::lock_guard<std::mutex> lock(mutex_);
  cache_.insert_or_assign(std::string(principal), *signer);
  return *signer;
}

absl::Status IntegrationKeys::Put(std::string_view principal,
                                  const NoteSigner& signer) {
  storage::WriteBatch batch;
  batch.Put(Column::kSecrets, storage::IntegrationKeySecretKey(principal),
            FormatSkey(signer));
  std::lock_guard<std::mutex> lock(mutex_);
  if (absl::Status status = store_->Write(batch, {.sync = true});
      !status.ok()) {
    return status;
  }
  cache_.insert_or_assign(std::string(principal), signer);
  return absl::OkStatus();
}

absl::Status IntegrationKeys::Remove(std::string_view principal) {
  storage::WriteBatch batch;
  batch.Delete(Column::kSecrets, storage::IntegrationKeySecretKey(principal));
  std::lock_guard<std::mutex> lock(mutex_);
  if (absl::Status status = store_->Write(batch, {.sync = true});
      !status.ok()) {
    return status;
  }
  if (auto it = cache_.find(principal); it != cache_.end()) cache_.erase(it);
  return absl::OkStatus();
}

}  // namespace ocoptrace::trace
