#include "epcis/portal_export.h"

#include <string>
#include <vector>

#include "epcis/capture.h"
#include "epcis/synthetic_document.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/epcis/epcis_test_util.h"

namespace ocoptrace::epcis {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

std::vector<int> MissingNumbers(const PortalExport& out) {
  std::vector<int> items;
  for (const MissingItem& gap : out.missing) items.push_back(gap.item);
  return items;
}

TEST(PortalExportTest, CompleteRecordHasAllTenItemsAndValidates) {
  testing::DemoChain chain = testing::MakeDemoChain();
  // Give the one stage without a GLN (the inspection) its place's GLN.
  for (v1::HistoryItem& item : chain.input.items) {
    if (item.event().business_step() == "inspecting") {
      item.mutable_event()->mutable_location()->set_gln(chain.shop_gln);
    }
  }
  auto out = ExportPortalDocument(chain.input);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(out->complete()) << out->document["missingItems"].dump();
  const json& doc = out->document;
  EXPECT_EQ(doc["format"], "ocoptrace/portal-export/v1");
  EXPECT_EQ(doc["product"]["name"], "Miến dong Tài Hoan");
  EXPECT_EQ(doc["producer"]["address"],
            "thôn Chè Cọ, xã Côn Minh, huyện Na Rì, tỉnh Bắc Kạn");
  EXPECT_EQ(doc["batch"]["traceCode"],
            "https://id.gs1.org/01/" + chain.gtin + "/10/L2024-03");
  EXPECT_EQ(doc["batch"]["productionDate"], "2024-03-20");
  EXPECT_EQ(doc["batch"]["expiryDate"], "2025-03-20");
  ASSERT_EQ(doc["stages"].size(), 6u);
  EXPECT_EQ(doc["stages"][0]["step"], "commissioning");
  EXPECT_EQ(doc["stages"][0]["locationTraceCode"],
            "https://id.gs1.org/414/" + chain.gln);
  EXPECT_EQ(doc["stages"][0]["eventTime"], "2024-03-20T08:00:00+07:00");
  EXPECT_EQ(doc["product"]["standards"][0]["code"], "TCVN 7879:2008");
  EXPECT_EQ(doc["product"]["ocopCertificates"].size(), 3u);
  for (const json& item : doc["mandatoryItems"]) EXPECT_TRUE(item["present"]);
  auto verdicts =
      testing::ValidateWithSchema(testing::PortalSchemaPath(), {doc});
  ASSERT_EQ(verdicts.size(), 1u);
  EXPECT_TRUE(verdicts[0].valid) << verdicts[0].errors;
}

TEST(PortalExportTest, MissingItemsAreListedWithTheFieldToFill) {
  testing::DemoChain chain = testing::MakeDemoChain();
  chain.input.product.clear_image();
  chain.input.product.clear_brand();
  chain.input.product.clear_standards();
  chain.input.batch.mutable_record()->clear_expiry_date();
  auto out = ExportPortalDocument(chain.input);
  ASSERT_TRUE(out.ok());
  EXPECT_FALSE(out->complete());
  // 2 image, 5 the inspection has no GLN, 8 brand, 9 expiry (the product
  // keeps 365 days), 10 standards.
  EXPECT_EQ(MissingNumbers(*out), (std::vector<int>{2, 8, 9, 10, 5}));
  EXPECT_EQ(out->missing[0].field, "product.image");
  EXPECT_EQ(out->missing[4].field, "stages[5].location.gln");
  EXPECT_THAT(out->missing[4].detail, HasSubstr("inspecting stage"));
  EXPECT_EQ(out->document["complete"], false);
  EXPECT_EQ(out->document["mandatoryItems"][1]["present"], false);
  EXPECT_EQ(out->document["mandatoryItems"][0]["present"], true);
  // Still a valid document: the connector shows what is missing.
  auto verdicts =
      testing::ValidateWithSchema(testing::PortalSchemaPath(), {out->document});
  EXPECT_TRUE(verdicts[0].valid) << verdicts[0].errors;
  // The schema is strict: an unknown field fails.
  json extra = out->document;
  extra["product"]["colour"] = "red";
  EXPECT_FALSE(
      testing::ValidateWithSchema(testing::PortalSchemaPath(), {extra})[0]
          .valid);
}

TEST(PortalExportTest, NoStagesIsItemFive) {
  testing::DemoChain chain = testing::MakeDemoChain();
  chain.input.items.clear();
  auto out = ExportPortalDocument(chain.input);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(MissingNumbers(*out), (std::vector<int>{5}));
  EXPECT_EQ(out->missing[0].field, "stages");
}

TEST(SyntheticDocumentTest, TenThousandEventsCaptureAndValidate) {
  json document = SyntheticEpcisDocument(10000);
  ASSERT_EQ(document["epcisBody"]["eventList"].size(), 10000u);
  CaptureContext context;
  context.product_known = [](const std::string&) { return true; };
  context.batch_known = [](const v1::BatchRef&) { return false; };
  context.may_create_batches = true;
  auto plan = PlanCapture(document, context);
  ASSERT_TRUE(plan.ok());
  ASSERT_TRUE(plan->problems.empty())
      << ProblemToJson(plan->problems[0]).dump();
  EXPECT_EQ(plan->events.size(), 10000u);
  auto small = SyntheticEpcisDocument(80);
  EXPECT_TRUE(
      testing::ValidateWithSchema(testing::EpcisSchemaPath(), {small})[0]
          .valid);
}

}  // namespace
}  // namespace ocoptrace::epcis
