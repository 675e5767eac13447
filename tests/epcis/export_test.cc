#include "epcis/export.h"

#include <string>
#include <vector>

#include "core/base64.h"
#include "core/checkpoint.h"
#include "core/log_entry.h"
#include "core/merkle.h"
#include "core/sha256.h"
#include "core/signed_note.h"
#include "epcis/event_hash.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/epcis/epcis_test_util.h"

namespace ocoptrace::epcis {
namespace {

using nlohmann::json;
using testing::DemoChain;
using ::testing::HasSubstr;
using testing::MakeDemoChain;

class ExportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    chain_ = MakeDemoChain();
    auto document = ExportBatchDocument(chain_.input);
    ASSERT_TRUE(document.ok()) << document.status();
    document_ = *document;
  }
  const json& Event(size_t i) { return document_["epcisBody"]["eventList"][i]; }
  std::string LotClass() {
    return "https://id.gs1.org/01/" + chain_.gtin + "/10/L2024-03";
  }

  DemoChain chain_;
  json document_;
};

TEST_F(ExportTest, DocumentValidatesAgainstTheEpcisSchemaWithFormats) {
  auto verdicts =
      testing::ValidateWithSchema(testing::EpcisSchemaPath(), {document_});
  ASSERT_EQ(verdicts.size(), 1u);
  EXPECT_TRUE(verdicts[0].valid) << verdicts[0].errors << "\n"
                                 << document_.dump(2);
}

TEST_F(ExportTest, HeaderContextAndVersion) {
  EXPECT_EQ(document_["type"], "EPCISDocument");
  EXPECT_EQ(document_["schemaVersion"], "2.0");
  EXPECT_EQ(document_["creationDate"], "2024-04-10T12:00:00+07:00");
  EXPECT_EQ(document_["@context"],
            json::parse(
                R"(["https://ref.gs1.org/standards/epcis/epcis-context.jsonld",
                            {"ocop": "https://ocoptrace.example.vn/epcis/"}])"));
  EXPECT_EQ(document_["ocop:ignoreFields"], json::array({"ocop:ledgerEntry"}));
  EXPECT_EQ(document_["epcisHeader"]["ocop:checkpoint"],
            chain_.input.checkpoint);
  EXPECT_EQ(document_["epcisHeader"]["ocop:keys"],
            "https://tx.ocop.example.vn/keys");
  // batch.created + 6 events; labels.issued is not an EPCIS event.
  EXPECT_EQ(document_["epcisBody"]["eventList"].size(), 7u);
}

TEST_F(ExportTest, BatchCreatedIsAClassInstanceCreationWithIlmd) {
  const json& event = Event(0);
  EXPECT_EQ(event["type"], "ObjectEvent");
  EXPECT_EQ(event["action"], "ADD");
  EXPECT_EQ(event["bizStep"], "creating_class_instance");
  EXPECT_EQ(event["eventTime"], "2024-03-20T07:00:00+07:00");
  EXPECT_EQ(event["eventTimeZoneOffset"], "+07:00");
  EXPECT_EQ(event["quantityList"],
            json::parse(R"([{"epcClass": ")" + LotClass() +
                        R"(", "quantity": 500.0, "uom": "KGM"}])"));
  EXPECT_EQ(event["ilmd"], json::parse(R"({
    "cbvmda:lotNumber": "L2024-03", "cbvmda:countryOfOrigin": "VN",
    "cbvmda:productionDate": "2024-03-20",
    "cbvmda:itemExpirationDate": "2025-03-20"})"));
  EXPECT_FALSE(event.contains("certificationInfo"));
}

TEST_F(ExportTest, HarvestIsCommissioningWithIlmdGlnAndCertificates) {
  const json& event = Event(1);
  EXPECT_EQ(event["type"], "ObjectEvent");
  EXPECT_EQ(event["action"], "ADD");
  EXPECT_EQ(event["bizStep"], "commissioning");
  EXPECT_EQ(event["disposition"], "active");
  EXPECT_EQ(event["eventTime"], "2024-03-20T08:00:00+07:00");
  EXPECT_EQ(event["readPoint"]["id"], "https://id.gs1.org/414/" + chain_.gln);
  EXPECT_EQ(event["bizLocation"]["id"], "https://id.gs1.org/414/" + chain_.gln);
  EXPECT_EQ(event["ilmd"]["cbvmda:countryOfOrigin"], "VN");
  // On 2024-03-20 two certificates are in force: the 2021 one and the 2023
  // one (revoked from 2024-03-21). The 2019 one has expired.
  EXPECT_EQ(
      event["certificationInfo"],
      json::parse(R"(["https://tx.ocop.example.vn/cert/GCN-OCOP-2021%2F005",
                            "https://tx.ocop.example.vn/cert/GCN-OCOP-2023-777"])"));
}

