// GS1 Digital Link URIs (GS1 Digital Link standard 1.2, URI syntax):
// parsing with full validation against the GS1 AI table, and formatting.
//
//   https://example.vn/traceability/01/08934563123451/10/LOT2024A?17=251231
//   \________________/\___________/\_________________________/ \_______/
//      scheme_host      path_stem    path: key + qualifiers     attributes
//
// Parsing follows GS1's reference syntax engine (the verdicts of
// tests/data/gs1-dl/cases.tsv): the primary key is the rightmost
// "/<AI>/<value>" pair, walking from the end of the path over known AIs, so
// everything before it is a custom path stem; a trailing '/' is an error
// (resolvers strip it before parsing); percent-escapes are decoded, and '+'
// means a space in the query but a plus sign in the path; numeric query
// parameters are AIs, other parameters (linkType, s, context...) are kept
// aside. docs/formats-gs1.md is the normative description.
//
// Thread-safety: all functions are thread-safe; DigitalLink is a plain
// value.

#ifndef OCOPTRACE_CORE_DIGITAL_LINK_H_
#define OCOPTRACE_CORE_DIGITAL_LINK_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace ocoptrace {

// One Application Identifier and its value, decoded (no percent-escapes).
struct AiValue {
  std::string ai;
  std::string value;

  friend bool operator==(const AiValue&, const AiValue&) = default;
};

struct DigitalLink {
  std::string scheme_host;    // lower-cased "https://example.vn"; "" if none
  std::string path_stem;      // "" or a custom stem such as "/traceability"
  std::vector<AiValue> path;  // primary key first, then qualifiers
  std::vector<AiValue> attributes;  // AI query parameters, in URI order
  // Non-AI query parameters (linkType, s, context...), decoded, in order.
  std::vector<std::pair<std::string, std::string>> other_params;

  // The value of `ai` in the path or the attributes; nullptr if absent.
  // The pointer is valid while this DigitalLink is unchanged.
  const std::string* Find(std::string_view ai) const;
  // The first value of the non-AI parameter `name`; nullptr if absent.
  const std::string* FindParam(std::string_view name) const;
  std::string gtin() const;    // AI 01, "" when absent
  std::string lot() const;     // AI 10, "" when absent
  std::string serial() const;  // AI 21, "" when absent

  friend bool operator==(const DigitalLink&, const DigitalLink&) = default;
};

// Parses and validates an absolute Digital Link URI (http or https, any
// host, optional path stem, optional query and fragment; the fragment is
// ignored). InvalidArgument when the URI is not a valid Digital Link; the
// message names the AI and says what is wrong, e.g.
//   "AI (01) GTIN: check digit should be 1, not 2"
//   "AI (10) BATCH/LOT: value is too long: 21 characters, at most 20 ..."
//   "AI (17) is duplicated; ..."
//   "the path has no GS1 Digital Link primary key ..."
// Checks: URI characters, scheme, host; the key and its qualifiers in an
// order the dictionary allows (01 -> 22, 10, 21 or 235; 414 -> 254 ...);
// query AIs known, not duplicated, allowed as attributes and not belonging
// in the path; every value's length, character set and content linters
// (check digits, dates, ISO country codes...); AI associations (req/ex).
absl::StatusOr<DigitalLink> ParseDigitalLink(std::string_view uri);

// The same for an HTTP server that already split the request target:
// `path` such as "/01/08934563123451/10/L1" (optionally with a stem),
// `query` the raw query without '?' (may be empty). scheme_host is "".
absl::StatusOr<DigitalLink> ParseDigitalLinkPath(std::string_view path,
                                                 std::string_view query);

// Validates a DigitalLink built in code (the checks of ParseDigitalLink
// after syntax). OK or InvalidArgument as ParseDigitalLink.
absl::Status ValidateDigitalLink(const DigitalLink& dl);

// The AI element string in GS1 bracketed syntax, path AIs then attributes:
// "(01)08934563123451(10)LOT2024A(17)251231". A '(' inside a value is
// written "\(" so the string stays unambiguous.
std::string ElementString(const DigitalLink& dl);

// The canonical form on https://id.gs1.org: the path AIs as parsed, then
// the AI attributes (fixed-length AIs first, each group in URI order); no
// stem and no other parameters. Values are percent-encoded with
// PercentEncodeDlValue. E.g. "https://id.gs1.org/01/08934563123451/10/
// LO%2F24?17=251231".
std::string CanonicalGs1Uri(const DigitalLink& dl);

// Percent-encodes a path or query value for a Digital Link: A-Z a-z 0-9
// - . _ ~ stay, every other byte becomes %XX (upper-case hex):
// "LO/24" -> "LO%2F24", "LOT+1" -> "LOT%2B1".
std::string PercentEncodeDlValue(std::string_view value);

// scheme_host + path_stem + "/<ai>/<value>" for each path AI, then the
// query: attributes, then other_params, joined by '&' (no '?' when both are
// empty). E.g. "https://tx.example.vn/01/08934563123451/10/LO%2F24/21/
// 7K3M9QX2TA?s=...". Does not validate; ParseDigitalLink(Format(dl)) == dl
// for a valid dl.
std::string FormatDigitalLink(const DigitalLink& dl);

}  // namespace ocoptrace

#endif  // OCOPTRACE_CORE_DIGITAL_LINK_H_
