// SVG rendering of one label: vector, in millimetres, for designers and for
// printing from any program.
//
// The document is `width_mm` x `height_mm` (width="70mm" ... with a viewBox
// in mm). The QR symbol is one <path> in module units (transform = module
// size), drawn with shape-rendering="crispEdges"; text is real <text> in
// "DejaVu Sans" (fallbacks: Noto Sans, sans-serif), XML-escaped, sized and
// placed by the same composition as the PNG and PDF outputs.
//
// Thread-safety: thread-safe.

#ifndef OCOPTRACE_LABELGEN_SVG_H_
#define OCOPTRACE_LABELGEN_SVG_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "labelgen/compose.h"
#include "labelgen/label.h"
#include "labelgen/layout.h"
#include "labelgen/qr.h"

namespace ocoptrace::labelgen {

// Returns the SVG document of `label` in a box of `geometry`.
// Errors: as EncodeQr (the URL) and ComposeLabel (fit, font coverage).
absl::StatusOr<std::string> RenderLabelSvg(const LabelData& label,
                                           const LabelGeometry& geometry,
                                           EcLevel ec = EcLevel::kM);

// The SVG document of an already composed label.
std::string ComposedLabelToSvg(const ComposedLabel& label);

// `text` with &, <, >, " and ' replaced by XML entities.
std::string XmlEscape(std::string_view text);

}  // namespace ocoptrace::labelgen

#endif  // OCOPTRACE_LABELGEN_SVG_H_
