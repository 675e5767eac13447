// Bad input: each refused with an error that names the field (or the id,
// or the key) and says what to fix, and NOTHING written: the ledger's size
// and the subject's head are unchanged.
#include "core/base64.h"
#include "server/trace/kinds.h"
#include "server/trace/subjects.h"
#include "tests/server/trace/trace_test_util.h"

namespace ocoptrace::trace::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

class BadInputTest : public TraceTest {
 protected:
  void SetUp() override {
    TraceTest::SetUp();
    SetUpCast();
    ASSERT_OK(CreateBatch(producer_a_, key_a_, Batch(kGtinA, kLot)));
  }

  // Submits `request` with RecordEvent as producer A.
  absl::Status Record(const v1::SignedEntry& entry,
                      const Caller* caller = nullptr) {
    v1::RecordEventRequest request;
    *request.mutable_signed_() = entry;
    return Await<v1::EntryReceipt>([&](auto done) {
             service_->RecordEvent(caller ? *caller : producer_a_, request,
                                   std::move(done));
           })
        .status();
  }
  absl::Status Create(const v1::SignedEntry& entry) {
    v1::CreateBatchRequest request;
    *request.mutable_signed_() = entry;
    return Await<v1::EntryReceipt>([&](auto done) {
             service_->CreateBatch(producer_a_, request, std::move(done));
           })
        .status();
  }

  const std::string batch_ = BatchSubject(kGtinA, kLot);
};

// Expects `status` to be `code` with `text` in its message and the subject
// unchanged since `before`.
#define EXPECT_REFUSED(status_expr, expected_code, text, subject, before) \
  do {                                                                    \
    const absl::Status _refusal = (status_expr);                          \
    EXPECT_EQ(_refusal.code(), expected_code) << _refusal;                \
    EXPECT_THAT(std::string(_refusal.message()), HasSubstr(text));        \
    EXPECT_EQ(Footprint(subject), before) << "something was written";     \
  } while (0)

TEST_F(BadInputTest, WrongGtinCheckDigit) {
  const std::string subject = ProductSubject("08934563123452");
  const auto before = Footprint(subject);
  EXPECT_REFUSED(RegisterProduct(producer_a_, key_a_,
                                 Product("08934563123452", kProducerA))
                     .status(),
                 absl::StatusCode::kInvalidArgument, "gtin: ", subject, before);
  auto status = RegisterProduct(producer_a_, key_a_,
                                Product("08934563123452", kProducerA));
  EXPECT_THAT(status.status().message(), HasSubstr("check digit should be 1"));
}

TEST_F(BadInputTest, VietnameseLettersInALot) {
  const std::string lot = "Lô-Một";
  const std::string subject = BatchSubject(kGtinA, lot);
  EXPECT_EQ(subject, "batch/08934563123451/L%C3%B4-M%E1%BB%99t");
  const auto before = Footprint(subject);
  auto refused = CreateBatch(producer_a_, key_a_, Batch(kGtinA, lot));
  EXPECT_REFUSED(refused.status(), absl::StatusCode::kInvalidArgument,
                 "lot (AI 10)", subject, before);
  EXPECT_THAT(std::string(refused.status().message()),
              StartsWith("lot (AI 10): 'ô'"));
  // 21 characters is one too many.
  const std::string long_lot(21, 'A');
  EXPECT_REFUSED(
      CreateBatch(producer_a_, key_a_, Batch(kGtinA, long_lot)).status(),
      absl::StatusCode::kInvalidArgument, "lot (AI 10)",
      BatchSubject(kGtinA, long_lot),
      Footprint(BatchSubject(kGtinA, long_lot)));
}

