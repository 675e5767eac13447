// EPCIS 2.0 event queries (GET /epcis/events; docs/epcis.md, "Queries"):
// the query parameters ocoptrace supports, their parsing from the REST
// binding's URL parameters, and the match of one exported event.
//
// Supported parameters (EPCIS 2.0 section 8.2.7.1, REST binding): eventType,
// EQ_bizStep, GE_eventTime, LT_eventTime, MATCH_anyEPCClass, EQ_eventID,
// perPage and nextPageToken. List values are separated by '|'. Any other
// parameter is refused with a QueryParameterException naming it.
//
// Thread-safety: plain values and pure functions.

#ifndef OCOPTRACE_SERVER_TRACE_EPCIS_QUERY_H_
#define OCOPTRACE_SERVER_TRACE_EPCIS_QUERY_H_

#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace ocoptrace::trace {

struct EpcisEventQuery {
  // eventType: ObjectEvent, TransformationEvent, ...
  std::vector<std::string> event_types;
  // EQ_bizStep: bare CBV words ("shipping"), CBV Web URIs or other URIs.
  std::vector<std::string> biz_steps;
  // GE_eventTime / LT_eventTime.
  std::optional<absl::Time> ge_event_time;
  std::optional<absl::Time> lt_event_time;
  // MATCH_anyEPCClass: EPC class URIs (urn:epc:class:lgtin:...), EPC
  // patterns (urn:epc:idpat:sgtin:<company>.<item>.*) or GS1 Digital Link
  // URIs of a lot (/01/<GTIN>/10/<lot>) or of a product (/01/<GTIN>: any
  // lot of it).
  std::vector<std::string> any_epc_classes;
  // EQ_eventID.
  std::vector<std::string> event_ids;
  // perPage: 1 to kMaxPerPage.
  size_t per_page = 30;
  // nextPageToken from the previous page; "" for the first page.
  std::string page_token;
};

inline constexpr size_t kMaxEpcisPerPage = 1000;

// One page of results.
struct EpcisEventPage {
  // An EPCISQueryDocument (JSON text) holding the page's events.
  std::string document;
  size_t event_count = 0;
  // Pass as nextPageToken for the next page; "" on the last page.
  std::string next_page_token;
};

// Parses the URL query parameters (names and values already
// percent-decoded). InvalidArgument naming the parameter, e.g. "GE_eventTime:
// 'yesterday' is not an RFC 3339 date-time with offset", or "EQ_action:
// not supported by this server; supported: ...".
absl::StatusOr<EpcisEventQuery> ParseEpcisEventQuery(
    const std::vector<std::pair<std::string, std::string>>& parameters);

// True when the exported `event` (a JSON object, as text is not needed:
// see the .cc) satisfies every condition of `query` except paging.
class EpcisEventMatcher {
 public:
  explicit EpcisEventMatcher(const EpcisEventQuery& query);
  // `event_json` is one event of an exported document.
  template <typename Json>
  bool Matches(const Json& event_json) const;

  const EpcisEventQuery& query() const { return query_; }

 private:
  bool MatchesType(const std::string& type) const;
  bool MatchesBizStep(const std::string* biz_step) const;
  bool MatchesTime(const std::string* event_time) const;
  bool MatchesClasses(const std::vector<std::string>& classes) const;
  bool MatchesId(const std::string* event_id) const;

  EpcisEventQuery query_;
  std::vector<std::string> steps_;    // Bare words or URIs, normalised.
  std::vector<std::string> classes_;  // Canonical Digital Link URIs.
};

template <typename Json>
bool EpcisEventMatcher::Matches(const Json& event) const {
  auto text = [&event](const char* key) -> const std::string* {
    auto it = event.find(key);
    return it != event.end() && it->is_string()
               ? &it->template get_ref<const std::string&>()
               : nullptr;
  };
  const std::string* type = text("type");
  if (!MatchesType(type != nullptr ? *type : std::string())) return false;
  if (!MatchesBizStep(text("bizStep"))) return false;
  if (!MatchesTime(text("eventTime"))) return false;
  if (!MatchesId(text("eventID"))) return false;
  if (!query_.any_epc_classes.empty()) {
    std::vector<std::string> classes;
    for (const char* list : {"quantityList", "childQuantityList",
                             "inputQuantityList", "outputQuantityList"}) {
      auto it = event.find(list);
      if (it == event.end() || !it->is_array()) continue;
      for (const auto& element : *it) {
        if (!element.is_object()) continue;
        auto epc_class = element.find("epcClass");
        if (epc_class != element.end() && epc_class->is_string()) {
          classes.push_back(epc_class->template get<std::string>());
        }
      }
    }
    if (!MatchesClasses(classes)) return false;
  }
  return true;
}

}  // namespace ocoptrace::trace

#endif  // OCOPTRACE_SERVER_TRACE_EPCIS_QUERY_H_
