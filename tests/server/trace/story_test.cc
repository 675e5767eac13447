// The whole story at the service level: an admin registers HTX Tài Hoan and
// its key, a certifier issues a 4★ certificate for the product the producer
// registered, the producer creates a batch and records commissioning →
// packing → shipping, and the history verifies the way a client checks it:
// signatures against GetKeys, chain links, inclusion proofs against the
// checkpoint opened with the log key.
#include <map>

#include "core/base64.h"
#include "core/checkpoint.h"
#include "core/merkle.h"
#include "server/trace/kinds.h"
#include "server/trace/subjects.h"
#include "tests/server/trace/trace_test_util.h"

namespace ocoptrace::trace::testing {
namespace {

class StoryTest : public TraceTest {};

TEST_F(StoryTest, ProducerToShelfWithVerifiableHistory) {
  // Admin registers the cooperative and its producer key.
  auto registered = RegisterProducer(admin_, Producer(kProducerA));
  ASSERT_OK(registered);
  EXPECT_EQ(registered->kind(), "producer.registered");
  EXPECT_EQ(registered->subject(), "producer/htx-tai-hoan");
  EXPECT_EQ(registered->seq(), 0u);
  auto key_added = AddKey(admin_, ProducerKey(key_a_, kProducerA));
  ASSERT_OK(key_added);
  EXPECT_EQ(key_added->subject(), "producer/htx-tai-hoan");
  EXPECT_EQ(key_added->seq(), 1u);
  producer_a_ =
      MakePrincipal("htx-tai-hoan-app", v1::ROLE_PRODUCER, kProducerA);

  // Admin creates a certifier principal and adds its key.
  certifier_ = MakePrincipal("ocop.certifier", v1::ROLE_CERTIFIER);
  auto certifier_key = AddKey(
      admin_,
      OfficialKey(certifier_key_, v1::KEY_ROLE_CERTIFIER, "ocop.certifier"));
  ASSERT_OK(certifier_key);
  EXPECT_EQ(certifier_key->subject(), "principal/ocop.certifier");

  // The producer registers its product.
  ASSERT_OK(RegisterProduct(producer_a_, key_a_, Product(kGtinA, kProducerA)));

  // The certifier issues a 4★ certificate (78.5 points, provincial).
  auto issued =
      IssueCertificate(certifier_, certifier_key_,
                       Certificate("GCN-OCOP-2024-015", kProducerA, kGtinA));
  ASSERT_OK(issued);
  EXPECT_EQ(issued->subject(), "certificate/GCN-OCOP-2024-015");

  v1::GetProductRequest get_product;
  get_product.set_gtin("8934563123451");  // GTIN-13 accepted on reads.
  auto product = service_->GetProduct(producer_a_, get_product);
  ASSERT_OK(product);
  EXPECT_EQ(product->record().gtin(), kGtinA);
  EXPECT_EQ(product->active_stars(), 4u);
  ASSERT_EQ(product->certificates_size(), 1);
  EXPECT_EQ(product->certificates(0), "GCN-OCOP-2024-015");

  // The producer creates a batch and records three events.
  auto batch = CreateBatch(producer_a_, key_a_, Batch(kGtinA, kLot));
  ASSERT_OK(batch);
  EXPECT_EQ(batch->subject(), "batch/08934563123451/L2024-03A");
  for (const char* step : {"commissioning", "packing", "shipping"}) {
    auto receipt = RecordEvent(producer_a_, key_a_, Event(step));
    ASSERT_OK(receipt);
    EXPECT_EQ(receipt->kind(), std::string("event.") + step);
  }

  v1::GetBatchRequest get_batch;
  get_batch.mutable_batch()->set_gtin(kGtinA);
  get_batch.mutable_batch()->set_lot(kLot);
  auto stored_batch = service_->GetBatch(producer_a_, get_batch);
  ASSERT_OK(stored_batch);
  EXPECT_EQ(stored_batch->entries(), 4u);
  EXPECT_EQ(stored_batch->last_step(), "shipping");
  EXPECT_EQ(stored_batch->producer_id(), kProducerA);
  EXPECT_EQ(stored_batch->record().quantity().unit(), "KGM");

  // The history, verified like a client would.
  auto history = GetHistory(producer_a_, kGtinA, kLot);
  ASSERT_OK(history);
  ASSERT_EQ(history->items_size(), 4);
  const std::vector<std::string> kinds = {"batch.created",
                                          "event.commissioning",
                                          "event.packing", "event.shipping"};

  auto keys = service_->GetKeys(Caller{}, v1::GetKeysRequest());
  ASSERT_OK(keys);
  auto log_key = ParseVkey(keys->log());
  ASSERT_OK(log_key);
  std::vector<NoteVerifier> actors;
  for (const std::string& vkey : keys->actors()) {
    auto verifier = ParseVkey(vkey);
    ASSERT_OK(verifier);
    actors.push_back(*verifier);
  }
  auto checkpoint = OpenCheckpoint(history->checkpoint(), *log_key);
  ASSERT_OK(checkpoint);
  EXPECT_EQ(checkpoint->origin, "log.test.ocoptrace");

  Hash prev{};  // seq 0 chains on zeros.
  uint64_t last_index = 0;
  for (int i = 0; i < history->items_size(); ++i) {
    const v1::HistoryItem& item = history->items(i);
    const v1::LogEntry& entry = item.proven().entry();
    SCOPED_TRACE(kinds[i]);
    EXPECT_EQ(item.kind(), kinds[i]);
    EXPECT_EQ(item.signer(), "htx-tai-hoan-key-1");
    if (i > 0) EXPECT_GT(entry.index(), last_index);
    last_index = entry.index();
    // Signature.
    auto opened = OpenNote(entry.entry(), actors);
    ASSERT_OK(opened);
    ASSERT_EQ(opened->verified.size(), 1u);
    EXPECT_EQ(opened->verified[0].name, "htx-tai-hoan-key-1");
    // Chain link and body hash.
    auto parsed = ParseEntryText(opened->text);
    ASSERT_OK(parsed);
    EXPECT_EQ(parsed->seq, static_cast<uint64_t>(i));
    EXPECT_EQ(parsed->prev, prev);
    EXPECT_EQ(parsed->body_hash, Sha256(entry.body()));
    prev = EntryHash(entry.entry());
    // Inclusion proof under the one checkpoint.
    EXPECT_EQ(item.proven().tree_size(), checkpoint->size);
    std::vector<Hash> proof;
    for (const std::string& hash : item.proven().inclusion_proof()) {
      auto decoded = HashFromBytes(hash);
      ASSERT_OK(decoded);
      proof.push_back(*decoded);
    }
    EXPECT_OK(VerifyInclusion(entry.index(), checkpoint->size,
                              LeafHash(entry.entry()), proof,
                              checkpoint->root));
  }
  EXPECT_TRUE(history->items(0).has_batch());
  EXPECT_EQ(history->items(0).batch().lot(), kLot);
  EXPECT_EQ(history->items(3).event().destination().name(),
            "Siêu thị Co.opmart Thái Nguyên");
  EXPECT_EQ(history->batch().entries(), 4u);

  // The producer's view: record, keys with their log positions.
  v1::GetProducerRequest get_producer;
  get_producer.set_producer_id(kProducerA);
  auto producer = service_->GetProducer(certifier_, get_producer);
  ASSERT_OK(producer);
  EXPECT_EQ(producer->record().name(), "HTX Tài Hoan");
  EXPECT_EQ(producer->entries(), 2u);
  ASSERT_EQ(producer->keys_size(), 1);
  EXPECT_EQ(producer->keys(0).name(), "htx-tai-hoan-key-1");
  EXPECT_EQ(producer->keys(0).added_at_index(), key_added->index());
  EXPECT_FALSE(producer->has_address_as_registered());

  // GetKeys: the service's own keys are in the log.
  ASSERT_EQ(keys->label_size(), 1);
  EXPECT_EQ(keys->label(0), VkeyOf(keys_.labels[0]));
  EXPECT_EQ(keys->revoked_size(), 0);
  std::map<std::string, int> seen;
  for (const std::string& vkey : keys->actors()) seen[vkey]++;
  EXPECT_EQ(seen[VkeyOf(keys_.authority)], 1);
  EXPECT_EQ(seen[VkeyOf(key_a_)], 1);
  EXPECT_EQ(seen[VkeyOf(certifier_key_)], 1);
}

TEST_F(StoryTest, OpenRecordsServiceKeysOnceAndReopens) {
  // The authority and label keys are the first two entries.
  auto first = service_->ledger().Entry(0);
  ASSERT_OK(first);
  auto parsed = ParseEntry(first->entry);
  ASSERT_OK(parsed);
  EXPECT_EQ(parsed->header.kind, "key.added");
  EXPECT_EQ(parsed->header.subject, "service/authority");
  auto second = service_->ledger().Entry(1);
  ASSERT_OK(second);
  EXPECT_EQ(ParseEntry(second->entry)->header.subject, "service/labels");
  EXPECT_EQ(service_->ledger().size(), 2u);

  // Reopening adds nothing, and a new label key is appended.
  keys_.labels.push_back(TestSigner("label-2.test.ocoptrace"));
  OpenService();
  EXPECT_EQ(service_->ledger().size(), 3u);
  auto keys = service_->GetKeys(Caller{}, v1::GetKeysRequest());
  ASSERT_OK(keys);
  ASSERT_EQ(keys->label_size(), 2);
  EXPECT_EQ(keys->label(0), VkeyOf(keys_.labels[1]));  // Newest first.
  EXPECT_EQ(keys->label(1), VkeyOf(keys_.labels[0]));
  OpenService();
  EXPECT_EQ(service_->ledger().size(), 3u);

  // Principals survive a reopen.
  auto who = service_->WhoAmI(admin_);
  ASSERT_OK(who);
  EXPECT_EQ(who->name(), "ocop.admin");
  EXPECT_EQ(who->role(), v1::ROLE_ADMIN);
}

TEST_F(StoryTest, VerifyMethodsServeAnonymousAuditors) {
  SetUpCast();
  const Caller anonymous;
  v1::GetHeadRequest head_request;
  head_request.set_subject(ProductSubject(kGtinA));
  auto head = service_->GetHead(anonymous, head_request);
  ASSERT_OK(head);
  EXPECT_EQ(head->next_seq(), 1u);
  EXPECT_EQ(head->prev().size(), 32u);

  auto checkpoint = Await<v1::GetCheckpointResponse>([&](auto done) {
    service_->GetCheckpoint(anonymous, v1::GetCheckpointRequest(),
                            std::move(done));
  });
  ASSERT_OK(checkpoint);
  EXPECT_EQ(checkpoint->size(), service_->ledger().size());

  v1::GetEntriesRequest entries_request;
  entries_request.set_start(0);
  entries_request.set_count(3);
  auto entries = service_->GetEntries(anonymous, entries_request);
  ASSERT_OK(entries);
  ASSERT_EQ(entries->entries_size(), 3);
  EXPECT_EQ(entries->entries(2).index(), 2u);

  v1::GetEntriesRequest chain_request;
  chain_request.set_subject(ProducerSubject(kProducerA));
  auto chain = service_->GetEntries(anonymous, chain_request);
  ASSERT_OK(chain);
  EXPECT_EQ(chain->entries_size(), 2);  // registered + key.added

  v1::GetInclusionProofRequest proof_request;
  proof_request.set_index(1);
  proof_request.set_tree_size(checkpoint->size());
  EXPECT_OK(service_->GetInclusionProof(anonymous, proof_request));
  v1::GetConsistencyProofRequest consistency;
  consistency.set_size1(checkpoint->size());
  consistency.set_size2(checkpoint->size());
  EXPECT_OK(service_->GetConsistencyProof(anonymous, consistency));
}

TEST_F(StoryTest, ListsPageThroughProducersProductsAndBatches) {
  SetUpCast();
  ASSERT_OK(RegisterProduct(producer_a_, key_a_, Product(kGtinA2, kProducerA)));
  v1::ListProducersRequest producers_request;
  producers_request.mutable_page()->set_page_size(1);
  auto page1 = service_->ListProducers(inspector_, producers_request);
  ASSERT_OK(page1);
  ASSERT_EQ(page1->producers_size(), 1);
  EXPECT_EQ(page1->producers(0).record().id(), kProducerA);
  ASSERT_FALSE(page1->next_page_token().empty());
  producers_request.mutable_page()->set_page_token(page1->next_page_token());
  auto page2 = service_->ListProducers(inspector_, producers_request);
  ASSERT_OK(page2);
  ASSERT_EQ(page2->producers_size(), 1);
  EXPECT_EQ(page2->producers(0).record().id(), kProducerB);
  EXPECT_TRUE(page2->next_page_token().empty());

  // A producer sees its own products by default.
  auto own = service_->ListProducts(producer_a_, v1::ListProductsRequest());
  ASSERT_OK(own);
  ASSERT_EQ(own->products_size(), 2);
  EXPECT_EQ(own->products(0).record().gtin(), kGtinA);
  EXPECT_EQ(own->products(1).record().gtin(), kGtinA2);
  auto all = service_->ListProducts(certifier_, v1::ListProductsRequest());
  ASSERT_OK(all);
  EXPECT_EQ(all->products_size(), 3);

  ASSERT_OK(CreateBatch(producer_a_, key_a_, Batch(kGtinA, "L1")));
  ASSERT_OK(CreateBatch(producer_a_, key_a_, Batch(kGtinA, "L2/2024")));
  ASSERT_OK(CreateBatch(producer_a_, key_a_, Batch(kGtinA2, "L3")));
  v1::ListBatchesRequest by_product;
  by_product.set_gtin(kGtinA);
  auto batches = service_->ListBatches(inspector_, by_product);
  ASSERT_OK(batches);
  ASSERT_EQ(batches->batches_size(), 2);
  EXPECT_EQ(batches->batches(1).record().lot(), "L2/2024");
  auto mine = service_->ListBatches(producer_a_, v1::ListBatchesRequest());
  ASSERT_OK(mine);
  EXPECT_EQ(mine->batches_size(), 3);
  EXPECT_EQ(service_->ListBatches(inspector_, v1::ListBatchesRequest())
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(StoryTest, ProducerUpdateKeepsTheAddressAsRegistered) {
  SetUpCast();
  v1::ProducerRecord moved = Producer(kProducerA);
  moved.mutable_address()->set_text_as_recorded(
      "thôn Chè Cọ, xã Côn Minh, tỉnh Thái Nguyên");
  v1::UpdateProducerRequest request;
  *request.mutable_signed_() = SignMessage(key_a_, "producer.updated",
                                           ProducerSubject(kProducerA), moved);
  ASSERT_OK(Await<v1::EntryReceipt>([&](auto done) {
    service_->UpdateProducer(producer_a_, request, std::move(done));
  }));
  v1::GetProducerRequest get;
  get.set_producer_id(kProducerA);
  auto producer = service_->GetProducer(producer_b_, get);
  ASSERT_OK(producer);
  EXPECT_EQ(producer->record().address().text_as_recorded(),
            "thôn Chè Cọ, xã Côn Minh, tỉnh Thái Nguyên");
  EXPECT_EQ(producer->address_as_registered().text_as_recorded(),
            "thôn Chè Cọ, xã Côn Minh, huyện Na Rì, tỉnh Bắc Kạn");

  // An admin updates through the authority key.
  v1::UpdateProducerRequest by_admin;
  *by_admin.mutable_producer() = moved;
  by_admin.mutable_producer()->set_public_contact("0209 3870 123");
  auto receipt = Await<v1::EntryReceipt>([&](auto done) {
    service_->UpdateProducer(admin_, by_admin, std::move(done));
  });
  ASSERT_OK(receipt);
  EXPECT_EQ(receipt->seq(), 3u);
}

}  // namespace
}  // namespace ocoptrace::trace::testing
