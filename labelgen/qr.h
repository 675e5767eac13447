// QR code matrices for label URLs, encoded with libqrencode.
//
// A QrMatrix is the square grid of modules of one QR symbol, without quiet
// zone. EncodeQr uses libqrencode's mixed-mode optimiser
// (QRcode_encodeString(text, 0, level, QR_MODE_8, 1)), so the 155 digits of a
// label signature go into numeric mode and a full label URL with a
// 20-character resolver host stays at version 7 for level M (DESIGN.md §4).
//
// Thread-safety: EncodeQr is thread-safe (Debian's libqrencode 4.1 is built
// with pthread and guards its shared tables with a mutex). A QrMatrix is a
// plain value.

#ifndef OCOPTRACE_LABELGEN_QR_H_
#define OCOPTRACE_LABELGEN_QR_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace ocoptrace::labelgen {

// QR error-correction level: L ~7 %, M ~15 %, Q ~25 %, H ~30 % recovery.
enum class EcLevel { kL, kM, kQ, kH };

// "L", "M", "Q" or "H".
const char* EcLevelName(EcLevel level);

// Parses "L", "M", "Q" or "H" (case-insensitive). InvalidArgument otherwise.
absl::StatusOr<EcLevel> ParseEcLevel(std::string_view text);

struct QrMatrix {
  int version = 0;  // 1..40
  int width = 0;    // modules per side: 17 + 4 * version
  // width * width entries, row-major, 1 = dark module, 0 = light.
  std::vector<uint8_t> dark;

  // True when the module at column x, row y (0-based, inside the symbol) is
  // dark. Coordinates outside the symbol are light (the quiet zone).
  bool At(int x, int y) const {
    if (x < 0 || y < 0 || x >= width || y >= width) return false;
    return dark[static_cast<size_t>(y) * width + x] != 0;
  }
};

// Encodes `text` (bytes, typically an ASCII URL) as the smallest QR symbol
// that holds it at `level`.
// InvalidArgument: text is empty or contains a NUL byte, or it is too long
// for any QR version at this level (the message gives the length).
// Internal: libqrencode failed otherwise (e.g. out of memory).
absl::StatusOr<QrMatrix> EncodeQr(std::string_view text,
                                  EcLevel level = EcLevel::kM);

}  // namespace ocoptrace::labelgen

#endif  // OCOPTRACE_LABELGEN_QR_H_
