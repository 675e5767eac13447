// The rules on their own: identifiers, star bands and issuer levels,
// validity defaults, batches and events, with the messages users see.
#include "server/trace/rules.h"
#include "absl/time/civil_time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace ocoptrace::trace {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

std::string Message(const absl::Status& status) {
  return std::string(status.message());
}

v1::CertificateRecord FourStars() {
  v1::CertificateRecord record;
  record.set_number("GCN-1");
  record.set_decision_number("1234/QĐ-UBND");
  record.mutable_decision_date()->set_iso_date("2024-03-22");
  record.set_issuer("UBND tỉnh Bắc Kạn");
  record.set_issuer_level(v1::ISSUER_LEVEL_PROVINCIAL);
  record.set_stars(4);
  record.set_score(78.5);
  record.set_criteria_version(v1::CRITERIA_VERSION_148_2023);
  record.add_products("8934563123451");
  record.set_producer_id("htx-tai-hoan");
  return record;
}

TEST(RulesTest, ProducerIdsAndTaxCodes) {
  EXPECT_TRUE(ValidateProducerId("htx-tai-hoan").ok());
  EXPECT_TRUE(ValidateProducerId("abc").ok());
  EXPECT_FALSE(ValidateProducerId("ab").ok());
  EXPECT_FALSE(ValidateProducerId(std::string(65, 'a')).ok());
  EXPECT_FALSE(ValidateProducerId("-htx").ok());
  EXPECT_FALSE(ValidateProducerId("htx-").ok());
  EXPECT_THAT(Message(ValidateProducerId("HTX")),
              HasSubstr("producer_id: character 'H' at position 1"));
  EXPECT_TRUE(ValidateTaxCode("4700123456").ok());
  EXPECT_TRUE(ValidateTaxCode("4700123456-001").ok());
  for (const char* bad : {"470012345", "47001234567", "4700123456-01",
                          "4700123456/001", "47001234a6"}) {
    EXPECT_THAT(Message(ValidateTaxCode(bad)), StartsWith("tax_code: ")) << bad;
  }
  EXPECT_TRUE(ValidatePrincipalName("ocop.bac-kan_1").ok());
  EXPECT_FALSE(ValidatePrincipalName("Ông Ba").ok());
}

TEST(RulesTest, GtinsNameTheField) {
  EXPECT_EQ(*NormalizeGtinField("8934563123451", "gtin"), "08934563123451");
  auto wrong = NormalizeGtinField("8934563123452", "products[2]");
  EXPECT_EQ(wrong.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Message(wrong.status()), StartsWith("products[2]: GTIN"));
  EXPECT_THAT(Message(wrong.status()), HasSubstr("check digit should be 1"));
  EXPECT_THAT(Message(NormalizeGtinField("", "gtin").status()),
              StartsWith("gtin is required"));
  EXPECT_TRUE(ValidateUnitCode("KGM", "unit").ok());
  EXPECT_TRUE(ValidateUnitCode("H87", "unit").ok());
  EXPECT_FALSE(ValidateUnitCode("kg", "unit").ok());
  EXPECT_FALSE(ValidateUnitCode("KGMS", "unit").ok());
}

TEST(RulesTest, StarBandEdges) {
  struct Case {
    uint32_t stars;
    double score;
    bool ok;
  };
  const Case cases[] = {
      {3, 49.99, false},  {3, 50, true}, {3, 69.99, true}, {3, 70, false},
      {4, 69.99, false},  {4, 70, true}, {4, 89.99, true}, {4, 90, false},
      {5, 89.99, false},  {5, 90, true}, {5, 100, true},   {5, 100.01, false},
      {4, 78.555, false},  // More than two decimals.
  };
  for (const Case& c : cases) {
    v1::CertificateRecord record = FourStars();
    record.set_stars(c.stars);
    record.set_score(c.score);
    record.set_issuer_level(c.stars == 5 ? v1::ISSUER_LEVEL_CENTRAL
                                         : v1::ISSUER_LEVEL_PROVINCIAL);
    const absl::Status status = ValidateCertificateRecord(record);
    EXPECT_EQ(status.ok(), c.ok)
        << c.stars << "★ " << c.score << ": " << status;
    if (!c.ok) EXPECT_THAT(Message(status), StartsWith("score: "));
  }
  v1::CertificateRecord two_stars = FourStars();
  two_stars.set_stars(2);
  two_stars.set_score(40);
  EXPECT_THAT(Message(ValidateCertificateRecord(two_stars)),
              StartsWith("stars: 2 is not 3, 4 or 5"));
}