TEST_F(BadInputTest, ScoreOutsideItsBand) {
  v1::CertificateRecord record = Certificate("GCN-9", kProducerA, kGtinA);
  record.set_score(90);  // 4★ ends at 89.99.
  const std::string subject = CertificateSubject("GCN-9");
  EXPECT_REFUSED(IssueCertificate(certifier_, certifier_key_, record).status(),
                 absl::StatusCode::kInvalidArgument,
                 "score: 90 is outside the 4★ band (70 to 89.99 points",
                 subject, Footprint(subject));
}

TEST_F(BadInputTest, EventOnAnUnknownBatch) {
  const std::string subject = BatchSubject(kGtinA, "NO-SUCH-LOT");
  const auto before = Footprint(subject);
  auto refused =
      RecordEvent(producer_a_, key_a_, Event("packing"), kGtinA, "NO-SUCH-LOT");
  EXPECT_REFUSED(refused.status(), absl::StatusCode::kNotFound,
                 "batch 08934563123451/NO-SUCH-LOT does not exist", subject,
                 before);
}

TEST_F(BadInputTest, StaleChainHead) {
  const auto before = Footprint(batch_);
  // Signed against seq 0 although the batch already has its first entry.
  SignOptions stale;
  stale.seq = 0;
  stale.prev = Hash{};
  EXPECT_REFUSED(Record(SignMessage(key_a_, "event.packing", batch_,
                                    Event("packing"), stale)),
                 absl::StatusCode::kAborted, "stale chain head", batch_,
                 before);
  // Two entries signed against the same head: the second one loses.
  const v1::SignedEntry first =
      SignMessage(key_a_, "event.packing", batch_, Event("packing"));
  const v1::SignedEntry second =
      SignMessage(key_a_, "event.storing", batch_, Event("storing"));
  EXPECT_OK(Record(first));
  const auto after_first = Footprint(batch_);
  EXPECT_REFUSED(Record(second), absl::StatusCode::kAborted,
                 "fetch the head (GetHead), re-sign the entry and retry",
                 batch_, after_first);
}

TEST_F(BadInputTest, UnregisteredOrWrongKeys) {
  const auto before = Footprint(batch_);
  const NoteSigner stranger = TestSigner("stranger-key");
  EXPECT_REFUSED(
      Record(SignMessage(stranger, "event.packing", batch_, Event("packing"))),
      absl::StatusCode::kPermissionDenied,
      "not signed by an active registered key (signed by: stranger-key)",
      batch_, before);
  // Producer B's key on producer A's batch, submitted by A...
  EXPECT_REFUSED(
      Record(SignMessage(key_b_, "event.packing", batch_, Event("packing"))),
      absl::StatusCode::kPermissionDenied,
      "must be signed by a producer key of 'htx-tai-hoan'; it is signed by "
      "'htx-yen-duong-key-1' (producer key of 'htx-yen-duong')",
      batch_, before);
  // ...and by B itself.
  EXPECT_REFUSED(
      Record(SignMessage(key_b_, "event.packing", batch_, Event("packing")),
             &producer_b_),
      absl::StatusCode::kPermissionDenied,
      "batch 08934563123451/L2024-03A belongs to producer 'htx-tai-hoan'",
      batch_, before);
  // The certifier's key cannot sign a producer's event.
  EXPECT_REFUSED(Record(SignMessage(certifier_key_, "event.packing", batch_,
                                    Event("packing"))),
                 absl::StatusCode::kPermissionDenied,
                 "must be signed by a producer key", batch_, before);
  // An inspector records only inspections, with its own key.
  EXPECT_REFUSED(Record(SignMessage(inspector_key_, "event.packing", batch_,
                                    Event("packing")),
                        &inspector_),
                 absl::StatusCode::kPermissionDenied,
                 "inspectors may record only event.inspecting", batch_, before);
  EXPECT_REFUSED(Record(SignMessage(key_a_, "event.inspecting", batch_,
                                    Event("inspecting")),
                        &inspector_),
                 absl::StatusCode::kPermissionDenied,
                 "an inspector key held by 'qltt.inspector'", batch_, before);
  EXPECT_OK(Record(SignMessage(inspector_key_, "event.inspecting", batch_,
                               Event("inspecting")),
                   &inspector_));
}

