// KeyRegistry: the signing keys the log knows (docs/state.md), in memory,
// as the ledger's KeyResolver. It mirrors the key records of the derived
// state: loaded at open (and after RebuildState), updated after every
// committed key.added / key.revoked. The service's authority key is always
// trusted, so that the very first entry (which registers it) verifies.
//
// Key names are unique log-wide: Reserve() holds a name while its
// key.added entry is in flight, so two concurrent additions of one name
// cannot both land.
//
// Thread-safety: thread-safe; lookups take a shared lock only.

#ifndef OCOPTRACE_SERVER_TRACE_KEY_REGISTRY_H_
#define OCOPTRACE_SERVER_TRACE_KEY_REGISTRY_H_

#include <map>
#include <optional>
#include <set>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "core/signed_note.h"
#include "server/ledger/key_resolver.h"
#include "server/trace/state.pb.h"
#include "server/trace/state_reader.h"

namespace ocoptrace::trace {

class KeyRegistry : public ledger::KeyResolver {
 public:
  explicit KeyRegistry(NoteVerifier authority);

  // Replaces the registry's contents with the key records in `state`.
  // DataLoss when a stored record or its vkey does not parse.
  absl::Status Load(const StateReader& state);

  // The active key (name, key_id): registered and not revoked, or the
  // authority key.
  std::optional<NoteVerifier> FindActive(std::string_view name,
                                         uint32_t key_id) const override;

  // The record of key `name`, active or revoked; nullopt if unknown.
  std::optional<state::KeyState> Find(std::string_view name) const;

  // Records a committed key.added or key.revoked. InvalidArgument when the
  // record's vkey does not parse (nothing changes then).
  absl::Status Apply(const state::KeyState& key);

  // Holds `name` for a key.added in flight. AlreadyExists, naming where
  // the key is registered, when the name is taken or held.
  absl::Status Reserve(std::string_view name);
  // Releases a name held by Reserve (after the append committed or failed).
  void Release(std::string_view name);

  // Every key record, ordered by chain and position (so label keys come in
  // the order they were added).
  std::vector<state::KeyState> All() const;

  const NoteVerifier& authority() const { return authority_; }

 private:
  struct Entry {
    state::KeyState record;
    NoteVerifier verifier;
  };

  const NoteVerifier authority_;
  mutable std::shared_mutex mutex_;
  std::map<std::string, Entry, std::less<>> keys_;
  std::set<std::string, std::less<>> reserved_;
};

}  // namespace ocoptrace::trace

#endif  // OCOPTRACE_SERVER_TRACE_KEY_REGISTRY_H_
