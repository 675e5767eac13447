#include "core/label_payload.h"

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "core/base64.h"

namespace ocoptrace {
namespace {

constexpr size_t kSignatureBytes = 64;
constexpr size_t kSignatureBase64UrlChars = 86;
constexpr char kSignatureField[] = "signature (s)";

// A 512-bit unsigned integer as 16 little-endian 32-bit limbs.
using Uint512 = std::array<uint32_t, 16>;

Uint512 FromBigEndianBytes(std::string_view bytes) {
  Uint512 n{};
  for (size_t i = 0; i < kSignatureBytes; ++i) {
    const size_t bit = (kSignatureBytes - 1 - i) * 8;
    n[bit / 32] |= static_cast<uint32_t>(static_cast<uint8_t>(bytes[i]))
                   << (bit % 32);
  }
  return n;
}

std::string ToBigEndianBytes(const Uint512& n) {
  std::string bytes(kSignatureBytes, '\0');
  for (size_t i = 0; i < kSignatureBytes; ++i) {
    const size_t bit = (kSignatureBytes - 1 - i) * 8;
    bytes[i] = static_cast<char>((n[bit / 32] >> (bit % 32)) & 0xFF);
  }
  return bytes;
}

// n = n / divisor; returns the remainder.
uint32_t DivideInPlace(Uint512& n, uint32_t divisor) {
  uint64_t remainder = 0;
  for (size_t i = n.size(); i-- > 0;) {
    const uint64_t current = (remainder << 32) | n[i];
    n[i] = static_cast<uint32_t>(current / divisor);
    remainder = current % divisor;
  }
  return static_cast<uint32_t>(remainder);
}

// n = n * 10 + digit; false when the result does not fit in 512 bits.
bool MultiplyAdd(Uint512& n, uint32_t digit) {
  uint64_t carry = digit;
  for (uint32_t& limb : n) {
    const uint64_t t = static_cast<uint64_t>(limb) * 10 + carry;
    limb = static_cast<uint32_t>(t);
    carry = t >> 32;
  }
  return carry == 0;
}

// Lower-cases the scheme and host of "scheme://host[/stem]".
std::string NormalizeResolverBase(std::string_view base) {
  while (!base.empty() && base.back() == '/') base.remove_suffix(1);
  std::string out(base);
  const size_t scheme_end = out.find("://");
  const size_t host_end =
      scheme_end == std::string::npos ? 0 : out.find('/', scheme_end + 3);
  const size_t end = host_end == std::string::npos ? out.size() : host_end;
  for (size_t i = 0; i < end; ++i) {
    if (out[i] >= 'A' && out[i] <= 'Z') out[i] = static_cast<char>(out[i] + 32);
  }
  return out;
}

}  // namespace

std::string GenerateSerial(RandomSource& random) {
  uint8_t bytes[7];  // 56 bits, of which the top 50 are used
  random.Fill(bytes, sizeof(bytes));
  uint64_t bits = 0;
  for (uint8_t b : bytes) bits = (bits << 8) | b;
  bits >>= 6;
  std::string serial(kSerialLength, '0');
  for (size_t i = 0; i < kSerialLength; ++i) {
    serial[i] = kSerialAlphabet[(bits >> (5 * (kSerialLength - 1 - i))) & 31];
  }
  return serial;
}

bool IsServiceSerial(std::string_view serial) {
  if (serial.size() != kSerialLength) return false;
  for (char c : serial) {
    if (kSerialAlphabet.find(c) == std::string_view::npos) return false;
  }
  return true;
}

std::string LabelSigningInput(std::string_view gtin14, std::string_view lot,
                              std::string_view serial) {
  return absl::StrCat("ocoptrace/label/v1\n(01)", std::string(gtin14), "(10)",
                      std::string(lot), "(21)", std::string(serial), "\n");
}

std::string EncodeLabelSignature(std::string_view signature64) {
  if (signature64.size() != kSignatureBytes) return "";
  Uint512 n = FromBigEndianBytes(signature64);
  // Nine digits at a time, least significant group first.
  std::string digits;
  while (digits.size() < kLabelSignatureDigits) {
    uint32_t group = DivideInPlace(n, 1000000000);
    for (int i = 0; i < 9; ++i) {
      digits.push_back(static_cast<char>('0' + group % 10));
      group /= 10;
    }
  }
  digits.resize(kLabelSignatureDigits);  // the dropped digits are zeros
  return std::string(digits.rbegin(), digits.rend());
}

absl::StatusOr<std::string> DecodeLabelSignature(std::string_view s) {
  if (s.size() == kLabelSignatureDigits) {
    Uint512 n{};
    for (size_t i = 0; i < s.size(); ++i) {
      if (s[i] < '0' || s[i] > '9') {
        return absl::InvalidArgumentError(absl::StrCat(
            kSignatureField, ": character at position ", i + 1,
            " is not a digit; the signature is 155 decimal digits"));
      }
      if (!MultiplyAdd(n, static_cast<uint32_t>(s[i] - '0'))) {
        return absl::InvalidArgumentError(
            absl::StrCat(kSignatureField,
                         ": the 155-digit number is 2^512 or larger, so it "
                         "is not a 64-byte signature"));
      }
    }
    return ToBigEndianBytes(n);
  }
  if (s.size() == kSignatureBase64UrlChars) {
    absl::StatusOr<std::string> bytes = Base64UrlDecode(s);
    if (!bytes.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(kSignatureField,
                       ": not valid base64url: ", bytes.status().message()));
    }
    return bytes;
  }
  return absl::InvalidArgumentError(
      absl::StrCat(kSignatureField, ": must be ", kLabelSignatureDigits,
                   " decimal digits (or ", kSignatureBase64UrlChars,
                   " base64url characters), not ", s.size(), " characters"));
}

