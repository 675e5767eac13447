#include "server/trace/key_registry.h"

#include <algorithm>
#include <mutex>
#include <utility>

#include "absl/strings/str_cat.h"

namespace ocoptrace::trace {

KeyRegistry::KeyRegistry(NoteVerifier authority)
    : authority_(std::move(authority)) {}

absl::Status KeyRegistry::Load(const StateReader& state) {
  std::map<std::string, Entry, std::less<>> loaded;
  absl::Status problem;
  absl::Status scan = state.ScanKeys([&](const state::KeyState& key) {
    auto verifier = ParseVkey(key.vkey());
    if (!verifier.ok()) {
      problem = absl::DataLossError(absl::StrCat(
          "stored key '", key.name(),
          "' has an unreadable vkey: ", verifier.status().message()));
      return false;
    }
    loaded[key.name()] = Entry{key, std::move(*verifier)};
    return true;
  });
  if (!scan.ok()) return scan;
  if (!problem.ok()) return problem;
  std::unique_lock lock(mutex_);
  keys_ = std::move(loaded);
  return absl::OkStatus();
}

std::optional<NoteVerifier> KeyRegistry::FindActive(std::string_view name,
                                                    uint32_t key_id) const {
  if (name == authority_.name && key_id == authority_.key_id) {
    return authority_;
  }
  std::shared_lock lock(mutex_);
  auto it = keys_.find(name);
  if (it == keys_.end() || it->second.record.revoked() ||
      it->second.verifier.key_id != key_id) {
    return std::nullopt;
  }
  return it->second.verifier;
}

std::optional<state::KeyState> KeyRegistry::Find(std::string_view name) const {
  std::shared_lock lock(mutex_);
  auto it = keys_.find(name);
  if (it == keys_.end()) return std::nullopt;
  return it->second.record;
}

absl::Status KeyRegistry::Apply(const state::KeyState& key) {
  auto verifier = ParseVkey(key.vkey());
  if (!verifier.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("key '", key.name(), "': ", verifier.status().message()));
  }
  std::unique_lock lock(mutex_);
  keys_[key.name()] = Entry{key, std::move(*verifier)};
  return absl::OkStatus();
}

absl::Status KeyRegistry::Reserve(std::string_view name) {
  std::unique_lock lock(mutex_);
  auto it = keys_.find(name);
  if (it != keys_.end() || name == authority_.name) {
    const std::string where =
        it != keys_.end() ? it->second.record.subject() : "service/authority";
    return absl::AlreadyExistsError(absl::StrCat(
        "key name '", std::string(name), "' is already registered (on ", where,
        "); key names are unique in the log: choose another name"));
  }
  if (!reserved_.insert(std::string(name)).second) {
    return absl::AlreadyExistsError(absl::StrCat(
        "key name '", std::string(name),
        "' is being registered by another request; choose another name"));
  }
  return absl::OkStatus();
}

void KeyRegistry::Release(std::string_view name) {
  std::unique_lock lock(mutex_);
  auto it = reserved_.find(name);
  if (it != reserved_.end()) reserved_.erase(it);
}

std::vector<state::KeyState> KeyRegistry::All() const {
  std::vector<state::KeyState> all;
  {
    std::shared_lock lock(mutex_);
    all.reserve(keys_.size());
    for (const auto& [name, entry] : keys_) all.push_back(entry.record);
  }
  std::sort(all.begin(), all.end(),
            [](const state::KeyState& a, const state::KeyState& b) {
              if (a.subject() != b.subject()) return a.subject() < b.subject();
              return a.added_seq() < b.added_seq();
            });
  return all;
}

}  // namespace ocoptrace::trace
