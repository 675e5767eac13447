// Labels on the service: issuing (serials, signatures, URLs, one entry per
// request), scratch PINs (only HMACs stored, first check remembered),
// voiding, rebuild, label key rotation and revocation, serial collisions,
// concurrent requests, and bad input that writes nothing.
#include <set>

#include "absl/strings/str_cat.h"
#include "core/label_payload.h"
#include "server/storage/keys.h"
#include "server/trace/kinds.h"
#include "server/trace/labels.h"
#include "server/trace/state.pb.h"
#include "server/trace/subjects.h"
#include "tests/server/trace/trace_test_util.h"

namespace ocoptrace::trace::testing {
namespace {

using storage::Column;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kPinKey[] = "0123456789abcdef0123456789abcdef";
constexpr char kOtherLot[] = "L2024-04B";

class LabelsTest : public TraceTest {
 protected:
  void SetUp() override {
    TraceTest::SetUp();
    SetUpCast();
    ASSERT_OK(IssueCertificate(certifier_, certifier_key_,
                               Certificate("GCN-1", kProducerA, kGtinA)));
    ASSERT_OK(CreateBatch(producer_a_, key_a_, Batch(kGtinA, kLot)));
  }

  absl::StatusOr<IssuedLabels> Issue(const Caller& caller, uint32_t count,
                                     bool with_pins = false,
                                     const std::string& gtin = kGtinA,
                                     const std::string& lot = kLot) {
    v1::IssueLabelsRequest request;
    request.mutable_batch()->set_gtin(gtin);
    request.mutable_batch()->set_lot(lot);
    request.set_count(count);
    request.set_with_pins(with_pins);
    return Await<IssuedLabels>([&](auto done) {
      service_->IssueLabels(caller, request, std::move(done));
    });
  }

  absl::StatusOr<v1::EntryReceipt> Void(const Caller& caller,
                                        const NoteSigner& signer,
                                        const std::vector<std::string>& serials,
                                        const std::string& reason,
                                        const std::string& lot = kLot) {
    v1::LabelsVoided body;
    for (const std::string& serial : serials) body.add_serials(serial);
    body.set_reason(reason);
    v1::VoidLabelsRequest request;
    *request.mutable_signed_() =
        SignMessage(signer, std::string(kinds::kLabelsVoided),
                    BatchSubject(kGtinA, lot), body);
    return Await<v1::EntryReceipt>([&](auto done) {
      service_->VoidLabels(caller, request, std::move(done));
    });
  }

  v1::Label Get(const std::string& serial, const std::string& gtin = kGtinA) {
    v1::GetLabelRequest request;
    request.set_gtin(gtin);
    request.set_serial(serial);
    auto label = service_->GetLabel(Caller{}, request);
    EXPECT_OK(label);
    return label.ok() ? *label : v1::Label{};
  }

  // The published label keys (GetKeys "label"), newest first.
  std::vector<Ed25519PublicKey> PublishedLabelKeys() {
    auto keys = service_->GetKeys(Caller{}, {});
    EXPECT_OK(keys);
    std::vector<Ed25519PublicKey> out;
    for (const std::string& vkey : keys->label()) {
      auto verifier = ParseVkey(vkey);
      EXPECT_OK(verifier);
      out.push_back(verifier->key);
    }
    return out;
  }

  // Every key and value of every column, for "nothing was written" and
  // "the PIN is not stored" checks.
  std::vector<std::string> Dump(
      const std::vector<Column>& columns = storage::AllColumns()) {
    std::vector<std::string> out;
    for (Column column : columns) {
      EXPECT_OK(store_->Latest().Scan(
          column, "", "", [&](std::string_view key, std::string_view value) {
            out.push_back(
                absl::StrCat(std::string(key), "=", std::string(value)));
            return true;
          }));
    }
    return out;
  }
  size_t CountOf(Column column) { return Dump({column}).size(); }

