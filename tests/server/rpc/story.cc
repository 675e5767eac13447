#include "tests/server/rpc/story.h"

#include "absl/strings/str_cat.h"
#include "server/rpc/status.h"
#include "server/trace/subjects.h"

namespace ocoptrace::rpctest {
namespace {

template <typename T>
absl::Status StepError(std::string_view step, const absl::StatusOr<T>& result) {
  return absl::Status(result.status().code(),
                      absl::StrCat(std::string(step), ": ",
                                   std::string(result.status().message())));
}

absl::Status StepError(std::string_view step, const grpc::Status& status) {
  absl::Status s = rpc::FromGrpcStatus(status);
  return absl::Status(s.code(), absl::StrCat(std::string(step), ": ",
                                             std::string(s.message())));
}

}  // namespace

v1::ProducerRecord ProducerRecordFor(const std::string& id,
                                     const std::string& name) {
  v1::ProducerRecord record;
  record.set_id(id);
  record.set_name(name);
  record.set_legal_form(v1::LEGAL_FORM_COOPERATIVE);
  record.set_tax_code("4700123456");
  v1::Address* address = record.mutable_address();
  address->set_text_as_recorded(
      "thôn Chè Cọ, xã Côn Minh, huyện Na Rì, tỉnh Bắc Kạn");
  address->mutable_recorded_on()->set_iso_date("2024-01-15");
  record.set_public_contact("0209 3888 123");
  return record;
}

v1::ProductRecord ProductRecordFor(const std::string& gtin,
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
  record.set_description("Miến làm từ củ dong riềng Na Rì");
  return record;
}

v1::CertificateRecord CertificateRecordFor(const std::string& number,
                                           const std::string& gtin,
                                           const std::string& producer_id,
                                           uint32_t stars, double score) {
  v1::CertificateRecord record;
  record.set_number(number);
  record.set_decision_number("1234/QĐ-UBND");
  record.mutable_decision_date()->set_iso_date("2024-03-22");
  record.set_issuer("UBND tỉnh Bắc Kạn");
  record.set_issuer_level(stars == 5 ? v1::ISSUER_LEVEL_CENTRAL
                                     : v1::ISSUER_LEVEL_PROVINCIAL);
  record.set_stars(stars);
  record.set_score(score);
  record.set_criteria_version(v1::CRITERIA_VERSION_148_2023);
  record.add_products(gtin);
  record.set_producer_id(producer_id);
  return record;
}

v1::BatchRecord BatchRecordFor(const std::string& gtin,
                               const std::string& lot) {
  v1::BatchRecord record;
  record.set_gtin(gtin);
  record.set_lot(lot);
  record.mutable_production_date()->set_iso_date("2024-05-30");
  record.mutable_expiry_date()->set_iso_date("2025-05-30");
  record.mutable_quantity()->set_amount(1200);
  record.mutable_quantity()->set_unit("KGM");
  v1::OriginReference* origin = record.add_origins();
  origin->set_kind("growing_area");
  origin->set_code("VN-BK-NR-001");
  record.set_note("Dong riềng vụ xuân");
  return record;
}

v1::TraceEvent EventFor(const std::string& step, absl::Time when) {
  v1::TraceEvent event;
  event.set_business_step(step);
  *event.mutable_event_time() = VietnamTimeProto(when);
  event.mutable_location()->set_description(
      "Xưởng sản xuất HTX Tài Hoan, thôn Chè Cọ");
  event.mutable_quantity()->set_amount(1200);
  event.mutable_quantity()->set_unit("KGM");
  event.set_performed_by("Tổ sản xuất số 2");
  if (step == "shipping") {
    event.set_disposition("in_transit");
    event.mutable_destination()->set_name("Siêu thị Co.opmart Thái Nguyên");
  }
  if (step == "receiving") {
    event.mutable_source()->set_name("HTX Tài Hoan");
  }
  if (step == "inspecting") {
    event.set_outcome("pass");
    event.set_findings("Đạt yêu cầu ghi nhãn");
  }
  return event;
}

absl::StatusOr<std::string> CreatePrincipal(TestClient& admin,
                                            const std::string& name,
                                            v1::Role role,
                                            const std::string& producer_id) {
  v1::CreatePrincipalRequest request;
  request.mutable_principal()->set_name(name);
  request.mutable_principal()->set_role(role);
  request.mutable_principal()->set_producer_id(producer_id);
  v1::CreatePrincipalResponse response;
  grpc::Status status = admin.Call(&v1::Admin::Stub::CreatePrincipal,
                                   admin.admin(), request, &response);
  if (!status.ok()) return StepError("CreatePrincipal " + name, status);
  return response.token();
}

absl::StatusOr<v1::EntryReceipt> AddKey(TestClient& admin,
                                        const std::string& vkey,
                                        v1::KeyRole role,
                                        const std::string& producer_id,
                                        const std::string& holder) {
  v1::AddKeyRequest request;
  request.mutable_key()->set_vkey(vkey);
  request.mutable_key()->set_role(role);
  request.mutable_key()->set_producer_id(producer_id);
  request.mutable_key()->set_holder(holder);
  v1::EntryReceipt receipt;
  grpc::Status status = admin.Call(&v1::Registry::Stub::AddKey,
                                   admin.registry(), request, &receipt);
  if (!status.ok()) return rpc::FromGrpcStatus(status);
  return receipt;
}

absl::StatusOr<v1::EntryReceipt> RegisterProduct(
    TestClient& client, const NoteSigner& key, const v1::ProductRecord& record,
    absl::Time now) {
  v1::RegisterProductRequest request;
  absl::StatusOr<v1::SignedEntry> signed_entry =
      client.Sign(key, "product.registered",
                  trace::ProductSubject(record.gtin()), record, now);
  if (!signed_entry.ok()) return signed_entry.status();
  *request.mutable_signed_() = *signed_entry;
  v1::EntryReceipt receipt;
  grpc::Status status = client.Call(&v1::Registry::Stub::RegisterProduct,
                                    client.registry(), request, &receipt);
  if (!status.ok()) return rpc::FromGrpcStatus(status);
  return receipt;
}

absl::StatusOr<v1::EntryReceipt> IssueCertificate(
    TestClient& client, const NoteSigner& key,
    const v1::CertificateRecord& record, absl::Time now) {
  v1::IssueCertificateRequest request;
  absl::StatusOr<v1::SignedEntry> signed_entry =
      client.Sign(key, "certificate.issued",
                  trace::CertificateSubject(record.number()), record, now);
  if (!signed_entry.ok()) return signed_entry.status();
  *request.mutable_signed_() = *signed_entry;
  v1::EntryReceipt receipt;
  grpc::Status status = client.Call(&v1::Certificates::Stub::IssueCertificate,
                                    client.certificates(), request, &receipt);
  if (!status.ok()) return rpc::FromGrpcStatus(status);
  return receipt;
}

absl::StatusOr<v1::EntryReceipt> CreateBatch(TestClient& client,
                                             const NoteSigner& key,
                                             const v1::BatchRecord& record,
                                             absl::Time now) {
  v1::CreateBatchRequest request;
  absl::StatusOr<v1::SignedEntry> signed_entry = client.Sign(
      key, "batch.created", trace::BatchSubject(record.gtin(), record.lot()),
      record, now);
  if (!signed_entry.ok()) return signed_entry.status();
  *request.mutable_signed_() = *signed_entry;
  v1::EntryReceipt receipt;
  grpc::Status status = client.Call(&v1::Trace::Stub::CreateBatch,
                                    client.trace(), request, &receipt);
  if (!status.ok()) return rpc::FromGrpcStatus(status);
  return receipt;
}

absl::StatusOr<v1::EntryReceipt> RecordEvent(
    TestClient& client, const NoteSigner& key, const std::string& gtin,
    const std::string& lot, const v1::TraceEvent& event, absl::Time now) {
  v1::RecordEventRequest request;
  absl::StatusOr<v1::SignedEntry> signed_entry =
      client.Sign(key, "event." + event.business_step(),
                  trace::BatchSubject(gtin, lot), event, now);
  if (!signed_entry.ok()) return signed_entry.status();
  *request.mutable_signed_() = *signed_entry;
  v1::EntryReceipt receipt;
  grpc::Status status = client.Call(&v1::Trace::Stub::RecordEvent,
                                    client.trace(), request, &receipt);
  if (!status.ok()) return rpc::FromGrpcStatus(status);
  return receipt;
}

absl::StatusOr<std::vector<v1::IssuedLabel>> IssueLabels(
    TestClient& client, const std::string& gtin, const std::string& lot,
    uint32_t count, bool with_pins, v1::IssuanceSummary* summary) {
  v1::IssueLabelsRequest request;
  request.mutable_batch()->set_gtin(gtin);
  request.mutable_batch()->set_lot(lot);
  request.set_count(count);
  request.set_with_pins(with_pins);
  std::unique_ptr<grpc::ClientContext> context = client.Context();
  std::unique_ptr<grpc::ClientReader<v1::IssueLabelsResponse>> reader =
      client.labels().IssueLabels(context.get(), request);
  std::vector<v1::IssuedLabel> labels;
  v1::IssueLabelsResponse message;
  while (reader->Read(&message)) {
    if (message.has_summary() && summary != nullptr) {
      *summary = message.summary();
    }
    for (const v1::IssuedLabel& label : message.labels()) {
      labels.push_back(label);
    }
  }
  grpc::Status status = reader->Finish();
  if (!status.ok()) return rpc::FromGrpcStatus(status);
  return labels;
}

absl::StatusOr<Story> PlayStory(TestServer& server) {
  Story story;
  TestClient admin(server.target(), server.admin_token());
  FakeClock& clock = server.clock();

  v1::RegisterProducerRequest producer;
  *producer.mutable_producer() = ProducerRecordFor(kProducerId, "HTX Tài Hoan");
  v1::EntryReceipt receipt;
  grpc::Status status = admin.Call(&v1::Registry::Stub::RegisterProducer,
                                   admin.registry(), producer, &receipt);
  if (!status.ok()) return StepError("RegisterProducer", status);

  story.producer_key = NewIdentity("htx-tai-hoan-1");
  absl::StatusOr<v1::EntryReceipt> added = AddKey(
      admin, story.producer_key.vkey, v1::KEY_ROLE_PRODUCER, kProducerId, "");
  if (!added.ok()) return StepError("AddKey (producer)", added);
  absl::StatusOr<std::string> token =
      CreatePrincipal(admin, kProducerId, v1::ROLE_PRODUCER, kProducerId);
  if (!token.ok()) return token.status();
  story.producer_token = *token;

  token = CreatePrincipal(admin, kCertifierName, v1::ROLE_CERTIFIER, "");
  if (!token.ok()) return token.status();
  story.certifier_token = *token;
  story.certifier_key = NewIdentity("can-bo-ocop-1");
  added = AddKey(admin, story.certifier_key.vkey, v1::KEY_ROLE_CERTIFIER, "",
                 kCertifierName);
  if (!added.ok()) return StepError("AddKey (certifier)", added);

  TestClient producer_client(server.target(), story.producer_token);
  TestClient certifier_client(server.target(), story.certifier_token);
  clock.Advance(absl::Hours(1));
  absl::StatusOr<v1::EntryReceipt> product =
      RegisterProduct(producer_client, story.producer_key.signer,
                      ProductRecordFor(kGtin, kProducerId), clock.Now());
  if (!product.ok()) return StepError("RegisterProduct", product);

  clock.Advance(absl::Hours(1));
  absl::StatusOr<v1::EntryReceipt> certificate = IssueCertificate(
      certifier_client, story.certifier_key.signer,
      CertificateRecordFor(kCertificateNumber, kGtin, kProducerId, 4, 78.5),
      clock.Now());
  if (!certificate.ok()) return StepError("IssueCertificate", certificate);

  clock.Advance(absl::Hours(1));
  absl::StatusOr<v1::EntryReceipt> batch =
      CreateBatch(producer_client, story.producer_key.signer,
                  BatchRecordFor(kGtin, kLot), clock.Now());
  if (!batch.ok()) return StepError("CreateBatch", batch);
  story.batch_receipts.push_back(*batch);

  for (const char* step : {"commissioning", "packing", "shipping"}) {
    const absl::Time happened = clock.Now();
    clock.Advance(absl::Hours(1));
    absl::StatusOr<v1::EntryReceipt> event =
        RecordEvent(producer_client, story.producer_key.signer, kGtin, kLot,
                    EventFor(step, happened), clock.Now());
    if (!event.ok())
      return StepError(absl::StrCat("RecordEvent ", step), event);
    story.batch_receipts.push_back(*event);
  }
  return story;
}

}  // namespace ocoptrace::rpctest
