// Canonical forms of single values in the CBV 2.0 event hash pre-hash
// string: timestamps (UTC, millisecond precision, 'Z'), numbers (no leading
// '+', no superfluous zeros), CBV vocabulary (bare words and old URNs become
// the web vocabulary URIs) and GS1 keys (see gs1_uri.h).
//
// Thread-safety: pure functions, safe to call from any thread.

#ifndef OCOPTRACE_EPCIS_CANONICAL_VALUE_H_
#define OCOPTRACE_EPCIS_CANONICAL_VALUE_H_

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace ocoptrace::epcis {

// The vocabulary whose bare words (JSON-LD terms of the EPCIS context) a
// field may hold: `"bizStep": "shipping"` means
// `https://ref.gs1.org/cbv/BizStep-shipping`.
enum class Vocabulary {
  kNone,
  kBizStep,             // cbv:BizStep-*
  kDisposition,         // cbv:Disp-*
  kBizTransactionType,  // cbv:BTT-*
  kSourceDestType,      // cbv:SDT-*
  kErrorReason,         // cbv:ER-*
  kSensorComponent,     // cbv:Comp-*
  kMeasurementType,     // gs1:* (Temperature, AbsoluteHumidity, ...)
  kSensorAlertType,     // gs1:ALARM_CONDITION, gs1:ERROR_CONDITION
};

// The full URI of `term` in `vocabulary`, or nullopt when `term` is not one
// of its bare words (then the value is used as written).
std::optional<std::string> ExpandVocabularyTerm(Vocabulary vocabulary,
                                                std::string_view term);

// Replaces the EPCIS 1.x URN prefixes of CBV vocabularies by the CBV 2.0 web
// vocabulary (`urn:epcglobal:cbv:bizstep:shipping` →
// `https://ref.gs1.org/cbv/BizStep-shipping`; likewise disp, btt, sdt, er).
// Other values are returned unchanged.
std::string CbvUrnToWebUri(std::string_view value);

// If `text` is a decimal number (optional sign, digits with an optional
// fraction and exponent, as a programming language reads a float), returns
// its canonical form: integral values as plain integers ("452.0" → "452",
// "+7" → "7", "1e3" → "1000"), others as the shortest decimal that reads
// back to the same IEEE double ("12.10" → "12.1", "0.000015" → "1.5e-05").
// Returns nullopt for anything else, including "inf" and "nan".
std::optional<std::string> CanonicalNumber(std::string_view text);

// A JSON number as text, in the shortest form that reads back to the same
// double ("12.1", "452.0", "1e-05"), before CanonicalNumber() applies.
std::string JsonDoubleToText(double value);

// Converts an RFC 3339 / ISO 8601 date-time with a UTC offset
// (`2020-03-04T11:00:30+01:00`, `...30.1415Z`) to UTC with exactly three
// fractional digits, rounding half up: `2020-03-04T10:00:30.000Z`.
// InvalidArgument naming `field` when the text is not such a date-time
// (including a missing offset, which would make the instant ambiguous).
absl::StatusOr<std::string> CanonicalTimestamp(std::string_view text,
                                               std::string_view field);

// `text` without leading and trailing ASCII whitespace.
std::string_view TrimWhitespace(std::string_view text);

}  // namespace ocoptrace::epcis

#endif  // OCOPTRACE_EPCIS_CANONICAL_VALUE_H_
