#include "epcis/gs1_uri.h"

#include <algorithm>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ocoptrace::epcis {
namespace {

constexpr std::string_view kCanonicalPrefix = "https://id.gs1.org/";

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool IsHexDigit(char c) {
  return IsDigit(c) || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f');
}

bool IsDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), IsDigit);
}

// A GS1 company prefix inside an EPC URI: 6 to 12 digits.
bool IsCompanyPrefix(std::string_view s) {
  return s.size() >= 6 && s.size() <= 12 && IsDigits(s);
}

// Counts the characters of `s` when every character satisfies `allowed` or
// is a %XX escape (which counts as one character). Returns nullopt when a
// character is not allowed or an escape is malformed.
template <typename Allowed>
std::optional<size_t> CountEscapedChars(std::string_view s, Allowed allowed) {
  size_t count = 0;
  for (size_t i = 0; i < s.size(); ++count) {
    if (s[i] == '%') {
      if (i + 2 >= s.size()) return std::nullopt;
      if (!IsHexDigit(s[i + 1]) || !IsHexDigit(s[i + 2])) return std::nullopt;
      i += 3;
    } else if (allowed(s[i])) {
      ++i;
    } else {
      return std::nullopt;
    }
  }
  return count;
}

// Characters that EPC URIs allow unescaped in serials and references (TDS
// "GS3A3" component), besides %XX escapes.
bool IsEpcUriChar(char c) {
  if (IsDigit(c) || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')) {
    return true;
  }
  return std::string_view("!'()*+,-.:;=_").find(c) != std::string_view::npos;
}

// An EPC URI component of `min`..`max` characters.
bool IsEpcComponent(std::string_view s, size_t min, size_t max) {
  std::optional<size_t> n = CountEscapedChars(s, IsEpcUriChar);
  return n.has_value() && *n >= min && *n <= max;
}

// Component reference characters of a CPI: digits, upper-case letters, '-'.
bool IsCpiChar(char c) {
  return IsDigit(c) || (c >= 'A' && c <= 'Z') || c == '-';
}

// Characters that a value of the constrained canonical DL URI may hold
// unescaped (a subset of GS1 AI encodable character set 82).
bool IsCanonicalDlChar(char c) {
  if (IsDigit(c) || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')) {
    return true;
  }
  return std::string_view("\"'-.;<=>?_").find(c) != std::string_view::npos;
}

// Digital Link requires these characters to be percent-encoded in path
// values; EPC URIs may carry them unescaped.
std::string EncodeForDigitalLink(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '!':
        out += "%21";
        break;
      case '(':
        out += "%28";
        break;
      case ')':
        out += "%29";
        break;
      case '*':
        out += "%2A";
        break;
      case '+':
        out += "%2B";
        break;
      case ',':
        out += "%2C";
        break;
      case ':':
        out += "%3A";
        break;
      default:
        out += c;
    }
  }
  return out;
}

// Splits `s` at '.' into at most `max_parts` parts; the last part keeps any
// further dots.
std::vector<std::string_view> SplitDots(std::string_view s, size_t max_parts) {
  std::vector<std::string_view> parts;
  while (parts.size() + 1 < max_parts) {
    size_t dot = s.find('.');
    if (dot == std::string_view::npos) break;
    parts.push_back(s.substr(0, dot));
    s.remove_prefix(dot + 1);
  }
  parts.push_back(s);
  return parts;
}

std::string WithCheckDigit(std::string_view digits) {
  std::string out(digits);
  out += Gs1CheckDigit(digits);
  return out;
}

// GTIN-14 from an EPC company prefix and item reference (indicator digit
// first). Requires 13 digits in total.
std::optional<std::string> GtinFromEpc(std::string_view company_prefix,
                                       std::string_view item_reference) {
  if (!IsCompanyPrefix(company_prefix) || !IsDigits(item_reference) ||
      company_prefix.size() + item_reference.size() != 13) {
    return std::nullopt;
  }
  std::string digits(item_reference.substr(0, 1));
  digits += company_prefix;
  digits += item_reference.substr(1);
  return WithCheckDigit(digits);
}

