// PlanCapture: re-export of captured events, hash IDs against the vectors,
// the round trip of ocoptrace's own export, and bad input.
#include "epcis/capture.h"

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "epcis/event_hash.h"
#include "epcis/export.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/epcis/epcis_test_util.h"

namespace ocoptrace::epcis {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

CaptureContext Permissive() {
  CaptureContext context;
  context.product_known = [](const std::string&) { return true; };
  context.batch_known = [](const v1::BatchRef&) { return true; };
  context.lot_of_serial =
      [](const std::string&,
         const std::string&) -> absl::StatusOr<std::optional<std::string>> {
    return std::optional<std::string>("A1");
  };
  return context;
}

NoteSigner Key(const std::string& name, char seed) {
  return *MakeNoteSigner(name,
                         *Ed25519PrivateKey::FromSeed(std::string(32, seed)));
}

// Groups planned entries by batch, in plan order.
std::map<std::string, std::vector<PlannedEntry>> ByBatch(
    const CapturePlan& plan) {
  std::map<std::string, std::vector<PlannedEntry>> chains;
  for (const CapturedEvent& event : plan.events) {
    for (const PlannedEntry& entry : event.entries) {
      chains[entry.batch.gtin() + "/" + entry.batch.lot()].push_back(entry);
    }
  }
  return chains;
}

const std::vector<std::string> kCapturedExamples = {
    "EPCISQueryDocument.jsonld",
    "Example_9.6.1-ObjectEvent.jsonld",
    "Example_9.6.1-ObjectEventWithDigitalLink.jsonld",
    "Example_9.6.2-ObjectEvent.jsonld",
    "Example_9.6.3-AggregationEvent.jsonld",
    "Example_9.6.4-TransformationEvent.jsonld",
    "Example_9.6.4-TransformationEventWithDigitalLink.jsonld",
    "PersistentDisposition-example.jsonld",
    "SensorDataExample1.jsonld",
};

TEST(CaptureTest, CapturedExamplesReExportToSchemaValidDocuments) {
  const NoteSigner key = Key("server2-capture", '\x05');
  const NoteSigner log_key = Key("server2.example.vn", '\x06');
  std::vector<json> documents;
  std::vector<std::string> names;
  std::vector<std::string> files = kCapturedExamples;
  // The two "all possible fields" examples without their error declaration.
  files.push_back("object_event_all_possible_fields.jsonld");
  files.push_back("transformation_event_all_possible_fields.jsonld");
  for (const std::string& file : files) {
    json document = testing::ReadJsonFile(testing::EpcisExamplePath(file));
    if (document["epcisBody"].contains("eventList")) {
      for (json& event : document["epcisBody"]["eventList"]) {
        event.erase("errorDeclaration");
      }
    }
    auto plan = PlanCapture(document, Permissive());
    ASSERT_TRUE(plan.ok());
    ASSERT_TRUE(plan->problems.empty())
        << file << ": " << ProblemToJson(plan->problems[0]).dump();
    auto original_hashes = DocumentEventHashIds(document);
    ASSERT_TRUE(original_hashes.ok());
    for (const auto& [batch, entries] : ByBatch(*plan)) {
      auto exported = ExportBatchDocument(
          testing::ExportOfPlannedEntries(entries, key, log_key));
      ASSERT_TRUE(exported.ok()) << file << " " << exported.status();
      // The captured events come back as they were: same hash IDs.
      auto hashes = DocumentEventHashIds(*exported);
      ASSERT_TRUE(hashes.ok()) << hashes.status();
      for (const std::string& hash : *hashes) {
        EXPECT_THAT(*original_hashes, ::testing::Contains(hash)) << file;
      }
      documents.push_back(*exported);
      names.push_back(file + " " + batch);
    }
  }
  auto verdicts =
      testing::ValidateWithSchema(testing::EpcisSchemaPath(), documents);
  ASSERT_EQ(verdicts.size(), documents.size());
  for (size_t i = 0; i < verdicts.size(); ++i) {
    EXPECT_TRUE(verdicts[i].valid)
        << names[i] << ": " << verdicts[i].errors << "\n"
        << documents[i].dump(1);
  }
}

std::vector<std::string> ReadLines(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

TEST(CaptureTest, HashIdsOfCapturedEventsEqualTheVectors) {
  const std::string dir =
      std::string(OCOPTRACE_TEST_DATA_DIR) + "/epcis-hash/RalphTro/examples/";
  CaptureContext context = Permissive();
  context.error_behaviour = CaptureErrorBehaviour::kProceed;
  size_t compared = 0;
  for (const auto& file : std::filesystem::directory_iterator(dir)) {
    if (file.path().extension() != ".jsonld") continue;
    std::filesystem::path hashes_path = file.path();
    hashes_path.replace_extension(".hashes");
    if (!std::filesystem::exists(hashes_path)) continue;
    SCOPED_TRACE(file.path().filename().string());
    std::vector<std::string> hashes = ReadLines(hashes_path.string());
    auto plan =
        PlanCapture(testing::ReadJsonFile(file.path().string()), context);
    ASSERT_TRUE(plan.ok());
    for (const CapturedEvent& event : plan->events) {
      ASSERT_LT(event.index, hashes.size());
      EXPECT_EQ(event.hash_id, hashes[event.index]);
      for (const PlannedEntry& entry : event.entries) {
        if (entry.kind == "batch.created") continue;
        // Without an eventID the event is named by its hash ID.
        if (event.event_id == event.hash_id) {
          EXPECT_EQ(entry.event.epcis_event_id(), hashes[event.index]);
        }
      }
      ++compared;
    }
  }
  EXPECT_GE(compared, 20u) << "too few vector events were captured";
}

TEST(CaptureTest, OwnExportRoundTripsLosslessly) {
  testing::DemoChain chain = testing::MakeDemoChain();
  auto exported = ExportBatchDocument(chain.input);
  ASSERT_TRUE(exported.ok());
  // A fresh server: the products are registered and the raw material's
  // batch was captured before; this batch is new.
  CaptureContext context;
  context.product_known = [](const std::string&) { return true; };
  const std::string input_gtin = chain.input_gtin;
  context.batch_known = [&](const v1::BatchRef& ref) {
    return ref.gtin() == input_gtin;
  };
  context.may_create_batches = true;
  auto plan = PlanCapture(*exported, context);
  ASSERT_TRUE(plan.ok());
  ASSERT_TRUE(plan->problems.empty())
      << ProblemToJson(plan->problems[0]).dump();
  ASSERT_EQ(plan->events.size(), 7u);
  // batch.created, then the six events with the original bodies.
  std::vector<PlannedEntry> entries;
  for (const CapturedEvent& event : plan->events) {
    EXPECT_EQ(event.event_id,
              (*exported)["epcisBody"]["eventList"][event.index]["eventID"]);
    EXPECT_EQ(event.hash_id, event.event_id);
    for (const PlannedEntry& entry : event.entries) entries.push_back(entry);
  }
  ASSERT_EQ(entries.size(), 7u);
  EXPECT_EQ(entries[0].kind, "batch.created");
  EXPECT_EQ(entries[0].batch_record.SerializeAsString(),
            chain.input.batch.record().SerializeAsString());
  size_t original = 0;
  for (size_t i = 1; i < entries.size(); ++i) {
    while (!chain.input.items[original].has_event()) ++original;
    v1::TraceEvent event = entries[i].event;
    EXPECT_EQ(event.epcis_event_id(), plan->events[i].event_id);
    event.clear_epcis_event_id();
    auto* kdes = event.mutable_kdes();
    kdes->erase(std::remove_if(kdes->begin(), kdes->end(),
                               [](const v1::KeyDataElement& kde) {
                                 return kde.name().starts_with("epcis:");
                               }),
                kdes->end());
    EXPECT_EQ(event.SerializeAsString(),
              chain.input.items[original].event().SerializeAsString())
        << i;
    EXPECT_EQ(entries[i].time.unix_seconds,
              chain.input.items[original].event().event_time().unix_seconds());
    ++original;
  }
  // Server 2 exports the batch: the same event hash IDs.
  auto again = ExportBatchDocument(testing::ExportOfPlannedEntries(
      entries, Key("server2", '\x07'), Key("server2.example.vn", '\x08')));
  ASSERT_TRUE(again.ok()) << again.status();
  ASSERT_EQ((*again)["epcisBody"]["eventList"].size(), 7u);
  for (size_t i = 0; i < 7; ++i) {
    EXPECT_EQ((*again)["epcisBody"]["eventList"][i]["eventID"],
              (*exported)["epcisBody"]["eventList"][i]["eventID"]);
  }
  EXPECT_EQ(*DocumentEventHashIds(*again), *DocumentEventHashIds(*exported));
}

json Document(const json& events) {
  return {{"@context", json::array({"https://ref.gs1.org/standards/epcis/2.0.0/"
                                    "epcis-context.jsonld",
                                    {{"ex", "https://ns.example.com/"}}})},
          {"type", "EPCISDocument"},
          {"schemaVersion", "2.0"},
          {"creationDate", "2024-03-22T08:00:00+07:00"},
          {"epcisBody", {{"eventList", events}}}};
}

json Receiving(const std::string& lot_uri) {
  return {{"type", "ObjectEvent"},
          {"eventTime", "2024-03-22T08:00:00.250+07:00"},
          {"eventTimeZoneOffset", "+07:00"},
          {"action", "OBSERVE"},
          {"bizStep", "receiving"},
          {"disposition", "in_progress"},
          {"quantityList",
           json::array(
               {{{"epcClass", lot_uri}, {"quantity", 20}, {"uom", "KGM"}}})},
          {"readPoint", {{"id", "urn:epc:id:sgln:8935000.00001.0"}}},
          {"sourceList",
           json::array({{{"type", "owning_party"},
                         {"source", "urn:epc:id:pgln:8935000.00009"}}})}};
}

const std::string kGtin = testing::WithCheckDigit("0893500000001");
const std::string kLotUrn = "urn:epc:class:lgtin:8935000.000001.L1";

TEST(CaptureTest, MapsAReceivingEventOntoATraceEvent) {
  auto plan =
      PlanCapture(Document(json::array({Receiving(kLotUrn)})), Permissive());
  ASSERT_TRUE(plan.ok());
  ASSERT_TRUE(plan->problems.empty());
  ASSERT_EQ(plan->events.size(), 1u);
  const CapturedEvent& captured = plan->events[0];
  EXPECT_EQ(captured.pointer, "/epcisBody/eventList/0");
  EXPECT_THAT(captured.hash_id, ::testing::StartsWith("ni:///sha-256;"));
  ASSERT_EQ(captured.entries.size(), 1u);
  const PlannedEntry& entry = captured.entries[0];
  EXPECT_EQ(entry.kind, "event.receiving");
  EXPECT_EQ(entry.batch.gtin(), kGtin);
  EXPECT_EQ(entry.batch.lot(), "L1");
  EXPECT_EQ(entry.time.utc_offset_minutes, 420);
  EXPECT_EQ(FormatRfc3339(entry.time), "2024-03-22T08:00:00+07:00");
  const v1::TraceEvent& event = entry.event;
  EXPECT_EQ(event.business_step(), "receiving");
  EXPECT_EQ(event.disposition(), "in_progress");
  EXPECT_EQ(event.quantity().amount(), 20);
  EXPECT_EQ(event.quantity().unit(), "KGM");
  EXPECT_EQ(event.location().gln(), testing::WithCheckDigit("893500000001"));
  EXPECT_EQ(event.source().gln(), testing::WithCheckDigit("893500000009"));
  EXPECT_EQ(event.epcis_event_id(), captured.hash_id);
  EXPECT_THAT(captured.notes, ::testing::Contains(HasSubstr("fractional")));
  // The Digital Link form of the same lot maps to the same batch and hash.
  auto dl = PlanCapture(Document(json::array({Receiving(
                            "https://example.vn/01/" + kGtin + "/10/L1")})),
                        Permissive());
  EXPECT_EQ(dl->events[0].entries[0].batch.lot(), "L1");
  EXPECT_EQ(dl->events[0].hash_id, captured.hash_id);
}

TEST(CaptureTest, CommissioningOfANewLotCreatesTheBatchFromIlmd) {
  json event = Receiving(kLotUrn);
  event["bizStep"] = "https://ref.gs1.org/cbv/BizStep-commissioning";
  event["action"] = "ADD";
  event["ilmd"] = {{"cbvmda:productionDate", "2024-03-20"},
                   {"cbvmda:itemExpirationDate", "2025-03-20"}};
  CaptureContext context = Permissive();
  context.batch_known = [](const v1::BatchRef&) { return false; };
  auto refused = PlanCapture(Document(json::array({event})), context);
  ASSERT_EQ(refused->problems.size(), 1u);
  EXPECT_EQ(refused->problems[0].code, "unknown-batch");
  EXPECT_EQ(refused->problems[0].event_pointer,
            "/epcisBody/eventList/0/quantityList/0/epcClass");
  context.may_create_batches = true;
  auto plan =
      PlanCapture(Document(json::array({event, Receiving(kLotUrn)})), context);
  ASSERT_TRUE(plan->problems.empty())
      << ProblemToJson(plan->problems[0]).dump();
  ASSERT_EQ(plan->events[0].entries.size(), 2u);
  const PlannedEntry& created = plan->events[0].entries[0];
  EXPECT_EQ(created.kind, "batch.created");
  EXPECT_EQ(created.batch_record.production_date().iso_date(), "2024-03-20");
  EXPECT_EQ(created.batch_record.expiry_date().iso_date(), "2025-03-20");
  EXPECT_EQ(created.batch_record.quantity().amount(), 20);
  EXPECT_EQ(plan->events[0].entries[1].kind, "event.commissioning");
  // The second event finds the batch the first one created.
  ASSERT_EQ(plan->events[1].entries.size(), 1u);
  EXPECT_EQ(plan->events[1].entries[0].kind, "event.receiving");
}

struct BadCase {
  std::string name;
  json document;
  std::string code;
  std::string pointer;
  std::string detail;
};

TEST(CaptureTest, BadInputIsAProblemNamingTheSpot) {
  json wrong_version = Document(json::array({Receiving(kLotUrn)}));
  wrong_version["schemaVersion"] = "1.2";
  json urn = Receiving(kLotUrn);
  urn["bizStep"] = "urn:epcglobal:cbv:bizstep:receiving";
  json urn_disposition = Receiving(kLotUrn);
  urn_disposition["disposition"] = "urn:epcglobal:cbv:disp:in_progress";
  json offsets = Receiving(kLotUrn);
  offsets["eventTimeZoneOffset"] = "+02:00";
  json bare = Receiving(kLotUrn);
  bare["bizStep"] = "harvesting";
  json bad_check = Receiving("https://id.gs1.org/01/08935000000012/10/L1");
  json serial = Receiving(kLotUrn);
  serial.erase("quantityList");
  serial["epcList"] = {"urn:epc:id:sgtin:8935000.000001.S1"};
  json asset = Receiving(kLotUrn);
  asset.erase("quantityList");
  asset["epcList"] = {"urn:epc:id:giai:8935000.X1"};
  const std::vector<BadCase> cases = {
      {"version", wrong_version, "schema-version", "/schemaVersion",
       "set \"schemaVersion\": \"2.0\""},
      {"urn bizStep", Document(json::array({urn})), "urn-cbv-term",
       "/epcisBody/eventList/0/bizStep",
       "\"https://ref.gs1.org/cbv/BizStep-receiving\""},
      {"urn disposition", Document(json::array({urn_disposition})),
       "urn-cbv-term", "/epcisBody/eventList/0/disposition",
       "bare word \"in_progress\""},
      {"offsets", Document(json::array({offsets})), "time-offset",
       "/epcisBody/eventList/0/eventTimeZoneOffset",
       "another offset than eventTimeZoneOffset +02:00"},
      {"bare word", Document(json::array({bare})), "unknown-cbv-term",
       "/epcisBody/eventList/0/bizStep", "'harvesting' is not a CBV 2.0"},
      {"check digit", Document(json::array({bad_check})), "invalid-identifier",
       "/epcisBody/eventList/0/quantityList/0/epcClass", "check digit"},
      {"asset only", Document(json::array({asset})), "no-product-identity",
       "/epcisBody/eventList/0", "urn:epc:id:giai:8935000.X1"},
  };
  for (const BadCase& bad : cases) {
    SCOPED_TRACE(bad.name);
    auto plan = PlanCapture(bad.document, Permissive());
    ASSERT_TRUE(plan.ok());
    ASSERT_EQ(plan->problems.size(), 1u) << ProblemToJson(plan->problems[0]);
    const Problem& problem = plan->problems[0];
    EXPECT_EQ(problem.code, bad.code);
    EXPECT_EQ(problem.event_pointer, bad.pointer);
    EXPECT_THAT(problem.detail, HasSubstr(bad.detail));
    EXPECT_EQ(problem.type, "epcisException:ValidationException");
    EXPECT_EQ(problem.status, 400);
    EXPECT_TRUE(plan->events.empty());
  }
  // Unknown GTIN and unknown labelled unit, through the lookups.
  CaptureContext strict = Permissive();
  strict.product_known = [](const std::string&) { return false; };
  auto unknown =
      PlanCapture(Document(json::array({Receiving(kLotUrn)})), strict);
  ASSERT_EQ(unknown->problems.size(), 1u);
  EXPECT_EQ(unknown->problems[0].code, "unknown-gtin");
  EXPECT_EQ(unknown->problems[0].title, "Unknown GTIN");
  EXPECT_EQ(unknown->problems[0].event_pointer,
            "/epcisBody/eventList/0/quantityList/0/epcClass");
  EXPECT_THAT(unknown->problems[0].detail, HasSubstr("GTIN " + kGtin));
  CaptureContext no_labels = Permissive();
  no_labels.lot_of_serial = nullptr;
  auto unit = PlanCapture(Document(json::array({serial})), no_labels);
  ASSERT_EQ(unit->problems.size(), 1u);
  EXPECT_EQ(unit->problems[0].code, "unknown-serial");
  EXPECT_EQ(unit->problems[0].event_pointer,
            "/epcisBody/eventList/0/epcList/0");
}

TEST(CaptureTest, InvalidJsonNamesTheByte) {
  CaptureContext context = Permissive();
  context.instance = "/epcis/capture/7";
  auto plan = PlanCaptureText(R"({"type": "EPCISDocument", )", context);
  ASSERT_TRUE(plan.ok());
  ASSERT_EQ(plan->problems.size(), 1u);
  EXPECT_EQ(plan->problems[0].code, "invalid-json");
  EXPECT_THAT(plan->problems[0].detail, HasSubstr("syntax error at byte 27"));
  json problem = ProblemToJson(plan->problems[0]);
  EXPECT_EQ(problem["instance"], "/epcis/capture/7");
  EXPECT_EQ(problem["title"], "Invalid JSON");
  EXPECT_EQ(problem["status"], 400);
}

TEST(CaptureTest, RollbackReportsAllProblemsAndPlansNothing) {
  json urn = Receiving(kLotUrn);
  urn["bizStep"] = "urn:epcglobal:cbv:bizstep:receiving";
  json offsets = Receiving(kLotUrn);
  offsets["eventTime"] = "2024-03-22T08:00:00-05:00";
  json document = Document(json::array({Receiving(kLotUrn), urn, offsets}));
  auto rollback = PlanCapture(document, Permissive());
  ASSERT_EQ(rollback->problems.size(), 2u);
  EXPECT_EQ(rollback->problems[0].event_pointer,
            "/epcisBody/eventList/1/bizStep");
  EXPECT_EQ(rollback->problems[1].event_pointer,
            "/epcisBody/eventList/2/eventTimeZoneOffset");
  EXPECT_TRUE(rollback->events.empty());
  CaptureContext proceed = Permissive();
  proceed.error_behaviour = CaptureErrorBehaviour::kProceed;
  auto partial = PlanCapture(document, proceed);
  EXPECT_EQ(partial->problems.size(), 2u);
  ASSERT_EQ(partial->events.size(), 1u);
  EXPECT_EQ(partial->events[0].index, 0u);
}

TEST(CaptureTest, TooManyEventsIsACaptureLimitProblem) {
  CaptureContext context = Permissive();
  context.max_events = 1;
  auto plan = PlanCapture(
      Document(json::array({Receiving(kLotUrn), Receiving(kLotUrn)})), context);
  ASSERT_EQ(plan->problems.size(), 1u);
  EXPECT_EQ(plan->problems[0].status, 413);
  EXPECT_EQ(plan->problems[0].type,
            "epcisException:CaptureLimitExceededException");
}

TEST(CaptureTest, UtcEventTimeWithLocalOffsetIsAccepted) {
  json event = Receiving(kLotUrn);
  event["eventTime"] = "2024-03-22T01:00:00Z";
  auto plan = PlanCapture(Document(json::array({event})), Permissive());
  ASSERT_TRUE(plan->problems.empty());
  EXPECT_EQ(FormatRfc3339(plan->events[0].entries[0].time),
            "2024-03-22T08:00:00+07:00");
}

}  // namespace
}  // namespace ocoptrace::epcis
