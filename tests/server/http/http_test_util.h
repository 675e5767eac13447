// Helpers for the HTTP tests: building requests, reading headers,
// validating JSON against a JSON schema with Python's jsonschema (Debian
// python3-jsonschema, a declared test dependency).
#ifndef OCOPTRACE_TESTS_SERVER_HTTP_HTTP_TEST_UTIL_H_
#define OCOPTRACE_TESTS_SERVER_HTTP_HTTP_TEST_UTIL_H_

#include <string>
#include <utility>
#include <vector>

#include "server/http/http_server.h"

namespace ocoptrace::http::testing {

// A request as HttpServer would deliver it.
Request MakeRequest(
    std::string method, std::string target,
    std::vector<std::pair<std::string, std::string>> headers = {},
    std::string body = "");

// The first value of response header `name` (case-insensitive), "" if none.
std::string HeaderOf(const Response& response, std::string_view name);

// Path of a file in tests/data.
std::string TestDataPath(std::string_view relative);

struct SchemaResult {
  int exit_code = -1;  // 0: valid; 1: invalid; 3: jsonschema missing.
  std::string output;  // Validation errors, one per line.
};

// Validates `json` against the draft-07 schema at `schema_path` by running
// python3 with jsonschema on a temporary file.
SchemaResult ValidateWithJsonSchema(const std::string& json,
                                    const std::string& schema_path);

}  // namespace ocoptrace::http::testing

#endif  // OCOPTRACE_TESTS_SERVER_HTTP_HTTP_TEST_UTIL_H_
