// Subjects (builders, percent-encoding, strict parsing) and the closed list
// of kinds.
#include <set>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/trace/kinds.h"
#include "server/trace/subjects.h"

namespace ocoptrace::trace {
namespace {

TEST(SubjectsTest, Builders) {
  EXPECT_EQ(ProducerSubject("htx-tai-hoan"), "producer/htx-tai-hoan");
  EXPECT_EQ(ProductSubject("08934563123451"), "product/08934563123451");
  EXPECT_EQ(CertificateSubject("2890/QĐ-BNN"),
            "certificate/2890%2FQ%C4%90-BNN");
  EXPECT_EQ(CertificateSubject("GCN OCOP 15"), "certificate/GCN%20OCOP%2015");
  EXPECT_EQ(BatchSubject("08934563123451", "L2024-03A"),
            "batch/08934563123451/L2024-03A");
  EXPECT_EQ(BatchSubject("08934563123451", "L/2 (A)"),
            "batch/08934563123451/L%2F2%20%28A%29");
  EXPECT_EQ(PrincipalSubject("ocop.certifier"), "principal/ocop.certifier");
}

TEST(SubjectsTest, PercentEncodingRoundTrips) {
  for (const std::string& text :
       std::vector<std::string>{"", "abc", "2890/QĐ-BNN-VPĐP", "a~b_c.d-e",
                                "100%", "Lô Một", std::string("\x00\xff", 2)}) {
    auto decoded = PercentDecode(PercentEncode(text));
    ASSERT_TRUE(decoded.ok()) << decoded.status();
    EXPECT_EQ(*decoded, text);
  }
  EXPECT_EQ(PercentEncode("~._-AZaz09"), "~._-AZaz09");
  EXPECT_EQ(PercentEncode("%"), "%25");
}

TEST(SubjectsTest, DecodingAcceptsOnlyTheCanonicalForm) {
  EXPECT_FALSE(PercentDecode("a%2f").ok());  // Lower-case hex.
  EXPECT_FALSE(PercentDecode("%41").ok());   // 'A' must be written as is.
  EXPECT_FALSE(PercentDecode("a/b").ok());   // '/' must be encoded.
  EXPECT_FALSE(PercentDecode("%2").ok());    // Truncated.
  EXPECT_FALSE(PercentDecode("%").ok());
  EXPECT_FALSE(PercentDecode("%G1").ok());
  EXPECT_THAT(std::string(PercentDecode("a b").status().message()),
              ::testing::HasSubstr("must be percent-encoded (%20)"));
}

TEST(SubjectsTest, ParseSubject) {
  auto batch = ParseSubject("batch/08934563123451/L%2F2");
  ASSERT_TRUE(batch.ok()) << batch.status();
  EXPECT_EQ(batch->type, SubjectType::kBatch);
  EXPECT_EQ(batch->id, "08934563123451");
  EXPECT_EQ(batch->lot, "L/2");
  auto certificate = ParseSubject(CertificateSubject("2890/QĐ-BNN"));
  ASSERT_TRUE(certificate.ok());
  EXPECT_EQ(certificate->type, SubjectType::kCertificate);
  EXPECT_EQ(certificate->id, "2890/QĐ-BNN");
  EXPECT_EQ(ParseSubject("producer/htx-a")->type, SubjectType::kProducer);
  EXPECT_EQ(ParseSubject("product/08934563123451")->id, "08934563123451");
  EXPECT_EQ(ParseSubject("principal/ocop.admin")->id, "ocop.admin");
  EXPECT_EQ(ParseSubject("service/authority")->type,
            SubjectType::kServiceAuthority);
  EXPECT_EQ(ParseSubject("service/labels")->type, SubjectType::kServiceLabels);

  for (const char* bad :
       {"", "producer/", "producer/a/b", "product/089%41", "batch/0893",
        "batch/08934563123451/", "batch//L1", "batch/08934563123451/L/2",
        "certificate/", "certificate/a%2f", "service/other", "thing/x"}) {
    EXPECT_EQ(ParseSubject(bad).status().code(),
              absl::StatusCode::kInvalidArgument)
        << bad;
  }
  EXPECT_THAT(std::string(ParseSubject("thing/x").status().message()),
              ::testing::HasSubstr("unknown subject type"));
}

TEST(KindsTest, ClosedList) {
  const std::set<std::string> expected = {
      "producer.registered", "producer.updated",    "key.added",
      "key.revoked",         "product.registered",  "product.updated",
      "certificate.issued",  "certificate.revoked", "batch.created",
      "labels.issued",       "labels.voided",       "trust.snapshot",
      "event.<step>"};
  std::set<std::string> listed;
  for (const KindInfo& kind : AllKinds()) listed.insert(std::string(kind.kind));
  EXPECT_EQ(listed, expected);
  for (const std::string& kind : expected) {
    if (kind == "event.<step>") continue;
    ASSERT_NE(FindKind(kind), nullptr) << kind;
    EXPECT_EQ(FindKind(kind)->kind, kind);
  }
  EXPECT_EQ(FindKind("producer.deleted"), nullptr);
  EXPECT_EQ(FindKind("event."), nullptr);
  EXPECT_EQ(FindKind("event.dancing"), nullptr);
  EXPECT_TRUE(FindKind("product.registered")->first_on_chain);
  EXPECT_FALSE(FindKind("product.updated")->first_on_chain);
  EXPECT_EQ(FindKind("certificate.revoked")->body,
            BodyType::kCertificateRevocation);
  EXPECT_NE(
      FindKind("key.added")->subjects & SubjectBit(SubjectType::kPrincipal),
      0u);
  EXPECT_EQ(FindKind("key.added")->subjects & SubjectBit(SubjectType::kBatch),
            0u);
}

TEST(KindsTest, BusinessStepsCoverTheCbvStepsWeNeed) {
  for (const char* step :
       {"commissioning", "transforming", "packing", "unpacking", "shipping",
        "receiving", "storing", "inspecting", "retail_selling", "destroying",
        "holding", "loading", "accepting", "departing", "arriving"}) {
    EXPECT_TRUE(IsBusinessStep(step)) << step;
    const KindInfo* kind = FindKind(EventKind(step));
    ASSERT_NE(kind, nullptr) << step;
    EXPECT_EQ(kind->body, BodyType::kTraceEvent);
  }
  EXPECT_TRUE(std::is_sorted(BusinessSteps().begin(), BusinessSteps().end()));
  EXPECT_EQ(EventStep("event.packing"), "packing");
  EXPECT_EQ(EventStep("batch.created"), "");
  EXPECT_FALSE(IsBusinessStep("Packing"));
}

}  // namespace
}  // namespace ocoptrace::trace
