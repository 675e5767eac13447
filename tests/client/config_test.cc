#include "client/config.h"

#include <sys/stat.h>

#include <filesystem>
#include <map>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace ocoptrace::client {
namespace {

using ::testing::HasSubstr;

EnvLookup FakeEnv(std::map<std::string, std::string> values) {
  return [values](const char* name) -> std::optional<std::string> {
    auto it = values.find(name);
    if (it == values.end()) return std::nullopt;
    return it->second;
  };
}

Settings FileLayer() {
  Settings file;
  file.server = "file.example.vn:7443";
  file.token = "file-token";
  file.key = "/home/a/.config/ocoptrace/key.pem";
  file.key_name = "file-key";
  file.ca_cert = "/etc/file-ca.pem";
  file.log_key = "log+01020304+AAAA";
  return file;
}

TEST(MergeSettingsTest, FileAloneIsUsedAsIs) {
  EXPECT_EQ(MergeSettings(FileLayer(), FakeEnv({}), Settings{}), FileLayer());
}

TEST(MergeSettingsTest, EnvironmentOverridesFile) {
  Settings merged =
      MergeSettings(FileLayer(),
                    FakeEnv({{"OCOPTRACE_SERVER", "env:1"},
                             {"OCOPTRACE_TOKEN", "env-token"},
                             {"OCOPTRACE_KEY", "/env/key.pem"},
                             {"OCOPTRACE_KEY_NAME", "env-key"},
                             {"OCOPTRACE_CA_CERT", "/env/ca.pem"}}),
                    Settings{});
  EXPECT_EQ(merged.server, "env:1");
  EXPECT_EQ(merged.token, "env-token");
  EXPECT_EQ(merged.key, "/env/key.pem");
  EXPECT_EQ(merged.key_name, "env-key");
  EXPECT_EQ(merged.ca_cert, "/env/ca.pem");
  EXPECT_EQ(merged.log_key, "log+01020304+AAAA");  // File only.
}

TEST(MergeSettingsTest, FlagsOverrideEnvironmentAndFile) {
  Settings flags;
  flags.server = "flag:2";
  flags.token = "flag-token";
  flags.log_key = "ignored+00000000+AAAA";  // Never from flags.
  Settings merged = MergeSettings(FileLayer(),
                                  FakeEnv({{"OCOPTRACE_SERVER", "env:1"},
                                           {"OCOPTRACE_TOKEN", "env-token"},
                                           {"OCOPTRACE_KEY", "/env/key.pem"}}),
                                  flags);
  EXPECT_EQ(merged.server, "flag:2");
  EXPECT_EQ(merged.token, "flag-token");
  EXPECT_EQ(merged.key, "/env/key.pem");   // No flag: environment wins.
  EXPECT_EQ(merged.key_name, "file-key");  // Neither: file.
  EXPECT_EQ(merged.log_key, "log+01020304+AAAA");
}

TEST(MergeSettingsTest, EmptyValuesDoNotClearLowerLayers) {
  Settings merged = MergeSettings(
      FileLayer(), FakeEnv({{"OCOPTRACE_SERVER", ""}}), Settings{});
  EXPECT_EQ(merged.server, "file.example.vn:7443");
}

TEST(ConfigFilePathTest, FlagThenEnvironmentThenHome) {
  EXPECT_EQ(*ConfigFilePath("/x/c.json", FakeEnv({{"OCOPTRACE_CONFIG", "/e"},
                                                  {"HOME", "/home/a"}})),
            "/x/c.json");
  EXPECT_EQ(*ConfigFilePath("", FakeEnv({{"OCOPTRACE_CONFIG", "/e/c.json"},
                                         {"HOME", "/home/a"}})),
            "/e/c.json");
  EXPECT_EQ(*ConfigFilePath("", FakeEnv({{"HOME", "/home/a"}})),
            "/home/a/.config/ocoptrace/config.json");
  absl::StatusOr<std::string> none = ConfigFilePath("", FakeEnv({}));
  EXPECT_EQ(none.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(none.status().message(), HasSubstr("OCOPTRACE_CONFIG"));
  EXPECT_EQ(ConfigDirectory("/home/a/.config/ocoptrace/config.json"),
            "/home/a/.config/ocoptrace");
  EXPECT_EQ(ConfigDirectory("config.json"), ".");
}

TEST(ConfigJsonTest, RoundTripsAndOmitsUnset) {
  Settings settings = FileLayer();
  settings.ca_cert.clear();
  std::string json = FormatConfigJson(settings);
  EXPECT_THAT(json, Not(HasSubstr("ca_cert")));
  EXPECT_THAT(json, HasSubstr("\"key_name\": \"file-key\""));
  absl::StatusOr<Settings> parsed = ParseConfigJson(json);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(*parsed, settings);
}

TEST(ConfigJsonTest, IgnoresUnknownKeysAndRejectsBadTypes) {
  absl::StatusOr<Settings> parsed =
      ParseConfigJson(R"({"server": "a:1", "future_setting": 3})");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->server, "a:1");

  absl::StatusOr<Settings> bad = ParseConfigJson(R"({"server": 7443})");
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(bad.status().message(), HasSubstr("\"server\" must be a string"));
  EXPECT_FALSE(ParseConfigJson("[1, 2]").ok());
  EXPECT_FALSE(ParseConfigJson("{not json").ok());
}

TEST(SettingNamesTest, SetAndGetByName) {
  Settings settings;
  ASSERT_TRUE(SetSetting(settings, "key-name", "htx-1").ok());
  ASSERT_TRUE(SetSetting(settings, "log-key", "v").ok());
  EXPECT_EQ(settings.key_name, "htx-1");
  EXPECT_EQ(*GetSetting(settings, "log-key"), "v");
  absl::Status unknown = SetSetting(settings, "colour", "red");
  EXPECT_EQ(unknown.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(unknown.message(),
              HasSubstr("use one of: server, token, key, key-name, ca-cert, "
                        "log-key"));
}

class ConfigFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    directory_ = std::filesystem::temp_directory_path() /
                 ("tracectl-config-" + std::to_string(::getpid()));
    std::filesystem::remove_all(directory_);
  }
  void TearDown() override { std::filesystem::remove_all(directory_); }
  std::filesystem::path directory_;
};

TEST_F(ConfigFileTest, MissingFileIsEmptySettings) {
  absl::StatusOr<Settings> loaded =
      LoadConfigFile((directory_ / "none.json").string());
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(*loaded, Settings{});
}

TEST_F(ConfigFileTest, SaveCreatesPrivateFileAndLoadsBack) {
  std::string path = (directory_ / "sub" / "config.json").string();
  ASSERT_TRUE(SaveConfigFile(path, FileLayer()).ok());
  struct stat info;
  ASSERT_EQ(::stat(path.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600);  // It holds the token.
  ASSERT_EQ(::stat(ConfigDirectory(path).c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0700);
  absl::StatusOr<Settings> loaded = LoadConfigFile(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(*loaded, FileLayer());
}

TEST_F(ConfigFileTest, CorruptFileNamesThePath) {
  std::filesystem::create_directories(directory_);
  std::string path = (directory_ / "config.json").string();
  ASSERT_TRUE(WriteFileAtomically(path, "{oops", 0600).ok());
  absl::StatusOr<Settings> loaded = LoadConfigFile(path);
  EXPECT_EQ(loaded.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(loaded.status().message(), HasSubstr(path));
}

}  // namespace
}  // namespace ocoptrace::client
