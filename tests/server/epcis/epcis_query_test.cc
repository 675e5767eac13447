// GET /epcis/events through trace::Service: filters (eventType,
// EQ_bizStep, GE_/LT_eventTime, MATCH_anyEPCClass, EQ_eventID), paging,
// who sees what, events about several lots reported once, bad parameters.
#include <set>
#include <string>
#include <vector>

#include "tests/epcis/epcis_test_util.h"
#include "tests/server/epcis/epcis_service_test_util.h"

namespace ocoptrace::trace::testing {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

class EpcisQueryTest : public EpcisServiceTest {
 protected:
  void SetUp() override {
    EpcisServiceTest::SetUp();
    EnsureBatchA(kGtinA, kLot);
    EnsureBatchA(kGtinA, "L2");
    EnsureBatchA(kGtinA2, "M1");
    // Native events (clock: 2024-03-25 09:00 +07:00).
    ASSERT_OK(RecordEvent(producer_a_, key_a_, Event("commissioning")));
    clock_.Advance(absl::Hours(1));
    ASSERT_OK(RecordEvent(producer_a_, key_a_, Event("storing"), kGtinA, "L2"));
    // Captured events: receiving of L1 (22 March), and one receiving of
    // both L2 and M1 (23 March).
    json both = Receiving(LotUri(kGtinA, "L2"), "2024-03-23T08:00:00+07:00");
    both["quantityList"].push_back(
        {{"epcClass", LotUri(kGtinA2, "M1")}, {"quantity", 5}, {"uom", "KGM"}});
    auto job =
        Capture(producer_a_,
                Document(json::array({Receiving(LotUri(kGtinA, kLot)), both})));
    ASSERT_OK(job);
    ASSERT_TRUE(job->success()) << DescribeProblems(*job);
    receiving_l1_ = job->events(0).event_id();
    receiving_both_ = job->events(1).event_id();
  }

  // The events of one page (the caller must be allowed).
  std::vector<json> Events(
      const Caller& caller,
      std::vector<std::pair<std::string, std::string>> parameters,
      std::string* next = nullptr) {
    auto page = Query(caller, parameters);
    EXPECT_TRUE(page.ok()) << page.status();
    if (!page.ok()) return {};
    json document = json::parse(page->document);
    EXPECT_EQ(document["type"], "EPCISQueryDocument");
    std::vector<json> events;
    for (const json& event :
         document["epcisBody"]["queryResults"]["resultsBody"]["eventList"]) {
      events.push_back(event);
    }
    EXPECT_EQ(events.size(), page->event_count);
    if (next != nullptr) *next = page->next_page_token;
    return events;
  }

  static std::vector<std::string> Ids(const std::vector<json>& events) {
    std::vector<std::string> ids;
    for (const json& event : events) ids.push_back(event["eventID"]);
    return ids;
  }

  static std::set<std::string> Steps(const std::vector<json>& events) {
    std::set<std::string> steps;
    for (const json& event : events) steps.insert(event.value("bizStep", ""));
    return steps;
  }

  static constexpr char kGtinA2[] = "08934563123468";
  std::string receiving_l1_;
  std::string receiving_both_;
};

TEST_F(EpcisQueryTest, AllEventsOnceWithASchemaValidDocument) {
  auto page = Query(inspector_, {{"perPage", "1000"}});
  ASSERT_OK(page);
  // 3 batch creations, 2 native events, 2 captured events (the one about
  // L2 and M1 once).
  EXPECT_EQ(page->event_count, 7u);
  EXPECT_TRUE(page->next_page_token.empty());
  const std::vector<std::string> ids = Ids(Events(inspector_, {}));
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), ids.size());
  EXPECT_EQ(std::count(ids.begin(), ids.end(), receiving_both_), 1);
  auto verdicts = epcis::testing::ValidateWithSchema(
      epcis::testing::EpcisSchemaPath(), {json::parse(page->document)});
  ASSERT_EQ(verdicts.size(), 1u);
  EXPECT_TRUE(verdicts[0].valid) << verdicts[0].errors;
}

