// Rebuilding the derived state from the log gives byte-identical state,
// in place and into a fresh store holding only the log; and key revocation:
// a revoked key signs nothing new while what it signed stays verifiable.
#include "core/merkle.h"
#include "server/storage/keys.h"
#include "server/trace/kinds.h"
#include "server/trace/subjects.h"
#include "tests/server/trace/trace_test_util.h"

namespace ocoptrace::trace::testing {
namespace {

using storage::Column;
using ::testing::HasSubstr;

class RebuildTest : public TraceTest {
 protected:
  // The story plus revocations, renewals, updates and a revoked key.
  void PlayStory() {
    SetUpCast();
    ASSERT_OK(
        RegisterProduct(producer_a_, key_a_, Product(kGtinA2, kProducerA)));
    ASSERT_OK(IssueCertificate(certifier_, certifier_key_,
                               Certificate("GCN-1", kProducerA, kGtinA)));
    v1::CertificateRecord renewal = Certificate("GCN-1-R", kProducerA, kGtinA);
    renewal.add_products(kGtinA2);
    renewal.mutable_decision_date()->set_iso_date("2024-03-25");
    renewal.set_supersedes("GCN-1");
    ASSERT_OK(RenewCertificate(certifier_, certifier_key_, renewal));
    ASSERT_OK(IssueCertificate(certifier_, certifier_key_,
                               Certificate("2890/QĐ-BNN", kProducerB, kGtinB)));
    ASSERT_OK(RevokeCertificate(certifier_, certifier_key_, "2890/QĐ-BNN",
                                Revocation("2024-03-25")));
    ASSERT_OK(CreateBatch(producer_a_, key_a_, Batch(kGtinA, kLot)));
    ASSERT_OK(CreateBatch(producer_a_, key_a_, Batch(kGtinA2, "L/2")));
    for (const char* step : {"commissioning", "packing", "shipping"}) {
      ASSERT_OK(RecordEvent(producer_a_, key_a_, Event(step)));
    }
    ASSERT_OK(RecordEvent(inspector_, inspector_key_, Event("inspecting")));
    v1::UpdateProductRequest update;
    v1::ProductRecord renamed = Product(kGtinA, kProducerA);
    renamed.set_name("Miến dong Tài Hoan 500 g");
    *update.mutable_signed_() =
        SignMessage(key_a_, "product.updated", ProductSubject(kGtinA), renamed);
    ASSERT_OK(Await<v1::EntryReceipt>([&](auto done) {
      service_->UpdateProduct(producer_a_, update, std::move(done));
    }));
    ASSERT_OK(RevokeKey(admin_, key_b_.name, "máy tính bị hỏng"));
  }
};

TEST_F(RebuildTest, RebuildGivesByteIdenticalState) {
  PlayStory();
  auto before = service_->DerivedStateDigest();
  ASSERT_OK(before);
  const uint64_t size = service_->ledger().size();
  auto replayed = service_->RebuildState();
  ASSERT_OK(replayed);
  EXPECT_EQ(*replayed, size);
  auto after = service_->DerivedStateDigest();
  ASSERT_OK(after);
  EXPECT_EQ(HashToHex(*before), HashToHex(*after));

  // Damage the derived state: the digest notices, a rebuild repairs it.
  storage::WriteBatch damage;
  damage.Delete(Column::kState,
                storage::StateRecordKey(ProductSubject(kGtinA)));
  damage.Put(Column::kIndexes, "junk", "");
  ASSERT_OK(store_->Write(damage, {}));
  EXPECT_NE(HashToHex(*service_->DerivedStateDigest()), HashToHex(*before));
  ASSERT_OK(service_->RebuildState());
  EXPECT_EQ(HashToHex(*service_->DerivedStateDigest()), HashToHex(*before));

  // The service works on after a rebuild: keys were reloaded.
  EXPECT_OK(RecordEvent(producer_a_, key_a_, Event("storing")));
  EXPECT_EQ(RecordEvent(producer_b_, key_b_, Event("storing"), kGtinB, "X")
                .status()
                .code(),
            absl::StatusCode::kPermissionDenied);
}

TEST_F(RebuildTest, RebuildIntoAFreshStoreHoldingOnlyTheLog) {
  PlayStory();
  auto expected = service_->DerivedStateDigest();
  ASSERT_OK(expected);
  // Copy everything but the derived columns.
  storage::MemoryStore fresh;
  storage::WriteBatch copy;
  for (Column column : storage::AllColumns()) {
    if (column == Column::kState || column == Column::kIndexes ||
        column == Column::kLabels) {
      continue;
    }
    ASSERT_OK(store_->Latest().Scan(
        column, "", "", [&](std::string_view key, std::string_view value) {
          copy.Put(column, key, value);
          return true;
        }));
  }
  ASSERT_OK(fresh.Write(copy, {}));
  service_.reset();
  ServiceOptions options;
  options.ledger.checkpoint_interval = absl::ZeroDuration();
  auto rebuilt = Service::Open(&fresh, keys_, &clock_, &random_, options);
  ASSERT_OK(rebuilt);
  ASSERT_OK((*rebuilt)->RebuildState());
  auto digest = (*rebuilt)->DerivedStateDigest();
  ASSERT_OK(digest);
  EXPECT_EQ(HashToHex(*digest), HashToHex(*expected));
  // And the rebuilt service answers like the original.
  v1::GetProductRequest get;
  get.set_gtin(kGtinA);
  auto product = (*rebuilt)->GetProduct(admin_, get);
  ASSERT_OK(product);
  EXPECT_EQ(product->record().name(), "Miến dong Tài Hoan 500 g");
  EXPECT_EQ(product->active_stars(), 4u);
  ASSERT_EQ(product->certificates_size(), 2);
}

TEST_F(RebuildTest, RevokedKeySignsNothingNewButHistoryStillVerifies) {
  SetUpCast();
  ASSERT_OK(CreateBatch(producer_a_, key_a_, Batch(kGtinA, kLot)));
  ASSERT_OK(RecordEvent(producer_a_, key_a_, Event("commissioning")));

  // The producer revokes its own key (an admin could too).
  auto revoked = RevokeKey(producer_a_, key_a_.name, "điện thoại bị mất");
  ASSERT_OK(revoked);
  EXPECT_EQ(revoked->kind(), "key.revoked");
  EXPECT_EQ(revoked->subject(), "producer/htx-tai-hoan");

  const std::string batch = BatchSubject(kGtinA, kLot);
  const auto before = Footprint(batch);
  auto refused = RecordEvent(producer_a_, key_a_, Event("packing"));
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(refused.status().message(),
              HasSubstr("not signed by an active registered key"));
  EXPECT_EQ(Footprint(batch), before);
  EXPECT_EQ(RevokeKey(admin_, key_a_.name, "again").status().code(),
            absl::StatusCode::kFailedPrecondition);
  // The name stays taken.
  EXPECT_EQ(AddKey(admin_, ProducerKey(key_a_, kProducerA)).status().code(),
            absl::StatusCode::kAlreadyExists);

  // A new key signs again.
  const NoteSigner key_2 = TestSigner("htx-tai-hoan-key-2");
  ASSERT_OK(AddKey(producer_a_, ProducerKey(key_2, kProducerA)));
  ASSERT_OK(RecordEvent(producer_a_, key_2, Event("packing")));

  // GetKeys lists the revoked key; the old entries verify with it.
  auto keys = service_->GetKeys(Caller{}, v1::GetKeysRequest());
  ASSERT_OK(keys);
  ASSERT_EQ(keys->revoked_size(), 1);
  EXPECT_EQ(keys->revoked(0), VkeyOf(key_a_));
  std::vector<NoteVerifier> known;
  for (const auto* list : {&keys->actors(), &keys->revoked()}) {
    for (const std::string& vkey : *list) known.push_back(*ParseVkey(vkey));
  }
  auto history = GetHistory(inspector_, kGtinA, kLot);
  ASSERT_OK(history);
  ASSERT_EQ(history->items_size(), 3);
  EXPECT_EQ(history->items(0).signer(), "htx-tai-hoan-key-1");
  EXPECT_EQ(history->items(2).signer(), "htx-tai-hoan-key-2");
  auto log_key = ParseVkey(keys->log());
  ASSERT_OK(log_key);
  auto checkpoint = OpenCheckpoint(history->checkpoint(), *log_key);
  ASSERT_OK(checkpoint);
  for (const v1::HistoryItem& item : history->items()) {
    const v1::LogEntry& entry = item.proven().entry();
    EXPECT_OK(OpenNote(entry.entry(), known));
    std::vector<Hash> proof;
    for (const std::string& hash : item.proven().inclusion_proof()) {
      proof.push_back(*HashFromBytes(hash));
    }
    EXPECT_OK(VerifyInclusion(entry.index(), checkpoint->size,
                              LeafHash(entry.entry()), proof,
                              checkpoint->root));
  }

  // The producer record shows both keys and where they changed.
  v1::GetProducerRequest get;
  get.set_producer_id(kProducerA);
  auto producer = service_->GetProducer(admin_, get);
  ASSERT_OK(producer);
  ASSERT_EQ(producer->keys_size(), 2);
  EXPECT_TRUE(producer->keys(0).revoked());
  EXPECT_EQ(producer->keys(0).revocation_reason(), "điện thoại bị mất");
  EXPECT_EQ(producer->keys(0).revoked_at_index(), revoked->index());
  EXPECT_FALSE(producer->keys(1).revoked());

  // Producers revoke only their own keys; nobody revokes the authority.
  EXPECT_EQ(RevokeKey(producer_a_, key_b_.name, "x").status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(RevokeKey(admin_, keys_.authority.name, "x").status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(RevokeKey(admin_, "no-such-key", "x").status().code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace ocoptrace::trace::testing
