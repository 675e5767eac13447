// Test harness for EPCIS over trace::Service: the trace test cast (producers
// A and B, their principals and keys, products kGtinA and kGtinB) plus an
// integration key for producer A's principal, blocking wrappers for the
// EPCIS methods, small EPCIS documents, and the GS1 example documents made
// capturable by this server (their GTINs registered, their lots created,
// their unit serials replaced by labels this server issued).
#ifndef OCOPTRACE_TESTS_SERVER_EPCIS_EPCIS_SERVICE_TEST_UTIL_H_
#define OCOPTRACE_TESTS_SERVER_EPCIS_EPCIS_SERVICE_TEST_UTIL_H_

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "nlohmann/json.hpp"
#include "tests/server/trace/trace_test_util.h"

namespace ocoptrace::trace::testing {

// Producer A's principal (TraceTest::SetUpCast) and its integration key.
inline constexpr char kPrincipalA[] = "htx-tai-hoan-app";
inline constexpr char kIntegrationKeyA[] = "htx-tai-hoan-app.epcis-1";
inline constexpr char kEpcisContext[] =
    "https://ref.gs1.org/standards/epcis/epcis-context.jsonld";

class EpcisServiceTest : public TraceTest {
 protected:
  void SetUp() override;

  absl::StatusOr<v1::CreateIntegrationKeyResponse> CreateIntegrationKey(
      const Caller& caller, const std::string& principal);
  // Captures and waits for the job to finish.
  absl::StatusOr<v1::EpcisCaptureJob> Capture(const Caller& caller,
                                              const std::string& document,
                                              bool proceed = false);
  absl::StatusOr<v1::EpcisCaptureJob> Capture(const Caller& caller,
                                              const nlohmann::json& document,
                                              bool proceed = false) {
    return Capture(caller, document.dump(), proceed);
  }
  absl::StatusOr<nlohmann::json> Export(const Caller& caller,
                                        const std::string& gtin,
                                        const std::string& lot);
  absl::StatusOr<EpcisEventPage> Query(
      const Caller& caller,
      const std::vector<std::pair<std::string, std::string>>& parameters);

  // Registers `gtin` as a product of producer A (once).
  void EnsureProductA(const std::string& gtin);
  // Creates batch gtin/lot of producer A (once), produced 2024-03-01.
  void EnsureBatchA(const std::string& gtin, const std::string& lot);
  // Issues `count` labels on gtin/lot; returns their serials.
  std::vector<std::string> IssueLabels(const std::string& gtin,
                                       const std::string& lot, uint32_t count);

  // The GS1 example document `file` (tests/data/epcis) made capturable for
  // producer A: every GTIN it names registered, every lot created, every
  // unit serial replaced by a label issued on lot "UNITS" of its GTIN (the
  // same serial for the same unit in every document).
  nlohmann::json CapturableExample(const std::string& file);

  // A minimal EPCISDocument around `events`.
  static nlohmann::json Document(nlohmann::json events);
  // A receiving ObjectEvent of `quantity` KGM of `epc_class` at producer A's
  // GLN at `time` (+07:00).
  static nlohmann::json Receiving(
      const std::string& epc_class,
      const std::string& time = "2024-03-22T08:00:00+07:00",
      double quantity = 20);

  // Entries in the whole log.
  uint64_t LogSize() { return service_->ledger().size(); }

  std::set<std::string> products_;
  std::set<std::pair<std::string, std::string>> batches_;
  std::map<std::pair<std::string, std::string>, std::string> unit_serials_;
  std::map<std::string, std::vector<std::string>> spare_serials_;
};

// "https://id.gs1.org/01/<gtin>/10/<lot>".
std::string LotUri(const std::string& gtin, const std::string& lot);

// The codes of the job's problems, in order.
std::vector<std::string> ProblemCodes(const v1::EpcisCaptureJob& job);
std::string DescribeProblems(const v1::EpcisCaptureJob& job);

}  // namespace ocoptrace::trace::testing

#endif  // OCOPTRACE_TESTS_SERVER_EPCIS_EPCIS_SERVICE_TEST_UTIL_H_
