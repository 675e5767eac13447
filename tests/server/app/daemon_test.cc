// traced's wiring and maintenance commands: --init (idempotent, token shown
// once), opening an uninitialised or busy directory, --rebuild-state after
// the story (identical derived state) and --add-label-key.

#include "server/app/daemon.h"

#include <sys/stat.h>

#include <filesystem>

#include "core/sha256.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/server/rpc/story.h"
#include "tests/server/rpc/test_client.h"

namespace ocoptrace::app {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;

InitOptions InitFor(const std::string& data_dir, Clock* clock) {
  InitOptions options;
  options.data_dir = data_dir;
  options.origin = "tx.test.example.vn";
  options.admin_name = "admin";
  options.settings.resolver_base = "https://tx.test.example.vn";
  options.clock = clock;
  return options;
}

TEST(InitTest, CreatesTheDirectoryAndTheFirstAdminOnce) {
  rpctest::TempDir temp;
  FakeClock clock(rpctest::TestStartTime());
  absl::StatusOr<InitResult> first = InitDataDir(InitFor(temp.path(), &clock));
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->origin, "tx.test.example.vn/log");
  EXPECT_EQ(first->admin_name, "admin");
  EXPECT_EQ(first->admin_token.size(), 43u);  // 32 bytes, base64url.
  const DataDir dir(temp.path());
  EXPECT_THAT(first->created, Contains(dir.log_key_file()));
  EXPECT_THAT(first->created, Contains(dir.config_file()));
  EXPECT_THAT(first->created, Contains(dir.db() + "/"));
  struct stat st;
  ASSERT_EQ(::stat(dir.db().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);

  absl::StatusOr<InitResult> again = InitDataDir(InitFor(temp.path(), &clock));
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(again->admin_token.empty());
  EXPECT_TRUE(again->created.empty());

  // The settings given at --init are what a plain start uses.
  absl::StatusOr<DaemonConfig> config = ConfigFromDataDir(temp.path());
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->resolver_base, "https://tx.test.example.vn");
  EXPECT_EQ(config->rpc.listen_address, "127.0.0.1:7443");

  // The token works.
  config->clock = &clock;
  absl::StatusOr<std::unique_ptr<Daemon>> daemon = Daemon::Open(*config);
  ASSERT_TRUE(daemon.ok()) << daemon.status();
  absl::StatusOr<trace::Caller> caller =
      (*daemon)->service().Authenticate(first->admin_token);
  ASSERT_TRUE(caller.ok()) << caller.status();
  EXPECT_EQ(caller->role, v1::ROLE_ADMIN);
}

TEST(InitTest, AnotherOriginForAnExistingLogIsRefused) {
  rpctest::TempDir temp;
  FakeClock clock(rpctest::TestStartTime());
  ASSERT_TRUE(InitDataDir(InitFor(temp.path(), &clock)).ok());
  InitOptions other = InitFor(temp.path(), &clock);
  other.origin = "other.example.vn";
  absl::StatusOr<InitResult> result = InitDataDir(other);
  ASSERT_EQ(result.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(result.status().message()),
              HasSubstr("tx.test.example.vn/log"));
}

TEST(InitTest, OriginDefaultsToTheResolverHost) {
  rpctest::TempDir temp;
  FakeClock clock(rpctest::TestStartTime());
  InitOptions options = InitFor(temp.path(), &clock);
  options.origin = "";
  options.settings.resolver_base = "https://tx.ocop.bac-kan.example.vn";
  absl::StatusOr<InitResult> result = InitDataDir(options);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->origin, "tx.ocop.bac-kan.example.vn/log");
}

TEST(DaemonTest, UninitialisedDirectorySaysToRunInit) {
  rpctest::TempDir temp;
  DaemonConfig config;
  config.data_dir = temp.path();
  absl::StatusOr<std::unique_ptr<Daemon>> daemon = Daemon::Open(config);
  ASSERT_EQ(daemon.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(daemon.status().message()),
              HasSubstr("traced --init"));
}

