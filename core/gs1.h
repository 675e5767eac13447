// GS1 identifiers: check digits, GTIN and GLN validation, the GS1 character
// sets (CSET 82 for lots and serials, CSET 39, base64url), and the content
// checks ("linters") that the GS1 Barcode Syntax Dictionary names for the
// components of Application Identifier values. docs/formats-gs1.md is the
// normative description.
//
// Every function is a pure function of its arguments. Error messages name
// the field and say what to change.
//
// Thread-safety: all functions are thread-safe.

#ifndef OCOPTRACE_CORE_GS1_H_
#define OCOPTRACE_CORE_GS1_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace ocoptrace {

// The GS1 mod-10 check digit (0-9) for `digits_without_check_digit`: weights
// 3, 1, 3, 1... from the rightmost digit, check = (10 - sum mod 10) mod 10.
// Gs1CheckDigit("0893500000001") is 4. Returns -1 if the input is empty or has
// a character that is not 0-9.
int Gs1CheckDigit(std::string_view digits_without_check_digit);

// True when `digits` has at least two characters, all 0-9, and its last
// digit is the check digit of the others.
bool HasValidGs1CheckDigit(std::string_view digits);

// Validates a GTIN-8, -12, -13 or -14 and returns it as 14 digits (left-
// padded with 0): "8934563123451" -> "08934563123451". InvalidArgument
// naming "GTIN" when a character is not a digit, the length is not 8, 12,
// 13 or 14, or the check digit is wrong ("check digit should be 1, not 2").
absl::StatusOr<std::string> NormalizeGtin(std::string_view gtin);

// OK when `gln` is 13 digits with a correct check digit; InvalidArgument
// naming "GLN" otherwise.
absl::Status ValidateGln(std::string_view gln);

// GS1 CSET 82: A-Z a-z 0-9 and ! " % & ' ( ) * + , - . / : ; < = > ? _
bool IsCset82(char c);
// GS1 CSET 39: A-Z 0-9 # - /
bool IsCset39(char c);
// The base64url alphabet (GS1 "CSET 64"): A-Z a-z 0-9 - _
bool IsBase64UrlChar(char c);

// OK when `value` has 1..max_length characters, all in CSET 82. Otherwise
// InvalidArgument whose message starts with `field_name`, e.g. for
// field_name "lot (AI 10)" and value "LÔ3":
//   lot (AI 10): 'Ô' at position 2 is a Vietnamese/non-ASCII letter;
//   identifiers allow only A-Z a-z 0-9 and ! " % & ' ( ) * + , - . / : ; <
//   = > ? _ (GS1 CSET 82); put Vietnamese text in names, not codes
// Positions count characters (UTF-8 code points) from 1. Other messages:
// "must not be empty", "... characters, at most N", and for an ASCII
// character outside CSET 82 (space, #, $, @...) "character ' ' (space) at
// position 4 is not allowed; ...".
absl::Status ValidateCset82(std::string_view field_name, std::string_view value,
                            size_t max_length);

// ValidateCset82("lot (AI 10)", lot, 20).
absl::Status ValidateLot(std::string_view lot);
// ValidateCset82("serial (AI 21)", serial, 20).
absl::Status ValidateSerial(std::string_view serial);

// Runs the Syntax Dictionary linter named `linter` (e.g. "csum", "yymmd0",
// "iso3166") on one component of an AI value. OK when the component passes;
// InvalidArgument with a message that says what is wrong with the component
// (without a field prefix: the caller adds "AI (17) ..."). Linters listed by
// IsUncheckedGs1Linter() always pass. Unimplemented for a name that
// IsKnownGs1Linter() does not know.
absl::Status RunGs1Linter(std::string_view linter, std::string_view component);

// True for every linter name RunGs1Linter() accepts.
bool IsKnownGs1Linter(std::string_view linter);

// True for the known linters that RunGs1Linter() accepts without checking
// (packagetype, couponcode, couponposoffer: code lists and coupon structures
// that ocoptrace does not use). docs/formats-gs1.md lists them.
bool IsUncheckedGs1Linter(std::string_view linter);

}  // namespace ocoptrace

#endif  // OCOPTRACE_CORE_GS1_H_
