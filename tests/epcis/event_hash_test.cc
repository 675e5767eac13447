#include "epcis/event_hash.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace ocoptrace::epcis {
namespace {

using nlohmann::json;
using testing::HasSubstr;

const json kContext = json::parse(R"([
  "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",
  {"ocop": "https://ocop.example.vn/voc/"}
])");

// A commissioning event of two units of an OCOP product.
json CommissioningEvent() {
  return json::parse(R"({
    "type": "ObjectEvent",
    "eventID": "urn:uuid:3f5c1d40-0000-4000-8000-000000000001",
    "eventTime": "2024-03-22T08:00:00+07:00",
    "recordTime": "2024-03-22T08:00:05+07:00",
    "eventTimeZoneOffset": "+07:00",
    "epcList": ["urn:epc:id:sgtin:8935000.000001.A1",
                "https://id.gs1.org/01/08935000000014/21/A0"],
    "action": "ADD",
    "bizStep": "commissioning",
    "disposition": "active",
    "readPoint": {"id": "urn:epc:id:sgln:8935000.00001.0"},
    "rdfs:comment": "first batch of the season",
    "ocop:stars": 4
  })");
}

constexpr char kCommissioningPreHash[] =
    "eventType=ObjectEvent"
    "eventTime=2024-03-22T01:00:00.000Z"
    "eventTimeZoneOffset=+07:00"
    "epcList"
    "epc=https://id.gs1.org/01/08935000000014/21/A0"
    "epc=https://id.gs1.org/01/08935000000014/21/A1"
    "action=ADD"
    "bizStep=https://ref.gs1.org/cbv/BizStep-commissioning"
    "disposition=https://ref.gs1.org/cbv/Disp-active"
    "readPointid=https://id.gs1.org/414/8935000000014"
    "{https://ocop.example.vn/voc/}stars=4";

std::string HashOf(const json& event) {
  absl::StatusOr<std::string> id = EventHashId(event, kContext);
  EXPECT_TRUE(id.ok()) << id.status();
  return id.ok() ? *id : "";
}

TEST(EventPreHashStringTest, BuildsTheCanonicalString) {
  absl::StatusOr<std::string> pre_hash =
      EventPreHashString(CommissioningEvent(), kContext);
  ASSERT_TRUE(pre_hash.ok()) << pre_hash.status();
  EXPECT_EQ(*pre_hash, kCommissioningPreHash);
}

TEST(EventHashIdTest, IsTheNiUriOfTheSha256OfThePreHash) {
  EXPECT_EQ(HashIdFromPreHash(""),
            "ni:///sha-256;"
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
            "?ver=CBV2.0");
  EXPECT_EQ(HashOf(CommissioningEvent()),
            HashIdFromPreHash(kCommissioningPreHash));
  EXPECT_THAT(
      HashOf(CommissioningEvent()),
      testing::MatchesRegex("ni:///sha-256;[0-9a-f]{64}\\?ver=CBV2\\.0"));
}

TEST(EventHashIdTest, IsTheSameForEverySerialisationOfTheEvent) {
  const std::string expected = HashOf(CommissioningEvent());

  json reordered = CommissioningEvent();
  reordered["epcList"] = {"urn:epc:id:sgtin:8935000.000001.A0",
                          "https://example.vn/01/08935000000014/21/A1?x=1"};
  EXPECT_EQ(HashOf(reordered), expected) << "list order, EPC URI vs. DL";

  json other_zone = CommissioningEvent();
  other_zone["eventTime"] = "2024-03-22T01:00:00.000Z";
  EXPECT_EQ(HashOf(other_zone), expected) << "the same instant in UTC";

  json full_uris = CommissioningEvent();
  full_uris["bizStep"] = "urn:epcglobal:cbv:bizstep:commissioning";
  full_uris["disposition"] = "https://ref.gs1.org/cbv/Disp-active";
  EXPECT_EQ(HashOf(full_uris), expected) << "URN and URI vocabulary";

  json other_prefix = CommissioningEvent();
  other_prefix.erase("ocop:stars");
  other_prefix["o:stars"] = "4.0";
  json context = kContext;
  context.push_back({{"o", "https://ocop.example.vn/voc/"}});
  EXPECT_EQ(*EventHashId(other_prefix, context), expected)
      << "namespace prefix and number format";

  json without_metadata = CommissioningEvent();
  without_metadata.erase("eventID");
  without_metadata.erase("recordTime");
  without_metadata.erase("rdfs:comment");
  without_metadata["id"] = "urn:uuid:3f5c1d40-0000-4000-8000-000000000002";
  without_metadata["errorDeclaration"] = {
      {"declarationTime", "2024-03-23T00:00:00Z"},
      {"reason", "incorrect_data"}};
  EXPECT_EQ(HashOf(without_metadata), expected)
      << "eventID, recordTime, errorDeclaration and comments are ignored";
}