TEST_F(ExportTest, ProcessingIsATransformationFromTheInputLot) {
  const json& event = Event(2);
  EXPECT_EQ(event["type"], "TransformationEvent");
  EXPECT_FALSE(event.contains("bizStep"));
  EXPECT_FALSE(event.contains("action"));
  EXPECT_EQ(event["inputQuantityList"],
            json::parse(R"([{"epcClass": "https://id.gs1.org/01/)" +
                        chain_.input_gtin + R"(/10/CU-DONG-07"}])"));
  EXPECT_EQ(event["outputQuantityList"][0]["epcClass"], LotClass());
  EXPECT_EQ(event["outputQuantityList"][0]["quantity"], 480.0);
  EXPECT_EQ(event["ocop:placeDescription"],
            "Xưởng sản xuất HTX Tài Hoan, thôn Chè Cọ");
  EXPECT_EQ(event["certificationInfo"],
            "https://tx.ocop.example.vn/cert/GCN-OCOP-2021%2F005");
}

TEST_F(ExportTest, PackingIntoAnSsccIsAnAggregation) {
  const json& event = Event(3);
  EXPECT_EQ(event["type"], "AggregationEvent");
  EXPECT_EQ(event["action"], "ADD");
  EXPECT_EQ(event["bizStep"], "packing");
  EXPECT_EQ(event["parentID"], "https://id.gs1.org/00/" + chain_.sscc);
  EXPECT_EQ(event["childQuantityList"],
            json::parse(R"([{"epcClass": ")" + LotClass() +
                        R"(", "quantity": 960.0, "uom": "H87"}])"));
}

TEST_F(ExportTest, ShippingAndReceivingCarrySourceAndDestination) {
  const json& shipping = Event(4);
  EXPECT_EQ(shipping["type"], "ObjectEvent");
  EXPECT_EQ(shipping["action"], "OBSERVE");
  EXPECT_EQ(shipping["bizStep"], "shipping");
  EXPECT_EQ(shipping["disposition"], "in_transit");
  EXPECT_FALSE(shipping.contains("bizLocation"));
  EXPECT_EQ(shipping["sourceList"],
            json::parse(
                R"([{"type": "location", "source": "https://id.gs1.org/414/)" +
                chain_.gln + R"("}])"));
  EXPECT_EQ(shipping["destinationList"],
            json::parse(R"([{"type": "owning_party",
                             "destination": "https://id.gs1.org/417/)" +
                        chain_.shop_gln + R"("}])"));
  EXPECT_EQ(shipping["ocop:destinationName"], "Siêu thị Co.opmart Thái Nguyên");

  const json& receiving = Event(5);
  EXPECT_EQ(receiving["bizStep"], "receiving");
  EXPECT_EQ(receiving["disposition"], "in_progress");
  EXPECT_FALSE(receiving.contains("sourceList"));  // The source has no GLN.
  EXPECT_EQ(receiving["ocop:sourceName"], "HTX Tài Hoan");
  EXPECT_EQ(receiving["destinationList"][0]["type"], "location");
  EXPECT_EQ(receiving["bizLocation"]["id"],
            "https://id.gs1.org/414/" + chain_.shop_gln);
}

TEST_F(ExportTest, InspectionWithoutGlnHasNoReadPoint) {
  const json& event = Event(6);
  EXPECT_EQ(event["bizStep"], "inspecting");
  EXPECT_FALSE(event.contains("readPoint"));
  EXPECT_EQ(event["ocop:placeDescription"],
            "Quầy hàng OCOP, Siêu thị Co.opmart Thái Nguyên");
  EXPECT_EQ(event["ocop:inspectionOutcome"], "pass");
  EXPECT_EQ(event["eventTime"], "2024-04-02T09:00:00+07:00");
}

