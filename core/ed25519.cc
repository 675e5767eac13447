#include "core/ed25519.h"

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>

#include <cstdio>
#include <cstdlib>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace ocoptrace {
namespace {

// Fails loudly on errors that only happen when OpenSSL itself is broken or
// out of memory; there is no sensible way to continue.
[[noreturn]] void Die(const char* what) {
  std::fprintf(stderr, "ocoptrace ed25519: %s\n", what);
  std::abort();
}

struct PkeyDeleter {
  void operator()(EVP_PKEY* pkey) const { EVP_PKEY_free(pkey); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyDeleter>;

struct BioDeleter {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
using BioPtr = std::unique_ptr<BIO, BioDeleter>;

struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, MdCtxDeleter>;

// Refuses to prompt for a passphrase: encrypted PEM files are an error.
int NoPassphrase(char*, int, int, void*) { return -1; }

BioPtr ReadOnlyBio(std::string_view text) {
  BIO* bio = BIO_new_mem_buf(text.data(), static_cast<int>(text.size()));
  if (bio == nullptr) Die("BIO_new_mem_buf failed");
  return BioPtr(bio);
}

std::string BioContents(BIO* bio) {
  char* data = nullptr;
  long length = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<size_t>(length));
}

std::string RawPublicKey(EVP_PKEY* pkey) {
  std::string raw(Ed25519PublicKey::kKeySize, '\0');
  size_t length = raw.size();
  if (EVP_PKEY_get_raw_public_key(
          pkey, reinterpret_cast<unsigned char*>(raw.data()), &length) != 1 ||
      length != raw.size()) {
    Die("EVP_PKEY_get_raw_public_key failed");
  }
  return raw;
}

}  // namespace

// ---------------------------------------------------------------------------
// Ed25519PublicKey

struct Ed25519PublicKey::State {
  PkeyPtr pkey;
  std::string raw;
};

absl::StatusOr<Ed25519PublicKey> Ed25519PublicKey::FromBytes(
    std::string_view raw32) {
  if (raw32.size() != kKeySize) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Ed25519 public key must be 32 bytes, got ", raw32.size()));
  }
  EVP_PKEY* pkey = EVP_PKEY_new_raw_public_key(
      EVP_PKEY_ED25519, nullptr,
      reinterpret_cast<const unsigned char*>(raw32.data()), raw32.size());
  if (pkey == nullptr) {
    ERR_clear_error();
    return absl::InvalidArgumentError(
        "Ed25519 public key: OpenSSL rejected the 32 bytes");
  }
  auto state = std::make_shared<State>();
  state->pkey.reset(pkey);
  state->raw = std::string(raw32);
  return Ed25519PublicKey(std::move(state));
}

absl::StatusOr<Ed25519PublicKey> Ed25519PublicKey::FromPem(
    std::string_view pem) {
  BioPtr bio = ReadOnlyBio(pem);
  PkeyPtr pkey(PEM_read_bio_PUBKEY(bio.get(), nullptr, NoPassphrase, nullptr));
  if (pkey == nullptr) {
    ERR_clear_error();
    return absl::InvalidArgumentError(
        "Ed25519 public key PEM: no readable \"-----BEGIN PUBLIC KEY-----\" "
        "block (SubjectPublicKeyInfo) found");
  }
  if (!EVP_PKEY_is_a(pkey.get(), "ED25519")) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Ed25519 public key PEM: the key is ",
        EVP_PKEY_get0_type_name(pkey.get()),
        ", not ED25519; generate one with `openssl genpkey -algorithm "
        "ed25519`"));
  }
  auto state = std::make_shared<State>();
  state->raw = RawPublicKey(pkey.get());
  state->pkey = std::move(pkey);
  return Ed25519PublicKey(std::move(state));
}

const std::string& Ed25519PublicKey::bytes() const {
  static const std::string* const kEmpty = new std::string();
  return state_ == nullptr ? *kEmpty : state_->raw;
}

std::string Ed25519PublicKey::ToPem() const {
  if (state_ == nullptr) return "";
  BIO* bio = BIO_new(BIO_s_mem());
  if (bio == nullptr) Die("BIO_new failed");
  BioPtr owned(bio);
  if (PEM_write_bio_PUBKEY(bio, state_->pkey.get()) != 1) {
    Die("PEM_write_bio_PUBKEY failed");
  }
  return BioContents(bio);
}

bool Ed25519PublicKey::Verify(std::string_view message,
                              std::string_view signature) const {
  if (state_ == nullptr || signature.size() != kSignatureSize) return false;
  // One context per call: contexts are not shareable between threads, the
  // parsed key is.
  MdCtxPtr ctx(EVP_MD_CTX_new());
  if (ctx == nullptr) Die("EVP_MD_CTX_new failed");
  if (EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr,
                           state_->pkey.get()) != 1) {
    Die("EVP_DigestVerifyInit failed");
  }
  int result = EVP_DigestVerify(
      ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
      signature.size(), reinterpret_cast<const unsigned char*>(message.data()),
      message.size());
  if (result != 1) {
    ERR_clear_error();
    return false;
  }
  return true;
}

// ---------------------------------------------------------------------------
// Ed25519PrivateKey

