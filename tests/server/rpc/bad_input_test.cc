// Bad input over real gRPC: each request gets the documented status code
// with a message naming the field to fix, and nothing is written (the log's
// size and the subject's head are unchanged).

#include "absl/strings/str_cat.h"
#include "core/log_entry.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/rpc/status.h"
#include "server/trace/subjects.h"
#include "tests/server/rpc/story.h"
#include "tests/server/rpc/test_client.h"

namespace ocoptrace::rpctest {
namespace {

using ::testing::HasSubstr;

class BadInputTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = TestServer::Start();
    ASSERT_NE(server_, nullptr);
    absl::StatusOr<Story> story = PlayStory(*server_);
    ASSERT_TRUE(story.ok()) << story.status();
    story_ = *story;
    producer_ =
        std::make_unique<TestClient>(server_->target(), story_.producer_token);
    certifier_ =
        std::make_unique<TestClient>(server_->target(), story_.certifier_token);
  }

  uint64_t LogSize() { return server_->daemon().service().ledger().size(); }

  // Remembers the log size and `subject`'s head; ExpectNothingWritten
  // compares against them.
  void Remember(const std::string& subject) {
    subject_ = subject;
    size_before_ = LogSize();
    head_before_ = *producer_->Head(subject);
  }
  void ExpectNothingWritten() {
    EXPECT_EQ(LogSize(), size_before_);
    absl::StatusOr<v1::SubjectHead> head = producer_->Head(subject_);
    ASSERT_TRUE(head.ok()) << head.status();
    EXPECT_EQ(head->next_seq(), head_before_.next_seq());
    EXPECT_EQ(head->prev(), head_before_.prev());
    // A checkpoint asked for now covers exactly the old size.
    TestClient anonymous(server_->target(), "");
    v1::GetCheckpointRequest request;
    request.set_min_size(size_before_);
    v1::GetCheckpointResponse checkpoint;
    ASSERT_TRUE(anonymous
                    .Call(&v1::Verify::Stub::GetCheckpoint, anonymous.verify(),
                          request, &checkpoint)
                    .ok());
    EXPECT_EQ(checkpoint.size(), size_before_);
  }

  absl::Time Now() {
    server_->clock().Advance(absl::Seconds(10));
    return server_->clock().Now();
  }

  // Sends a RecordEvent with an already signed entry.
  grpc::Status SendEvent(const v1::SignedEntry& entry) {
    v1::RecordEventRequest request;
    *request.mutable_signed_() = entry;
    v1::EntryReceipt receipt;
    return producer_->Call(&v1::Trace::Stub::RecordEvent, producer_->trace(),
                           request, &receipt);
  }

  // A storing event on the story's batch, signed at its head.
  v1::SignedEntry SignedStoringEvent(const NoteSigner& key) {
    absl::StatusOr<v1::SignedEntry> entry =
        producer_->Sign(key, "event.storing", trace::BatchSubject(kGtin, kLot),
                        EventFor("storing", server_->clock().Now()), Now());
    EXPECT_TRUE(entry.ok()) << entry.status();
    return *entry;
  }

  std::unique_ptr<TestServer> server_;
  Story story_;
  std::unique_ptr<TestClient> producer_;
  std::unique_ptr<TestClient> certifier_;
  std::string subject_;
  uint64_t size_before_ = 0;
  v1::SubjectHead head_before_;
};

TEST_F(BadInputTest, WrongGtinCheckDigit) {
  const std::string bad_gtin = "08934563123452";  // Check digit is 1.
  Remember(trace::ProductSubject(bad_gtin));
  absl::StatusOr<v1::EntryReceipt> receipt =
      RegisterProduct(*producer_, story_.producer_key.signer,
                      ProductRecordFor(bad_gtin, kProducerId), Now());
  ASSERT_EQ(receipt.status().code(), absl::StatusCode::kInvalidArgument)
      << receipt.status();
  EXPECT_THAT(std::string(receipt.status().message()), HasSubstr("GTIN"));
  EXPECT_THAT(std::string(receipt.status().message()),
              HasSubstr("check digit"));
  ExpectNothingWritten();
}

TEST_F(BadInputTest, VietnameseLettersInALot) {
  const std::string lot = "Lô-Một";
  Remember(trace::BatchSubject(kGtin, lot));
  absl::StatusOr<v1::EntryReceipt> receipt =
      CreateBatch(*producer_, story_.producer_key.signer,
                  BatchRecordFor(kGtin, lot), Now());
  ASSERT_EQ(receipt.status().code(), absl::StatusCode::kInvalidArgument)
      << receipt.status();
  EXPECT_THAT(std::string(receipt.status().message()),
              HasSubstr("lot (AI 10)"));
  ExpectNothingWritten();
}