TEST_F(ExportTest, EventIdsAreTheHashIdsAReceiverRecomputes) {
  auto hashes = DocumentEventHashIds(document_);
  ASSERT_TRUE(hashes.ok()) << hashes.status();
  ASSERT_EQ(hashes->size(), 7u);
  for (size_t i = 0; i < hashes->size(); ++i) {
    EXPECT_EQ(Event(i)["eventID"], (*hashes)[i]) << i;
    // The same as hashing the event without the ledger extension.
    json bare = Event(i);
    bare.erase("ocop:ledgerEntry");
    EXPECT_EQ(*EventHashId(bare, document_["@context"]), (*hashes)[i]);
  }
  // A change of content changes the hash ID.
  json changed = document_;
  changed["epcisBody"]["eventList"][4]["disposition"] = "in_progress";
  EXPECT_NE((*DocumentEventHashIds(changed))[4], (*hashes)[4]);
}

TEST_F(ExportTest, EveryEventsLedgerEntryVerifiesAgainstTheCheckpoint) {
  auto checkpoint = OpenCheckpoint(
      document_["epcisHeader"]["ocop:checkpoint"].get<std::string>(),
      VerifierOf(chain_.log_key));
  ASSERT_TRUE(checkpoint.ok()) << checkpoint.status();
  for (const json& event : document_["epcisBody"]["eventList"]) {
    const json& ledger = event["ocop:ledgerEntry"];
    std::string entry = *Base64Decode(ledger["ocop:entry"].get<std::string>());
    std::string body = *Base64Decode(ledger["ocop:body"].get<std::string>());
    auto opened = OpenNote(entry, {VerifierOf(chain_.producer_key)});
    ASSERT_TRUE(opened.ok()) << opened.status();
    auto header = ParseEntryText(opened->text);
    ASSERT_TRUE(header.ok());
    EXPECT_EQ(header->body_hash, Sha256(body));
    EXPECT_EQ(header->kind, ledger["ocop:kind"]);
    EXPECT_EQ(header->subject, "batch/" + chain_.gtin + "/L2024-03");
    std::vector<Hash> proof;
    for (const json& hash : ledger["ocop:inclusionProof"]) {
      proof.push_back(*HashFromBytes(*Base64Decode(hash.get<std::string>())));
    }
    EXPECT_EQ(ledger["ocop:treeSize"].get<uint64_t>(), checkpoint->size);
    EXPECT_TRUE(VerifyInclusion(ledger["ocop:index"].get<uint64_t>(),
                                checkpoint->size, LeafHash(entry), proof,
                                checkpoint->root)
                    .ok());
  }
}

TEST_F(ExportTest, TheValidatorIsStrict) {
  json bare_word = document_;
  bare_word["epcisBody"]["eventList"][1]["bizStep"] = "harvesting";
  json unknown_field = document_;
  unknown_field["epcisBody"]["eventList"][1]["harvestedBy"] = "Tổ 2";
  json unknown_top = document_;
  unknown_top["producer"] = "HTX Tài Hoan";
  json urn_step = document_;
  urn_step["epcisBody"]["eventList"][4]["bizStep"] =
      "urn:epcglobal:cbv:bizstep:shipping";
  json bad_time = document_;
  bad_time["epcisBody"]["eventList"][2]["eventTime"] = "2024-03-21 09:30";
  json namespaced = document_;
  namespaced["epcisBody"]["eventList"][1]["ocop:harvestedBy"] = "Tổ 2";
  auto verdicts = testing::ValidateWithSchema(
      testing::EpcisSchemaPath(),
      {bare_word, unknown_field, unknown_top, urn_step, bad_time, namespaced});
  ASSERT_EQ(verdicts.size(), 6u);
  EXPECT_FALSE(verdicts[0].valid) << "bare 'harvesting' must fail";
  EXPECT_FALSE(verdicts[1].valid) << "un-namespaced event field must fail";
  EXPECT_FALSE(verdicts[2].valid) << "un-namespaced document field must fail";
  EXPECT_FALSE(verdicts[3].valid) << "URN-form CBV term must fail";
  EXPECT_FALSE(verdicts[4].valid) << "a time without 'T' and offset must fail";
  EXPECT_TRUE(verdicts[5].valid) << verdicts[5].errors;
}