TEST_F(BadInputTest, UnsignedTamperedOrOversized) {
  const auto before = Footprint(batch_);
  v1::SignedEntry entry =
      SignMessage(key_a_, "event.packing", batch_, Event("packing"));
  // Unsigned: the entry text alone.
  v1::SignedEntry unsigned_entry = entry;
  unsigned_entry.set_entry(
      entry.entry().substr(0, entry.entry().find("\n\n") + 1));
  EXPECT_REFUSED(Record(unsigned_entry), absl::StatusCode::kInvalidArgument,
                 "malformed entry", batch_, before);
  // A body that is not the one signed.
  v1::SignedEntry tampered = entry;
  v1::TraceEvent changed = Event("packing");
  changed.set_note("đã sửa");
  tampered.set_body(changed.SerializeAsString());
  EXPECT_REFUSED(Record(tampered), absl::StatusCode::kInvalidArgument,
                 "body does not match the entry's `body` hash", batch_, before);
  // A signature that does not verify.
  v1::SignedEntry forged = entry;
  std::string bytes = forged.entry();
  const size_t time = bytes.find("09:00:00+07:00");
  ASSERT_NE(time, std::string::npos);
  bytes.replace(time, 8, "09:00:01");
  forged.set_entry(bytes);
  EXPECT_REFUSED(Record(forged), absl::StatusCode::kInvalidArgument,
                 "does not verify", batch_, before);
  // Oversized body (the ledger's limit is 256 KiB).
  v1::TraceEvent huge = Event("packing");
  huge.set_note(std::string(300 * 1024, 'x'));
  EXPECT_REFUSED(Record(SignMessage(key_a_, "event.packing", batch_, huge)),
                 absl::StatusCode::kInvalidArgument, "the limit is 262144",
                 batch_, before);
  // No entry at all.
  EXPECT_REFUSED(Record(v1::SignedEntry()), absl::StatusCode::kInvalidArgument,
                 "signed.entry is required", batch_, before);
}

TEST_F(BadInputTest, KindSubjectAndBodyMismatches) {
  const auto before = Footprint(batch_);
  // A kind the method does not take.
  EXPECT_REFUSED(
      Create(SignMessage(key_a_, "event.packing", batch_, Event("packing"))),
      absl::StatusCode::kInvalidArgument,
      "CreateBatch takes batch.created entries, not event.packing", batch_,
      before);
  // A kind outside the closed list.
  v1::TraceEvent dancing = Event("packing");
  dancing.set_business_step("dancing");
  EXPECT_REFUSED(Record(SignMessage(key_a_, "event.dancing", batch_, dancing)),
                 absl::StatusCode::kInvalidArgument,
                 "event.dancing is not an accepted event", batch_, before);
  // The business step differs from the kind.
  EXPECT_REFUSED(
      Record(SignMessage(key_a_, "event.shipping", batch_, Event("packing"))),
      absl::StatusCode::kInvalidArgument,
      "business_step: 'packing' does not match the entry kind event.shipping",
      batch_, before);
  // An event on a product's subject.
  const std::string product = ProductSubject(kGtinA);
  EXPECT_REFUSED(
      Record(SignMessage(key_a_, "event.packing", product, Event("packing"))),
      absl::StatusCode::kInvalidArgument, "goes on a batch subject", product,
      Footprint(product));
  // A batch whose subject names another lot than its body.
  const std::string other = BatchSubject(kGtinA, "OTHER");
  EXPECT_REFUSED(Create(SignMessage(key_a_, "batch.created", other,
                                    Batch(kGtinA, "L-NEW"))),
                 absl::StatusCode::kInvalidArgument,
                 "does not match the body's gtin and lot", other,
                 Footprint(other));
  // A body of another message type.
  const std::string fresh = BatchSubject(kGtinA, "L-NEW");
  EXPECT_REFUSED(
      Create(SignMessage(key_a_, "batch.created", fresh, Event("packing"))),
      absl::StatusCode::kInvalidArgument, "body is not a valid BatchRecord",
      fresh, Footprint(fresh));
  // Bytes that are no protobuf at all.
  EXPECT_REFUSED(Create(Sign(key_a_, "batch.created", fresh, "\xff\xff\xff")),
                 absl::StatusCode::kInvalidArgument,
                 "body is not a valid BatchRecord", fresh, Footprint(fresh));
}