TEST(EventHashIdTest, ChangesWhenTheEventChanges) {
  const std::string original = HashOf(CommissioningEvent());
  json changed = CommissioningEvent();
  changed["epcList"].push_back("urn:epc:id:sgtin:8935000.000001.A2");
  EXPECT_NE(HashOf(changed), original);
  changed = CommissioningEvent();
  changed["ocop:stars"] = 5;
  EXPECT_NE(HashOf(changed), original);
  changed = CommissioningEvent();
  changed["eventTime"] = "2024-03-22T08:00:00.001+07:00";
  EXPECT_NE(HashOf(changed), original);
  changed = CommissioningEvent();
  changed["ocop:province"] = "Bac Kan";
  EXPECT_NE(HashOf(changed), original);
}

TEST(EventPreHashStringTest, OrdersStandardFieldsThenSortsTheRest) {
  json event = json::parse(R"({
    "type": "TransformationEvent",
    "ocop:zeta": "z",
    "ilmd": {"ocop:harvestDate": "2024-03-01", "ocop:batch": "L01"},
    "sourceList": [{"type": "owning_party",
                    "source": "urn:epc:id:pgln:8935000.00001"}],
    "bizTransactionList": [{"type": "po", "bizTransaction": "urn:x:2"},
                           {"bizTransaction": "urn:x:1"}],
    "outputQuantityList": [{"epcClass": "urn:epc:class:lgtin:8935000.000001.L01",
                            "quantity": 12.50, "uom": "KGM"}],
    "inputEPCList": ["urn:epc:id:sgtin:8935000.000001.A1"],
    "readPoint": {"ocop:shelf": " B ", "id": "geo:22.1,105.8"},
    "eventTimeZoneOffset": "+07:00",
    "eventTime": "2024-03-22T08:00:00+07:00"
  })");
  absl::StatusOr<std::string> pre_hash = EventPreHashString(event, kContext);
  ASSERT_TRUE(pre_hash.ok()) << pre_hash.status();
  EXPECT_EQ(*pre_hash,
            "eventType=TransformationEvent"
            "eventTime=2024-03-22T01:00:00.000Z"
            "eventTimeZoneOffset=+07:00"
            "inputEPCListepc=https://id.gs1.org/01/08935000000014/21/A1"
            "outputQuantityListquantityElement"
            "epcClass=https://id.gs1.org/01/08935000000014/10/L01"
            "quantity=12.5uom=KGM"
            "readPointid=geo:22.1,105.8{https://ocop.example.vn/voc/}shelf=B"
            "bizTransactionList"
            "bizTransaction=urn:x:1"
            "type=https://ref.gs1.org/cbv/BTT-pobizTransaction=urn:x:2"
            "ilmd{https://ocop.example.vn/voc/}batch=L01"
            "{https://ocop.example.vn/voc/}harvestDate=2024-03-01"
            "sourceList"
            "type=https://ref.gs1.org/cbv/SDT-owning_party"
            "source=https://id.gs1.org/417/8935000000014"
            "{https://ocop.example.vn/voc/}zeta=z");
}

TEST(EventPreHashStringTest, HoistsUnknownFieldsOutOfStandardStructures) {
  json event = json::parse(R"({
    "type": "ObjectEvent",
    "eventTime": "2024-03-22T08:00:00+07:00",
    "readPoint": {"id": "geo:22.1,105.8", "shelf": "B", "ocop:row": "3"},
    "ocop:zone": "north"
  })");
  // `ocop:row` is a user extension of readPoint and stays in it; the unknown
  // `shelf` moves to the sorted tail of the event, under its ancestors.
  EXPECT_EQ(*EventPreHashString(event, kContext),
            "eventType=ObjectEvent"
            "eventTime=2024-03-22T01:00:00.000Z"
            "readPointid=geo:22.1,105.8{https://ocop.example.vn/voc/}row=3"
            "readPointshelf=B"
            "{https://ocop.example.vn/voc/}zone=north");
}

TEST(EventPreHashStringTest, IgnoresRequestedFields) {
  json event = CommissioningEvent();
  event["ocop:captureID"] = "cc90bbe4";
  PreHashOptions options;
  options.ignored_fields = {"ocop:captureID"};
  EXPECT_EQ(*EventPreHashString(event, kContext, options),
            kCommissioningPreHash);
}