// Company prefix + reference with a check digit, for keys whose data digits
// are the two concatenated (GLN, GDTI, GSRN, GSIN, ...). `total` is the number
// of data digits; `reference` may be empty when the prefix fills them all.
std::optional<std::string> KeyFromEpc(std::string_view company_prefix,
                                      std::string_view reference,
                                      size_t total) {
  if (!IsCompanyPrefix(company_prefix) ||
      (!reference.empty() && !IsDigits(reference)) ||
      company_prefix.size() + reference.size() != total) {
    return std::nullopt;
  }
  std::string digits(company_prefix);
  digits += reference;
  return WithCheckDigit(digits);
}

std::string Canonical(std::string_view path) {
  std::string out(kCanonicalPrefix);
  out += path;
  return out;
}

// urn:epc:id:<scheme>:<body>
std::optional<std::string> FromEpcIdUri(std::string_view scheme,
                                        std::string_view body) {
  if (scheme == "sgtin" || scheme == "upui") {
    auto p = SplitDots(body, 3);
    if (p.size() != 3) return std::nullopt;
    auto gtin = GtinFromEpc(p[0], p[1]);
    if (!gtin) return std::nullopt;
    if (scheme == "sgtin") {
      if (!IsEpcComponent(p[2], 1, 20)) return std::nullopt;
      return Canonical("01/" + *gtin + "/21/" + EncodeForDigitalLink(p[2]));
    }
    if (!IsEpcComponent(p[2], 1, 28)) return std::nullopt;
    return Canonical("01/" + *gtin + "/235/" + EncodeForDigitalLink(p[2]));
  }
  if (scheme == "sscc") {
    auto p = SplitDots(body, 2);
    if (p.size() != 2 || !IsCompanyPrefix(p[0]) || !IsDigits(p[1]) ||
        p[0].size() + p[1].size() != 17) {
      return std::nullopt;
    }
    std::string digits(p[1].substr(0, 1));
    digits += p[0];
    digits += p[1].substr(1);
    return Canonical("00/" + WithCheckDigit(digits));
  }
  if (scheme == "sgln") {
    auto p = SplitDots(body, 3);
    if (p.size() != 3 || !IsEpcComponent(p[2], 1, 20)) return std::nullopt;
    auto gln = KeyFromEpc(p[0], p[1], 12);
    if (!gln) return std::nullopt;
    if (p[2] == "0") return Canonical("414/" + *gln);
    return Canonical("414/" + *gln + "/254/" + EncodeForDigitalLink(p[2]));
  }
  if (scheme == "grai") {
    auto p = SplitDots(body, 3);
    if (p.size() != 3 || !IsEpcComponent(p[2], 1, 16)) return std::nullopt;
    auto grai = KeyFromEpc(p[0], p[1], 12);
    if (!grai) return std::nullopt;
    // The GRAI's leading filter digit '0' does not change the check digit.
    return Canonical("8003/0" + *grai + EncodeForDigitalLink(p[2]));
  }
  if (scheme == "giai" || scheme == "ginc") {
    auto p = SplitDots(body, 2);
    if (p.size() != 2 || !IsCompanyPrefix(p[0]) ||
        !IsEpcComponent(p[1], 1, 30 - p[0].size())) {
      return std::nullopt;
    }
    std::string ai = scheme == "giai" ? "8004/" : "401/";
    return Canonical(ai + std::string(p[0]) + EncodeForDigitalLink(p[1]));
  }
  if (scheme == "gsrn" || scheme == "gsrnp") {
    auto p = SplitDots(body, 2);
    if (p.size() != 2) return std::nullopt;
    auto key = KeyFromEpc(p[0], p[1], 17);
    if (!key) return std::nullopt;
    return Canonical((scheme == "gsrn" ? "8018/" : "8017/") + *key);
  }
  if (scheme == "gdti") {
    auto p = SplitDots(body, 3);
    if (p.size() != 3 || !IsEpcComponent(p[2], 1, 17)) return std::nullopt;
    auto key = KeyFromEpc(p[0], p[1], 12);
    if (!key) return std::nullopt;
    return Canonical("253/" + *key + EncodeForDigitalLink(p[2]));
  }
  if (scheme == "cpi") {
    auto p = SplitDots(body, 3);
    if (p.size() != 3 || !IsCompanyPrefix(p[0])) return std::nullopt;
    auto n = CountEscapedChars(p[1], IsCpiChar);
    if (!n || *n < 1 || *n > 30 - p[0].size()) return std::nullopt;
    if (!IsDigits(p[2]) || p[2].size() > 12) return std::nullopt;
    return Canonical("8010/" + std::string(p[0]) + std::string(p[1]) +
                     "/8011/" + std::string(p[2]));
  }
  if (scheme == "sgcn") {
    auto p = SplitDots(body, 3);
    if (p.size() != 3 || !IsDigits(p[2]) || p[2].size() > 12) {
      return std::nullopt;
    }
    auto key = KeyFromEpc(p[0], p[1], 12);
    if (!key) return std::nullopt;
    return Canonical("255/" + *key + std::string(p[2]));
  }
  if (scheme == "gsin") {
    auto p = SplitDots(body, 2);
    if (p.size() != 2) return std::nullopt;
    auto key = KeyFromEpc(p[0], p[1], 16);
    if (!key) return std::nullopt;
    return Canonical("402/" + *key);
  }
  if (scheme == "itip") {
    auto p = SplitDots(body, 5);
    if (p.size() != 5 || p[2].size() != 2 || !IsDigits(p[2]) ||
        p[3].size() != 2 || !IsDigits(p[3]) || !IsEpcComponent(p[4], 1, 20)) {
      return std::nullopt;
    }
    auto gtin = GtinFromEpc(p[0], p[1]);
    if (!gtin) return std::nullopt;
    return Canonical("8006/" + *gtin + std::string(p[2]) + std::string(p[3]) +
                     "/21/" + EncodeForDigitalLink(p[4]));
  }
  if (scheme == "pgln") {
    auto p = SplitDots(body, 2);
    if (p.size() != 2) return std::nullopt;
    auto key = KeyFromEpc(p[0], p[1], 12);
    if (!key) return std::nullopt;
    return Canonical("417/" + *key);
  }
  return std::nullopt;
}

