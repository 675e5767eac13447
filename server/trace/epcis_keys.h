// Integration keys: signing keys that the server holds for principals whose
// systems capture EPCIS over HTTP (POST /epcis/capture) or Trace.CaptureEpcis
// and cannot sign entries themselves (docs/epcis.md, "Who signs captured
// events"). An admin creates one per principal (Service::
// CreateIntegrationKey); its public key is registered with `key.added` like
// any other key of that principal, so entries signed with it pass the same
// checks and say in the log which key signed them.
//
// The private key is kept in Column::kSecrets (never derived from the log,
// untouched by a rebuild, but in every backup) as a signed-note skey.
//
// Thread-safety: thread-safe.

#ifndef OCOPTRACE_SERVER_TRACE_EPCIS_KEYS_H_
#define OCOPTRACE_SERVER_TRACE_EPCIS_KEYS_H_

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "core/signed_note.h"
#include "server/storage/store.h"

namespace ocoptrace::trace {

class IntegrationKeys {
 public:
  // `store` must outlive this object.
  explicit IntegrationKeys(storage::Store* store) : store_(store) {}

  // The key held for `principal`, or nullopt when none was stored.
  // DataLoss when the stored key does not parse; other errors: the store's.
  absl::StatusOr<std::optional<NoteSigner>> Find(
      std::string_view principal) const;

  // Stores `signer` as `principal`'s key (durably), replacing any.
  absl::Status Put(std::string_view principal, const NoteSigner& signer);

  // Forgets `principal`'s key (durably). OK when there was none.
  absl::Status Remove(std::string_view principal);

 private:
  storage::Store* const store_;
  mutable std::mutex mutex_;
  mutable std::map<std::string, NoteSigner, std::less<>> cache_;
};

// The name of a principal's n-th integration key: "<principal>.epcis-<n>".
std::string IntegrationKeyName(std::string_view principal, int n);

}  // namespace ocoptrace::trace

#endif  // OCOPTRACE_SERVER_TRACE_EPCIS_KEYS_H_