  void UsePinKey() {
    keys_.pin_hmac_key = kPinKey;
    OpenService();
  }
};

TEST_F(LabelsTest, IssuesTenSignedLabelsInOneEntry) {
  const std::string batch = BatchSubject(kGtinA, kLot);
  const auto [size_before, seq_before] = Footprint(batch);
  auto issued = Issue(producer_a_, 10);
  ASSERT_OK(issued);
  EXPECT_EQ(Footprint(batch), std::make_pair(size_before + 1, seq_before + 1));
  ASSERT_EQ(issued->labels.size(), 10u);

  const v1::IssuanceSummary& summary = issued->summary;
  EXPECT_EQ(summary.receipt().kind(), "labels.issued");
  EXPECT_EQ(summary.receipt().subject(), batch);
  EXPECT_EQ(summary.receipt().index(), size_before);
  EXPECT_EQ(summary.gtin(), kGtinA);
  EXPECT_EQ(summary.lot(), kLot);
  EXPECT_EQ(summary.count(), 10u);
  EXPECT_EQ(summary.product_name(), "Miến dong Tài Hoan");
  EXPECT_EQ(summary.producer_name(), "HTX Tài Hoan");
  EXPECT_EQ(summary.stars(), 4u);
  EXPECT_EQ(summary.certificate(), "GCN-1");
  EXPECT_EQ(summary.certificate_valid_until().iso_date(), "2027-03-21");
  EXPECT_EQ(summary.expiry_date().iso_date(), "2025-03-20");
  EXPECT_EQ(summary.issued_at(), "2024-03-25T09:00:00+07:00");
  EXPECT_EQ(summary.resolver(), "https://localhost");
  EXPECT_EQ(summary.label_key(), VkeyOf(keys_.labels[0]));
  EXPECT_FALSE(summary.with_pins());

  const std::vector<Ed25519PublicKey> published = PublishedLabelKeys();
  ASSERT_EQ(published.size(), 1u);
  std::set<std::string> serials;
  for (const PrintableLabel& label : issued->labels) {
    EXPECT_TRUE(IsServiceSerial(label.serial)) << label.serial;
    EXPECT_TRUE(label.pin.empty());
    serials.insert(label.serial);
    auto claim = ParseLabelUrl(label.url);
    ASSERT_OK(claim);
    EXPECT_EQ(label.url.substr(0, 42),
              "https://localhost/01/08934563123451/10/L20");
    EXPECT_EQ(claim->gtin14, kGtinA);
    EXPECT_EQ(claim->lot, kLot);
    EXPECT_EQ(claim->serial, label.serial);
    EXPECT_EQ(VerifyLabelSignature(*claim, published), 0) << label.url;
    // One changed character in the lot or the serial breaks it.
    LabelClaim other_lot = *claim;
    other_lot.lot[0] = 'X';
    EXPECT_EQ(VerifyLabelSignature(other_lot, published), -1);
    LabelClaim other_serial = *claim;
    other_serial.serial[9] = other_serial.serial[9] == '0' ? '1' : '0';
    EXPECT_EQ(VerifyLabelSignature(other_serial, published), -1);

    const v1::Label stored = Get(label.serial);
    EXPECT_EQ(stored.status(), v1::LABEL_STATUS_ISSUED);
    EXPECT_EQ(stored.lot(), kLot);
    EXPECT_EQ(stored.key_name(), keys_.labels[0].name);
    EXPECT_FALSE(stored.key_revoked());
    EXPECT_FALSE(stored.has_pin());
    EXPECT_EQ(stored.issued_at_index(), summary.receipt().index());
  }
  EXPECT_EQ(serials.size(), 10u);
  EXPECT_EQ(CountOf(Column::kLabels), 10u);

  // The entry: signed by the label key, body listing exactly these serials.
  auto entry = service_->ledger().Entry(summary.receipt().index());
  ASSERT_OK(entry);
  EXPECT_THAT(entry->entry, HasSubstr("kind labels.issued\n"));
  EXPECT_THAT(entry->entry,
              HasSubstr(absl::StrCat("\n— ", keys_.labels[0].name, " ")));
  v1::LabelsIssued body;
  ASSERT_TRUE(body.ParseFromString(entry->body));
  EXPECT_EQ(body.gtin(), kGtinA);
  EXPECT_EQ(body.lot(), kLot);
  EXPECT_EQ(body.count(), 10u);
  EXPECT_EQ(body.label_key_name(), keys_.labels[0].name);
  auto listed = UnpackSerials(body.serials());
  ASSERT_OK(listed);
  for (size_t i = 0; i < 10; ++i) {
    EXPECT_EQ((*listed)[i], issued->labels[i].serial);
  }

  v1::GetBatchRequest get_batch;
  get_batch.mutable_batch()->set_gtin(kGtinA);
  get_batch.mutable_batch()->set_lot(kLot);
  auto read = service_->GetBatch(producer_a_, get_batch);
  ASSERT_OK(read);
  EXPECT_EQ(read->labels_issued(), 10u);
  EXPECT_EQ(read->entries(), 2u);

  // A second request: one more entry, ten more distinct serials.
  auto again = Issue(admin_, 10);  // An admin may issue too.
  ASSERT_OK(again);
  for (const PrintableLabel& label : again->labels) {
    EXPECT_TRUE(serials.insert(label.serial).second) << label.serial;
  }
  EXPECT_EQ(Footprint(batch), std::make_pair(size_before + 2, seq_before + 2));
  EXPECT_EQ(Get("0000000000").status(), v1::LABEL_STATUS_UNKNOWN);
}

TEST_F(LabelsTest, PinsAreStoredOnlyAsHmacsAndRememberTheFirstCheck) {
  UsePinKey();
  auto issued = Issue(producer_a_, 5, /*with_pins=*/true);
  ASSERT_OK(issued);
  EXPECT_TRUE(issued->summary.with_pins());
  const std::vector<std::string> dump = Dump();
  for (const PrintableLabel& label : issued->labels) {
    ASSERT_EQ(label.pin.size(), 8u);
    EXPECT_TRUE(IsWellFormedPin(label.pin));
    for (const std::string& record : dump) {
      EXPECT_EQ(record.find(label.pin), std::string::npos)
          << "PIN " << label.pin << " found in the store";
    }
    auto stored = store_->Latest().Get(
        Column::kSecrets, storage::PinSecretKey(kGtinA, label.serial));
    ASSERT_OK(stored);
    state::PinRecord record;
    ASSERT_TRUE(record.ParseFromString(*stored));
    EXPECT_EQ(record.hmac(), PinHmac(kPinKey, kGtinA, label.serial, label.pin));
    EXPECT_TRUE(Get(label.serial).has_pin());
  }
  EXPECT_EQ(CountOf(Column::kSecrets), 5u);

  const PrintableLabel& label = issued->labels[0];
  const absl::Time first = clock_.Now();
  auto check = service_->CheckPin(kGtinA, label.serial, label.pin);
  ASSERT_OK(check);
  EXPECT_TRUE(check->correct);
  EXPECT_FALSE(check->already_verified);
  EXPECT_EQ(check->first_verified_at, first);

  clock_.Advance(absl::Hours(30));
  check = service_->CheckPin(kGtinA, label.serial, label.pin);
  ASSERT_OK(check);
  EXPECT_TRUE(check->correct);
  EXPECT_TRUE(check->already_verified);
  EXPECT_EQ(check->first_verified_at, first);

  const std::string wrong = label.pin[0] == '9' ? "00000000" : "99999999";
  check = service_->CheckPin(kGtinA, label.serial, wrong);
  ASSERT_OK(check);
  EXPECT_FALSE(check->correct);
  EXPECT_FALSE(check->already_verified);
  // Another label's PIN does not open this one.
  check = service_->CheckPin(kGtinA, issued->labels[1].serial, label.pin);
  ASSERT_OK(check);
  EXPECT_FALSE(check->correct);

  // Rebuilding the derived state keeps the PIN state (not derived).
  ASSERT_OK(service_->RebuildState());
  check = service_->CheckPin(kGtinA, label.serial, label.pin);
  ASSERT_OK(check);
  EXPECT_TRUE(check->already_verified);
  EXPECT_EQ(check->first_verified_at, first);

  // Guessing is bounded: after 10 wrong PINs the label is not checked.
  const std::string& other = issued->labels[2].serial;
  for (int i = 0; i < 10; ++i) {
    auto guess = service_->CheckPin(kGtinA, other, wrong);
    ASSERT_OK(guess);
    EXPECT_FALSE(guess->correct);
  }
  EXPECT_EQ(
      service_->CheckPin(kGtinA, other, issued->labels[2].pin).status().code(),
      absl::StatusCode::kResourceExhausted);

  EXPECT_EQ(service_->CheckPin(kGtinA, label.serial, "1234").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(
      service_->CheckPin(kGtinA, "0000000000", "12345678").status().code(),
      absl::StatusCode::kNotFound);
  auto plain = Issue(producer_a_, 1);
  ASSERT_OK(plain);
  EXPECT_EQ(service_->CheckPin(kGtinA, plain->labels[0].serial, "12345678")
                .status()
                .code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(LabelsTest, PinsNeedAPinKey) {
  const std::string batch = BatchSubject(kGtinA, kLot);
  const auto before = Footprint(batch);
  auto refused = Issue(producer_a_, 5, /*with_pins=*/true);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(refused.status().message()), HasSubstr("no PIN key"));
  EXPECT_EQ(Footprint(batch), before);
  EXPECT_EQ(CountOf(Column::kLabels), 0u);
}

TEST_F(LabelsTest, VoidedLabelsResolveAsVoidAlsoAfterRebuild) {
  ASSERT_OK(CreateBatch(producer_a_, key_a_, Batch(kGtinA, kOtherLot)));
  auto issued = Issue(producer_a_, 10);
  ASSERT_OK(issued);
  auto other = Issue(producer_a_, 2, false, kGtinA, kOtherLot);
  ASSERT_OK(other);
  const std::string a = issued->labels[3].serial;
  const std::string b = issued->labels[7].serial;

  auto receipt = Void(producer_a_, key_a_, {a, b}, "mất cuộn tem");
  ASSERT_OK(receipt);
  EXPECT_EQ(receipt->kind(), "labels.voided");
  for (const std::string& serial : {a, b}) {
    const v1::Label label = Get(serial);
    EXPECT_EQ(label.status(), v1::LABEL_STATUS_VOID);
    EXPECT_EQ(label.void_reason(), "mất cuộn tem");
    EXPECT_EQ(label.voided_at_index(), receipt->index());
    auto view = service_->ResolveLabel(kGtinA, serial);
    ASSERT_OK(view);
    EXPECT_EQ(view->status, v1::LABEL_STATUS_VOID);
  }
  EXPECT_EQ(Get(issued->labels[0].serial).status(), v1::LABEL_STATUS_ISSUED);
  v1::GetBatchRequest get_batch;
  get_batch.mutable_batch()->set_gtin(kGtinA);
  get_batch.mutable_batch()->set_lot(kLot);
  EXPECT_EQ(service_->GetBatch(admin_, get_batch)->labels_voided(), 2u);

  // Refusals name the serial and write nothing.
  const std::string batch = BatchSubject(kGtinA, kLot);
  const auto before = Footprint(batch);
  auto unknown = Void(producer_a_, key_a_, {"0000000000"}, "in lỗi");
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(unknown.status().message()),
              HasSubstr("label 0000000000 was never issued"));
  auto elsewhere =
      Void(producer_a_, key_a_,
           {issued->labels[0].serial, other->labels[0].serial}, "in lỗi");
  EXPECT_EQ(elsewhere.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(
      std::string(elsewhere.status().message()),
      HasSubstr(absl::StrCat(other->labels[0].serial, " belongs to batch ",
                             kGtinA, "/", kOtherLot)));
  EXPECT_EQ(Void(producer_a_, key_a_, {a}, "again").status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(
      Void(producer_a_, key_a_, {issued->labels[0].serial}, "").status().code(),
      absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Void(producer_a_, key_a_, {"not-a-serial"}, "x").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Void(producer_b_, key_b_, {issued->labels[0].serial}, "x")
                .status()
                .code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(
      Void(admin_, key_a_, {issued->labels[0].serial}, "x").status().code(),
      absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(Footprint(batch), before);
  EXPECT_EQ(Get(issued->labels[0].serial).status(), v1::LABEL_STATUS_ISSUED);

  // The derived state, labels included, rebuilds byte for byte.
  auto digest = service_->DerivedStateDigest();
  ASSERT_OK(digest);
  storage::WriteBatch damage;
  damage.Delete(Column::kLabels, storage::LabelKey(kGtinA, a));
  ASSERT_OK(store_->Write(damage, {}));
  EXPECT_NE(HashToHex(*service_->DerivedStateDigest()), HashToHex(*digest));
  ASSERT_OK(service_->RebuildState());
  EXPECT_EQ(HashToHex(*service_->DerivedStateDigest()), HashToHex(*digest));
  EXPECT_EQ(Get(a).status(), v1::LABEL_STATUS_VOID);
  EXPECT_EQ(CountOf(Column::kLabels), 12u);
}

TEST_F(LabelsTest, RotatedKeysSignNewLabelsAndRevocationEndsOldOnes) {
  auto old_labels = Issue(producer_a_, 3);
  ASSERT_OK(old_labels);
  // traced --add-label-key: a second label key, recorded at open.
  const NoteSigner second = TestSigner("label-2.test.ocoptrace");
  keys_.labels.push_back(second);
  OpenService();
  auto keys = service_->GetKeys(Caller{}, {});
  ASSERT_OK(keys);
  EXPECT_THAT(keys->label(),
              ElementsAre(VkeyOf(second), VkeyOf(keys_.labels[0])));

  auto new_labels = Issue(producer_a_, 3);
  ASSERT_OK(new_labels);
  EXPECT_EQ(new_labels->summary.label_key(), VkeyOf(second));
  std::vector<Ed25519PublicKey> published = PublishedLabelKeys();
  for (const PrintableLabel& label : new_labels->labels) {
    EXPECT_EQ(VerifyLabelSignature(*ParseLabelUrl(label.url), published), 0);
    EXPECT_EQ(Get(label.serial).key_name(), second.name);
  }
  for (const PrintableLabel& label : old_labels->labels) {
    EXPECT_EQ(VerifyLabelSignature(*ParseLabelUrl(label.url), published), 1);
  }

  // Revoking the old key (an admin, through RevokeKey) ends its labels.
  ASSERT_OK(RevokeKey(admin_, keys_.labels[0].name, "khóa bị lộ"));
  EXPECT_EQ(RevokeKey(producer_a_, second.name, "x").status().code(),
            absl::StatusCode::kPermissionDenied);
  keys = service_->GetKeys(Caller{}, {});
  EXPECT_THAT(keys->label(), ElementsAre(VkeyOf(second)));
  EXPECT_THAT(keys->revoked(), ::testing::Contains(VkeyOf(keys_.labels[0])));
  published = PublishedLabelKeys();
  for (const PrintableLabel& label : old_labels->labels) {
    EXPECT_EQ(VerifyLabelSignature(*ParseLabelUrl(label.url), published), -1);
    auto view = service_->ResolveLabel(kGtinA, label.serial);
    ASSERT_OK(view);
    EXPECT_TRUE(view->key_revoked);
    EXPECT_TRUE(Get(label.serial).key_revoked());
  }
  for (const PrintableLabel& label : new_labels->labels) {
    EXPECT_FALSE(service_->ResolveLabel(kGtinA, label.serial)->key_revoked);
  }

  // With every label key revoked, nothing can be issued.
  ASSERT_OK(RevokeKey(admin_, second.name, "ngừng sử dụng"));
  const auto before = Footprint(BatchSubject(kGtinA, kLot));
  auto refused = Issue(producer_a_, 1);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(refused.status().message()),
              HasSubstr("--add-label-key"));
  EXPECT_EQ(Footprint(BatchSubject(kGtinA, kLot)), before);
}

TEST_F(LabelsTest, BadRequestsIssueNothing) {
  ASSERT_OK(CreateBatch(producer_b_, key_b_, Batch(kGtinB, kLot)));
  const std::string batch = BatchSubject(kGtinA, kLot);
  const auto before = Footprint(batch);
  struct Case {
    std::string what;
    absl::StatusOr<IssuedLabels> result;
    absl::StatusCode code;
    std::string message;
  };
  std::vector<Case> cases;
  cases.push_back({"count 0", Issue(producer_a_, 0),
                   absl::StatusCode::kInvalidArgument, "count: must be"});
  cases.push_back({"over the limit", Issue(producer_a_, 100001),
                   absl::StatusCode::kInvalidArgument,
                   "100001 labels is more than the 100000"});
  cases.push_back({"unknown batch",
                   Issue(producer_a_, 5, false, kGtinA, "NOPE"),
                   absl::StatusCode::kNotFound, "does not exist"});
  cases.push_back({"another producer's batch",
                   Issue(producer_a_, 5, false, kGtinB, kLot),
                   absl::StatusCode::kPermissionDenied,
                   "belongs to producer 'htx-yen-duong'"});
  cases.push_back({"inspector", Issue(inspector_, 5),
                   absl::StatusCode::kPermissionDenied,
                   "needs role admin or producer"});
  cases.push_back({"anonymous", Issue(Caller{}, 5),
                   absl::StatusCode::kUnauthenticated, "bearer token"});
  cases.push_back({"Vietnamese lot",
                   Issue(producer_a_, 5, false, kGtinA, "Lô1"),
                   absl::StatusCode::kInvalidArgument, "batch.lot"});
  cases.push_back({"bad check digit",
                   Issue(producer_a_, 5, false, "08934563123452", kLot),
                   absl::StatusCode::kInvalidArgument, "batch.gtin"});
  for (const Case& c : cases) {
    EXPECT_EQ(c.result.status().code(), c.code)
        << c.what << ": " << c.result.status();
    EXPECT_THAT(std::string(c.result.status().message()), HasSubstr(c.message))
        << c.what;
  }
  EXPECT_EQ(Footprint(batch), before);
  EXPECT_EQ(CountOf(Column::kLabels), 0u);
  EXPECT_EQ(CountOf(Column::kSecrets), 0u);

  v1::GetLabelRequest bad;
  bad.set_gtin(kGtinA);
  bad.set_serial("0000");
  EXPECT_EQ(service_->GetLabel(Caller{}, bad).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(service_->ResolveLabel(kGtinA, "0000").status().code(),
            absl::StatusCode::kNotFound);
}

// A random source whose byte stream starts with scripted serials (7 bytes
// each, as GenerateSerial reads them): forces serial collisions.
class ScriptedRandom : public RandomSource {
 public:
  explicit ScriptedRandom(const std::vector<std::string>& serials) {
    for (const std::string& serial : serials) {
      // GenerateSerial drops the 6 low bits of 56: shift the value up.
      uint64_t value = *SerialValue(serial) << 6;
      for (int shift = 48; shift >= 0; shift -= 8) {
        script_.push_back(static_cast<char>((value >> shift) & 0xFF));
      }
    }
  }
  void Fill(uint8_t* out, size_t n) override {
    for (size_t i = 0; i < n; ++i) {
      if (next_ < script_.size()) {
        out[i] = static_cast<uint8_t>(script_[next_++]);
      } else {
        fallback_.Fill(out + i, 1);
      }
    }
  }

 private:
  std::string script_;
  size_t next_ = 0;
  SeededRandom fallback_{99};
};

TEST_F(LabelsTest, CollidingSerialsAreDrawnAgain) {
  ScriptedRandom scripted(
      {"AAAAAAAAAA", "AAAAAAAAAA", "BBBBBBBBBB", "BBBBBBBBBB", "CCCCCCCCCC"});
  service_.reset();
  ServiceOptions options;
  options.ledger.checkpoint_interval = absl::ZeroDuration();
  auto reopened =
      Service::Open(store_.get(), keys_, &clock_, &scripted, options);
  ASSERT_OK(reopened);
  service_ = std::move(*reopened);
  auto first = Issue(producer_a_, 1);
  ASSERT_OK(first);
  EXPECT_EQ(first->labels[0].serial, "AAAAAAAAAA");
  // AAAAAAAAAA is issued already, BBBBBBBBBB comes twice: both redrawn.
  auto second = Issue(producer_a_, 3);
  ASSERT_OK(second);
  std::set<std::string> serials;
  for (const PrintableLabel& label : second->labels) {
    serials.insert(label.serial);
    EXPECT_EQ(
        VerifyLabelSignature(*ParseLabelUrl(label.url), PublishedLabelKeys()),
        0);
  }
  EXPECT_EQ(serials.size(), 3u);
  EXPECT_EQ(serials.count("AAAAAAAAAA"), 0u);
  EXPECT_EQ(serials.count("BBBBBBBBBB"), 1u);
  EXPECT_EQ(serials.count("CCCCCCCCCC"), 1u);
  EXPECT_EQ(CountOf(Column::kLabels), 4u);
}

TEST_F(LabelsTest, ConcurrentRequestsOnOneBatchAllLand) {
  ASSERT_OK(CreateBatch(producer_a_, key_a_, Batch(kGtinA, kOtherLot)));
  std::vector<Waiter<IssuedLabels>> waiters(4);
  for (size_t i = 0; i < waiters.size(); ++i) {
    v1::IssueLabelsRequest request;
    request.mutable_batch()->set_gtin(kGtinA);
    request.mutable_batch()->set_lot(i % 2 == 0 ? kLot : kOtherLot);
    request.set_count(300);
    service_->IssueLabels(producer_a_, request, waiters[i].callback());
  }
  // Events on the batch at the same time move its head (an event signed
  // at a head that an issuance moved meanwhile is retried, as clients do).
  for (const char* step : {"commissioning", "packing"}) {
    absl::StatusOr<v1::EntryReceipt> event;
    do {
      event = RecordEvent(producer_a_, key_a_, Event(step));
    } while (absl::IsAborted(event.status()));
    ASSERT_OK(event);
  }
  std::set<std::string> serials;
  for (auto& waiter : waiters) {
    auto issued = waiter.Wait();
    ASSERT_OK(issued);
    for (const PrintableLabel& label : issued->labels) {
      serials.insert(label.serial);
    }
  }
  EXPECT_EQ(serials.size(), 1200u);
  EXPECT_EQ(CountOf(Column::kLabels), 1200u);
  EXPECT_EQ(Footprint(BatchSubject(kGtinA, kLot)).second, 1u + 2 + 2);
}

}  // namespace
}  // namespace ocoptrace::trace::testing
