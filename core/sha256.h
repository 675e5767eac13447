// SHA-256 through OpenSSL 3's EVP interface, and the fixed-size Hash type
// that the log, the Merkle tree and the label format share.
//
// Thread-safety: the free functions are thread-safe. A Sha256Hasher is not;
// use one per thread.

#ifndef OCOPTRACE_CORE_SHA256_H_
#define OCOPTRACE_CORE_SHA256_H_

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

struct evp_md_ctx_st;

namespace ocoptrace {

// A SHA-256 digest: exactly 32 bytes.
using Hash = std::array<uint8_t, 32>;

// Returns SHA-256(data).
Hash Sha256(std::string_view data);

// The digest as a 32-byte std::string (for storage and protobuf fields).
std::string HashToBytes(const Hash& hash);

// Parses 32 raw bytes into a Hash. InvalidArgument when the length is not
// 32; `what` names the field in the error message.
absl::StatusOr<Hash> HashFromBytes(std::string_view bytes,
                                   std::string_view what = "hash");

// Lower-case hexadecimal, 64 characters.
std::string HashToHex(const Hash& hash);

// Incremental hashing: Update() any number of times, then Finish() once.
class Sha256Hasher {
 public:
  Sha256Hasher();
  ~Sha256Hasher();
  Sha256Hasher(const Sha256Hasher&) = delete;
  Sha256Hasher& operator=(const Sha256Hasher&) = delete;

  void Update(std::string_view data);
  void Update(const Hash& data);
  // Returns the digest; the hasher must not be used afterwards.
  Hash Finish();

 private:
  evp_md_ctx_st* context_;
};

}  // namespace ocoptrace

#endif  // OCOPTRACE_CORE_SHA256_H_
