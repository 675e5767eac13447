#include "server/app/config.h"

#include <sys/stat.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "absl/strings/str_cat.h"

namespace ocoptrace::app {
namespace {

absl::Status BadConfig(const DataDir& dir, std::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat(dir.config_file(), ": ", std::string(why),
                   " (see docs/operations.md for the keys)"));
}

std::string RelativeTo(const std::string& root, const std::string& path) {
  if (path.empty() || path.front() == '/') return path;
  return root + "/" + path;
}

}  // namespace

absl::Status ValidateResolverBase(std::string_view base) {
  auto bad = [&](std::string_view why) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--resolver-base '", std::string(base), "' ", std::string(why),
        ": use the scheme and lower-case host of the public resolver, e.g. "
        "https://tx.ocop.example.vn"));
  };
  std::string_view host;
  if (base.starts_with("https://")) {
    host = base.substr(8);
  } else if (base.starts_with("http://")) {
    host = base.substr(7);
  } else {
    return bad("must start with https:// (or http:// for local tests)");
  }
  if (host.empty()) return bad("has no host");
  for (char c : host) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '-' || c == ':' || c == '[' || c == ']';
    if (!ok) {
      return bad(c == '/' ? "must not have a path or a trailing slash"
                          : absl::StrCat("has character '", std::string(1, c),
                                         "' in the host; host names are "
                                         "lower-case a-z, 0-9, '.', '-'"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<HttpAddress> ParseHttpAddress(std::string_view address) {
  auto bad = [&](std::string_view why) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--http '", std::string(address), "' ", std::string(why),
        ": write host:port, e.g. 127.0.0.1:8080 (0.0.0.0:8080 for every "
        "interface, [::1]:8080 for IPv6)"));
  };
  HttpAddress parsed;
  std::string_view port;
  if (address.starts_with("[")) {
    const size_t close = address.find("]:");
    if (close == std::string_view::npos) return bad("has no ]:port");
    parsed.host = std::string(address.substr(1, close - 1));
    port = address.substr(close + 2);
  } else {
    const size_t colon = address.rfind(':');
    if (colon == std::string_view::npos) return bad("has no :port");
    parsed.host = std::string(address.substr(0, colon));
    if (parsed.host.find(':') != std::string::npos) {
      return bad("is an IPv6 address without brackets");
    }
    port = address.substr(colon + 1);
  }
  if (parsed.host.empty()) return bad("has no host");
  if (port.empty() || port.size() > 5 ||
      port.find_first_not_of("0123456789") != std::string_view::npos) {
    return bad("has no numeric port");
  }
  const int value = std::stoi(std::string(port));
  if (value > 65535) return bad("has a port above 65535");
  parsed.port = static_cast<uint16_t>(value);
  return parsed;
}

std::string ResolverHost(std::string_view base) {
  std::string_view host = base.substr(base.find("://") + 3);
  if (!host.starts_with("[")) host = host.substr(0, host.find(':'));
  return std::string(host);
}

absl::StatusOr<ServeSettings> ReadServeSettings(const DataDir& dir) {
  ServeSettings settings;
  std::ifstream in(dir.config_file(), std::ios::binary);
  if (!in) {
    struct stat st;
    if (::stat(dir.config_file().c_str(), &st) != 0) return settings;
    return BadConfig(dir, "cannot be read; check its permissions");
  }
  std::ostringstream text;
  text << in.rdbuf();
  nlohmann::json json = nlohmann::json::parse(text.str(), nullptr, false);
  if (json.is_discarded() || !json.is_object()) {
    return BadConfig(dir, "is not a JSON object");
  }
  for (const auto& [key, value] : json.items()) {
    if (key == "listen" || key == "http" || key == "resolver_base" ||
        key == "tls_cert" || key == "tls_key") {
      if (!value.is_string()) {
        return BadConfig(dir, absl::StrCat("\"", key, "\" must be a string"));
      }
      const std::string text_value = value.get<std::string>();
      if (key == "listen") settings.listen = text_value;
      if (key == "http") settings.http = text_value;
      if (key == "resolver_base") settings.resolver_base = text_value;
      if (key == "tls_cert") {
        settings.tls_cert = RelativeTo(dir.root(), text_value);
      }
      if (key == "tls_key")
        settings.tls_key = RelativeTo(dir.root(), text_value);
    } else if (key == "allow_insecure_remote") {
      if (!value.is_boolean()) {
        return BadConfig(dir,
                         "\"allow_insecure_remote\" must be true or false");
      }
      settings.allow_insecure_remote = value.get<bool>();
    } else {
      return BadConfig(
          dir, absl::StrCat("unknown key \"", key,
                            "\"; known keys: listen, http, resolver_base, "
                            "tls_cert, tls_key, allow_insecure_remote"));
    }
  }
  absl::Status status = ValidateResolverBase(settings.resolver_base);
  if (!status.ok()) {
    return BadConfig(dir, absl::StrCat("\"resolver_base\": ",
                                       std::string(status.message())));
  }
  if (!settings.http.empty()) {
    absl::StatusOr<HttpAddress> http = ParseHttpAddress(settings.http);
    if (!http.ok()) {
      return BadConfig(dir, absl::StrCat("\"http\": ",
                                         std::string(http.status().message())));
    }
  }
  return settings;
}

absl::StatusOr<bool> WriteServeSettingsIfMissing(
    const DataDir& dir, const ServeSettings& settings) {
  nlohmann::ordered_json json;
  json["listen"] = settings.listen;
  json["http"] = settings.http;
  json["resolver_base"] = settings.resolver_base;
  json["tls_cert"] = settings.tls_cert;
  json["tls_key"] = settings.tls_key;
  json["allow_insecure_remote"] = settings.allow_insecure_remote;
  absl::Status status =
      WriteNewFile(dir.config_file(), json.dump(2) + "\n", 0600);
  if (absl::IsAlreadyExists(status)) return false;
  if (!status.ok()) return status;
  return true;
}

}  // namespace ocoptrace::app
