#include "tests/server/trace/trace_test_util.h"

#include <cstdlib>

#include "core/ed25519.h"
#include "core/sha256.h"
#include "core/timestamp.h"
#include "server/trace/kinds.h"
#include "server/trace/subjects.h"

namespace ocoptrace::trace::testing {

NoteSigner TestSigner(const std::string& name) {
  const std::string seed = HashToBytes(Sha256(name));
  auto key = Ed25519PrivateKey::FromSeed(seed);
  if (!key.ok()) std::abort();
  auto signer = MakeNoteSigner(name, *key);
  if (!signer.ok()) std::abort();
  return *signer;
}

std::string VkeyOf(const NoteSigner& signer) {
  return FormatVkey(VerifierOf(signer));
}

absl::Time TraceTest::StartTime() {
  return absl::FromCivil(absl::CivilSecond(2024, 3, 25, 9, 0, 0),
                         absl::FixedTimeZone(7 * 3600));
}

void TraceTest::SetUp() {
  if (store_ == nullptr) store_ = std::make_unique<storage::MemoryStore>();
  keys_.log = TestSigner("log.test.ocoptrace");
  keys_.authority = TestSigner("authority.test.ocoptrace");
  keys_.labels = {TestSigner("label-1.test.ocoptrace")};
  OpenService();
  auto bootstrap = service_->BootstrapAdmin("ocop.admin");
  ASSERT_TRUE(bootstrap.ok()) << bootstrap.status();
  auto admin = service_->Authenticate(bootstrap->token());
  ASSERT_TRUE(admin.ok()) << admin.status();
  admin_ = *admin;
}

void TraceTest::TearDown() { service_.reset(); }

void TraceTest::OpenService() {
  service_.reset();
  ServiceOptions options;
  options.ledger.checkpoint_interval = absl::ZeroDuration();
  auto service = Service::Open(store_.get(), keys_, &clock_, &random_, options);
  ASSERT_TRUE(service.ok()) << service.status();
  service_ = std::move(*service);
}

Caller TraceTest::MakePrincipal(const std::string& name, v1::Role role,
                                const std::string& producer_id) {
  v1::CreatePrincipalRequest request;
  request.mutable_principal()->set_name(name);
  request.mutable_principal()->set_role(role);
  request.mutable_principal()->set_producer_id(producer_id);
  request.mutable_principal()->set_display_name("Cán bộ " + name);
  auto created = service_->CreatePrincipal(admin_, request);
  EXPECT_TRUE(created.ok()) << created.status();
  if (!created.ok()) return {};
  auto caller = service_->Authenticate(created->token());
  EXPECT_TRUE(caller.ok()) << caller.status();
  return caller.ok() ? *caller : Caller{};
}

v1::SignedEntry TraceTest::Sign(const NoteSigner& signer,
                                const std::string& kind,
                                const std::string& subject,
                                const std::string& body,
                                const SignOptions& options) {
  auto head = service_->ledger().Head(subject);
  EXPECT_TRUE(head.ok()) << head.status();
  EntryHeader header;
  header.kind = kind;
  header.subject = subject;
  header.seq = options.seq.value_or(head.ok() ? head->next_seq : 0);
  header.prev = options.prev.value_or(head.ok() ? head->last_hash : Hash{});
  header.time = TimestampAt(options.unix_seconds
                                ? absl::FromUnixSeconds(*options.unix_seconds)
                                : clock_.Now(),
                            420);
  header.body_hash = Sha256(body);
  auto entry = SignEntry(header, signer);
  EXPECT_TRUE(entry.ok()) << entry.status();
  v1::SignedEntry signed_entry;
  signed_entry.set_entry(entry.ok() ? *entry : "");
  signed_entry.set_body(body);
  return signed_entry;
}

absl::StatusOr<v1::EntryReceipt> TraceTest::RegisterProducer(
    const Caller& caller, const v1::ProducerRecord& record) {
  v1::RegisterProducerRequest request;
  *request.mutable_producer() = record;
  return Await<v1::EntryReceipt>([&](auto done) {
    service_->RegisterProducer(caller, request, std::move(done));
  });
}

absl::StatusOr<v1::EntryReceipt> TraceTest::AddKey(const Caller& caller,
                                                   const v1::KeyRecord& key) {
  v1::AddKeyRequest request;
  *request.mutable_key() = key;
  return Await<v1::EntryReceipt>(
      [&](auto done) { service_->AddKey(caller, request, std::move(done)); });
}

absl::StatusOr<v1::EntryReceipt> TraceTest::RevokeKey(
    const Caller& caller, const std::string& name, const std::string& reason) {
  v1::RevokeKeyRequest request;
  request.set_key_name(name);
  request.set_reason(reason);
  return Await<v1::EntryReceipt>([&](auto done) {
    service_->RevokeKey(caller, request, std::move(done));
  });
}

absl::StatusOr<v1::EntryReceipt> TraceTest::RegisterProduct(
    const Caller& caller, const NoteSigner& signer,
    const v1::ProductRecord& record) {
  v1::RegisterProductRequest request;
  *request.mutable_signed_() =
      SignMessage(signer, std::string(kinds::kProductRegistered),
                  ProductSubject(record.gtin()), record);
  return Await<v1::EntryReceipt>([&](auto done) {
    service_->RegisterProduct(caller, request, std::move(done));
  });
}

absl::StatusOr<v1::EntryReceipt> TraceTest::IssueCertificate(
    const Caller& caller, const NoteSigner& signer,
    const v1::CertificateRecord& record) {
  v1::IssueCertificateRequest request;
  *request.mutable_signed_() =
      SignMessage(signer, std::string(kinds::kCertificateIssued),
                  CertificateSubject(record.number()), record);
  return Await<v1::EntryReceipt>([&](auto done) {
    service_->IssueCertificate(caller, request, std::move(done));
  });
}

absl::StatusOr<v1::EntryReceipt> TraceTest::RenewCertificate(
    const Caller& caller, const NoteSigner& signer,
    const v1::CertificateRecord& record) {
  v1::RenewCertificateRequest request;
  *request.mutable_signed_() =
      SignMessage(signer, std::string(kinds::kCertificateIssued),
                  CertificateSubject(record.number()), record);
  return Await<v1::EntryReceipt>([&](auto done) {
    service_->RenewCertificate(caller, request, std::move(done));
  });
}

absl::StatusOr<v1::EntryReceipt> TraceTest::RevokeCertificate(
    const Caller& caller, const NoteSigner& signer, const std::string& number,
    const v1::CertificateRevocation& revocation) {
  v1::RevokeCertificateRequest request;
  *request.mutable_signed_() =
      SignMessage(signer, std::string(kinds::kCertificateRevoked),
                  CertificateSubject(number), revocation);
  return Await<v1::EntryReceipt>([&](auto done) {
    service_->RevokeCertificate(caller, request, std::move(done));
  });
}

absl::StatusOr<v1::EntryReceipt> TraceTest::CreateBatch(
    const Caller& caller, const NoteSigner& signer,
    const v1::BatchRecord& record) {
  v1::CreateBatchRequest request;
  *request.mutable_signed_() =
      SignMessage(signer, std::string(kinds::kBatchCreated),
                  BatchSubject(record.gtin(), record.lot()), record);
  return Await<v1::EntryReceipt>([&](auto done) {
    service_->CreateBatch(caller, request, std::move(done));
  });
}

absl::StatusOr<v1::EntryReceipt> TraceTest::RecordEvent(
    const Caller& caller, const NoteSigner& signer, const v1::TraceEvent& event,
    const std::string& gtin, const std::string& lot) {
  v1::RecordEventRequest request;
  *request.mutable_signed_() = SignMessage(
      signer, EventKind(event.business_step()), BatchSubject(gtin, lot), event);
  return Await<v1::EntryReceipt>([&](auto done) {
    service_->RecordEvent(caller, request, std::move(done));
  });
}

absl::StatusOr<v1::GetHistoryResponse> TraceTest::GetHistory(
    const Caller& caller, const std::string& gtin, const std::string& lot) {
  v1::GetHistoryRequest request;
  request.mutable_batch()->set_gtin(gtin);
  request.mutable_batch()->set_lot(lot);
  return Await<v1::GetHistoryResponse>([&](auto done) {
    service_->GetHistory(caller, request, std::move(done));
  });
}

v1::ProducerRecord TraceTest::Producer(const std::string& id) {
  v1::ProducerRecord record;
  record.set_id(id);
  record.set_name(id == kProducerA ? "HTX Tài Hoan" : "HTX Yến Dương");
  record.set_legal_form(v1::LEGAL_FORM_COOPERATIVE);
  record.set_tax_code(id == kProducerA ? "4700123456" : "4700654321");
  record.mutable_address()->set_text_as_recorded(
      "thôn Chè Cọ, xã Côn Minh, huyện Na Rì, tỉnh Bắc Kạn");
  record.mutable_address()->mutable_recorded_on()->set_iso_date("2021-05-10");
  record.set_gln(kGlnA);
  record.set_demo(true);
  return record;
}

v1::KeyRecord TraceTest::ProducerKey(const NoteSigner& signer,
                                     const std::string& producer_id) {
  v1::KeyRecord key;
  key.set_vkey(VkeyOf(signer));
  key.set_role(v1::KEY_ROLE_PRODUCER);
  key.set_producer_id(producer_id);
  key.set_holder("Tổ sản xuất số 1");
  return key;
}

v1::KeyRecord TraceTest::OfficialKey(const NoteSigner& signer, v1::KeyRole role,
                                     const std::string& holder) {
  v1::KeyRecord key;
  key.set_vkey(VkeyOf(signer));
  key.set_role(role);
  key.set_holder(holder);
  return key;
}

v1::ProductRecord TraceTest::Product(const std::string& gtin,
                                     const std::string& producer_id) {
  v1::ProductRecord record;
  record.set_gtin(gtin);
  record.set_name("Miến dong Tài Hoan");
  record.set_producer_id(producer_id);
  record.set_group(v1::OCOP_GROUP_FOOD);
  v1::AppliedStandard* standard = record.add_standards();
  standard->set_kind("TCCS");
  standard->set_code("TCCS 01:2021/HTXTH");
  record.set_shelf_life_days(365);
  record.set_net_content("500 g");
  return record;
}

v1::CertificateRecord TraceTest::Certificate(const std::string& number,
                                             const std::string& producer_id,
                                             const std::string& gtin) {
  v1::CertificateRecord record;
  record.set_number(number);
  record.set_decision_number("1234/QĐ-UBND");
  record.mutable_decision_date()->set_iso_date("2024-03-22");
  record.set_issuer("UBND tỉnh Bắc Kạn");
  record.set_issuer_level(v1::ISSUER_LEVEL_PROVINCIAL);
  record.set_stars(4);
  record.set_score(78.5);
  record.set_criteria_version(v1::CRITERIA_VERSION_148_2023);
  record.add_products(gtin);
  record.set_producer_id(producer_id);
  return record;
}

v1::CertificateRevocation TraceTest::Revocation(const std::string& date) {
  v1::CertificateRevocation revocation;
  revocation.set_decision_number("88/QĐ-UBND");
  revocation.mutable_decision_date()->set_iso_date(date);
  revocation.set_reason("Không tái đánh giá trong 36 tháng");
  return revocation;
}

v1::BatchRecord TraceTest::Batch(const std::string& gtin,
                                 const std::string& lot) {
  v1::BatchRecord record;
  record.set_gtin(gtin);
  record.set_lot(lot);
  record.mutable_production_date()->set_iso_date("2024-03-20");
  record.mutable_expiry_date()->set_iso_date("2025-03-20");
  record.mutable_quantity()->set_amount(1250.5);
  record.mutable_quantity()->set_unit("KGM");
  v1::OriginReference* origin = record.add_origins();
  origin->set_kind("vietgap");
  origin->set_code("VietGAP-TT-19-01-06-0001");
  return record;
}

v1::TraceEvent TraceTest::Event(const std::string& step) const {
  v1::TraceEvent event;
  event.set_business_step(step);
  event.mutable_event_time()->set_unix_seconds(
      absl::ToUnixSeconds(clock_.Now()) - 3600);
  event.mutable_event_time()->set_utc_offset_minutes(420);
  event.mutable_location()->set_gln(kGlnA);
  event.mutable_location()->set_description("Xưởng sản xuất HTX Tài Hoan");
  if (step == "shipping") {
    event.mutable_destination()->set_name("Siêu thị Co.opmart Thái Nguyên");
  }
  if (step == "receiving") {
    event.mutable_source()->set_name("HTX Tài Hoan");
  }
  if (step == "inspecting") {
    event.set_outcome("pass");
    event.set_findings("Nhãn đúng quy định");
  }
  return event;
}

void TraceTest::SetUpCast() {
  ASSERT_OK(RegisterProducer(admin_, Producer(kProducerA)));
  ASSERT_OK(RegisterProducer(admin_, Producer(kProducerB)));
  ASSERT_OK(AddKey(admin_, ProducerKey(key_a_, kProducerA)));
  ASSERT_OK(AddKey(admin_, ProducerKey(key_b_, kProducerB)));
  producer_a_ =
      MakePrincipal("htx-tai-hoan-app", v1::ROLE_PRODUCER, kProducerA);
  producer_b_ =
      MakePrincipal("htx-yen-duong-app", v1::ROLE_PRODUCER, kProducerB);
  certifier_ = MakePrincipal("ocop.certifier", v1::ROLE_CERTIFIER);
  inspector_ = MakePrincipal("qltt.inspector", v1::ROLE_INSPECTOR);
  ASSERT_OK(AddKey(admin_, OfficialKey(certifier_key_, v1::KEY_ROLE_CERTIFIER,
                                       "ocop.certifier")));
  ASSERT_OK(AddKey(admin_, OfficialKey(inspector_key_, v1::KEY_ROLE_INSPECTOR,
                                       "qltt.inspector")));
  ASSERT_OK(RegisterProduct(producer_a_, key_a_, Product(kGtinA, kProducerA)));
  ASSERT_OK(RegisterProduct(producer_b_, key_b_, Product(kGtinB, kProducerB)));
}

std::pair<uint64_t, uint64_t> TraceTest::Footprint(const std::string& subject) {
  auto head = service_->ledger().Head(subject);
  EXPECT_TRUE(head.ok());
  return {service_->ledger().size(), head.ok() ? head->next_seq : 0};
}

}  // namespace ocoptrace::trace::testing
