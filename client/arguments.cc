#include "client/arguments.h"

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "core/gs1.h"

namespace ocoptrace::client {
namespace {

absl::string_view AbslView(std::string_view view) {
  return absl::string_view(view.data(), view.size());
}

// A word accepted on the command line and the enum value it stands for.
// The first word listed for a value is the one shown to people.
template <typename Enum>
struct Word {
  const char* word;
  Enum value;
};

template <typename Enum>
absl::StatusOr<Enum> ParseWord(std::string_view what, std::string_view text,
                               const std::vector<Word<Enum>>& words,
                               const std::string& (*enum_name)(Enum)) {
  std::string lower = absl::AsciiStrToLower(AbslView(text));
  for (const Word<Enum>& word : words) {
    if (lower == word.word) return word.value;
    if (std::string(text) == enum_name(word.value)) return word.value;
  }
  std::vector<std::string> names;
  for (const Word<Enum>& word : words) names.push_back(word.word);
  return absl::InvalidArgumentError(
      absl::StrCat(std::string(what), ": '", std::string(text),
                   "' is not one of ", absl::StrJoin(names, ", ")));
}

template <typename Enum>
std::string WordOf(Enum value, const std::vector<Word<Enum>>& words) {
  for (const Word<Enum>& word : words) {
    if (word.value == value) return word.word;
  }
  return "unspecified";
}

const std::vector<Word<v1::LegalForm>>& LegalForms() {
  static const auto* words = new std::vector<Word<v1::LegalForm>>{
      {"cooperative", v1::LEGAL_FORM_COOPERATIVE},
      {"htx", v1::LEGAL_FORM_COOPERATIVE},
      {"company", v1::LEGAL_FORM_COMPANY},
      {"household", v1::LEGAL_FORM_HOUSEHOLD_BUSINESS},
      {"household-business", v1::LEGAL_FORM_HOUSEHOLD_BUSINESS},
      {"cooperative-group", v1::LEGAL_FORM_COOPERATIVE_GROUP},
      {"tht", v1::LEGAL_FORM_COOPERATIVE_GROUP},
  };
  return *words;
}

const std::vector<Word<v1::OcopGroup>>& OcopGroups() {
  static const auto* words = new std::vector<Word<v1::OcopGroup>>{
      {"food", v1::OCOP_GROUP_FOOD},
      {"drinks", v1::OCOP_GROUP_DRINKS},
      {"herbal", v1::OCOP_GROUP_HERBAL},
      {"handicrafts", v1::OCOP_GROUP_HANDICRAFTS},
      {"ornamental", v1::OCOP_GROUP_ORNAMENTAL},
      {"tourism", v1::OCOP_GROUP_TOURISM},
  };
  return *words;
}

const std::vector<Word<v1::KeyRole>>& KeyRoles() {
  static const auto* words = new std::vector<Word<v1::KeyRole>>{
      {"producer", v1::KEY_ROLE_PRODUCER},
      {"certifier", v1::KEY_ROLE_CERTIFIER},
      {"inspector", v1::KEY_ROLE_INSPECTOR},
      {"admin", v1::KEY_ROLE_ADMIN},
      {"authority", v1::KEY_ROLE_AUTHORITY},
      {"label", v1::KEY_ROLE_LABEL},
  };
  return *words;
}

const std::vector<Word<v1::Role>>& Roles() {
  static const auto* words = new std::vector<Word<v1::Role>>{
      {"producer", v1::ROLE_PRODUCER},
      {"certifier", v1::ROLE_CERTIFIER},
      {"inspector", v1::ROLE_INSPECTOR},
      {"admin", v1::ROLE_ADMIN},
  };
  return *words;
}

const std::vector<Word<v1::IssuerLevel>>& IssuerLevels() {
  static const auto* words = new std::vector<Word<v1::IssuerLevel>>{
      {"district", v1::ISSUER_LEVEL_DISTRICT},
      {"provincial", v1::ISSUER_LEVEL_PROVINCIAL},
      {"province", v1::ISSUER_LEVEL_PROVINCIAL},
      {"central", v1::ISSUER_LEVEL_CENTRAL},
      {"ministry", v1::ISSUER_LEVEL_CENTRAL},
  };
  return *words;
}

const std::vector<Word<v1::CertificateStatus>>& Statuses() {
  static const auto* words = new std::vector<Word<v1::CertificateStatus>>{
      {"active", v1::CERTIFICATE_STATUS_ACTIVE},
      {"expired", v1::CERTIFICATE_STATUS_EXPIRED},
      {"revoked", v1::CERTIFICATE_STATUS_REVOKED},
      {"superseded", v1::CERTIFICATE_STATUS_SUPERSEDED},
      {"not-yet-valid", v1::CERTIFICATE_STATUS_NOT_YET_VALID},
  };
  return *words;
}

}  // namespace

absl::StatusOr<std::string> ParseGtinArgument(std::string_view text) {
  return NormalizeGtin(text);
}

absl::StatusOr<v1::BatchRef> ParseBatchArgument(std::string_view text) {
  size_t slash = text.find('/');
  if (slash == std::string_view::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("batch '", std::string(text),
                     "': write it as GTIN/LOT, e.g. 08934563123451/L2024A"));
  }
  absl::StatusOr<std::string> gtin = NormalizeGtin(text.substr(0, slash));
  if (!gtin.ok()) return gtin.status();
  std::string_view lot = text.substr(slash + 1);
  if (absl::Status status = ValidateLot(lot); !status.ok()) return status;
  v1::BatchRef batch;
  batch.set_gtin(*gtin);
  batch.set_lot(std::string(lot));
  return batch;
}

