// Issuance files: the labels of one issuing run saved as JSON lines, so that
// labelgen can render (and re-render) them without the server.
//
// Line 1 is the header object, every further non-blank line one label:
//   {"format":"ocoptrace/issuance/v1","gtin":"08934563123451","lot":"L2024A",
//    "product_name":"Miến dong Tài Hoan","producer_name":"HTX Tài Hoan",
//    "stars":5,"certificate":"...","valid_until":"2027-01-01",
//    "expiry":"2026-06-30","resolver":"https://...","label_key":"<vkey>",
//    "issued_at":"2026-11-29T10:00:00+07:00","pins":true}
//   {"serial":"7KQ3M9XW2P","url":"https://.../21/7KQ3M9XW2P?s=...","pin":"12345678"}
// docs/labels.md is the reference. Unknown fields are ignored, so later
// versions may add fields without breaking older readers.
//
// Thread-safety: plain values and pure functions; thread-safe.

#ifndef OCOPTRACE_LABELGEN_ISSUANCE_H_
#define OCOPTRACE_LABELGEN_ISSUANCE_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "labelgen/label.h"

namespace ocoptrace::labelgen {

inline constexpr char kIssuanceFormat[] = "ocoptrace/issuance/v1";

struct IssuanceHeader {
  std::string gtin;           // GTIN-14, check digit verified
  std::string lot;            // AI 10, 1-20 characters of GS1 CSET 82
  std::string product_name;   // UTF-8, required
  std::string producer_name;  // UTF-8, optional
  int stars = 0;              // 0 (no certificate) or 3..5
  std::string certificate;    // certificate number, optional
  std::string valid_until;    // "YYYY-MM-DD", optional
  std::string expiry;         // "YYYY-MM-DD", optional
  std::string resolver;       // resolver base URL, optional
  std::string label_key;      // signed-note vkey of the label key, optional
  std::string issued_at;      // RFC 3339, optional
  bool pins = false;          // every label carries a scratch PIN
};

struct IssuedLabel {
  std::string serial;  // AI 21, 1-20 characters of CSET 82
  std::string url;     // the label URL, printable ASCII
  std::string pin;     // 8-10 digits when header.pins, else empty
};

struct Issuance {
  IssuanceHeader header;
  std::vector<IssuedLabel> labels;
};

// Parses the contents of an issuance file. `source` names the file in error
// messages. InvalidArgument, with "<source> line <n>: " and the field, when
// a line is not a JSON object, the format is not kIssuanceFormat, a required
// field is missing or malformed (GTIN check digit, lot and serial in CSET
// 82), a URL is not a signed label URL (core/label_payload.h ParseLabelUrl)
// for the header's GTIN and lot and the line's serial,
// a PIN is missing or unexpected, a serial repeats, or there are no labels.
absl::StatusOr<Issuance> ParseIssuance(std::string_view contents,
                                       std::string_view source = "issuance");

// Reads and parses the file at `path`. NotFound when it cannot be opened;
// otherwise as ParseIssuance.
absl::StatusOr<Issuance> ReadIssuanceFile(const std::string& path);

// The JSON-lines text of `issuance` (header first), readable by
// ParseIssuance. Empty optional fields are left out.
std::string FormatIssuance(const Issuance& issuance);

// One LabelData per issued label. Stars are printed only when the header
// has stars and the certificate is still valid on the issue date
// (valid_until >= the date of issued_at, when both are given).
std::vector<LabelData> ToLabelData(const Issuance& issuance);

}  // namespace ocoptrace::labelgen

#endif  // OCOPTRACE_LABELGEN_ISSUANCE_H_
