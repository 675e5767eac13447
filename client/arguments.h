// Parsers for tracectl's argument values: batch references ("GTIN/LOT"),
// durations ("90d"), event times, key=value pairs and the enum words the
// API uses (legal forms, OCOP groups, roles, issuer levels, statuses).
//
// Every parser validates locally with the same rules and messages as the
// server (core/gs1, core/timestamp), so a typo is caught before anything is
// signed or sent. Errors are InvalidArgument and name the flag or field.
//
// Thread-safety: pure functions.

#ifndef OCOPTRACE_CLIENT_ARGUMENTS_H_
#define OCOPTRACE_CLIENT_ARGUMENTS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "core/timestamp.h"
#include "ocoptrace/v1/admin.pb.h"
#include "ocoptrace/v1/certificates.pb.h"
#include "ocoptrace/v1/registry.pb.h"
#include "ocoptrace/v1/trace.pb.h"

namespace ocoptrace::client {

namespace v1 = ::ocoptrace::v1;

// Vietnam's UTC offset, used when a time is given without one: +07:00.
inline constexpr int32_t kVietnamOffsetMinutes = 7 * 60;

// "8934563123451/L2024A" -> {gtin "08934563123451", lot "L2024A"}. The GTIN
// (8, 12, 13 or 14 digits) is check-digit verified and padded to 14; the
// lot is everything after the first '/' (lots may contain '/') and must be
// GS1 CSET 82, 1-20 characters. InvalidArgument with core/gs1's message
// ("GTIN: ...", "lot (AI 10): ...") otherwise.
absl::StatusOr<v1::BatchRef> ParseBatchArgument(std::string_view text);

// A GTIN argument, normalised to 14 digits (core NormalizeGtin's errors).
absl::StatusOr<std::string> ParseGtinArgument(std::string_view text);

// A number of days: "90d", "90", "12w" (weeks) or "1y" (365 days).
// InvalidArgument for anything else or more than 36500 days.
absl::StatusOr<uint32_t> ParseDays(std::string_view text);

// An event time: RFC 3339 ("2024-03-22T08:00:00+07:00" or "...Z"), or a
// local time without offset ("2024-03-22T08:00:00", "2024-03-22 08:00",
// "2024-03-22T08:00"), taken at +07:00. Empty text means `now` at +07:00.
absl::StatusOr<Timestamp> ParseEventTime(std::string_view text, absl::Time now);

// A calendar date "YYYY-MM-DD", checked (core ParseDate), as the API's Date.
// `field` names the flag in the error, e.g. "--decision-date".
absl::StatusOr<v1::Date> ParseDateArgument(std::string_view field,
                                           std::string_view text);

// Today's date in Vietnam (UTC+7) at `now`.
v1::Date TodayInVietnam(absl::Time now);

// "name=value" (the value may contain '='). InvalidArgument when there is
// no '=' or the name is empty.
absl::StatusOr<v1::KeyDataElement> ParseKeyValue(std::string_view text);

// "vietgap:VG-123" -> OriginReference{kind "vietgap", code "VG-123"}.
// Kinds: growing_area, vietgap, organic, globalgap, other.
absl::StatusOr<v1::OriginReference> ParseOrigin(std::string_view text);

// "TCCS 01:2021/HTXTH" -> AppliedStandard{kind "TCCS", code "TCCS
// 01:2021/HTXTH"}: the kind is the first word when it is one of TCVN,
// QCVN, TCCS, ISO, CODEX, else "OTHER". Text after a ';' is the
// self-declaration number: "TCCS 01:2021/HTXTH;01/2021/HTXTH".
v1::AppliedStandard ParseStandard(std::string_view text);

// Enum words. Each accepts the lower-case words listed and the proto
// enum's own name; InvalidArgument listing the words otherwise.
// cooperative|htx, company, household|household-business,
// cooperative-group|tht
absl::StatusOr<v1::LegalForm> ParseLegalForm(std::string_view text);
// food, drinks, herbal, handicrafts, ornamental, tourism
absl::StatusOr<v1::OcopGroup> ParseOcopGroup(std::string_view text);
// producer, certifier, inspector, admin
absl::StatusOr<v1::KeyRole> ParseKeyRole(std::string_view text);
absl::StatusOr<v1::Role> ParseRole(std::string_view text);
// district, provincial, central
absl::StatusOr<v1::IssuerLevel> ParseIssuerLevel(std::string_view text);
// "expired,revoked": active, expired, revoked, superseded, not-yet-valid
absl::StatusOr<std::vector<v1::CertificateStatus>> ParseStatuses(
    std::string_view text);

// Short lower-case words for display ("cooperative", "food", "4★"...).
std::string LegalFormWord(v1::LegalForm form);
std::string OcopGroupWord(v1::OcopGroup group);
std::string KeyRoleWord(v1::KeyRole role);
std::string RoleWord(v1::Role role);
std::string IssuerLevelWord(v1::IssuerLevel level);
std::string StatusWord(v1::CertificateStatus status);

// The key role that signs for a principal role (producer -> producer...).
v1::KeyRole KeyRoleForRole(v1::Role role);

}  // namespace ocoptrace::client

#endif  // OCOPTRACE_CLIENT_ARGUMENTS_H_
