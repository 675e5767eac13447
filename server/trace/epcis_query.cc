#include "server/trace/epcis_query.h"

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "epcis/cbv_vocabulary.h"
#include "epcis/gs1_uri.h"

namespace ocoptrace::trace {
namespace {

constexpr const char* kSupported[] = {
    "eventType",         "EQ_bizStep", "GE_eventTime", "LT_eventTime",
    "MATCH_anyEPCClass", "EQ_eventID", "perPage",      "nextPageToken"};

std::vector<std::string> SplitList(const std::string& value) {
  std::vector<std::string> out;
  for (absl::string_view part : absl::StrSplit(value, '|')) {
    if (!part.empty()) out.emplace_back(part);
  }
  return out;
}

absl::StatusOr<absl::Time> ParseQueryTime(const std::string& name,
                                          const std::string& value) {
  absl::Time time;
  std::string error;
  // RFC 3339 with an offset ("Z" or ±hh:mm), fractional seconds allowed.
  const bool has_offset =
      !value.empty() &&
      (value.back() == 'Z' || value.back() == 'z' ||
       (value.size() > 6 &&
        (value[value.size() - 6] == '+' || value[value.size() - 6] == '-')));
  if (!has_offset ||
      !absl::ParseTime(absl::RFC3339_full, value, &time, &error)) {
    return absl::InvalidArgumentError(
        absl::StrCat(name, ": '", value,
                     "' is not an RFC 3339 date-time with offset; e.g. "
                     "2024-03-25T00:00:00.000+07:00"));
  }
  return time;
}

// The bare word of a CBV bizStep (bare or Web URI); other URIs unchanged.
std::string NormaliseStep(const std::string& value) {
  epcis::CbvTerm term =
      epcis::ClassifyCbvTerm(epcis::CbvVocabulary::kBizStep, value);
  if (term.form == epcis::CbvTermForm::kBareWord ||
      term.form == epcis::CbvTermForm::kWebUri) {
    return term.word;
  }
  return value;
}

}  // namespace

absl::StatusOr<EpcisEventQuery> ParseEpcisEventQuery(
    const std::vector<std::pair<std::string, std::string>>& parameters) {
  EpcisEventQuery query;
  for (const auto& [name, value] : parameters) {
    if (name == "eventType") {
      query.event_types = SplitList(value);
    } else if (name == "EQ_bizStep") {
      for (const std::string& step : SplitList(value)) {
        epcis::CbvTerm term =
            epcis::ClassifyCbvTerm(epcis::CbvVocabulary::kBizStep, step);
        if (term.form == epcis::CbvTermForm::kUnknown ||
            term.form == epcis::CbvTermForm::kUrn) {
          return absl::InvalidArgumentError(absl::StrCat(
              "EQ_bizStep: '", step,
              "' is neither a CBV 2.0 bare word (e.g. shipping) nor a URI"));
        }
        query.biz_steps.push_back(step);
      }
    } else if (name == "GE_eventTime" || name == "LT_eventTime") {
      absl::StatusOr<absl::Time> time = ParseQueryTime(name, value);
      if (!time.ok()) return time.status();
      (name == "GE_eventTime" ? query.ge_event_time : query.lt_event_time) =
          *time;
    } else if (name == "MATCH_anyEPCClass") {
      for (const std::string& uri : SplitList(value)) {
        if (!epcis::NormaliseGs1Uri(uri).has_value()) {
          return absl::InvalidArgumentError(absl::StrCat(
              "MATCH_anyEPCClass: '", uri,
              "' is not an EPC class or pattern URI or a GS1 Digital Link "
              "URI; e.g. https://id.gs1.org/01/08934563123451/10/L1 or "
              "urn:epc:class:lgtin:8934563.012345.L1"));
        }
        query.any_epc_classes.push_back(uri);
      }
    } else if (name == "EQ_eventID") {
      query.event_ids = SplitList(value);
    } else if (name == "perPage") {
      uint64_t per_page = 0;
      if (!absl::SimpleAtoi(value, &per_page) || per_page == 0 ||
          per_page > kMaxEpcisPerPage) {
        return absl::InvalidArgumentError(
            absl::StrCat("perPage: '", value, "' must be a number from 1 to ",
                         kMaxEpcisPerPage));
      }
      query.per_page = per_page;
    } else if (name == "nextPageToken") {
      query.page_token = value;
    } else {
      return absl::InvalidArgumentError(absl::StrCat(
          name, ": not supported by this server; supported parameters: ",
          absl::StrJoin(kSupported, ", ")));
    }
  }
  return query;
}

EpcisEventMatcher::EpcisEventMatcher(const EpcisEventQuery& query)
    : query_(query) {
  for (const std::string& step : query_.biz_steps) {
    steps_.push_back(NormaliseStep(step));
  }
  for (const std::string& uri : query_.any_epc_classes) {
    std::optional<std::string> canonical = epcis::NormaliseGs1Uri(uri);
    classes_.push_back(canonical.value_or(uri));
  }
}

bool EpcisEventMatcher::MatchesType(const std::string& type) const {
  return query_.event_types.empty() ||
         std::find(query_.event_types.begin(), query_.event_types.end(),
                   type) != query_.event_types.end();
}

bool EpcisEventMatcher::MatchesBizStep(const std::string* biz_step) const {
  if (steps_.empty()) return true;
  if (biz_step == nullptr) return false;
  return std::find(steps_.begin(), steps_.end(), NormaliseStep(*biz_step)) !=
         steps_.end();
}

bool EpcisEventMatcher::MatchesTime(const std::string* event_time) const {
  if (!query_.ge_event_time && !query_.lt_event_time) return true;
  if (event_time == nullptr) return false;
  absl::Time time;
  std::string error;
  if (!absl::ParseTime(absl::RFC3339_full, *event_time, &time, &error)) {
    return false;
  }
  if (query_.ge_event_time && time < *query_.ge_event_time) return false;
  if (query_.lt_event_time && time >= *query_.lt_event_time) return false;
  return true;
}

bool EpcisEventMatcher::MatchesClasses(
    const std::vector<std::string>& classes) const {
  for (const std::string& value : classes) {
    const std::string canonical = epcis::NormaliseGs1Uri(value).value_or(value);
    for (const std::string& wanted : classes_) {
      // A product-level URI (/01/<GTIN>, or an EPC pattern) matches every
      // lot of the product.
      if (canonical == wanted ||
          (canonical.starts_with(wanted) &&
           canonical.compare(wanted.size(), 1, "/") == 0)) {
        return true;
      }
    }
  }
  return false;
}

bool EpcisEventMatcher::MatchesId(const std::string* event_id) const {
  if (query_.event_ids.empty()) return true;
  return event_id != nullptr &&
         std::find(query_.event_ids.begin(), query_.event_ids.end(),
                   *event_id) != query_.event_ids.end();
}

}  // namespace ocoptrace::trace
