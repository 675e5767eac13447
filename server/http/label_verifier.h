// LabelSignatureVerifier: checks a label's signature against the published
// label keys (core/label_payload.h) and remembers the answer. An Ed25519
// verification costs ~100 µs on a small server, more than rendering the
// whole scan page, while a label is typically scanned several times (the
// shopper, the shop, an inspector) and a viral or copied label thousands of
// times; the cache keeps those repeats off the CPU. PageData
// implementations call it instead of VerifyLabelSignature.
//
// The cache is keyed by the exact (gtin, lot, serial, signature) bytes, so
// a hit can only return what a verification of those bytes returned; it is
// cleared whenever the key set changes (a label key added or revoked).
// Bounded: each of 16 shards holds at most capacity/16 answers and starts
// afresh when full.
//
// Thread-safety: all methods are thread-safe.

#ifndef OCOPTRACE_SERVER_HTTP_LABEL_VERIFIER_H_
#define OCOPTRACE_SERVER_HTTP_LABEL_VERIFIER_H_

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/ed25519.h"

namespace ocoptrace::http {

class LabelSignatureVerifier {
 public:
  explicit LabelSignatureVerifier(size_t capacity = 1 << 16);

  // Replaces the label keys (oldest first, as published) and clears the
  // cache.
  void SetKeys(std::vector<Ed25519PublicKey> keys);

  // The index of the first label key under which `signature64` verifies
  // over LabelSigningInput(gtin14, lot, serial), or -1 when none does (also
  // for a serial that is not a service serial, or a signature that is not
  // 64 bytes).
  int Verify(std::string_view gtin14, std::string_view lot,
             std::string_view serial, std::string_view signature64) const;

  struct Stats {
    uint64_t hits = 0;
    uint64_t verifications = 0;  // Cache misses: real Ed25519 checks.
  };
  Stats stats() const;

 private:
  struct Shard {
    std::mutex mutex;
    std::unordered_map<std::string, int> answers;
  };

  const size_t shard_capacity_;
  mutable std::array<Shard, 16> shards_;
  mutable std::mutex keys_mutex_;
  std::shared_ptr<const std::vector<Ed25519PublicKey>> keys_;
  mutable std::atomic<uint64_t> hits_{0};
  mutable std::atomic<uint64_t> verifications_{0};
};

}  // namespace ocoptrace::http

#endif  // OCOPTRACE_SERVER_HTTP_LABEL_VERIFIER_H_