TEST_F(BadInputTest, ScoreOutsideTheStarBand) {
  const std::string number = "GCN-OCOP-2024-099";
  Remember(trace::CertificateSubject(number));
  // 65 points is a 3★ score, not a 4★ one.
  absl::StatusOr<v1::EntryReceipt> receipt = IssueCertificate(
      *certifier_, story_.certifier_key.signer,
      CertificateRecordFor(number, kGtin, kProducerId, 4, 65), Now());
  ASSERT_EQ(receipt.status().code(), absl::StatusCode::kInvalidArgument)
      << receipt.status();
  EXPECT_THAT(std::string(receipt.status().message()), HasSubstr("score"));
  ExpectNothingWritten();
}

TEST_F(BadInputTest, RenewingAnExpiredCertificate) {
  // The story's certificate (decided 2024-03-22) is valid for 36 months.
  server_->clock().Set(absl::FromCivil(absl::CivilSecond(2027, 5, 2, 9, 0, 0),
                                       absl::FixedTimeZone(7 * 3600)));
  v1::CertificateRecord renewal =
      CertificateRecordFor("GCN-OCOP-2027-001", kGtin, kProducerId, 4, 81);
  renewal.set_supersedes(kCertificateNumber);
  renewal.mutable_decision_date()->set_iso_date("2027-05-01");
  Remember(trace::CertificateSubject(renewal.number()));
  absl::StatusOr<v1::SignedEntry> entry = certifier_->Sign(
      story_.certifier_key.signer, "certificate.issued",
      trace::CertificateSubject(renewal.number()), renewal, Now());
  ASSERT_TRUE(entry.ok()) << entry.status();
  v1::RenewCertificateRequest request;
  *request.mutable_signed_() = *entry;
  v1::EntryReceipt receipt;
  grpc::Status status =
      certifier_->Call(&v1::Certificates::Stub::RenewCertificate,
                       certifier_->certificates(), request, &receipt);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION)
      << status.error_message();
  EXPECT_THAT(status.error_message(), HasSubstr(kCertificateNumber));
  EXPECT_THAT(status.error_message(), HasSubstr("expired"));
  ExpectNothingWritten();
}

TEST_F(BadInputTest, EventOnAnUnknownBatch) {
  Remember(trace::BatchSubject(kGtin, "NO-SUCH-LOT"));
  absl::StatusOr<v1::EntryReceipt> receipt =
      RecordEvent(*producer_, story_.producer_key.signer, kGtin, "NO-SUCH-LOT",
                  EventFor("packing", server_->clock().Now()), Now());
  ASSERT_EQ(receipt.status().code(), absl::StatusCode::kNotFound)
      << receipt.status();
  EXPECT_THAT(std::string(receipt.status().message()),
              HasSubstr("NO-SUCH-LOT"));
  ExpectNothingWritten();
}

TEST_F(BadInputTest, StaleChainHeadIsAborted) {
  const std::string subject = trace::BatchSubject(kGtin, kLot);
  // Two clients read the same head and both sign on it.
  const v1::SignedEntry first = SignedStoringEvent(story_.producer_key.signer);
  const v1::SignedEntry second = SignedStoringEvent(story_.producer_key.signer);
  ASSERT_TRUE(SendEvent(first).ok());
  Remember(subject);
  grpc::Status status = SendEvent(second);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::ABORTED)
      << status.error_message();
  EXPECT_FALSE(status.error_message().empty());
  ExpectNothingWritten();

  // Re-read the head, re-sign, retry: accepted.
  const v1::SignedEntry retried =
      SignedStoringEvent(story_.producer_key.signer);
  EXPECT_TRUE(SendEvent(retried).ok());
}

TEST_F(BadInputTest, UnsignedEntry) {
  const std::string subject = trace::BatchSubject(kGtin, kLot);
  Remember(subject);
  const v1::SignedEntry signed_entry =
      SignedStoringEvent(story_.producer_key.signer);
  // The entry text alone, without the blank line and signature lines.
  absl::StatusOr<ParsedEntry> parsed = ParseEntry(signed_entry.entry());
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  v1::SignedEntry unsigned_entry = signed_entry;
  unsigned_entry.set_entry(FormatEntryText(parsed->header));
  grpc::Status status = SendEvent(unsigned_entry);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
      << status.error_message();
  EXPECT_THAT(status.error_message(), HasSubstr("entry"));
  ExpectNothingWritten();
}

