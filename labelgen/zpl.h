// ZPL II output for Zebra-compatible thermal label printers.
//
// One ^XA ... ^XZ format per label, UTF-8 text (^CI28), the label size in
// dots (^PW, ^LL), the QR as ^BQN,2,<magnification> with "<level>A,<url>"
// data (error-correction level from the layout, automatic input mode), the
// text fields at the positions of the shared composition with ^FH hex
// escapes for ^, ~ and _, the OCOP stars as small ^GFA bitmaps, and the PIN
// box as ^GB. Magnification is the module size in whole dots; the effective
// module size is magnification / dots-per-mm, where 152, 203, 300 and 600
// dpi printheads have exactly 6, 8, 12 and 24 dots per mm.
//
// Thread-safety: thread-safe.

#ifndef OCOPTRACE_LABELGEN_ZPL_H_
#define OCOPTRACE_LABELGEN_ZPL_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "labelgen/label.h"
#include "labelgen/layout.h"
#include "labelgen/qr.h"

namespace ocoptrace::labelgen {

struct ZplOptions {
  int dpi = 203;  // printer resolution: 152, 203, 300 or 600
  // Printer font for text. "0" is the built-in scalable font (^A0), which on
  // many printers lacks Vietnamese letters; give a stored TrueType font such
  // as "E:DEJAVU.TTF" (downloaded once with the printer utility) to print
  // diacritics (^A@).
  std::string font = "0";
};

// Returns the ZPL for `labels`, one format per label.
// InvalidArgument: empty list, unsupported dpi, module size below one dot
// or above 10 dots, a QR that does not fit the label, or text the font
// check refuses (messages start with the 1-based label number and serial).
absl::StatusOr<std::string> RenderZpl(const std::vector<LabelData>& labels,
                                      const LabelGeometry& geometry, EcLevel ec,
                                      const ZplOptions& options = {});

// `text` with ^, ~, _ and control bytes written as ^FH escapes (_5E ...).
std::string ZplEscape(std::string_view text);

}  // namespace ocoptrace::labelgen

#endif  // OCOPTRACE_LABELGEN_ZPL_H_
