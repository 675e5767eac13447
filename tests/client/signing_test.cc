#include "client/signing.h"

#include <string>
#include <vector>

#include "core/ed25519.h"
#include "core/log_entry.h"
#include "core/sha256.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace ocoptrace::client {
namespace {

using ::testing::HasSubstr;

NoteSigner TestSigner(const std::string& name, char seed_byte) {
  absl::StatusOr<Ed25519PrivateKey> key =
      Ed25519PrivateKey::FromSeed(std::string(32, seed_byte));
  return *MakeNoteSigner(name, *key);
}

v1::SubjectHead Head(const std::string& subject, uint64_t next_seq,
                     const Hash& prev) {
  v1::SubjectHead head;
  head.set_subject(subject);
  head.set_next_seq(next_seq);
  head.set_prev(HashToBytes(prev));
  return head;
}

TEST(SubjectsTest, SpellingSharedWithTheServer) {
  EXPECT_EQ(ProducerSubject("htx-tai-hoan"), "producer/htx-tai-hoan");
  EXPECT_EQ(ProductSubject("08934563123451"), "product/08934563123451");
  EXPECT_EQ(BatchSubject("08934563123451", "L2024A"),
            "batch/08934563123451/L2024A");
  EXPECT_EQ(BatchSubject("08934563123451", "2024/03 A"),
            "batch/08934563123451/2024%2F03%20A");
  EXPECT_EQ(CertificateSubject("2890/QĐ-BNN"),
            "certificate/2890%2FQ%C4%90-BNN");
  EXPECT_EQ(EncodeSubjectSegment("a.b_c~d-E9"), "a.b_c~d-E9");
}

TEST(SignForHeadTest, EntryCarriesHeadBodyHashAndSignature) {
  NoteSigner signer = TestSigner("htx-tai-hoan-1", 7);
  Hash prev = Sha256("previous entry");
  EntryToSign entry{"event.packing", "batch/08934563123451/L1", "body bytes",
                    std::nullopt};
  absl::Time now = absl::FromUnixSeconds(1711069200);
  absl::StatusOr<v1::SignedEntry> signed_entry =
      SignForHead(entry, Head("batch/08934563123451/L1", 3, prev), signer, now);
  ASSERT_TRUE(signed_entry.ok()) << signed_entry.status();
  EXPECT_EQ(signed_entry->body(), "body bytes");

  absl::StatusOr<ParsedEntry> parsed = ParseEntry(signed_entry->entry());
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->header.kind, "event.packing");
  EXPECT_EQ(parsed->header.seq, 3u);
  EXPECT_EQ(parsed->header.prev, prev);
  EXPECT_EQ(parsed->header.body_hash, Sha256("body bytes"));
  EXPECT_EQ(FormatRfc3339(parsed->header.time), "2024-03-22T08:00:00+07:00");
  absl::StatusOr<OpenedNote> opened =
      OpenNote(signed_entry->entry(), {VerifierOf(signer)});
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(opened->verified.front().name, "htx-tai-hoan-1");
}

TEST(SignForHeadTest, ExplicitTimeIsKept) {
  EntryToSign entry{"event.shipping", "batch/08934563123451/L1", "",
                    Timestamp{1711069200, 0}};
  absl::StatusOr<v1::SignedEntry> signed_entry =
      SignForHead(entry, Head("batch/08934563123451/L1", 0, Hash{}),
                  TestSigner("k", 1), absl::UnixEpoch());
  ASSERT_TRUE(signed_entry.ok());
  EXPECT_EQ(FormatRfc3339(ParseEntry(signed_entry->entry())->header.time),
            "2024-03-22T01:00:00+00:00");
}

TEST(SignForHeadTest, RefusesAHeadOfAnotherSubject) {
  EntryToSign entry{"batch.created", "batch/08934563123451/L1", "", {}};
  absl::StatusOr<v1::SignedEntry> signed_entry =
      SignForHead(entry, Head("batch/08934563123451/L2", 0, Hash{}),
                  TestSigner("k", 1), absl::UnixEpoch());
  EXPECT_EQ(signed_entry.status().code(), absl::StatusCode::kInvalidArgument);
}

// A fake subject whose head moves when "someone else" appends.
class FakeChain {
 public:
  explicit FakeChain(std::string subject) : subject_(std::move(subject)) {}