TEST_F(BadInputTest, EventAndBatchRules) {
  const auto before = Footprint(batch_);
  v1::TraceEvent shipping = Event("shipping");
  shipping.clear_destination();
  EXPECT_REFUSED(
      Record(SignMessage(key_a_, "event.shipping", batch_, shipping)),
      absl::StatusCode::kInvalidArgument,
      "destination: is required for shipping (one step forward)", batch_,
      before);
  v1::TraceEvent receiving = Event("receiving");
  receiving.clear_source();
  EXPECT_REFUSED(
      Record(SignMessage(key_a_, "event.receiving", batch_, receiving)),
      absl::StatusCode::kInvalidArgument, "source: is required", batch_,
      before);
  v1::TraceEvent inspecting = Event("inspecting");
  inspecting.clear_outcome();
  EXPECT_REFUSED(
      Record(SignMessage(key_a_, "event.inspecting", batch_, inspecting)),
      absl::StatusCode::kInvalidArgument, "outcome: is required for inspecting",
      batch_, before);
  v1::TraceEvent nowhere = Event("packing");
  nowhere.clear_location();
  EXPECT_REFUSED(Record(SignMessage(key_a_, "event.packing", batch_, nowhere)),
                 absl::StatusCode::kInvalidArgument, "location", batch_,
                 before);
  v1::TraceEvent bad_gln = Event("packing");
  bad_gln.mutable_location()->set_gln("8934563000104");
  EXPECT_REFUSED(Record(SignMessage(key_a_, "event.packing", batch_, bad_gln)),
                 absl::StatusCode::kInvalidArgument, "location.gln: GLN",
                 batch_, before);
  v1::TraceEvent timeless = Event("packing");
  timeless.clear_event_time();
  EXPECT_REFUSED(Record(SignMessage(key_a_, "event.packing", batch_, timeless)),
                 absl::StatusCode::kInvalidArgument, "event_time: is required",
                 batch_, before);

  const std::string fresh = BatchSubject(kGtinA, "L-NEW");
  v1::BatchRecord backwards = Batch(kGtinA, "L-NEW");
  backwards.mutable_expiry_date()->set_iso_date("2024-01-01");
  EXPECT_REFUSED(CreateBatch(producer_a_, key_a_, backwards).status(),
                 absl::StatusCode::kInvalidArgument,
                 "expiry_date: 2024-01-01 is before production_date "
                 "2024-03-20",
                 fresh, Footprint(fresh));
  v1::BatchRecord bad_unit = Batch(kGtinA, "L-NEW");
  bad_unit.mutable_quantity()->set_unit("kg");
  EXPECT_REFUSED(CreateBatch(producer_a_, key_a_, bad_unit).status(),
                 absl::StatusCode::kInvalidArgument,
                 "quantity.unit: 'kg' is not a UN/CEFACT Rec 20 unit code",
                 fresh, Footprint(fresh));
  v1::BatchRecord missing_input = Batch(kGtinA, "L-NEW");
  v1::BatchRef* input = missing_input.add_inputs();
  input->set_gtin(kGtinB);
  input->set_lot("RAW-1");
  EXPECT_REFUSED(CreateBatch(producer_a_, key_a_, missing_input).status(),
                 absl::StatusCode::kNotFound,
                 "inputs[0]: batch 08934563123475/RAW-1 does not exist", fresh,
                 Footprint(fresh));
  // A batch of an unregistered product.
  const std::string unknown = BatchSubject(kGtinA2, "L1");
  EXPECT_REFUSED(
      CreateBatch(producer_a_, key_a_, Batch(kGtinA2, "L1")).status(),
      absl::StatusCode::kNotFound, "product 08934563123468 is not registered",
      unknown, Footprint(unknown));
  // The same batch twice.
  EXPECT_REFUSED(CreateBatch(producer_a_, key_a_, Batch(kGtinA, kLot)).status(),
                 absl::StatusCode::kAlreadyExists, "already exists", batch_,
                 before);
}

