// Serving settings of traced, kept in <data>/traced.json so that a plain
// `traced --data DIR` serves the way `traced --init` set it up. Command-line
// flags override the file for one run.
//
//   {
//     "listen": "127.0.0.1:7443",
//     "http": "127.0.0.1:8080",
//     "resolver_base": "https://tx.ocop.example.vn",
//     "tls_cert": "",
//     "tls_key": "",
//     "allow_insecure_remote": false
//   }
//
// Relative TLS paths in the file are relative to the data directory.
// Unknown keys are refused, so a typo does not silently fall back to a
// default.
//
// Thread-safety: plain values and functions.

#ifndef OCOPTRACE_SERVER_APP_CONFIG_H_
#define OCOPTRACE_SERVER_APP_CONFIG_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "server/app/data_dir.h"

namespace ocoptrace::app {

inline constexpr char kDefaultListenAddress[] = "127.0.0.1:7443";

struct ServeSettings {
  std::string listen = kDefaultListenAddress;
  // Where the consumers' door (GS1 resolver, scan pages, verifier
  // endpoints) listens over plain HTTP, "host:port"; "" = not served.
  std::string http;
  // Base of label URLs: "https://<host>", lower-case, no trailing slash.
  std::string resolver_base = "https://localhost";
  std::string tls_cert;
  std::string tls_key;
  bool allow_insecure_remote = false;
};

// OK when `base` is "https://<host>[:port]" or "http://<host>[:port]"
// (lower-case, no path, no trailing slash). InvalidArgument naming
// --resolver-base otherwise.
absl::Status ValidateResolverBase(std::string_view base);

// An HTTP listen address split into host and port.
struct HttpAddress {
  std::string host;  // "127.0.0.1", "0.0.0.0", "::1" (no brackets).
  uint16_t port = 0;
};

// Parses "host:port" or "[ipv6]:port" (port 0 to 65535; 0 picks a free
// one). InvalidArgument naming --http and saying what to write otherwise.
absl::StatusOr<HttpAddress> ParseHttpAddress(std::string_view address);

// The host of a resolver base ("tx.example.vn" for "https://tx.example.vn").
std::string ResolverHost(std::string_view base);

// Reads traced.json. Defaults when the file does not exist;
// InvalidArgument naming the file and the key when it does not parse, holds
// an unknown key or a value of the wrong type.
absl::StatusOr<ServeSettings> ReadServeSettings(const DataDir& dir);

// Writes traced.json if it does not exist yet (never overwrites). Returns
// true when it wrote the file.
absl::StatusOr<bool> WriteServeSettingsIfMissing(const DataDir& dir,
                                                 const ServeSettings& settings);

}  // namespace ocoptrace::app

#endif  // OCOPTRACE_SERVER_APP_CONFIG_H_