TEST_F(BadInputTest, EntrySignedByAnUnregisteredKey) {
  Remember(trace::BatchSubject(kGtin, kLot));
  const TestIdentity stranger = NewIdentity("htx-tai-hoan-khong-dang-ky");
  grpc::Status status = SendEvent(SignedStoringEvent(stranger.signer));
  ASSERT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED)
      << status.error_message();
  EXPECT_THAT(status.error_message(), HasSubstr("htx-tai-hoan-khong-dang-ky"));
  ExpectNothingWritten();
}

TEST_F(BadInputTest, EntryWithABrokenSignature) {
  Remember(trace::BatchSubject(kGtin, kLot));
  v1::SignedEntry entry = SignedStoringEvent(story_.producer_key.signer);
  // Change one character of the base64 signature (keeping it base64).
  std::string note = entry.entry();
  const size_t last = note.size() - 2;  // Before the final newline.
  note[last - 3] = note[last - 3] == 'A' ? 'B' : 'A';
  entry.set_entry(note);
  grpc::Status status = SendEvent(entry);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
      << status.error_message();
  EXPECT_THAT(status.error_message(), HasSubstr("signature"));
  ExpectNothingWritten();
}

TEST_F(BadInputTest, BodyThatDoesNotMatchTheSignedHash) {
  Remember(trace::BatchSubject(kGtin, kLot));
  v1::SignedEntry entry = SignedStoringEvent(story_.producer_key.signer);
  v1::TraceEvent other = EventFor("storing", server_->clock().Now());
  other.set_note("sửa sau khi ký");
  entry.set_body(other.SerializeAsString());
  grpc::Status status = SendEvent(entry);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
      << status.error_message();
  EXPECT_THAT(status.error_message(), HasSubstr("body"));
  ExpectNothingWritten();
}

TEST_F(BadInputTest, BodyOverTheLedgerLimitNamesTheLimit) {
  Remember(trace::BatchSubject(kGtin, kLot));
  v1::TraceEvent event = EventFor("storing", server_->clock().Now());
  event.set_note(std::string(300 * 1024, 'x'));
  absl::StatusOr<v1::SignedEntry> entry =
      producer_->Sign(story_.producer_key.signer, "event.storing",
                      trace::BatchSubject(kGtin, kLot), event, Now());
  ASSERT_TRUE(entry.ok()) << entry.status();
  grpc::Status status = SendEvent(*entry);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
      << status.error_message();
  EXPECT_THAT(status.error_message(), HasSubstr("body"));
  EXPECT_THAT(status.error_message(), HasSubstr("limit"));
  ExpectNothingWritten();
}

TEST_F(BadInputTest, OversizedMessageIsRefusedByGrpcItself) {
  Remember(trace::BatchSubject(kGtin, kLot));
  v1::SignedEntry entry = SignedStoringEvent(story_.producer_key.signer);
  // Over the server's 16 MiB receive limit (sized for EPCIS documents).
  entry.set_body(std::string(17 << 20, 'x'));
  grpc::Status status = SendEvent(entry);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED)
      << status.error_message();
  EXPECT_FALSE(status.error_message().empty());
  ExpectNothingWritten();
}

TEST_F(BadInputTest, OversizedEntryBodyIsRefusedByTheService) {
  Remember(trace::BatchSubject(kGtin, kLot));
  v1::SignedEntry entry = SignedStoringEvent(story_.producer_key.signer);
  entry.set_body(std::string(5 << 20, 'x'));  // Under gRPC's limit.
  grpc::Status status = SendEvent(entry);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
      << status.error_message();
  EXPECT_THAT(status.error_message(), HasSubstr("body"));
  ExpectNothingWritten();
}

TEST_F(BadInputTest, MalformedBearerTokenSaysWhatToSend) {
  grpc::ClientContext context;
  context.AddMetadata("authorization", "Token abc");
  auto stub = v1::Admin::NewStub(grpc::CreateChannel(
      server_->target(), grpc::InsecureChannelCredentials()));
  v1::Principal me;
  grpc::Status status = stub->WhoAmI(&context, v1::WhoAmIRequest(), &me);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_THAT(status.error_message(), HasSubstr("Bearer <token>"));

  TestClient anonymous(server_->target(), "");
  status = anonymous.Call(&v1::Admin::Stub::WhoAmI, anonymous.admin(),
                          v1::WhoAmIRequest(), &me);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_THAT(status.error_message(),
              HasSubstr("missing bearer token: pass --token or set "
                        "OCOPTRACE_TOKEN"));

  TestClient unknown(server_->target(),
                     "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
  status = unknown.Call(&v1::Admin::Stub::WhoAmI, unknown.admin(),
                        v1::WhoAmIRequest(), &me);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_FALSE(status.error_message().empty());
}

}  // namespace
}  // namespace ocoptrace::rpctest
