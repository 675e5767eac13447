// Every RPC of every service x every role, over real gRPC: admin,
// certifier, producer A, producer B, inspector, no token and a revoked
// token (the fixture and the legend of the tables are in role_matrix.h).

#include "tests/server/rpc/role_matrix.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "ocoptrace/v1/labels.grpc.pb.h"
#include "server/trace/subjects.h"
#include "tests/server/rpc/story.h"
#include "tests/server/rpc/test_client.h"

namespace ocoptrace::rpctest {
namespace {

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

TEST_F(RoleMatrixTest, Labels) {
  //        admin, certifier, prodA, prodB, inspector, anon, revoked
  std::vector<Row> rows = {
      // The label key signs labels.issued, so an admin may print for a
      // cooperative.
      {"IssueLabels", "ADADDUU", kMustSucceed,
       [](TestClient& c, const Actor&) {
         return StatusOf(IssueLabels(c, kGtinA, kLotA, 2, /*with_pins=*/true));
       }},
      {"VoidLabels", "DDADDUU", kMustSucceed,
       [](TestClient& c, const Actor& actor) {
         v1::LabelsVoided voided;
         voided.add_serials(label_serials_[0]);
         voided.set_reason("Nhãn in lỗi");
         absl::StatusOr<v1::VoidLabelsRequest> request =
             SignedRequest<v1::VoidLabelsRequest>(
                 c, actor, "labels.voided", trace::BatchSubject(kGtinA, kLotA),
                 voided, Now());
         if (!request.ok()) return ToGrpc(request.status());
         v1::EntryReceipt receipt;
         return c.Call(&v1::Labels::Stub::VoidLabels, c.labels(), *request,
                       &receipt);
       }},
      {"GetLabel", "AAAAAAU", kMustSucceed,
       [](TestClient& c, const Actor&) {
         v1::GetLabelRequest request;
         request.set_gtin(kGtinA);
         request.set_serial(label_serials_[1]);
         v1::Label label;
         grpc::Status status =
             c.Call(&v1::Labels::Stub::GetLabel, c.labels(), request, &label);
         if (status.ok() && label.status() != v1::LABEL_STATUS_ISSUED) {
           return grpc::Status(grpc::StatusCode::INTERNAL,
                               "label should be ISSUED");
         }
         return status;
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
