// Ed25519 keys (RFC 8032, pure Ed25519: no context, no prehash) on top of
// OpenSSL 3's EVP interface.
//
// Ed25519PublicKey verifies signatures; Ed25519PrivateKey signs and carries
// its public key. Both hold the parsed OpenSSL key behind a shared pointer,
// so copies are cheap and share it; the key never changes after
// construction.
//
// A default-constructed key is empty: it exists only so that keys can be
// members of structs that are filled in later. An empty public key verifies
// nothing; signing with an empty private key is a programming error and
// aborts. Keys returned by the factory functions are never empty.
//
// Thread-safety: all const methods, including Verify and Sign, may be
// called concurrently from any number of threads on the same object.

#ifndef OCOPTRACE_CORE_ED25519_H_
#define OCOPTRACE_CORE_ED25519_H_

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace ocoptrace {

class Ed25519PublicKey {
 public:
  // Sizes in bytes of the raw public key and of a signature.
  static constexpr size_t kKeySize = 32;
  static constexpr size_t kSignatureSize = 64;

  Ed25519PublicKey() = default;  // Empty; see the file comment.

  // The key encoded as RFC 8032 32 bytes. InvalidArgument when `raw32` is
  // not exactly 32 bytes or OpenSSL rejects it.
  static absl::StatusOr<Ed25519PublicKey> FromBytes(std::string_view raw32);

  // A SubjectPublicKeyInfo PEM block ("-----BEGIN PUBLIC KEY-----", as
  // written by ToPem or `openssl pkey -pubout`). InvalidArgument when the
  // text is not such a PEM block or holds a key of another algorithm.
  static absl::StatusOr<Ed25519PublicKey> FromPem(std::string_view pem);

  // The 32 raw bytes; empty for an empty key.
  const std::string& bytes() const;

  // SubjectPublicKeyInfo PEM, ending in a newline. Empty for an empty key.
  std::string ToPem() const;

  // True iff `signature` is a valid Ed25519 signature of `message` by this
  // key. False for a signature that is not 64 bytes long, for a
  // non-canonical signature, and for an empty key.
  bool Verify(std::string_view message, std::string_view signature) const;

  bool empty() const { return state_ == nullptr; }

  // Keys are equal when their raw bytes are.
  friend bool operator==(const Ed25519PublicKey& a, const Ed25519PublicKey& b) {
    return a.bytes() == b.bytes();
  }

 private:
  struct State;
  explicit Ed25519PublicKey(std::shared_ptr<const State> state)
      : state_(std::move(state)) {}
  friend class Ed25519PrivateKey;

  std::shared_ptr<const State> state_;
};

class Ed25519PrivateKey {
 public:
  static constexpr size_t kSeedSize = 32;

  Ed25519PrivateKey() = default;  // Empty; see the file comment.

  // A new key from OpenSSL's CSPRNG. Aborts if the CSPRNG fails (the
  // process cannot do anything safe without randomness).
  static Ed25519PrivateKey Generate();

  // The key whose RFC 8032 32-byte secret ("seed") is `seed32`.
  // InvalidArgument when `seed32` is not exactly 32 bytes.
  static absl::StatusOr<Ed25519PrivateKey> FromSeed(std::string_view seed32);

  // An unencrypted PKCS#8 PEM block ("-----BEGIN PRIVATE KEY-----", as
  // written by ToPem or `openssl genpkey -algorithm ed25519`).
  // InvalidArgument when the text is not such a block, is encrypted (never
  // prompts for a passphrase), or holds a key of another algorithm.
  static absl::StatusOr<Ed25519PrivateKey> FromPem(std::string_view pem);

  // Unencrypted PKCS#8 PEM, ending in a newline. Secret: store it with
  // owner-only permissions. Empty for an empty key.
  std::string ToPem() const;

  // The 32-byte secret seed; empty for an empty key.
  std::string seed() const;

  // The matching public key (empty for an empty key).
  const Ed25519PublicKey& public_key() const;

  // The 64-byte signature of `message` (deterministic: the same key and
  // message always give the same bytes). Aborts on an empty key.
  std::string Sign(std::string_view message) const;

  bool empty() const { return state_ == nullptr; }

 private:
  struct State;
  explicit Ed25519PrivateKey(std::shared_ptr<const State> state)
      : state_(std::move(state)) {}

  std::shared_ptr<const State> state_;
};

}  // namespace ocoptrace

#endif  // OCOPTRACE_CORE_ED25519_H_
