// The label fonts: a regular and a bold sans-serif face with Vietnamese
// coverage (DejaVu Sans from fonts-dejavu-core by default), loaded once per
// process through FreeType and exposed as cairo font faces.
//
// Lookup order for each face: the environment variables
// OCOPTRACE_LABEL_FONT / OCOPTRACE_LABEL_FONT_BOLD (a .ttf/.otf path), then
// DejaVu Sans and Noto Sans at their Debian paths, then fontconfig's best
// match for "DejaVu Sans". Text widths are measured unhinted, so they scale
// linearly with the size and are the same for PNG, PDF and SVG output.
//
// Thread-safety: everything here is thread-safe. The faces live for the
// whole process and must not be destroyed by callers.

#ifndef OCOPTRACE_LABELGEN_FONTS_H_
#define OCOPTRACE_LABELGEN_FONTS_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

typedef struct _cairo_font_face cairo_font_face_t;
typedef struct _cairo_font_options cairo_font_options_t;

namespace ocoptrace::labelgen {

enum class FontWeight { kRegular, kBold };

class LabelFonts {
 public:
  // The process-wide fonts, loaded on first use.
  // NotFound: no usable font file (the message says which package to
  // install or which variable to set).
  static absl::StatusOr<const LabelFonts*> Get();

  // Not owned by the caller; valid for the life of the process.
  cairo_font_face_t* Face(FontWeight weight) const;
  const std::string& Path(FontWeight weight) const;

  // Font options that every renderer must use so that measured widths hold:
  // no hinting of outlines or metrics. Owned by LabelFonts.
  const cairo_font_options_t* Options() const { return options_; }

  // Advance width of the UTF-8 `text` set at `size` (any unit; the result is
  // in the same unit). `text` must be valid UTF-8 (see CheckCoverage).
  double TextWidth(std::string_view text, double size, FontWeight weight) const;

  // OK when `text` is valid UTF-8 and the font has a glyph for every code
  // point. InvalidArgument otherwise, naming `field`, the character, its
  // code point and its 1-based position, e.g.
  //   product_name: character '𝔸' (U+1D538) at position 4 is not in
  //   DejaVuSans.ttf; write the name with Vietnamese letters only
  absl::Status CheckCoverage(std::string_view text, std::string_view field,
                             FontWeight weight) const;

  struct Internals;  // FreeType handles; defined in fonts.cc.

 private:
  LabelFonts() = default;
  Internals* internals_ = nullptr;
  cairo_font_options_t* options_ = nullptr;
};

}  // namespace ocoptrace::labelgen

#endif  // OCOPTRACE_LABELGEN_FONTS_H_
