// Every RPC of every service x every role, over real gRPC: admin,
// certifier, producer A, producer B, inspector, no token and a revoked
// token. Each cell of the table below is the expected outcome:
//   A  allowed: neither PERMISSION_DENIED nor UNAUTHENTICATED (and OK for
//      rows marked kMustSucceed, whose inputs are valid)
//   D  PERMISSION_DENIED
//   U  UNAUTHENTICATED
// Requests always target producer A's things, so producer B's column shows
// that B can neither read nor modify them. Signed entries are signed with
// the caller's own key (callers without one sign with producer A's key, so
// only their role decides).

#include <atomic>
#include <functional>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "server/trace/subjects.h"
#include "tests/server/rpc/story.h"
#include "tests/server/rpc/test_client.h"

namespace ocoptrace::rpctest {
namespace {

constexpr char kProducerA[] = "htx-a";
constexpr char kProducerB[] = "htx-b";
constexpr char kGtinA[] = "08934563123451";
constexpr char kGtinB[] = "08934563123468";
constexpr char kGtinNew[] = "08934563123475";
constexpr char kLotA[] = "LA1";
constexpr char kCertificateA[] = "GCN-A-1";
constexpr char kCertificateToRevoke[] = "GCN-A-2";

enum Column { kAdmin, kCertifier, kProdA, kProdB, kInspector, kAnon, kRevoked };
constexpr int kColumns = 7;
const char* const kColumnNames[kColumns] = {
    "admin",     "certifier", "producer A",   "producer B",
    "inspector", "no token",  "revoked token"};

struct Actor {
  std::string token;
  NoteSigner key;  // The key this caller signs with.
};

using Call = std::function<grpc::Status(TestClient&, const Actor&)>;

constexpr bool kMustSucceed = true;
constexpr bool kMayFailValidation = false;

struct Row {
  std::string method;
  std::string expected;  // One of A, D, U per column.
  bool must_succeed;
  Call call;
};

std::string Unique(std::string_view prefix) {
  static std::atomic<int> counter{0};
  return absl::StrCat(std::string(prefix), "-", ++counter);
}

grpc::Status ToGrpc(const absl::Status& status) {
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()),
                      std::string(status.message()));
}

template <typename T>
grpc::Status StatusOf(const absl::StatusOr<T>& result) {
  return ToGrpc(result.status());
}

class RoleMatrixTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
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
        AddKey(admin, spare_a.vkey, v1::KEY_ROLE_PRODUCER, kProducerA, "")
            .ok());
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
    ASSERT_TRUE(AddKey(admin, inspector_key.vkey, v1::KEY_ROLE_INSPECTOR, "",
                       "thanh-tra")
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
                                ProductRecordFor(kGtinA, kProducerA),
                                clock.Now())
                    .ok());
    ASSERT_TRUE(RegisterProduct(b, key_b.signer,
                                ProductRecordFor(kGtinB, kProducerB),
                                clock.Now())
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
  }

  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }

  // Runs every row for every column.
  void RunTable(const std::vector<Row>& rows) {
    for (const Row& row : rows) {
      ASSERT_EQ(row.expected.size(), static_cast<size_t>(kColumns))
          << row.method;
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

  static absl::Time Now() { return server_->clock().Now(); }

  static TestServer* server_;
  static Actor actors_[kColumns];
};

TestServer* RoleMatrixTest::server_ = nullptr;
Actor RoleMatrixTest::actors_[kColumns];

// A signed request of type `Request` carrying `record` as `kind` on
// `subject`, signed by the actor's key at the subject's head.
template <typename Request>
absl::StatusOr<Request> SignedRequest(TestClient& client, const Actor& actor,
                                      const std::string& kind,
                                      const std::string& subject,
                                      const google::protobuf::Message& record,
                                      absl::Time now) {
  absl::StatusOr<v1::SignedEntry> entry =
      client.Sign(actor.key, kind, subject, record, now);
  if (!entry.ok()) return entry.status();
  Request request;
  *request.mutable_signed_() = *entry;
  return request;
}

TEST_F(RoleMatrixTest, Registry) {
  //        admin, certifier, prodA, prodB, inspector, anon, revoked
  std::vector<Row> rows = {
      {"RegisterProducer", "ADDDDUU", kMustSucceed,
       [](TestClient& c, const Actor&) {
         v1::RegisterProducerRequest request;
         *request.mutable_producer() =
             ProducerRecordFor(Unique("htx-moi"), "HTX Mới");
         v1::EntryReceipt receipt;
         return c.Call(&v1::Registry::Stub::RegisterProducer, c.registry(),
                       request, &receipt);
       }},
      {"UpdateProducer", "ADADDUU", kMustSucceed,
       [](TestClient& c, const Actor& actor) {
         v1::ProducerRecord record = ProducerRecordFor(kProducerA, "HTX A");
         record.set_public_contact(Unique("0209 3888"));
         v1::UpdateProducerRequest request;
         if (&actor == &actors_[kAdmin]) {
           *request.mutable_producer() = record;
         } else {
           absl::StatusOr<v1::UpdateProducerRequest> signed_request =
               SignedRequest<v1::UpdateProducerRequest>(
                   c, actor, "producer.updated",
                   trace::ProducerSubject(kProducerA), record, Now());
           if (!signed_request.ok()) return ToGrpc(signed_request.status());
           request = *signed_request;
         }
         v1::EntryReceipt receipt;
         return c.Call(&v1::Registry::Stub::UpdateProducer, c.registry(),
                       request, &receipt);
       }},
      {"GetProducer", "AAAAAUU", kMustSucceed,
       [](TestClient& c, const Actor&) {
         v1::GetProducerRequest request;
         request.set_producer_id(kProducerA);
         v1::Producer producer;
         return c.Call(&v1::Registry::Stub::GetProducer, c.registry(), request,
                       &producer);
       }},
      {"ListProducers", "AAAAAUU", kMustSucceed,
       [](TestClient& c, const Actor&) {
         v1::ListProducersResponse response;
         return c.Call(&v1::Registry::Stub::ListProducers, c.registry(),
                       v1::ListProducersRequest(), &response);
       }},
      {"AddKey", "ADADDUU", kMustSucceed,
       [](TestClient& c, const Actor&) {
         return StatusOf(AddKey(c, NewIdentity(Unique("htx-a-may")).vkey,
                                v1::KEY_ROLE_PRODUCER, kProducerA, ""));
       }},
      // The first allowed caller revokes the spare key; later ones find it
      // revoked already (a validation error, not an authorisation one).
      {"RevokeKey", "ADADDUU", kMayFailValidation,
       [](TestClient& c, const Actor&) {
         v1::RevokeKeyRequest request;
         request.set_key_name("htx-a-spare");
         request.set_reason("Máy tính bảng bị mất");
         v1::EntryReceipt receipt;
         return c.Call(&v1::Registry::Stub::RevokeKey, c.registry(), request,
                       &receipt);
       }},
      {"RegisterProduct", "DDADDUU", kMustSucceed,
       [](TestClient& c, const Actor& actor) {
         return StatusOf(RegisterProduct(
             c, actor.key, ProductRecordFor(kGtinNew, kProducerA), Now()));
       }},
      {"UpdateProduct", "DDADDUU", kMustSucceed,
       [](TestClient& c, const Actor& actor) {
         v1::ProductRecord record = ProductRecordFor(kGtinA, kProducerA);
         record.set_description(Unique("Mô tả mới"));
         absl::StatusOr<v1::UpdateProductRequest> request =
             SignedRequest<v1::UpdateProductRequest>(
                 c, actor, "product.updated", trace::ProductSubject(kGtinA),
                 record, Now());
         if (!request.ok()) return ToGrpc(request.status());
         v1::EntryReceipt receipt;
         return c.Call(&v1::Registry::Stub::UpdateProduct, c.registry(),
                       *request, &receipt);
       }},
      {"GetProduct", "AAADAUU", kMustSucceed,
       [](TestClient& c, const Actor&) {
         v1::GetProductRequest request;
         request.set_gtin(kGtinA);
         v1::Product product;
         return c.Call(&v1::Registry::Stub::GetProduct, c.registry(), request,
                       &product);
       }},
      {"ListProducts", "AAAAAUU", kMustSucceed,
       [](TestClient& c, const Actor&) {
         v1::ListProductsResponse response;
         return c.Call(&v1::Registry::Stub::ListProducts, c.registry(),
                       v1::ListProductsRequest(), &response);
       }},
  };
  RunTable(rows);
}

TEST_F(RoleMatrixTest, Certificates) {
  //        admin, certifier, prodA, prodB, inspector, anon, revoked
  std::vector<Row> rows = {
      {"IssueCertificate", "AADDDUU", kMustSucceed,
       [](TestClient& c, const Actor& actor) {
         return StatusOf(IssueCertificate(
             c, actor.key,
             CertificateRecordFor(Unique("GCN-M"), kGtinA, kProducerA, 3, 60),
             Now()));
       }},
      // Only the first allowed renewal can supersede GCN-A-1.
      {"RenewCertificate", "AADDDUU", kMayFailValidation,
       [](TestClient& c, const Actor& actor) {
         v1::CertificateRecord record =
             CertificateRecordFor(Unique("GCN-R"), kGtinA, kProducerA, 4, 80);
         record.set_supersedes(kCertificateA);
         record.mutable_decision_date()->set_iso_date("2024-05-20");
         absl::StatusOr<v1::RenewCertificateRequest> request =
             SignedRequest<v1::RenewCertificateRequest>(
                 c, actor, "certificate.issued",
                 trace::CertificateSubject(record.number()), record, Now());
         if (!request.ok()) return ToGrpc(request.status());
         v1::EntryReceipt receipt;
         return c.Call(&v1::Certificates::Stub::RenewCertificate,
                       c.certificates(), *request, &receipt);
       }},
      {"RevokeCertificate", "AADDDUU", kMayFailValidation,
       [](TestClient& c, const Actor& actor) {
         v1::CertificateRevocation revocation;
         revocation.set_decision_number("1611/QĐ-UBND");
         revocation.mutable_decision_date()->set_iso_date("2024-05-25");
         revocation.set_reason("Không duy trì chất lượng sản phẩm");
         absl::StatusOr<v1::RevokeCertificateRequest> request =
             SignedRequest<v1::RevokeCertificateRequest>(
                 c, actor, "certificate.revoked",
                 trace::CertificateSubject(kCertificateToRevoke), revocation,
                 Now());
         if (!request.ok()) return ToGrpc(request.status());
         v1::EntryReceipt receipt;
         return c.Call(&v1::Certificates::Stub::RevokeCertificate,
                       c.certificates(), *request, &receipt);
       }},
      {"GetCertificate", "AAADAUU", kMustSucceed,
       [](TestClient& c, const Actor&) {
         v1::GetCertificateRequest request;
         request.set_number(kCertificateA);
         v1::Certificate certificate;
         return c.Call(&v1::Certificates::Stub::GetCertificate,
                       c.certificates(), request, &certificate);
       }},
      {"ListCertificates", "AAAAAUU", kMustSucceed,
       [](TestClient& c, const Actor&) {
         v1::ListCertificatesResponse response;
         return c.Call(&v1::Certificates::Stub::ListCertificates,
                       c.certificates(), v1::ListCertificatesRequest(),
                       &response);
       }},
  };
  RunTable(rows);
}

TEST_F(RoleMatrixTest, Trace) {
  //        admin, certifier, prodA, prodB, inspector, anon, revoked
  std::vector<Row> rows = {
      {"CreateBatch", "DDADDUU", kMustSucceed,
       [](TestClient& c, const Actor& actor) {
         return StatusOf(CreateBatch(
             c, actor.key, BatchRecordFor(kGtinA, Unique("LA")), Now()));
       }},
      // Inspectors record `inspecting` on any batch; everyone else tries
      // `storing` on producer A's batch.
      {"RecordEvent", "DDADAUU", kMustSucceed,
       [](TestClient& c, const Actor& actor) {
         const bool inspector = &actor == &actors_[kInspector];
         return StatusOf(
             RecordEvent(c, actor.key, kGtinA, kLotA,
                         EventFor(inspector ? "inspecting" : "storing",
                                  Now() - absl::Minutes(1)),
                         Now()));
       }},
      {"GetBatch", "AAADAUU", kMustSucceed,
       [](TestClient& c, const Actor&) {
         v1::GetBatchRequest request;
         request.mutable_batch()->set_gtin(kGtinA);
         request.mutable_batch()->set_lot(kLotA);
         v1::Batch batch;
         return c.Call(&v1::Trace::Stub::GetBatch, c.trace(), request, &batch);
       }},
      {"ListBatches", "AAADAUU", kMustSucceed,
       [](TestClient& c, const Actor&) {
         v1::ListBatchesRequest request;
         request.set_gtin(kGtinA);
         v1::ListBatchesResponse response;
         return c.Call(&v1::Trace::Stub::ListBatches, c.trace(), request,
                       &response);
       }},
      {"GetHistory", "AAADAUU", kMustSucceed,
       [](TestClient& c, const Actor&) {
         v1::GetHistoryRequest request;
         request.mutable_batch()->set_gtin(kGtinA);
         request.mutable_batch()->set_lot(kLotA);
         v1::GetHistoryResponse response;
         return c.Call(&v1::Trace::Stub::GetHistory, c.trace(), request,
                       &response);
       }},
  };
  RunTable(rows);
}

TEST_F(RoleMatrixTest, VerifyIsPublicButARevokedTokenIsStillRefused) {
  // Fix a checkpoint so that proofs have a signed tree size to refer to.
  TestClient anonymous(server_->target(), "");
  v1::GetCheckpointRequest checkpoint_request;
  checkpoint_request.set_min_size(server_->daemon().service().ledger().size());
  v1::GetCheckpointResponse checkpoint;
  ASSERT_TRUE(anonymous
                  .Call(&v1::Verify::Stub::GetCheckpoint, anonymous.verify(),
                        checkpoint_request, &checkpoint)
                  .ok());
  const uint64_t size = checkpoint.size();
  ASSERT_GT(size, 2u);

  //        admin, certifier, prodA, prodB, inspector, anon, revoked
  std::vector<Row> rows = {
      {"GetCheckpoint", "AAAAAAU", kMustSucceed,
       [](TestClient& c, const Actor&) {
         v1::GetCheckpointResponse response;
         return c.Call(&v1::Verify::Stub::GetCheckpoint, c.verify(),
                       v1::GetCheckpointRequest(), &response);
       }},
      {"GetEntries", "AAAAAAU", kMustSucceed,
       [](TestClient& c, const Actor&) {
         v1::GetEntriesRequest request;
         request.set_start(0);
         request.set_count(2);
         v1::GetEntriesResponse response;
         return c.Call(&v1::Verify::Stub::GetEntries, c.verify(), request,
                       &response);
       }},
      {"GetInclusionProof", "AAAAAAU", kMustSucceed,
       [size](TestClient& c, const Actor&) {
         v1::GetInclusionProofRequest request;
         request.set_index(1);
         request.set_tree_size(size);
         v1::GetInclusionProofResponse response;
         return c.Call(&v1::Verify::Stub::GetInclusionProof, c.verify(),
                       request, &response);
       }},
      {"GetConsistencyProof", "AAAAAAU", kMayFailValidation,
       [size](TestClient& c, const Actor&) {
         v1::GetConsistencyProofRequest request;
         request.set_size1(1);
         request.set_size2(size);
         v1::GetConsistencyProofResponse response;
         return c.Call(&v1::Verify::Stub::GetConsistencyProof, c.verify(),
                       request, &response);
       }},
      {"GetHead", "AAAAAAU", kMustSucceed,
       [](TestClient& c, const Actor&) {
         v1::GetHeadRequest request;
         request.set_subject(trace::BatchSubject(kGtinA, kLotA));
         v1::SubjectHead head;
         return c.Call(&v1::Verify::Stub::GetHead, c.verify(), request, &head);
       }},
      {"GetKeys", "AAAAAAU", kMustSucceed,
       [](TestClient& c, const Actor&) {
         v1::GetKeysResponse response;
         return c.Call(&v1::Verify::Stub::GetKeys, c.verify(),
                       v1::GetKeysRequest(), &response);
       }},
  };
  RunTable(rows);
}

TEST_F(RoleMatrixTest, Admin) {
  //        admin, certifier, prodA, prodB, inspector, anon, revoked
  std::vector<Row> rows = {
      {"CreatePrincipal", "ADDDDUU", kMustSucceed,
       [](TestClient& c, const Actor&) {
         return StatusOf(
             CreatePrincipal(c, Unique("thanh-tra"), v1::ROLE_INSPECTOR, ""));
       }},
      {"RevokePrincipal", "ADDDDUU", kMustSucceed,
       [](TestClient& c, const Actor&) {
         // Created by the bootstrap admin, revoked by the caller.
         TestClient admin(server_->target(), server_->admin_token());
         const std::string name = Unique("tam-thoi");
         absl::StatusOr<std::string> token =
             CreatePrincipal(admin, name, v1::ROLE_INSPECTOR, "");
         if (!token.ok()) return ToGrpc(token.status());
         v1::RevokePrincipalRequest request;
         request.set_name(name);
         v1::Principal principal;
         return c.Call(&v1::Admin::Stub::RevokePrincipal, c.admin(), request,
                       &principal);
       }},
      {"ListPrincipals", "ADDDDUU", kMustSucceed,
       [](TestClient& c, const Actor&) {
         v1::ListPrincipalsResponse response;
         return c.Call(&v1::Admin::Stub::ListPrincipals, c.admin(),
                       v1::ListPrincipalsRequest(), &response);
       }},
      {"WhoAmI", "AAAAAUU", kMustSucceed,
       [](TestClient& c, const Actor&) {
         v1::Principal me;
         return c.Call(&v1::Admin::Stub::WhoAmI, c.admin(), v1::WhoAmIRequest(),
                       &me);
       }},
      {"Backup", "ADDDDUU", kMustSucceed,
       [](TestClient& c, const Actor&) {
         v1::BackupRequest request;
         request.set_directory(
             absl::StrCat(server_->data_dir(), "/", Unique("backup")));
         v1::BackupResponse response;
         return c.Call(&v1::Admin::Stub::Backup, c.admin(), request, &response);
       }},
  };
  RunTable(rows);
}

// The explicit form of producer B's column for A's batch: no read, no write.
TEST_F(RoleMatrixTest, ProducerBCannotReadOrModifyProducerABatch) {
  const Actor& b = actors_[kProdB];
  TestClient client(server_->target(), b.token);
  const std::string subject = trace::BatchSubject(kGtinA, kLotA);
  TestClient anonymous(server_->target(), "");
  const v1::SubjectHead before = *anonymous.Head(subject);

  v1::GetBatchRequest get;
  get.mutable_batch()->set_gtin(kGtinA);
  get.mutable_batch()->set_lot(kLotA);
  v1::Batch batch;
  grpc::Status status =
      client.Call(&v1::Trace::Stub::GetBatch, client.trace(), get, &batch);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_NE(status.error_message().find(kProducerA), std::string::npos)
      << status.error_message();

  // B signs an event on A's batch with B's own key...
  absl::StatusOr<v1::EntryReceipt> event =
      RecordEvent(client, b.key, kGtinA, kLotA,
                  EventFor("shipping", Now() - absl::Minutes(1)), Now());
  EXPECT_EQ(event.status().code(), absl::StatusCode::kPermissionDenied)
      << event.status();
  // ...and, holding A's key but B's token, still cannot write.
  event = RecordEvent(client, actors_[kProdA].key, kGtinA, kLotA,
                      EventFor("shipping", Now() - absl::Minutes(1)), Now());
  EXPECT_EQ(event.status().code(), absl::StatusCode::kPermissionDenied)
      << event.status();

  const v1::SubjectHead after = *anonymous.Head(subject);
  EXPECT_EQ(after.next_seq(), before.next_seq());
  EXPECT_EQ(after.prev(), before.prev());
}

}  // namespace
}  // namespace ocoptrace::rpctest
