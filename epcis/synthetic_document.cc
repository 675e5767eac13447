#include "epcis/synthetic_document.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/gs1.h"
#include "core/timestamp.h"
#include "epcis/cbv_vocabulary.h"

namespace ocoptrace::epcis {
namespace {

using nlohmann::json;

std::string WithCheckDigit(const std::string& digits) {
  return digits + static_cast<char>('0' + ::ocoptrace::Gs1CheckDigit(digits));
}

}  // namespace

std::string SyntheticGtin(int i) {
  return WithCheckDigit(absl::StrFormat("0893500%06d", 100 + i));
}

json SyntheticEpcisDocument(size_t count) {
  constexpr const char* kSteps[] = {"commissioning", "receiving", "storing",
                                    "shipping"};
  constexpr const char* kDispositions[] = {"active", "in_progress",
                                           "sellable_accessible", "in_transit"};
  json events = json::array();
  const int64_t start = 1711065600;  // 2024-03-22T00:00:00Z
  for (size_t i = 0; i < count; ++i) {
    const int product = static_cast<int>(i % 10);
    const int step = static_cast<int>((i / 10) % 4);
    const std::string gtin = SyntheticGtin(product);
    const std::string lot = absl::StrCat("L", i / 40);
    const std::string gln =
        WithCheckDigit(absl::StrFormat("8935000%05d", step));
    const std::string party = WithCheckDigit("893500099999");
    const std::string lot_id =
        i % 2 == 0
            ? absl::StrCat("https://id.gs1.org/01/", gtin, "/10/", lot)
            : absl::StrCat("urn:epc:class:lgtin:8935000.", gtin.substr(0, 1),
                           gtin.substr(8, 5), ".", lot);
    const Timestamp time{start + static_cast<int64_t>(i) * 60, 420};
    json event = {
        {"type", "ObjectEvent"},
        {"eventTime", FormatRfc3339(time)},
        {"eventTimeZoneOffset", "+07:00"},
        {"action", step == 0 ? "ADD" : "OBSERVE"},
        {"bizStep", kSteps[step]},
        {"disposition", kDispositions[step]},
        {"quantityList",
         json::array({{{"epcClass", lot_id},
                       {"quantity", 10 + static_cast<int>(i % 7)},
                       {"uom", "KGM"}}})},
        {"readPoint", {{"id", absl::StrCat("https://id.gs1.org/414/", gln)}}},
    };
    if (step != 3) {
      event["bizLocation"] = {
          {"id", absl::StrCat("https://id.gs1.org/414/", gln)}};
    }
    if (step == 0) {
      event["ilmd"] = {{"cbvmda:lotNumber", lot},
                       {"cbvmda:productionDate", "2024-03-20"},
                       {"cbvmda:countryOfOrigin", "VN"}};
    }
    if (step == 1) {
      event["sourceList"] = json::array(
          {{{"type", "owning_party"},
            {"source", absl::StrCat("https://id.gs1.org/417/", party)}}});
    }
    if (step == 3) {
      event["destinationList"] = json::array(
          {{{"type", "owning_party"},
            {"destination", absl::StrCat("https://id.gs1.org/417/", party)}}});
    }
    events.push_back(std::move(event));
  }
  return {{"@context", json::array({kEpcisContextUrl})},
          {"type", "EPCISDocument"},
          {"schemaVersion", "2.0"},
          {"creationDate", "2024-03-22T00:00:00Z"},
          {"epcisBody", {{"eventList", std::move(events)}}}};
}

}  // namespace ocoptrace::epcis
