// The role matrix: every Service method × {admin, certifier, producer A,
// producer B, inspector, anonymous, revoked token} → allowed, denied
// (PermissionDenied) or unauthenticated. Allowed calls get valid inputs and
// must succeed; each write signs with the caller's own key. Producer B
// acts on producer A's things throughout, so B's column also shows that a
// producer cannot read or modify another producer's products and batches.
#include <functional>
#include <map>

#include "core/gs1.h"
#include "server/trace/kinds.h"
#include "server/trace/subjects.h"
#include "tests/server/trace/trace_test_util.h"

namespace ocoptrace::trace::testing {
namespace {

enum Who {
  kAsAdmin,
  kAsCertifier,
  kAsProducerA,
  kAsProducerB,
  kAsInspector,
  kAsAnonymous
};
enum Expect { kAllow, kDeny, kUnauthenticated };

constexpr const char* kWhoNames[] = {"admin",      "certifier", "producer A",
                                     "producer B", "inspector", "anonymous"};

struct Row {
  std::string method;
  // Which callers may call. Everyone else: PermissionDenied, anonymous:
  // Unauthenticated — unless `is_public`.
  std::vector<Who> allowed;
  std::function<absl::Status(const Caller&, Who)> call;
  bool is_public = false;
  // An allowed call that fails for a reason other than permissions.
  absl::StatusCode allowed_code = absl::StatusCode::kOk;
};

class RoleMatrixTest : public TraceTest {
 protected:
  void SetUp() override {
    TraceTest::SetUp();
    SetUpCast();
    ASSERT_OK(AddKey(
        admin_, OfficialKey(admin_key_, v1::KEY_ROLE_ADMIN, "ocop.admin")));
    ASSERT_OK(IssueCertificate(certifier_, certifier_key_,
                               Certificate("GCN-A", kProducerA, kGtinA)));
    ASSERT_OK(CreateBatch(producer_a_, key_a_, Batch(kGtinA, kLot)));
    auto checkpoint = service_->ledger().CheckpointNow();
    ASSERT_OK(checkpoint);
    checkpoint_size_ = checkpoint->checkpoint.size;
  }

  Caller CallerFor(Who who) const {
    switch (who) {
      case kAsAdmin:
        return admin_;
      case kAsCertifier:
        return certifier_;
      case kAsProducerA:
        return producer_a_;
      case kAsProducerB:
        return producer_b_;
      case kAsInspector:
        return inspector_;
      case kAsAnonymous:
        return Caller{};
    }
    return {};
  }

  const NoteSigner& KeyFor(Who who) const {
    switch (who) {
      case kAsAdmin:
        return admin_key_;
      case kAsCertifier:
        return certifier_key_;
      case kAsProducerB:
        return key_b_;
      case kAsInspector:
        return inspector_key_;
      default:
        return key_a_;
    }
  }

  // A fresh valid GTIN-14 for products registered during the matrix.
  std::string FreshGtin() {
    const std::string body = "089345639" + std::to_string(1000 + fresh_++);
    return body + std::to_string(Gs1CheckDigit(body));
  }
  std::string Fresh(const std::string& prefix) {
    return prefix + std::to_string(fresh_++);
  }

  std::vector<Row> Rows();