absl::StatusOr<uint32_t> ParseDays(std::string_view text) {
  std::string_view number = text;
  uint32_t unit = 1;
  if (!text.empty()) {
    switch (text.back()) {
      case 'd':
        unit = 1;
        number.remove_suffix(1);
        break;
      case 'w':
        unit = 7;
        number.remove_suffix(1);
        break;
      case 'y':
        unit = 365;
        number.remove_suffix(1);
        break;
      default:
        break;
    }
  }
  uint32_t count = 0;
  bool digits_only =
      !number.empty() && number.size() <= 6 &&
      number.find_first_not_of("0123456789") == std::string_view::npos;
  if (!digits_only || !absl::SimpleAtoi(AbslView(number), &count) ||
      static_cast<uint64_t>(count) * unit > 36500) {
    return absl::InvalidArgumentError(absl::StrCat(
        "duration '", std::string(text),
        "': write a number of days like 90d (also 12w, 1y; at most 100y)"));
  }
  return count * unit;
}

absl::StatusOr<Timestamp> ParseEventTime(std::string_view text,
                                         absl::Time now) {
  if (text.empty()) return TimestampAt(now, kVietnamOffsetMinutes);
  absl::StatusOr<Timestamp> exact = ParseRfc3339(text);
  if (exact.ok()) return exact;
  // A local time without offset: Vietnam's.
  std::string local(text);
  if (local.size() > 10 && local[10] == ' ') local[10] = 'T';
  if (local.size() == 16) local += ":00";
  if (local.size() == 19) {
    absl::StatusOr<Timestamp> in_vietnam = ParseRfc3339(local + "+07:00");
    if (in_vietnam.ok()) return in_vietnam;
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "--time '", std::string(text), "': ", exact.status().message(),
      " (e.g. 2024-03-22T08:00:00+07:00, or 2024-03-22T08:00 "
      "for Vietnam time)"));
}

absl::StatusOr<v1::Date> ParseDateArgument(std::string_view field,
                                           std::string_view text) {
  absl::StatusOr<absl::CivilDay> day = ParseDate(text);
  if (!day.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(std::string(field), " '", std::string(text),
                     "': ", day.status().message()));
  }
  v1::Date date;
  date.set_iso_date(FormatDate(*day));
  return date;
}

v1::Date TodayInVietnam(absl::Time now) {
  absl::CivilDay day =
      absl::ToCivilDay(now, absl::FixedTimeZone(kVietnamOffsetMinutes * 60));
  v1::Date date;
  date.set_iso_date(FormatDate(day));
  return date;
}

absl::StatusOr<v1::KeyDataElement> ParseKeyValue(std::string_view text) {
  size_t equals = text.find('=');
  if (equals == std::string_view::npos || equals == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("--kde '", std::string(text),
                     "': write name=value, e.g. --kde moisture=12%"));
  }
  v1::KeyDataElement element;
  element.set_name(std::string(text.substr(0, equals)));
  element.set_value(std::string(text.substr(equals + 1)));
  return element;
}

