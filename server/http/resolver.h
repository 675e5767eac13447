// Resolver: the GS1-Conformant resolver (resolver standard 1.2) for the
// GTINs this service knows. A phone camera opens
//   https://<host>[/<stem>]/01/<gtin>[/22/<variant>][/10/<lot>][/21/<serial>]
// and the resolver answers from the identifier's levels (product, batch,
// label) and the link types of link_types.h:
//   - no linkType: 307 to the default link (the consumer page of the most
//     specific level that exists, under /p/...), query string passed on;
//   - linkType=linkset / all, or Accept: application/linkset+json: 200 with
//     the RFC 9264 linkset of every existing level;
//   - linkType=<gs1 type>: 307 to that link (the best match for Accept and
//     Accept-Language), 404 when the item has none;
//   - malformed Digital Link: 400 page naming the error; unknown GTIN: 404;
//   - walk-up: an unknown serial (or lot) resolves to the next level up and
//     the redirect carries `unknown_serial=` (or `unknown_lot=`), so that
//     page says the label is not in the system.
// Every answer carries CORS headers; OPTIONS answers 204 with Allow.
// docs/resolver.md is the full description.
//
// Thread-safety: Resolver is immutable after construction and thread-safe
// as far as its ResolverData is.

#ifndef OCOPTRACE_SERVER_HTTP_RESOLVER_H_
#define OCOPTRACE_SERVER_HTTP_RESOLVER_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/digital_link.h"
#include "server/http/http_server.h"
#include "server/http/link_types.h"

namespace ocoptrace::http {

// What the resolver needs to know about the items (implemented by the
// trace service). Thread-safe; every lookup is local and fast (no I/O that
// can block for long: the resolver runs on the event-loop threads).
// Identifiers are passed decoded and validated: gtin14 is 14 digits with a
// correct check digit, lot and serial are CSET 82.
class ResolverData {
 public:
  virtual ~ResolverData() = default;
  // True when the GTIN is a registered product.
  virtual bool ProductExists(std::string_view gtin14) const = 0;
  // True when the product has a batch with this lot.
  virtual bool BatchExists(std::string_view gtin14,
                           std::string_view lot) const = 0;
  // The lot of the label with this serial (serials are unique per GTIN),
  // or nullopt when no such label was issued.
  virtual std::optional<std::string> LabelLot(
      std::string_view gtin14, std::string_view serial) const = 0;
  // The product's name (for the linkset's itemDescription); "" if unknown.
  virtual std::string ProductName(std::string_view gtin14) const = 0;
  // True when the product has OCOP certificate records (active or not),
  // which makes gs1:certificationInfo available.
  virtual bool HasCertificates(std::string_view gtin14) const = 0;
};

struct ResolverOptions {
  // Scheme and host (optionally port and path) of this service as the
  // public reaches it, no trailing '/': linkset hrefs and the description
  // file's resolverRoot are built on it.
  std::string public_base = "http://localhost:8080";
  // Path prefix of the consumer pages (see page_handler.h).
  std::string page_prefix = "/p";
  std::string name = "ocoptrace GS1 Digital Link resolver";
  std::vector<LinkTypeDef> link_types = DefaultLinkTypes();
  // The term whose link is the default link (gs1:defaultLink).
  std::string default_link_type = "pip";
};

// The GS1 linkset JSON-LD context the `Link` header of linkset responses
// points to (rel="http://www.w3.org/ns/json-ld#context"), as the resolver
// standard publishes it.
inline constexpr std::string_view kLinksetContextUrl =
    "https://ref.gs1.org/standards/resolver/linkset-context";

class Resolver {
 public:
  // `data` must outlive the resolver.
  Resolver(const ResolverData* data, ResolverOptions options);

  // Answers a GET, HEAD or OPTIONS request for a Digital Link path (any
  // stem, optional trailing '/'). Other methods: 405. A path that is not a
  // Digital Link for a supported key: 404 (unsupported key) or 400
  // (malformed). Never returns 200 for an error.
  Response Resolve(const Request& request) const;

  // The resolver description file served at /.well-known/gs1resolver
  // (application/json).
  Response DescriptionFile() const;

  // True when some segment of `path` is a GS1 primary-key AI ("01",
  // "414", "00", ...): the request is meant for a resolver, so a parse
  // failure deserves a 400 rather than a 404.
  static bool LooksLikeDigitalLink(std::string_view path);

  const ResolverOptions& options() const { return options_; }

  // The consumer page path for the first `depth` path AIs of `link`:
  // page_prefix + "/01/<gtin>/10/<lot>..." with values percent-encoded.
  std::string PagePath(const DigitalLink& link, size_t depth) const;

 private:
  struct Level;
  struct Candidate;
  std::vector<Level> KnownLevels(const DigitalLink& link,
                                 size_t* first_unknown) const;
  static const Candidate* SelectLink(const std::vector<Candidate>& candidates,
                                     std::string_view accept,
                                     std::string_view accept_language,
                                     std::string_view lang_param);
  std::vector<Candidate> LinksAt(const DigitalLink& link,
                                 const Level& level) const;
  Response Linkset(const DigitalLink& link, const std::vector<Level>& levels,
                   std::string_view content_type,
                   std::string_view accept_language) const;

  const ResolverData* const data_;
  const ResolverOptions options_;
};

}  // namespace ocoptrace::http

#endif  // OCOPTRACE_SERVER_HTTP_RESOLVER_H_
