// Document-level capture: JSON, document type, schema version, @context,
// ignoreFields, the event list and its size; then each event (capture_
// event.cc) and the rollback rule.
#include "epcis/capture.h"

#include <algorithm>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "epcis/capture_internal.h"
#include "epcis/cbv_vocabulary.h"
#include "epcis/jsonld_context.h"

namespace ocoptrace::epcis {
namespace {

using capture_internal::DocumentInfo;
using capture_internal::MakeProblem;
using nlohmann::json;

constexpr std::string_view kDefaultSteps[] = {
    "accepting",      "arriving",     "commissioning", "decommissioning",
    "departing",      "destroying",   "holding",       "inspecting",
    "loading",        "packing",      "receiving",     "repackaging",
    "retail_selling", "sampling",     "shipping",      "stocking",
    "storing",        "transforming", "transporting",  "unloading",
    "unpacking",
};

struct Title {
  std::string_view code;
  std::string_view title;
};
constexpr Title kTitles[] = {
    {"invalid-json", "Invalid JSON"},
    {"not-a-document", "Not an EPCIS document"},
    {"schema-version", "Unsupported schema version"},
    {"context", "Unsupported @context"},
    {"no-event-list", "No event list"},
    {"capture-limit", "Too many events"},
    {"invalid-event", "Invalid event"},
    {"unsupported-event-type", "Event type outside ocoptrace's model"},
    {"error-declaration", "Error declarations are not supported"},
    {"time", "Invalid event time"},
    {"time-offset", "Mismatched time offsets"},
    {"urn-cbv-term", "URN-form CBV term"},
    {"unknown-cbv-term", "Unknown CBV term"},
    {"unsupported-bizstep", "Business step outside ocoptrace's model"},
    {"invalid-identifier", "Invalid GS1 identifier"},
    {"unknown-gtin", "Unknown GTIN"},
    {"unknown-serial", "Unknown labelled unit"},
    {"unknown-batch", "Unknown batch"},
    {"no-product-identity", "No product lot to trace"},
    {"batch-data", "Incomplete batch data"},
    {"event-too-large", "Event too large"},
};

std::string_view TitleOf(std::string_view code) {
  for (const Title& title : kTitles) {
    if (title.code == code) return title.title;
  }
  return "Invalid EPCIS document";
}

void CollectPrefixes(const json& context, json* prefixes) {
  if (context.is_array()) {
    for (const json& entry : context) CollectPrefixes(entry, prefixes);
    return;
  }
  if (!context.is_object()) return;
  for (const auto& [key, value] : context.items()) {
    if (key.empty() || key[0] == '@' || key.find(':') != std::string::npos) {
      continue;
    }
    if (value.is_string()) {
      (*prefixes)[key] = value;
    } else if (value.is_object() && value.contains("@id") &&
               value["@id"].is_string()) {
      (*prefixes)[key] = value["@id"];
    }
  }
}

void CollectIgnored(const json& object, std::vector<std::string>* fields) {
  if (!object.is_object()) return;
  for (const auto& [key, value] : object.items()) {
    if (key != "ignoreFields" && !key.ends_with(":ignoreFields")) continue;
    const json list = value.is_array() ? value : json::array({value});
    for (const json& field : list) {
      if (field.is_string()) fields->push_back(field.get<std::string>());
    }
  }
}

}  // namespace

bool IsDefaultAcceptedStep(std::string_view step) {
  return std::find(std::begin(kDefaultSteps), std::end(kDefaultSteps), step) !=
         std::end(kDefaultSteps);
}

json ProblemToJson(const Problem& problem) {
  json out = {{"type", problem.type},
              {"title", problem.title},
              {"status", problem.status},
              {"detail", problem.detail},
              {"eventPointer", problem.event_pointer},
              {"code", problem.code}};
  if (!problem.instance.empty()) out["instance"] = problem.instance;
  return out;
}

namespace capture_internal {

Problem MakeProblem(const std::string& code, const std::string& pointer,
                    const std::string& detail, const std::string& instance) {
  Problem problem;
  problem.type = "epcisException:ValidationException";
  problem.title = std::string(TitleOf(code));
  problem.status = 400;
  if (code == "capture-limit") {
    problem.type = "epcisException:CaptureLimitExceededException";
    problem.status = 413;
  }
  problem.detail = detail;
  problem.instance = instance;
  problem.event_pointer = pointer;
  problem.code = code;
  return problem;
}

absl::StatusOr<bool> PlanState::ProductKnown(const std::string& gtin) {
  if (auto it = products_.find(gtin); it != products_.end()) return it->second;
  bool known = false;
  if (context_.product_known) {
    absl::StatusOr<bool> answer = context_.product_known(gtin);
    if (!answer.ok()) return answer.status();
    known = *answer;
  }
  products_[gtin] = known;
  return known;
}

absl::StatusOr<bool> PlanState::BatchKnown(const v1::BatchRef& batch) {
  const auto key = std::make_pair(batch.gtin(), batch.lot());
  if (auto it = batches_.find(key); it != batches_.end()) return it->second;
  bool known = false;
  if (context_.batch_known) {
    absl::StatusOr<bool> answer = context_.batch_known(batch);
    if (!answer.ok()) return answer.status();
    known = *answer;
  }
  batches_[key] = known;
  return known;
}

void PlanState::MarkCreated(const v1::BatchRef& batch) {
  batches_[std::make_pair(batch.gtin(), batch.lot())] = true;
}

absl::StatusOr<std::optional<std::string>> PlanState::LotOfSerial(
    const std::string& gtin, const std::string& serial) {
  if (!context_.lot_of_serial) return std::nullopt;
  return context_.lot_of_serial(gtin, serial);
}

bool PlanState::StepAccepted(std::string_view step) const {
  return context_.step_accepted ? context_.step_accepted(step)
                                : IsDefaultAcceptedStep(step);
}

}  // namespace capture_internal

absl::StatusOr<CapturePlan> PlanCaptureText(std::string_view text,
                                            const CaptureContext& context) {
  json document = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded()) {
    // Parse again, with exceptions, for the error's byte offset.
    size_t offset = 0;
    try {
      json again = json::parse(text);
      offset = again.size();  // Not reached: the text is invalid.
    } catch (const json::parse_error& error) {
      offset = error.byte;
    }
    CapturePlan plan;
    plan.problems.push_back(MakeProblem(
        "invalid-json", "",
        absl::StrCat("the request body is not valid JSON (syntax error at "
                     "byte ",
                     offset,
                     "); send an EPCIS 2.0 JSON-LD document (EPCISDocument "
                     "or EPCISQueryDocument)"),
        context.instance));
    return plan;
  }
  return PlanCapture(document, context);
}

