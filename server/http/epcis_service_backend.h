// EpcisServiceBackend: the EPCIS REST endpoints' backend (epcis_endpoints.h)
// over trace::Service — bearer tokens through Service::Authenticate, capture
// jobs through StartEpcisCapture / GetCaptureJob, queries through
// QueryEpcisEvents — and the JSON forms of capture jobs and problems.
//
// Library ocoptrace_http_epcis: the one part of server/http that sees
// server/trace; server/app wires it into the Site (SiteDeps::epcis).
//
// Thread-safety: thread-safe.

#ifndef OCOPTRACE_SERVER_HTTP_EPCIS_SERVICE_BACKEND_H_
#define OCOPTRACE_SERVER_HTTP_EPCIS_SERVICE_BACKEND_H_

#include <string>

#include "ocoptrace/v1/trace.pb.h"
#include "server/http/epcis_endpoints.h"
#include "server/trace/service.h"

namespace ocoptrace::http {

class EpcisServiceBackend : public EpcisBackend {
 public:
  // `service` must outlive the backend.
  explicit EpcisServiceBackend(trace::Service* service) : service_(*service) {}

  void Capture(
      std::string_view bearer_token, std::string document, bool proceed,
      std::function<void(absl::StatusOr<CaptureStarted>)> done) override;
  absl::StatusOr<std::string> CaptureJob(std::string_view bearer_token,
                                         std::string_view capture_id) override;
  void CaptureEvent(
      std::string_view bearer_token, std::string event,
      std::function<void(absl::StatusOr<EventCaptured>)> done) override;
  void QueryEvents(
      std::string_view bearer_token,
      std::vector<std::pair<std::string, std::string>> parameters,
      std::function<void(absl::StatusOr<EventsPage>)> done) override;

 private:
  trace::Service& service_;
};

// The REST binding's CaptureJob (captureID, createdAt, finishedAt, running,
// success, captureErrorBehaviour, errors) with ocoptrace's details
// (principal, eventCount, eventsStored, eventsAlreadyStored,
// entriesAppended, events[]), as JSON text.
std::string CaptureJobJson(const ::ocoptrace::v1::EpcisCaptureJob& job);

}  // namespace ocoptrace::http

#endif  // OCOPTRACE_SERVER_HTTP_EPCIS_SERVICE_BACKEND_H_
