// KeyDirectory: the keys the log publishes (Verify.GetKeys of the trace
// service), for the consumers' door: served at /keys (http::PublicKeySource)
// and parsed once for the page's checks — every registered entry signer
// (active or revoked: a key revoked later does not invalidate what it
// signed before, as the client's history check also holds) and the active
// label keys. Key changes are log entries, so the directory re-reads the
// registry only when the log has grown since its last read.
//
// Thread-safety: thread-safe.

#ifndef OCOPTRACE_SERVER_SITE_KEY_DIRECTORY_H_
#define OCOPTRACE_SERVER_SITE_KEY_DIRECTORY_H_

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/ed25519.h"
#include "core/signed_note.h"
#include "server/http/verifier_endpoints.h"
#include "server/trace/service.h"

namespace ocoptrace::site {

// The published keys as of one log size.
struct KeySnapshot {
  uint64_t log_size = 0;  // ledger().size() when read.
  http::PublishedKeys published;
  // Actors', label and revoked keys: everything that may have signed an
  // entry in the log.
  std::vector<NoteVerifier> entry_signers;
  // The active label keys, in the order /keys lists them.
  std::vector<Ed25519PublicKey> label_keys;
  // Names of the label keys among entry_signers (active or revoked).
  std::vector<std::string> label_key_names;
};

class KeyDirectory : public http::PublicKeySource {
 public:
  // `service` must outlive the directory.
  explicit KeyDirectory(trace::Service* service);

  // The keys as of now (re-read when the log grew since the last read).
  // Never null. A key that fails to parse is left out (and the registry
  // refuses such keys anyway).
  std::shared_ptr<const KeySnapshot> Current() const;

  // http::PublicKeySource: the /keys document.
  http::PublishedKeys Keys() const override;

 private:
  trace::Service* const service_;
  mutable std::mutex mutex_;
  mutable std::shared_ptr<const KeySnapshot> snapshot_;
};

}  // namespace ocoptrace::site

#endif  // OCOPTRACE_SERVER_SITE_KEY_DIRECTORY_H_
