#include "server/ledger/ledger.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include "core/merkle.h"
#include "server/storage/memory_store.h"
#include "server/storage/rocksdb_store.h"
#include "tests/server/ledger/ledger_test_util.h"

namespace ocoptrace::ledger {
namespace {

using ::ocoptrace::ledger::testing::TestActor;
using ::ocoptrace::ledger::testing::TestLogKey;
using ::testing::HasSubstr;

constexpr int64_t kNow = 1700000000;

class LedgerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    keys_.Add(alice_.verifier());
    keys_.Add(bob_.verifier());
    Reopen();
  }

  void Reopen() {
    ledger_.reset();
    LedgerOptions options;
    options.checkpoint_interval = absl::ZeroDuration();
    options.max_body_bytes = 1024;
    auto ledger = Ledger::Open(&store_, &keys_, log_key_, &clock_, options);
    ASSERT_TRUE(ledger.ok()) << ledger.status();
    ledger_ = std::move(*ledger);
  }

  // Appends the actor's next entry on `subject`; expects success.
  AppendResult AppendOk(TestActor& actor, const std::string& subject,
                        const std::string& body) {
    std::string entry = actor.NextEntry(subject, body);
    auto result = ledger_->Append(entry, body);
    EXPECT_TRUE(result.ok()) << result.status();
    if (!result.ok()) return {};
    actor.Accept(subject, entry);
    return *result;
  }

  // Expects `entry` to be refused with `code` and nothing to be written.
  void ExpectRefused(const std::string& entry, const std::string& body,
                     absl::StatusCode code, const std::string& message_part) {
    uint64_t size_before = ledger_->size();
    auto head_before = ledger_->Head("batch/1");
    auto result = ledger_->Append(entry, body);
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.status().code(), code) << result.status();
    EXPECT_THAT(std::string(result.status().message()), HasSubstr(message_part));
    EXPECT_EQ(ledger_->size(), size_before);
    auto head_after = ledger_->Head("batch/1");
    EXPECT_EQ(head_after->next_seq, head_before->next_seq);
    EXPECT_EQ(head_after->last_hash, head_before->last_hash);
  }

  storage::MemoryStore store_;
  StaticKeyResolver keys_;
  FakeClock clock_{absl::FromUnixSeconds(kNow)};
  NoteSigner log_key_ = TestLogKey();
  TestActor alice_{"alice.producer"};
  TestActor bob_{"bob.producer"};
  std::unique_ptr<Ledger> ledger_;
};

TEST_F(LedgerTest, AppendsChainAndReadsBack) {
  AppendResult first = AppendOk(alice_, "batch/1", "harvest");
  AppendResult second = AppendOk(bob_, "batch/2", "other");
  AppendResult third = AppendOk(alice_, "batch/1", "packing");
  EXPECT_EQ(first.index, 0u);
  EXPECT_EQ(second.index, 1u);
  EXPECT_EQ(third.index, 2u);
  EXPECT_EQ(third.header.seq, 1u);
  EXPECT_EQ(third.header.prev, first.entry_hash);
  EXPECT_EQ(ledger_->size(), 3u);

  auto head = ledger_->Head("batch/1");
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head->next_seq, 2u);
  EXPECT_EQ(head->last_hash, third.entry_hash);
  EXPECT_EQ(head->last_index, 2u);

  auto entries = ledger_->SubjectEntries("batch/1");
  ASSERT_TRUE(entries.ok());
  ASSERT_EQ(entries->size(), 2u);
  EXPECT_EQ((*entries)[0].body, "harvest");
  EXPECT_EQ((*entries)[1].body, "packing");
  EXPECT_EQ((*entries)[1].index, 2u);
  EXPECT_EQ(EntryHash((*entries)[0].entry), first.entry_hash);

  auto stored = ledger_->Entry(1);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->body, "other");
  EXPECT_EQ(ledger_->Entry(3).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(*ledger_->SubjectEntryIndex("batch/1", 1), 2u);

  auto empty = ledger_->Head("batch/none");
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->next_seq, 0u);
  EXPECT_EQ(empty->last_hash, Hash{});
  // A subject that is a prefix of another does not see its entries.
  AppendOk(alice_, "batch/1/x", "nested");
  EXPECT_EQ(ledger_->SubjectEntries("batch/1")->size(), 2u);
}

