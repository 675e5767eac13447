// Subjects: the names of the chains that OCOP entries are appended to
// (DESIGN.md §4, docs/kinds.md). One subject per thing that has a history:
//
//   producer/<id>                   a producer (chủ thể) and its keys
//   product/<GTIN14>                a product
//   certificate/<number>            an OCOP certificate (number encoded)
//   batch/<GTIN14>/<lot>            a batch (lô) and its events (lot encoded)
//   principal/<name>                an official's signing keys
//   service/authority               the service's registration key
//   service/labels                  the service's label keys
//
// Certificate numbers and lots are percent-encoded: every byte outside
// [A-Za-z0-9._~-] becomes %XX (upper-case hex) of its UTF-8 bytes, so
// "2890/QĐ-BNN" is "2890%2FQ%C4%90-BNN". Subjects are therefore printable
// ASCII without spaces, as entries require, and each thing has exactly one
// subject: ParseSubject refuses any other spelling.
//
// Thread-safety: pure functions, thread-safe.

#ifndef OCOPTRACE_SERVER_TRACE_SUBJECTS_H_
#define OCOPTRACE_SERVER_TRACE_SUBJECTS_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace ocoptrace::trace {

inline constexpr std::string_view kAuthoritySubject = "service/authority";
inline constexpr std::string_view kLabelsSubject = "service/labels";

// Percent-encodes every byte outside [A-Za-z0-9._~-] as %XX (upper case).
std::string PercentEncode(std::string_view text);
// The inverse. InvalidArgument for a '%' not followed by two hex digits, a
// byte that PercentEncode would have encoded, or lower-case hex (the
// canonical form only, so that one value has one subject).
absl::StatusOr<std::string> PercentDecode(std::string_view encoded);

// Builders. Arguments are the plain values (ids, 14-digit GTINs, raw lots
// and numbers); they are not validated here (rules.h does that).
std::string ProducerSubject(std::string_view producer_id);
std::string ProductSubject(std::string_view gtin14);
std::string CertificateSubject(std::string_view number);
std::string BatchSubject(std::string_view gtin14, std::string_view lot);
std::string PrincipalSubject(std::string_view principal_name);

enum class SubjectType {
  kProducer,
  kProduct,
  kCertificate,
  kBatch,
  kPrincipal,
  kServiceAuthority,
  kServiceLabels,
};

// "producer", "product", ..., "service/authority": for error messages.
std::string_view SubjectTypeName(SubjectType type);

struct ParsedSubject {
  SubjectType type = SubjectType::kProducer;
  // producer id, GTIN, certificate number (decoded), batch GTIN, principal
  // name; empty for the service subjects.
  std::string id;
  // The batch's lot (decoded); empty otherwise.
  std::string lot;
};

// Splits a subject into its type and values. InvalidArgument ("subject
// 'x': ...") for an unknown type, a missing or empty part, or a value that
// is not in canonical form (see PercentDecode). Does not validate ids,
// GTIN check digits or lots beyond their encoding.
absl::StatusOr<ParsedSubject> ParseSubject(std::string_view subject);

}  // namespace ocoptrace::trace

#endif  // OCOPTRACE_SERVER_TRACE_SUBJECTS_H_
