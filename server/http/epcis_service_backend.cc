#include "server/http/epcis_service_backend.h"

#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "nlohmann/json.hpp"
#include "server/trace/epcis_query.h"

namespace ocoptrace::http {
namespace {

namespace v1 = ::ocoptrace::v1;
using nlohmann::json;

constexpr char kSingleEventPointer[] = "/epcisBody/eventList/0";

std::string_view OutcomeName(v1::EpcisEventOutcome outcome) {
  switch (outcome) {
    case v1::EPCIS_EVENT_STORED:
      return "stored";
    case v1::EPCIS_EVENT_ALREADY_STORED:
      return "already-stored";
    case v1::EPCIS_EVENT_NOT_STORED:
      return "not-stored";
    case v1::EPCIS_EVENT_PARTLY_STORED:
      return "partly-stored";
    default:
      return "pending";
  }
}

// `strip` is removed from the front of the event pointer (single events).
json ProblemJson(const v1::EpcisProblem& problem, std::string_view strip = "") {
  std::string pointer = problem.event_pointer();
  if (!strip.empty() && std::string_view(pointer).starts_with(strip)) {
    pointer.erase(0, strip.size());
  }
  json out = {{"type", problem.type()},     {"title", problem.title()},
              {"status", problem.status()}, {"detail", problem.detail()},
              {"eventPointer", pointer},    {"code", problem.code()}};
  if (!problem.instance().empty()) out["instance"] = problem.instance();
  return out;
}

// The first problem, with every problem under "errors".
std::string RejectionJson(const v1::EpcisCaptureJob& job,
                          std::string_view strip = "") {
  json first = ProblemJson(job.problems(0), strip);
  json all = json::array();
  for (const v1::EpcisProblem& problem : job.problems()) {
    all.push_back(ProblemJson(problem, strip));
  }
  first["errors"] = std::move(all);
  first["captureID"] = job.capture_id();
  return first.dump();
}

}  // namespace

std::string CaptureJobJson(const v1::EpcisCaptureJob& job) {
  json errors = json::array();
  for (const v1::EpcisProblem& problem : job.problems()) {
    errors.push_back(ProblemJson(problem));
  }
  json events = json::array();
  for (const v1::EpcisEventResult& result : job.events()) {
    json entries = json::array();
    for (const v1::EntryReceipt& receipt : result.receipts()) {
      entries.push_back({{"index", receipt.index()},
                         {"subject", receipt.subject()},
                         {"seq", receipt.seq()},
                         {"kind", receipt.kind()}});
    }
    json event = {{"index", result.index()},
                  {"pointer", result.pointer()},
                  {"eventID", result.event_id()},
                  {"hashID", result.hash_id()},
                  {"outcome", std::string(OutcomeName(result.outcome()))},
                  {"entries", std::move(entries)}};
    if (result.notes_size() > 0) {
      event["notes"] = json(std::vector<std::string>(result.notes().begin(),
                                                     result.notes().end()));
    }
    events.push_back(std::move(event));
  }
  json out = {
      {"captureID", job.capture_id()},
      {"createdAt", job.created_at()},
      {"running", job.running()},
      {"success", job.success()},
      {"captureErrorBehaviour",
       job.error_behaviour() == v1::EPCIS_CAPTURE_PROCEED ? "proceed"
                                                          : "rollback"},
      {"errors", std::move(errors)},
      {"principal", job.principal()},
      {"eventCount", job.event_count()},
      {"eventsStored", job.events_stored()},
      {"eventsAlreadyStored", job.events_already_stored()},
      {"entriesAppended", job.entries_appended()},
      {"events", std::move(events)},
  };
  if (!job.finished_at().empty()) out["finishedAt"] = job.finished_at();
  return out.dump();
}

void EpcisServiceBackend::Capture(
    std::string_view bearer_token, std::string document, bool proceed,
    std::function<void(absl::StatusOr<CaptureStarted>)> done) {
  absl::StatusOr<trace::Caller> caller = service_.Authenticate(bearer_token);
  if (!caller.ok()) return done(caller.status());
  auto shared_done =
      std::make_shared<std::function<void(absl::StatusOr<CaptureStarted>)>>(
          std::move(done));
  const v1::EpcisCaptureErrorBehaviour behaviour =
      proceed ? v1::EPCIS_CAPTURE_PROCEED : v1::EPCIS_CAPTURE_ROLLBACK;
  absl::StatusOr<v1::EpcisCaptureJob> job = service_.StartEpcisCapture(
      *caller, std::move(document), behaviour,
      [shared_done, behaviour](const v1::EpcisCaptureJob& planned) {
        CaptureStarted started;
        started.capture_id = planned.capture_id();
        started.job_json = CaptureJobJson(planned);
        if (planned.problems_size() > 0 &&
            behaviour == v1::EPCIS_CAPTURE_ROLLBACK) {
          started.rejected = true;
          started.status = planned.problems(0).status();
          started.problem_json = RejectionJson(planned);
        }
        (*shared_done)(std::move(started));
      },
      nullptr);
  if (!job.ok()) (*shared_done)(job.status());
}

absl::StatusOr<std::string> EpcisServiceBackend::CaptureJob(
    std::string_view bearer_token, std::string_view capture_id) {
  absl::StatusOr<trace::Caller> caller = service_.Authenticate(bearer_token);
  if (!caller.ok()) return caller.status();
  v1::GetCaptureJobRequest request;
  request.set_capture_id(std::string(capture_id));
  absl::StatusOr<v1::EpcisCaptureJob> job =
      service_.GetCaptureJob(*caller, request);
  if (!job.ok()) return job.status();
  return CaptureJobJson(*job);
}

void EpcisServiceBackend::CaptureEvent(
    std::string_view bearer_token, std::string event_text,
    std::function<void(absl::StatusOr<EventCaptured>)> done) {
  absl::StatusOr<trace::Caller> caller = service_.Authenticate(bearer_token);
  if (!caller.ok()) return done(caller.status());
  json event = json::parse(event_text, nullptr, /*allow_exceptions=*/false);
  if (!event.is_object()) {
    EventCaptured rejected;
    json problem = {
        {"type", "epcisException:ValidationException"},
        {"title", event.is_discarded() ? "Invalid JSON" : "Not an event"},
        {"status", 400},
        {"detail", event.is_discarded()
                       ? "the request body is not valid JSON; send one "
                         "EPCIS 2.0 event as a JSON object"
                       : "send one EPCIS 2.0 event as a JSON object (use "
                         "/epcis/capture for documents)"},
        {"eventPointer", ""},
        {"code", event.is_discarded() ? "invalid-json" : "invalid-event"}};
    rejected.problem_json = problem.dump();
    return done(rejected);
  }
  json context =
      json::array({"https://ref.gs1.org/standards/epcis/"
                   "epcis-context.jsonld"});
  if (auto it = event.find("@context"); it != event.end()) {
    context = *it;
    event.erase(it);
  }
  const json document = {
      {"@context", context},
      {"type", "EPCISDocument"},
      {"schemaVersion", "2.0"},
      {"creationDate", absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::Now(),
                                        absl::UTCTimeZone())},
      {"epcisBody", {{"eventList", json::array({std::move(event)})}}}};
  auto shared_done =
      std::make_shared<std::function<void(absl::StatusOr<EventCaptured>)>>(
          std::move(done));
  absl::StatusOr<v1::EpcisCaptureJob> job = service_.StartEpcisCapture(
      *caller, document.dump(), v1::EPCIS_CAPTURE_ROLLBACK, nullptr,
      [shared_done](const v1::EpcisCaptureJob& finished) {
        EventCaptured captured;
        if (finished.events_size() == 1 && finished.problems().empty()) {
          const v1::EpcisEventResult& result = finished.events(0);
          captured.event_id = result.event_id();
          if (result.outcome() == v1::EPCIS_EVENT_STORED) {
            captured.outcome = EventCaptured::Outcome::kCreated;
          } else if (result.outcome() == v1::EPCIS_EVENT_ALREADY_STORED) {
            captured.outcome = EventCaptured::Outcome::kAlreadyStored;
          }
        }
        if (captured.outcome == EventCaptured::Outcome::kRejected) {
          if (finished.problems().empty()) {
            v1::EpcisCaptureJob copy = finished;
            v1::EpcisProblem* problem = copy.add_problems();
            problem->set_type("epcisException:ImplementationException");
            problem->set_title("Not stored");
            problem->set_status(500);
            problem->set_detail("the event was not stored; see the job");
            problem->set_code("internal");
            captured.status = 500;
            captured.problem_json = RejectionJson(copy, kSingleEventPointer);
          } else {
            captured.status = finished.problems(0).status();
            captured.problem_json =
                RejectionJson(finished, kSingleEventPointer);
          }
        }
        (*shared_done)(std::move(captured));
      });
  if (!job.ok()) (*shared_done)(job.status());
}

void EpcisServiceBackend::QueryEvents(
    std::string_view bearer_token,
    std::vector<std::pair<std::string, std::string>> parameters,
    std::function<void(absl::StatusOr<EventsPage>)> done) {
  absl::StatusOr<trace::Caller> caller = service_.Authenticate(bearer_token);
  if (!caller.ok()) return done(caller.status());
  absl::StatusOr<trace::EpcisEventQuery> query =
      trace::ParseEpcisEventQuery(parameters);
  if (!query.ok()) return done(query.status());
  service_.QueryEpcisEvents(
      *caller, *std::move(query),
      [done = std::move(done)](absl::StatusOr<trace::EpcisEventPage> page) {
        if (!page.ok()) return done(page.status());
        EventsPage out;
        out.document = std::move(page->document);
        out.event_count = page->event_count;
        out.next_page_token = std::move(page->next_page_token);
        done(std::move(out));
      });
}

}  // namespace ocoptrace::http
