// Tests of core/label_payload.h and core/random.h.

#include "core/label_payload.h"

#include <array>
#include <cstdint>
#include <cstdio>
#include <map>
#include <string>
#include <unordered_set>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/base64.h"
#include "core/ed25519.h"
#include "core/gs1.h"
#include "core/random.h"
#include "core/sha256.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace ocoptrace {
namespace {

using ::testing::HasSubstr;

constexpr char kGtin[] = "08934563123451";

// Hands out a fixed byte sequence, repeating it.
class FixedRandom : public RandomSource {
 public:
  explicit FixedRandom(std::vector<uint8_t> bytes) : bytes_(std::move(bytes)) {}
  void Fill(uint8_t* out, size_t n) override {
    for (size_t i = 0; i < n; ++i) out[i] = bytes_[next_++ % bytes_.size()];
  }

 private:
  std::vector<uint8_t> bytes_;
  size_t next_ = 0;
};

std::string RandomBytes(RandomSource& random, size_t n) {
  std::string out(n, '\0');
  random.Fill(reinterpret_cast<uint8_t*>(out.data()), n);
  return out;
}

TEST(RandomTest, SeededRandomIsShaCounterMode) {
  SeededRandom random(7);
  std::string expected_input = "ocoptrace/seeded-random\n";
  expected_input += std::string("\0\0\0\0\0\0\0\x07", 8);
  expected_input += std::string(8, '\0');
  const std::string first = RandomBytes(random, 32);
  EXPECT_EQ(HashToHex(*HashFromBytes(first)),
            "70608efd42a6c03821b38047a1a6f52b93f21c0444ab1f1c42dea928a7b83246");
  EXPECT_EQ(Sha256(expected_input), *HashFromBytes(first));
  // Deterministic across instances and across odd-sized reads.
  SeededRandom again(7);
  std::string pieces = RandomBytes(again, 5);
  pieces += RandomBytes(again, 40);
  SeededRandom whole(7);
  EXPECT_EQ(pieces, RandomBytes(whole, 45));
  SeededRandom other(8);
  EXPECT_NE(RandomBytes(other, 32), first);
}

TEST(RandomTest, SecureRandomGivesDifferentBytes) {
  RandomSource* random = SecureRandom();
  ASSERT_NE(random, nullptr);
  EXPECT_EQ(random, SecureRandom());
  EXPECT_NE(RandomBytes(*random, 32), RandomBytes(*random, 32));
}

TEST(SerialTest, AlphabetIsCrockfordBase32) {
  EXPECT_EQ(kSerialAlphabet.size(), 32u);
  for (char excluded : {'I', 'L', 'O', 'U'}) {
    EXPECT_EQ(kSerialAlphabet.find(excluded), std::string_view::npos);
  }
}

TEST(SerialTest, FiftyBitsMostSignificantFirst) {
  FixedRandom zeros({0});
  EXPECT_EQ(GenerateSerial(zeros), "0000000000");
  FixedRandom ones({0xFF});
  EXPECT_EQ(GenerateSerial(ones), "ZZZZZZZZZZ");
  // 0,1,...,9 as ten 5-bit groups, shifted into the top of 56 bits.
  FixedRandom counting({0x00, 0x44, 0x32, 0x14, 0xC7, 0x42, 0x40});
  EXPECT_EQ(GenerateSerial(counting), "0123456789");
}

TEST(SerialTest, GeneratedSerialsAreServiceSerials) {
  SeededRandom random(1);
  for (int i = 0; i < 1000; ++i) {
    const std::string serial = GenerateSerial(random);
    ASSERT_EQ(serial.size(), 10u);
    ASSERT_TRUE(IsServiceSerial(serial)) << serial;
    ASSERT_TRUE(ValidateSerial(serial).ok());
  }
  EXPECT_FALSE(IsServiceSerial("0123456789A"));
  EXPECT_FALSE(IsServiceSerial("012345678I"));
  EXPECT_FALSE(IsServiceSerial("012345678a"));
  EXPECT_FALSE(IsServiceSerial(""));
}

TEST(SerialTest, DistributionAndUniquenessOverHundredThousand) {
  SeededRandom random(42);
  constexpr int kCount = 100000;
  std::unordered_set<std::string> seen;
  std::array<std::map<char, int>, 10> per_position;
  std::map<char, int> overall;
  for (int i = 0; i < kCount; ++i) {
    const std::string serial = GenerateSerial(random);
    seen.insert(serial);
    for (size_t p = 0; p < serial.size(); ++p) {
      ++per_position[p][serial[p]];
      ++overall[serial[p]];
    }
  }
  EXPECT_EQ(seen.size(), static_cast<size_t>(kCount));
  ASSERT_EQ(overall.size(), 32u);
  const double expected_per_cell = kCount / 32.0;  // 3125, sigma ~55
  for (size_t p = 0; p < per_position.size(); ++p) {
    ASSERT_EQ(per_position[p].size(), 32u) << "position " << p;
    for (const auto& [c, n] : per_position[p]) {
      EXPECT_NEAR(n, expected_per_cell, expected_per_cell * 0.1)
          << "position " << p << " character " << c;
    }
  }
  for (const auto& [c, n] : overall) {
    EXPECT_NEAR(n, kCount * 10 / 32.0, kCount * 10 / 32.0 * 0.03) << c;
  }
}

TEST(LabelSigningInputTest, ExactBytes) {
  EXPECT_EQ(LabelSigningInput(kGtin, "LO/24", "7K3M9QX2TA"),
            "ocoptrace/label/v1\n(01)08934563123451(10)LO/24(21)7K3M9QX2TA\n");
}

TEST(LabelSignatureEncodingTest, ExtremesHave155Digits) {
  EXPECT_EQ(EncodeLabelSignature(std::string(64, '\0')), std::string(155, '0'));
  const std::string max = EncodeLabelSignature(std::string(64, '\xFF'));
  EXPECT_EQ(max,
            "1340780792994259709957402499820584612747936582059239337772356144"
            "3721764030073546976801874298166903427690031858186486050853753882"
            "811946569946433649006084095");  // 2^512 - 1
  EXPECT_EQ(*DecodeLabelSignature(max), std::string(64, '\xFF'));
  EXPECT_EQ(*DecodeLabelSignature(std::string(155, '0')),
            std::string(64, '\0'));
}

TEST(LabelSignatureEncodingTest, BigEndianByteOrder) {
  std::string counting;
  for (int i = 0; i < 64; ++i) counting.push_back(static_cast<char>(i));
  const std::string digits = EncodeLabelSignature(counting);
  EXPECT_EQ(digits,
            "0000020619466251353474970509842365560701464789489920172846409417"
            "2417435167459132234478689763541686534462555786726000561108048500"
            "636413870766166035119554111");
  EXPECT_EQ(*DecodeLabelSignature(digits), counting);
}

TEST(LabelSignatureEncodingTest, RoundTripAndBase64Url) {
  SeededRandom random(3);
  for (int i = 0; i < 1000; ++i) {
    const std::string signature = RandomBytes(random, 64);
    const std::string digits = EncodeLabelSignature(signature);
    ASSERT_EQ(digits.size(), 155u);
    ASSERT_EQ(*DecodeLabelSignature(digits), signature);
    const std::string base64url = Base64UrlEncode(signature);
    ASSERT_EQ(base64url.size(), 86u);
    ASSERT_EQ(*DecodeLabelSignature(base64url), signature);
  }
}

TEST(LabelSignatureEncodingTest, RejectsBadEncodings) {
  auto error = [](const std::string& s) {
    absl::StatusOr<std::string> decoded = DecodeLabelSignature(s);
    EXPECT_FALSE(decoded.ok()) << s;
    EXPECT_EQ(decoded.status().code(), absl::StatusCode::kInvalidArgument);
    return std::string(decoded.status().message());
  };
  // 2^512 and the largest 155-digit number do not fit in 64 bytes.
  EXPECT_THAT(error("1340780792994259709957402499820584612747936582059239337772"
                    "3561443721764030073546976801874298166903427690031858186"
                    "486050853753882811946569946433649006084096"),
              HasSubstr("2^512 or larger"));
  EXPECT_THAT(error(std::string(155, '9')), HasSubstr("2^512 or larger"));
  EXPECT_THAT(error(std::string(154, '0')),
              HasSubstr("signature (s): must be 155 decimal digits"));
  EXPECT_THAT(error(std::string(154, '0') + "x"), HasSubstr("not a digit"));
  EXPECT_THAT(error(std::string(85, 'A') + "+"), HasSubstr("base64url"));
  EXPECT_EQ(EncodeLabelSignature("short"), "");
}

class LabelUrlTest : public ::testing::Test {
 protected:
  LabelUrlTest()
      : key_(*Ed25519PrivateKey::FromSeed(std::string(32, '\x11'))),
        other_key_(Ed25519PrivateKey::Generate()) {}

