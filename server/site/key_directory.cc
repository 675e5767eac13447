#include "server/site/key_directory.h"

#include <utility>

namespace ocoptrace::site {
namespace {

void AddSigner(const std::string& vkey, std::vector<NoteVerifier>& signers) {
  absl::StatusOr<NoteVerifier> verifier = ParseVkey(vkey);
  if (verifier.ok()) signers.push_back(*std::move(verifier));
}

}  // namespace

KeyDirectory::KeyDirectory(trace::Service* service)
    : service_(service), snapshot_(std::make_shared<KeySnapshot>()) {
  snapshot_ = Current();
}

std::shared_ptr<const KeySnapshot> KeyDirectory::Current() const {
  const uint64_t size = service_->ledger().size();
  std::lock_guard<std::mutex> lock(mutex_);
  if (snapshot_->log_size == size && !snapshot_->published.log.empty()) {
    return snapshot_;
  }
  absl::StatusOr<v1::GetKeysResponse> keys =
      service_->GetKeys(trace::Caller{}, v1::GetKeysRequest());
  if (!keys.ok()) return snapshot_;  // Keep serving the last good answer.
  auto snapshot = std::make_shared<KeySnapshot>();
  snapshot->log_size = size;
  http::PublishedKeys& published = snapshot->published;
  published.log = keys->log();
  published.label.assign(keys->label().begin(), keys->label().end());
  published.actors.assign(keys->actors().begin(), keys->actors().end());
  published.revoked.assign(keys->revoked().begin(), keys->revoked().end());
  for (const std::string& vkey : published.label) {
    absl::StatusOr<NoteVerifier> verifier = ParseVkey(vkey);
    if (!verifier.ok()) continue;
    snapshot->label_keys.push_back(verifier->key);
    snapshot->label_key_names.push_back(verifier->name);
    snapshot->entry_signers.push_back(*std::move(verifier));
  }
  for (const std::string& vkey : published.actors) {
    AddSigner(vkey, snapshot->entry_signers);
  }
  for (const std::string& vkey : published.revoked) {
    AddSigner(vkey, snapshot->entry_signers);
  }
  snapshot_ = std::move(snapshot);
  return snapshot_;
}

http::PublishedKeys KeyDirectory::Keys() const { return Current()->published; }

}  // namespace ocoptrace::site
