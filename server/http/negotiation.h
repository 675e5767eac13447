// HTTP content negotiation (RFC 9110 §12.5): parsing of weighted lists such
// as `Accept: text/html;q=0.9, application/json` and `Accept-Language:
// en-US,en;q=0.8,vi;q=0.5`, and choosing the best of what a handler offers.
//
// Parsing is lenient, as browsers are: an element that cannot be parsed is
// skipped, and a malformed q-value counts as q=0 (not acceptable), so
// garbage never wins.
//
// Thread-safety: all functions are pure and thread-safe.

#ifndef OCOPTRACE_SERVER_HTTP_NEGOTIATION_H_
#define OCOPTRACE_SERVER_HTTP_NEGOTIATION_H_

#include <string>
#include <string_view>
#include <vector>

namespace ocoptrace::http {

struct WeightedToken {
  std::string token;  // Lower-cased, parameters other than q removed.
  int q = 1000;       // Quality in thousandths: q=0.8 -> 800.
};

// Splits a header value into its elements in order. "text/html;level=1;
// q=0.5" gives {"text/html", 500}. Empty elements are skipped.
std::vector<WeightedToken> ParseWeightedList(std::string_view header);

// The entry of `offers` (media types such as "text/html", lower case) the
// `accept` header prefers: the highest q, where an exact match beats
// "type/*" which beats "*/*"; ties go to the earlier offer. An empty header
// accepts everything (returns offers[0]). Returns -1 when nothing offered
// is acceptable (every match has q=0), else the index into `offers`.
int PreferredMediaType(std::string_view accept,
                       const std::vector<std::string_view>& offers);

// The index into `offers` (primary language tags such as "vi", "en") of
// the language `accept_language` prefers, matching RFC 4647 basic
// filtering on the primary subtag ("en-US" matches "en"; "*" matches
// anything). Returns -1 when the header names no offered language with
// q > 0 (callers then use their default).
int PreferredLanguage(std::string_view accept_language,
                      const std::vector<std::string_view>& offers);

}  // namespace ocoptrace::http

#endif  // OCOPTRACE_SERVER_HTTP_NEGOTIATION_H_
