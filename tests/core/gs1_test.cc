// Tests of core/gs1.h: check digits, GTIN/GLN, CSET 82 and the linters.

#include "core/gs1.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace ocoptrace {
namespace {

using ::testing::HasSubstr;

std::string MessageOf(const absl::Status& status) {
  return std::string(status.message());
}

TEST(Gs1CheckDigitTest, KnownKeys) {
  EXPECT_EQ(Gs1CheckDigit("0893500000001"), 4);      // tests/data/README.md
  EXPECT_EQ(Gs1CheckDigit("9638507"), 4);            // GTIN-8 96385074
  EXPECT_EQ(Gs1CheckDigit("03600029145"), 2);        // GTIN-12 036000291452
  EXPECT_EQ(Gs1CheckDigit("400638133393"), 1);       // GTIN-13 4006381333931
  EXPECT_EQ(Gs1CheckDigit("0893456312345"), 1);      // GTIN-14 of cases.tsv
  EXPECT_EQ(Gs1CheckDigit("893456300000"), 4);       // GLN of cases.tsv
  EXPECT_EQ(Gs1CheckDigit("08934563000000001"), 1);  // SSCC of cases.tsv
}

TEST(Gs1CheckDigitTest, RejectsNonDigitsAndEmpty) {
  EXPECT_EQ(Gs1CheckDigit(""), -1);
  EXPECT_EQ(Gs1CheckDigit("08935A0000001"), -1);
}

TEST(Gs1CheckDigitTest, HasValidCheckDigit) {
  EXPECT_TRUE(HasValidGs1CheckDigit("08934563123451"));
  EXPECT_TRUE(HasValidGs1CheckDigit("96385074"));
  EXPECT_TRUE(HasValidGs1CheckDigit("8934563000004"));
  EXPECT_TRUE(HasValidGs1CheckDigit("089345630000000011"));
  EXPECT_FALSE(HasValidGs1CheckDigit("08934563123452"));
  EXPECT_FALSE(HasValidGs1CheckDigit("0893456312345X"));
  EXPECT_FALSE(HasValidGs1CheckDigit("4"));
  EXPECT_FALSE(HasValidGs1CheckDigit(""));
}

TEST(NormalizeGtinTest, PadsEveryLengthToFourteen) {
  EXPECT_EQ(*NormalizeGtin("96385074"), "00000096385074");
  EXPECT_EQ(*NormalizeGtin("036000291452"), "00036000291452");
  EXPECT_EQ(*NormalizeGtin("8934563123451"), "08934563123451");
  EXPECT_EQ(*NormalizeGtin("08934563123451"), "08934563123451");
  EXPECT_EQ(*NormalizeGtin("08935000000014"), "08935000000014");
}

TEST(NormalizeGtinTest, WrongCheckDigitSaysWhichIsRight) {
  absl::StatusOr<std::string> gtin = NormalizeGtin("8934563123452");
  ASSERT_FALSE(gtin.ok());
  EXPECT_EQ(gtin.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(MessageOf(gtin.status()), HasSubstr("GTIN"));
  EXPECT_THAT(MessageOf(gtin.status()),
              HasSubstr("check digit should be 1, not 2"));
}

TEST(NormalizeGtinTest, WrongLengthAndCharacters) {
  for (const char* bad : {"", "123", "89345631234", "089345631234511"}) {
    absl::StatusOr<std::string> gtin = NormalizeGtin(bad);
    ASSERT_FALSE(gtin.ok()) << bad;
    EXPECT_THAT(MessageOf(gtin.status()),
                HasSubstr("must be 8, 12, 13 or 14 digits"));
  }
  absl::StatusOr<std::string> letters = NormalizeGtin("89345631234A1");
  ASSERT_FALSE(letters.ok());
  EXPECT_THAT(MessageOf(letters.status()),
              HasSubstr("'A' at position 12 is not a digit"));
}

TEST(ValidateGlnTest, ChecksLengthAndCheckDigit) {
  EXPECT_TRUE(ValidateGln("8934563000004").ok());
  absl::Status wrong = ValidateGln("8934563000001");
  EXPECT_EQ(wrong.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(MessageOf(wrong), HasSubstr("GLN"));
  EXPECT_THAT(MessageOf(wrong), HasSubstr("check digit should be 4, not 1"));
  EXPECT_THAT(MessageOf(ValidateGln("893456300000")),
              HasSubstr("must be 13 digits"));
  EXPECT_FALSE(ValidateGln("08934563000004").ok());
}

TEST(CharsetTest, Cset82HasExactly82Characters) {
  int count = 0;
  for (int c = 0; c < 256; ++c) count += IsCset82(static_cast<char>(c));
  EXPECT_EQ(count, 82);
  for (char c : std::string("!\"%&'()*+,-./:;<=>?_AZaz09")) {
    EXPECT_TRUE(IsCset82(c)) << c;
  }
  for (char c : std::string(" #$@[\\]^`{|}~\n")) EXPECT_FALSE(IsCset82(c)) << c;
}

TEST(CharsetTest, Cset39AndBase64Url) {
  int cset39 = 0;
  int base64url = 0;
  for (int c = 0; c < 256; ++c) {
    cset39 += IsCset39(static_cast<char>(c));
    base64url += IsBase64UrlChar(static_cast<char>(c));
  }
  EXPECT_EQ(cset39, 39);
  EXPECT_EQ(base64url, 64);
}

TEST(ValidateLotTest, AcceptsCset82UpToTwenty) {
  EXPECT_TRUE(ValidateLot("LOT2024A").ok());
  EXPECT_TRUE(ValidateLot("LO/24").ok());
  EXPECT_TRUE(ValidateLot("ABCDEFGHIJKLMNOPQRST").ok());
  EXPECT_TRUE(ValidateSerial("7K3M9QX2TA").ok());
}

TEST(ValidateLotTest, VietnameseLetterNamesFieldCharacterAndPosition) {
  absl::Status status = ValidateLot("LOô1");
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(MessageOf(status),
            "lot (AI 10): 'ô' at position 3 is a Vietnamese/non-ASCII "
            "letter; identifiers allow only A-Z a-z 0-9 and ! \" % & ' ( ) * "
            "+ , - . / : ; < = > ? _ (GS1 CSET 82); put Vietnamese text in "
            "names, not codes");
}

TEST(ValidateLotTest, VietnameseInSerialNamesSerial) {
  absl::Status status = ValidateSerial("SỐ-01");
  ASSERT_FALSE(status.ok());
  EXPECT_THAT(MessageOf(status),
              HasSubstr("serial (AI 21): 'Ố' at position 2"));
  EXPECT_THAT(MessageOf(status), HasSubstr("Vietnamese"));
  // Positions count characters, not bytes.
  EXPECT_THAT(MessageOf(ValidateLot("ĐẬU-ĐỎ")), HasSubstr("'Đ' at position 1"));
  EXPECT_THAT(MessageOf(ValidateLot("CHE-THAI-NGUYÊN")),
              HasSubstr("'Ê' at position 14"));
}

TEST(ValidateLotTest, OtherErrors) {
  EXPECT_EQ(MessageOf(ValidateLot("")), "lot (AI 10): must not be empty");
  EXPECT_THAT(MessageOf(ValidateLot("LOT 1")),
              HasSubstr("lot (AI 10): character ' ' (space) at position 4 "
                        "is not allowed"));
  EXPECT_THAT(MessageOf(ValidateSerial("SN#1")),
              HasSubstr("serial (AI 21): character '#' at position 3"));
  EXPECT_THAT(MessageOf(ValidateLot("ABCDEFGHIJKLMNOPQRSTU")),
              HasSubstr("lot (AI 10): 21 characters is too long; at most 20"));
  EXPECT_THAT(MessageOf(ValidateCset82("batch code", "A\tB", 5)),
              HasSubstr("batch code: character control character 0x09"));
}

TEST(LinterTest, CheckDigitLinter) {
  EXPECT_TRUE(RunGs1Linter("csum", "08934563123451").ok());
  EXPECT_EQ(MessageOf(RunGs1Linter("csum", "08934563123452")),
            "check digit should be 1, not 2");
}

TEST(LinterTest, AlphanumericCheckPair) {
  // GS1 General Specifications example GMN.
  EXPECT_TRUE(RunGs1Linter("csumalpha", "1987654Ad4X4bL5ttr2310c2K").ok());
  EXPECT_THAT(MessageOf(RunGs1Linter("csumalpha", "1987654Ad4X4bL5ttr2310c2L")),
              HasSubstr("should be 2K"));
  EXPECT_FALSE(RunGs1Linter("csumalpha", "1987654Ad4X4bL5ttr2310d2K").ok());
}

TEST(LinterTest, Dates) {
  EXPECT_TRUE(RunGs1Linter("yymmd0", "251231").ok());
  EXPECT_TRUE(RunGs1Linter("yymmd0", "251200").ok());  // whole month
  EXPECT_FALSE(RunGs1Linter("yymmdd", "251200").ok());
  EXPECT_TRUE(RunGs1Linter("yymmdd", "240229").ok());  // leap year
  EXPECT_FALSE(RunGs1Linter("yymmdd", "230229").ok());
  EXPECT_FALSE(RunGs1Linter("yymmdd", "250431").ok());
  EXPECT_THAT(MessageOf(RunGs1Linter("yymmd0", "251332")),
              HasSubstr("illegal month of the year 13"));
  EXPECT_TRUE(RunGs1Linter("yyyymmdd", "20000229").ok());
  EXPECT_FALSE(RunGs1Linter("yyyymmdd", "19000229").ok());
  EXPECT_TRUE(RunGs1Linter("hhmi", "2359").ok());
  EXPECT_FALSE(RunGs1Linter("hhmi", "2400").ok());
  EXPECT_FALSE(RunGs1Linter("mi", "60").ok());
  EXPECT_TRUE(RunGs1Linter("ss", "59").ok());
}

TEST(LinterTest, CodeLists) {
  EXPECT_TRUE(RunGs1Linter("iso3166", "704").ok());  // Viet Nam
  EXPECT_THAT(MessageOf(RunGs1Linter("iso3166", "999")),
              HasSubstr("'999' is not an ISO 3166 numeric country code"));
  EXPECT_TRUE(RunGs1Linter("iso3166999", "999").ok());
  EXPECT_TRUE(RunGs1Linter("iso3166alpha2", "VN").ok());
  EXPECT_FALSE(RunGs1Linter("iso3166alpha2", "XX").ok());
  EXPECT_TRUE(RunGs1Linter("iso4217", "704").ok());  // VND
  EXPECT_FALSE(RunGs1Linter("iso4217", "001").ok());
}

TEST(LinterTest, SmallLinters) {
  EXPECT_TRUE(RunGs1Linter("gcppos1", "8934563").ok());
  EXPECT_FALSE(RunGs1Linter("gcppos1", "893A").ok());
  EXPECT_TRUE(RunGs1Linter("gcppos2", "X8934").ok());
  EXPECT_TRUE(RunGs1Linter("pcenc", "a%20b").ok());
  EXPECT_FALSE(RunGs1Linter("pcenc", "a%2").ok());
  EXPECT_FALSE(RunGs1Linter("pcenc", "a%zz").ok());
  EXPECT_TRUE(RunGs1Linter("pieceoftotal", "0102").ok());
  EXPECT_FALSE(RunGs1Linter("pieceoftotal", "0302").ok());
  EXPECT_TRUE(RunGs1Linter("posinseqslash", "1/2").ok());
  EXPECT_FALSE(RunGs1Linter("posinseqslash", "3/2").ok());
  EXPECT_TRUE(RunGs1Linter("latitude", "1800000000").ok());
  EXPECT_FALSE(RunGs1Linter("latitude", "1800000001").ok());
  EXPECT_FALSE(RunGs1Linter("longitude", "3600000001").ok());
  EXPECT_TRUE(RunGs1Linter("mediatype", "80").ok());
  EXPECT_FALSE(RunGs1Linter("mediatype", "11").ok());
  EXPECT_FALSE(RunGs1Linter("nonzero", "0000").ok());
  EXPECT_FALSE(RunGs1Linter("nozeroprefix", "012").ok());
  EXPECT_TRUE(RunGs1Linter("hasnondigit", "12A").ok());
  EXPECT_FALSE(RunGs1Linter("hasnondigit", "123").ok());
  EXPECT_TRUE(RunGs1Linter("iban", "GB82WEST12345698765432").ok());
  EXPECT_FALSE(RunGs1Linter("iban", "GB83WEST12345698765432").ok());
  EXPECT_TRUE(RunGs1Linter("yesno", "1").ok());
  EXPECT_FALSE(RunGs1Linter("winding", "2").ok());
}

TEST(LinterTest, UnknownAndUncheckedLinters) {
  EXPECT_EQ(RunGs1Linter("nosuchlinter", "x").code(),
            absl::StatusCode::kUnimplemented);
  EXPECT_FALSE(IsKnownGs1Linter("nosuchlinter"));
  EXPECT_TRUE(IsKnownGs1Linter("packagetype"));
  EXPECT_TRUE(IsUncheckedGs1Linter("packagetype"));
  EXPECT_TRUE(RunGs1Linter("couponcode", "anything").ok());
}

}  // namespace
}  // namespace ocoptrace