TEST_F(BadInputTest, RegistryRules) {
  v1::ProducerRecord bad_tax = Producer("htx-moi");
  bad_tax.set_tax_code("47001234");
  const std::string subject = ProducerSubject("htx-moi");
  EXPECT_REFUSED(RegisterProducer(admin_, bad_tax).status(),
                 absl::StatusCode::kInvalidArgument,
                 "producer.tax_code: '47001234' must be 10 digits", subject,
                 Footprint(subject));
  v1::ProducerRecord branch = Producer("htx-moi");
  branch.set_tax_code("4700123456-001");
  EXPECT_OK(RegisterProducer(admin_, branch));
  EXPECT_EQ(RegisterProducer(admin_, branch).status().code(),
            absl::StatusCode::kAlreadyExists);
  v1::ProducerRecord bad_id = Producer("HTX Mới");
  EXPECT_EQ(RegisterProducer(admin_, bad_id).status().code(),
            absl::StatusCode::kInvalidArgument);

  // Key names are unique across the log.
  v1::KeyRecord duplicate = ProducerKey(key_a_, kProducerB);
  EXPECT_REFUSED(
      AddKey(admin_, duplicate).status(), absl::StatusCode::kAlreadyExists,
      "key name 'htx-tai-hoan-key-1' is already registered",
      ProducerSubject(kProducerB), Footprint(ProducerSubject(kProducerB)));
  // Officials' keys need an existing principal of the matching role.
  v1::KeyRecord no_holder =
      OfficialKey(TestSigner("k-1"), v1::KEY_ROLE_CERTIFIER, "nobody.here");
  EXPECT_EQ(AddKey(admin_, no_holder).status().code(),
            absl::StatusCode::kNotFound);
  v1::KeyRecord wrong_role =
      OfficialKey(TestSigner("k-2"), v1::KEY_ROLE_CERTIFIER, "qltt.inspector");
  EXPECT_EQ(AddKey(admin_, wrong_role).status().code(),
            absl::StatusCode::kInvalidArgument);
  v1::KeyRecord label = OfficialKey(TestSigner("k-3"), v1::KEY_ROLE_LABEL, "");
  EXPECT_EQ(AddKey(admin_, label).status().code(),
            absl::StatusCode::kInvalidArgument);

  // A product of someone else, or with a producer that does not exist.
  const std::string product = ProductSubject(kGtinA2);
  EXPECT_REFUSED(
      RegisterProduct(producer_a_, key_a_, Product(kGtinA2, kProducerB))
          .status(),
      absl::StatusCode::kPermissionDenied,
      "belongs to producer 'htx-yen-duong'", product, Footprint(product));
  v1::ProductRecord nameless = Product(kGtinA2, kProducerA);
  nameless.clear_name();
  EXPECT_REFUSED(RegisterProduct(producer_a_, key_a_, nameless).status(),
                 absl::StatusCode::kInvalidArgument, "name is required",
                 product, Footprint(product));
  EXPECT_EQ(RegisterProduct(producer_a_, key_a_, Product(kGtinA, kProducerA))
                .status()
                .code(),
            absl::StatusCode::kAlreadyExists);
}

}  // namespace
}  // namespace ocoptrace::trace::testing
