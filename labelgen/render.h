// Cairo renderers: a full label as a PNG image, and print sheets as PDF.
//
// Both draw the composition of compose.h: the QR symbol as a 1-bit stencil
// mask with one pixel per module, scaled to the module size without
// interpolation (in PDF an /ImageMask with /Interpolate false: exact module
// edges at any printer resolution, ~300 bytes per label instead of ~8 KB
// of rectangle paths), text with the packaged font (Vietnamese diacritics
// included), OCOP stars as the font's U+2605 glyph (vector paths if the
// font lacks it), the boxed PIN area. The PDF page size
// is exactly the layout's page size in points (1 mm = 72 / 25.4 pt), and
// the file is written atomically.
//
// Thread-safety: all functions are thread-safe; each call uses its own cairo
// surface.

#ifndef OCOPTRACE_LABELGEN_RENDER_H_
#define OCOPTRACE_LABELGEN_RENDER_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "labelgen/compose.h"
#include "labelgen/label.h"
#include "labelgen/layout.h"
#include "labelgen/qr.h"

typedef struct _cairo cairo_t;

namespace ocoptrace::labelgen {

// Called after each finished page with the number of labels drawn so far
// and the total.
using ProgressCallback = std::function<void(int labels_done, int total)>;

// Draws `label` into `cr`, whose user space must be millimetres with the
// label's top-left corner at the origin.
void DrawComposedLabel(cairo_t* cr, const ComposedLabel& label);

// Returns an 8-bit grayscale PNG of one full label (QR and text) of
// `geometry`, at `pixels_per_module` pixels per QR module, so every module
// is a whole number of pixels; the PNG records the matching resolution.
// Errors: as EncodeQr (the URL) and ComposeLabel (fit, font coverage);
// InvalidArgument for pixels_per_module outside 1..40.
absl::StatusOr<std::string> RenderLabelPng(const LabelData& label,
                                           const LabelGeometry& geometry,
                                           EcLevel ec,
                                           int pixels_per_module = 8);

// Writes `labels` onto as many pages of `layout` as needed, in order
// (row-major per page), as a PDF at `out_path`. The file appears only when
// everything succeeded. Errors: InvalidArgument for an empty list, an
// invalid layout, or a label that cannot be drawn (the message starts with
// the 1-based label number and serial); file errors as AtomicFile.
absl::Status RenderSheetPdf(const std::vector<LabelData>& labels,
                            const SheetLayout& layout,
                            const std::string& out_path,
                            const ProgressCallback& progress = nullptr);

}  // namespace ocoptrace::labelgen

#endif  // OCOPTRACE_LABELGEN_RENDER_H_
