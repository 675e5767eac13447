// KeyResolver: how the ledger learns which actor keys may sign entries.
//
// The ledger is generic: it does not know who the actors are. The
// application (server/trace) keeps the registry of keys, itself derived from
// log entries, and answers lookups through this interface. A revoked key is
// no longer returned, so it signs nothing new; entries it signed before stay
// valid because they are already in the log.
//
// Thread-safety: implementations must be safe for concurrent calls.

#ifndef OCOPTRACE_SERVER_LEDGER_KEY_RESOLVER_H_
#define OCOPTRACE_SERVER_LEDGER_KEY_RESOLVER_H_

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "core/signed_note.h"

namespace ocoptrace::ledger {

class KeyResolver {
 public:
  virtual ~KeyResolver() = default;

  // The currently active key called `name` with id `key_id`, or nullopt if
  // there is none (never registered, or revoked).
  virtual std::optional<NoteVerifier> FindActive(std::string_view name,
                                                 uint32_t key_id) const = 0;
};

// A KeyResolver over an in-memory set of keys. Thread-safe.
class StaticKeyResolver : public KeyResolver {
 public:
  void Add(const NoteVerifier& key) {
    std::lock_guard<std::mutex> lock(mutex_);
    keys_.insert_or_assign({key.name, key.key_id}, key);
  }
  void Remove(std::string_view name, uint32_t key_id) {
    std::lock_guard<std::mutex> lock(mutex_);
    keys_.erase({std::string(name), key_id});
  }
  std::optional<NoteVerifier> FindActive(std::string_view name,
                                         uint32_t key_id) const override {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = keys_.find({std::string(name), key_id});
    if (it == keys_.end()) return std::nullopt;
    return it->second;
  }

 private:
  mutable std::mutex mutex_;
  std::map<std::pair<std::string, uint32_t>, NoteVerifier> keys_;
};

}  // namespace ocoptrace::ledger

#endif  // OCOPTRACE_SERVER_LEDGER_KEY_RESOLVER_H_
