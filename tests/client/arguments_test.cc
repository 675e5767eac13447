#include "client/arguments.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace ocoptrace::client {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(ParseBatchArgumentTest, NormalisesGtinAndKeepsLot) {
  absl::StatusOr<v1::BatchRef> batch =
      ParseBatchArgument("8934563123451/L2024A");
  ASSERT_TRUE(batch.ok()) << batch.status();
  EXPECT_EQ(batch->gtin(), "08934563123451");
  EXPECT_EQ(batch->lot(), "L2024A");
}

TEST(ParseBatchArgumentTest, LotMayContainSlashes) {
  absl::StatusOr<v1::BatchRef> batch =
      ParseBatchArgument("08934563123451/2024/03-A");
  ASSERT_TRUE(batch.ok()) << batch.status();
  EXPECT_EQ(batch->lot(), "2024/03-A");
}

TEST(ParseBatchArgumentTest, WrongCheckDigitSaysWhichDigit) {
  absl::StatusOr<v1::BatchRef> batch = ParseBatchArgument("8934563123452/L1");
  EXPECT_EQ(batch.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(batch.status().message(),
              HasSubstr("check digit should be 1, not 2"));
  EXPECT_THAT(batch.status().message(), HasSubstr("GTIN"));
}

TEST(ParseBatchArgumentTest, VietnameseLetterInLotIsNamed) {
  absl::StatusOr<v1::BatchRef> batch =
      ParseBatchArgument("8934563123451/Lô-Một");
  EXPECT_EQ(batch.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(batch.status().message(), HasSubstr("lot (AI 10)"));
  EXPECT_THAT(batch.status().message(), HasSubstr("'ô' at position 2"));
}

TEST(ParseBatchArgumentTest, MissingPartsAreExplained) {
  EXPECT_THAT(ParseBatchArgument("8934563123451").status().message(),
              HasSubstr("GTIN/LOT"));
  EXPECT_THAT(ParseBatchArgument("8934563123451/").status().message(),
              HasSubstr("lot (AI 10)"));
  EXPECT_FALSE(ParseBatchArgument("/L1").ok());
  EXPECT_THAT(ParseBatchArgument("8934563123451/ABCDEFGHIJKLMNOPQRSTU")
                  .status()
                  .message(),
              HasSubstr("at most 20"));
}

TEST(ParseDaysTest, AcceptsDaysWeeksYears) {
  EXPECT_EQ(*ParseDays("90d"), 90u);
  EXPECT_EQ(*ParseDays("90"), 90u);
  EXPECT_EQ(*ParseDays("12w"), 84u);
  EXPECT_EQ(*ParseDays("1y"), 365u);
  EXPECT_EQ(*ParseDays("0d"), 0u);
}

TEST(ParseDaysTest, RejectsOtherShapes) {
  for (const char* bad :
       {"", "d", "90x", "-5d", "9 0d", "3m", "1.5d", "101y", "99999999d"}) {
    absl::StatusOr<uint32_t> days = ParseDays(bad);
    EXPECT_EQ(days.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_THAT(days.status().message(), HasSubstr("like 90d")) << bad;
  }
}

TEST(ParseEventTimeTest, DefaultsToNowInVietnam) {
  absl::Time now = absl::FromUnixSeconds(1711069200);  // 2024-03-22 01:00 UTC
  absl::StatusOr<Timestamp> time = ParseEventTime("", now);
  ASSERT_TRUE(time.ok());
  EXPECT_EQ(FormatRfc3339(*time), "2024-03-22T08:00:00+07:00");
}

TEST(ParseEventTimeTest, ExactAndLocalForms) {
  absl::Time now = absl::UnixEpoch();
  EXPECT_EQ(FormatRfc3339(*ParseEventTime("2024-03-22T08:00:00+07:00", now)),
            "2024-03-22T08:00:00+07:00");
  EXPECT_EQ(FormatRfc3339(*ParseEventTime("2024-03-22T01:00:00Z", now)),
            "2024-03-22T01:00:00+00:00");
  EXPECT_EQ(FormatRfc3339(*ParseEventTime("2024-03-22T08:00", now)),
            "2024-03-22T08:00:00+07:00");
  EXPECT_EQ(FormatRfc3339(*ParseEventTime("2024-03-22 08:30:15", now)),
            "2024-03-22T08:30:15+07:00");
  absl::StatusOr<Timestamp> bad = ParseEventTime("22/03/2024", now);
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(bad.status().message(), HasSubstr("--time"));
  EXPECT_FALSE(ParseEventTime("2024-02-30T08:00", now).ok());
}

TEST(ParseDateArgumentTest, NamesTheFlag) {
  EXPECT_EQ(ParseDateArgument("--expiry", "2025-03-22")->iso_date(),
            "2025-03-22");
  absl::StatusOr<v1::Date> bad = ParseDateArgument("--expiry", "2023-02-29");
  EXPECT_THAT(bad.status().message(), HasSubstr("--expiry '2023-02-29'"));
  EXPECT_EQ(TodayInVietnam(absl::FromUnixSeconds(1711126800)).iso_date(),
            "2024-03-23");  // 17:00 UTC on the 22nd is 00:00 on the 23rd.
}

TEST(ParseKeyValueTest, SplitsAtFirstEquals) {
  absl::StatusOr<v1::KeyDataElement> kde = ParseKeyValue("ratio=1=2");
  ASSERT_TRUE(kde.ok());
  EXPECT_EQ(kde->name(), "ratio");
  EXPECT_EQ(kde->value(), "1=2");
  EXPECT_FALSE(ParseKeyValue("novalue").ok());
  EXPECT_FALSE(ParseKeyValue("=x").ok());
}

TEST(ParseOriginTest, KindAndCode) {
  absl::StatusOr<v1::OriginReference> origin = ParseOrigin("vietgap:VG-BK-01");
  ASSERT_TRUE(origin.ok());
  EXPECT_EQ(origin->kind(), "vietgap");
  EXPECT_EQ(origin->code(), "VG-BK-01");
  EXPECT_EQ(ParseOrigin("growing-area:06-123")->kind(), "growing_area");
  EXPECT_THAT(ParseOrigin("organik:1").status().message(),
              HasSubstr("growing_area, vietgap, organic"));
}

TEST(ParseStandardTest, KindFromFirstWord) {
  v1::AppliedStandard standard = ParseStandard("TCCS 01:2021/HTXTH");
  EXPECT_EQ(standard.kind(), "TCCS");
  EXPECT_EQ(standard.code(), "TCCS 01:2021/HTXTH");
  EXPECT_EQ(ParseStandard("tcvn 7879:2008").kind(), "TCVN");
  EXPECT_EQ(ParseStandard("HACCP").kind(), "OTHER");
  EXPECT_TRUE(standard.declaration_number().empty());
}

TEST(ParseStandardTest, SelfDeclarationNumberAfterSemicolon) {
  v1::AppliedStandard standard =
      ParseStandard("TCCS 01:2021/HTXTH ; 01/2021/HTXTH-TCB");
  EXPECT_EQ(standard.kind(), "TCCS");
  EXPECT_EQ(standard.code(), "TCCS 01:2021/HTXTH");
  EXPECT_EQ(standard.declaration_number(), "01/2021/HTXTH-TCB");
}

TEST(EnumWordsTest, ParseAndShow) {
  EXPECT_EQ(*ParseLegalForm("htx"), v1::LEGAL_FORM_COOPERATIVE);
  EXPECT_EQ(*ParseLegalForm("Cooperative"), v1::LEGAL_FORM_COOPERATIVE);
  EXPECT_EQ(*ParseLegalForm("LEGAL_FORM_COMPANY"), v1::LEGAL_FORM_COMPANY);
  EXPECT_EQ(*ParseOcopGroup("food"), v1::OCOP_GROUP_FOOD);
  EXPECT_EQ(*ParseKeyRole("certifier"), v1::KEY_ROLE_CERTIFIER);
  EXPECT_EQ(*ParseRole("producer"), v1::ROLE_PRODUCER);
  EXPECT_EQ(*ParseIssuerLevel("provincial"), v1::ISSUER_LEVEL_PROVINCIAL);
  absl::StatusOr<v1::OcopGroup> bad = ParseOcopGroup("snacks");
  EXPECT_THAT(bad.status().message(),
              HasSubstr("--group: 'snacks' is not one of food, drinks"));
  EXPECT_EQ(LegalFormWord(v1::LEGAL_FORM_COOPERATIVE), "cooperative");
  EXPECT_EQ(IssuerLevelWord(v1::ISSUER_LEVEL_CENTRAL), "central");
  EXPECT_EQ(KeyRoleForRole(v1::ROLE_CERTIFIER), v1::KEY_ROLE_CERTIFIER);
}

TEST(ParseStatusesTest, CommaList) {
  absl::StatusOr<std::vector<v1::CertificateStatus>> statuses =
      ParseStatuses("expired, revoked");
  ASSERT_TRUE(statuses.ok());
  EXPECT_THAT(*statuses, ElementsAre(v1::CERTIFICATE_STATUS_EXPIRED,
                                     v1::CERTIFICATE_STATUS_REVOKED));
  EXPECT_FALSE(ParseStatuses("expired,gone").ok());
  EXPECT_EQ(StatusWord(v1::CERTIFICATE_STATUS_NOT_YET_VALID), "not-yet-valid");
}

}  // namespace
}  // namespace ocoptrace::client
