// Site: the whole HTTP side of traced, assembled. It owns the resolver, the
// page handler and the verifier endpoints, routes requests to them (the
// table is in site.cc and docs/resolver.md) and renders /metrics. main.cc
// (through server/app) builds one Site from the trace service's adapters
// and serves Site::handler() with an HttpServer.
//
// Thread-safety: after construction, handler() may be called concurrently
// from every event-loop thread; set_http_stats may be called at any time.

#ifndef OCOPTRACE_SERVER_HTTP_SITE_H_
#define OCOPTRACE_SERVER_HTTP_SITE_H_

#include <atomic>
#include <memory>
#include <utility>

#include "core/clock.h"
#include "server/http/epcis_endpoints.h"
#include "server/http/http_server.h"
#include "server/http/metrics.h"
#include "server/http/page_handler.h"
#include "server/http/resolver.h"
#include "server/http/router.h"
#include "server/http/scan_recorder.h"
#include "server/http/verifier_endpoints.h"
#include "server/ledger/ledger.h"

namespace ocoptrace::http {

// What the site is built on. Pointers are not owned and must outlive the
// Site. resolver_data, page_data and clock are required; the rest may be
// null: no ledger means no verifier endpoints (404) and /healthz answers
// "ok"; no keys means /keys is 404.
struct SiteDeps {
  const ResolverData* resolver_data = nullptr;
  const PageData* page_data = nullptr;
  ScanRecorder* scans = nullptr;
  // The same recorder when it is a BatchingScanRecorder, for /metrics.
  const BatchingScanRecorder* scan_queue = nullptr;
  PinChecker* pins = nullptr;
  SuspectReportSink* reports = nullptr;
  const ledger::Ledger* ledger = nullptr;
  const PublicKeySource* keys = nullptr;
  Clock* clock = nullptr;
  // The EPCIS 2.0 REST endpoints under /epcis (epcis_endpoints.h); none
  // when null.
  EpcisBackend* epcis = nullptr;
};

struct SiteOptions {
  ResolverOptions resolver;
  PageHandlerOptions pages;
};

class Site {
 public:
  Site(SiteDeps deps, SiteOptions options);

  // The request handler to serve (dispatches through the router).
  Handler handler() const { return router_.AsHandler(); }
  void Handle(Request request, Respond respond) const {
    router_.Handle(std::move(request), std::move(respond));
  }

  // Where /metrics reads the HTTP server's counters (the server is built
  // after the site, since it needs the handler). May stay null.
  void set_http_stats(const HttpServerStats* stats) { http_stats_ = stats; }

  // The counters /metrics shows, as of now.
  MetricsSnapshot Metrics() const;

  const Resolver& resolver() const { return resolver_; }
  const PageHandler& pages() const { return pages_; }

 private:
  void AddRoutes();

  const SiteDeps deps_;
  const Resolver resolver_;
  const PageHandler pages_;
  std::unique_ptr<VerifierEndpoints> verifier_;
  Router router_;
  std::atomic<const HttpServerStats*> http_stats_{nullptr};
};

}  // namespace ocoptrace::http

#endif  // OCOPTRACE_SERVER_HTTP_SITE_H_
