// tracectl end to end without a server: argument errors, exit codes, init
// and config. (The story against a real traced is tests/e2e.)

#include "client/cli.h"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace ocoptrace::client {
namespace {

using ::testing::HasSubstr;

TEST(ExitCodeTest, DocumentedMapping) {
  EXPECT_EQ(ExitCodeFor(absl::OkStatus()), 0);
  EXPECT_EQ(ExitCodeFor(absl::InvalidArgumentError("x")), 2);
  EXPECT_EQ(ExitCodeFor(absl::FailedPreconditionError("x")), 2);
  EXPECT_EQ(ExitCodeFor(absl::AlreadyExistsError("x")), 2);
  EXPECT_EQ(ExitCodeFor(absl::AbortedError("x")), 2);
  EXPECT_EQ(ExitCodeFor(absl::ResourceExhaustedError("x")), 2);
  EXPECT_EQ(ExitCodeFor(absl::InternalError("x")), 2);
  EXPECT_EQ(ExitCodeFor(absl::NotFoundError("x")), 3);
  EXPECT_EQ(ExitCodeFor(absl::PermissionDeniedError("x")), 3);
  EXPECT_EQ(ExitCodeFor(absl::UnauthenticatedError("x")), 3);
  EXPECT_EQ(ExitCodeFor(VerificationError("x")), 4);
  EXPECT_EQ(ExitCodeFor(absl::UnavailableError("x")), 5);
  EXPECT_EQ(ExitCodeFor(absl::DeadlineExceededError("x")), 5);
}

TEST(LoopbackTest, OnlyLoopbackHostsArePlaintext) {
  EXPECT_TRUE(IsLoopbackServer("127.0.0.1:7443"));
  EXPECT_TRUE(IsLoopbackServer("127.1.2.3:1"));
  EXPECT_TRUE(IsLoopbackServer("localhost:7443"));
  EXPECT_TRUE(IsLoopbackServer("[::1]:7443"));
  EXPECT_FALSE(IsLoopbackServer("tx.ocop.example.vn:443"));
  EXPECT_FALSE(IsLoopbackServer("10.0.0.5:7443"));
  EXPECT_FALSE(IsLoopbackServer("[2001:db8::1]:7443"));
  EXPECT_FALSE(IsLoopbackServer("127.example.com:1"));
}

class TracectlTest : public ::testing::Test {
 protected:
  void SetUp() override {
    home_ = std::filesystem::temp_directory_path() /
            ("tracectl-cli-" + std::to_string(::getpid()));
    std::filesystem::remove_all(home_);
    std::filesystem::create_directories(home_);
  }
  void TearDown() override { std::filesystem::remove_all(home_); }

  // Runs tracectl with `args`; returns the exit code.
  int Run(std::vector<std::string> args) {
    out_.str("");
    err_.str("");
    std::vector<const char*> argv = {"tracectl"};
    for (const std::string& arg : args) argv.push_back(arg.c_str());
    std::string home = home_.string();
    Cli cli(out_, err_, &clock_,
            [home](const char* name) -> std::optional<std::string> {
              if (std::string(name) == "HOME") return home;
              if (std::string(name) == "USER") return std::string("tester");
              return std::nullopt;
            });
    return RunTracectl(static_cast<int>(argv.size()), argv.data(), cli);
  }

  std::string ConfigPath() const {
    return (home_ / ".config/ocoptrace/config.json").string();
  }