TEST_F(LedgerTest, CheckpointsAndProofsVerify) {
  std::vector<AppendResult> results;
  std::vector<std::string> entries;
  for (int i = 0; i < 13; ++i) {
    results.push_back(AppendOk(alice_, "batch/" + std::to_string(i % 3),
                               "body " + std::to_string(i)));
  }
  EXPECT_EQ(ledger_->LatestCheckpoint().status().code(),
            absl::StatusCode::kNotFound);
  auto first = ledger_->CheckpointNow();
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->checkpoint.size, 13u);
  auto opened = OpenCheckpoint(first->note, ledger_->log_key());
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(opened->origin, "log.test.ocoptrace");

  for (const AppendResult& r : results) {
    auto proof = ledger_->InclusionProof(r.index, 13);
    ASSERT_TRUE(proof.ok()) << proof.status();
    auto entry = ledger_->Entry(r.index);
    EXPECT_TRUE(VerifyInclusion(r.index, 13, LeafHash(entry->entry), *proof,
                                opened->root)
                    .ok());
  }
  // Proofs only at checkpointed sizes.
  EXPECT_EQ(ledger_->InclusionProof(0, 12).status().code(),
            absl::StatusCode::kFailedPrecondition);

  for (int i = 0; i < 7; ++i) AppendOk(bob_, "batch/9", "more");
  auto second = ledger_->CheckpointNow();
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->checkpoint.size, 20u);
  auto proof = ledger_->ConsistencyProof(13, 20);
  ASSERT_TRUE(proof.ok()) << proof.status();
  EXPECT_TRUE(VerifyConsistency(13, 20, *proof, first->checkpoint.root,
                                second->checkpoint.root)
                  .ok());
  // Nothing new: the same checkpoint comes back.
  EXPECT_EQ(ledger_->CheckpointNow()->note, second->note);
  EXPECT_EQ(ledger_->CheckpointAt(13)->note, first->note);
  EXPECT_EQ(ledger_->CheckpointCovering(20)->note, second->note);

  // The level-0 nodes are the leaf hashes.
  auto nodes = ledger_->Nodes(0, 0, 20);
  ASSERT_TRUE(nodes.ok());
  EXPECT_EQ((*nodes)[5], LeafHash(ledger_->Entry(5)->entry));
  EXPECT_EQ(ledger_->Nodes(0, 0, 21).status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(LedgerTest, RefusesBadEntriesAndWritesNothing) {
  AppendOk(alice_, "batch/1", "first");

  // Stale prev: a second writer that has not seen the first entry.
  TestActor stale_alice("alice.producer", alice_.signer().key.seed());
  ExpectRefused(stale_alice.NextEntry("batch/1", "late"), "late",
                absl::StatusCode::kAborted, "stale chain head");

  // Right prev but wrong seq.
  EntryHeader header;
  header.kind = "test.event";
  header.subject = "batch/1";
  header.seq = 5;
  header.prev = ledger_->Head("batch/1")->last_hash;
  header.time = Timestamp{kNow, 420};
  header.body_hash = Sha256("x");
  ExpectRefused(alice_.Sign(header), "x", absl::StatusCode::kAborted,
                "seq 5");

  // Wrong signature: flip one character of the signature line.
  std::string entry = alice_.NextEntry("batch/1", "body");
  std::string tampered = entry;
  tampered[tampered.size() - 10] =
      tampered[tampered.size() - 10] == 'A' ? 'B' : 'A';
  ExpectRefused(tampered, "body", absl::StatusCode::kInvalidArgument,
                "signature");

  // Unknown key.
  TestActor mallory("mallory.producer");
  ExpectRefused(mallory.NextEntry("batch/1", "body"), "body",
                absl::StatusCode::kPermissionDenied, "mallory.producer");

  // Malformed note.
  ExpectRefused("ocoptrace/entry/v1\nkind x\n", "body",
                absl::StatusCode::kInvalidArgument, "malformed entry");

  // Body does not match its hash.
  ExpectRefused(entry, "another body", absl::StatusCode::kInvalidArgument,
                "body does not match");

  // Oversized body.
  std::string big(2000, 'x');
  ExpectRefused(alice_.NextEntry("batch/1", big), big,
                absl::StatusCode::kInvalidArgument, "limit is 1024");

  // Too far in the future.
  ExpectRefused(alice_.NextEntry("batch/1", "b", "test.event", kNow + 3600),
                "b", absl::StatusCode::kInvalidArgument, "in the future");

  // After all that, the chain still continues normally.
  EXPECT_EQ(AppendOk(alice_, "batch/1", "second").header.seq, 1u);
}

TEST_F(LedgerTest, RevokedKeySignsNothingNewButOldEntriesStay) {
  AppendOk(bob_, "batch/1", "before");
  keys_.Remove(bob_.signer().name, bob_.signer().key_id);
  ExpectRefused(bob_.NextEntry("batch/1", "after"), "after",
                absl::StatusCode::kPermissionDenied, "not signed by an active");
  EXPECT_EQ(ledger_->SubjectEntries("batch/1")->size(), 1u);
}

TEST_F(LedgerTest, DerivedStateCommitsWithTheEntryOrNotAtAll) {
  std::string body = "with state";
  std::string entry = alice_.NextEntry("batch/1", body);
  auto verified = ledger_->Verify(entry, body);
  ASSERT_TRUE(verified.ok());
  storage::WriteBatch derived;
  derived.Put(storage::Column::kState, "batch/1", "state v1");
  ASSERT_TRUE(ledger_->Append(std::move(*verified), derived).ok());
  alice_.Accept("batch/1", entry);
  EXPECT_EQ(*store_.Latest().Get(storage::Column::kState, "batch/1"),
            "state v1");

  // A refused (stale) entry's derived state is not written.
  TestActor stale("alice.producer", alice_.signer().key.seed());
  std::string stale_entry = stale.NextEntry("batch/1", "stale");
  auto stale_verified = ledger_->Verify(stale_entry, "stale");
  ASSERT_TRUE(stale_verified.ok());
  storage::WriteBatch stale_derived;
  stale_derived.Put(storage::Column::kState, "batch/1", "state STALE");
  EXPECT_EQ(ledger_->Append(std::move(*stale_verified), stale_derived)
                .status()
                .code(),
            absl::StatusCode::kAborted);
  EXPECT_EQ(*store_.Latest().Get(storage::Column::kState, "batch/1"),
            "state v1");
}

TEST_F(LedgerTest, AfterAFailedWriteTheLedgerRefusesWrites) {
  AppendOk(alice_, "batch/1", "ok");
  store_.FailWritesWith(absl::UnavailableError("disk on fire"));
  std::string entry = alice_.NextEntry("batch/1", "lost");
  auto result = ledger_->Append(entry, "lost");
  ASSERT_FALSE(result.ok());
  EXPECT_THAT(std::string(result.status().message()), HasSubstr("disk on fire"));
  EXPECT_FALSE(ledger_->health().ok());

  store_.FailWritesWith(absl::OkStatus());  // The disk recovers...
  auto again = ledger_->Append(entry, "lost");
  ASSERT_FALSE(again.ok());  // ...but the ledger stays stopped until reopened.
  EXPECT_EQ(again.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ledger_->size(), 1u);

  Reopen();
  EXPECT_EQ(ledger_->size(), 1u);
  ASSERT_TRUE(ledger_->Append(entry, "lost").ok());
}

TEST_F(LedgerTest, ConcurrentAppendersShareSyncsAndKeepChains) {
  constexpr int kThreads = 8;
  constexpr int kPerThread = 150;
  std::vector<std::unique_ptr<TestActor>> actors;
  for (int t = 0; t < kThreads; ++t) {
    actors.push_back(std::make_unique<TestActor>("actor" + std::to_string(t)));
    keys_.Add(actors.back()->verifier());
  }
  std::atomic<int> aborted{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      TestActor& actor = *actors[t];
      for (int i = 0; i < kPerThread; ++i) {
        std::string subject = "batch/t" + std::to_string(t);
        std::string body = std::to_string(i);
        std::string entry = actor.NextEntry(subject, body);
        auto result = ledger_->Append(entry, body);
        ASSERT_TRUE(result.ok()) << result.status();
        actor.Accept(subject, entry);
        // Everyone also appends to one shared subject, retrying on ABORTED.
        if (i % 10 == 0) {
          for (;;) {
            auto head = ledger_->Head("batch/shared");
            EntryHeader header;
            header.kind = "test.event";
            header.subject = "batch/shared";
            header.seq = head->next_seq;
            header.prev = head->last_hash;
            header.time = Timestamp{kNow, 420};
            header.body_hash = Sha256(body);
            auto shared = ledger_->Append(actor.Sign(header), body);
            if (shared.ok()) break;
            ASSERT_EQ(shared.status().code(), absl::StatusCode::kAborted);
            aborted++;
          }
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(ledger_->size(), kThreads * kPerThread + kThreads * kPerThread / 10);
  for (int t = 0; t < kThreads; ++t) {
    auto entries = ledger_->SubjectEntries("batch/t" + std::to_string(t));
    ASSERT_EQ(entries->size(), static_cast<size_t>(kPerThread));
    Hash prev{};
    for (size_t i = 0; i < entries->size(); ++i) {
      auto parsed = ParseEntry((*entries)[i].entry);
      ASSERT_TRUE(parsed.ok());
      EXPECT_EQ(parsed->header.seq, i);
      EXPECT_EQ(parsed->header.prev, prev);
      prev = EntryHash((*entries)[i].entry);
    }
  }
  EXPECT_EQ(ledger_->Head("batch/shared")->next_seq,
            static_cast<uint64_t>(kThreads * kPerThread / 10));
  auto checkpoint = ledger_->CheckpointNow();
  ASSERT_TRUE(checkpoint.ok());
  EXPECT_EQ(checkpoint->checkpoint.size, ledger_->size());
}

TEST_F(LedgerTest, BackgroundCheckpointerPublishesWhileEntriesArrive) {
  ledger_.reset();
  LedgerOptions options;
  options.checkpoint_interval = absl::Milliseconds(50);
  auto ledger = Ledger::Open(&store_, &keys_, log_key_, &clock_, options);
  ASSERT_TRUE(ledger.ok());
  ledger_ = std::move(*ledger);
  AppendOk(alice_, "batch/1", "a");
  for (int i = 0; i < 100 && !ledger_->LatestCheckpoint().ok(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  auto checkpoint = ledger_->LatestCheckpoint();
  ASSERT_TRUE(checkpoint.ok());
  EXPECT_EQ(checkpoint->checkpoint.size, 1u);
}

TEST(LedgerRocksDb, RecoversAfterReopenAndRejectsAnotherLogKey) {
  std::string dir = ::testing::TempDir() + "/ledger_reopen_" +
                    std::to_string(::getpid());
  std::filesystem::remove_all(dir);
  StaticKeyResolver keys;
  TestActor alice("alice.producer");
  keys.Add(alice.verifier());
  FakeClock clock(absl::FromUnixSeconds(kNow));
  NoteSigner log_key = TestLogKey();
  LedgerOptions options;
  options.checkpoint_interval = absl::ZeroDuration();
  Hash root;
  {
    auto store = storage::OpenRocksDbStore({.path = dir});
    ASSERT_TRUE(store.ok()) << store.status();
    auto ledger = Ledger::Open(store->get(), &keys, log_key, &clock, options);
    ASSERT_TRUE(ledger.ok());
    for (int i = 0; i < 5; ++i) {
      std::string entry = alice.NextEntry("batch/1", "b");
      ASSERT_TRUE((*ledger)->Append(entry, "b").ok());
      alice.Accept("batch/1", entry);
    }
    root = (*ledger)->CheckpointNow()->checkpoint.root;
  }
  {
    auto store = storage::OpenRocksDbStore({.path = dir});
    ASSERT_TRUE(store.ok());
    auto ledger = Ledger::Open(store->get(), &keys, log_key, &clock, options);
    ASSERT_TRUE(ledger.ok()) << ledger.status();
    EXPECT_EQ((*ledger)->size(), 5u);
    EXPECT_EQ((*ledger)->LatestCheckpoint()->checkpoint.root, root);
    std::string entry = alice.NextEntry("batch/1", "b");
    EXPECT_EQ((*ledger)->Append(entry, "b")->header.seq, 5u);
  }
  {
    auto store = storage::OpenRocksDbStore({.path = dir});
    ASSERT_TRUE(store.ok());
    auto ledger =
        Ledger::Open(store->get(), &keys, TestLogKey(), &clock, options);
    ASSERT_FALSE(ledger.ok());
    EXPECT_EQ(ledger.status().code(), absl::StatusCode::kFailedPrecondition);
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace ocoptrace::ledger