// urn:epc:class:<scheme>:<body>
std::optional<std::string> FromEpcClassUri(std::string_view scheme,
                                           std::string_view body) {
  if (scheme != "lgtin") return std::nullopt;
  auto p = SplitDots(body, 3);
  if (p.size() != 3 || !IsEpcComponent(p[2], 1, 20)) return std::nullopt;
  auto gtin = GtinFromEpc(p[0], p[1]);
  if (!gtin) return std::nullopt;
  return Canonical("01/" + *gtin + "/10/" + EncodeForDigitalLink(p[2]));
}

// urn:epc:idpat:<scheme>:<body>, where the last component is '*'.
std::optional<std::string> FromEpcPatternUri(std::string_view scheme,
                                             std::string_view body) {
  if (scheme == "itip") {
    auto p = SplitDots(body, 5);
    if (p.size() != 5 || p[4] != "*" || p[2].size() != 2 || !IsDigits(p[2]) ||
        p[3].size() != 2 || !IsDigits(p[3])) {
      return std::nullopt;
    }
    auto gtin = GtinFromEpc(p[0], p[1]);
    if (!gtin) return std::nullopt;
    return Canonical("8006/" + *gtin + std::string(p[2]) + std::string(p[3]));
  }
  auto p = SplitDots(body, 3);
  if (p.size() != 3 || p[2] != "*") return std::nullopt;
  if (scheme == "sgtin" || scheme == "upui") {
    auto gtin = GtinFromEpc(p[0], p[1]);
    if (!gtin) return std::nullopt;
    return Canonical("01/" + *gtin);
  }
  if (scheme == "grai") {
    auto key = KeyFromEpc(p[0], p[1], 12);
    if (!key) return std::nullopt;
    return Canonical("8003/0" + *key);
  }
  if (scheme == "gdti" || scheme == "sgcn") {
    auto key = KeyFromEpc(p[0], p[1], 12);
    if (!key) return std::nullopt;
    return Canonical((scheme == "gdti" ? "253/" : "255/") + *key);
  }
  if (scheme == "cpi") {
    if (!IsCompanyPrefix(p[0])) return std::nullopt;
    auto n = CountEscapedChars(p[1], IsCpiChar);
    if (!n || *n < 1 || *n > 30 - p[0].size()) return std::nullopt;
    return Canonical("8010/" + std::string(p[0]) + std::string(p[1]));
  }
  return std::nullopt;
}

