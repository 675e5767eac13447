// The signed label payload (DESIGN.md §3-4, normative; docs/formats-gs1.md):
// service-generated unit serials, the bytes a label signature covers, the
// 155-digit encoding of the signature in the label URL, and the label URL
//
//   https://<resolver-host>/01/<GTIN14>/10/<lot>/21/<serial>?s=<155 digits>
//
// A label key signs
//   "ocoptrace/label/v1\n(01)<GTIN14>(10)<lot>(21)<serial>\n"
// with Ed25519. The URL carries no key id: verifiers try each published
// label key.
//
// Thread-safety: all functions are thread-safe (GenerateSerial as far as
// the RandomSource it is given is).

#ifndef OCOPTRACE_CORE_LABEL_PAYLOAD_H_
#define OCOPTRACE_CORE_LABEL_PAYLOAD_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "core/digital_link.h"
#include "core/ed25519.h"
#include "core/random.h"

namespace ocoptrace {

// Crockford base32: digits and upper-case letters without I, L, O, U.
inline constexpr std::string_view kSerialAlphabet =
    "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
inline constexpr size_t kSerialLength = 10;  // 10 x 5 bits = 50 bits

// Number of decimal digits of a label signature in the URL: 2^512 - 1 has
// 155 digits.
inline constexpr size_t kLabelSignatureDigits = 155;

// A new unit serial: 10 characters of kSerialAlphabet encoding 50 random
// bits from `random` (most significant bits first). Uniqueness per GTIN is
// the caller's job (the ledger refuses a serial it has seen).
std::string GenerateSerial(RandomSource& random);

// True when `serial` is exactly 10 characters of kSerialAlphabet (upper
// case), i.e. a serial this service could have generated.
bool IsServiceSerial(std::string_view serial);

// The exact bytes a label signature covers:
// "ocoptrace/label/v1\n(01)<GTIN14>(10)<lot>(21)<serial>\n".
// Inputs are used verbatim (no escaping); callers pass validated values.
std::string LabelSigningInput(std::string_view gtin14, std::string_view lot,
                              std::string_view serial);

// The 64 signature bytes as one big-endian unsigned integer in decimal,
// left-padded with '0' to exactly 155 digits (QR numeric mode). Requires
// signature64.size() == 64.
std::string EncodeLabelSignature(std::string_view signature64);

// Inverse of EncodeLabelSignature; also accepts the 86-character unpadded
// base64url form. Returns the 64 signature bytes. InvalidArgument naming
// "signature (s)" when the text is neither 155 digits nor 86 base64url
// characters, or the number is 2^512 or more.
absl::StatusOr<std::string> DecodeLabelSignature(std::string_view s);

// "https://<host>/01/<GTIN14>/10/<lot>/21/<serial>?s=<155 digits>".
// `resolver_base` is scheme and host, optionally with a path stem, such as
// "https://tx.example.vn" (a trailing '/' is dropped; scheme and host are
// lower-cased). lot and serial are percent-encoded as Digital Link values.
// Callers pass a normalized GTIN-14, a valid lot and serial, and a 64-byte
// signature.
std::string FormatLabelUrl(std::string_view resolver_base,
                           std::string_view gtin14, std::string_view lot,
                           std::string_view serial,
                           std::string_view signature64);

// What a label URL claims.
struct LabelClaim {
  DigitalLink link;       // the parsed URL
  std::string gtin14;     // AI 01
  std::string lot;        // AI 10, decoded
  std::string serial;     // AI 21, decoded
  std::string signature;  // 64 bytes, from the `s` parameter
};

// Parses a label URL. InvalidArgument naming the part when the URL is not a
// valid Digital Link (see ParseDigitalLink), its path is not exactly
// /01/<GTIN14>/10/<lot>/21/<serial> (with any stem), or it has no single
// `s` parameter in a valid encoding (see DecodeLabelSignature).
absl::StatusOr<LabelClaim> ParseLabelUrl(std::string_view url);

// The index into `label_keys` of the first key under which claim.signature
// verifies over LabelSigningInput(gtin14, lot, serial), or -1 when none
// does. Also -1 when claim.serial is not a service serial: every genuine
// label has one, and that keeps the signing input unambiguous.
int VerifyLabelSignature(const LabelClaim& claim,
                         const std::vector<Ed25519PublicKey>& label_keys);

}  // namespace ocoptrace

#endif  // OCOPTRACE_CORE_LABEL_PAYLOAD_H_
