// The whole story over real gRPC against an in-process traced on a temp
// RocksDB, then the batch's history verified client-side: every entry's
// signature (against Verify.GetKeys), chain link, body hash and inclusion
// proof under the returned checkpoint (signed by the log key).

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "server/rpc/status.h"
#include "server/trace/subjects.h"
#include "tests/server/rpc/story.h"
#include "tests/server/rpc/test_client.h"

namespace ocoptrace::rpctest {
namespace {

class StoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = TestServer::Start();
    ASSERT_NE(server_, nullptr);
    absl::StatusOr<Story> story = PlayStory(*server_);
    ASSERT_TRUE(story.ok()) << story.status();
    story_ = *story;
  }

  std::unique_ptr<TestServer> server_;
  Story story_;
};

TEST_F(StoryTest, ReceiptsDescribeTheBatchChain) {
  const std::string subject = trace::BatchSubject(kGtin, kLot);
  ASSERT_EQ(story_.batch_receipts.size(), 4u);
  const char* kinds[] = {"batch.created", "event.commissioning",
                         "event.packing", "event.shipping"};
  for (size_t i = 0; i < 4; ++i) {
    const v1::EntryReceipt& receipt = story_.batch_receipts[i];
    EXPECT_EQ(receipt.subject(), subject);
    EXPECT_EQ(receipt.seq(), i);
    EXPECT_EQ(receipt.kind(), kinds[i]);
    EXPECT_EQ(receipt.entry_hash().size(), 32u);
    if (i > 0) {
      EXPECT_GT(receipt.index(), story_.batch_receipts[i - 1].index());
    }
  }
  // The head now points after the shipping entry.
  TestClient anonymous(server_->target(), "");
  absl::StatusOr<v1::SubjectHead> head = anonymous.Head(subject);
  ASSERT_TRUE(head.ok()) << head.status();
  EXPECT_EQ(head->next_seq(), 4u);
  EXPECT_EQ(head->prev(), story_.batch_receipts[3].entry_hash());
}

TEST_F(StoryTest, HistoryComesBackInOrderAndVerifiesClientSide) {
  TestClient producer(server_->target(), story_.producer_token);
  v1::GetHistoryRequest request;
  request.mutable_batch()->set_gtin(kGtin);
  request.mutable_batch()->set_lot(kLot);
  v1::GetHistoryResponse history;
  grpc::Status status = producer.Call(&v1::Trace::Stub::GetHistory,
                                      producer.trace(), request, &history);
  ASSERT_TRUE(status.ok()) << status.error_message();

  ASSERT_EQ(history.items_size(), 4);
  EXPECT_EQ(history.items(0).kind(), "batch.created");
  EXPECT_EQ(history.items(0).batch().lot(), kLot);
  const char* steps[] = {"commissioning", "packing", "shipping"};
  for (int i = 1; i < 4; ++i) {
    EXPECT_EQ(history.items(i).kind(), std::string("event.") + steps[i - 1]);
    EXPECT_EQ(history.items(i).event().business_step(), steps[i - 1]);
    EXPECT_EQ(history.items(i).signer(), "htx-tai-hoan-1");
  }
  EXPECT_EQ(history.items(3).event().destination().name(),
            "Siêu thị Co.opmart Thái Nguyên");
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(history.items(i).proven().entry().index(),
              story_.batch_receipts[i].index());
  }
  EXPECT_EQ(history.batch().last_step(), "shipping");
  EXPECT_EQ(history.batch().entries(), 4u);
  EXPECT_EQ(history.batch().producer_id(), kProducerId);

  // The public keys, as any verifier would fetch them (anonymously).
  TestClient anonymous(server_->target(), "");
  v1::GetKeysResponse keys;
  status = anonymous.Call(&v1::Verify::Stub::GetKeys, anonymous.verify(),
                          v1::GetKeysRequest(), &keys);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(keys.log().rfind("tx.test.example.vn/log+", 0), 0u) << keys.log();
  std::vector<std::string> actors(keys.actors().begin(), keys.actors().end());
  EXPECT_NE(std::find(actors.begin(), actors.end(), story_.producer_key.vkey),
            actors.end());
  EXPECT_NE(std::find(actors.begin(), actors.end(), story_.certifier_key.vkey),
            actors.end());

  absl::Status verified = VerifyHistory(history, keys.log(), actors);
  EXPECT_TRUE(verified.ok()) << verified;

  // Tampering anywhere is caught by the same checks.
  v1::GetHistoryResponse tampered = history;
  tampered.mutable_items(2)->mutable_proven()->mutable_entry()->set_body(
      "not the packing event");
  EXPECT_FALSE(VerifyHistory(tampered, keys.log(), actors).ok());
  tampered = history;
  tampered.mutable_items()->SwapElements(1, 2);
  EXPECT_FALSE(VerifyHistory(tampered, keys.log(), actors).ok());
  tampered = history;
  ASSERT_GT(history.items(1).proven().inclusion_proof_size(), 0);
  (*tampered.mutable_items(1)->mutable_proven()->mutable_inclusion_proof(
      0))[0] ^= 1;
  EXPECT_FALSE(VerifyHistory(tampered, keys.log(), actors).ok());
  EXPECT_FALSE(
      VerifyHistory(history, keys.log(), {story_.certifier_key.vkey}).ok());
}

