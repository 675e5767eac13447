#include "core/sha256.h"

#include <openssl/evp.h>

#include <cstdlib>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace ocoptrace {

Hash Sha256(std::string_view data) {
  Hash out;
  unsigned int length = 0;
  if (EVP_Digest(data.data(), data.size(), out.data(), &length, EVP_sha256(),
                 nullptr) != 1 ||
      length != out.size()) {
    std::abort();  // Only fails on allocation failure inside OpenSSL.
  }
  return out;
}

std::string HashToBytes(const Hash& hash) {
  return std::string(reinterpret_cast<const char*>(hash.data()), hash.size());
}

absl::StatusOr<Hash> HashFromBytes(std::string_view bytes,
                                   std::string_view what) {
  Hash out;
  if (bytes.size() != out.size()) {
    return absl::InvalidArgumentError(
        absl::StrCat(std::string(what), " must be 32 bytes (SHA-256), got ", bytes.size()));
  }
  std::copy(bytes.begin(), bytes.end(), out.begin());
  return out;
}

std::string HashToHex(const Hash& hash) {
  return absl::BytesToHexString(absl::string_view(
      reinterpret_cast<const char*>(hash.data()), hash.size()));
}

Sha256Hasher::Sha256Hasher() : context_(EVP_MD_CTX_new()) {
  if (context_ == nullptr ||
      EVP_DigestInit_ex(context_, EVP_sha256(), nullptr) != 1) {
    std::abort();
  }
}

Sha256Hasher::~Sha256Hasher() { EVP_MD_CTX_free(context_); }

void Sha256Hasher::Update(std::string_view data) {
  EVP_DigestUpdate(context_, data.data(), data.size());
}

void Sha256Hasher::Update(const Hash& data) {
  EVP_DigestUpdate(context_, data.data(), data.size());
}

Hash Sha256Hasher::Finish() {
  Hash out;
  unsigned int length = 0;
  EVP_DigestFinal_ex(context_, out.data(), &length);
  return out;
}

}  // namespace ocoptrace
