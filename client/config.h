// tracectl's settings: where the server is, the bearer token, the user's
// signing key, the CA certificate and the pinned log key.
//
// Settings come from three layers, each overriding the one before:
//   1. the config file (JSON): $OCOPTRACE_CONFIG, or
//      $HOME/.config/ocoptrace/config.json;
//   2. environment variables OCOPTRACE_SERVER, OCOPTRACE_TOKEN,
//      OCOPTRACE_KEY, OCOPTRACE_KEY_NAME, OCOPTRACE_CA_CERT;
//   3. command-line flags (--server, --token, --key, --key-name, --ca-cert).
// An empty value in a layer means "not set here" and never clears a lower
// layer. The log key is pinned in the file only (`tracectl config set
// log-key` or trust on first use), never from the environment.
//
// The config directory (the file's directory) also holds the private key
// (key.pem, mode 0600) and the last checkpoint seen (last-checkpoint.txt).
//
// Thread-safety: plain values and free functions; nothing is shared.

#ifndef OCOPTRACE_CLIENT_CONFIG_H_
#define OCOPTRACE_CLIENT_CONFIG_H_

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace ocoptrace::client {

// The settings tracectl works with. Every field may be empty (unset).
struct Settings {
  std::string server;    // "host:port", e.g. "127.0.0.1:7443".
  std::string token;     // Bearer token given by `principal create`.
  std::string key;       // Path of the Ed25519 private key (PKCS#8 PEM).
  std::string key_name;  // Name of that key in the log (signed-note name).
  std::string ca_cert;   // Path of a PEM file with the CA to trust (TLS).
  std::string log_key;   // Pinned log vkey (checkpoints); file layer only.

  bool operator==(const Settings&) const = default;
};

// The names `config set` accepts, in display order: "server", "token",
// "key", "key-name", "ca-cert", "log-key".
const std::vector<std::string>& SettingNames();

// Sets the setting called `name` (one of SettingNames()) to `value`.
// InvalidArgument naming the valid names when `name` is unknown.
absl::Status SetSetting(Settings& settings, std::string_view name,
                        std::string value);

// The value of the setting called `name`; InvalidArgument when unknown.
absl::StatusOr<std::string> GetSetting(const Settings& settings,
                                       std::string_view name);

// Reads an environment variable; nullopt when it is not set. Injected so
// that tests control the environment.
using EnvLookup = std::function<std::optional<std::string>(const char* name)>;

// The process environment (std::getenv).
EnvLookup ProcessEnv();

// The config file path: `flag_path` when non-empty, else $OCOPTRACE_CONFIG,
// else $HOME/.config/ocoptrace/config.json. FailedPrecondition when none
// of these is available (no HOME).
absl::StatusOr<std::string> ConfigFilePath(const std::string& flag_path,
                                           const EnvLookup& env);

// The directory holding `config_file_path` ("." when it has none).
std::string ConfigDirectory(const std::string& config_file_path);

// Parses the config file's JSON text: an object whose keys are "server",
// "token", "key", "key_name", "ca_cert", "log_key" (all strings; unknown
// keys are ignored so newer files still load). InvalidArgument naming the
// key when the text is not such an object.
absl::StatusOr<Settings> ParseConfigJson(std::string_view json_text);

// The JSON text written to the config file (pretty-printed, unset keys
// omitted, ending in a newline).
std::string FormatConfigJson(const Settings& settings);

// Loads the config file. A missing file gives empty Settings (OK);
// InvalidArgument (naming the path) when it does not parse; Internal when
// it exists but cannot be read.
absl::StatusOr<Settings> LoadConfigFile(const std::string& path);

// Writes the config file atomically with mode 0600 (it holds the token),
// creating its directory (mode 0700) if needed. Internal on I/O errors.
absl::Status SaveConfigFile(const std::string& path, const Settings& settings);

// Applies the precedence rules above: file, then environment, then flags.
// `flags.log_key` is ignored (the log key is pinned in the file only).
Settings MergeSettings(const Settings& file, const EnvLookup& env,
                       const Settings& flags);

// Writes `contents` to `path` atomically (temporary file + rename) with the
// given permission bits. Internal, naming the path, on failure.
absl::Status WriteFileAtomically(const std::string& path,
                                 std::string_view contents, int mode);

// Reads a whole file. NotFound when it does not exist; Internal naming the
// path on other errors.
absl::StatusOr<std::string> ReadFile(const std::string& path);

}  // namespace ocoptrace::client

#endif  // OCOPTRACE_CLIENT_CONFIG_H_
