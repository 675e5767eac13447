#include "tests/server/epcis/epcis_service_test_util.h"

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "epcis/gs1_identity.h"
#include "server/trace/kinds.h"
#include "server/trace/subjects.h"

namespace ocoptrace::trace::testing {

using nlohmann::json;

std::string LotUri(const std::string& gtin, const std::string& lot) {
  return absl::StrCat("https://id.gs1.org/01/", gtin, "/10/", lot);
}

std::vector<std::string> ProblemCodes(const v1::EpcisCaptureJob& job) {
  std::vector<std::string> codes;
  for (const v1::EpcisProblem& problem : job.problems()) {
    codes.push_back(problem.code());
  }
  return codes;
}

std::string DescribeProblems(const v1::EpcisCaptureJob& job) {
  std::string text;
  for (const v1::EpcisProblem& problem : job.problems()) {
    absl::StrAppend(&text, problem.code(), " at ", problem.event_pointer(),
                    ": ", problem.detail(), "\n");
  }
  return text;
}

void EpcisServiceTest::SetUp() {
  TraceTest::SetUp();
  SetUpCast();
  auto key = CreateIntegrationKey(admin_, kPrincipalA);
  ASSERT_TRUE(key.ok()) << key.status();
}

absl::StatusOr<v1::CreateIntegrationKeyResponse>
EpcisServiceTest::CreateIntegrationKey(const Caller& caller,
                                       const std::string& principal) {
  v1::CreateIntegrationKeyRequest request;
  request.set_principal(principal);
  return Await<v1::CreateIntegrationKeyResponse>([&](auto done) {
    service_->CreateIntegrationKey(caller, request, std::move(done));
  });
}

absl::StatusOr<v1::EpcisCaptureJob> EpcisServiceTest::Capture(
    const Caller& caller, const std::string& document, bool proceed) {
  v1::CaptureEpcisRequest request;
  request.set_document(document);
  request.set_error_behaviour(proceed ? v1::EPCIS_CAPTURE_PROCEED
                                      : v1::EPCIS_CAPTURE_ROLLBACK);
  absl::StatusOr<v1::CaptureEpcisResponse> response =
      Await<v1::CaptureEpcisResponse>([&](auto done) {
        service_->CaptureEpcis(caller, request, std::move(done));
      });
  if (!response.ok()) return response.status();
  return response->job();
}

absl::StatusOr<json> EpcisServiceTest::Export(const Caller& caller,
                                              const std::string& gtin,
                                              const std::string& lot) {
  v1::ExportEpcisRequest request;
  request.mutable_batch()->set_gtin(gtin);
  request.mutable_batch()->set_lot(lot);
  absl::StatusOr<v1::ExportEpcisResponse> response =
      Await<v1::ExportEpcisResponse>([&](auto done) {
        service_->ExportEpcis(caller, request, std::move(done));
      });
  if (!response.ok()) return response.status();
  return json::parse(response->document());
}

absl::StatusOr<EpcisEventPage> EpcisServiceTest::Query(
    const Caller& caller,
    const std::vector<std::pair<std::string, std::string>>& parameters) {
  absl::StatusOr<EpcisEventQuery> query = ParseEpcisEventQuery(parameters);
  if (!query.ok()) return query.status();
  return Await<EpcisEventPage>([&](auto done) {
    service_->QueryEpcisEvents(caller, *query, std::move(done));
  });
}

void EpcisServiceTest::EnsureProductA(const std::string& gtin) {
  if (!products_.insert(gtin).second) return;
  if (gtin == kGtinA) return;
  ASSERT_OK(RegisterProduct(producer_a_, key_a_, Product(gtin, kProducerA)));
}

void EpcisServiceTest::EnsureBatchA(const std::string& gtin,
                                    const std::string& lot) {
  EnsureProductA(gtin);
  if (!batches_.emplace(gtin, lot).second) return;
  ASSERT_OK(CreateBatch(producer_a_, key_a_, Batch(gtin, lot)));
}

std::vector<std::string> EpcisServiceTest::IssueLabels(const std::string& gtin,
                                                       const std::string& lot,
                                                       uint32_t count) {
  EnsureBatchA(gtin, lot);
  v1::IssueLabelsRequest request;
  request.mutable_batch()->set_gtin(gtin);
  request.mutable_batch()->set_lot(lot);
  request.set_count(count);
  absl::StatusOr<IssuedLabels> issued = Await<IssuedLabels>([&](auto done) {
    service_->IssueLabels(producer_a_, request, std::move(done));
  });
  EXPECT_TRUE(issued.ok()) << issued.status();
  std::vector<std::string> serials;
  if (!issued.ok()) return serials;
  for (const PrintableLabel& label : issued->labels) {
    serials.push_back(label.serial);
  }
  return serials;
}

json EpcisServiceTest::CapturableExample(const std::string& file) {
  std::ifstream in(std::string(OCOPTRACE_TEST_DATA_DIR) + "/epcis/" + file);
  std::stringstream text;
  text << in.rdbuf();
  json document = json::parse(text.str());
  json* events = nullptr;
  if (document["epcisBody"].contains("eventList")) {
    events = &document["epcisBody"]["eventList"];
  } else {
    events = &document["epcisBody"]["queryResults"]["resultsBody"]["eventList"];
  }
  // Walks every string value of the events, rewriting unit serials.
  std::function<void(json&)> visit = [&](json& value) {
    if (value.is_array() || value.is_object()) {
      for (json& member : value) visit(member);
      return;
    }
    if (!value.is_string()) return;
    const std::string text = value.get<std::string>();
    absl::StatusOr<epcis::Gs1Identity> identity = epcis::ReadGs1Identity(text);
    if (!identity.ok()) return;
    using Kind = epcis::Gs1Identity::Kind;
    if (identity->kind == Kind::kGtinOnly) EnsureProductA(identity->gtin);
    if (identity->kind == Kind::kLot && identity->serial.empty()) {
      EnsureBatchA(identity->gtin, identity->lot);
    }
    if (identity->kind != Kind::kSerial || !text.ends_with(identity->serial)) {
      return;
    }
    const auto unit = std::make_pair(identity->gtin, identity->serial);
    if (unit_serials_.count(unit) == 0) {
      std::vector<std::string>& spare = spare_serials_[identity->gtin];
      if (spare.empty()) spare = IssueLabels(identity->gtin, "UNITS", 20);
      unit_serials_[unit] = spare.back();
      spare.pop_back();
    }
    value = text.substr(0, text.size() - identity->serial.size()) +
            unit_serials_[unit];
  };
  visit(*events);
  return document;
}

json EpcisServiceTest::Document(json events) {
  return {{"@context", json::array({kEpcisContext})},
          {"type", "EPCISDocument"},
          {"schemaVersion", "2.0"},
          {"creationDate", "2024-03-25T02:00:00Z"},
          {"epcisBody", {{"eventList", std::move(events)}}}};
}

json EpcisServiceTest::Receiving(const std::string& epc_class,
                                 const std::string& time, double quantity) {
  return {
      {"type", "ObjectEvent"},
      {"eventTime", time},
      {"eventTimeZoneOffset", "+07:00"},
      {"action", "OBSERVE"},
      {"bizStep", "receiving"},
      {"disposition", "in_progress"},
      {"quantityList", json::array({{{"epcClass", epc_class},
                                     {"quantity", quantity},
                                     {"uom", "KGM"}}})},
      {"readPoint", {{"id", absl::StrCat("https://id.gs1.org/414/", kGlnA)}}},
      {"bizLocation", {{"id", absl::StrCat("https://id.gs1.org/414/", kGlnA)}}},
      {"sourceList",
       json::array(
           {{{"type", "owning_party"},
             {"source", absl::StrCat("https://id.gs1.org/417/", kGlnA)}}})}};
}

}  // namespace ocoptrace::trace::testing