TEST(RulesTest, IssuerLevels) {
  v1::CertificateRecord record = FourStars();
  record.set_stars(5);
  record.set_score(91.14);
  EXPECT_EQ(Message(ValidateCertificateRecord(record)),
            "issuer_level: 5★ needs a central (ministry) issuer, not "
            "provincial");
  record.set_issuer_level(v1::ISSUER_LEVEL_CENTRAL);
  EXPECT_TRUE(ValidateCertificateRecord(record).ok());

  record = FourStars();
  record.set_issuer_level(v1::ISSUER_LEVEL_DISTRICT);
  EXPECT_THAT(Message(ValidateCertificateRecord(record)),
              HasSubstr("4★ needs a provincial or central issuer"));
  record.set_stars(3);
  record.set_score(55);
  EXPECT_TRUE(ValidateCertificateRecord(record).ok());  // 3★ by a district...
  record.set_issuer_level(v1::ISSUER_LEVEL_PROVINCIAL);
  EXPECT_TRUE(ValidateCertificateRecord(record).ok());  // ...or a province.
  record.set_issuer_level(v1::ISSUER_LEVEL_DISTRICT);
  record.set_criteria_version(v1::CRITERIA_VERSION_1048_2019);
  EXPECT_THAT(Message(ValidateCertificateRecord(record)),
              HasSubstr("Decision 1048"));
  record.set_criteria_version(v1::CRITERIA_VERSION_148_AMENDED_2025);
  EXPECT_THAT(Message(ValidateCertificateRecord(record)),
              HasSubstr("districts were abolished on 2025-07-01"));
  record.set_criteria_version(v1::CRITERIA_VERSION_148_2023);
  record.mutable_decision_date()->set_iso_date("2025-07-01");
  EXPECT_FALSE(ValidateCertificateRecord(record).ok());
  record.mutable_decision_date()->set_iso_date("2025-06-30");
  EXPECT_TRUE(ValidateCertificateRecord(record).ok());
  record.set_issuer_level(v1::ISSUER_LEVEL_UNSPECIFIED);
  EXPECT_THAT(Message(ValidateCertificateRecord(record)),
              StartsWith("issuer_level: is required"));
}

TEST(RulesTest, ValidityDefaults) {
  EXPECT_EQ(DefaultValidUntil(absl::CivilDay(2024, 3, 22)),
            absl::CivilDay(2027, 3, 21));
  // 29 February: the anniversary in a common year is 1 March.
  EXPECT_EQ(DefaultValidUntil(absl::CivilDay(2024, 2, 29)),
            absl::CivilDay(2027, 2, 28));
  EXPECT_EQ(DefaultValidUntil(absl::CivilDay(2023, 1, 1)),
            absl::CivilDay(2025, 12, 31));
  v1::CertificateRecord record = FourStars();
  auto applied = ApplyCertificateDefaults(record);
  ASSERT_TRUE(applied.ok()) << applied.status();
  EXPECT_EQ(applied->valid_from().iso_date(), "2024-03-22");
  EXPECT_EQ(applied->valid_until().iso_date(), "2027-03-21");
  EXPECT_EQ(applied->products(0), "08934563123451");
  record.mutable_valid_until()->set_iso_date("2023-01-10");  // Before from.
  EXPECT_THAT(Message(ValidateCertificateRecord(record)),
              StartsWith("valid_until: 2023-01-10 is before valid_from"));
  record = FourStars();
  record.mutable_decision_date()->set_iso_date("2024-02-30");
  EXPECT_THAT(Message(ValidateCertificateRecord(record)),
              StartsWith("decision_date: "));
}