TEST_F(EpcisQueryTest, FiltersByBizStepTimeClassAndEventId) {
  EXPECT_EQ(Steps(Events(producer_a_, {{"EQ_bizStep", "receiving"}})),
            std::set<std::string>({"receiving"}));
  EXPECT_EQ(Events(producer_a_, {{"EQ_bizStep", "receiving"}}).size(), 2u);
  EXPECT_EQ(Events(producer_a_,
                   {{"EQ_bizStep",
                     "https://ref.gs1.org/cbv/BizStep-storing|commissioning"}})
                .size(),
            2u);
  EXPECT_EQ(Steps(Events(producer_a_, {{"eventType", "ObjectEvent"},
                                       {"EQ_bizStep", "shipping"}})),
            std::set<std::string>());
  // 22 March 08:00 and 23 March 08:00 (+07:00); the rest on 25 March.
  EXPECT_EQ(
      Ids(Events(producer_a_, {{"GE_eventTime", "2024-03-22T00:00:00+07:00"},
                               {"LT_eventTime", "2024-03-23T08:00:00+07:00"}})),
      std::vector<std::string>({receiving_l1_}));
  EXPECT_EQ(
      Events(producer_a_, {{"GE_eventTime", "2024-03-23T01:00:00Z"}}).size(),
      6u);
  // A lot, in Digital Link and EPC URN form, and a whole product.
  const std::vector<json> m1 =
      Events(producer_a_, {{"MATCH_anyEPCClass", LotUri(kGtinA2, "M1")}});
  EXPECT_EQ(Ids(m1).size(), 2u) << "M1's creation and the shared receiving";
  EXPECT_EQ(
      Ids(Events(producer_a_, {{"MATCH_anyEPCClass",
                                "urn:epc:class:lgtin:8934563.012346.M1"}})),
      Ids(m1));
  EXPECT_EQ(
      Events(producer_a_, {{"MATCH_anyEPCClass",
                            "https://id.gs1.org/01/" + std::string(kGtinA)}})
          .size(),
      6u);
  EXPECT_EQ(Ids(Events(producer_a_, {{"EQ_eventID", receiving_l1_}})),
            std::vector<std::string>({receiving_l1_}));
  // A native event's eventID is its hash ID as exported.
  auto exported = Export(producer_a_, kGtinA, "L2");
  ASSERT_OK(exported);
  const std::string storing =
      (*exported)["epcisBody"]["eventList"][1]["eventID"];
  EXPECT_EQ(Ids(Events(producer_a_, {{"EQ_eventID", storing}})),
            std::vector<std::string>({storing}));
}

TEST_F(EpcisQueryTest, PagesCoverEverythingOnceInOrder) {
  const std::vector<std::string> all = Ids(Events(admin_, {}));
  ASSERT_EQ(all.size(), 7u);
  std::vector<std::string> paged;
  std::string token;
  int pages = 0;
  do {
    std::vector<std::pair<std::string, std::string>> parameters = {
        {"perPage", "2"}};
    if (!token.empty()) parameters.push_back({"nextPageToken", token});
    std::vector<json> events = Events(admin_, parameters, &token);
    EXPECT_LE(events.size(), 2u);
    for (const std::string& id : Ids(events)) paged.push_back(id);
    ASSERT_LT(++pages, 10);
  } while (!token.empty());
  EXPECT_EQ(pages, 4);
  EXPECT_EQ(paged, all);
  // A page filter and paging together.
  std::string next;
  EXPECT_EQ(
      Events(admin_, {{"EQ_bizStep", "receiving"}, {"perPage", "1"}}, &next)
          .size(),
      1u);
  ASSERT_FALSE(next.empty());
  EXPECT_EQ(Events(admin_,
                   {{"EQ_bizStep", "receiving"},
                    {"perPage", "1"},
                    {"nextPageToken", next}},
                   &next)
                .size(),
            1u);
  EXPECT_TRUE(next.empty());
}

TEST_F(EpcisQueryTest, ProducersSeeOnlyTheirOwnBatches) {
  EXPECT_TRUE(Events(producer_b_, {}).empty());
  EXPECT_EQ(Events(certifier_, {}).size(), 7u);
  auto anonymous = Query(Caller{}, {});
  EXPECT_EQ(anonymous.status().code(), absl::StatusCode::kUnauthenticated);
}

TEST_F(EpcisQueryTest, BadParametersNameTheParameter) {
  struct Case {
    std::string name;
    std::string value;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"EQ_action", "ADD", "EQ_action: not supported by this server"},
      {"GE_eventTime", "yesterday", "GE_eventTime: 'yesterday' is not an RFC"},
      {"LT_eventTime", "2024-03-22T08:00:00", "LT_eventTime"},
      {"perPage", "0", "perPage: '0' must be a number from 1 to 1000"},
      {"EQ_bizStep", "urn:epcglobal:cbv:bizstep:shipping", "EQ_bizStep"},
      {"MATCH_anyEPCClass", "lot-7", "MATCH_anyEPCClass: 'lot-7'"},
      {"nextPageToken", "bm9wZQ", "nextPageToken: not a token"},
  };
  for (const Case& bad : cases) {
    SCOPED_TRACE(bad.name);
    auto page = Query(admin_, {{bad.name, bad.value}});
    EXPECT_EQ(page.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(page.status().message(), HasSubstr(bad.message));
  }
}

}  // namespace
}  // namespace ocoptrace::trace::testing