  std::filesystem::path home_;
  std::ostringstream out_;
  std::ostringstream err_;
  FakeClock clock_{absl::FromUnixSeconds(1711069200)};
};

TEST_F(TracectlTest, NoSubcommandIsAUsageError) {
  EXPECT_EQ(Run({}), 1);
  EXPECT_EQ(Run({"batch"}), 1);
  EXPECT_EQ(Run({"batch", "create", "--gtin", "8934563123451"}), 1);
  EXPECT_THAT(err_.str(), HasSubstr("--lot"));
  EXPECT_EQ(Run({"--help"}), 0);
}

TEST_F(TracectlTest, InitMakesAPrivateKeyAndIsIdempotent) {
  ASSERT_EQ(Run({"init", "--name", "htx-tai-hoan-1", "--no-pin", "--json"}), 0)
      << err_.str();
  nlohmann::json first = nlohmann::json::parse(out_.str());
  EXPECT_EQ(first["key_name"], "htx-tai-hoan-1");
  EXPECT_TRUE(first["key_created"].get<bool>());
  std::string vkey = first["vkey"];
  EXPECT_EQ(vkey.rfind("htx-tai-hoan-1+", 0), 0u);
  EXPECT_TRUE(ParseVkey(vkey).ok());

  struct stat info;
  std::string key_path = first["key"];
  ASSERT_EQ(::stat(key_path.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600);

  ASSERT_EQ(Run({"init", "--no-pin", "--json"}), 0) << err_.str();
  nlohmann::json second = nlohmann::json::parse(out_.str());
  EXPECT_FALSE(second["key_created"].get<bool>());
  EXPECT_EQ(second["vkey"], vkey);  // Same key, same name.

  ASSERT_EQ(Run({"key", "mine"}), 0);
  EXPECT_EQ(out_.str(), vkey + "\n");
}

TEST_F(TracectlTest, ConfigSetValidatesAndShowMasksTheToken) {
  EXPECT_EQ(Run({"config", "set", "server", "127.0.0.1:7443"}), 0);
  EXPECT_EQ(Run({"config", "set", "token", "abcdefghijklmnopqrstuvwxyz"}), 0);
  EXPECT_EQ(Run({"config", "set", "log-key", "not-a-vkey"}), 2);
  EXPECT_THAT(err_.str(), HasSubstr("error: log-key:"));
  EXPECT_EQ(Run({"config", "set", "colour", "red"}), 2);
  EXPECT_EQ(Run({"config", "show"}), 0);
  EXPECT_THAT(out_.str(), HasSubstr("server:    127.0.0.1:7443"));
  EXPECT_THAT(out_.str(), HasSubstr("abcd…(26 characters)"));
  EXPECT_THAT(out_.str(), Not(HasSubstr("abcdefghijklmnopqrstuvwxyz")));
  EXPECT_THAT(out_.str(), HasSubstr("plaintext (loopback)"));
  EXPECT_EQ(Run({"config", "get", "token"}), 0);
  EXPECT_EQ(out_.str(), "abcdefghijklmnopqrstuvwxyz\n");
  // Flags override the file for one call.
  EXPECT_EQ(Run({"config", "get", "server", "--server", "tx.example.vn:443"}),
            0);
  EXPECT_EQ(out_.str(), "tx.example.vn:443\n");
}

TEST_F(TracectlTest, BadIdentifiersFailLocallyWithExitCode2) {
  EXPECT_EQ(
      Run({"--server", "127.0.0.1:1", "batch", "get", "8934563123452/L1"}), 2);
  EXPECT_THAT(err_.str(),
              HasSubstr("error: GTIN 8934563123452: check digit should be 1"));
  EXPECT_EQ(Run({"--server", "127.0.0.1:1", "history", "8934563123451/Lô1"}),
            2);
  EXPECT_THAT(err_.str(), HasSubstr("error: lot (AI 10): 'ô' at position 2"));
  EXPECT_EQ(
      Run({"cert", "list", "--expiring", "90x", "--server", "127.0.0.1:1"}), 2);
  EXPECT_THAT(err_.str(), HasSubstr("like 90d"));
}

TEST_F(TracectlTest, SigningWithoutAKeySaysToRunInit) {
  EXPECT_EQ(Run({"--server", "127.0.0.1:1", "batch", "create", "--gtin",
                 "8934563123451", "--lot", "L1", "--production-date",
                 "2024-03-22", "--quantity", "500", "--unit", "KGM"}),
            2);
  EXPECT_THAT(err_.str(), HasSubstr("run `tracectl init`"));
}

TEST_F(TracectlTest, UnreachableServerIsExitCode5) {
  EXPECT_EQ(
      Run({"--server", "127.0.0.1:1", "--timeout", "5", "log", "checkpoint"}),
      5);
  EXPECT_THAT(err_.str(), HasSubstr("cannot reach traced at 127.0.0.1:1"));
  EXPECT_EQ(Run({"whoami"}), 2);  // No server configured at all.
  EXPECT_THAT(err_.str(), HasSubstr("no server configured"));
}

}  // namespace
}  // namespace ocoptrace::client
