#include "server/http/epcis_endpoints.h"

#include <algorithm>
#include <memory>
#include <optional>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"
#include "server/http/query.h"

namespace ocoptrace::http {
namespace {

using nlohmann::json;

constexpr std::string_view kCapturePath = "/epcis/capture";
constexpr std::string_view kEventsPath = "/epcis/events";

void AddEpcisHeaders(Response& response) {
  response.AddHeader("GS1-EPCIS-Version", "2.0.0");
  response.AddHeader("GS1-CBV-Version", "2.0.0");
  response.AddHeader("Cache-Control", "no-store");
}

Response JsonResponse(int status, std::string body) {
  Response response;
  response.status = status;
  response.content_type = "application/json";
  response.body = std::move(body);
  AddEpcisHeaders(response);
  return response;
}

Response ProblemResponse(int status, std::string_view type,
                         std::string_view title, std::string_view detail,
                         std::string_view instance) {
  json problem = {{"type", std::string(type)},
                  {"title", std::string(title)},
                  {"status", status},
                  {"detail", std::string(detail)},
                  {"instance", std::string(instance)}};
  Response response = JsonResponse(status, problem.dump());
  response.content_type = "application/problem+json";
  if (status == 401) {
    response.AddHeader("WWW-Authenticate", "Bearer realm=\"ocoptrace\"");
  }
  return response;
}

// The problem for an error of the backend. `query` makes InvalidArgument a
// QueryParameterException.
Response StatusProblem(const absl::Status& status, std::string_view instance,
                       bool query = false) {
  int code = 500;
  const char* type = "epcisException:ImplementationException";
  const char* title = "Server error";
  switch (status.code()) {
    case absl::StatusCode::kInvalidArgument:
      code = 400;
      type = query ? "epcisException:QueryParameterException"
                   : "epcisException:ValidationException";
      title = query ? "Invalid query parameter" : "Invalid request";
      break;
    case absl::StatusCode::kUnauthenticated:
      code = 401;
      type = "epcisException:SecurityException";
      title = "Authentication required";
      break;
    case absl::StatusCode::kPermissionDenied:
    case absl::StatusCode::kFailedPrecondition:
      code = 403;
      type = "epcisException:SecurityException";
      title = "Not allowed";
      break;
    case absl::StatusCode::kNotFound:
      code = 404;
      type = "epcisException:NoSuchResourceException";
      title = "Not found";
      break;
    case absl::StatusCode::kAlreadyExists:
      code = 409;
      type = "epcisException:ResourceAlreadyExistsException";
      title = "Already exists";
      break;
    case absl::StatusCode::kResourceExhausted:
      code = 429;
      title = "Too many capture jobs";
      break;
    case absl::StatusCode::kUnavailable:
      code = 503;
      title = "Unavailable";
      break;
    default:
      break;
  }
  return ProblemResponse(code, type, title, std::string(status.message()),
                         instance);
}

// The bearer token of `request`, "" when there is none.
std::string_view BearerToken(const Request& request) {
  std::string_view value = request.Header("authorization");
  constexpr std::string_view kScheme = "bearer ";
  if (value.size() <= kScheme.size() ||
      absl::AsciiStrToLower(std::string(value.substr(0, kScheme.size()))) !=
          kScheme) {
    return "";
  }
  value.remove_prefix(kScheme.size());
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  return value;
}

std::optional<Response> RequireToken(const Request& request) {
  if (!BearerToken(request).empty()) return std::nullopt;
  return ProblemResponse(
      401, "epcisException:SecurityException", "Authentication required",
      "send the header `Authorization: Bearer <token>` with the token of "
      "an ocoptrace principal (the same token as for the gRPC API)",
      request.path);
}

// Unsupported media type unless the body is JSON (or no type is given).
std::optional<Response> RequireJson(const Request& request) {
  std::string type =
      absl::AsciiStrToLower(std::string(request.Header("content-type")));
  type = type.substr(0, type.find(';'));
  absl::StripAsciiWhitespace(&type);
  if (type.empty() || type == "application/json" ||
      type == "application/ld+json") {
    return std::nullopt;
  }
  return ProblemResponse(
      415, "epcisException:ValidationException", "Unsupported media type",
      absl::StrCat("the body is ", type,
                   "; send EPCIS 2.0 JSON-LD as "
                   "application/json or application/ld+json"),
      request.path);
}

std::string EventLocation(std::string_view event_id) {
  return std::string(kEventsPath) + "/" + EncodeQueryComponent(event_id);
}

void HandleCapture(EpcisBackend* backend, Request request, Respond respond) {
  if (auto refusal = RequireToken(request)) return respond(*refusal);
  if (auto refusal = RequireJson(request)) return respond(*refusal);
  std::string behaviour = absl::AsciiStrToLower(
      std::string(request.Header("gs1-capture-error-behaviour")));
  if (!behaviour.empty() && behaviour != "rollback" && behaviour != "proceed") {
    return respond(ProblemResponse(
        400, "epcisException:ValidationException", "Invalid header",
        absl::StrCat("GS1-Capture-Error-Behaviour: '", behaviour,
                     "'; use rollback (the default) or proceed"),
        request.path));
  }
  const std::string instance = request.path;
  backend->Capture(
      BearerToken(request), std::move(request.body), behaviour == "proceed",
      [respond,
       instance](absl::StatusOr<EpcisBackend::CaptureStarted> started) {
        if (!started.ok())
          return respond(StatusProblem(started.status(), instance));
        const std::string location =
            std::string(kCapturePath) + "/" + started->capture_id;
        Response response;
        if (started->rejected) {
          response = JsonResponse(started->status, started->problem_json);
          response.content_type = "application/problem+json";
        } else {
          response = JsonResponse(202, started->job_json);
        }
        response.AddHeader("Location", location);
        respond(std::move(response));
      });
}

void HandleCaptureJob(EpcisBackend* backend, Request request, Respond respond) {
  if (auto refusal = RequireToken(request)) return respond(*refusal);
  const std::string id = PercentDecode(
      std::string_view(request.path).substr(kCapturePath.size() + 1), false);
  absl::StatusOr<std::string> job =
      backend->CaptureJob(BearerToken(request), id);
  if (!job.ok()) return respond(StatusProblem(job.status(), request.path));
  respond(JsonResponse(200, *std::move(job)));
}

void HandleCaptureOptions(Request, Respond respond) {
  Response response;
  response.status = 204;
  response.AddHeader("Allow", "POST, OPTIONS");
  response.AddHeader("GS1-Capture-Error-Behaviour", "all");
  response.AddHeader("GS1-EPCIS-Capture-Limit",
                     std::to_string(kEpcisCaptureLimit));
  response.AddHeader("GS1-EPCIS-Capture-File-Size-Limit",
                     std::to_string(kEpcisMaxBodyBytes));
  AddEpcisHeaders(response);
  respond(std::move(response));
}

void HandleEventCapture(EpcisBackend* backend, Request request,
                        Respond respond) {
  if (auto refusal = RequireToken(request)) return respond(*refusal);
  if (auto refusal = RequireJson(request)) return respond(*refusal);
  auto echo = std::make_shared<std::string>(request.body);
  const std::string instance = request.path;
  backend->CaptureEvent(
      BearerToken(request), std::move(request.body),
      [respond, echo,
       instance](absl::StatusOr<EpcisBackend::EventCaptured> captured) {
        using Outcome = EpcisBackend::EventCaptured::Outcome;
        if (!captured.ok()) {
          return respond(StatusProblem(captured.status(), instance));
        }
        switch (captured->outcome) {
          case Outcome::kCreated: {
            Response response = JsonResponse(201, std::move(*echo));
            response.AddHeader("Location", EventLocation(captured->event_id));
            return respond(std::move(response));
          }
          case Outcome::kAlreadyStored: {
            Response response = ProblemResponse(
                409, "epcisException:ResourceAlreadyExistsException",
                "A resource with the provided identifier already exists.",
                absl::StrCat("event ", captured->event_id,
                             " is stored already (same eventID or CBV 2.0 "
                             "event hash ID); nothing new was stored"),
                instance);
            response.AddHeader("Location", EventLocation(captured->event_id));
            return respond(std::move(response));
          }
          case Outcome::kRejected: {
            Response response =
                JsonResponse(captured->status, captured->problem_json);
            response.content_type = "application/problem+json";
            return respond(std::move(response));
          }
        }
      });
}

// The URL of the next page: this request's parameters with the new token.
std::string NextPageLink(const QueryParams& parameters,
                         const std::string& token) {
  std::string query;
  for (const auto& [name, value] : parameters) {
    if (name == "nextPageToken") continue;
    absl::StrAppend(&query, query.empty() ? "" : "&",
                    EncodeQueryComponent(name), "=",
                    EncodeQueryComponent(value));
  }
  absl::StrAppend(&query, query.empty() ? "" : "&",
                  "nextPageToken=", EncodeQueryComponent(token));
  return absl::StrCat("<", std::string(kEventsPath), "?", query,
                      ">; rel=\"next\"");
}

void HandleEventsQuery(EpcisBackend* backend, Request request,
                       Respond respond) {
  if (auto refusal = RequireToken(request)) return respond(*refusal);
  QueryParams parameters = ParseQuery(request.query);
  for (auto& [name, value] : parameters) {
    // A '+' of an offset that the client did not encode reads as a space.
    if (name == "GE_eventTime" || name == "LT_eventTime") {
      for (char& c : value) c = c == ' ' ? '+' : c;
    }
  }
  const std::string instance = request.target;
  backend->QueryEvents(
      BearerToken(request), parameters,
      [respond, parameters,
       instance](absl::StatusOr<EpcisBackend::EventsPage> page) {
        if (!page.ok()) {
          return respond(StatusProblem(page.status(), instance, true));
        }
        Response response = JsonResponse(200, std::move(page->document));
        if (!page->next_page_token.empty()) {
          response.AddHeader("Link",
                             NextPageLink(parameters, page->next_page_token));
        }
        respond(std::move(response));
      });
}

void HandleEvent(EpcisBackend* backend, Request request, Respond respond) {
  if (auto refusal = RequireToken(request)) return respond(*refusal);
  const std::string id = PercentDecode(
      std::string_view(request.path).substr(kEventsPath.size() + 1), false);
  const std::string instance = request.path;
  backend->QueryEvents(
      BearerToken(request), {{"EQ_eventID", id}},
      [respond, id, instance](absl::StatusOr<EpcisBackend::EventsPage> page) {
        if (!page.ok()) return respond(StatusProblem(page.status(), instance));
        if (page->event_count == 0) {
          return respond(ProblemResponse(
              404, "epcisException:NoSuchResourceException", "No such event",
              absl::StrCat("no event ", id,
                           " that you may read is stored here"),
              instance));
        }
        respond(JsonResponse(200, std::move(page->document)));
      });
}

}  // namespace

size_t EpcisBodyLimit(std::string_view method, std::string_view path,
                      size_t default_limit) {
  if (method == "POST" && (path == kCapturePath || path == kEventsPath)) {
    return std::max(default_limit, kEpcisMaxBodyBytes);
  }
  return default_limit;
}

void AddEpcisRoutes(Router& router, EpcisBackend* backend) {
  router.Add("POST", std::string(kCapturePath),
             [backend](Request request, Respond respond) {
               HandleCapture(backend, std::move(request), std::move(respond));
             });
  router.Add("OPTIONS", std::string(kCapturePath), HandleCaptureOptions);
  router.AddPrefix("GET", std::string(kCapturePath) + "/",
                   [backend](Request request, Respond respond) {
                     HandleCaptureJob(backend, std::move(request),
                                      std::move(respond));
                   });
  router.Add("POST", std::string(kEventsPath),
             [backend](Request request, Respond respond) {
               HandleEventCapture(backend, std::move(request),
                                  std::move(respond));
             });
  router.Add("GET", std::string(kEventsPath),
             [backend](Request request, Respond respond) {
               HandleEventsQuery(backend, std::move(request),
                                 std::move(respond));
             });
  router.AddPrefix("GET", std::string(kEventsPath) + "/",
                   [backend](Request request, Respond respond) {
                     HandleEvent(backend, std::move(request),
                                 std::move(respond));
                   });
}

}  // namespace ocoptrace::http
