// Durability: a real child process appends from many threads to a RocksDB
// ledger and is killed with SIGKILL at a random moment. After a restart every
// acknowledged entry must be present with its chain intact, and the new
// checkpoint must be consistent with the last one seen before the kill.
//
// LEDGER_CRASH_ROUNDS (default 3) sets how many kill/restart rounds run;
// bench/ledger_crash_soak.sh runs many more.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <random>
#include <sstream>
#include <thread>

#include "absl/strings/escaping.h"
#include "core/merkle.h"
#include "server/ledger/ledger.h"
#include "server/storage/rocksdb_store.h"
#include "tests/server/ledger/ledger_crash_common.h"

namespace ocoptrace::ledger {
namespace {

constexpr int kThreads = 16;

struct Ack {
  std::string subject;
  uint64_t seq;
  uint64_t index;
  std::string hash_hex;
};

struct SeenCheckpoint {
  uint64_t size = 0;
  std::string root_hex;
};

// Runs the child for `run_for`, then SIGKILLs it. Returns what it reported.
void RunAndKill(const std::string& dir, std::chrono::milliseconds run_for,
                std::vector<Ack>& acks, SeenCheckpoint& checkpoint) {
  int pipe_fds[2];
  ASSERT_EQ(pipe(pipe_fds), 0);
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    dup2(pipe_fds[1], STDOUT_FILENO);
    close(pipe_fds[0]);
    close(pipe_fds[1]);
    std::string threads = std::to_string(kThreads);
    execl(LEDGER_CRASH_CHILD, LEDGER_CRASH_CHILD, dir.c_str(), threads.c_str(),
          static_cast<char*>(nullptr));
    _exit(127);
  }
  close(pipe_fds[1]);
  // Kill from another thread while this one reads.
  std::thread killer([&] {
    std::this_thread::sleep_for(run_for);
    kill(pid, SIGKILL);
  });
  FILE* in = fdopen(pipe_fds[0], "r");
  char line[512];
  while (fgets(line, sizeof line, in) != nullptr) {
    std::istringstream parts(line);
    std::string tag;
    parts >> tag;
    if (tag == "ACK") {
      Ack ack;
      parts >> ack.subject >> ack.seq >> ack.index >> ack.hash_hex;
      acks.push_back(ack);
    } else if (tag == "CKPT") {
      parts >> checkpoint.size >> checkpoint.root_hex;
    }
  }
  fclose(in);
  killer.join();
  int status = 0;
  waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
      << "the child exited on its own with status " << status;
}

TEST(LedgerCrash, AcknowledgedEntriesSurviveKill9) {
  int rounds = 3;
  if (const char* env = std::getenv("LEDGER_CRASH_ROUNDS")) {
    rounds = std::atoi(env);
  }
  std::string dir =
      ::testing::TempDir() + "/ledger_crash_" + std::to_string(::getpid());
  std::filesystem::remove_all(dir);
  std::mt19937 random(std::random_device{}());
  std::uniform_int_distribution<int> delay_ms(150, 900);
  std::map<std::string, std::map<uint64_t, Ack>> acked;  // subject → seq → ack
  SeenCheckpoint last_seen;
  size_t total_acks = 0;

  for (int round = 0; round < rounds; ++round) {
    SCOPED_TRACE(testing::Message() << "round " << round);
    std::vector<Ack> acks;
    SeenCheckpoint seen = last_seen;
    RunAndKill(dir, std::chrono::milliseconds(delay_ms(random)), acks, seen);
    ASSERT_FALSE(::testing::Test::HasFatalFailure());
    for (const Ack& ack : acks) acked[ack.subject][ack.seq] = ack;
    total_acks += acks.size();
    last_seen = seen;

    // Restart in-process and check everything that was acknowledged.
    auto store = storage::OpenRocksDbStore({.path = dir});
    ASSERT_TRUE(store.ok()) << store.status();
    StaticKeyResolver keys;
    for (int t = 0; t < kThreads; ++t) {
      keys.Add(VerifierOf(crash_test::ActorKey(t)));
    }
    LedgerOptions options;
    options.checkpoint_interval = absl::ZeroDuration();
    auto ledger = Ledger::Open(store->get(), &keys, crash_test::LogKey(),
                               Clock::Real(), options);
    ASSERT_TRUE(ledger.ok()) << ledger.status();
    for (const auto& [subject, by_seq] : acked) {
      auto entries = (*ledger)->SubjectEntries(subject, 0, 1 << 30);
      ASSERT_TRUE(entries.ok());
      ASSERT_GE(entries->size(), by_seq.rbegin()->first + 1)
          << subject << ": an acknowledged entry is missing";
      Hash prev{};
      for (size_t seq = 0; seq < entries->size(); ++seq) {
        const StoredEntry& stored = (*entries)[seq];
        auto parsed = ParseEntry(stored.entry);
        ASSERT_TRUE(parsed.ok());
        ASSERT_EQ(parsed->header.seq, seq);
        ASSERT_EQ(parsed->header.prev, prev) << subject << " chain broken";
        prev = EntryHash(stored.entry);
        auto ack = by_seq.find(seq);
        if (ack != by_seq.end()) {
          EXPECT_EQ(ack->second.index, stored.index);
          EXPECT_EQ(ack->second.hash_hex, HashToHex(prev));
        }
      }
    }
    auto checkpoint = (*ledger)->CheckpointNow();
    ASSERT_TRUE(checkpoint.ok()) << checkpoint.status();
    if (last_seen.size > 0) {
      auto before = (*ledger)->CheckpointAt(last_seen.size);
      ASSERT_TRUE(before.ok()) << before.status();
      ASSERT_EQ(HashToHex(before->checkpoint.root), last_seen.root_hex);
      auto proof = (*ledger)->ConsistencyProof(last_seen.size,
                                               checkpoint->checkpoint.size);
      ASSERT_TRUE(proof.ok()) << proof.status();
      EXPECT_TRUE(VerifyConsistency(last_seen.size, checkpoint->checkpoint.size,
                                    *proof, before->checkpoint.root,
                                    checkpoint->checkpoint.root)
                      .ok());
    }
    last_seen = {checkpoint->checkpoint.size,
                 HashToHex(checkpoint->checkpoint.root)};
  }
  std::printf("crash test: %d rounds, %zu acknowledged entries, all present\n",
              rounds, total_acks);
  EXPECT_GT(total_acks, 0u);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace ocoptrace::ledger