std::optional<std::string> FromEpcUri(std::string_view uri) {
  std::string_view rest;
  enum class Kind { kId, kClass, kPattern } kind;
  if (uri.starts_with("urn:epc:id:")) {
    kind = Kind::kId;
    rest = uri.substr(11);
  } else if (uri.starts_with("urn:epc:class:")) {
    kind = Kind::kClass;
    rest = uri.substr(14);
  } else if (uri.starts_with("urn:epc:idpat:")) {
    kind = Kind::kPattern;
    rest = uri.substr(14);
  } else {
    return std::nullopt;
  }
  size_t colon = rest.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  std::string_view scheme = rest.substr(0, colon);
  std::string_view body = rest.substr(colon + 1);
  switch (kind) {
    case Kind::kId:
      return FromEpcIdUri(scheme, body);
    case Kind::kClass:
      return FromEpcClassUri(scheme, body);
    case Kind::kPattern:
      return FromEpcPatternUri(scheme, body);
  }
  return std::nullopt;
}

// Numeric AI of a Digital Link primary key given as AI or short name, or ""
// when `segment` names no primary key.
std::string_view PrimaryKeyAi(std::string_view segment) {
  static constexpr std::pair<std::string_view, std::string_view> kKeys[] = {
      {"01", "01"},     {"gtin", "01"},   {"8006", "8006"}, {"itip", "8006"},
      {"8010", "8010"}, {"cpid", "8010"}, {"414", "414"},   {"gln", "414"},
      {"417", "417"},   {"party", "417"}, {"8017", "8017"}, {"gsrnp", "8017"},
      {"8018", "8018"}, {"gsrn", "8018"}, {"255", "255"},   {"gcn", "255"},
      {"00", "00"},     {"sscc", "00"},   {"253", "253"},   {"gdti", "253"},
      {"401", "401"},   {"ginc", "401"},  {"402", "402"},   {"gsin", "402"},
      {"8003", "8003"}, {"grai", "8003"}, {"8004", "8004"}, {"giai", "8004"},
  };
  for (const auto& [name, ai] : kKeys) {
    if (segment == name) return ai;
  }
  return "";
}

std::string_view QualifierAi(std::string_view segment) {
  if (segment == "cpv") return "22";
  if (segment == "lot") return "10";
  if (segment == "ser") return "21";
  return segment;
}

// A value of the canonical form: allowed characters or %XX escapes, at most
// `max` characters.
bool IsCanonicalValue(std::string_view s, size_t max) {
  std::optional<size_t> n = CountEscapedChars(s, IsCanonicalDlChar);
  return n.has_value() && *n <= max;
}

bool HasDigitPrefix(std::string_view s, size_t digits) {
  return s.size() >= digits && IsDigits(s.substr(0, digits));
}

// Whether (primary key, value, qualifiers) is one of the constrained
// canonical forms.
bool IsConstrainedForm(
    std::string_view ai, std::string_view value,
    const std::vector<std::pair<std::string_view, std::string_view>>& quals) {
  auto no_qualifier = [&] { return quals.empty(); };
  auto one_qualifier = [&](std::string_view q) {
    return quals.size() == 1 && quals[0].first == q;
  };
  if (ai == "00" || ai == "8017" || ai == "8018") {
    return value.size() == 18 && IsDigits(value) && no_qualifier();
  }
  if (ai == "402")
    return value.size() == 17 && IsDigits(value) && quals.empty();
  if (ai == "417")
    return value.size() == 13 && IsDigits(value) && quals.empty();
  if (ai == "01") {
    if (value.size() != 14 || !IsDigits(value)) return false;
    if (no_qualifier()) return true;
    if (one_qualifier("21") || one_qualifier("10")) {
      return IsCanonicalValue(quals[0].second, 20);
    }
    return one_qualifier("235") && IsCanonicalValue(quals[0].second, 28);
  }
  if (ai == "8006") {
    if (value.size() != 18 || !IsDigits(value)) return false;
    if (no_qualifier()) return true;
    return (one_qualifier("21") || one_qualifier("10")) &&
           IsCanonicalValue(quals[0].second, 20);
  }
  if (ai == "414") {
    if (value.size() != 13 || !IsDigits(value)) return false;
    return no_qualifier() ||
           (one_qualifier("254") && IsCanonicalValue(quals[0].second, 20));
  }
  if (ai == "253") {
    return HasDigitPrefix(value, 13) &&
           IsCanonicalValue(value.substr(13), 17) && no_qualifier();
  }
  if (ai == "255") {
    return value.size() >= 13 && value.size() <= 25 && IsDigits(value) &&
           no_qualifier();
  }
  if (ai == "8003") {
    return HasDigitPrefix(value, 14) &&
           IsCanonicalValue(value.substr(14), 16) && no_qualifier();
  }
  if (ai == "401" || ai == "8004") {
    return IsCanonicalValue(value, 30) && no_qualifier();
  }
  if (ai == "8010") {
    auto n = CountEscapedChars(value, IsCpiChar);
    if (!n || *n > 30) return false;
    return no_qualifier() ||
           (one_qualifier("8011") && quals[0].second.size() <= 12 &&
            IsDigits(quals[0].second));
  }
  return false;
}

