#include "server/http/site.h"

#include <string>
#include <utility>

#include "server/http/html.h"
#include "server/http/i18n.h"

namespace ocoptrace::http {
namespace {

Response HomePage(const Request& request) {
  const Lang lang = ChooseLanguage("", request.Header("accept-language"));
  Response response;
  response.content_type = "text/html; charset=utf-8";
  response.AddHeader("Cache-Control", "public, max-age=300");
  response.AddHeader("Vary", "Accept-Language");
  std::string& out = response.body;
  AppendPageHead(out, lang, T(Msg::kSiteName, lang));
  out += "<header class=\"v info\"><h1>";
  AppendHtmlEscaped(out, T(Msg::kSiteName, lang));
  out += "</h1><p>";
  AppendHtmlEscaped(out, T(Msg::kProductPageText, lang));
  out +=
      "</p></header><section><ul>"
      "<li><a href=\"/.well-known/gs1resolver\">/.well-known/gs1resolver</a>"
      "</li><li><a href=\"/checkpoint\">/checkpoint</a></li>"
      "<li><a href=\"/keys\">/keys</a></li></ul></section><footer>";
  AppendHtmlEscaped(out, T(Msg::kFooterLog, lang));
  out += "</footer>";
  AppendPageFoot(out);
  return response;
}

Response NotFoundText(std::string message) {
  Response response;
  response.status = 404;
  response.body = std::move(message);
  response.AddHeader("Cache-Control", "no-store");
  return response;
}

}  // namespace

Site::Site(SiteDeps deps, SiteOptions options)
    : deps_(deps),
      resolver_(deps.resolver_data, std::move(options.resolver)),
      pages_(deps.page_data, deps.scans, deps.pins, deps.reports, deps.clock,
             std::move(options.pages)) {
  if (deps_.ledger != nullptr) {
    verifier_ = std::make_unique<VerifierEndpoints>(deps_.ledger, deps_.keys);
  }
  AddRoutes();
}

void Site::AddRoutes() {
  Router& r = router_;
  r.Add("GET", "/",
        [](Request request, Respond respond) { respond(HomePage(request)); });
  r.Add("GET", "/favicon.ico", [](Request, Respond respond) {
    Response response;
    response.status = 204;
    response.AddHeader("Cache-Control", "public, max-age=86400");
    respond(std::move(response));
  });
  r.Add("GET", "/.well-known/gs1resolver", [this](Request, Respond respond) {
    respond(resolver_.DescriptionFile());
  });
  r.Add("GET", "/healthz", [this](Request, Respond respond) {
    if (verifier_) return respond(verifier_->Health());
    Response response;
    response.body = "ok\n";
    response.AddHeader("Cache-Control", "no-store");
    respond(std::move(response));
  });
  r.Add("GET", "/metrics", [this](Request, Respond respond) {
    Response response;
    response.content_type = "text/plain; version=0.0.4; charset=utf-8";
    response.body = RenderPrometheus(Metrics());
    response.AddHeader("Cache-Control", "no-store");
    respond(std::move(response));
  });

  // Consumer pages and their forms.
  const PageHandlerOptions& pages = pages_.options();
  r.AddPrefix("GET", pages.page_prefix + "/",
              [this](Request request, Respond respond) {
                pages_.HandlePage(request, respond);
              });
  r.AddPrefix("POST", pages.pin_prefix + "/",
              [this](Request request, Respond respond) {
                pages_.HandlePin(request, respond);
              });
  r.AddPrefix("POST", pages.report_prefix + "/",
              [this](Request request, Respond respond) {
                pages_.HandleReport(request, respond);
              });

  // Verifier endpoints (normative paths, DESIGN.md §6).
  if (verifier_) {
    r.Add("GET", "/checkpoint", [this](Request, Respond respond) {
      respond(verifier_->Checkpoint());
    });
    r.AddPrefix("GET", "/tile/", [this](Request request, Respond respond) {
      respond(verifier_->Tile(std::string_view(request.path)
                                  .substr(std::string_view("/tile/").size())));
    });
    r.AddPrefix("GET", "/body/", [this](Request request, Respond respond) {
      respond(verifier_->Body(std::string_view(request.path)
                                  .substr(std::string_view("/body/").size())));
    });
    r.AddPrefix("GET", pages.entries_base,
                [this, skip = pages.entries_base.size()](Request request,
                                                         Respond respond) {
                  respond(verifier_->EntryJson(
                      std::string_view(request.path).substr(skip)));
                });
    if (deps_.keys != nullptr) {
      r.Add("GET", "/keys",
            [this](Request, Respond respond) { respond(verifier_->Keys()); });
    }
  } else {
    for (const char* path : {"/checkpoint", "/keys"}) {
      r.Add("GET", path, [](Request, Respond respond) {
        respond(NotFoundText("this server publishes no log\n"));
      });
    }
  }

  // EPCIS 2.0 REST binding (capture, events), for other systems.
  if (deps_.epcis != nullptr) AddEpcisRoutes(r, deps_.epcis);

  // Everything else: the GS1 resolver (any custom path stem).
  r.SetFallback([this](Request request, Respond respond) {
    respond(resolver_.Resolve(request));
  });
}

MetricsSnapshot Site::Metrics() const {
  MetricsSnapshot m;
  if (const HttpServerStats* s = http_stats_.load()) {
    m.http_connections_accepted = s->connections_accepted.load();
    m.http_requests = s->requests.load();
    m.http_responses_2xx = s->responses_2xx.load();
    m.http_responses_3xx = s->responses_3xx.load();
    m.http_responses_4xx = s->responses_4xx.load();
    m.http_responses_5xx = s->responses_5xx.load();
    m.http_rejected_requests = s->rejected_requests.load();
  }
  if (deps_.ledger != nullptr) {
    m.ledger_entries = deps_.ledger->size();
    if (auto latest = deps_.ledger->LatestCheckpoint(); latest.ok()) {
      m.ledger_checkpoint_size = latest->checkpoint.size;
    }
    m.ledger_healthy = deps_.ledger->health().ok();
  }
  m.pages_genuine = pages_.pages_served(Verdict::kGenuine);
  m.pages_suspicious = pages_.pages_served(Verdict::kSuspicious);
  m.pages_not_genuine = pages_.pages_served(Verdict::kNotGenuine);
  m.pages_info = pages_.pages_served(Verdict::kNone);
  if (deps_.scan_queue != nullptr) {
    const BatchingScanRecorder::Stats stats = deps_.scan_queue->stats();
    m.scans_recorded = stats.recorded;
    m.scans_dropped = stats.dropped;
    m.scans_written = stats.written;
    m.scans_failed = stats.failed;
  }
  return m;
}

}  // namespace ocoptrace::http
