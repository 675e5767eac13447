#include "client/verify_history.h"

#include <string>
#include <vector>

#include "core/checkpoint.h"
#include "core/ed25519.h"
#include "core/log_entry.h"
#include "core/merkle.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace ocoptrace::client {
namespace {

using ::testing::HasSubstr;

constexpr char kSubject[] = "batch/08934563123451/L2024A";

NoteSigner Signer(const std::string& name, char seed_byte) {
  return *MakeNoteSigner(
      name, *Ed25519PrivateKey::FromSeed(std::string(32, seed_byte)));
}

// A log built by hand: unrelated entries interleaved with a batch's chain
// of four (batch.created, commissioning, packing, shipping).
class HandBuiltLog : public ::testing::Test {
 protected:
  void SetUp() override {
    AppendOther("producer/htx-tai-hoan");
    AppendChain("batch.created", "lot L2024A");
    AppendChain("event.commissioning", "harvest");
    AppendOther("product/08934563123451");
    AppendChain("event.packing", "500 KGM");
    AppendOther("producer/htx-khac");
    AppendOther("producer/htx-khac-2");
    AppendChain("event.shipping", "to Co.opmart");
  }

  static std::string SignedEntryBytes(const NoteSigner& signer,
                                      const std::string& kind,
                                      const std::string& subject, uint64_t seq,
                                      const Hash& prev,
                                      const std::string& body) {
    EntryHeader header;
    header.kind = kind;
    header.subject = subject;
    header.seq = seq;
    header.prev = prev;
    header.time = Timestamp{1711069200 + static_cast<int64_t>(seq) * 3600, 420};
    header.body_hash = Sha256(body);
    return *SignEntry(header, signer);
  }

  void AppendOther(const std::string& subject) {
    leaves_.push_back(SignedEntryBytes(other_, "producer.registered", subject,
                                       0, Hash{}, "other"));
  }

  void AppendChain(const std::string& kind, const std::string& body) {
    Hash prev = chain_.empty() ? Hash{} : EntryHash(leaves_[chain_.back()]);
    leaves_.push_back(
        SignedEntryBytes(producer_, kind, kSubject, chain_.size(), prev, body));
    chain_.push_back(leaves_.size() - 1);
    bodies_.push_back(body);
  }

  std::vector<Hash> LeafHashes() const {
    std::vector<Hash> hashes;
    for (const std::string& leaf : leaves_) hashes.push_back(LeafHash(leaf));
    return hashes;
  }

  std::string CheckpointNote(const NoteSigner& key, uint64_t size) const {
    std::vector<Hash> hashes = LeafHashes();
    hashes.resize(size);
    return *SignCheckpoint({key.name, size, RootOfLeafHashes(hashes), {}}, key);
  }

  // What Trace.GetHistory would return for the chain.
  v1::GetHistoryResponse History() const {
    v1::GetHistoryResponse history;
    history.set_checkpoint(CheckpointNote(log_, leaves_.size()));
    std::vector<Hash> hashes = LeafHashes();
    for (size_t i = 0; i < chain_.size(); ++i) {
      uint64_t index = chain_[i];
      v1::HistoryItem* item = history.add_items();
      v1::ProvenEntry* proven = item->mutable_proven();
      proven->mutable_entry()->set_index(index);
      proven->mutable_entry()->set_entry(leaves_[index]);
      proven->mutable_entry()->set_body(bodies_[i]);
      proven->set_tree_size(leaves_.size());
      for (const Hash& hash :
           ReferenceInclusionProof(hashes, index, leaves_.size())) {
        proven->add_inclusion_proof(HashToBytes(hash));
      }
      item->set_signer(producer_.name);
    }
    return history;
  }

  HistoryVerification Verify(const v1::GetHistoryResponse& history) const {
    return VerifyHistory(history, kSubject, VerifierOf(log_),
                         {VerifierOf(producer_), VerifierOf(other_)});
  }

