// Minimal UTF-8 helpers for label text: validation, decoding to code points
// and encoding one code point.
//
// Thread-safety: pure functions; thread-safe.

#ifndef OCOPTRACE_LABELGEN_UTF8_H_
#define OCOPTRACE_LABELGEN_UTF8_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace ocoptrace::labelgen {

// Decodes `text` into `code_points` (appended). Returns false on the first
// malformed, overlong or surrogate sequence and stores its byte offset in
// `bad_offset` (may be null).
bool DecodeUtf8(std::string_view text, std::vector<char32_t>* code_points,
                size_t* bad_offset);

// True when `text` is well-formed UTF-8.
bool IsValidUtf8(std::string_view text);

// The UTF-8 bytes of `cp` (which must be a Unicode scalar value).
std::string EncodeUtf8(char32_t cp);

}  // namespace ocoptrace::labelgen

#endif  // OCOPTRACE_LABELGEN_UTF8_H_