absl::StatusOr<CapturePlan> PlanCapture(const json& document,
                                        const CaptureContext& context) {
  CapturePlan plan;
  auto fail = [&](const std::string& code, const std::string& pointer,
                  const std::string& detail) {
    plan.problems.push_back(
        MakeProblem(code, pointer, detail, context.instance));
    return plan;
  };
  if (!document.is_object()) {
    return fail("not-a-document", "",
                absl::StrCat("expected a JSON object (an EPCISDocument), got ",
                             document.type_name()));
  }
  const json type = document.value("type", json());
  if (type != "EPCISDocument" && type != "EPCISQueryDocument") {
    return fail("not-a-document", "/type",
                absl::StrCat("type is ", type.dump(),
                             "; use \"EPCISDocument\" or "
                             "\"EPCISQueryDocument\""));
  }
  const json version = document.value("schemaVersion", json());
  if (version != "2.0") {
    return fail("schema-version", "/schemaVersion",
                absl::StrCat("schemaVersion is ", version.dump(),
                             "; ocoptrace captures EPCIS 2.0 JSON-LD only: "
                             "set \"schemaVersion\": \"2.0\" (EPCIS 1.x "
                             "documents must be converted first)"));
  }
  DocumentInfo info;
  info.context = document.value("@context", json());
  if (absl::StatusOr<JsonLdContext> parsed =
          JsonLdContext::FromJson(info.context);
      !parsed.ok()) {
    return fail("context", "/@context",
                absl::StrCat(parsed.status().message(),
                             "; name the EPCIS 2.0 context "
                             "https://ref.gs1.org/standards/epcis/"
                             "epcis-context.jsonld and define your prefixes "
                             "inline"));
  }
  CollectPrefixes(info.context, &info.inline_prefixes);
  info.ocop_bound =
      info.inline_prefixes.value(kOcopPrefix, json()) == kOcopNamespace;
  CollectIgnored(document, &info.ignored_fields);

  const json* events = nullptr;
  std::string list_pointer;
  const json body = document.value("epcisBody", json());
  if (body.is_object() && body.contains("eventList")) {
    events = &document["epcisBody"]["eventList"];
    list_pointer = "/epcisBody/eventList";
  } else if (body.is_object() && body.contains("queryResults") &&
             body["queryResults"].is_object()) {
    const json& results = document["epcisBody"]["queryResults"];
    CollectIgnored(results, &info.ignored_fields);
    if (results.contains("resultsBody") && results["resultsBody"].is_object() &&
        results["resultsBody"].contains("eventList")) {
      events = &results["resultsBody"]["eventList"];
      list_pointer = "/epcisBody/queryResults/resultsBody/eventList";
    }
  }
  if (events == nullptr || !events->is_array()) {
    return fail("no-event-list", "/epcisBody",
                "put the events in an array at epcisBody.eventList (or "
                "epcisBody.queryResults.resultsBody.eventList)");
  }
  info.hash_options.ignored_fields = info.ignored_fields;
  plan.event_count = events->size();
  if (events->size() > context.max_events) {
    return fail("capture-limit", list_pointer,
                absl::StrCat("the document has ", events->size(),
                             " events; this server captures at most ",
                             context.max_events, " per document: split it"));
  }

  capture_internal::PlanState state(context);
  for (size_t i = 0; i < events->size(); ++i) {
    CapturedEvent captured;
    const std::string pointer = absl::StrCat(list_pointer, "/", i);
    absl::Status status = capture_internal::MapEvent(
        (*events)[i], i, pointer, info, &state, &captured, &plan.problems);
    if (!status.ok()) return status;
    if (!captured.entries.empty() || captured.hash_id.size() > 0) {
      plan.events.push_back(std::move(captured));
    }
  }
  // Events that had problems carry no entries; drop them, and everything
  // on rollback.
  std::erase_if(plan.events, [&](const CapturedEvent& event) {
    for (const Problem& problem : plan.problems) {
      if (problem.event_pointer == event.pointer ||
          problem.event_pointer.starts_with(event.pointer + "/")) {
        return true;
      }
    }
    return false;
  });
  if (!plan.problems.empty() &&
      context.error_behaviour == CaptureErrorBehaviour::kRollback) {
    plan.events.clear();
  }
  return plan;
}

}  // namespace ocoptrace::epcis