TEST(DocumentEventHashIdsTest, HashesEveryEventAndHonoursIgnoreFields) {
  json document = {{"@context", kContext},
                   {"type", "EPCISDocument"},
                   {"schemaVersion", "2.0"},
                   {"ocop:ignoreFields", {"ocop:captureID"}},
                   {"epcisBody", {{"eventList", json::array()}}}};
  json second = CommissioningEvent();
  second["ocop:captureID"] = "cc90bbe4";
  document["epcisBody"]["eventList"] = {CommissioningEvent(), second};
  absl::StatusOr<std::vector<std::string>> ids = DocumentEventHashIds(document);
  ASSERT_TRUE(ids.ok()) << ids.status();
  const std::string expected = HashIdFromPreHash(kCommissioningPreHash);
  EXPECT_THAT(*ids, testing::ElementsAre(expected, expected));
}

TEST(DocumentEventHashIdsTest, ReadsQueryDocuments) {
  json document = {
      {"@context", kContext},
      {"type", "EPCISQueryDocument"},
      {"epcisBody",
       {{"queryResults",
         {{"queryName", "SimpleEventQuery"},
          {"resultsBody", {{"eventList", {CommissioningEvent()}}}}}}}}};
  absl::StatusOr<std::vector<std::string>> ids = DocumentEventHashIds(document);
  ASSERT_TRUE(ids.ok()) << ids.status();
  EXPECT_THAT(*ids,
              testing::ElementsAre(HashIdFromPreHash(kCommissioningPreHash)));
}

// Expects InvalidArgument whose message contains every one of `parts`.
void ExpectInvalid(const absl::Status& status,
                   const std::vector<std::string>& parts) {
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  for (const std::string& part : parts) {
    EXPECT_THAT(status.message(), HasSubstr(part));
  }
}

TEST(EventPreHashStringTest, RefusesBadEventsNamingTheField) {
  json event = CommissioningEvent();
  event.erase("type");
  ExpectInvalid(EventPreHashString(event, kContext).status(),
                {"type", "ObjectEvent"});

  event = CommissioningEvent();
  event["type"] = "ShippingEvent";
  ExpectInvalid(EventPreHashString(event, kContext).status(),
                {"'ShippingEvent'", "not an EPCIS 2.0 event type"});

  event = CommissioningEvent();
  event["eventTime"] = "2024-03-22T08:00:00";
  ExpectInvalid(EventPreHashString(event, kContext).status(),
                {"eventTime", "UTC offset"});

  event = CommissioningEvent();
  event["readPoint"] = "urn:epc:id:sgln:8935000.00001.0";
  ExpectInvalid(EventPreHashString(event, kContext).status(),
                {"readPoint: expected an object"});

  event = CommissioningEvent();
  event["sensorElementList"] = json::parse(
      R"([{"sensorReport": [{"type": "Temperature", "value": {"v": 1}}]}])");
  ExpectInvalid(EventPreHashString(event, kContext).status(),
                {"sensorElementList[0].sensorReport[0].value",
                 "expected a "
                 "string"});

  ExpectInvalid(EventPreHashString(json::array(), kContext).status(),
                {"expected an object"});
}

TEST(EventPreHashStringTest, RefusesUnknownRemoteContexts) {
  json context = {"https://example.org/my-context.jsonld"};
  ExpectInvalid(EventPreHashString(CommissioningEvent(), context).status(),
                {"@context[0]", "https://example.org/my-context.jsonld"});
  ExpectInvalid(EventPreHashString(CommissioningEvent(), json(42)).status(),
                {"@context[0]", "number"});
}

TEST(DocumentEventHashIdsTest, RefusesBadDocuments) {
  ExpectInvalid(DocumentEventHashIds(json::object()).status(), {"epcisBody"});
  ExpectInvalid(DocumentEventHashIds({{"epcisBody", {{"foo", 1}}}}).status(),
                {"eventList"});
  ExpectInvalid(DocumentEventHashIds(
                    {{"type", "Invoice"}, {"epcisBody", {{"eventList", {}}}}})
                    .status(),
                {"'Invoice'"});
  json bad = CommissioningEvent();
  bad["eventTime"] = "soon";
  json document = {{"@context", kContext},
                   {"epcisBody", {{"eventList", {CommissioningEvent(), bad}}}}};
  ExpectInvalid(DocumentEventHashIds(document).status(),
                {"epcisBody.eventList[1].eventTime", "'soon'"});
}

}  // namespace
}  // namespace ocoptrace::epcis