TEST(ExportEventTest, OffsetsOutsideEpcisRangeAreRefused) {
  EXPECT_EQ(*FormatTimeZoneOffset(420), "+07:00");
  EXPECT_EQ(*FormatTimeZoneOffset(-330), "-05:30");
  EXPECT_EQ(*FormatTimeZoneOffset(0), "+00:00");
  EXPECT_EQ(*FormatTimeZoneOffset(840), "+14:00");
  EXPECT_FALSE(FormatTimeZoneOffset(841).ok());
  v1::TraceEvent event;
  event.set_business_step("storing");
  *event.mutable_event_time() = testing::At("2024-03-20T08:00:00+15:00");
  v1::BatchRef subject;
  subject.set_gtin(testing::WithCheckDigit("0893500000001"));
  subject.set_lot("L1");
  auto exported = TraceEventToEpcis(event, subject, {});
  ASSERT_FALSE(exported.ok());
  EXPECT_THAT(exported.status().message(),
              HasSubstr("event_time.utc_offset_minutes: 900 minutes"));
}

TEST(ExportEventTest, ValuesOutsideCbvGoInOcoptracesNamespace) {
  v1::TraceEvent event;
  event.set_business_step("storing");
  event.set_disposition("chờ kiểm");
  *event.mutable_event_time() = testing::At("2024-03-20T08:00:00+07:00");
  v1::BatchRef subject;
  subject.set_gtin(testing::WithCheckDigit("0893500000001"));
  subject.set_lot("L/1");
  auto exported = TraceEventToEpcis(event, subject, {});
  ASSERT_TRUE(exported.ok());
  EXPECT_EQ(
      exported->event["disposition"],
      "https://ocoptrace.example.vn/epcis/Disp-ch%E1%BB%9D%20ki%E1%BB%83m");
  EXPECT_EQ(exported->event["bizStep"], "storing");
  EXPECT_EQ(exported->event["quantityList"][0]["epcClass"],
            "https://id.gs1.org/01/" + subject.gtin() + "/10/L%2F1");
}

TEST(ExportEventTest, BatchMadeFromInputsIsATransformation) {
  v1::BatchRecord record;
  record.set_gtin(testing::WithCheckDigit("0893500000001"));
  record.set_lot("L1");
  record.mutable_quantity()->set_amount(20);
  record.mutable_quantity()->set_unit("KGM");
  v1::BatchRef* input = record.add_inputs();
  input->set_gtin(testing::WithCheckDigit("893500000002"));  // GTIN-13
  input->set_lot("RAW1");
  auto exported =
      BatchRecordToEpcis(record, Timestamp{1711000000, 420}, BatchIlmd(record));
  ASSERT_TRUE(exported.ok());
  EXPECT_EQ(exported->event["type"], "TransformationEvent");
  EXPECT_EQ(exported->event["bizStep"], "creating_class_instance");
  EXPECT_EQ(exported->event["inputQuantityList"][0]["epcClass"],
            "https://id.gs1.org/01/0" + input->gtin() + "/10/RAW1");
  EXPECT_EQ(exported->event["outputQuantityList"][0]["quantity"], 20.0);
}

TEST(ExportEventTest, PackingWithoutOneSsccIsAnObservation) {
  v1::TraceEvent event;
  event.set_business_step("packing");
  *event.mutable_event_time() = testing::At("2024-03-20T08:00:00+07:00");
  v1::BatchRef subject;
  subject.set_gtin(testing::WithCheckDigit("0893500000001"));
  subject.set_lot("L1");
  auto plain = TraceEventToEpcis(event, subject, {});
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->event["type"], "ObjectEvent");
  EXPECT_EQ(plain->event["action"], "OBSERVE");
  EXPECT_EQ(plain->event["bizStep"], "packing");
  v1::KeyDataElement* bad = event.add_kdes();
  bad->set_name("sscc");
  bad->set_value("089350000000000012");  // Wrong check digit.
  EXPECT_EQ(TraceEventToEpcis(event, subject, {})->event["type"],
            "ObjectEvent");
  v1::BatchRef* output = event.add_outputs();
  output->set_gtin(testing::WithCheckDigit("0893500000003"));
  output->set_lot("CASE1");
  auto into_cases = TraceEventToEpcis(event, subject, {});
  EXPECT_EQ(into_cases->event["type"], "TransformationEvent");
  EXPECT_EQ(into_cases->event["bizStep"], "packing");
  EXPECT_EQ(into_cases->event["inputQuantityList"][0]["epcClass"],
            "https://id.gs1.org/01/" + subject.gtin() + "/10/L1");
  EXPECT_EQ(into_cases->event["outputQuantityList"][0]["epcClass"],
            "https://id.gs1.org/01/" + output->gtin() + "/10/CASE1");
}

}  // namespace
}  // namespace ocoptrace::epcis
