#include "core/base64.h"

#include <array>
#include <cstdint>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace ocoptrace {
namespace {

constexpr char kStandardAlphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr char kUrlAlphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

// Maps each byte to its 6-bit value in `alphabet`, or -1 when absent.
constexpr std::array<int8_t, 256> ReverseTable(const char* alphabet) {
  std::array<int8_t, 256> table{};
  for (auto& entry : table) entry = -1;
  for (int i = 0; i < 64; ++i) {
    table[static_cast<uint8_t>(alphabet[i])] = static_cast<int8_t>(i);
  }
  return table;
}

constexpr std::array<int8_t, 256> kStandardReverse =
    ReverseTable(kStandardAlphabet);
constexpr std::array<int8_t, 256> kUrlReverse = ReverseTable(kUrlAlphabet);

std::string Encode(std::string_view bytes, const char* alphabet, bool pad) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    uint32_t group = static_cast<uint8_t>(bytes[i]) << 16 |
                     static_cast<uint8_t>(bytes[i + 1]) << 8 |
                     static_cast<uint8_t>(bytes[i + 2]);
    out.push_back(alphabet[(group >> 18) & 63]);
    out.push_back(alphabet[(group >> 12) & 63]);
    out.push_back(alphabet[(group >> 6) & 63]);
    out.push_back(alphabet[group & 63]);
  }
  size_t rest = bytes.size() - i;
  if (rest == 1) {
    uint32_t group = static_cast<uint8_t>(bytes[i]) << 16;
    out.push_back(alphabet[(group >> 18) & 63]);
    out.push_back(alphabet[(group >> 12) & 63]);
    if (pad) out.append("==");
  } else if (rest == 2) {
    uint32_t group = static_cast<uint8_t>(bytes[i]) << 16 |
                     static_cast<uint8_t>(bytes[i + 1]) << 8;
    out.push_back(alphabet[(group >> 18) & 63]);
    out.push_back(alphabet[(group >> 12) & 63]);
    out.push_back(alphabet[(group >> 6) & 63]);
    if (pad) out.push_back('=');
  }
  return out;
}

std::string DescribeChar(char c) {
  uint8_t byte = static_cast<uint8_t>(c);
  if (byte >= 0x20 && byte < 0x7f)
    return absl::StrCat("'", std::string(1, c), "'");
  static constexpr char kHex[] = "0123456789abcdef";
  return absl::StrCat("byte 0x", std::string(1, kHex[byte >> 4]),
                      std::string(1, kHex[byte & 15]));
}

// Decodes the unpadded `data` (already checked for length), rejecting
// characters outside `reverse` and non-zero unused bits.
absl::StatusOr<std::string> DecodeUnpadded(
    std::string_view data, const std::array<int8_t, 256>& reverse,
    const char* name, const char* alphabet_hint) {
  std::string out;
  out.reserve(data.size() * 3 / 4);
  uint32_t bits = 0;
  int bit_count = 0;
  for (size_t i = 0; i < data.size(); ++i) {
    int value = reverse[static_cast<uint8_t>(data[i])];
    if (value < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat(name, ": ", DescribeChar(data[i]), " at position ", i,
                       " is not allowed; use ", alphabet_hint));
    }
    bits = (bits << 6) | static_cast<uint32_t>(value);
    bit_count += 6;
    if (bit_count >= 8) {
      bit_count -= 8;
      out.push_back(static_cast<char>((bits >> bit_count) & 0xff));
    }
  }
  if ((bits & ((1u << bit_count) - 1)) != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(name,
                     ": the last character has non-zero unused bits (not the "
                     "canonical encoding); re-encode the bytes"));
  }
  return out;
}

}  // namespace

std::string Base64Encode(std::string_view bytes) {
  return Encode(bytes, kStandardAlphabet, /*pad=*/true);
}

std::string Base64UrlEncode(std::string_view bytes) {
  return Encode(bytes, kUrlAlphabet, /*pad=*/false);
}

absl::StatusOr<std::string> Base64Decode(std::string_view text) {
  constexpr char kName[] = "base64";
  if (text.size() % 4 != 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        kName, ": length ", text.size(),
        " is not a multiple of 4; padded base64 (RFC 4648 section 4) is "
        "required"));
  }
  size_t padding = 0;
  if (!text.empty() && text.back() == '=') {
    padding = text.size() >= 2 && text[text.size() - 2] == '=' ? 2 : 1;
  }
  std::string_view data = text.substr(0, text.size() - padding);
  for (size_t i = 0; i < data.size(); ++i) {
    if (data[i] == '=') {
      return absl::InvalidArgumentError(
          absl::StrCat(kName, ": padding '=' at position ", i,
                       " is only allowed in the last two positions"));
    }
  }
  return DecodeUnpadded(data, kStandardReverse, kName,
                        "A-Z, a-z, 0-9, '+', '/' and final '=' padding");
}

absl::StatusOr<std::string> Base64UrlDecode(std::string_view text) {
  constexpr char kName[] = "base64url";
  if (text.size() % 4 == 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        kName, ": length ", text.size(),
        " leaves one dangling character; the text is truncated or has an "
        "extra character"));
  }
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '=') {
      return absl::InvalidArgumentError(
          absl::StrCat(kName, ": padding '=' at position ", i,
                       " is not allowed; remove the trailing '='"));
    }
  }
  return DecodeUnpadded(text, kUrlReverse, kName, "A-Z, a-z, 0-9, '-' and '_'");
}

}  // namespace ocoptrace
