// ConsumerSite: the consumers' door of traced, wired to the real service
// (docs/resolver.md). It builds the adapters of this module over
// trace::Service and the telemetry stores — Catalog (resolver and page
// data), KeyDirectory (/keys), ScanWriter behind a batching recorder,
// PinChecks and ReportIntake on a worker thread, the certificate pages —
// and assembles them with http::Site, adding the route
// GET /cert/<number>. app::Daemon serves handler() with an HttpServer.
//
// Thread-safety: after construction, handler() may be called concurrently
// from every event-loop thread; the other methods are thread-safe.

#ifndef OCOPTRACE_SERVER_SITE_CONSUMER_SITE_H_
#define OCOPTRACE_SERVER_SITE_CONSUMER_SITE_H_

#include <memory>
#include <string>

#include "core/clock.h"
#include "server/http/epcis_endpoints.h"
#include "server/http/http_server.h"
#include "server/http/router.h"
#include "server/http/scan_recorder.h"
#include "server/http/site.h"
#include "server/site/blocking_worker.h"
#include "server/site/catalog.h"
#include "server/site/certificate_page.h"
#include "server/site/entry_verifier.h"
#include "server/site/key_directory.h"
#include "server/site/stats_json.h"
#include "server/site/telemetry_sinks.h"
#include "server/trace/reports.h"
#include "server/trace/scans.h"
#include "server/trace/service.h"

namespace ocoptrace::site {

struct ConsumerSiteOptions {
  // Scheme and host of this server as the public reaches it (no trailing
  // '/'): the service's resolver_base, so label URLs resolve here.
  std::string public_base = "https://localhost";
  // Scan recording: batches of up to 1024 records or every 250 ms.
  http::BatchingScanRecorderOptions recorder;
  CatalogOptions catalog;
  // The EPCIS 2.0 REST endpoints' backend (/epcis); none when null. Must
  // outlive the site.
  http::EpcisBackend* epcis = nullptr;
  // The province's statistics served at GET /stats.json (stats_json.h);
  // none when null. Must outlive the site.
  trace::OfficerReads* stats = nullptr;
};

class ConsumerSite {
 public:
  // All must outlive the site. The verdict thresholds are `scans`'s
  // ScanPolicy (max_scans, max_places), so the page and the officers'
  // anomaly lists agree.
  ConsumerSite(trace::Service* service, trace::ScanStore* scans,
               trace::ReportStore* reports, Clock* clock,
               ConsumerSiteOptions options);
  // Writes the scans still queued, finishes pending PIN checks and reports.
  ~ConsumerSite();

  ConsumerSite(const ConsumerSite&) = delete;
  ConsumerSite& operator=(const ConsumerSite&) = delete;

  // The request handler to serve.
  http::Handler handler() const { return router_.AsHandler(); }
  void Handle(http::Request request, http::Respond respond) const {
    router_.Handle(std::move(request), std::move(respond));
  }

  // Where /metrics reads the HTTP server's counters.
  void set_http_stats(const http::HttpServerStats* stats) {
    site_->set_http_stats(stats);
  }

  // Blocks until every scan recorded so far is stored (tests, shutdown).
  void FlushScans() { recorder_->Flush(); }

  const Catalog& catalog() const { return *catalog_; }
  const http::Site& site() const { return *site_; }

 private:
  trace::Service* const service_;
  KeyDirectory keys_;
  EntryVerifier entries_;
  std::unique_ptr<Catalog> catalog_;
  ScanWriter scan_writer_;
  std::unique_ptr<http::BatchingScanRecorder> recorder_;
  // Declared after what its tasks use, so it drains first.
  std::unique_ptr<BlockingWorker> worker_;
  std::unique_ptr<PinChecks> pins_;
  std::unique_ptr<ReportIntake> report_intake_;
  std::unique_ptr<CertificatePage> certificates_;
  std::unique_ptr<http::Site> site_;
  http::Router router_;
};

}  // namespace ocoptrace::site

#endif  // OCOPTRACE_SERVER_SITE_CONSUMER_SITE_H_