  HeadReader Reader() {
    return [this](const std::string& subject) {
      ++head_reads;
      return Head(subject, next_seq, prev);
    };
  }

  // Accepts an entry only if it extends the current head; `steal` times the
  // head moves first (a concurrent writer wins the race).
  EntrySubmitter Submitter() {
    return [this](const v1::SignedEntry& signed_entry)
               -> absl::StatusOr<v1::EntryReceipt> {
      ++submissions;
      if (steals_left > 0) {
        --steals_left;
        prev = Sha256("someone else's entry " + std::to_string(next_seq));
        ++next_seq;
        return absl::AbortedError("stale chain head: re-read and re-sign");
      }
      absl::StatusOr<ParsedEntry> parsed = ParseEntry(signed_entry.entry());
      if (!parsed.ok()) return parsed.status();
      if (parsed->header.seq != next_seq || parsed->header.prev != prev) {
        return absl::AbortedError("stale chain head");
      }
      v1::EntryReceipt receipt;
      receipt.set_seq(next_seq);
      receipt.set_subject(subject_);
      prev = EntryHash(signed_entry.entry());
      ++next_seq;
      return receipt;
    };
  }

  int head_reads = 0;
  int submissions = 0;
  int steals_left = 0;
  uint64_t next_seq = 0;
  Hash prev{};

 private:
  std::string subject_;
};

TEST(SignAndSubmitTest, RereadsTheHeadAndResignsOnAborted) {
  const std::string subject = "batch/08934563123451/L1";
  FakeChain chain(subject);
  chain.steals_left = 2;
  FakeClock clock(absl::FromUnixSeconds(1711069200));
  absl::StatusOr<v1::EntryReceipt> receipt =
      SignAndSubmit({"event.packing", subject, "b", {}}, TestSigner("k", 2),
                    chain.Reader(), chain.Submitter(), clock);
  ASSERT_TRUE(receipt.ok()) << receipt.status();
  EXPECT_EQ(receipt->seq(), 2u);  // After the two concurrent entries.
  EXPECT_EQ(chain.head_reads, 3);
  EXPECT_EQ(chain.submissions, 3);
}

TEST(SignAndSubmitTest, GivesUpAfterMaxAttempts) {
  const std::string subject = "batch/08934563123451/L1";
  FakeChain chain(subject);
  chain.steals_left = 100;
  FakeClock clock(absl::UnixEpoch());
  absl::StatusOr<v1::EntryReceipt> receipt =
      SignAndSubmit({"event.packing", subject, "b", {}}, TestSigner("k", 2),
                    chain.Reader(), chain.Submitter(), clock,
                    /*max_attempts=*/3);
  EXPECT_EQ(receipt.status().code(), absl::StatusCode::kAborted);
  EXPECT_THAT(receipt.status().message(), HasSubstr("gave up after 3"));
  EXPECT_EQ(chain.submissions, 3);
}

TEST(SignAndSubmitTest, OtherErrorsAreReturnedAsTheServerGaveThem) {
  FakeClock clock(absl::UnixEpoch());
  int submissions = 0;
  absl::StatusOr<v1::EntryReceipt> receipt = SignAndSubmit(
      {"batch.created", "batch/08934563123451/L1", "b", {}}, TestSigner("k", 2),
      [](const std::string& subject) { return Head(subject, 0, Hash{}); },
      [&submissions](
          const v1::SignedEntry&) -> absl::StatusOr<v1::EntryReceipt> {
        ++submissions;
        return absl::InvalidArgumentError(
            "lot (AI 10): 'ô' at position 2 is a Vietnamese/non-ASCII letter");
      },
      clock);
  EXPECT_EQ(receipt.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(receipt.status().message(), HasSubstr("lot (AI 10)"));
  EXPECT_EQ(submissions, 1);

  absl::StatusOr<v1::EntryReceipt> unreachable = SignAndSubmit(
      {"batch.created", "batch/08934563123451/L1", "b", {}}, TestSigner("k", 2),
      [](const std::string&) -> absl::StatusOr<v1::SubjectHead> {
        return absl::UnavailableError("cannot reach traced");
      },
      [](const v1::SignedEntry&) -> absl::StatusOr<v1::EntryReceipt> {
        ADD_FAILURE() << "must not submit without a head";
        return v1::EntryReceipt();
      },
      clock);
  EXPECT_EQ(unreachable.status().code(), absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace ocoptrace::client