TEST(DaemonTest, ASecondDaemonOnTheSameDirectoryIsRefused) {
  std::unique_ptr<rpctest::TestServer> server = rpctest::TestServer::Start();
  ASSERT_NE(server, nullptr);
  absl::StatusOr<std::unique_ptr<Daemon>> second =
      Daemon::Open(server->config());
  ASSERT_EQ(second.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(second.status().message()),
              HasSubstr("already running"));
}

TEST(DaemonTest, StartTwiceAndAfterShutdownIsRefused) {
  std::unique_ptr<rpctest::TestServer> server = rpctest::TestServer::Start();
  ASSERT_NE(server, nullptr);
  Daemon& daemon = server->daemon();
  EXPECT_GT(daemon.rpc_port(), 0);
  EXPECT_EQ(daemon.Start().code(), absl::StatusCode::kFailedPrecondition);
  daemon.Shutdown(absl::Seconds(1));
  daemon.Wait();                      // Returns at once: already shut down.
  daemon.Shutdown(absl::Seconds(1));  // Idempotent.
}

TEST(DaemonTest, RebuildAfterTheStoryGivesIdenticalState) {
  std::unique_ptr<rpctest::TestServer> server = rpctest::TestServer::Start();
  ASSERT_NE(server, nullptr);
  absl::StatusOr<rpctest::Story> story = rpctest::PlayStory(*server);
  ASSERT_TRUE(story.ok()) << story.status();
  absl::StatusOr<Hash> online = server->daemon().service().DerivedStateDigest();
  ASSERT_TRUE(online.ok()) << online.status();
  const uint64_t entries = server->daemon().service().ledger().size();
  const DaemonConfig config = server->config();
  server->Stop();

  absl::StatusOr<RebuildResult> rebuilt = RebuildDerivedState(config);
  ASSERT_TRUE(rebuilt.ok()) << rebuilt.status();
  EXPECT_EQ(rebuilt->entries_replayed, entries);
  EXPECT_EQ(HashToHex(rebuilt->digest_before), HashToHex(*online));
  EXPECT_EQ(HashToHex(rebuilt->digest_after), HashToHex(*online));

  // And the rebuilt state serves the same answers.
  absl::StatusOr<std::unique_ptr<Daemon>> reopened = Daemon::Open(config);
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  trace::Caller admin;
  admin.principal = "admin";
  admin.role = v1::ROLE_ADMIN;
  v1::GetBatchRequest request;
  request.mutable_batch()->set_gtin(rpctest::kGtin);
  request.mutable_batch()->set_lot(rpctest::kLot);
  absl::StatusOr<v1::Batch> batch =
      (*reopened)->service().GetBatch(admin, request);
  ASSERT_TRUE(batch.ok()) << batch.status();
  EXPECT_EQ(batch->last_step(), "shipping");
  EXPECT_EQ(batch->entries(), 4u);
}

TEST(DaemonTest, AddLabelKeyRotatesAndIsRefusedWhileServing) {
  std::unique_ptr<rpctest::TestServer> server = rpctest::TestServer::Start();
  ASSERT_NE(server, nullptr);
  const DaemonConfig config = server->config();
  const DataDir dir(config.data_dir);

  absl::StatusOr<std::string> busy = AddLabelKey(config);
  ASSERT_EQ(busy.status().code(), absl::StatusCode::kUnavailable);
  struct stat st;
  EXPECT_NE(::stat(dir.label_key_file(2).c_str(), &st), 0)
      << "nothing may be written while traced runs";

  server->Stop();
  absl::StatusOr<std::string> vkey = AddLabelKey(config);
  ASSERT_TRUE(vkey.ok()) << vkey.status();
  EXPECT_EQ(vkey->rfind("tx.test.example.vn/label-2+", 0), 0u) << *vkey;

  absl::StatusOr<std::unique_ptr<Daemon>> reopened = Daemon::Open(config);
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  absl::StatusOr<v1::GetKeysResponse> keys =
      (*reopened)->service().GetKeys(trace::Caller{}, v1::GetKeysRequest());
  ASSERT_TRUE(keys.ok()) << keys.status();
  ASSERT_EQ(keys->label_size(), 2);
  EXPECT_EQ(keys->label(0), *vkey);  // Newest first.
}

}  // namespace
}  // namespace ocoptrace::app
