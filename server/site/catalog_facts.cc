#include "server/site/catalog_facts.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "core/timestamp.h"
#include "server/site/admin_units.h"
#include "server/trace/subjects.h"

namespace ocoptrace::site {
namespace {

constexpr std::string_view kEventPrefix = "event.";

std::optional<absl::CivilDay> DayOf(const v1::Date& date) {
  if (date.iso_date().empty()) return std::nullopt;
  absl::StatusOr<absl::CivilDay> day = ParseDate(date.iso_date());
  if (!day.ok()) return std::nullopt;
  return *day;
}

bool IsJourneyKind(std::string_view kind) {
  return kind == "batch.created" || kind == "labels.issued" ||
         kind.substr(0, kEventPrefix.size()) == kEventPrefix;
}

std::string PlaceOf(const v1::Place& place) {
  if (!place.description().empty()) return place.description();
  if (!place.gln().empty()) return absl::StrCat("GLN ", place.gln());
  return "";
}

// The event's own words: its note, the party it went to or came from, an
// inspection's outcome and findings.
std::string NoteOf(const v1::TraceEvent& event) {
  std::vector<std::string> parts;
  if (!event.destination().name().empty()) {
    parts.push_back(absl::StrCat("→ ", event.destination().name()));
  }
  if (!event.source().name().empty()) {
    parts.push_back(absl::StrCat("← ", event.source().name()));
  }
  if (!event.outcome().empty()) parts.push_back(event.outcome());
  if (!event.findings().empty()) parts.push_back(event.findings());
  if (!event.note().empty()) parts.push_back(event.note());
  std::string note;
  for (const std::string& part : parts) {
    if (!note.empty()) note += " · ";
    note += part;
  }
  return note;
}

absl::StatusOr<v1::Certificate> ReadCertificate(trace::Service& service,
                                                const std::string& number) {
  v1::GetCertificateRequest request;
  request.set_number(number);
  return service.GetCertificate(SiteReader(), request);
}

}  // namespace

trace::Caller SiteReader() {
  trace::Caller caller;
  caller.principal = "consumer-site";
  caller.role = v1::ROLE_INSPECTOR;
  return caller;
}

std::string OcopGroupName(v1::OcopGroup group) {
  switch (group) {
    case v1::OCOP_GROUP_FOOD:
      return "Thực phẩm";
    case v1::OCOP_GROUP_DRINKS:
      return "Đồ uống";
    case v1::OCOP_GROUP_HERBAL:
      return "Thảo dược";
    case v1::OCOP_GROUP_HANDICRAFTS:
      return "Thủ công mỹ nghệ";
    case v1::OCOP_GROUP_ORNAMENTAL:
      return "Sinh vật cảnh";
    case v1::OCOP_GROUP_TOURISM:
      return "Dịch vụ du lịch cộng đồng, điểm du lịch";
    default:
      return "";
  }
}

std::string LegalFormName(v1::LegalForm form) {
  switch (form) {
    case v1::LEGAL_FORM_COOPERATIVE:
      return "Hợp tác xã";
    case v1::LEGAL_FORM_COMPANY:
      return "Doanh nghiệp";
    case v1::LEGAL_FORM_HOUSEHOLD_BUSINESS:
      return "Hộ kinh doanh";
    case v1::LEGAL_FORM_COOPERATIVE_GROUP:
      return "Tổ hợp tác";
    default:
      return "";
  }
}

http::CertificateView CertificateViewOf(const v1::Certificate& certificate) {
  const v1::CertificateRecord& record = certificate.record();
  http::CertificateView view;
  view.number = record.number();
  view.decision = record.decision_number();
  view.issuer = record.issuer();
  view.stars = static_cast<int>(record.stars());
  if (auto from = DayOf(record.valid_from())) view.valid_from = *from;
  if (auto until = DayOf(record.valid_until())) view.valid_until = *until;
  if (certificate.has_revocation()) {
    const v1::CertificateRevocation& revocation = certificate.revocation();
    view.revoked = true;
    std::optional<absl::CivilDay> on = DayOf(revocation.effective_from());
    if (!on) on = DayOf(revocation.decision_date());
    view.revoked_on = on.value_or(view.valid_from);
    view.revocation_decision = revocation.decision_number();
  }
  return view;
}

absl::StatusOr<ProductFacts> LoadProduct(trace::Service& service,
                                         std::string_view gtin14) {
  ProductFacts facts;
  facts.gtin14 = std::string(gtin14);
  v1::GetProductRequest product_request;
  product_request.set_gtin(std::string(gtin14));
  absl::StatusOr<v1::Product> product =
      service.GetProduct(SiteReader(), product_request);
  if (absl::IsNotFound(product.status()) ||
      absl::IsInvalidArgument(product.status())) {
    return facts;
  }
  if (!product.ok()) return product.status();
  const v1::ProductRecord& record = product->record();
  facts.exists = true;
  facts.name = record.name();
  if (record.image().starts_with("https://") ||
      record.image().starts_with("http://")) {
    facts.image_url = record.image();
  }
  facts.group = OcopGroupName(record.group());
  for (const v1::AppliedStandard& standard : record.standards()) {
    if (!facts.standard.empty()) facts.standard += "; ";
    facts.standard += standard.code();
  }
  facts.brand = record.brand();
  facts.producer_id = record.producer_id();

  v1::GetProducerRequest producer_request;
  producer_request.set_producer_id(record.producer_id());
  absl::StatusOr<v1::Producer> producer =
      service.GetProducer(SiteReader(), producer_request);
  if (!producer.ok()) return producer.status();
  facts.producer_name = producer->record().name();
  facts.legal_form = LegalFormName(producer->record().legal_form());
  const v1::Address& address = producer->has_address_as_registered()
                                   ? producer->address_as_registered()
                                   : producer->record().address();
  facts.address_as_printed = address.text_as_recorded();
  facts.current_unit = CurrentAdminUnit(address);
  for (const v1::Key& key : producer->keys()) {
    facts.producer_key_names.push_back(key.name());
  }

  for (const std::string& number : product->certificates()) {
    absl::StatusOr<v1::Certificate> certificate =
        ReadCertificate(service, number);
    if (!certificate.ok()) return certificate.status();
    CertificateFacts shown;
    shown.view = CertificateViewOf(*certificate);
    if (!certificate->superseded_by().empty()) {
      absl::StatusOr<v1::Certificate> renewal =
          ReadCertificate(service, certificate->superseded_by());
      if (!renewal.ok()) return renewal.status();
      shown.superseded_from = DayOf(renewal->record().valid_from());
    }
    facts.certificates.push_back(std::move(shown));
  }
  return facts;
}

std::vector<http::CertificateView> CertificatesToShow(
    const ProductFacts& product, absl::CivilDay today) {
  std::vector<http::CertificateView> shown;
  for (const CertificateFacts& certificate : product.certificates) {
    if (certificate.superseded_from && today >= *certificate.superseded_from) {
      continue;
    }
    shown.push_back(certificate.view);
  }
  return shown;
}

absl::StatusOr<BatchFacts> LoadBatch(trace::Service& service,
                                     const EntryVerifier& verifier,
                                     const ProductFacts& product,
                                     std::string_view lot) {
  BatchFacts facts;
  const std::string subject = trace::BatchSubject(product.gtin14, lot);
  ledger::Ledger& log = service.ledger();
  absl::StatusOr<ledger::SubjectHead> head = log.Head(subject);
  if (!head.ok()) return head.status();
  facts.chain_length = head->next_seq;
  if (head->next_seq == 0) return facts;
  v1::GetBatchRequest request;
  request.mutable_batch()->set_gtin(product.gtin14);
  request.mutable_batch()->set_lot(std::string(lot));
  absl::StatusOr<v1::Batch> batch = service.GetBatch(SiteReader(), request);
  if (absl::IsNotFound(batch.status())) return facts;
  if (!batch.ok()) return batch.status();
  facts.exists = true;
  facts.production_date = DayOf(batch->record().production_date());
  facts.expiry_date = DayOf(batch->record().expiry_date());

  absl::StatusOr<std::vector<ledger::StoredEntry>> chain =
      log.SubjectEntries(subject, 0, kMaxJourneyEntries);
  if (!chain.ok()) return chain.status();
  const std::vector<CheckedEntry> checked =
      verifier.CheckChain(subject, *chain);
  for (size_t i = 0; i < checked.size(); ++i) {
    const CheckedEntry& entry = checked[i];
    if (!entry.header || !IsJourneyKind(entry.header->kind)) continue;
    const std::string& kind = entry.header->kind;
    JourneyFacts step;
    step.leaf_hash = entry.leaf_hash;
    step.authentic = entry.authentic;
    step.step.log_index = entry.index;
    step.step.time = ToAbslTime(entry.header->time);
    const bool by_producer =
        std::find(product.producer_key_names.begin(),
                  product.producer_key_names.end(),
                  entry.signer) != product.producer_key_names.end();
    if (by_producer) step.step.actor = product.producer_name;
    if (kind.substr(0, kEventPrefix.size()) == kEventPrefix) {
      step.step.step = kind.substr(kEventPrefix.size());
      v1::TraceEvent event;
      const std::string& body = (*chain)[i].body;
      if (event.ParseFromArray(body.data(), static_cast<int>(body.size()))) {
        if (event.event_time().unix_seconds() != 0) {
          step.step.time =
              absl::FromUnixSeconds(event.event_time().unix_seconds());
        }
        step.step.place = PlaceOf(event.location());
        step.step.note = NoteOf(event);
        if (!event.performed_by().empty()) {
          step.step.actor = step.step.actor.empty()
                                ? event.performed_by()
                                : absl::StrCat(step.step.actor, " (",
                                               event.performed_by(), ")");
        }
      }
    } else {
      step.step.step = kind;
      if (kind == "batch.created") {
        v1::BatchRecord record;
        const std::string& body = (*chain)[i].body;
        if (record.ParseFromArray(body.data(), static_cast<int>(body.size()))) {
          step.step.note = record.note();
        }
      }
    }
    if (step.step.actor.empty() && kind != "labels.issued") {
      step.step.actor = entry.signer;
    }
    facts.journey.push_back(std::move(step));
  }
  RecheckJourney(verifier, facts);
  return facts;
}

void RecheckJourney(const EntryVerifier& verifier, BatchFacts& batch) {
  batch.checkpoint_size = verifier.CheckpointSize();
  bool all = true;
  for (JourneyFacts& step : batch.journey) {
    step.step.verified = step.authentic &&
                         verifier.Included(step.step.log_index, step.leaf_hash);
    all = all && step.step.verified;
  }
  batch.all_verified = all;
}

absl::StatusOr<LabelFacts> LoadLabel(const trace::Service& service,
                                     std::string_view gtin14,
                                     std::string_view serial) {
  LabelFacts facts;
  absl::StatusOr<trace::LabelView> label = service.ResolveLabel(gtin14, serial);
  if (absl::IsNotFound(label.status())) return facts;
  if (!label.ok()) return label.status();
  facts.issued = true;
  facts.lot = label->lot;
  facts.voided = label->status == v1::LABEL_STATUS_VOID;
  facts.key_revoked = label->key_revoked;
  facts.has_pin = label->has_pin;
  return facts;
}

}  // namespace ocoptrace::site
