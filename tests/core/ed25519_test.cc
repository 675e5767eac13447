// Ed25519 against the RFC 8032 section 7.1 vectors in
// tests/data/ed25519/rfc8032.txt, plus PEM round trips and rejections.

#include "core/ed25519.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/strip.h"

namespace ocoptrace {
namespace {

using ::testing::HasSubstr;

struct Rfc8032Vector {
  std::string name;
  std::string seed, public_key, message, signature;  // raw bytes
};

std::string FromHex(std::string_view hex) {
  return absl::HexStringToBytes(absl::string_view(hex.data(), hex.size()));
}

// Reads the "[TEST n]" blocks; values after "KEY:", "MESSAGE (...):" etc.
std::vector<Rfc8032Vector> LoadVectors() {
  std::ifstream in(std::string(OCOPTRACE_TEST_DATA_DIR) +
                   "/ed25519/rfc8032.txt");
  EXPECT_TRUE(in.good()) << "missing tests/data/ed25519/rfc8032.txt";
  std::vector<Rfc8032Vector> out;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    if (line[0] == '[') {
      out.emplace_back();
      out.back().name = line;
      continue;
    }
    size_t colon = line.find(':');
    if (colon == std::string::npos || out.empty()) continue;
    std::string key = line.substr(0, colon);
    std::string value(absl::StripAsciiWhitespace(line.substr(colon + 1)));
    if (key == "SECRET KEY") out.back().seed = FromHex(value);
    if (key == "PUBLIC KEY") out.back().public_key = FromHex(value);
    if (absl::StartsWith(key, "MESSAGE")) out.back().message = FromHex(value);
    if (key == "SIGNATURE") out.back().signature = FromHex(value);
  }
  return out;
}

TEST(Ed25519, AllRfc8032VectorsReproduce) {
  std::vector<Rfc8032Vector> vectors = LoadVectors();
  ASSERT_EQ(vectors.size(), 4u);
  EXPECT_EQ(vectors[0].name, "[TEST 1]");
  EXPECT_EQ(vectors[0].message.size(), 0u);  // TEST 1 signs the empty message.
  EXPECT_EQ(vectors[3].message.size(), 1023u);
  for (const Rfc8032Vector& v : vectors) {
    SCOPED_TRACE(v.name);
    ASSERT_EQ(v.seed.size(), 32u);
    ASSERT_EQ(v.signature.size(), 64u);
    absl::StatusOr<Ed25519PrivateKey> key = Ed25519PrivateKey::FromSeed(v.seed);
    ASSERT_TRUE(key.ok()) << key.status();
    EXPECT_EQ(key->seed(), v.seed);
    EXPECT_EQ(key->public_key().bytes(), v.public_key);
    EXPECT_EQ(key->Sign(v.message), v.signature);

    absl::StatusOr<Ed25519PublicKey> pub =
        Ed25519PublicKey::FromBytes(v.public_key);
    ASSERT_TRUE(pub.ok()) << pub.status();
    EXPECT_TRUE(pub->Verify(v.message, v.signature));
    EXPECT_FALSE(pub->Verify(v.message + "x", v.signature));
  }
}

TEST(Ed25519, FlippedBitsFailVerify) {
  Rfc8032Vector v = LoadVectors().at(1);
  Ed25519PublicKey pub = *Ed25519PublicKey::FromBytes(v.public_key);
  ASSERT_TRUE(pub.Verify(v.message, v.signature));
  for (size_t bit = 0; bit < 64 * 8; bit += 37) {
    std::string bad = v.signature;
    bad[bit / 8] ^= static_cast<char>(1 << (bit % 8));
    EXPECT_FALSE(pub.Verify(v.message, bad)) << "signature bit " << bit;
  }
  std::string bad_message = v.message;
  bad_message[0] ^= 1;
  EXPECT_FALSE(pub.Verify(bad_message, v.signature));
  std::string other_key = v.public_key;
  other_key[0] ^= 1;
  absl::StatusOr<Ed25519PublicKey> other =
      Ed25519PublicKey::FromBytes(other_key);
  if (other.ok()) {
    EXPECT_FALSE(other->Verify(v.message, v.signature));
  }
}

// Adds the group order L to S (little-endian bytes 32..63): the same point
// equation still holds, so only an explicit S < L check rejects it. Without
// that check signatures (and so entry bytes) would be malleable.
TEST(Ed25519, NonCanonicalSIsRejected) {
  static constexpr uint8_t kOrder[32] = {
      0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7,
      0xa2, 0xde, 0xf9, 0xde, 0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
      0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10};
  for (const Rfc8032Vector& v : LoadVectors()) {
    SCOPED_TRACE(v.name);
    Ed25519PublicKey pub = *Ed25519PublicKey::FromBytes(v.public_key);
    std::string malleated = v.signature;
    unsigned carry = 0;
    for (int i = 0; i < 32; ++i) {
      unsigned sum =
          static_cast<uint8_t>(malleated[32 + i]) + kOrder[i] + carry;
      malleated[32 + i] = static_cast<char>(sum & 0xff);
      carry = sum >> 8;
    }
    ASSERT_EQ(carry, 0u);
    ASSERT_NE(malleated, v.signature);
    EXPECT_FALSE(pub.Verify(v.message, malleated));
  }
}

TEST(Ed25519, WrongLengthsAreRejected) {
  Rfc8032Vector v = LoadVectors().at(0);
  Ed25519PublicKey pub = *Ed25519PublicKey::FromBytes(v.public_key);
  EXPECT_FALSE(pub.Verify(v.message, v.signature.substr(0, 63)));
  EXPECT_FALSE(pub.Verify(v.message, v.signature + std::string(1, '\0')));
  EXPECT_FALSE(pub.Verify(v.message, ""));

  absl::StatusOr<Ed25519PublicKey> short_key =
      Ed25519PublicKey::FromBytes(v.public_key.substr(1));
  EXPECT_EQ(short_key.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(short_key.status().message(), HasSubstr("32 bytes, got 31"));
  absl::StatusOr<Ed25519PrivateKey> long_seed =
      Ed25519PrivateKey::FromSeed(v.seed + "x");
  EXPECT_EQ(long_seed.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(long_seed.status().message(), HasSubstr("got 33"));
}

TEST(Ed25519, PemRoundTrips) {
  Rfc8032Vector v = LoadVectors().at(2);
  Ed25519PrivateKey key = *Ed25519PrivateKey::FromSeed(v.seed);

  std::string private_pem = key.ToPem();
  EXPECT_TRUE(absl::StartsWith(private_pem, "-----BEGIN PRIVATE KEY-----\n"));
  absl::StatusOr<Ed25519PrivateKey> reread =
      Ed25519PrivateKey::FromPem(private_pem);
  ASSERT_TRUE(reread.ok()) << reread.status();
  EXPECT_EQ(reread->seed(), v.seed);
  EXPECT_EQ(reread->Sign(v.message), v.signature);

  std::string public_pem = key.public_key().ToPem();
  EXPECT_TRUE(absl::StartsWith(public_pem, "-----BEGIN PUBLIC KEY-----\n"));
  absl::StatusOr<Ed25519PublicKey> pub = Ed25519PublicKey::FromPem(public_pem);
  ASSERT_TRUE(pub.ok()) << pub.status();
  EXPECT_EQ(pub->bytes(), v.public_key);
  EXPECT_TRUE(pub->Verify(v.message, v.signature));
  EXPECT_EQ(pub->ToPem(), public_pem);
}

TEST(Ed25519, KnownPemEncodingOfRfcTest1) {
  // RFC 8410 section 10.3 encodes keys as SPKI / PKCS#8 with OID 1.3.101.112;
  // the DER prefix is fixed, so the base64 of TEST 1's public key is known.
  Rfc8032Vector v = LoadVectors().at(0);
  Ed25519PublicKey pub = *Ed25519PublicKey::FromBytes(v.public_key);
  EXPECT_EQ(pub.ToPem(),
            "-----BEGIN PUBLIC KEY-----\n"
            "MCowBQYDK2VwAyEA11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\n"
            "-----END PUBLIC KEY-----\n");
}

TEST(Ed25519, PemRejections) {
  EXPECT_EQ(Ed25519PublicKey::FromPem("not a pem").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Ed25519PrivateKey::FromPem("").status().code(),
            absl::StatusCode::kInvalidArgument);
  Ed25519PrivateKey key = Ed25519PrivateKey::Generate();
  // A private key PEM is not a public key PEM and vice versa.
  EXPECT_FALSE(Ed25519PublicKey::FromPem(key.ToPem()).ok());
  EXPECT_FALSE(Ed25519PrivateKey::FromPem(key.public_key().ToPem()).ok());
  // A valid P-256 key (made with `openssl genpkey -algorithm EC -pkeyopt
  // ec_paramgen_curve:P-256`, then `openssl pkey -pubout`) is refused
  // because of its algorithm.
  constexpr char kP256Public[] =
      "-----BEGIN PUBLIC KEY-----\n"
      "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE447QWEm09cKoCWVJCVUUBmbnu7yG\n"
      "M+/FAL/2YM575jbTlkqRWVri1gjy81i4+TQnRMCrk9eV0QKGF/KosuWNjA==\n"
      "-----END PUBLIC KEY-----\n";
  absl::StatusOr<Ed25519PublicKey> p256 =
      Ed25519PublicKey::FromPem(kP256Public);
  EXPECT_EQ(p256.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(p256.status().message(), HasSubstr("is EC, not ED25519"));
}

TEST(Ed25519, GeneratedKeysDifferAndWork) {
  Ed25519PrivateKey a = Ed25519PrivateKey::Generate();
  Ed25519PrivateKey b = Ed25519PrivateKey::Generate();
  EXPECT_NE(a.seed(), b.seed());
  EXPECT_EQ(a.seed().size(), 32u);
  std::string signature = a.Sign("ocoptrace");
  EXPECT_TRUE(a.public_key().Verify("ocoptrace", signature));
  EXPECT_FALSE(b.public_key().Verify("ocoptrace", signature));
  Ed25519PrivateKey copy = a;  // Copies share the key.
  EXPECT_EQ(copy.Sign("ocoptrace"), signature);
}

TEST(Ed25519, EmptyKeys) {
  Ed25519PublicKey empty;
  EXPECT_TRUE(empty.empty());
  EXPECT_EQ(empty.bytes(), "");
  EXPECT_EQ(empty.ToPem(), "");
  EXPECT_FALSE(empty.Verify("", std::string(64, '\0')));
  Ed25519PrivateKey empty_private;
  EXPECT_TRUE(empty_private.empty());
  EXPECT_TRUE(empty_private.public_key().empty());
  EXPECT_DEATH(empty_private.Sign("x"), "empty");
}

TEST(Ed25519, ConcurrentVerifyOnOneKey) {
  Rfc8032Vector v = LoadVectors().at(3);
  const Ed25519PublicKey pub = *Ed25519PublicKey::FromBytes(v.public_key);
  std::string bad = v.signature;
  bad[10] ^= 4;
  std::atomic<int> good_ok{0}, bad_ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 200; ++i) {
        good_ok += pub.Verify(v.message, v.signature);
        bad_ok += pub.Verify(v.message, bad);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(good_ok.load(), 800);
  EXPECT_EQ(bad_ok.load(), 0);
}

}  // namespace
}  // namespace ocoptrace