  NoteSigner admin_key_ = TestSigner("ocop-admin-key");
  uint64_t checkpoint_size_ = 0;
  int fresh_ = 0;
};

std::vector<Row> RoleMatrixTest::Rows() {
  const std::vector<Who> all = {kAsAdmin, kAsCertifier, kAsProducerA,
                                kAsProducerB, kAsInspector};
  const std::vector<Who> readers_of_a = {kAsAdmin, kAsCertifier, kAsProducerA,
                                         kAsInspector};
  auto receipt = [](absl::StatusOr<v1::EntryReceipt> r) { return r.status(); };
  std::vector<Row> rows;

  // --- Registry ------------------------------------------------------------
  rows.push_back({"RegisterProducer", {kAsAdmin}, [&](const Caller& c, Who) {
                    return receipt(
                        RegisterProducer(c, Producer(Fresh("htx-new-"))));
                  }});
  rows.push_back(
      {"UpdateProducer",
       {kAsAdmin, kAsProducerA},
       [&](const Caller& c, Who who) {
         v1::UpdateProducerRequest request;
         if (who == kAsAdmin) {
           *request.mutable_producer() = Producer(kProducerA);
         } else {
           *request.mutable_signed_() =
               SignMessage(KeyFor(who), "producer.updated",
                           ProducerSubject(kProducerA), Producer(kProducerA));
         }
         return Await<v1::EntryReceipt>([&](auto done) {
                  service_->UpdateProducer(c, request, std::move(done));
                })
             .status();
       }});
  rows.push_back({"GetProducer", all, [&](const Caller& c, Who) {
                    v1::GetProducerRequest request;
                    request.set_producer_id(kProducerA);
                    return service_->GetProducer(c, request).status();
                  }});
  rows.push_back({"ListProducers", all, [&](const Caller& c, Who) {
                    return service_->ListProducers(c, {}).status();
                  }});
  rows.push_back(
      {"AddKey", {kAsAdmin, kAsProducerA}, [&](const Caller& c, Who) {
         return receipt(
             AddKey(c, ProducerKey(TestSigner(Fresh("key-a-")), kProducerA)));
       }});
  rows.push_back(
      {"RevokeKey", {kAsAdmin, kAsProducerA}, [&](const Caller& c, Who) {
         const NoteSigner key = TestSigner(Fresh("key-a-"));
         EXPECT_OK(AddKey(admin_, ProducerKey(key, kProducerA)));
         return receipt(RevokeKey(c, key.name, "điện thoại bị mất"));
       }});
  rows.push_back(
      {"RegisterProduct", {kAsProducerA}, [&](const Caller& c, Who who) {
         return receipt(
             RegisterProduct(c, KeyFor(who), Product(FreshGtin(), kProducerA)));
       }});
  rows.push_back(
      {"UpdateProduct", {kAsProducerA}, [&](const Caller& c, Who who) {
         v1::UpdateProductRequest request;
         *request.mutable_signed_() =
             SignMessage(KeyFor(who), "product.updated", ProductSubject(kGtinA),
                         Product(kGtinA, kProducerA));
         return Await<v1::EntryReceipt>([&](auto done) {
                  service_->UpdateProduct(c, request, std::move(done));
                })
             .status();
       }});
  rows.push_back({"GetProduct", readers_of_a, [&](const Caller& c, Who) {
                    v1::GetProductRequest request;
                    request.set_gtin(kGtinA);
                    return service_->GetProduct(c, request).status();
                  }});
  rows.push_back({"ListProducts", all, [&](const Caller& c, Who) {
                    return service_->ListProducts(c, {}).status();
                  }});

  // --- Certificates ----------------------------------------------------------
  rows.push_back(
      {"IssueCertificate",
       {kAsAdmin, kAsCertifier},
       [&](const Caller& c, Who who) {
         return receipt(IssueCertificate(
             c, KeyFor(who), Certificate(Fresh("GCN-"), kProducerA, kGtinA)));
       }});
  rows.push_back({"RenewCertificate",
                  {kAsAdmin, kAsCertifier},
                  [&](const Caller& c, Who who) {
                    const std::string old = Fresh("GCN-");
                    EXPECT_OK(
                        IssueCertificate(certifier_, certifier_key_,
                                         Certificate(old, kProducerA, kGtinA)));
                    v1::CertificateRecord renewal =
                        Certificate(old + "-R", kProducerA, kGtinA);
                    renewal.set_supersedes(old);
                    return receipt(RenewCertificate(c, KeyFor(who), renewal));
                  }});
  rows.push_back(
      {"RevokeCertificate",
       {kAsAdmin, kAsCertifier},
       [&](const Caller& c, Who who) {
         const std::string number = Fresh("GCN-");
         EXPECT_OK(IssueCertificate(certifier_, certifier_key_,
                                    Certificate(number, kProducerA, kGtinA)));
         return receipt(RevokeCertificate(c, KeyFor(who), number,
                                          Revocation("2024-03-25")));
       }});
  rows.push_back({"GetCertificate", readers_of_a, [&](const Caller& c, Who) {
                    v1::GetCertificateRequest request;
                    request.set_number("GCN-A");
                    return service_->GetCertificate(c, request).status();
                  }});
  rows.push_back({"ListCertificates", all, [&](const Caller& c, Who) {
                    return service_->ListCertificates(c, {}).status();
                  }});

  // --- Trace
  // -------------------------------------------------------------------
  rows.push_back({"CreateBatch", {kAsProducerA}, [&](const Caller& c, Who who) {
                    return receipt(CreateBatch(c, KeyFor(who),
                                               Batch(kGtinA, Fresh("LOT-"))));
                  }});
  rows.push_back({"RecordEvent",
                  {kAsProducerA, kAsInspector},
                  [&](const Caller& c, Who who) {
                    const char* step =
                        who == kAsInspector ? "inspecting" : "storing";
                    return receipt(RecordEvent(c, KeyFor(who), Event(step)));
                  }});
  rows.push_back({"GetBatch", readers_of_a, [&](const Caller& c, Who) {
                    v1::GetBatchRequest request;
                    request.mutable_batch()->set_gtin(kGtinA);
                    request.mutable_batch()->set_lot(kLot);
                    return service_->GetBatch(c, request).status();
                  }});
  rows.push_back({"ListBatches", readers_of_a, [&](const Caller& c, Who) {
                    v1::ListBatchesRequest request;
                    request.set_gtin(kGtinA);
                    return service_->ListBatches(c, request).status();
                  }});
  rows.push_back({"GetHistory", readers_of_a, [&](const Caller& c, Who) {
                    return GetHistory(c, kGtinA, kLot).status();
                  }});

  // --- Verify (public) -------------------------------------------------------
  auto public_row = [&](std::string name,
                        std::function<absl::Status(const Caller&)> call) {
    Row row{
        std::move(name), {}, [call](const Caller& c, Who) { return call(c); }};
    row.is_public = true;
    return row;
  };
  rows.push_back(public_row("GetCheckpoint", [&](const Caller& c) {
    return Await<v1::GetCheckpointResponse>([&](auto done) {
             service_->GetCheckpoint(c, {}, std::move(done));
           })
        .status();
  }));
  rows.push_back(public_row("GetEntries", [&](const Caller& c) {
    return service_->GetEntries(c, {}).status();
  }));
  rows.push_back(public_row("GetInclusionProof", [&](const Caller& c) {
    v1::GetInclusionProofRequest request;
    request.set_index(0);
    request.set_tree_size(checkpoint_size_);
    return service_->GetInclusionProof(c, request).status();
  }));
  rows.push_back(public_row("GetConsistencyProof", [&](const Caller& c) {
    v1::GetConsistencyProofRequest request;
    request.set_size1(checkpoint_size_);
    request.set_size2(checkpoint_size_);
    return service_->GetConsistencyProof(c, request).status();
  }));
  rows.push_back(public_row("GetHead", [&](const Caller& c) {
    v1::GetHeadRequest request;
    request.set_subject(BatchSubject(kGtinA, kLot));
    return service_->GetHead(c, request).status();
  }));
  rows.push_back(public_row("GetKeys", [&](const Caller& c) {
    return service_->GetKeys(c, {}).status();
  }));

  // --- Admin
  // -------------------------------------------------------------------
  rows.push_back({"CreatePrincipal", {kAsAdmin}, [&](const Caller& c, Who) {
                    v1::CreatePrincipalRequest request;
                    request.mutable_principal()->set_name(Fresh("staff-"));
                    request.mutable_principal()->set_role(v1::ROLE_INSPECTOR);
                    return service_->CreatePrincipal(c, request).status();
                  }});
  rows.push_back({"RevokePrincipal", {kAsAdmin}, [&](const Caller& c, Who) {
                    const std::string name = Fresh("staff-");
                    MakePrincipal(name, v1::ROLE_INSPECTOR);
                    v1::RevokePrincipalRequest request;
                    request.set_name(name);
                    return service_->RevokePrincipal(c, request).status();
                  }});
  rows.push_back({"ListPrincipals", {kAsAdmin}, [&](const Caller& c, Who) {
                    return service_->ListPrincipals(c, {}).status();
                  }});
  rows.push_back({"WhoAmI", all, [&](const Caller& c, Who) {
                    return service_->WhoAmI(c).status();
                  }});
  Row backup{"Backup", {kAsAdmin}, [&](const Caller& c, Who) {
               v1::BackupRequest request;
               request.set_directory(::testing::TempDir() + "/trace-backup");
               return Await<v1::BackupResponse>([&](auto done) {
                        service_->Backup(c, request, std::move(done));
                      })
                   .status();
             }};
  // Allowed, but a MemoryStore has no files to copy.
  backup.allowed_code = absl::StatusCode::kUnimplemented;
  rows.push_back(backup);
  return rows;
}

TEST_F(RoleMatrixTest, EveryMethodForEveryRole) {
  const std::vector<Row> rows = Rows();
  EXPECT_EQ(rows.size(), 31u);  // Every method of service.h.
  for (const Row& row : rows) {
    for (Who who : {kAsAdmin, kAsCertifier, kAsProducerA, kAsProducerB,
                    kAsInspector, kAsAnonymous}) {
      SCOPED_TRACE(row.method + " as " + kWhoNames[who]);
      Expect expect = kDeny;
      if (row.is_public || std::find(row.allowed.begin(), row.allowed.end(),
                                     who) != row.allowed.end()) {
        expect = kAllow;
      } else if (who == kAsAnonymous) {
        expect = kUnauthenticated;
      }
      const absl::Status status = row.call(CallerFor(who), who);
      switch (expect) {
        case kAllow:
          EXPECT_EQ(status.code(), row.allowed_code) << status;
          break;
        case kDeny:
          EXPECT_EQ(status.code(), absl::StatusCode::kPermissionDenied)
              << status;
          break;
        case kUnauthenticated:
          EXPECT_EQ(status.code(), absl::StatusCode::kUnauthenticated)
              << status;
          break;
      }
    }
  }
}

TEST_F(RoleMatrixTest, RevokedTokenIsRefusedForEveryMethod) {
  v1::CreatePrincipalRequest request;
  request.mutable_principal()->set_name("former.certifier");
  request.mutable_principal()->set_role(v1::ROLE_CERTIFIER);
  auto created = service_->CreatePrincipal(admin_, request);
  ASSERT_OK(created);
  ASSERT_OK(service_->Authenticate(created->token()));
  v1::RevokePrincipalRequest revoke;
  revoke.set_name("former.certifier");
  auto revoked = service_->RevokePrincipal(admin_, revoke);
  ASSERT_OK(revoked);
  EXPECT_TRUE(revoked->revoked());
  // A revoked token never becomes a Caller, so no method runs for it.
  for (int i = 0; i < 2; ++i) {
    auto caller = service_->Authenticate(created->token());
    EXPECT_EQ(caller.status().code(), absl::StatusCode::kUnauthenticated);
    EXPECT_THAT(caller.status().message(),
                ::testing::HasSubstr("token revoked"));
    OpenService();  // Still revoked after a restart.
  }
  EXPECT_EQ(service_->Authenticate("not-a-token").status().code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(service_->Authenticate("").status().code(),
            absl::StatusCode::kUnauthenticated);
}

TEST_F(RoleMatrixTest, MessagesNameTheRoleNeeded) {
  auto denied = RegisterProducer(producer_a_, Producer("htx-x"));
  EXPECT_EQ(denied.status().message(),
            "RegisterProducer needs role admin; you are producer "
            "'htx-tai-hoan'");
  auto anonymous = RegisterProducer(Caller{}, Producer("htx-x"));
  EXPECT_THAT(anonymous.status().message(),
              ::testing::HasSubstr("needs a bearer token"));
  v1::GetProductRequest get;
  get.set_gtin(kGtinA);
  auto other = service_->GetProduct(producer_b_, get);
  EXPECT_THAT(other.status().message(),
              ::testing::HasSubstr("product 08934563123451 belongs to "
                                   "producer 'htx-tai-hoan'"));
}

TEST_F(RoleMatrixTest, TokensAreRandomAndStoredHashed) {
  v1::CreatePrincipalRequest request;
  request.mutable_principal()->set_name("htx-b-phone");
  request.mutable_principal()->set_role(v1::ROLE_PRODUCER);
  request.mutable_principal()->set_producer_id(kProducerB);
  auto created = service_->CreatePrincipal(admin_, request);
  ASSERT_OK(created);
  EXPECT_EQ(created->token().size(), 43u);  // 32 bytes, base64url.
  auto caller = service_->Authenticate(created->token());
  ASSERT_OK(caller);
  EXPECT_EQ(caller->producer_id, kProducerB);
  EXPECT_EQ(caller->role, v1::ROLE_PRODUCER);
  // The clear token is nowhere in the store.
  bool found = false;
  ASSERT_OK(store_->Latest().Scan(
      storage::Column::kPrincipals, "", "",
      [&](std::string_view key, std::string_view value) {
        found |= key.find(created->token()) != std::string_view::npos ||
                 value.find(created->token()) != std::string_view::npos;
        return true;
      }));
  EXPECT_FALSE(found);
  // A producer principal needs an existing producer; names are unique.
  request.mutable_principal()->set_producer_id("htx-nobody");
  request.mutable_principal()->set_name("someone");
  EXPECT_EQ(service_->CreatePrincipal(admin_, request).status().code(),
            absl::StatusCode::kNotFound);
  request.mutable_principal()->set_producer_id(kProducerB);
  request.mutable_principal()->set_name("htx-b-phone");
  EXPECT_EQ(service_->CreatePrincipal(admin_, request).status().code(),
            absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(service_->BootstrapAdmin("second.admin").status().code(),
            absl::StatusCode::kAlreadyExists);
}

}  // namespace
}  // namespace ocoptrace::trace::testing
