// Query strings and form bodies (application/x-www-form-urlencoded): the
// `?lang=en&format=json` of a page request and the fields of the PIN and
// report forms. Digital Link paths are NOT parsed here: core/digital_link.h
// owns that grammar.
//
// Thread-safety: all functions are pure and thread-safe.

#ifndef OCOPTRACE_SERVER_HTTP_QUERY_H_
#define OCOPTRACE_SERVER_HTTP_QUERY_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ocoptrace::http {

using QueryParams = std::vector<std::pair<std::string, std::string>>;

// Decodes %XX escapes (either hex case); with `plus_is_space`, '+' becomes
// a space (query and form encoding). A '%' not followed by two hex digits
// is kept literally: lenient, because these values are only displayed or
// compared, never used as identifiers.
std::string PercentDecode(std::string_view text, bool plus_is_space);

// Splits "a=1&b=x+y&c" into {{"a","1"},{"b","x y"},{"c",""}}, decoding
// names and values; empty pieces are skipped. At most `max_params` pairs
// are returned (the rest is ignored), so a huge query costs bounded work.
QueryParams ParseQuery(std::string_view query, size_t max_params = 64);

// The first value of `name`, or nullptr.
const std::string* FindParam(const QueryParams& params, std::string_view name);

// Percent-encodes a query value or name: A-Z a-z 0-9 - . _ ~ stay, every
// other byte becomes %XX.
std::string EncodeQueryComponent(std::string_view text);

// Joins two raw query strings with '&' (either may be empty).
std::string JoinQuery(std::string_view a, std::string_view b);

}  // namespace ocoptrace::http

#endif  // OCOPTRACE_SERVER_HTTP_QUERY_H_
