#include "client/config.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "nlohmann/json.hpp"

namespace ocoptrace::client {
namespace {

// One setting: its command-line name, its JSON key, and where it lives.
struct SettingField {
  const char* name;
  const char* json_key;
  std::string Settings::*member;
};

const std::vector<SettingField>& Fields() {
  static const auto* fields = new std::vector<SettingField>{
      {"server", "server", &Settings::server},
      {"token", "token", &Settings::token},
      {"key", "key", &Settings::key},
      {"key-name", "key_name", &Settings::key_name},
      {"ca-cert", "ca_cert", &Settings::ca_cert},
      {"log-key", "log_key", &Settings::log_key},
  };
  return *fields;
}

const SettingField* FindField(std::string_view name) {
  for (const SettingField& field : Fields()) {
    if (name == field.name) return &field;
  }
  return nullptr;
}

absl::Status UnknownSetting(std::string_view name) {
  return absl::InvalidArgumentError(
      absl::StrCat("unknown setting '", std::string(name),
                   "'; use one of: ", absl::StrJoin(SettingNames(), ", ")));
}

void OverrideIfSet(std::string& target, const std::string& value) {
  if (!value.empty()) target = value;
}

}  // namespace

const std::vector<std::string>& SettingNames() {
  static const auto* names = [] {
    auto* result = new std::vector<std::string>;
    for (const SettingField& field : Fields()) result->push_back(field.name);
    return result;
  }();
  return *names;
}

absl::Status SetSetting(Settings& settings, std::string_view name,
                        std::string value) {
  const SettingField* field = FindField(name);
  if (field == nullptr) return UnknownSetting(name);
  settings.*(field->member) = std::move(value);
  return absl::OkStatus();
}

absl::StatusOr<std::string> GetSetting(const Settings& settings,
                                       std::string_view name) {
  const SettingField* field = FindField(name);
  if (field == nullptr) return UnknownSetting(name);
  return settings.*(field->member);
}

EnvLookup ProcessEnv() {
  return [](const char* name) -> std::optional<std::string> {
    const char* value = std::getenv(name);
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
}

absl::StatusOr<std::string> ConfigFilePath(const std::string& flag_path,
                                           const EnvLookup& env) {
  if (!flag_path.empty()) return flag_path;
  if (auto path = env("OCOPTRACE_CONFIG"); path && !path->empty()) {
    return *path;
  }
  if (auto home = env("HOME"); home && !home->empty()) {
    return *home + "/.config/ocoptrace/config.json";
  }
  return absl::FailedPreconditionError(
      "cannot find the config file: HOME is not set; pass --config FILE or "
      "set OCOPTRACE_CONFIG");
}

std::string ConfigDirectory(const std::string& config_file_path) {
  std::filesystem::path parent =
      std::filesystem::path(config_file_path).parent_path();
  return parent.empty() ? "." : parent.string();
}

absl::StatusOr<Settings> ParseConfigJson(std::string_view json_text) {
  nlohmann::json json = nlohmann::json::parse(json_text, nullptr,
                                              /*allow_exceptions=*/false);
  if (json.is_discarded()) {
    return absl::InvalidArgumentError("config file is not valid JSON");
  }
  if (!json.is_object()) {
    return absl::InvalidArgumentError("config file must hold a JSON object");
  }
  Settings settings;
  for (const SettingField& field : Fields()) {
    auto it = json.find(field.json_key);
    if (it == json.end() || it->is_null()) continue;
    if (!it->is_string()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "config file: \"", field.json_key, "\" must be a string"));
    }
    settings.*(field.member) = it->get<std::string>();
  }
  return settings;
}

std::string FormatConfigJson(const Settings& settings) {
  nlohmann::ordered_json json = nlohmann::ordered_json::object();
  for (const SettingField& field : Fields()) {
    const std::string& value = settings.*(field.member);
    if (!value.empty()) json[field.json_key] = value;
  }
  return json.dump(2) + "\n";
}

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::error_code error;
  if (!std::filesystem::exists(path, error) && !error) {
    return absl::NotFoundError(absl::StrCat(path, ": no such file"));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::InternalError(
        absl::StrCat("cannot read ", path, ": ", std::strerror(errno)));
  }
  std::ostringstream contents;
  contents << in.rdbuf();
  if (in.bad()) {
    return absl::InternalError(absl::StrCat("cannot read ", path));
  }
  return contents.str();
}

absl::StatusOr<Settings> LoadConfigFile(const std::string& path) {
  absl::StatusOr<std::string> text = ReadFile(path);
  if (absl::IsNotFound(text.status())) return Settings{};
  if (!text.ok()) return text.status();
  absl::StatusOr<Settings> settings = ParseConfigJson(*text);
  if (!settings.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": ", settings.status().message(),
                     "; fix it or remove it and run `tracectl init`"));
  }
  return settings;
}

absl::Status WriteFileAtomically(const std::string& path,
                                 std::string_view contents, int mode) {
  std::string temporary = path + ".tmp";
  int fd =
      ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) {
    return absl::InternalError(
        absl::StrCat("cannot write ", temporary, ": ", std::strerror(errno)));
  }
  // open() applies the umask; make the mode exact (0600 for secrets).
  ::fchmod(fd, mode);
  const char* data = contents.data();
  size_t left = contents.size();
  while (left > 0) {
    ssize_t written = ::write(fd, data, left);
    if (written < 0) {
      if (errno == EINTR) continue;
      int error = errno;
      ::close(fd);
      ::unlink(temporary.c_str());
      return absl::InternalError(
          absl::StrCat("cannot write ", temporary, ": ", std::strerror(error)));
    }
    data += written;
    left -= static_cast<size_t>(written);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    ::unlink(temporary.c_str());
    return absl::InternalError(
        absl::StrCat("cannot write ", temporary, ": ", std::strerror(errno)));
  }
  if (::rename(temporary.c_str(), path.c_str()) != 0) {
    ::unlink(temporary.c_str());
    return absl::InternalError(absl::StrCat("cannot rename ", temporary, " to ",
                                            path, ": ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

absl::Status SaveConfigFile(const std::string& path, const Settings& settings) {
  std::string directory = ConfigDirectory(path);
  std::error_code error;
  if (!std::filesystem::exists(directory, error)) {
    std::filesystem::create_directories(directory, error);
    if (error) {
      return absl::InternalError(absl::StrCat(
          "cannot create directory ", directory, ": ", error.message()));
    }
    ::chmod(directory.c_str(), 0700);
  }
  return WriteFileAtomically(path, FormatConfigJson(settings), 0600);
}

Settings MergeSettings(const Settings& file, const EnvLookup& env,
                       const Settings& flags) {
  Settings merged = file;
  auto from_env = [&env](const char* name) {
    std::optional<std::string> value = env(name);
    return value ? *value : std::string();
  };
  OverrideIfSet(merged.server, from_env("OCOPTRACE_SERVER"));
  OverrideIfSet(merged.token, from_env("OCOPTRACE_TOKEN"));
  OverrideIfSet(merged.key, from_env("OCOPTRACE_KEY"));
  OverrideIfSet(merged.key_name, from_env("OCOPTRACE_KEY_NAME"));
  OverrideIfSet(merged.ca_cert, from_env("OCOPTRACE_CA_CERT"));

  OverrideIfSet(merged.server, flags.server);
  OverrideIfSet(merged.token, flags.token);
  OverrideIfSet(merged.key, flags.key);
  OverrideIfSet(merged.key_name, flags.key_name);
  OverrideIfSet(merged.ca_cert, flags.ca_cert);
  return merged;
}

}  // namespace ocoptrace::client
