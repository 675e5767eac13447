// Label composition: where each element of one label goes, in millimetres
// from the label's top-left corner. One composition feeds every output
// (cairo PNG/PDF, SVG, ZPL), so all of them show the same label.
//
// The QR symbol with its quiet zone fills the left of the label, vertically
// centred; the text column on its right holds, from the top: product name
// (bold, up to two lines), producer, "OCOP" with the stars (only when
// stars > 0), "Lô: <lot>", "Số sê-ri: <serial>", "HSD: <expiry>", the scan
// prompt, and the boxed scratch-PIN area when a PIN is present. Text shrinks
// together until it fits; a word too long for the column is shrunk alone,
// then cut with "…" as a last resort.
//
// Thread-safety: pure functions over values; thread-safe.

#ifndef OCOPTRACE_LABELGEN_COMPOSE_H_
#define OCOPTRACE_LABELGEN_COMPOSE_H_

#include <array>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "labelgen/fonts.h"
#include "labelgen/label.h"
#include "labelgen/layout.h"
#include "labelgen/qr.h"

namespace ocoptrace::labelgen {

struct TextRun {
  std::string text;  // UTF-8, covered by the font
  double x_mm = 0;
  double baseline_mm = 0;
  double size_mm = 0;  // em size
  FontWeight weight = FontWeight::kRegular;
};

struct StarMark {
  double center_x_mm = 0;
  double center_y_mm = 0;
  double outer_radius_mm = 0;
};

struct BoxMark {
  double x_mm = 0;
  double y_mm = 0;
  double width_mm = 0;
  double height_mm = 0;
  double line_width_mm = 0;
};

// A horizontal run of dark modules in row `y`, columns x .. x+length-1.
struct QrRun {
  int x = 0;
  int y = 0;
  int length = 0;
};

struct ComposedLabel {
  double width_mm = 0;
  double height_mm = 0;
  QrMatrix qr;
  double module_mm = 0;
  int quiet_zone_modules = kQuietZoneModules;
  // Top-left of the symbol's first module (inside the quiet zone).
  double qr_left_mm = 0;
  double qr_top_mm = 0;
  std::vector<TextRun> texts;
  std::vector<StarMark> stars;
  std::optional<BoxMark> pin_box;
};

// Lays out `label` in a box of `geometry` with the already encoded `qr`.
// InvalidArgument: the QR does not fit (see ValidateQrFits), or a text field
// holds a character the font cannot draw or invalid UTF-8 (the message names
// the field and the character). NotFound: no font (see LabelFonts::Get).
absl::StatusOr<ComposedLabel> ComposeLabel(const LabelData& label, QrMatrix qr,
                                           const LabelGeometry& geometry);

// The dark modules of `qr` merged into horizontal runs, row by row.
std::vector<QrRun> DarkRuns(const QrMatrix& qr);

// The ten outline points (x, y in mm) of a five-pointed star, point up.
std::array<std::pair<double, double>, 10> StarOutline(const StarMark& star);

// "2026-06-30" -> "30/06/2026" (Vietnamese order); other text unchanged.
std::string FormatExpiry(const std::string& expiry);

}  // namespace ocoptrace::labelgen

#endif  // OCOPTRACE_LABELGEN_COMPOSE_H_