TEST(RulesTest, CertificateRequiredFields) {
  struct Case {
    void (*clear)(v1::CertificateRecord&);
    const char* field;
  };
  const Case cases[] = {
      {[](v1::CertificateRecord& r) { r.clear_number(); }, "number"},
      {[](v1::CertificateRecord& r) { r.clear_decision_number(); },
       "decision_number"},
      {[](v1::CertificateRecord& r) { r.clear_decision_date(); },
       "decision_date"},
      {[](v1::CertificateRecord& r) { r.clear_issuer(); }, "issuer"},
      {[](v1::CertificateRecord& r) { r.clear_products(); }, "products"},
      {[](v1::CertificateRecord& r) { r.clear_producer_id(); }, "producer_id"},
      {[](v1::CertificateRecord& r) { r.add_products("08934563123451"); },
       "products[1]"},
      {[](v1::CertificateRecord& r) { r.set_supersedes(r.number()); },
       "supersedes"},
  };
  for (const Case& c : cases) {
    v1::CertificateRecord record = FourStars();
    c.clear(record);
    EXPECT_THAT(Message(ValidateCertificateRecord(record)), StartsWith(c.field))
        << c.field;
  }
  v1::CertificateRevocation revocation;
  revocation.set_decision_number("88/QĐ-UBND");
  revocation.mutable_decision_date()->set_iso_date("2025-01-01");
  EXPECT_THAT(Message(ValidateCertificateRevocation(revocation)),
              StartsWith("reason: is required"));
  revocation.set_reason("Vi phạm an toàn thực phẩm");
  EXPECT_TRUE(ValidateCertificateRevocation(revocation).ok());
  EXPECT_EQ(ApplyRevocationDefaults(revocation).effective_from().iso_date(),
            "2025-01-01");
}

TEST(RulesTest, BatchesAndEvents) {
  v1::BatchRecord batch;
  batch.set_gtin("8934563123451");
  batch.set_lot("Lô-Một");
  EXPECT_THAT(Message(ValidateBatchRecord(batch)),
              StartsWith("lot (AI 10): 'ô' at position 2"));
  batch.set_lot("L1");
  EXPECT_THAT(Message(ValidateBatchRecord(batch)),
              StartsWith("production_date is required"));
  batch.mutable_production_date()->set_iso_date("2024-03-20");
  EXPECT_THAT(Message(ValidateBatchRecord(batch)), StartsWith("quantity"));
  batch.mutable_quantity()->set_amount(-1);
  batch.mutable_quantity()->set_unit("KGM");
  EXPECT_THAT(Message(ValidateBatchRecord(batch)),
              StartsWith("quantity.amount"));
  batch.mutable_quantity()->set_amount(10);
  EXPECT_TRUE(ValidateBatchRecord(batch).ok());
  v1::BatchRef* self = batch.add_inputs();
  self->set_gtin("08934563123451");
  self->set_lot("L1");
  EXPECT_THAT(Message(ValidateBatchRecord(batch)),
              HasSubstr("a batch cannot be its own input"));
  batch.clear_inputs();
  batch.add_origins()->set_kind("organic");
  EXPECT_THAT(Message(ValidateBatchRecord(batch)),
              StartsWith("origins[0].code: is required"));

  v1::TraceEvent event;
  event.set_business_step("packing");
  EXPECT_THAT(Message(ValidateTraceEvent(event, "shipping")),
              StartsWith("business_step: 'packing' does not match"));
  EXPECT_THAT(Message(ValidateTraceEvent(event, "packing")),
              StartsWith("event_time: is required"));
  event.mutable_event_time()->set_unix_seconds(1711332000);
  event.mutable_event_time()->set_utc_offset_minutes(24 * 60);
  EXPECT_THAT(Message(ValidateTraceEvent(event, "packing")),
              StartsWith("event_time: "));
  event.mutable_event_time()->set_utc_offset_minutes(420);
  EXPECT_THAT(Message(ValidateTraceEvent(event, "packing")),
              StartsWith("location: is required"));
  event.mutable_location()->set_description("Kho HTX");
  EXPECT_TRUE(ValidateTraceEvent(event, "packing").ok());
  event.set_outcome("maybe");
  EXPECT_THAT(Message(ValidateTraceEvent(event, "packing")),
              StartsWith("outcome: 'maybe' is not allowed"));
}

}  // namespace
}  // namespace ocoptrace::trace
