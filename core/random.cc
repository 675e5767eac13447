#include "core/random.h"

#include <openssl/rand.h>

#include <algorithm>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "core/sha256.h"

namespace ocoptrace {
namespace {

class OpenSslRandom : public RandomSource {
 public:
  void Fill(uint8_t* out, size_t n) override {
    while (n > 0) {
      const int chunk = n > INT_MAX ? INT_MAX : static_cast<int>(n);
      if (RAND_bytes(out, chunk) != 1) {
        std::fprintf(stderr, "OpenSSL RAND_bytes failed; cannot continue\n");
        std::abort();
      }
      out += chunk;
      n -= static_cast<size_t>(chunk);
    }
  }
};

void AppendBigEndian64(uint64_t v, std::string& out) {
  for (int shift = 56; shift >= 0; shift -= 8) {
    out.push_back(static_cast<char>((v >> shift) & 0xFF));
  }
}

}  // namespace

RandomSource* SecureRandom() {
  static OpenSslRandom* const source = new OpenSslRandom();
  return source;
}

void SeededRandom::Fill(uint8_t* out, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    if (used_ == sizeof(block_)) {
      std::string input = "ocoptrace/seeded-random\n";
      AppendBigEndian64(seed_, input);
      AppendBigEndian64(counter_++, input);
      const Hash hash = Sha256(input);
      std::copy(hash.begin(), hash.end(), block_);
      used_ = 0;
    }
    out[i] = block_[used_++];
  }
}

}  // namespace ocoptrace
