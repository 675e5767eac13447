#include "tests/server/http/http_test_util.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <fstream>

#include "absl/strings/str_cat.h"

namespace ocoptrace::http::testing {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(c));
  return out;
}

constexpr char kValidator[] = R"PY(
import json, sys
try:
    import jsonschema
except ImportError:
    print("python3-jsonschema is missing: it is a declared test dependency "
          "(deploy/install-deps.sh)")
    sys.exit(3)
schema = json.load(open(sys.argv[1]))
document = json.load(open(sys.argv[2]))
errors = list(jsonschema.Draft7Validator(schema).iter_errors(document))
for error in errors:
    print("/".join(str(p) for p in error.absolute_path), ":", error.message)
sys.exit(1 if errors else 0)
)PY";

}  // namespace

Request MakeRequest(std::string method, std::string target,
                    std::vector<std::pair<std::string, std::string>> headers,
                    std::string body) {
  Request request;
  request.method = std::move(method);
  request.target = target;
  size_t q = target.find('?');
  request.path = target.substr(0, q);
  request.query = q == std::string::npos ? "" : target.substr(q + 1);
  for (auto& [name, value] : headers) {
    request.headers.emplace_back(Lower(name), std::move(value));
  }
  request.body = std::move(body);
  request.remote_address = "203.0.113.77";
  return request;
}

std::string HeaderOf(const Response& response, std::string_view name) {
  const std::string wanted = Lower(name);
  for (const auto& [key, value] : response.headers) {
    if (Lower(key) == wanted) return value;
  }
  return "";
}

std::string TestDataPath(std::string_view relative) {
  return absl::StrCat(OCOPTRACE_TEST_DATA_DIR, "/", std::string(relative));
}

SchemaResult ValidateWithJsonSchema(const std::string& json,
                                    const std::string& schema_path) {
  char doc_path[] = "/tmp/ocoptrace-json-XXXXXX";
  int fd = mkstemp(doc_path);
  SchemaResult result;
  if (fd < 0) {
    result.output = "cannot create a temporary file";
    return result;
  }
  ssize_t written = write(fd, json.data(), json.size());
  close(fd);
  if (written != static_cast<ssize_t>(json.size())) {
    result.output = "cannot write the temporary file";
    unlink(doc_path);
    return result;
  }
  char script_path[] = "/tmp/ocoptrace-validate-XXXXXX";
  fd = mkstemp(script_path);
  if (fd >= 0) {
    (void)!write(fd, kValidator, sizeof kValidator - 1);
    close(fd);
  }
  // Debian's interpreter first: python3-jsonschema installs for it.
  const std::string python =
      access("/usr/bin/python3", X_OK) == 0 ? "/usr/bin/python3" : "python3";
  const std::string command = absl::StrCat(
      python, " ", script_path, " '", schema_path, "' ", doc_path, " 2>&1");
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe != nullptr) {
    char buffer[512];
    size_t n;
    while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) {
      result.output.append(buffer, n);
    }
    int status = pclose(pipe);
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  unlink(doc_path);
  unlink(script_path);
  return result;
}

}  // namespace ocoptrace::http::testing
