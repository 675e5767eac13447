#include "epcis/canonical_value.h"

#include <optional>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace ocoptrace::epcis {
namespace {

using testing::HasSubstr;

TEST(CanonicalTimestampTest, ConvertsToUtcWithMilliseconds) {
  struct Case {
    const char* input;
    const char* expected;
  };
  for (const Case& c : {
           Case{"2020-03-04T11:00:30.000+01:00", "2020-03-04T10:00:30.000Z"},
           Case{"2023-01-11T12:00:00+01:00", "2023-01-11T11:00:00.000Z"},
           Case{"2022-02-15T01:33:31.116000-06:00", "2022-02-15T07:33:31.116Z"},
           Case{"2019-10-21T14:45:00Z", "2019-10-21T14:45:00.000Z"},
           Case{"2023-03-27T11:30:00.0Z", "2023-03-27T11:30:00.000Z"},
           Case{"2019-10-21T00:05:00-0600", "2019-10-21T06:05:00.000Z"},
           Case{"2005-04-04T20:33:31.116-06:00", "2005-04-05T02:33:31.116Z"},
           Case{"2020-01-01T00:30:00+05:30", "2019-12-31T19:00:00.000Z"},
           Case{"2020-01-01T10:00+01:00", "2020-01-01T09:00:00.000Z"},
       }) {
    absl::StatusOr<std::string> result = CanonicalTimestamp(c.input, "t");
    ASSERT_TRUE(result.ok()) << c.input << ": " << result.status();
    EXPECT_EQ(*result, c.expected) << c.input;
  }
}

TEST(CanonicalTimestampTest, RoundsHalfUpToMilliseconds) {
  EXPECT_EQ(*CanonicalTimestamp("2023-02-02T11:04:03.1415Z", "t"),
            "2023-02-02T11:04:03.142Z");
  EXPECT_EQ(*CanonicalTimestamp("2023-02-02T11:04:03.1414999Z", "t"),
            "2023-02-02T11:04:03.141Z");
  EXPECT_EQ(*CanonicalTimestamp("2023-02-12T11:04:03.1007Z", "t"),
            "2023-02-12T11:04:03.101Z");
  // Rounding carries into the seconds, the day and the year.
  EXPECT_EQ(*CanonicalTimestamp("2019-12-31T23:59:59.9995Z", "t"),
            "2020-01-01T00:00:00.000Z");
}

TEST(CanonicalTimestampTest, RefusesAmbiguousOrInvalidTimes) {
  for (const char* input :
       {"2020-03-04T11:00:30",  // No offset: the instant is ambiguous.
        "2020-02-30T11:00:30Z", "2020-13-01T00:00:00Z", "2020-01-01T24:00:00Z",
        "2020-01-01T10:60:00Z", "2020-01-01T10:00:60Z",
        "2020-01-01T10:00:00+25:00", "2020-01-01", "yesterday",
        "2020-01-01T10:00:00.Z", "2020-01-01T10:00:00Z trailing", ""}) {
    absl::StatusOr<std::string> result =
        CanonicalTimestamp(input, "sensorReport[0].time");
    EXPECT_FALSE(result.ok()) << input;
    EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(result.status().message(), HasSubstr("sensorReport[0].time"));
  }
}

TEST(CanonicalNumberTest, NormalisesDecimals) {
  struct Case {
    const char* input;
    const char* expected;
  };
  for (const Case& c : {
           Case{"452.0", "452"},
           Case{"+7", "7"},
           Case{"12.10", "12.1"},
           Case{"0.050", "0.05"},
           Case{"1e3", "1000"},
           Case{"1_000", "1000"},
           Case{"0.000015", "1.5e-05"},
           Case{"0.0001", "0.0001"},
           Case{"-0", "0"},
           Case{"-2.50", "-2.5"},
           Case{"0012", "12"},
           Case{".5", "0.5"},
           Case{"5.", "5"},
           Case{"1e20", "100000000000000000000"},
           Case{"42.698334", "42.698334"},
       }) {
    std::optional<std::string> result = CanonicalNumber(c.input);
    ASSERT_TRUE(result.has_value()) << c.input;
    EXPECT_EQ(*result, c.expected) << c.input;
  }
}

TEST(CanonicalNumberTest, LeavesNonNumbersAlone) {
  for (const char* input :
       {"", "abc", "2023-10-09", "+01:00", "inf", "nan", "Infinity", "1e400",
        "1__0", "_1", "1_", "0x10", "1e", ".", "+", "12 34", "AB-12"}) {
    EXPECT_EQ(CanonicalNumber(input), std::nullopt) << input;
  }
}

TEST(JsonDoubleToTextTest, IsTheShortestRoundTripForm) {
  EXPECT_EQ(JsonDoubleToText(452.0), "452.0");
  EXPECT_EQ(JsonDoubleToText(12.1), "12.1");
  EXPECT_EQ(JsonDoubleToText(0.05), "0.05");
  EXPECT_EQ(JsonDoubleToText(-0.5), "-0.5");
  EXPECT_EQ(JsonDoubleToText(1e16), "1e+16");
  EXPECT_EQ(JsonDoubleToText(1.5e-7), "1.5e-07");
  EXPECT_EQ(JsonDoubleToText(0.0001), "0.0001");
  EXPECT_EQ(JsonDoubleToText(123456789012345.6), "123456789012345.6");
}

TEST(ExpandVocabularyTermTest, ExpandsBareWordsOfTheRightVocabulary) {
  EXPECT_EQ(ExpandVocabularyTerm(Vocabulary::kBizStep, "shipping"),
            "https://ref.gs1.org/cbv/BizStep-shipping");
  EXPECT_EQ(ExpandVocabularyTerm(Vocabulary::kDisposition, "in_transit"),
            "https://ref.gs1.org/cbv/Disp-in_transit");
  EXPECT_EQ(ExpandVocabularyTerm(Vocabulary::kBizTransactionType, "po"),
            "https://ref.gs1.org/cbv/BTT-po");
  EXPECT_EQ(ExpandVocabularyTerm(Vocabulary::kSourceDestType, "location"),
            "https://ref.gs1.org/cbv/SDT-location");
  EXPECT_EQ(ExpandVocabularyTerm(Vocabulary::kErrorReason, "did_not_occur"),
            "https://ref.gs1.org/cbv/ER-did_not_occur");
  EXPECT_EQ(ExpandVocabularyTerm(Vocabulary::kSensorComponent, "latitude"),
            "https://ref.gs1.org/cbv/Comp-latitude");
  EXPECT_EQ(ExpandVocabularyTerm(Vocabulary::kMeasurementType, "Temperature"),
            "https://gs1.org/voc/Temperature");
  EXPECT_EQ(
      ExpandVocabularyTerm(Vocabulary::kSensorAlertType, "ALARM_CONDITION"),
      "https://gs1.org/voc/ALARM_CONDITION");
  // Words of another vocabulary, unknown words and no vocabulary: nothing.
  EXPECT_EQ(ExpandVocabularyTerm(Vocabulary::kBizStep, "in_transit"),
            std::nullopt);
  EXPECT_EQ(ExpandVocabularyTerm(Vocabulary::kBizStep, "exampling"),
            std::nullopt);
  EXPECT_EQ(ExpandVocabularyTerm(Vocabulary::kNone, "shipping"), std::nullopt);
}

TEST(CbvUrnToWebUriTest, MapsEpcis1Urns) {
  EXPECT_EQ(CbvUrnToWebUri("urn:epcglobal:cbv:bizstep:shipping"),
            "https://ref.gs1.org/cbv/BizStep-shipping");
  EXPECT_EQ(CbvUrnToWebUri("urn:epcglobal:cbv:disp:in_transit"),
            "https://ref.gs1.org/cbv/Disp-in_transit");
  EXPECT_EQ(CbvUrnToWebUri("urn:epcglobal:cbv:btt:po"),
            "https://ref.gs1.org/cbv/BTT-po");
  EXPECT_EQ(CbvUrnToWebUri("urn:epcglobal:cbv:sdt:owning_party"),
            "https://ref.gs1.org/cbv/SDT-owning_party");
  EXPECT_EQ(CbvUrnToWebUri("urn:epcglobal:cbv:er:incorrect_data"),
            "https://ref.gs1.org/cbv/ER-incorrect_data");
  // Business transaction identifiers are no vocabulary.
  EXPECT_EQ(CbvUrnToWebUri("urn:epcglobal:cbv:bt:5200001000008:4711"),
            "urn:epcglobal:cbv:bt:5200001000008:4711");
}

TEST(TrimWhitespaceTest, TrimsAsciiWhitespace) {
  EXPECT_EQ(TrimWhitespace("  \t a b\n"), "a b");
  EXPECT_EQ(TrimWhitespace(" \n "), "");
}

}  // namespace
}  // namespace ocoptrace::epcis
