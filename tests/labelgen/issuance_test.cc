#include "labelgen/issuance.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/labelgen/test_support.h"

namespace ocoptrace::labelgen {
namespace {

using ::testing::HasSubstr;

class IssuanceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    issuance_ = testing::MakeSignedIssuance(3, /*pins=*/true, /*seed=*/7);
    text_ = FormatIssuance(issuance_);
  }
  // The text with line `n` (1-based) replaced.
  std::string WithLine(int n, const std::string& replacement) {
    std::vector<std::string> lines = absl::StrSplit(text_, '\n');
    lines[n - 1] = replacement;
    return absl::StrJoin(lines, "\n");
  }
  std::string Line(int n) {
    std::vector<std::string> lines = absl::StrSplit(text_, '\n');
    return lines[n - 1];
  }
  Issuance issuance_;
  std::string text_;
};

TEST_F(IssuanceTest, FormatThenParseRoundTrips) {
  absl::StatusOr<Issuance> parsed = ParseIssuance(text_, "batch.jsonl");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->header.gtin, "08934563123451");
  EXPECT_EQ(parsed->header.lot, "L2024A");
  EXPECT_EQ(parsed->header.product_name, "Miến dong Tài Hoan");
  EXPECT_EQ(parsed->header.producer_name, "HTX Tài Hoan");
  EXPECT_EQ(parsed->header.stars, 4);
  EXPECT_EQ(parsed->header.expiry, "2026-06-30");
  EXPECT_TRUE(parsed->header.pins);
  ASSERT_EQ(parsed->labels.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(parsed->labels[i].serial, issuance_.labels[i].serial);
    EXPECT_EQ(parsed->labels[i].url, issuance_.labels[i].url);
    EXPECT_EQ(parsed->labels[i].pin.size(), 8u);
  }
  EXPECT_EQ(FormatIssuance(*parsed), text_);
}

TEST_F(IssuanceTest, HeaderLineIsTheDocumentedShape) {
  EXPECT_THAT(Line(1), HasSubstr("\"format\":\"ocoptrace/issuance/v1\""));
  EXPECT_THAT(Line(1), HasSubstr("\"product_name\":\"Miến dong Tài Hoan\""));
  EXPECT_THAT(Line(2), HasSubstr("\"serial\":\""));
  EXPECT_THAT(Line(2), HasSubstr("\"url\":\"https://tx.ocop.example.vn/01/"
                                 "08934563123451/10/L2024A/21/"));
}

TEST_F(IssuanceTest, ToLabelDataCarriesHeaderAndLine) {
  std::vector<LabelData> labels = ToLabelData(issuance_);
  ASSERT_EQ(labels.size(), 3u);
  EXPECT_EQ(labels[1].url, issuance_.labels[1].url);
  EXPECT_EQ(labels[1].serial, issuance_.labels[1].serial);
  EXPECT_EQ(labels[1].pin, issuance_.labels[1].pin);
  EXPECT_EQ(labels[1].product_name, "Miến dong Tài Hoan");
  EXPECT_EQ(labels[1].lot, "L2024A");
  EXPECT_EQ(labels[1].stars, 4);
  EXPECT_EQ(labels[1].expiry, "2026-06-30");
}

TEST_F(IssuanceTest, NoStarsWhenTheCertificateHadExpiredAtIssue) {
  issuance_.header.valid_until = "2026-11-28";  // issued 2026-11-29
  EXPECT_EQ(ToLabelData(issuance_)[0].stars, 0);
  issuance_.header.valid_until = "2026-11-29";
  EXPECT_EQ(ToLabelData(issuance_)[0].stars, 4);
}

TEST_F(IssuanceTest, ToleratesBlankLinesCrlfAndUnknownFields) {
  std::string text = absl::StrReplaceAll(text_, {{"\n", "\r\n\n"}});
  text = absl::StrReplaceAll(
      text, {{"\"pins\":true", "\"pins\":true,\"future_field\":[1,2]"}});
  absl::StatusOr<Issuance> parsed = ParseIssuance(text);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->labels.size(), 3u);
}

