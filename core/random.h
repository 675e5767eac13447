// Injected randomness. Code that needs random bytes (label serials, tokens,
// salts) takes a RandomSource&, so production passes SecureRandom() and
// tests pass a SeededRandom that repeats the same bytes on every run.
//
// Thread-safety: SecureRandom() is safe from any thread. A SeededRandom is
// not; use one per thread.

#ifndef OCOPTRACE_CORE_RANDOM_H_
#define OCOPTRACE_CORE_RANDOM_H_

#include <cstddef>
#include <cstdint>

namespace ocoptrace {

class RandomSource {
 public:
  virtual ~RandomSource() = default;
  // Writes `n` random bytes to `out`. Never fails: a source that cannot
  // produce randomness aborts the process rather than return weak bytes.
  virtual void Fill(uint8_t* out, size_t n) = 0;
};

// The process-wide cryptographically secure source (OpenSSL RAND_bytes).
// Never null; never deleted; thread-safe. Aborts if OpenSSL's generator
// fails.
RandomSource* SecureRandom();

// A deterministic source for tests: the byte stream is
// SHA-256("ocoptrace/seeded-random\n" || seed || counter) for counter = 0,
// 1, 2... (seed and counter as 8-byte big-endian), concatenated. The same
// seed always yields the same bytes, on every platform. Not secure.
class SeededRandom : public RandomSource {
 public:
  explicit SeededRandom(uint64_t seed) : seed_(seed) {}
  void Fill(uint8_t* out, size_t n) override;

 private:
  uint64_t seed_;
  uint64_t counter_ = 0;
  uint8_t block_[32] = {};
  size_t used_ = sizeof(block_);  // bytes of block_ already handed out
};

}  // namespace ocoptrace

#endif  // OCOPTRACE_CORE_RANDOM_H_
