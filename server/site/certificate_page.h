// CertificatePage: GET /cert/<number> — one OCOP certificate as a page for
// people, the target of the EPCIS export's certificationInfo links
// (epcis CertificatePageUrl: the number percent-encoded as a Digital Link
// value). Vietnamese by default, English by `?lang=en` or Accept-Language,
// every stored string HTML-escaped. It says in plain words whether the
// certificate is in force today (from the injected clock) and shows the
// stars only then; otherwise when it expired, or when and by which
// decision it was revoked, or which renewal replaced it; the products it
// covers (linked to their resolver pages), the producer, the decision, the
// issuer and the score, and a link to the log entry that issued it.
//
// Thread-safety: thread-safe.

#ifndef OCOPTRACE_SERVER_SITE_CERTIFICATE_PAGE_H_
#define OCOPTRACE_SERVER_SITE_CERTIFICATE_PAGE_H_

#include <string>
#include <string_view>

#include "server/http/http_server.h"
#include "server/site/catalog.h"
#include "server/trace/service.h"

namespace ocoptrace::site {

inline constexpr std::string_view kCertificatePrefix = "/cert/";

class CertificatePage {
 public:
  // Both must outlive the page.
  CertificatePage(trace::Service* service, const Catalog* catalog)
      : service_(service), catalog_(catalog) {}

  // `request.path` starts with kCertificatePrefix. 200 with the page; 404
  // page for an unknown number; 400 page for a malformed one (bad
  // percent-encoding, empty, longer than 256 bytes); 503 page on a
  // storage error.
  http::Response Render(const http::Request& request) const;

 private:
  trace::Service* const service_;
  const Catalog* const catalog_;
};

}  // namespace ocoptrace::site

#endif  // OCOPTRACE_SERVER_SITE_CERTIFICATE_PAGE_H_