std::string FormatLabelUrl(std::string_view resolver_base,
                           std::string_view gtin14, std::string_view lot,
                           std::string_view serial,
                           std::string_view signature64) {
  return absl::StrCat(NormalizeResolverBase(resolver_base), "/01/",
                      std::string(gtin14), "/10/", PercentEncodeDlValue(lot),
                      "/21/", PercentEncodeDlValue(serial),
                      "?s=", EncodeLabelSignature(signature64));
}

absl::StatusOr<LabelClaim> ParseLabelUrl(std::string_view url) {
  absl::StatusOr<DigitalLink> link = ParseDigitalLink(url);
  if (!link.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("label URL: ", link.status().message()));
  }
  const std::vector<AiValue>& path = link->path;
  if (path.size() != 3 || path[0].ai != "01" || path[1].ai != "10" ||
      path[2].ai != "21") {
    std::string ais;
    for (const AiValue& v : path) absl::StrAppend(&ais, "/", v.ai, "/...");
    return absl::InvalidArgumentError(absl::StrCat(
        "label URL: the path must be /01/<GTIN-14>/10/<lot>/21/<serial>, "
        "not ",
        ais));
  }
  const std::string* s = nullptr;
  for (const auto& [name, value] : link->other_params) {
    if (name != "s") continue;
    if (s != nullptr) {
      return absl::InvalidArgumentError(
          "label URL: the signature parameter s appears more than once");
    }
    s = &value;
  }
  if (s == nullptr) {
    return absl::InvalidArgumentError(
        "label URL: the signature parameter s is missing (?s=<155 digits>)");
  }
  absl::StatusOr<std::string> signature = DecodeLabelSignature(*s);
  if (!signature.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("label URL: ", signature.status().message()));
  }
  LabelClaim claim;
  claim.gtin14 = path[0].value;
  claim.lot = path[1].value;
  claim.serial = path[2].value;
  claim.signature = *std::move(signature);
  claim.link = *std::move(link);
  return claim;
}

int VerifyLabelSignature(const LabelClaim& claim,
                         const std::vector<Ed25519PublicKey>& label_keys) {
  if (!IsServiceSerial(claim.serial) ||
      claim.signature.size() != kSignatureBytes) {
    return -1;
  }
  const std::string message =
      LabelSigningInput(claim.gtin14, claim.lot, claim.serial);
  for (size_t i = 0; i < label_keys.size(); ++i) {
    if (label_keys[i].Verify(message, claim.signature)) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

}  // namespace ocoptrace