struct Ed25519PrivateKey::State {
  ~State() { OPENSSL_cleanse(seed.data(), seed.size()); }
  PkeyPtr pkey;
  std::string seed;
  Ed25519PublicKey public_key;
};

Ed25519PrivateKey Ed25519PrivateKey::Generate() {
  std::string seed(kSeedSize, '\0');
  if (RAND_priv_bytes(reinterpret_cast<unsigned char*>(seed.data()),
                      static_cast<int>(seed.size())) != 1) {
    Die("RAND_priv_bytes failed");
  }
  absl::StatusOr<Ed25519PrivateKey> key = FromSeed(seed);
  OPENSSL_cleanse(seed.data(), seed.size());
  if (!key.ok()) Die("Ed25519 key from fresh seed failed");
  return *std::move(key);
}

absl::StatusOr<Ed25519PrivateKey> Ed25519PrivateKey::FromSeed(
    std::string_view seed32) {
  if (seed32.size() != kSeedSize) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Ed25519 private key seed must be 32 bytes, got ", seed32.size()));
  }
  EVP_PKEY* pkey = EVP_PKEY_new_raw_private_key(
      EVP_PKEY_ED25519, nullptr,
      reinterpret_cast<const unsigned char*>(seed32.data()), seed32.size());
  if (pkey == nullptr) Die("EVP_PKEY_new_raw_private_key failed");
  auto state = std::make_shared<State>();
  state->pkey.reset(pkey);
  state->seed = std::string(seed32);
  absl::StatusOr<Ed25519PublicKey> public_key =
      Ed25519PublicKey::FromBytes(RawPublicKey(pkey));
  if (!public_key.ok()) Die("Ed25519 public key derivation failed");
  state->public_key = *std::move(public_key);
  return Ed25519PrivateKey(std::move(state));
}

absl::StatusOr<Ed25519PrivateKey> Ed25519PrivateKey::FromPem(
    std::string_view pem) {
  BioPtr bio = ReadOnlyBio(pem);
  PkeyPtr pkey(
      PEM_read_bio_PrivateKey(bio.get(), nullptr, NoPassphrase, nullptr));
  if (pkey == nullptr) {
    ERR_clear_error();
    return absl::InvalidArgumentError(
        "Ed25519 private key PEM: no readable unencrypted \"-----BEGIN "
        "PRIVATE KEY-----\" block (PKCS#8) found; decrypt it first with "
        "`openssl pkey`");
  }
  if (!EVP_PKEY_is_a(pkey.get(), "ED25519")) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Ed25519 private key PEM: the key is ",
        EVP_PKEY_get0_type_name(pkey.get()),
        ", not ED25519; generate one with `openssl genpkey -algorithm "
        "ed25519`"));
  }
  std::string seed(kSeedSize, '\0');
  size_t length = seed.size();
  if (EVP_PKEY_get_raw_private_key(
          pkey.get(), reinterpret_cast<unsigned char*>(seed.data()), &length) !=
          1 ||
      length != seed.size()) {
    ERR_clear_error();
    OPENSSL_cleanse(seed.data(), seed.size());
    return absl::InvalidArgumentError(
        "Ed25519 private key PEM: the block holds no private key bytes");
  }
  absl::StatusOr<Ed25519PrivateKey> key = FromSeed(seed);
  OPENSSL_cleanse(seed.data(), seed.size());
  return key;
}

std::string Ed25519PrivateKey::ToPem() const {
  if (state_ == nullptr) return "";
  BIO* bio = BIO_new(BIO_s_secmem());
  if (bio == nullptr) Die("BIO_new failed");
  BioPtr owned(bio);
  if (PEM_write_bio_PrivateKey(bio, state_->pkey.get(), nullptr, nullptr, 0,
                               nullptr, nullptr) != 1) {
    Die("PEM_write_bio_PrivateKey failed");
  }
  return BioContents(bio);
}

std::string Ed25519PrivateKey::seed() const {
  return state_ == nullptr ? std::string() : state_->seed;
}

const Ed25519PublicKey& Ed25519PrivateKey::public_key() const {
  static const Ed25519PublicKey* const kEmpty = new Ed25519PublicKey();
  return state_ == nullptr ? *kEmpty : state_->public_key;
}

std::string Ed25519PrivateKey::Sign(std::string_view message) const {
  if (state_ == nullptr) {
    Die("Ed25519PrivateKey::Sign called on an empty (default-constructed) key");
  }
  MdCtxPtr ctx(EVP_MD_CTX_new());
  if (ctx == nullptr) Die("EVP_MD_CTX_new failed");
  if (EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr,
                         state_->pkey.get()) != 1) {
    Die("EVP_DigestSignInit failed");
  }
  std::string signature(Ed25519PublicKey::kSignatureSize, '\0');
  size_t length = signature.size();
  if (EVP_DigestSign(
          ctx.get(), reinterpret_cast<unsigned char*>(signature.data()),
          &length, reinterpret_cast<const unsigned char*>(message.data()),
          message.size()) != 1 ||
      length != signature.size()) {
    Die("EVP_DigestSign failed");
  }
  return signature;
}

}  // namespace ocoptrace
