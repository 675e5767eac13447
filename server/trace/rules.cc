// Rules shared by every body, and the registry's bodies (producers, keys,
// products, principals).
#include "server/trace/rules.h"

#include "absl/strings/str_cat.h"
#include "core/gs1.h"
#include "core/signed_note.h"
#include "core/timestamp.h"

namespace ocoptrace::trace {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || IsDigit(c); }

bool AllDigits(std::string_view text) {
  for (char c : text) {
    if (!IsDigit(c)) return false;
  }
  return !text.empty();
}

absl::Status Invalid(std::string_view field, std::string_view message) {
  return absl::InvalidArgumentError(
      absl::StrCat(std::string(field), ": ", std::string(message)));
}

absl::Status Required(std::string_view field, std::string_view hint = "") {
  return absl::InvalidArgumentError(
      absl::StrCat(std::string(field), " is required", hint.empty() ? "" : "; ",
                   std::string(hint)));
}

// Ids of the form [a-z0-9] plus the `extra` punctuation, 3-64 characters.
absl::Status ValidateIdentifier(std::string_view id, std::string_view field,
                                std::string_view extra,
                                std::string_view example) {
  if (id.empty()) {
    return Required(field, absl::StrCat("e.g. \"", std::string(example), "\""));
  }
  if (id.size() < 3 || id.size() > 64) {
    return Invalid(field, absl::StrCat("'", std::string(id), "' has ",
                                       id.size(), " characters; use 3 to 64"));
  }
  for (size_t i = 0; i < id.size(); ++i) {
    const char c = id[i];
    if (!IsLowerAlnum(c) && extra.find(c) == std::string_view::npos) {
      return Invalid(field, absl::StrCat("character '", std::string(1, c),
                                         "' at position ", i + 1,
                                         " is not allowed; use a-z, 0-9 and '",
                                         std::string(extra), "' (e.g. \"",
                                         std::string(example), "\")"));
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateAddress(const v1::Address& address,
                             std::string_view field) {
  if (address.text_as_recorded().empty()) {
    return Required(absl::StrCat(std::string(field), ".text_as_recorded"),
                    "write the address exactly as printed on the papers");
  }
  if (!address.recorded_on().iso_date().empty()) {
    auto day = ParseDateField(address.recorded_on(),
                              absl::StrCat(std::string(field), ".recorded_on"));
    if (!day.ok()) return day.status();
  }
  return absl::OkStatus();
}

bool IsLowerHex(std::string_view text) {
  for (char c : text) {
    if (!IsDigit(c) && !(c >= 'a' && c <= 'f')) return false;
  }
  return true;
}

}  // namespace

absl::Status ValidateProducerId(std::string_view id, std::string_view field) {
  if (auto status = ValidateIdentifier(id, field, "-", "htx-tai-hoan");
      !status.ok()) {
    return status;
  }
  if (id.front() == '-' || id.back() == '-') {
    return Invalid(field, absl::StrCat("'", std::string(id),
                                       "' must not start or end with '-'"));
  }
  return absl::OkStatus();
}

absl::Status ValidatePrincipalName(std::string_view name,
                                   std::string_view field) {
  return ValidateIdentifier(name, field, "._-", "ocop.bac-kan");
}

absl::Status ValidateTaxCode(std::string_view tax_code) {
  const bool plain = tax_code.size() == 10 && AllDigits(tax_code);
  const bool branch = tax_code.size() == 14 && tax_code[10] == '-' &&
                      AllDigits(tax_code.substr(0, 10)) &&
                      AllDigits(tax_code.substr(11));
  if (plain || branch) return absl::OkStatus();
  return Invalid("tax_code",
                 absl::StrCat("'", std::string(tax_code),
                              "' must be 10 digits, or 10 digits, '-' and 3 "
                              "digits for a branch (e.g. 4700123456 or "
                              "4700123456-001)"));
}

absl::StatusOr<std::string> NormalizeGtinField(std::string_view gtin,
                                               std::string_view field) {
  if (gtin.empty()) return Required(field, "give the product's GTIN-13 or -14");
  auto normalized = NormalizeGtin(gtin);
  if (!normalized.ok()) {
    return Invalid(field, std::string(normalized.status().message()));
  }
  return normalized;
}

absl::StatusOr<absl::CivilDay> ParseDateField(const v1::Date& date,
                                              std::string_view field) {
  if (date.iso_date().empty()) {
    return Required(field, "write it as YYYY-MM-DD");
  }
  auto day = ParseDate(date.iso_date());
  if (!day.ok()) return Invalid(field, std::string(day.status().message()));
  return day;
}

absl::Status ValidateUnitCode(std::string_view unit, std::string_view field) {
  if (unit.empty()) {
    return Required(field,
                    "use a UN/CEFACT Rec 20 code such as KGM, GRM, LTR, H87");
  }
  bool shaped = unit.size() >= 2 && unit.size() <= 3;
  for (char c : unit) {
    if (!((c >= 'A' && c <= 'Z') || IsDigit(c))) shaped = false;
  }
  if (!shaped) {
    return Invalid(field,
                   absl::StrCat("'", std::string(unit),
                                "' is not a UN/CEFACT Rec 20 unit code; use "
                                "2-3 upper-case letters or digits such as "
                                "KGM (kg), GRM (g), LTR (litre), H87 (piece)"));
  }
  return absl::OkStatus();
}

absl::Status ValidateProducerRecord(const v1::ProducerRecord& record) {
  if (auto status = ValidateProducerId(record.id(), "id"); !status.ok()) {
    return status;
  }
  if (record.name().empty()) {
    return Required("name", "the registered name, e.g. \"HTX Tài Hoan\"");
  }
  if (record.legal_form() == v1::LEGAL_FORM_UNSPECIFIED ||
      !v1::LegalForm_IsValid(record.legal_form())) {
    return Required("legal_form",
                    "cooperative, company, household business or "
                    "cooperative group");
  }
  const bool tax_code_optional =
      record.legal_form() == v1::LEGAL_FORM_HOUSEHOLD_BUSINESS ||
      record.legal_form() == v1::LEGAL_FORM_COOPERATIVE_GROUP;
  if (record.tax_code().empty()) {
    if (!tax_code_optional) {
      return Required("tax_code",
                      "cooperatives and companies have a mã số thuế");
    }
  } else if (auto status = ValidateTaxCode(record.tax_code()); !status.ok()) {
    return status;
  }
  if (auto status = ValidateAddress(record.address(), "address");
      !status.ok()) {
    return status;
  }
  if (!record.gln().empty()) {
    if (auto status = ValidateGln(record.gln()); !status.ok()) {
      return Invalid("gln", std::string(status.message()));
    }
  }
  if (!record.gs1_company_prefix().empty() &&
      (!AllDigits(record.gs1_company_prefix()) ||
       record.gs1_company_prefix().size() < 4 ||
       record.gs1_company_prefix().size() > 12)) {
    return Invalid("gs1_company_prefix", "must be 4 to 12 digits");
  }
  if (!record.owner_commitment().empty() &&
      (record.owner_commitment().size() != 64 ||
       !IsLowerHex(record.owner_commitment()))) {
    return Invalid("owner_commitment",
                   "must be a SHA-256 in 64 lower-case hex digits; never put "
                   "personal details in the log");
  }
  return absl::OkStatus();
}

absl::Status ValidateKeyRecord(const v1::KeyRecord& record) {
  if (record.vkey().empty()) {
    return Required("key.vkey", "the verifier key \"<name>+<id>+<base64>\"");
  }
  auto vkey = ParseVkey(record.vkey());
  if (!vkey.ok())
    return Invalid("key.vkey", std::string(vkey.status().message()));
  switch (record.role()) {
    case v1::KEY_ROLE_PRODUCER:
      if (auto status =
              ValidateProducerId(record.producer_id(), "key.producer_id");
          !status.ok()) {
        return status;
      }
      break;
    case v1::KEY_ROLE_CERTIFIER:
    case v1::KEY_ROLE_INSPECTOR:
    case v1::KEY_ROLE_ADMIN:
      if (auto status = ValidatePrincipalName(record.holder(), "key.holder");
          !status.ok()) {
        return status;
      }
      if (!record.producer_id().empty()) {
        return Invalid("key.producer_id",
                       "only producer keys name a producer; leave it empty");
      }
      break;
    case v1::KEY_ROLE_AUTHORITY:
    case v1::KEY_ROLE_LABEL:
      break;
    default:
      return Required("key.role", "producer, certifier, inspector or admin");
  }
  return absl::OkStatus();
}

absl::Status ValidateKeyRevocation(const v1::KeyRevocation& revocation) {
  if (revocation.key_name().empty()) return Required("key_name");
  if (revocation.reason().empty()) {
    return Required("reason", "say why in plain words, e.g. \"phone lost\"");
  }
  return absl::OkStatus();
}

absl::Status ValidateProductRecord(const v1::ProductRecord& record) {
  if (auto gtin = NormalizeGtinField(record.gtin(), "gtin"); !gtin.ok()) {
    return gtin.status();
  }
  if (record.name().empty()) {
    return Required("name", "the product name in Vietnamese");
  }
  if (auto status = ValidateProducerId(record.producer_id(), "producer_id");
      !status.ok()) {
    return status;
  }
  if (record.group() == v1::OCOP_GROUP_UNSPECIFIED ||
      !v1::OcopGroup_IsValid(record.group())) {
    return Required("group",
                    "one of the six OCOP groups (food, drinks, herbal, "
                    "handicrafts, ornamental, tourism)");
  }
  for (int i = 0; i < record.standards_size(); ++i) {
    const v1::AppliedStandard& standard = record.standards(i);
    const std::string field = absl::StrCat("standards[", i, "]");
    if (standard.kind().empty()) {
      return Required(field + ".kind", "TCVN, QCVN, TCCS, ISO, CODEX...");
    }
    if (standard.code().empty()) {
      return Required(field + ".code", "e.g. \"TCVN 7879:2008\"");
    }
  }
  const std::string& image = record.image();
  if (!image.empty()) {
    const bool url = image.rfind("https://", 0) == 0;
    const bool digest = image.rfind("sha256:", 0) == 0 && image.size() == 71 &&
                        IsLowerHex(std::string_view(image).substr(7));
    if (!url && !digest) {
      return Invalid("image",
                     "must be an https:// URL or \"sha256:\" and 64 "
                     "lower-case hex digits");
    }
  }
  return absl::OkStatus();
}

absl::Status CheckProduct(const v1::ProductRecord& record, bool is_update,
                          const StateReader& state) {
  auto producer = state.Producer(record.producer_id());
  if (!producer.ok()) return producer.status();
  auto gtin = NormalizeGtinField(record.gtin(), "gtin");
  if (!gtin.ok()) return gtin.status();
  auto existing = state.Product(*gtin);
  if (!is_update) {
    if (existing.ok()) {
      return absl::AlreadyExistsError(absl::StrCat(
          "product ", *gtin, " is already registered (producer '",
          existing->record().producer_id(), "'); use UpdateProduct"));
    }
    if (!absl::IsNotFound(existing.status())) return existing.status();
    return absl::OkStatus();
  }
  if (!existing.ok()) return existing.status();
  if (existing->record().producer_id() != record.producer_id()) {
    return Invalid(
        "producer_id",
        absl::StrCat("a product cannot change owner: ", *gtin, " belongs to '",
                     existing->record().producer_id(), "'"));
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::ProductRecord> NormalizeProductRecord(
    v1::ProductRecord record) {
  auto gtin = NormalizeGtinField(record.gtin(), "gtin");
  if (!gtin.ok()) return gtin.status();
  record.set_gtin(*gtin);
  return record;
}

absl::Status ValidatePrincipal(const v1::Principal& principal,
                               const StateReader& state) {
  if (auto status = ValidatePrincipalName(principal.name(), "principal.name");
      !status.ok()) {
    return status;
  }
  switch (principal.role()) {
    case v1::ROLE_ADMIN:
    case v1::ROLE_CERTIFIER:
    case v1::ROLE_INSPECTOR:
      if (!principal.producer_id().empty()) {
        return Invalid("principal.producer_id",
                       "only producer principals name a producer");
      }
      return absl::OkStatus();
    case v1::ROLE_PRODUCER: {
      if (auto status = ValidateProducerId(principal.producer_id(),
                                           "principal.producer_id");
          !status.ok()) {
        return status;
      }
      auto producer = state.Producer(principal.producer_id());
      return producer.ok() ? absl::OkStatus() : producer.status();
    }
    default:
      return Required("principal.role",
                      "admin, certifier, producer or inspector");
  }
}

}  // namespace ocoptrace::trace