TEST_F(IssuanceTest, MalformedLinesAreReportedWithTheirNumber) {
  struct Case {
    std::string text;
    std::string expected;
  } cases[] = {
      {WithLine(3, "{\"serial\": \"AB"),
       "batch.jsonl line 3: not a JSON object"},
      {WithLine(1, "[1,2]"),
       "batch.jsonl line 1: not a JSON object; the first line must be the "
       "header"},
      {absl::StrReplaceAll(text_, {{"ocoptrace/issuance/v1", "v0"}}),
       "line 1: field \"format\" is \"v0\""},
      {absl::StrReplaceAll(text_, {{"08934563123451\",", "08934563123452\","}}),
       "line 1: field \"gtin\": the check digit of 08934563123452 should be 1"},
      {absl::StrReplaceAll(text_, {{"\"lot\":\"L2024A\"", "\"lot\":\"LÔ3\""}}),
       "line 1: lot (AI 10): 'Ô' at position 2"},
      {absl::StrReplaceAll(text_, {{"\"stars\":4", "\"stars\":2"}}),
       "field \"stars\" is 2; OCOP certificates have 3 to 5 stars"},
      {absl::StrReplaceAll(
           text_, {{"\"expiry\":\"2026-06-30\"", "\"expiry\":\"30/06/2026\""}}),
       "field \"expiry\" is \"30/06/2026\"; write the date as YYYY-MM-DD"},
      {WithLine(2, "{\"serial\":\"ABC\"}"), "line 2: field \"url\" is missing"},
      {WithLine(4, absl::StrReplaceAll(Line(4), {{"\"pin\"", "\"pn\""}})),
       "line 4: field \"pin\" is missing but the header says \"pins\":true"},
      {WithLine(4,
                absl::StrReplaceAll(Line(4), {{"\"pin\":\"", "\"pin\":\"x"}})),
       "line 4: field \"pin\" is \"x"},
      {WithLine(3, Line(2)), "line 3: serial " + issuance_.labels[0].serial +
                                 " repeats the one on line 2"},
      {WithLine(3, absl::StrReplaceAll(Line(3),
                                       {{issuance_.labels[1].serial + "\",",
                                         issuance_.labels[0].serial + "\","}})),
       "line 3: field \"url\" is for (01)08934563123451(10)L2024A(21)" +
           issuance_.labels[1].serial},
      {WithLine(2, absl::StrReplaceAll(Line(2), {{"?s=", "?s=1"}})),
       "line 2: field \"url\": "},
      {"", "batch.jsonl is empty"},
      {Line(1) + "\n", "batch.jsonl has a header but no label lines"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<Issuance> parsed = ParseIssuance(c.text, "batch.jsonl");
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument)
        << c.expected;
    EXPECT_THAT(parsed.status().message(), HasSubstr(c.expected));
  }
}

TEST_F(IssuanceTest, PinWithoutPinsHeaderIsRefused) {
  issuance_.header.pins = false;
  absl::Status status = ParseIssuance(FormatIssuance(issuance_)).status();
  EXPECT_THAT(status.message(),
              HasSubstr("line 2: field \"pin\" is given but the header says "
                        "\"pins\":false"));
}

TEST(ReadIssuanceFileTest, MissingFileIsNotFound) {
  absl::Status status = ReadIssuanceFile("/nonexistent/x.jsonl").status();
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(status.message(), HasSubstr("/nonexistent/x.jsonl"));
}

TEST(ReadIssuanceFileTest, ReadsAFile) {
  const std::string dir = testing::MakeTempDir();
  const std::string path = dir + "/batch.jsonl";
  testing::WriteFile(path, FormatIssuance(testing::MakeSignedIssuance(
                               2, /*pins=*/false, /*seed=*/1)));
  absl::StatusOr<Issuance> read = ReadIssuanceFile(path);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->labels.size(), 2u);
  EXPECT_TRUE(read->labels[0].pin.empty());
}

}  // namespace
}  // namespace ocoptrace::labelgen