  NoteSigner log_ = Signer("log.ocop.test", 1);
  NoteSigner producer_ = Signer("htx-tai-hoan-1", 2);
  NoteSigner other_ = Signer("authority.ocop.test", 3);
  std::vector<std::string> leaves_;
  std::vector<size_t> chain_;
  std::vector<std::string> bodies_;
};

TEST_F(HandBuiltLog, GoodHistoryVerifiesEveryEntry) {
  HistoryVerification result = Verify(History());
  ASSERT_TRUE(result.checkpoint_status.ok()) << result.checkpoint_status;
  EXPECT_EQ(result.checkpoint.size, 8u);
  ASSERT_EQ(result.entries.size(), 4u);
  for (const EntryCheck& check : result.entries) {
    EXPECT_TRUE(check.ok()) << check.problems.front();
    EXPECT_TRUE(check.signature_ok && check.chain_ok && check.body_ok &&
                check.inclusion_ok);
    EXPECT_EQ(check.signer, "htx-tai-hoan-1");
  }
  EXPECT_EQ(result.entries[3].index, 7u);
  EXPECT_EQ(result.entries[3].header->kind, "event.shipping");
  EXPECT_TRUE(result.ok());
  EXPECT_EQ(result.verified_count(), 4u);
}

TEST_F(HandBuiltLog, TamperedBodyIsCaught) {
  v1::GetHistoryResponse history = History();
  history.mutable_items(2)->mutable_proven()->mutable_entry()->set_body(
      "5000 KGM");
  HistoryVerification result = Verify(history);
  EXPECT_FALSE(result.ok());
  EXPECT_EQ(result.verified_count(), 3u);
  const EntryCheck& tampered = result.entries[2];
  EXPECT_FALSE(tampered.body_ok);
  EXPECT_TRUE(tampered.signature_ok);  // The entry itself is intact.
  EXPECT_TRUE(tampered.inclusion_ok);
  EXPECT_THAT(tampered.problems[0], HasSubstr("body does not match"));
}

TEST_F(HandBuiltLog, BrokenChainIsCaught) {
  // The server drops the commissioning entry from the history: packing's
  // prev no longer links to what came before it.
  v1::GetHistoryResponse history = History();
  history.mutable_items()->DeleteSubrange(1, 1);
  HistoryVerification result = Verify(history);
  EXPECT_FALSE(result.ok());
  EXPECT_TRUE(result.entries[0].ok());
  EXPECT_FALSE(result.entries[1].chain_ok);
  EXPECT_TRUE(result.entries[1].signature_ok);
  EXPECT_THAT(result.entries[1].problems,
              testing::Contains(HasSubstr("seq 2 but is item 1")));
  EXPECT_THAT(result.entries[1].problems,
              testing::Contains(HasSubstr("the chain is broken")));
}

TEST_F(HandBuiltLog, ForgedLinkSignedByTheProducerIsStillABrokenChain) {
  // A properly signed entry whose prev points elsewhere.
  leaves_[chain_[2]] =
      SignedEntryBytes(producer_, "event.packing", kSubject, 2,
                       Sha256("not the previous entry"), bodies_[2]);
  HistoryVerification result = Verify(History());
  EXPECT_TRUE(result.entries[2].signature_ok);
  EXPECT_TRUE(result.entries[2].inclusion_ok);
  EXPECT_FALSE(result.entries[2].chain_ok);
  // The next entry linked to the original packing entry: broken too.
  EXPECT_FALSE(result.entries[3].chain_ok);
  EXPECT_EQ(result.verified_count(), 2u);
}

TEST_F(HandBuiltLog, BadInclusionProofIsCaught) {
  v1::GetHistoryResponse history = History();
  std::string* hash =
      history.mutable_items(1)->mutable_proven()->mutable_inclusion_proof(0);
  (*hash)[0] ^= 0x01;
  HistoryVerification result = Verify(history);
  EXPECT_FALSE(result.entries[1].inclusion_ok);
  EXPECT_TRUE(result.entries[1].signature_ok);
  EXPECT_THAT(result.entries[1].problems[0], HasSubstr("inclusion proof"));
  EXPECT_EQ(result.verified_count(), 3u);

  // A proof for another tree size than the checkpoint's.
  history = History();
  history.mutable_items(0)->mutable_proven()->set_tree_size(7);
  result = Verify(history);
  EXPECT_THAT(result.entries[0].problems[0],
              HasSubstr("tree size 7, not the checkpoint's 8"));
}

TEST_F(HandBuiltLog, UnknownSignerIsCaught) {
  HistoryVerification result = VerifyHistory(
      History(), kSubject, VerifierOf(log_), {VerifierOf(other_)});
  EXPECT_EQ(result.verified_count(), 0u);
  EXPECT_FALSE(result.entries[0].signature_ok);
  EXPECT_THAT(result.entries[0].problems[0], HasSubstr("signature"));
}

TEST_F(HandBuiltLog, CheckpointByAnotherKeyFailsEveryInclusion) {
  v1::GetHistoryResponse history = History();
  history.set_checkpoint(CheckpointNote(Signer("log.ocop.test", 9), 8));
  HistoryVerification result = Verify(history);
  EXPECT_FALSE(result.checkpoint_status.ok());
  EXPECT_FALSE(result.ok());
  EXPECT_FALSE(result.entries[0].inclusion_ok);
  EXPECT_THAT(result.entries[0].problems,
              testing::Contains(HasSubstr("checkpoint did not verify")));
}

TEST_F(HandBuiltLog, OtherSubjectIsCaught) {
  HistoryVerification result =
      VerifyHistory(History(), "batch/08934563123451/L2024B", VerifierOf(log_),
                    {VerifierOf(producer_)});
  EXPECT_FALSE(result.entries[0].chain_ok);
  EXPECT_THAT(result.entries[0].problems[0], HasSubstr("L2024B"));
}

// --- Checkpoint pinning ----------------------------------------------------

class LogAdvanceTest : public HandBuiltLog {
 protected:
  ConsistencyProofFetcher Fetcher(std::vector<Hash> leaf_hashes) {
    return [this, leaf_hashes](
               uint64_t size1,
               uint64_t size2) -> absl::StatusOr<std::vector<Hash>> {
      ++fetches;
      return ReferenceConsistencyProof(leaf_hashes, size1, size2);
    };
  }
  int fetches = 0;
};

TEST_F(LogAdvanceTest, FirstCheckpointIsStored) {
  std::string note = CheckpointNote(log_, 5);
  absl::StatusOr<LogAdvance> advance =
      CheckLogAdvance(VerifierOf(log_), std::nullopt, note, Fetcher({}));
  ASSERT_TRUE(advance.ok()) << advance.status();
  EXPECT_TRUE(advance->first_seen);
  EXPECT_EQ(advance->latest.size, 5u);
  EXPECT_EQ(advance->note_to_store, note);
  EXPECT_EQ(fetches, 0);
}

TEST_F(LogAdvanceTest, GrowthWithAValidConsistencyProofIsStored) {
  std::string old_note = CheckpointNote(log_, 3);
  std::string new_note = CheckpointNote(log_, 8);
  absl::StatusOr<LogAdvance> advance = CheckLogAdvance(
      VerifierOf(log_), old_note, new_note, Fetcher(LeafHashes()));
  ASSERT_TRUE(advance.ok()) << advance.status();
  EXPECT_FALSE(advance->first_seen);
  EXPECT_EQ(advance->previous->size, 3u);
  EXPECT_EQ(advance->latest.size, 8u);
  EXPECT_EQ(advance->note_to_store, new_note);
  EXPECT_EQ(fetches, 1);
}

TEST_F(LogAdvanceTest, SameCheckpointNeedsNoProof) {
  std::string note = CheckpointNote(log_, 8);
  absl::StatusOr<LogAdvance> advance =
      CheckLogAdvance(VerifierOf(log_), note, note, Fetcher(LeafHashes()));
  ASSERT_TRUE(advance.ok());
  EXPECT_EQ(fetches, 0);
}

TEST_F(LogAdvanceTest, LaggingServerKeepsTheLargerCheckpoint) {
  std::string seen = CheckpointNote(log_, 8);
  std::string lagging = CheckpointNote(log_, 4);
  absl::StatusOr<LogAdvance> advance =
      CheckLogAdvance(VerifierOf(log_), seen, lagging, Fetcher(LeafHashes()));
  ASSERT_TRUE(advance.ok()) << advance.status();
  EXPECT_EQ(advance->note_to_store, seen);
}

TEST_F(LogAdvanceTest, RewrittenHistoryIsDataLoss) {
  std::string old_note = CheckpointNote(log_, 4);
  // The log later serves a tree whose first entries differ: entry 1 was
  // replaced, then more were appended. Its proofs are honest for the new
  // tree, but cannot reach the old root.
  std::vector<Hash> original = LeafHashes();
  leaves_[1] = SignedEntryBytes(producer_, "batch.created", kSubject, 0, Hash{},
                                "a different lot");
  std::string new_note = CheckpointNote(log_, 8);
  absl::StatusOr<LogAdvance> advance = CheckLogAdvance(
      VerifierOf(log_), old_note, new_note, Fetcher(LeafHashes()));
  EXPECT_EQ(advance.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(advance.status().message(), HasSubstr("rewrote history"));
  EXPECT_THAT(advance.status().message(), HasSubstr("size 8"));
  EXPECT_THAT(advance.status().message(), HasSubstr("size 4"));
}

TEST_F(LogAdvanceTest, ForkAtTheSameSizeIsDataLoss) {
  std::string old_note = CheckpointNote(log_, 8);
  leaves_[7] = SignedEntryBytes(producer_, "event.shipping", kSubject, 3,
                                EntryHash(leaves_[4]), "to someone else");
  std::string forked = CheckpointNote(log_, 8);
  absl::StatusOr<LogAdvance> advance = CheckLogAdvance(
      VerifierOf(log_), old_note, forked, Fetcher(LeafHashes()));
  EXPECT_EQ(advance.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(advance.status().message(), HasSubstr("same size"));
}

TEST_F(LogAdvanceTest, CheckpointNotSignedByThePinnedKeyIsDataLoss) {
  std::string impostor = CheckpointNote(Signer("log.ocop.test", 9), 8);
  absl::StatusOr<LogAdvance> advance = CheckLogAdvance(
      VerifierOf(log_), std::nullopt, impostor, Fetcher(LeafHashes()));
  EXPECT_EQ(advance.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(advance.status().message(), HasSubstr("pinned log key"));
}

TEST_F(LogAdvanceTest, RefusingTheProofForASeenCheckpointIsDataLoss) {
  absl::StatusOr<LogAdvance> advance = CheckLogAdvance(
      VerifierOf(log_), CheckpointNote(log_, 3), CheckpointNote(log_, 8),
      [](uint64_t, uint64_t) -> absl::StatusOr<std::vector<Hash>> {
        return absl::InvalidArgumentError(
            "tree size 3 is not the size of a signed checkpoint");
      });
  EXPECT_EQ(advance.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(advance.status().message(), HasSubstr("rewrote history"));
  EXPECT_THAT(advance.status().message(),
              HasSubstr("not the size of a signed checkpoint"));
}

TEST_F(LogAdvanceTest, ProofFetchErrorsPassThrough) {
  absl::StatusOr<LogAdvance> advance = CheckLogAdvance(
      VerifierOf(log_), CheckpointNote(log_, 3), CheckpointNote(log_, 8),
      [](uint64_t, uint64_t) -> absl::StatusOr<std::vector<Hash>> {
        return absl::UnavailableError("cannot reach traced");
      });
  EXPECT_EQ(advance.status().code(), absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace ocoptrace::client
