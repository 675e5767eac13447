// The links the GS1 resolver offers for an identified item, as data: which
// GS1 Web Vocabulary link types exist, at which levels of the identifier
// (product = GTIN, batch = GTIN + lot, label = GTIN + lot + serial), where
// they point and how they are titled. Adding a link type (gs1:epcis when
// the EPCIS query interface exists, say) is adding one row to
// DefaultLinkTypes(); the resolver, its linksets and the description file
// follow from the table.
//
// Thread-safety: plain values and pure functions.

#ifndef OCOPTRACE_SERVER_HTTP_LINK_TYPES_H_
#define OCOPTRACE_SERVER_HTTP_LINK_TYPES_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ocoptrace::http {

// The GS1 Web Vocabulary namespace used for link types in linksets
// (https://gs1.org/voc/pip); "gs1:" is its CURIE prefix.
inline constexpr std::string_view kGs1VocabularyNamespace =
    "https://gs1.org/voc/";

// Identifier levels, as a bit set for LinkTypeDef::levels.
enum LinkLevel : uint8_t {
  kProductLevel = 1,  // /01/<gtin> (and /01/<gtin>/22/<variant>)
  kBatchLevel = 2,    // .../10/<lot>
  kLabelLevel = 4,    // .../21/<serial>
  kAllLevels = 7,
};

struct LinkTypeDef {
  // The term in the GS1 Web Vocabulary: "pip" for gs1:pip.
  std::string term;
  // Link titles (linkset "title").
  std::string title_vi;
  std::string title_en;
  // IANA media type of the target, e.g. "text/html".
  std::string media_type;
  // Where the link points. "{page}" is replaced by the consumer page path
  // of the item's level, e.g. "/p/01/08934563123451/10/L1" (see
  // Resolver). A template that starts with '/' is a path on this server
  // (linksets make it absolute with the public base URL); anything else
  // must be an absolute http(s) URL.
  std::string href_template;
  // LinkLevel bits: the levels at which the link exists.
  uint8_t levels = kAllLevels;
  // Offered only for products that have OCOP certificate records.
  bool requires_certificates = false;
  // One link per page language (hreflang "vi" and "en", the English one
  // with "lang=en" in its query) instead of one language-neutral link.
  bool per_language = true;
};

// The link types of ocoptrace: gs1:pip (the consumer page),
// gs1:certificationInfo (the page's OCOP section; products with
// certificates), gs1:traceability (the page's journey section, and the
// same data as JSON; batch and label levels).
std::vector<LinkTypeDef> DefaultLinkTypes();

// The vocabulary term a `linkType` query value names, accepting the CURIE
// ("gs1:pip") and the full URI under https://gs1.org/voc/, its http form
// and https://ref.gs1.org/voc/. Returns "" for anything else (including
// "linkset" and "all", which callers test first).
std::string LinkTypeTerm(std::string_view link_type);

// "https://gs1.org/voc/" + term.
std::string LinkTypeUri(std::string_view term);

}  // namespace ocoptrace::http

#endif  // OCOPTRACE_SERVER_HTTP_LINK_TYPES_H_
