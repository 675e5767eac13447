#include "server/http/label_verifier.h"

#include <functional>
#include <utility>

#include "core/label_payload.h"

namespace ocoptrace::http {

LabelSignatureVerifier::LabelSignatureVerifier(size_t capacity)
    : shard_capacity_(capacity / 16 > 0 ? capacity / 16 : 1),
      keys_(std::make_shared<const std::vector<Ed25519PublicKey>>()) {}

void LabelSignatureVerifier::SetKeys(std::vector<Ed25519PublicKey> keys) {
  {
    std::lock_guard<std::mutex> lock(keys_mutex_);
    keys_ =
        std::make_shared<const std::vector<Ed25519PublicKey>>(std::move(keys));
  }
  // A request that read the old keys may still store an old answer after
  // this; it verified against keys that were valid when it started, which
  // is the same race any request in flight during a key change has.
  for (Shard& shard : shards_) {
    std::lock_guard<std::mutex> lock(shard.mutex);
    shard.answers.clear();
  }
}

int LabelSignatureVerifier::Verify(std::string_view gtin14,
                                   std::string_view lot,
                                   std::string_view serial,
                                   std::string_view signature64) const {
  std::string key;
  key.reserve(gtin14.size() + lot.size() + serial.size() + signature64.size() +
              3);
  key.append(gtin14).append(1, '\0').append(lot).append(1, '\0');
  key.append(serial).append(1, '\0').append(signature64);
  Shard& shard = shards_[std::hash<std::string>()(key) % shards_.size()];
  {
    std::lock_guard<std::mutex> lock(shard.mutex);
    auto it = shard.answers.find(key);
    if (it != shard.answers.end()) {
      hits_.fetch_add(1, std::memory_order_relaxed);
      return it->second;
    }
  }
  std::shared_ptr<const std::vector<Ed25519PublicKey>> keys;
  {
    std::lock_guard<std::mutex> lock(keys_mutex_);
    keys = keys_;
  }
  LabelClaim claim;
  claim.gtin14 = std::string(gtin14);
  claim.lot = std::string(lot);
  claim.serial = std::string(serial);
  claim.signature = std::string(signature64);
  const int answer = VerifyLabelSignature(claim, *keys);
  verifications_.fetch_add(1, std::memory_order_relaxed);
  std::lock_guard<std::mutex> lock(shard.mutex);
  if (shard.answers.size() >= shard_capacity_) shard.answers.clear();
  shard.answers.emplace(std::move(key), answer);
  return answer;
}

LabelSignatureVerifier::Stats LabelSignatureVerifier::stats() const {
  return {hits_.load(), verifications_.load()};
}

}  // namespace ocoptrace::http