  std::string SignedUrl(const std::string& lot, const std::string& serial) {
    return FormatLabelUrl("https://TX.Example.vn/", kGtin, lot, serial,
                          key_.Sign(LabelSigningInput(kGtin, lot, serial)));
  }

  Ed25519PrivateKey key_;
  Ed25519PrivateKey other_key_;
};

TEST_F(LabelUrlTest, SignedUrlVerifiesUnderTheRightKey) {
  const std::string url = SignedUrl("LO/24", "7K3M9QX2TA");
  EXPECT_THAT(url, ::testing::StartsWith(
                       "https://tx.example.vn/01/08934563123451/10/LO%2F24/"
                       "21/7K3M9QX2TA?s="));
  absl::StatusOr<LabelClaim> claim = ParseLabelUrl(url);
  ASSERT_TRUE(claim.ok()) << claim.status();
  EXPECT_EQ(claim->gtin14, kGtin);
  EXPECT_EQ(claim->lot, "LO/24");
  EXPECT_EQ(claim->serial, "7K3M9QX2TA");
  EXPECT_EQ(claim->signature.size(), 64u);
  EXPECT_EQ(claim->link.scheme_host, "https://tx.example.vn");
  EXPECT_EQ(VerifyLabelSignature(*claim,
                                 {other_key_.public_key(), key_.public_key()}),
            1);
  EXPECT_EQ(VerifyLabelSignature(*claim, {other_key_.public_key()}), -1);
  EXPECT_EQ(VerifyLabelSignature(*claim, {}), -1);
}

TEST_F(LabelUrlTest, OneChangedCharacterInLotOrSerialFails) {
  const std::string url = SignedUrl("LOT2024A", "7K3M9QX2TA");
  ASSERT_EQ(VerifyLabelSignature(*ParseLabelUrl(url), {key_.public_key()}), 0);
  for (const auto& [from, to] :
       std::vector<std::pair<std::string, std::string>>{
           {"/10/LOT2024A", "/10/LOT2024B"},
           {"/21/7K3M9QX2TA", "/21/7K3M9QX2TB"},
           {"/01/08934563123451", "/01/08934563123468"}}) {
    std::string tampered = url;
    tampered.replace(tampered.find(from), from.size(), to);
    absl::StatusOr<LabelClaim> claim = ParseLabelUrl(tampered);
    ASSERT_TRUE(claim.ok()) << tampered << ": " << claim.status();
    EXPECT_EQ(VerifyLabelSignature(*claim, {key_.public_key()}), -1)
        << tampered;
  }
}

TEST_F(LabelUrlTest, Base64UrlSignatureFormIsAccepted) {
  const std::string signature =
      key_.Sign(LabelSigningInput(kGtin, "L1", "7K3M9QX2TA"));
  const std::string url =
      absl::StrCat("https://tx.example.vn/01/", kGtin,
                   "/10/L1/21/7K3M9QX2TA?s=", Base64UrlEncode(signature));
  absl::StatusOr<LabelClaim> claim = ParseLabelUrl(url);
  ASSERT_TRUE(claim.ok()) << claim.status();
  EXPECT_EQ(claim->signature, signature);
  EXPECT_EQ(VerifyLabelSignature(*claim, {key_.public_key()}), 0);
}

TEST_F(LabelUrlTest, NonServiceSerialNeverVerifies) {
  // Signed, but "SN(21)X" is not a serial the service generates, so the
  // signing input could be ambiguous: refused.
  absl::StatusOr<LabelClaim> claim = ParseLabelUrl(SignedUrl("L1", "SN-0001"));
  ASSERT_TRUE(claim.ok()) << claim.status();
  EXPECT_EQ(VerifyLabelSignature(*claim, {key_.public_key()}), -1);
}

TEST_F(LabelUrlTest, MalformedLabelUrlsNameThePart) {
  const std::string good = SignedUrl("L1", "7K3M9QX2TA");
  const std::string s = good.substr(good.find("?s="));
  auto error = [](const std::string& url) {
    absl::StatusOr<LabelClaim> claim = ParseLabelUrl(url);
    EXPECT_FALSE(claim.ok()) << url;
    EXPECT_EQ(claim.status().code(), absl::StatusCode::kInvalidArgument);
    return std::string(claim.status().message());
  };
  EXPECT_THAT(error(absl::StrCat("https://a.vn/01/", kGtin, "/10/L1", s)),
              HasSubstr("the path must be /01/<GTIN-14>/10/<lot>/21/<serial>"));
  EXPECT_THAT(error(absl::StrCat("https://a.vn/01/", kGtin, "/21/X", s)),
              HasSubstr("the path must be"));
  EXPECT_THAT(error(absl::StrCat("https://a.vn/01/", kGtin, "/10/L1/21/X")),
              HasSubstr("the signature parameter s is missing"));
  EXPECT_THAT(
      error(absl::StrCat("https://a.vn/01/", kGtin, "/10/L1/21/X", s, "&s=1")),
      HasSubstr("more than once"));
  EXPECT_THAT(
      error(absl::StrCat("https://a.vn/01/", kGtin, "/10/L1/21/X?s=12")),
      HasSubstr("signature (s)"));
  EXPECT_THAT(
      error(absl::StrCat("https://a.vn/01/", kGtin, "/10/L%C3%B4/21/X", s)),
      HasSubstr("label URL: AI (10) BATCH/LOT: 'ô' at position 2"));
}

// The example of docs/formats-gs1.md, checked independently with
// `openssl pkeyutl -verify -rawin`.
TEST_F(LabelUrlTest, DocumentedExampleVector) {
  EXPECT_EQ(HashToHex(*HashFromBytes(key_.public_key().bytes())),
            "d04ab232742bb4ab3a1368bd4615e4e6d0224ab71a016baf8520a332c9778737");
  const std::string lot = "ABCDEFGHIJKLMNOPQRST";
  EXPECT_EQ(
      FormatLabelUrl("https://ocop-trace.backan.vn", kGtin, lot, "ZZZZZZZZZZ",
                     key_.Sign(LabelSigningInput(kGtin, lot, "ZZZZZZZZZZ"))),
      "https://ocop-trace.backan.vn/01/08934563123451/10/ABCDEFGHIJKLMNOPQRST/"
      "21/ZZZZZZZZZZ?s="
      "0490644616005203062920338810080281515703362580252600623458420192948283"
      "9011485976956229627203585374737114518589268387524167525185094911251529"
      "226256796393228");
}

TEST_F(LabelUrlTest, LongestPlainUrlFitsIn256Characters) {
  const std::string host = "ocop-trace.backan.vn";
  ASSERT_EQ(host.size(), 20u);
  const std::string lot = "ABCDEFGHIJKLMNOPQRST";  // 20, the maximum
  const std::string url =
      FormatLabelUrl("https://" + host, kGtin, lot, "ZZZZZZZZZZ",
                     key_.Sign(LabelSigningInput(kGtin, lot, "ZZZZZZZZZZ")));
  std::printf(
      "label URL with a 20-character host and 20-character lot: "
      "%zu characters\n  %s\n",
      url.size(), url.c_str());
  EXPECT_EQ(url.size(), 242u);
  EXPECT_LE(url.size(), 256u);
  EXPECT_EQ(VerifyLabelSignature(*ParseLabelUrl(url), {key_.public_key()}), 0);
}

}  // namespace
}  // namespace ocoptrace
