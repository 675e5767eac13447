// EPCIS capture through trace::Service: integration keys, the GS1 examples
// captured and re-exported schema-valid, idempotent re-capture, rollback and
// proceed, bad input naming the spot, who may capture what, the EPCIS event
// index through a rebuild, and RecordEvent's EPCIS checks.
#include <set>
#include <string>
#include <vector>

#include "epcis/event_hash.h"
#include "server/trace/epcis_index.h"
#include "server/trace/subjects.h"
#include "tests/epcis/epcis_test_util.h"
#include "tests/server/epcis/epcis_service_test_util.h"

namespace ocoptrace::trace::testing {
namespace {

using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST_F(EpcisServiceTest, IntegrationKeyIsRegisteredAsTheProducersKey) {
  v1::GetKeysRequest request;
  auto keys = service_->GetKeys(Caller{}, request);
  ASSERT_OK(keys);
  bool listed = false;
  for (const std::string& vkey : keys->actors()) {
    listed |= vkey.starts_with(std::string(kIntegrationKeyA) + "+");
  }
  EXPECT_TRUE(listed) << "the integration key is a published actor key";
  // Entries captured with it name it as their signer.
  EnsureBatchA(kGtinA, kLot);
  auto job = Capture(producer_a_,
                     Document(json::array({Receiving(LotUri(kGtinA, kLot))})));
  ASSERT_OK(job);
  ASSERT_TRUE(job->success()) << DescribeProblems(*job);
  auto history = GetHistory(producer_a_, kGtinA, kLot);
  ASSERT_OK(history);
  ASSERT_EQ(history->items_size(), 2);
  EXPECT_EQ(history->items(1).kind(), "event.receiving");
  EXPECT_EQ(history->items(1).signer(), kIntegrationKeyA);
}

TEST_F(EpcisServiceTest, CreateIntegrationKeyRefusals) {
  EXPECT_EQ(CreateIntegrationKey(producer_a_, kPrincipalA).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(CreateIntegrationKey(admin_, "nobody").status().code(),
            absl::StatusCode::kNotFound);
  auto certifier = CreateIntegrationKey(admin_, "ocop.certifier");
  EXPECT_EQ(certifier.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(certifier.status().message(), HasSubstr("role certifier"));
  auto again = CreateIntegrationKey(admin_, kPrincipalA);
  EXPECT_EQ(again.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(again.status().message(), HasSubstr(kIntegrationKeyA));
  // After a revocation the principal gets a fresh key with a new name.
  ASSERT_OK(RevokeKey(admin_, kIntegrationKeyA, "ERP server replaced"));
  auto document = Document(json::array({Receiving(LotUri(kGtinA, kLot))}));
  auto revoked = Capture(producer_a_, document);
  EXPECT_EQ(revoked.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(revoked.status().message(), HasSubstr("was revoked"));
  auto fresh = CreateIntegrationKey(admin_, kPrincipalA);
  ASSERT_OK(fresh);
  EXPECT_THAT(fresh->vkey(),
              ::testing::StartsWith("htx-tai-hoan-app.epcis-2+"));
}

TEST_F(EpcisServiceTest, CaptureNeedsAnIntegrationKeyAndAProducerRole) {
  auto document = Document(json::array({Receiving(LotUri(kGtinB, kLot))}));
  auto no_key = Capture(producer_b_, document);
  EXPECT_EQ(no_key.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(no_key.status().message(),
              HasSubstr("tracectl epcis integration-key htx-yen-duong-app"));
  EXPECT_EQ(Capture(certifier_, document).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(Capture(Caller{}, document).status().code(),
            absl::StatusCode::kUnauthenticated);
}

// The GS1 examples that name product lots or units: captured (units are
// labels this server issued), stored once, re-exported schema-valid with
// their hash IDs.
TEST_F(EpcisServiceTest, Gs1ExamplesCaptureAndReExportSchemaValid) {
  const std::vector<std::string> examples = {
      "Example_9.6.1-ObjectEvent.jsonld",
      "Example_9.6.1-ObjectEventWithDigitalLink.jsonld",
      "EPCISQueryDocument.jsonld",
      "Example_9.6.2-ObjectEvent.jsonld",
      "Example_9.6.3-AggregationEvent.jsonld",
      "Example_9.6.4-TransformationEvent.jsonld",
      "Example_9.6.4-TransformationEventWithDigitalLink.jsonld",
      "PersistentDisposition-example.jsonld",
      "SensorDataExample1.jsonld",
  };
  std::vector<json> documents;
  for (const std::string& file : examples) {
    documents.push_back(CapturableExample(file));
  }
  std::set<std::string> hash_ids;
  std::set<std::pair<std::string, std::string>> touched;
  uint32_t stored = 0;
  for (size_t i = 0; i < examples.size(); ++i) {
    SCOPED_TRACE(examples[i]);
    auto job = Capture(producer_a_, documents[i]);
    ASSERT_OK(job);
    EXPECT_TRUE(job->success()) << DescribeProblems(*job);
    EXPECT_FALSE(job->running());
    EXPECT_EQ(job->events_size(), static_cast<int>(job->event_count()));
    for (const v1::EpcisEventResult& result : job->events()) {
      EXPECT_THAT(result.outcome(),
                  ::testing::AnyOf(v1::EPCIS_EVENT_STORED,
                                   v1::EPCIS_EVENT_ALREADY_STORED));
      hash_ids.insert(result.hash_id());
      for (const v1::EntryReceipt& receipt : result.receipts()) {
        auto subject = ParseSubject(receipt.subject());
        ASSERT_OK(subject);
        touched.emplace(subject->id, subject->lot);
      }
    }
    stored += job->events_stored();
  }
  EXPECT_GE(stored, 8u);
  // The twin documents (URN and Digital Link forms) are the same events:
  // the second capture stores nothing new. Everything again: nothing new.
  const uint64_t size = LogSize();
  for (size_t i = 0; i < examples.size(); ++i) {
    SCOPED_TRACE(examples[i]);
    auto job = Capture(producer_a_, documents[i]);
    ASSERT_OK(job);
    EXPECT_TRUE(job->success()) << DescribeProblems(*job);
    EXPECT_EQ(job->events_stored(), 0u);
    EXPECT_EQ(job->events_already_stored(), job->event_count());
    EXPECT_EQ(job->entries_appended(), 0u);
  }
  EXPECT_EQ(LogSize(), size);
  // Every touched batch re-exports to a schema-valid document (formats
  // checked) that holds the captured events with their hash IDs.
  std::vector<json> exports;
  std::set<std::string> exported_ids;
  for (const auto& [gtin, lot] : touched) {
    auto exported = Export(producer_a_, gtin, lot);
    ASSERT_OK(exported);
    auto ids = epcis::DocumentEventHashIds(*exported);
    ASSERT_OK(ids);
    exported_ids.insert(ids->begin(), ids->end());
    exports.push_back(*exported);
  }
  for (const std::string& id : hash_ids) {
    EXPECT_TRUE(exported_ids.count(id) > 0) << id << " not re-exported";
  }
  auto verdicts = epcis::testing::ValidateWithSchema(
      epcis::testing::EpcisSchemaPath(), exports);
  ASSERT_EQ(verdicts.size(), exports.size());
  for (size_t i = 0; i < verdicts.size(); ++i) {
    EXPECT_TRUE(verdicts[i].valid) << exports[i].dump(1) << "\n"
                                   << verdicts[i].errors;
  }
}

TEST_F(EpcisServiceTest, ExamplesOutsideTheModelAreRefusedAndStoreNothing) {
  struct Case {
    std::string file;
    std::vector<std::string> codes;
  };
  const std::vector<Case> cases = {
      {"AssociationEvent-a.jsonld", {"unsupported-event-type"}},
      {"Example-TransactionEvents-2020_07_03y.jsonld",
       {"unsupported-bizstep", "no-product-identity"}},
      {"Example_9.6.1-ObjectEvent-with-error-declaration.jsonld",
       {"error-declaration"}},
      {"object_event_all_possible_fields.jsonld", {"error-declaration"}},
  };
  for (const Case& refused : cases) {
    SCOPED_TRACE(refused.file);
    json document = CapturableExample(refused.file);
    const uint64_t size = LogSize();
    auto job = Capture(producer_a_, document);
    ASSERT_OK(job);
    EXPECT_FALSE(job->success());
    EXPECT_EQ(ProblemCodes(*job), refused.codes) << DescribeProblems(*job);
    EXPECT_EQ(LogSize(), size);
  }
}

TEST_F(EpcisServiceTest, RollbackStoresNothingProceedStoresTheGoodEvents) {
  EnsureBatchA(kGtinA, kLot);
  json good = Receiving(LotUri(kGtinA, kLot));
  json unknown = Receiving(LotUri("08934563123468", "L9"));  // kGtinA2
  const std::string subject = BatchSubject(kGtinA, kLot);
  const auto before = Footprint(subject);
  auto rollback = Capture(producer_a_, Document(json::array({good, unknown})));
  ASSERT_OK(rollback);
  EXPECT_FALSE(rollback->success());
  EXPECT_THAT(ProblemCodes(*rollback), ElementsAre("unknown-gtin"));
  EXPECT_EQ(rollback->problems(0).event_pointer(),
            "/epcisBody/eventList/1/quantityList/0/epcClass");
  EXPECT_EQ(rollback->problems(0).instance(),
            "/epcis/capture/" + rollback->capture_id());
  ASSERT_EQ(rollback->events_size(), 1);
  EXPECT_EQ(rollback->events(0).outcome(), v1::EPCIS_EVENT_NOT_STORED);
  EXPECT_EQ(Footprint(subject), before) << "a rollback stores nothing";

  auto proceed =
      Capture(producer_a_, Document(json::array({good, unknown})), true);
  ASSERT_OK(proceed);
  EXPECT_FALSE(proceed->success());
  ASSERT_EQ(proceed->events_size(), 1);
  EXPECT_EQ(proceed->events(0).outcome(), v1::EPCIS_EVENT_STORED);
  EXPECT_EQ(proceed->events_stored(), 1u);
  EXPECT_EQ(proceed->entries_appended(), 1u);
  EXPECT_EQ(Footprint(subject).second, before.second + 1);
  // The job is kept for its principal and admins.
  v1::GetCaptureJobRequest get;
  get.set_capture_id(proceed->capture_id());
  auto kept = service_->GetCaptureJob(producer_a_, get);
  ASSERT_OK(kept);
  EXPECT_EQ(kept->events_stored(), 1u);
  EXPECT_OK(service_->GetCaptureJob(admin_, get));
  EXPECT_EQ(service_->GetCaptureJob(producer_b_, get).status().code(),
            absl::StatusCode::kPermissionDenied);
  get.set_capture_id("c0000000000000000");
  EXPECT_EQ(service_->GetCaptureJob(producer_a_, get).status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(EpcisServiceTest, BadInputIsAProblemNamingTheSpotAndStoresNothing) {
  EnsureBatchA(kGtinA, kLot);
  const std::string lot = LotUri(kGtinA, kLot);
  json version = Document(json::array({Receiving(lot)}));
  version["schemaVersion"] = "1.2";
  json urn = Receiving(lot);
  urn["bizStep"] = "urn:epcglobal:cbv:bizstep:receiving";
  json offsets = Receiving(lot);
  offsets["eventTimeZoneOffset"] = "+02:00";
  json future = Receiving(lot, "2024-03-26T09:00:00+07:00");
  struct Case {
    std::string name;
    std::string document;
    std::string code;
    std::string pointer;
  };
  const std::vector<Case> cases = {
      {"invalid JSON", R"({"type": "EPCISDocument", )", "invalid-json", ""},
      {"schema version", version.dump(), "schema-version", "/schemaVersion"},
      {"URN CBV term", Document(json::array({urn})).dump(), "urn-cbv-term",
       "/epcisBody/eventList/0/bizStep"},
      {"unknown GTIN",
       Document(json::array({Receiving(LotUri("08934563123499", "L1"))}))
           .dump(),
       "unknown-gtin", "/epcisBody/eventList/0/quantityList/0/epcClass"},
      {"time offsets", Document(json::array({offsets})).dump(), "time-offset",
       "/epcisBody/eventList/0/eventTimeZoneOffset"},
      {"future", Document(json::array({future})).dump(), "time",
       "/epcisBody/eventList/0/eventTime"},
  };
  const uint64_t size = LogSize();
  for (const Case& bad : cases) {
    SCOPED_TRACE(bad.name);
    auto job = Capture(producer_a_, bad.document);
    ASSERT_OK(job);
    EXPECT_FALSE(job->success());
    ASSERT_EQ(job->problems_size(), 1) << DescribeProblems(*job);
    EXPECT_EQ(job->problems(0).code(), bad.code);
    EXPECT_EQ(job->problems(0).event_pointer(), bad.pointer);
    EXPECT_EQ(job->problems(0).status(), 400);
    EXPECT_EQ(job->problems(0).type(), "epcisException:ValidationException");
    EXPECT_FALSE(job->problems(0).detail().empty());
  }
  EXPECT_EQ(LogSize(), size);
}

TEST_F(EpcisServiceTest, AProducerCapturesOnlyItsOwnBatches) {
  ASSERT_OK(CreateBatch(producer_b_, key_b_, Batch(kGtinB, kLot)));
  ASSERT_OK(CreateIntegrationKey(admin_, "htx-yen-duong-app"));
  const uint64_t size = LogSize();
  auto job = Capture(producer_a_,
                     Document(json::array({Receiving(LotUri(kGtinB, kLot))})));
  ASSERT_OK(job);
  ASSERT_EQ(job->problems_size(), 1) << DescribeProblems(*job);
  EXPECT_EQ(job->problems(0).code(), "permission-denied");
  EXPECT_EQ(job->problems(0).status(), 403);
  EXPECT_EQ(job->problems(0).event_pointer(), "/epcisBody/eventList/0");
  EXPECT_THAT(job->problems(0).detail(), HasSubstr("htx-yen-duong"));
  EXPECT_EQ(LogSize(), size);
  // Producer B's own integration key may.
  auto own = Capture(producer_b_,
                     Document(json::array({Receiving(LotUri(kGtinB, kLot))})));
  ASSERT_OK(own);
  EXPECT_TRUE(own->success()) << DescribeProblems(*own);
}

TEST_F(EpcisServiceTest, CommissioningCreatesTheBatchFromIlmd) {
  json event = Receiving(LotUri(kGtinA, "NEW-1"));
  event["bizStep"] = "commissioning";
  event["action"] = "ADD";
  event["disposition"] = "active";
  event["ilmd"] = {{"cbvmda:productionDate", "2024-03-20"},
                   {"cbvmda:itemExpirationDate", "2025-03-20"}};
  auto job = Capture(producer_a_, Document(json::array({event})));
  ASSERT_OK(job);
  EXPECT_TRUE(job->success()) << DescribeProblems(*job);
  ASSERT_EQ(job->events(0).receipts_size(), 2);
  EXPECT_EQ(job->events(0).receipts(0).kind(), "batch.created");
  EXPECT_EQ(job->events(0).receipts(1).kind(), "event.commissioning");
  v1::GetBatchRequest get;
  get.mutable_batch()->set_gtin(kGtinA);
  get.mutable_batch()->set_lot("NEW-1");
  auto batch = service_->GetBatch(producer_a_, get);
  ASSERT_OK(batch);
  EXPECT_EQ(batch->record().expiry_date().iso_date(), "2025-03-20");
  EXPECT_EQ(batch->producer_id(), kProducerA);
}

TEST_F(EpcisServiceTest, IndexSurvivesARebuildAndKeepsCaptureIdempotent) {
  EnsureBatchA(kGtinA, kLot);
  json event = Receiving(LotUri(kGtinA, kLot));
  event["eventID"] = "urn:uuid:6a5b1d6a-4e4c-4c38-9b51-5d3c3f0e8a11";
  auto first = Capture(producer_a_, Document(json::array({event})));
  ASSERT_OK(first);
  ASSERT_TRUE(first->success()) << DescribeProblems(*first);
  const std::string hash_id = first->events(0).hash_id();
  EXPECT_NE(hash_id, first->events(0).event_id());
  auto digest = service_->DerivedStateDigest();
  ASSERT_OK(digest);
  ASSERT_OK(service_->RebuildState());
  auto rebuilt = service_->DerivedStateDigest();
  ASSERT_OK(rebuilt);
  EXPECT_EQ(*digest, *rebuilt);
  // Found by eventID and by hash ID; the same content under another
  // eventID, or without one, is the same event.
  for (const std::string& id : {first->events(0).event_id(), hash_id}) {
    auto found = FindEpcisEvent(store_->Latest(), id);
    ASSERT_OK(found);
    ASSERT_EQ(found->size(), 1u) << id;
    EXPECT_EQ((*found)[0].subject, BatchSubject(kGtinA, kLot));
    EXPECT_EQ((*found)[0].seq, 1u);
  }
  json renamed = event;
  renamed["eventID"] = "urn:uuid:00000000-0000-4000-8000-000000000000";
  json unnamed = event;
  unnamed.erase("eventID");
  const uint64_t size = LogSize();
  for (const json& again : {event, renamed, unnamed}) {
    auto job = Capture(producer_a_, Document(json::array({again})));
    ASSERT_OK(job);
    EXPECT_TRUE(job->success()) << DescribeProblems(*job);
    EXPECT_EQ(job->events(0).outcome(), v1::EPCIS_EVENT_ALREADY_STORED);
  }
  EXPECT_EQ(LogSize(), size);
}

TEST_F(EpcisServiceTest, RecordEventChecksEpcisFields) {
  EnsureBatchA(kGtinA, kLot);
  v1::TraceEvent native = Event("storing");
  v1::KeyDataElement* kde = native.add_kdes();
  kde->set_name("epcis:event");
  kde->set_value("{}");
  auto refused = RecordEvent(producer_a_, key_a_, native);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(refused.status().message(),
              HasSubstr("kdes[0].name: 'epcis:event' is reserved"));
  // A captured event submitted twice by a client: the second is refused.
  v1::TraceEvent captured = Event("storing");
  captured.set_epcis_event_id("urn:uuid:11111111-2222-4333-8444-555555555555");
  ASSERT_OK(RecordEvent(producer_a_, key_a_, captured));
  auto twice = RecordEvent(producer_a_, key_a_, captured);
  EXPECT_EQ(twice.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(twice.status().message(), HasSubstr("is already stored on"));
}

TEST_F(EpcisServiceTest, PortalExportOfABatchAndOfAProduct) {
  EnsureBatchA(kGtinA, kLot);
  EnsureBatchA(kGtinA, "L2");
  ASSERT_OK(RecordEvent(producer_a_, key_a_, Event("commissioning")));
  v1::ExportPortalRequest request;
  request.mutable_batch()->set_gtin(kGtinA);
  request.mutable_batch()->set_lot(kLot);
  auto one = Await<v1::ExportPortalResponse>([&](auto done) {
    service_->ExportPortal(producer_a_, request, std::move(done));
  });
  ASSERT_OK(one);
  ASSERT_EQ(one->exports_size(), 1);
  json document = json::parse(one->exports(0).document());
  EXPECT_EQ(document["format"], "ocoptrace/portal-export/v1");
  EXPECT_EQ(document["batch"]["traceCode"], LotUri(kGtinA, kLot));
  request.mutable_batch()->clear_lot();
  auto all = Await<v1::ExportPortalResponse>([&](auto done) {
    service_->ExportPortal(producer_a_, request, std::move(done));
  });
  ASSERT_OK(all);
  EXPECT_EQ(all->exports_size(), 2);
  auto other = Await<v1::ExportPortalResponse>([&](auto done) {
    service_->ExportPortal(producer_b_, request, std::move(done));
  });
  EXPECT_EQ(other.status().code(), absl::StatusCode::kPermissionDenied);
  request.mutable_batch()->set_gtin(kGtinB);
  auto none = Await<v1::ExportPortalResponse>([&](auto done) {
    service_->ExportPortal(producer_b_, request, std::move(done));
  });
  EXPECT_EQ(none.status().code(), absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace ocoptrace::trace::testing
