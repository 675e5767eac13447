#include "tests/server/rpc/role_matrix.h"

#include <atomic>

#include "absl/strings/str_cat.h"
#include "tests/server/rpc/story.h"

namespace ocoptrace::rpctest {

const char* const kColumnNames[kColumns] = {
    "admin",     "certifier", "producer A",   "producer B",
    "inspector", "no token",  "revoked token"};

std::string Unique(std::string_view prefix) {
  static std::atomic<int> counter{0};
  return absl::StrCat(std::string(prefix), "-", ++counter);
}

grpc::Status ToGrpc(const absl::Status& status) {
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()),
                      std::string(status.message()));
}

TestServer* RoleMatrixTest::server_ = nullptr;
Actor RoleMatrixTest::actors_[kColumns];
std::vector<std::string> RoleMatrixTest::label_serials_;

void RoleMatrixTest::SetUpTestSuite() {
  server_ = TestServer::Start().release();
  ASSERT_NE(server_, nullptr);
  FakeClock& clock = server_->clock();
  TestClient admin(server_->target(), server_->admin_token());
  actors_[kAdmin].token = server_->admin_token();

  TestIdentity admin_key = NewIdentity("admin-1");
  ASSERT_TRUE(
      AddKey(admin, admin_key.vkey, v1::KEY_ROLE_ADMIN, "", "admin").ok());
  actors_[kAdmin].key = admin_key.signer;

  for (const char* id : {kProducerA, kProducerB}) {
    v1::RegisterProducerRequest request;
    *request.mutable_producer() = ProducerRecordFor(id, "HTX thử nghiệm");
    v1::EntryReceipt receipt;
    ASSERT_TRUE(admin
                    .Call(&v1::Registry::Stub::RegisterProducer,
                          admin.registry(), request, &receipt)
                    .ok());
  }
  TestIdentity key_a = NewIdentity("htx-a-1");
  TestIdentity key_b = NewIdentity("htx-b-1");
  TestIdentity spare_a = NewIdentity("htx-a-spare");
  ASSERT_TRUE(
      AddKey(admin, key_a.vkey, v1::KEY_ROLE_PRODUCER, kProducerA, "").ok());
  ASSERT_TRUE(
      AddKey(admin, key_b.vkey, v1::KEY_ROLE_PRODUCER, kProducerB, "").ok());
  ASSERT_TRUE(
      AddKey(admin, spare_a.vkey, v1::KEY_ROLE_PRODUCER, kProducerA, "").ok());
  actors_[kProdA] = {
      *CreatePrincipal(admin, kProducerA, v1::ROLE_PRODUCER, kProducerA),
      key_a.signer};
  actors_[kProdB] = {
      *CreatePrincipal(admin, kProducerB, v1::ROLE_PRODUCER, kProducerB),
      key_b.signer};

  TestIdentity certifier_key = NewIdentity("can-bo-ocop-1");
  actors_[kCertifier] = {
      *CreatePrincipal(admin, "can-bo-ocop", v1::ROLE_CERTIFIER, ""),
      certifier_key.signer};
  ASSERT_TRUE(AddKey(admin, certifier_key.vkey, v1::KEY_ROLE_CERTIFIER, "",
                     "can-bo-ocop")
                  .ok());
  TestIdentity inspector_key = NewIdentity("thanh-tra-1");
  actors_[kInspector] = {
      *CreatePrincipal(admin, "thanh-tra", v1::ROLE_INSPECTOR, ""),
      inspector_key.signer};
  ASSERT_TRUE(
      AddKey(admin, inspector_key.vkey, v1::KEY_ROLE_INSPECTOR, "", "thanh-tra")
          .ok());

  // A revoked producer token for producer A.
  actors_[kRevoked] = {
      *CreatePrincipal(admin, "htx-a-old", v1::ROLE_PRODUCER, kProducerA),
      key_a.signer};
  v1::RevokePrincipalRequest revoke;
  revoke.set_name("htx-a-old");
  v1::Principal revoked;
  ASSERT_TRUE(admin
                  .Call(&v1::Admin::Stub::RevokePrincipal, admin.admin(),
                        revoke, &revoked)
                  .ok());
  actors_[kAnon] = {"", key_a.signer};

  // Producer A's and B's products and batches, and A's certificates.
  TestClient a(server_->target(), actors_[kProdA].token);
  TestClient b(server_->target(), actors_[kProdB].token);
  TestClient certifier(server_->target(), actors_[kCertifier].token);
  clock.Advance(absl::Minutes(5));
  ASSERT_TRUE(RegisterProduct(a, key_a.signer,
                              ProductRecordFor(kGtinA, kProducerA), clock.Now())
                  .ok());
  ASSERT_TRUE(RegisterProduct(b, key_b.signer,
                              ProductRecordFor(kGtinB, kProducerB), clock.Now())
                  .ok());
  for (const char* number : {kCertificateA, kCertificateToRevoke}) {
    absl::StatusOr<v1::EntryReceipt> issued = IssueCertificate(
        certifier, certifier_key.signer,
        CertificateRecordFor(number, kGtinA, kProducerA, 4, 75), clock.Now());
    ASSERT_TRUE(issued.ok()) << issued.status();
  }
  ASSERT_TRUE(
      CreateBatch(a, key_a.signer, BatchRecordFor(kGtinA, kLotA), clock.Now())
          .ok());
  ASSERT_TRUE(
      CreateBatch(b, key_b.signer, BatchRecordFor(kGtinB, "LB1"), clock.Now())
          .ok());
  absl::StatusOr<std::vector<v1::IssuedLabel>> labels =
      IssueLabels(a, kGtinA, kLotA, 3, /*with_pins=*/false);
  ASSERT_TRUE(labels.ok()) << labels.status();
  for (const v1::IssuedLabel& label : *labels) {
    label_serials_.push_back(label.serial());
  }
}

void RoleMatrixTest::TearDownTestSuite() {
  delete server_;
  server_ = nullptr;
}

// Runs every row for every column.
void RoleMatrixTest::RunTable(const std::vector<Row>& rows) {
  for (const Row& row : rows) {
    ASSERT_EQ(row.expected.size(), static_cast<size_t>(kColumns)) << row.method;
    for (int column = 0; column < kColumns; ++column) {
      SCOPED_TRACE(absl::StrCat(row.method, " as ", kColumnNames[column]));
      server_->clock().Advance(absl::Seconds(1));
      TestClient client(server_->target(), actors_[column].token);
      const grpc::Status status = row.call(client, actors_[column]);
      const grpc::StatusCode code = status.error_code();
      switch (row.expected[column]) {
        case 'A':
          EXPECT_NE(code, grpc::StatusCode::PERMISSION_DENIED)
              << status.error_message();
          EXPECT_NE(code, grpc::StatusCode::UNAUTHENTICATED)
              << status.error_message();
          if (row.must_succeed) {
            EXPECT_TRUE(status.ok()) << status.error_message();
          }
          break;
        case 'D':
          EXPECT_EQ(code, grpc::StatusCode::PERMISSION_DENIED)
              << status.error_message();
          EXPECT_FALSE(status.error_message().empty());
          break;
        case 'U':
          EXPECT_EQ(code, grpc::StatusCode::UNAUTHENTICATED)
              << status.error_message();
          EXPECT_FALSE(status.error_message().empty());
          break;
        default:
          FAIL() << "bad table cell " << row.expected[column];
      }
    }
  }
}

}  // namespace ocoptrace::rpctest