absl::StatusOr<v1::OriginReference> ParseOrigin(std::string_view text) {
  static const char* const kKinds[] = {"growing_area", "vietgap", "organic",
                                       "globalgap", "other"};
  size_t colon = text.find(':');
  if (colon != std::string_view::npos && colon + 1 < text.size()) {
    std::string kind = absl::AsciiStrToLower(AbslView(text.substr(0, colon)));
    if (kind == "growing-area") kind = "growing_area";
    for (const char* known : kKinds) {
      if (kind == known) {
        v1::OriginReference origin;
        origin.set_kind(kind);
        origin.set_code(std::string(text.substr(colon + 1)));
        return origin;
      }
    }
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "--origin '", std::string(text),
      "': write KIND:CODE with KIND one of growing_area, vietgap, organic, "
      "globalgap, other (e.g. vietgap:VG-BK-0123)"));
}

v1::AppliedStandard ParseStandard(std::string_view text) {
  static const char* const kKinds[] = {"TCVN", "QCVN", "TCCS", "ISO", "CODEX"};
  std::string declaration;
  if (const size_t semicolon = text.find(';');
      semicolon != std::string_view::npos) {
    declaration = std::string(absl::StripAsciiWhitespace(
        absl::string_view(text.data() + semicolon + 1,
                          text.size() - semicolon - 1)));
    text = text.substr(0, semicolon);
    while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  }
  std::string first(text.substr(0, text.find(' ')));
  first = absl::AsciiStrToUpper(first);
  v1::AppliedStandard standard;
  standard.set_kind("OTHER");
  for (const char* kind : kKinds) {
    if (first == kind) standard.set_kind(kind);
  }
  standard.set_code(std::string(text));
  standard.set_declaration_number(declaration);
  return standard;
}

absl::StatusOr<v1::LegalForm> ParseLegalForm(std::string_view text) {
  return ParseWord<v1::LegalForm>("--form", text, LegalForms(),
                                  &v1::LegalForm_Name<v1::LegalForm>);
}
absl::StatusOr<v1::OcopGroup> ParseOcopGroup(std::string_view text) {
  return ParseWord<v1::OcopGroup>("--group", text, OcopGroups(),
                                  &v1::OcopGroup_Name<v1::OcopGroup>);
}
absl::StatusOr<v1::KeyRole> ParseKeyRole(std::string_view text) {
  return ParseWord<v1::KeyRole>("--role", text, KeyRoles(),
                                &v1::KeyRole_Name<v1::KeyRole>);
}
absl::StatusOr<v1::Role> ParseRole(std::string_view text) {
  return ParseWord<v1::Role>("--role", text, Roles(), &v1::Role_Name<v1::Role>);
}
absl::StatusOr<v1::IssuerLevel> ParseIssuerLevel(std::string_view text) {
  return ParseWord<v1::IssuerLevel>("--level", text, IssuerLevels(),
                                    &v1::IssuerLevel_Name<v1::IssuerLevel>);
}

absl::StatusOr<std::vector<v1::CertificateStatus>> ParseStatuses(
    std::string_view text) {
  std::vector<v1::CertificateStatus> statuses;
  for (absl::string_view part :
       absl::StrSplit(AbslView(text), ',', absl::SkipWhitespace())) {
    std::string word(absl::StripAsciiWhitespace(part));
    absl::StatusOr<v1::CertificateStatus> status =
        ParseWord<v1::CertificateStatus>(
            "--status", word, Statuses(),
            &v1::CertificateStatus_Name<v1::CertificateStatus>);
    if (!status.ok()) return status.status();
    statuses.push_back(*status);
  }
  return statuses;
}

std::string LegalFormWord(v1::LegalForm form) {
  return WordOf(form, LegalForms());
}
std::string OcopGroupWord(v1::OcopGroup group) {
  return WordOf(group, OcopGroups());
}
std::string KeyRoleWord(v1::KeyRole role) { return WordOf(role, KeyRoles()); }
std::string RoleWord(v1::Role role) { return WordOf(role, Roles()); }
std::string IssuerLevelWord(v1::IssuerLevel level) {
  return WordOf(level, IssuerLevels());
}
std::string StatusWord(v1::CertificateStatus status) {
  return WordOf(status, Statuses());
}

v1::KeyRole KeyRoleForRole(v1::Role role) {
  switch (role) {
    case v1::ROLE_PRODUCER:
      return v1::KEY_ROLE_PRODUCER;
    case v1::ROLE_CERTIFIER:
      return v1::KEY_ROLE_CERTIFIER;
    case v1::ROLE_INSPECTOR:
      return v1::KEY_ROLE_INSPECTOR;
    case v1::ROLE_ADMIN:
      return v1::KEY_ROLE_ADMIN;
    default:
      return v1::KEY_ROLE_UNSPECIFIED;
  }
}

}  // namespace ocoptrace::client
