// Base64 and base64url: RFC 4648 section 10 vectors, round trips and the
// strictness rules (one accepted text per byte string).

#include "core/base64.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace ocoptrace {
namespace {

using ::testing::HasSubstr;

struct Rfc4648Case {
  const char* bytes;
  const char* standard;
  const char* url;
};

// RFC 4648 section 10; the URL-safe form is the same without padding.
constexpr Rfc4648Case kRfc4648[] = {
    {"", "", ""},
    {"f", "Zg==", "Zg"},
    {"fo", "Zm8=", "Zm8"},
    {"foo", "Zm9v", "Zm9v"},
    {"foob", "Zm9vYg==", "Zm9vYg"},
    {"fooba", "Zm9vYmE=", "Zm9vYmE"},
    {"foobar", "Zm9vYmFy", "Zm9vYmFy"},
};

TEST(Base64, Rfc4648Vectors) {
  for (const Rfc4648Case& c : kRfc4648) {
    SCOPED_TRACE(c.bytes);
    EXPECT_EQ(Base64Encode(c.bytes), c.standard);
    EXPECT_EQ(Base64UrlEncode(c.bytes), c.url);
    absl::StatusOr<std::string> decoded = Base64Decode(c.standard);
    ASSERT_TRUE(decoded.ok()) << decoded.status();
    EXPECT_EQ(*decoded, c.bytes);
    absl::StatusOr<std::string> url_decoded = Base64UrlDecode(c.url);
    ASSERT_TRUE(url_decoded.ok()) << url_decoded.status();
    EXPECT_EQ(*url_decoded, c.bytes);
  }
}

TEST(Base64, AlphabetsDifferInTheLastTwoCharacters) {
  const std::string bytes("\xfb\xff\xbf", 3);
  EXPECT_EQ(Base64Encode(bytes), "+/+/");
  EXPECT_EQ(Base64UrlEncode(bytes), "-_-_");
  EXPECT_EQ(*Base64Decode("+/+/"), bytes);
  EXPECT_EQ(*Base64UrlDecode("-_-_"), bytes);
  EXPECT_FALSE(Base64Decode("-_-_").ok());
  EXPECT_FALSE(Base64UrlDecode("+/+/").ok());
}

TEST(Base64, AllByteValuesRoundTrip) {
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes.push_back(static_cast<char>(i));
  for (size_t length = 0; length <= bytes.size(); length += 17) {
    std::string prefix = bytes.substr(0, length);
    EXPECT_EQ(*Base64Decode(Base64Encode(prefix)), prefix);
    EXPECT_EQ(*Base64UrlDecode(Base64UrlEncode(prefix)), prefix);
  }
  // A SHA-256 hash: 44 characters with one '=', as in entries/checkpoints.
  std::string hash(32, '\x01');
  EXPECT_EQ(Base64Encode(hash).size(), 44u);
  // A signature: 86 characters unpadded, as in label URLs.
  EXPECT_EQ(Base64UrlEncode(std::string(64, '\x02')).size(), 86u);
}

TEST(Base64, StandardRejections) {
  struct Bad {
    const char* text;
    const char* message;
  };
  const Bad kBad[] = {
      {"Zg", "not a multiple of 4"},              // missing padding
      {"Zg=", "not a multiple of 4"},             // short padding
      {"Zg===", "not a multiple of 4"},           //
      {"Z===", "padding '=' at position 1"},      // too much padding
      {"====", "padding '=' at position 0"},      //
      {"Zg==Zm8=", "padding '=' at position 2"},  // padding in the middle
      {"Zm9v\n", "not a multiple of 4"},          // trailing newline
      {"Zm 9", "' ' at position 2"},              // whitespace
      {"Zm9-", "'-' at position 3"},              // URL alphabet
      {"Zh==", "non-zero unused bits"},           // non-canonical: 'h' != 'g'
      {"Zm9=", "non-zero unused bits"},           // non-canonical: '9' != '8'
  };
  for (const Bad& bad : kBad) {
    SCOPED_TRACE(bad.text);
    absl::StatusOr<std::string> decoded = Base64Decode(bad.text);
    ASSERT_FALSE(decoded.ok());
    EXPECT_EQ(decoded.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(decoded.status().message(), HasSubstr(bad.message));
  }
}

TEST(Base64, UrlRejections) {
  struct Bad {
    const char* text;
    const char* message;
  };
  const Bad kBad[] = {
      {"Zg==", "padding '=' at position 2"},  // padding is not used
      {"Zm9vY", "dangling"},                  // 4n+1 characters
      {"Zm9+", "'+' at position 3"},          // standard alphabet
      {"Zm9/", "'/' at position 3"},          //
      {"Zm9v ", "dangling"},                  //
      {"Zm9 vA", "' ' at position 3"},        //
      {"Zh", "non-zero unused bits"},         //
  };
  for (const Bad& bad : kBad) {
    SCOPED_TRACE(bad.text);
    absl::StatusOr<std::string> decoded = Base64UrlDecode(bad.text);
    ASSERT_FALSE(decoded.ok());
    EXPECT_EQ(decoded.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(decoded.status().message(), HasSubstr(bad.message));
  }
}

TEST(Base64, NonPrintableBytesAreNamedInHex) {
  absl::StatusOr<std::string> decoded = Base64Decode(std::string("Zm9\x01", 4));
  ASSERT_FALSE(decoded.ok());
  EXPECT_THAT(decoded.status().message(), HasSubstr("byte 0x01 at position 3"));
}

}  // namespace
}  // namespace ocoptrace
