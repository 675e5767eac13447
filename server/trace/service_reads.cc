// Building the public API's read messages from the derived state, and the
// helpers list methods share (page tokens, today's date).
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "core/base64.h"
#include "core/timestamp.h"
#include "server/storage/keys.h"
#include "server/trace/service_impl.h"

namespace ocoptrace::trace {

std::string EncodePageToken(std::string_view last_key) {
  return Base64UrlEncode(last_key);
}

absl::StatusOr<std::string> DecodePageToken(std::string_view token) {
  auto decoded = Base64UrlDecode(token);
  if (!decoded.ok() || decoded->empty()) {
    return absl::InvalidArgumentError(
        "page.page_token: not a token this server returned; pass "
        "next_page_token back unchanged");
  }
  return decoded;
}

size_t PageSize(const v1::PageRequest& page) {
  if (page.page_size() == 0) return 100;
  return std::min<size_t>(page.page_size(), 1000);
}

absl::CivilDay Service::Impl::Today() const {
  return absl::ToCivilDay(clock->Now(),
                          absl::FixedTimeZone(options.utc_offset_minutes * 60));
}

uint64_t Service::Impl::IndexOf(std::string_view subject, uint64_t seq) const {
  auto index = ledger->SubjectEntryIndex(subject, seq);
  return index.ok() ? *index : 0;
}

v1::Key Service::Impl::BuildKey(const state::KeyState& key, uint64_t added_at,
                                uint64_t revoked_at) {
  v1::Key out;
  out.set_name(key.name());
  out.set_vkey(key.vkey());
  out.set_role(key.role());
  out.set_producer_id(key.producer_id());
  out.set_holder(key.holder());
  out.set_revoked(key.revoked());
  out.set_revocation_reason(key.revocation_reason());
  out.set_added_at_index(added_at);
  out.set_revoked_at_index(revoked_at);
  return out;
}

absl::StatusOr<v1::Producer> Service::Impl::BuildProducer(
    const StateReader& state, const state::ProducerState& producer) const {
  v1::Producer out;
  *out.mutable_record() = producer.record();
  if (producer.address_as_registered().SerializeAsString() !=
      producer.record().address().SerializeAsString()) {
    *out.mutable_address_as_registered() = producer.address_as_registered();
  }
  for (const std::string& name : producer.key_names()) {
    auto key = state.Key(name);
    if (!key.ok()) return key.status();
    *out.add_keys() = BuildKey(
        *key, IndexOf(key->subject(), key->added_seq()),
        key->revoked() ? IndexOf(key->subject(), key->revoked_seq()) : 0);
  }
  out.set_entries(producer.entries());
  return out;
}

absl::StatusOr<v1::Certificate> Service::Impl::BuildCertificate(
    const StateReader& state, const state::CertificateState& certificate,
    absl::CivilDay as_of) const {
  const v1::CertificateRecord& record = certificate.record();
  v1::Certificate out;
  *out.mutable_record() = record;
  auto from = ParseDate(record.valid_from().iso_date());
  auto until = ParseDate(record.valid_until().iso_date());
  if (!from.ok() || !until.ok()) {
    return absl::DataLossError(absl::StrCat(
        "stored certificate '", record.number(), "' has no validity dates"));
  }
  auto successor = state.CertificateSuccessor(record.number());
  if (!successor.ok()) return successor.status();
  std::optional<absl::CivilDay> successor_from;
  if (successor->has_value()) {
    out.set_superseded_by(**successor);
    auto next = state.Certificate(**successor);
    if (!next.ok()) return next.status();
    auto next_from = ParseDate(next->record().valid_from().iso_date());
    if (next_from.ok()) successor_from = *next_from;
  }
  std::optional<absl::CivilDay> revoked_from;
  if (certificate.revoked()) {
    *out.mutable_revocation() = certificate.revocation();
    auto effective =
        ParseDate(certificate.revocation().effective_from().iso_date());
    if (effective.ok()) revoked_from = *effective;
  }
  v1::CertificateStatus status;
  if (revoked_from && as_of >= *revoked_from) {
    status = v1::CERTIFICATE_STATUS_REVOKED;
  } else if (successor_from && as_of >= *successor_from) {
    status = v1::CERTIFICATE_STATUS_SUPERSEDED;
  } else if (as_of < *from) {
    status = v1::CERTIFICATE_STATUS_NOT_YET_VALID;
  } else if (as_of > *until) {
    status = v1::CERTIFICATE_STATUS_EXPIRED;
  } else {
    status = v1::CERTIFICATE_STATUS_ACTIVE;
  }
  out.set_status(status);
  out.set_issued_at_index(IndexOf(CertificateSubject(record.number()), 0));
  out.set_days_left(static_cast<int32_t>(*until - as_of));
  out.mutable_as_of()->set_iso_date(FormatDate(as_of));
  return out;
}

absl::StatusOr<v1::Product> Service::Impl::BuildProduct(
    const StateReader& state, const state::ProductState& product) const {
  v1::Product out;
  *out.mutable_record() = product.record();
  std::vector<state::CertificateState> certificates;
  absl::Status problem;
  absl::Status scan = state.ScanIndex(
      storage::kIndexProductCertificates, {product.record().gtin()}, "",
      [&](std::string_view, const std::vector<std::string>& rest) {
        auto number = PercentDecode(rest.at(0));
        auto certificate =
            number.ok()
                ? state.Certificate(*number)
                : absl::StatusOr<state::CertificateState>(number.status());
        if (!certificate.ok()) {
          problem = certificate.status();
          return false;
        }
        certificates.push_back(std::move(*certificate));
        return true;
      });
  if (!scan.ok()) return scan;
  if (!problem.ok()) return problem;
  // Newest decision first.
  std::sort(
      certificates.begin(), certificates.end(),
      [](const state::CertificateState& a, const state::CertificateState& b) {
        const std::string& da = a.record().decision_date().iso_date();
        const std::string& db = b.record().decision_date().iso_date();
        if (da != db) return da > db;
        return a.record().number() > b.record().number();
      });
  const absl::CivilDay today = Today();
  uint32_t active_stars = 0;
  for (const state::CertificateState& certificate : certificates) {
    out.add_certificates(certificate.record().number());
    auto built = BuildCertificate(state, certificate, today);
    if (!built.ok()) return built.status();
    if (built->status() == v1::CERTIFICATE_STATUS_ACTIVE) {
      active_stars = std::max(active_stars, certificate.record().stars());
    }
  }
  out.set_active_stars(active_stars);
  return out;
}

v1::Batch Service::Impl::BuildBatch(const state::BatchState& batch) {
  v1::Batch out;
  *out.mutable_record() = batch.record();
  out.set_producer_id(batch.producer_id());
  out.set_entries(batch.entries());
  out.set_last_step(batch.last_step());
  out.set_labels_issued(batch.labels_issued());
  out.set_labels_voided(batch.labels_voided());
  return out;
}

}  // namespace ocoptrace::trace
