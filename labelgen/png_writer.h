// PNG encoding for labels, written directly with libpng into memory.
//
// RenderQrPng is the fast path for "one PNG per label": a 1-bit grayscale
// image of the bare QR symbol with its quiet zone, each module an exact
// square of pixels, no anti-aliasing. EncodeGrayPng wraps an 8-bit grayscale
// raster (the full label drawn by cairo) as a PNG.
//
// Thread-safety: all functions are thread-safe; they share no state.

#ifndef OCOPTRACE_LABELGEN_PNG_WRITER_H_
#define OCOPTRACE_LABELGEN_PNG_WRITER_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "labelgen/qr.h"

namespace ocoptrace::labelgen {

// Returns the PNG bytes of `qr` drawn at `pixels_per_module` pixels per
// module with `quiet_zone_modules` light modules on every side (black on
// white, 1 bit per pixel). `pixels_per_dot_meter` > 0 records the physical
// resolution (pHYs) so that printing at 100 % gives the intended module size.
// InvalidArgument: pixels_per_module outside 1..100, quiet zone outside
// 4..100 (ISO/IEC 18004 requires at least 4), or an empty matrix.
// Internal: libpng failed.
absl::StatusOr<std::string> RenderQrPng(const QrMatrix& qr,
                                        int pixels_per_module,
                                        int quiet_zone_modules = 4,
                                        uint32_t pixels_per_dot_meter = 0);

// Returns an 8-bit grayscale PNG of `height` rows of `width` pixels starting
// at `pixels`, rows `stride` bytes apart (0 = black, 255 = white).
// InvalidArgument: a dimension is zero or negative. Internal: libpng failed.
absl::StatusOr<std::string> EncodeGrayPng(const uint8_t* pixels, int width,
                                          int height, int stride,
                                          uint32_t pixels_per_dot_meter = 0);

}  // namespace ocoptrace::labelgen

#endif  // OCOPTRACE_LABELGEN_PNG_WRITER_H_
