// Base64 (RFC 4648) in the two alphabets ocoptrace uses: the standard one
// with padding (signed notes, checkpoints, log entries, vkeys) and the
// URL-safe one without padding (label URLs).
//
// Decoding is strict so that every byte string has exactly one accepted
// text form: no whitespace, no characters outside the alphabet, padding
// exactly as the encoder writes it, and unused trailing bits zero. This
// matters because signed notes are hashed as bytes: a lenient decoder would
// let anyone rewrite a signature line without invalidating it.
//
// Thread-safety: all functions are pure and thread-safe.

#ifndef OCOPTRACE_CORE_BASE64_H_
#define OCOPTRACE_CORE_BASE64_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace ocoptrace {

// Standard alphabet (A-Z a-z 0-9 + /), padded with '=' to a multiple of 4.
std::string Base64Encode(std::string_view bytes);

// Inverse of Base64Encode. InvalidArgument when `text` is not exactly what
// Base64Encode produces for some byte string: length not a multiple of 4,
// a character outside the alphabet (including whitespace and '-', '_'),
// '=' anywhere but the last one or two positions, or non-zero unused bits.
absl::StatusOr<std::string> Base64Decode(std::string_view text);

// URL-safe alphabet (A-Z a-z 0-9 - _), no padding.
std::string Base64UrlEncode(std::string_view bytes);

// Inverse of Base64UrlEncode. InvalidArgument for '=' (padding is not
// used), characters outside the URL-safe alphabet (including '+' and '/'),
// a length that leaves a single dangling character (length % 4 == 1), or
// non-zero unused bits.
absl::StatusOr<std::string> Base64UrlDecode(std::string_view text);

}  // namespace ocoptrace

#endif  // OCOPTRACE_CORE_BASE64_H_
