#include "server/site/consumer_site.h"

#include <utility>

namespace ocoptrace::site {

ConsumerSite::ConsumerSite(trace::Service* service, trace::ScanStore* scans,
                           trace::ReportStore* reports, Clock* clock,
                           ConsumerSiteOptions options)
    : service_(service),
      keys_(service),
      entries_(&service->ledger(), &keys_),
      scan_writer_(scans) {
  catalog_ = std::make_unique<Catalog>(service, scans, &keys_, &entries_, clock,
                                       options.catalog);
  recorder_ = std::make_unique<http::BatchingScanRecorder>(&scan_writer_,
                                                           options.recorder);
  worker_ = std::make_unique<BlockingWorker>();
  pins_ = std::make_unique<PinChecks>(service, scans, worker_.get(), clock);
  report_intake_ = std::make_unique<ReportIntake>(reports, worker_.get());
  certificates_ = std::make_unique<CertificatePage>(service, catalog_.get());

  http::SiteDeps deps;
  deps.resolver_data = catalog_.get();
  deps.page_data = catalog_.get();
  deps.scans = recorder_.get();
  deps.scan_queue = recorder_.get();
  deps.pins = pins_.get();
  deps.reports = report_intake_.get();
  deps.ledger = &service->ledger();
  deps.keys = &keys_;
  deps.clock = clock;
  deps.epcis = options.epcis;
  http::SiteOptions site_options;
  site_options.resolver.public_base = options.public_base;
  while (!site_options.resolver.public_base.empty() &&
         site_options.resolver.public_base.back() == '/') {
    site_options.resolver.public_base.pop_back();
  }
  site_options.pages.policy.max_scans = scans->policy().max_scans;
  site_options.pages.policy.max_places = scans->policy().max_places;
  site_ = std::make_unique<http::Site>(deps, std::move(site_options));

  router_.AddPrefix("GET", std::string(kCertificatePrefix),
                    [this](http::Request request, http::Respond respond) {
                      respond(certificates_->Render(request));
                    });
  if (options.stats != nullptr) {
    router_.Add("GET", std::string(kStatsJsonPath),
                StatsJsonHandler(options.stats, worker_.get()));
  }
  router_.SetFallback([this](http::Request request, http::Respond respond) {
    site_->Handle(std::move(request), std::move(respond));
  });
}

ConsumerSite::~ConsumerSite() {
  // The recorder first: its thread writes to the scan store. Then the
  // worker, which finishes the PIN checks and reports it holds.
  recorder_.reset();
  worker_.reset();
}

}  // namespace ocoptrace::site
