// SheetLayout: where labels go on a printed page, and how big the QR is.
//
// A layout is a grid of `rows` x `columns` equal labels on a page, with a
// top and left margin and gaps between labels, all in millimetres, plus the
// printed size of one QR module and the QR error-correction level. Named
// presets cover common A4 label stock and roll printers; custom layouts are
// written as a spec string (see ParseLayout). Validation explains what to
// change when a layout cannot work.
//
// Thread-safety: plain values and pure functions; all thread-safe.

#ifndef OCOPTRACE_LABELGEN_LAYOUT_H_
#define OCOPTRACE_LABELGEN_LAYOUT_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "labelgen/qr.h"

namespace ocoptrace::labelgen {

// The smallest module that phone cameras read reliably at arm's length.
inline constexpr double kMinModuleMm = 0.25;
// Light modules around the symbol (ISO/IEC 18004 minimum).
inline constexpr int kQuietZoneModules = 4;
// The narrowest text column beside the QR that still holds the label text.
inline constexpr double kMinTextColumnMm = 15.0;

struct SheetLayout {
  std::string name;  // preset name or "custom"
  double page_width_mm = 210;
  double page_height_mm = 297;
  int rows = 8;
  int columns = 3;
  double label_width_mm = 70;
  double label_height_mm = 37;
  double margin_top_mm = 0.5;
  double margin_left_mm = 0;
  double gap_x_mm = 0;
  double gap_y_mm = 0;
  double module_mm = 0.5;
  EcLevel ec = EcLevel::kM;

  int LabelsPerPage() const { return rows * columns; }
  // Top-left corner of the label in `slot` (0-based, row-major on a page).
  double LabelLeftMm(int slot) const;
  double LabelTopMm(int slot) const;
};

// One label's drawing box: the part of SheetLayout that a single-label
// renderer (PNG, SVG, ZPL) needs.
struct LabelGeometry {
  double width_mm = 70;
  double height_mm = 37;
  double module_mm = 0.5;
  int quiet_zone_modules = kQuietZoneModules;
};

LabelGeometry GeometryOf(const SheetLayout& layout);

// The names of the presets, in a stable order, for help texts.
std::vector<std::string> LayoutPresetNames();

// One line per preset: name, grid, label size, module size.
std::string DescribeLayoutPresets();

// Parses a layout. `spec` is either a preset name ("a4-3x8"), or a list of
// key=value pairs separated by commas, optionally starting with a preset
// name whose values the pairs override:
//   rows=8,cols=3,w=70,h=37,margin=5,gap=2,module=0.5
//   a4-3x8,module=0.4,ec=Q
// Keys: page (a4, a5, letter, or <w>x<h> in mm), rows, cols, w, h, margin
// (top and left), margin_top, margin_left, gap (both), gap_x, gap_y, module,
// ec (L/M/Q/H). When a custom spec gives no margin, the grid is centred.
// InvalidArgument: unknown preset or key, a malformed number, or a layout
// that fails ValidateLayout (the message says which value to change).
absl::StatusOr<SheetLayout> ParseLayout(std::string_view spec);

// Checks that the numbers make sense and the grid fits on the page.
// InvalidArgument naming the value to change otherwise.
absl::Status ValidateLayout(const SheetLayout& layout);

// Checks that a QR symbol `qr_width_modules` wide, plus its quiet zone, fits
// in a label of `geometry` at its module size while leaving a text column of
// at least kMinTextColumnMm. InvalidArgument otherwise, giving the largest
// module size that would fit.
absl::Status ValidateQrFits(const LabelGeometry& geometry,
                            int qr_width_modules);

}  // namespace ocoptrace::labelgen

#endif  // OCOPTRACE_LABELGEN_LAYOUT_H_
