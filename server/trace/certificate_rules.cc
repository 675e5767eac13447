// Rules for OCOP certificates (Decision 148/QĐ-TTg and its predecessors):
// star bands, issuer levels, validity, renewal and revocation.
#include <cmath>
#include <set>

#include "absl/strings/str_cat.h"
#include "core/timestamp.h"
#include "server/trace/rules.h"
#include "server/trace/subjects.h"

namespace ocoptrace::trace {
namespace {

// Districts were abolished by the 2025 reform (domain.md §3).
constexpr absl::CivilDay kDistrictsAbolished(2025, 7, 1);
// Subjects are at most 256 bytes; "certificate/" takes 12.
constexpr size_t kMaxEncodedNumber = 256 - 12;

absl::Status Invalid(std::string_view field, std::string_view message) {
  return absl::InvalidArgumentError(
      absl::StrCat(std::string(field), ": ", std::string(message)));
}

std::string_view LevelName(v1::IssuerLevel level) {
  switch (level) {
    case v1::ISSUER_LEVEL_DISTRICT:
      return "district";
    case v1::ISSUER_LEVEL_PROVINCIAL:
      return "provincial";
    case v1::ISSUER_LEVEL_CENTRAL:
      return "central (ministry)";
    default:
      return "unspecified";
  }
}

std::string Stars(uint32_t stars) { return absl::StrCat(stars, "★"); }

// The score band of each star level: [low, high) except 5★'s closed top.
absl::Status CheckScoreBand(uint32_t stars, double score) {
  if (!std::isfinite(score) || score < 0 || score > 100) {
    return Invalid("score", absl::StrCat(score, " must be between 0 and 100"));
  }
  const double hundredths = score * 100;
  if (std::fabs(hundredths - std::round(hundredths)) > 1e-6) {
    return Invalid("score", absl::StrCat(score, " has more than two decimals"));
  }
  double low = 0;
  double high = 0;
  const char* band = "";
  switch (stars) {
    case 3:
      low = 50, high = 70, band = "50 to 69.99";
      break;
    case 4:
      low = 70, high = 90, band = "70 to 89.99";
      break;
    default:
      low = 90, high = 100.001, band = "90 to 100";
      break;
  }
  if (score < low || score >= high) {
    return Invalid(
        "score",
        absl::StrCat(score, " is outside the ", Stars(stars), " band (", band,
                     " points, Decision 148/QĐ-TTg); check the "
                     "stars or the score"));
  }
  return absl::OkStatus();
}

absl::Status CheckIssuerLevel(const v1::CertificateRecord& record,
                              absl::CivilDay decision_date) {
  const v1::IssuerLevel level = record.issuer_level();
  if (level == v1::ISSUER_LEVEL_UNSPECIFIED ||
      !v1::IssuerLevel_IsValid(level)) {
    return Invalid("issuer_level",
                   "is required: district, provincial or central");
  }
  const uint32_t stars = record.stars();
  bool allowed = false;
  const char* needs = "";
  switch (stars) {
    case 3:
      allowed = level == v1::ISSUER_LEVEL_DISTRICT ||
                level == v1::ISSUER_LEVEL_PROVINCIAL;
      needs = "3★ needs a district or provincial issuer";
      break;
    case 4:
      allowed = level == v1::ISSUER_LEVEL_PROVINCIAL ||
                level == v1::ISSUER_LEVEL_CENTRAL;
      needs = "4★ needs a provincial or central issuer";
      break;
    case 5:
      allowed = level == v1::ISSUER_LEVEL_CENTRAL;
      needs = "5★ needs a central (ministry) issuer";
      break;
  }
  if (!allowed) {
    return Invalid("issuer_level", absl::StrCat(needs, ", not ",
                                                std::string(LevelName(level))));
  }
  if (level != v1::ISSUER_LEVEL_DISTRICT) return absl::OkStatus();
  if (record.criteria_version() == v1::CRITERIA_VERSION_1048_2019) {
    return Invalid("issuer_level",
                   "under Decision 1048 (2019) the province recognised 3★ "
                   "products, not the district");
  }
  if (record.criteria_version() == v1::CRITERIA_VERSION_148_AMENDED_2025 ||
      decision_date >= kDistrictsAbolished) {
    return Invalid("issuer_level",
                   "districts were abolished on 2025-07-01; since then the "
                   "province recognises 3★ products");
  }
  return absl::OkStatus();
}

}  // namespace

absl::CivilDay DefaultValidUntil(absl::CivilDay decision_date) {
  // The 36-month anniversary, normalised by CivilDay (29 Feb -> 1 Mar in a
  // common year), minus one day.
  const absl::CivilDay anniversary(decision_date.year() + 3,
                                   decision_date.month(), decision_date.day());
  return anniversary - 1;
}

absl::StatusOr<Validity> EffectiveValidity(
    const v1::CertificateRecord& record) {
  auto decision = ParseDateField(record.decision_date(), "decision_date");
  if (!decision.ok()) return decision.status();
  Validity validity{*decision, DefaultValidUntil(*decision)};
  if (!record.valid_from().iso_date().empty()) {
    auto from = ParseDateField(record.valid_from(), "valid_from");
    if (!from.ok()) return from.status();
    validity.from = *from;
  }
  if (!record.valid_until().iso_date().empty()) {
    auto until = ParseDateField(record.valid_until(), "valid_until");
    if (!until.ok()) return until.status();
    validity.until = *until;
  }
  if (validity.until < validity.from) {
    return Invalid("valid_until", absl::StrCat(FormatDate(validity.until),
                                               " is before valid_from ",
                                               FormatDate(validity.from)));
  }
  return validity;
}

absl::Status ValidateCertificateRecord(const v1::CertificateRecord& record) {
  if (record.number().empty()) {
    return Invalid("number", "is required: the certificate number as printed");
  }
  if (PercentEncode(record.number()).size() > kMaxEncodedNumber) {
    return Invalid("number",
                   "is too long for a subject; use at most 80 "
                   "characters");
  }
  if (record.decision_number().empty()) {
    return Invalid("decision_number", "is required, e.g. \"2890/QĐ-BNN-VPĐP\"");
  }
  if (record.issuer().empty()) {
    return Invalid("issuer", "is required: the body that signed the decision");
  }
  if (record.stars() < 3 || record.stars() > 5) {
    return Invalid("stars", absl::StrCat(record.stars(),
                                         " is not 3, 4 or 5; only 3-5★ "
                                         "products receive a certificate"));
  }
  if (auto status = CheckScoreBand(record.stars(), record.score());
      !status.ok()) {
    return status;
  }
  auto validity = EffectiveValidity(record);
  if (!validity.ok()) return validity.status();
  auto decision = ParseDateField(record.decision_date(), "decision_date");
  if (!decision.ok()) return decision.status();
  if (auto status = CheckIssuerLevel(record, *decision); !status.ok()) {
    return status;
  }
  if (auto status = ValidateProducerId(record.producer_id(), "producer_id");
      !status.ok()) {
    return status;
  }
  if (record.products_size() == 0) {
    return Invalid("products", "name at least one covered product (GTIN)");
  }
  std::set<std::string> seen;
  for (int i = 0; i < record.products_size(); ++i) {
    const std::string field = absl::StrCat("products[", i, "]");
    auto gtin = NormalizeGtinField(record.products(i), field);
    if (!gtin.ok()) return gtin.status();
    if (!seen.insert(*gtin).second) {
      return Invalid(field, absl::StrCat(*gtin, " is listed twice"));
    }
  }
  if (!record.supersedes().empty() && record.supersedes() == record.number()) {
    return Invalid("supersedes", "a certificate cannot renew itself");
  }
  return absl::OkStatus();
}

absl::Status CheckCertificateIssue(const v1::CertificateRecord& record,
                                   const StateReader& state) {
  auto existing = state.Certificate(record.number());
  if (existing.ok()) {
    return absl::AlreadyExistsError(absl::StrCat(
        "certificate '", record.number(),
        "' is already in the log; certificate numbers are unique"));
  }
  if (!absl::IsNotFound(existing.status())) return existing.status();
  auto producer = state.Producer(record.producer_id());
  if (!producer.ok()) return producer.status();
  for (int i = 0; i < record.products_size(); ++i) {
    auto gtin = NormalizeGtinField(record.products(i), "products");
    if (!gtin.ok()) return gtin.status();
    auto product = state.Product(*gtin);
    if (!product.ok()) return product.status();
    if (product->record().producer_id() != record.producer_id()) {
      return Invalid(absl::StrCat("products[", i, "]"),
                     absl::StrCat("product ", *gtin, " belongs to '",
                                  product->record().producer_id(),
                                  "', not to '", record.producer_id(), "'"));
    }
  }
  if (record.supersedes().empty()) return absl::OkStatus();

  // A renewal.
  auto old = state.Certificate(record.supersedes());
  if (!old.ok()) {
    if (absl::IsNotFound(old.status())) {
      return absl::NotFoundError(absl::StrCat(
          "supersedes: certificate '", record.supersedes(),
          "' is not in the log; check the number of the certificate to "
          "renew"));
    }
    return old.status();
  }
  if (old->record().producer_id() != record.producer_id()) {
    return Invalid("supersedes",
                   absl::StrCat("certificate '", record.supersedes(),
                                "' belongs to '", old->record().producer_id(),
                                "', not to '", record.producer_id(), "'"));
  }
  if (old->revoked()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "supersedes: certificate '", record.supersedes(),
        "' was revoked (decision ", old->revocation().decision_number(),
        "); a revoked certificate cannot be renewed: issue a new "
        "certificate after re-evaluation"));
  }
  auto successor = state.CertificateSuccessor(record.supersedes());
  if (!successor.ok()) return successor.status();
  if (successor->has_value()) {
    return absl::FailedPreconditionError(
        absl::StrCat("supersedes: certificate '", record.supersedes(),
                     "' was already renewed by '", **successor, "'"));
  }
  auto decision = ParseDateField(record.decision_date(), "decision_date");
  if (!decision.ok()) return decision.status();
  auto old_until = ParseDate(old->record().valid_until().iso_date());
  if (!old_until.ok()) {
    return absl::DataLossError("stored certificate has no valid_until");
  }
  if (*decision > *old_until) {
    return absl::FailedPreconditionError(
        absl::StrCat("supersedes: certificate '", record.supersedes(),
                     "' expired on ", FormatDate(*old_until),
                     "; a renewal must be decided before expiry — issue a new "
                     "certificate after re-evaluation"));
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::CertificateRecord> ApplyCertificateDefaults(
    v1::CertificateRecord record) {
  auto validity = EffectiveValidity(record);
  if (!validity.ok()) return validity.status();
  record.mutable_valid_from()->set_iso_date(FormatDate(validity->from));
  record.mutable_valid_until()->set_iso_date(FormatDate(validity->until));
  for (int i = 0; i < record.products_size(); ++i) {
    auto gtin = NormalizeGtinField(record.products(i), "products");
    if (!gtin.ok()) return gtin.status();
    record.set_products(i, *gtin);
  }
  return record;
}

absl::Status ValidateCertificateRevocation(
    const v1::CertificateRevocation& revocation) {
  if (revocation.decision_number().empty()) {
    return Invalid("decision_number", "is required: the revocation decision");
  }
  if (auto day = ParseDateField(revocation.decision_date(), "decision_date");
      !day.ok()) {
    return day.status();
  }
  if (revocation.reason().empty()) {
    return Invalid("reason",
                   "is required, e.g. \"Không tái đánh giá trong 36 tháng\"");
  }
  if (!revocation.effective_from().iso_date().empty()) {
    if (auto day =
            ParseDateField(revocation.effective_from(), "effective_from");
        !day.ok()) {
      return day.status();
    }
  }
  return absl::OkStatus();
}

absl::Status CheckCertificateRevocation(
    const state::CertificateState& current,
    const v1::CertificateRevocation& revocation) {
  if (current.revoked()) {
    return absl::FailedPreconditionError(
        absl::StrCat("certificate '", current.record().number(),
                     "' was already revoked by decision ",
                     current.revocation().decision_number()));
  }
  return absl::OkStatus();
}

v1::CertificateRevocation ApplyRevocationDefaults(
    v1::CertificateRevocation revocation) {
  if (revocation.effective_from().iso_date().empty()) {
    *revocation.mutable_effective_from() = revocation.decision_date();
  }
  return revocation;
}

}  // namespace ocoptrace::trace