TEST_F(StoryTest, ProductCarriesTheActiveFourStarCertificate) {
  TestClient certifier(server_->target(), story_.certifier_token);
  v1::GetCertificateRequest get_certificate;
  get_certificate.set_number(kCertificateNumber);
  v1::Certificate certificate;
  grpc::Status status =
      certifier.Call(&v1::Certificates::Stub::GetCertificate,
                     certifier.certificates(), get_certificate, &certificate);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(certificate.status(), v1::CERTIFICATE_STATUS_ACTIVE);
  EXPECT_EQ(certificate.record().stars(), 4u);
  EXPECT_DOUBLE_EQ(certificate.record().score(), 78.5);
  EXPECT_EQ(certificate.record().producer_id(), kProducerId);

  TestClient producer(server_->target(), story_.producer_token);
  v1::GetProductRequest get_product;
  get_product.set_gtin(kGtin);
  v1::Product product;
  status = producer.Call(&v1::Registry::Stub::GetProduct, producer.registry(),
                         get_product, &product);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(product.active_stars(), 4u);
  EXPECT_EQ(product.record().name(), "Miến dong Tài Hoan");
  ASSERT_EQ(product.certificates_size(), 1);
  EXPECT_EQ(product.certificates(0), kCertificateNumber);
}

TEST_F(StoryTest, CheckpointsAreConsistentAndEntriesReadable) {
  TestClient anonymous(server_->target(), "");
  v1::GetCheckpointRequest request;
  request.set_min_size(server_->daemon().service().ledger().size());
  v1::GetCheckpointResponse checkpoint;
  grpc::Status status =
      anonymous.Call(&v1::Verify::Stub::GetCheckpoint, anonymous.verify(),
                     request, &checkpoint);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(checkpoint.size(), server_->daemon().service().ledger().size());
  EXPECT_EQ(
      std::string(checkpoint.checkpoint()).rfind("tx.test.example.vn/log\n", 0),
      0u);

  v1::GetEntriesRequest entries_request;
  entries_request.set_subject(trace::BatchSubject(kGtin, kLot));
  v1::GetEntriesResponse entries;
  status = anonymous.Call(&v1::Verify::Stub::GetEntries, anonymous.verify(),
                          entries_request, &entries);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(entries.entries_size(), 4);
  EXPECT_EQ(entries.entries(3).index(), story_.batch_receipts[3].index());
}

TEST_F(StoryTest, LabelsForTheBatchCarryPinsAndResolve) {
  TestClient producer(server_->target(), story_.producer_token);
  v1::IssuanceSummary summary;
  absl::StatusOr<std::vector<v1::IssuedLabel>> labels =
      IssueLabels(producer, kGtin, kLot, 3, /*with_pins=*/true, &summary);
  ASSERT_TRUE(labels.ok()) << labels.status();
  ASSERT_EQ(labels->size(), 3u);
  EXPECT_EQ(summary.count(), 3u);
  EXPECT_EQ(summary.stars(), 4u);
  EXPECT_EQ(summary.certificate(), kCertificateNumber);
  EXPECT_EQ(summary.receipt().kind(), "labels.issued");
  for (const v1::IssuedLabel& label : *labels) {
    EXPECT_EQ(
        label.url().rfind(absl::StrCat("https://localhost/01/", kGtin, "/10/",
                                       kLot, "/21/", label.serial(), "?s="),
                          0),
        0u)
        << label.url();
    EXPECT_EQ(label.pin().size(), 8u) << "the data directory's PIN key";
  }

  TestClient anonymous(server_->target(), "");
  v1::GetLabelRequest request;
  request.set_gtin(kGtin);
  request.set_serial(labels->front().serial());
  v1::Label label;
  grpc::Status status = anonymous.Call(&v1::Labels::Stub::GetLabel,
                                       anonymous.labels(), request, &label);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(label.status(), v1::LABEL_STATUS_ISSUED);
  EXPECT_EQ(label.lot(), kLot);
  EXPECT_TRUE(label.has_pin());
  EXPECT_EQ(label.key_name(), "tx.test.example.vn/label-1");
}

TEST_F(StoryTest, WhoAmINamesEachPrincipal) {
  TestClient producer(server_->target(), story_.producer_token);
  v1::Principal me;
  grpc::Status status = producer.Call(
      &v1::Admin::Stub::WhoAmI, producer.admin(), v1::WhoAmIRequest(), &me);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(me.name(), kProducerId);
  EXPECT_EQ(me.role(), v1::ROLE_PRODUCER);
  EXPECT_EQ(me.producer_id(), kProducerId);

  TestClient admin(server_->target(), server_->admin_token());
  status = admin.Call(&v1::Admin::Stub::WhoAmI, admin.admin(),
                      v1::WhoAmIRequest(), &me);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(me.name(), "admin");
  EXPECT_EQ(me.role(), v1::ROLE_ADMIN);
}

}  // namespace
}  // namespace ocoptrace::rpctest