std::optional<std::string> FromDigitalLink(std::string_view uri) {
  size_t authority_start;
  if (uri.starts_with("https://")) {
    authority_start = 8;
  } else if (uri.starts_with("http://")) {
    authority_start = 7;
  } else {
    return std::nullopt;
  }
  uri = uri.substr(0, uri.find_first_of("?#"));
  size_t path_start = uri.find('/', authority_start);
  if (path_start == std::string_view::npos) return std::nullopt;
  std::string_view path = uri.substr(path_start + 1);
  if (path.ends_with('/')) path.remove_suffix(1);

  std::vector<std::string_view> segments;
  for (size_t start = 0;;) {
    size_t slash = path.find('/', start);
    segments.push_back(path.substr(start, slash - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  // The primary key: the first key segment followed by a value that starts
  // with four digits (everything before it is the resolver's path prefix).
  size_t key_index = segments.size();
  for (size_t i = 0; i + 1 < segments.size(); ++i) {
    if (!PrimaryKeyAi(segments[i]).empty() && segments[i + 1].size() > 4 &&
        HasDigitPrefix(segments[i + 1], 4)) {
      key_index = i;
      break;
    }
  }
  if (key_index == segments.size()) return std::nullopt;
  std::string_view ai = PrimaryKeyAi(segments[key_index]);
  std::string value(segments[key_index + 1]);
  size_t rest = key_index + 2;
  if ((segments.size() - rest) % 2 != 0) return std::nullopt;

  std::vector<std::pair<std::string_view, std::string_view>> qualifiers;
  bool has_serial = false;
  for (size_t i = rest; i < segments.size(); i += 2) {
    std::string_view q = QualifierAi(segments[i]);
    if (segments[i + 1].empty()) return std::nullopt;
    if (q == "22") continue;  // The consumer product variant is dropped.
    if (q == "21") has_serial = true;
    qualifiers.emplace_back(q, segments[i + 1]);
  }
  if (has_serial) {  // Only the finest level: a serial makes the lot moot.
    std::erase_if(qualifiers, [](const auto& q) { return q.first == "10"; });
  }
  if (ai == "01" && IsDigits(value) &&
      (value.size() == 8 || value.size() == 12 || value.size() == 13)) {
    value.insert(0, 14 - value.size(), '0');
  }
  if (!IsConstrainedForm(ai, value, qualifiers)) return std::nullopt;

  std::string out(kCanonicalPrefix);
  out += ai;
  out += '/';
  out += value;
  for (const auto& [q, v] : qualifiers) {
    out += '/';
    out += q;
    out += '/';
    out += v;
  }
  return out;
}

}  // namespace

char Gs1CheckDigit(std::string_view digits) {
  int sum = 0;
  int weight = 3;  // The rightmost data digit has weight 3.
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
    sum += (*it - '0') * weight;
    weight = 4 - weight;
  }
  return static_cast<char>('0' + (10 - sum % 10) % 10);
}

std::optional<std::string> NormaliseGs1Uri(std::string_view uri) {
  if (uri.starts_with("urn:epc:")) return FromEpcUri(uri);
  return FromDigitalLink(uri);
}

}  // namespace ocoptrace::epcis
