// The EPCIS 2.0 REST endpoints (GS1 EPCIS 2.0 REST binding,
// tests/data/epcis/openapi.yaml) under /epcis, for other systems:
//
//   POST /epcis/capture             a document -> 202 + Location of the
//                                   capture job; 400/413 problem+json when
//                                   nothing will be stored (rollback)
//   GET  /epcis/capture/<id>        the capture job: running, success,
//                                   errors (RFC 7807 problems), per event
//   POST /epcis/events              one event -> 201 + Location, 409 when it
//                                   is stored already, 400 problem+json
//   GET  /epcis/events              EPCISQueryDocument; eventType,
//                                   EQ_bizStep, GE_/LT_eventTime,
//                                   MATCH_anyEPCClass, EQ_eventID, perPage,
//                                   nextPageToken (Link: rel="next")
//   GET  /epcis/events/<eventID>    one event (its eventID percent-encoded)
//   OPTIONS /epcis/capture          the capture settings (GS1-* headers)
//
// Every request needs `Authorization: Bearer <token>` (the gRPC tokens).
// Errors are application/problem+json with the binding's exception types.
// Capture bodies may be up to kEpcisMaxBodyBytes; the HTTP server must be
// told (EpcisBodyLimit) since its default limit is small.
//
// The endpoints talk to the application through EpcisBackend (implemented
// over trace::Service by epcis_service_backend.h), so this file stays free
// of server/trace.
//
// Thread-safety: the handlers are thread-safe if the backend is.

#ifndef OCOPTRACE_SERVER_HTTP_EPCIS_ENDPOINTS_H_
#define OCOPTRACE_SERVER_HTTP_EPCIS_ENDPOINTS_H_

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "server/http/http_server.h"
#include "server/http/router.h"

namespace ocoptrace::http {

// Largest capture body: a 10 000-event document is about 4.4 MB.
inline constexpr size_t kEpcisMaxBodyBytes = 16 << 20;
// At most this many events per capture (GS1-EPCIS-Capture-Limit).
inline constexpr size_t kEpcisCaptureLimit = 10000;

// The body limit for a request: kEpcisMaxBodyBytes for POST /epcis/capture
// and POST /epcis/events, `default_limit` otherwise.
size_t EpcisBodyLimit(std::string_view method, std::string_view path,
                      size_t default_limit);

// The application side of the endpoints. Every method authenticates
// `bearer_token` itself (Unauthenticated when unknown) and reports errors as
// absl::Status values whose code the endpoints map to HTTP (InvalidArgument
// 400, Unauthenticated 401, PermissionDenied and FailedPrecondition 403,
// NotFound 404, ResourceExhausted 429, Unavailable 503, others 500).
// Callbacks may run on any thread, exactly once.
class EpcisBackend {
 public:
  virtual ~EpcisBackend() = default;

  struct CaptureStarted {
    std::string capture_id;
    // The capture job as the REST binding's CaptureJob JSON.
    std::string job_json;
    // The document has problems and nothing will be stored (rollback):
    // `status` (400, or 413 for too many events) and `problem_json`, the
    // first problem with all of them under "errors".
    bool rejected = false;
    int status = 202;
    std::string problem_json;
  };
  // Starts capturing `document`; `done` runs once it has been checked.
  virtual void Capture(
      std::string_view bearer_token, std::string document, bool proceed,
      std::function<void(absl::StatusOr<CaptureStarted>)> done) = 0;

  // The job JSON of capture `capture_id`.
  virtual absl::StatusOr<std::string> CaptureJob(
      std::string_view bearer_token, std::string_view capture_id) = 0;

  struct EventCaptured {
    enum class Outcome { kCreated, kAlreadyStored, kRejected };
    Outcome outcome = Outcome::kRejected;
    std::string event_id;  // kCreated, kAlreadyStored.
    // kRejected: the HTTP status and the problem (pointers relative to the
    // event, e.g. "/bizStep").
    int status = 400;
    std::string problem_json;
  };
  // Captures one event (a JSON object, optionally with its own @context);
  // `done` runs when it is stored or refused.
  virtual void CaptureEvent(
      std::string_view bearer_token, std::string event,
      std::function<void(absl::StatusOr<EventCaptured>)> done) = 0;

  struct EventsPage {
    std::string document;  // EPCISQueryDocument JSON.
    size_t event_count = 0;
    std::string next_page_token;  // "" on the last page.
  };
  // One page of events; `parameters` are the URL's, percent-decoded.
  // InvalidArgument names the parameter.
  virtual void QueryEvents(
      std::string_view bearer_token,
      std::vector<std::pair<std::string, std::string>> parameters,
      std::function<void(absl::StatusOr<EventsPage>)> done) = 0;
};

// Registers the routes above on `router`. `backend` must outlive it.
void AddEpcisRoutes(Router& router, EpcisBackend* backend);

}  // namespace ocoptrace::http

#endif  // OCOPTRACE_SERVER_HTTP_EPCIS_ENDPOINTS_H_
