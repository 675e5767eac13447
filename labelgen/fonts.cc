#include "labelgen/fonts.h"

#include <cairo-ft.h>
#include <cairo.h>
#include <fontconfig/fontconfig.h>
#include <ft2build.h>
#include FT_FREETYPE_H

#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "labelgen/utf8.h"

namespace ocoptrace::labelgen {

// The size at which widths are measured; measured advances are divided by it.
constexpr double kMeasureSize = 1000.0;

struct LabelFonts::Internals {
  struct Face {
    std::string path;
    FT_Face ft = nullptr;
    cairo_font_face_t* cairo = nullptr;
    cairo_scaled_font_t* measure = nullptr;
  };
  FT_Library library = nullptr;
  Face faces[2];
};

namespace {

bool FileReadable(const std::string& path) {
  FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) return false;
  std::fclose(file);
  return true;
}

std::string FontconfigMatch(const char* name) {
  if (!FcInit()) return "";
  FcPattern* pattern = FcNameParse(reinterpret_cast<const FcChar8*>(name));
  if (pattern == nullptr) return "";
  FcConfigSubstitute(nullptr, pattern, FcMatchPattern);
  FcDefaultSubstitute(pattern);
  FcResult result = FcResultNoMatch;
  FcPattern* match = FcFontMatch(nullptr, pattern, &result);
  std::string path;
  if (match != nullptr) {
    FcChar8* file = nullptr;
    if (FcPatternGetString(match, FC_FILE, 0, &file) == FcResultMatch) {
      path = reinterpret_cast<const char*>(file);
    }
    FcPatternDestroy(match);
  }
  FcPatternDestroy(pattern);
  return path;
}

std::vector<std::string> Candidates(FontWeight weight) {
  std::vector<std::string> paths;
  const char* env =
      std::getenv(weight == FontWeight::kBold ? "OCOPTRACE_LABEL_FONT_BOLD"
                                              : "OCOPTRACE_LABEL_FONT");
  if (env != nullptr && *env != '\0') paths.emplace_back(env);
  if (weight == FontWeight::kBold) {
    paths.emplace_back("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf");
    paths.emplace_back("/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf");
    paths.push_back(FontconfigMatch("DejaVu Sans:bold"));
  } else {
    paths.emplace_back("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf");
    paths.emplace_back("/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf");
    paths.push_back(FontconfigMatch("DejaVu Sans"));
  }
  return paths;
}

absl::Status LoadFace(FT_Library library, FontWeight weight,
                      const cairo_font_options_t* options,
                      LabelFonts::Internals::Face* face) {
  for (const std::string& path : Candidates(weight)) {
    if (path.empty() || !FileReadable(path)) continue;
    if (FT_New_Face(library, path.c_str(), 0, &face->ft) != 0) continue;
    face->path = path;
    face->cairo = cairo_ft_font_face_create_for_ft_face(face->ft, 0);
    cairo_matrix_t font_matrix;
    cairo_matrix_init_scale(&font_matrix, kMeasureSize, kMeasureSize);
    cairo_matrix_t identity;
    cairo_matrix_init_identity(&identity);
    face->measure =
        cairo_scaled_font_create(face->cairo, &font_matrix, &identity, options);
    if (cairo_scaled_font_status(face->measure) != CAIRO_STATUS_SUCCESS) {
      return absl::InternalError(absl::StrCat(
          "cairo could not use the font ", path, ": ",
          cairo_status_to_string(cairo_scaled_font_status(face->measure))));
    }
    return absl::OkStatus();
  }
  return absl::NotFoundError(absl::StrCat(
      "no label font found for the ",
      weight == FontWeight::kBold ? "bold" : "regular",
      " weight; install fonts-dejavu-core (apt-get install fonts-dejavu-core) "
      "or set ",
      weight == FontWeight::kBold ? "OCOPTRACE_LABEL_FONT_BOLD"
                                  : "OCOPTRACE_LABEL_FONT",
      " to a .ttf file with Vietnamese letters"));
}

std::string BaseName(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace

absl::StatusOr<const LabelFonts*> LabelFonts::Get() {
  static std::once_flag once;
  static LabelFonts* fonts = nullptr;
  static absl::Status* error = nullptr;
  std::call_once(once, [] {
    auto* internals = new Internals;
    auto* candidate = new LabelFonts;
    candidate->internals_ = internals;
    candidate->options_ = cairo_font_options_create();
    cairo_font_options_set_hint_style(candidate->options_,
                                      CAIRO_HINT_STYLE_NONE);
    cairo_font_options_set_hint_metrics(candidate->options_,
                                        CAIRO_HINT_METRICS_OFF);
    absl::Status status;
    if (FT_Init_FreeType(&internals->library) != 0) {
      status = absl::InternalError("FreeType could not be initialised");
    }
    if (status.ok()) {
      status = LoadFace(internals->library, FontWeight::kRegular,
                        candidate->options_, &internals->faces[0]);
    }
    if (status.ok()) {
      status = LoadFace(internals->library, FontWeight::kBold,
                        candidate->options_, &internals->faces[1]);
    }
    if (status.ok()) {
      fonts = candidate;  // kept for the life of the process
    } else {
      error = new absl::Status(status);
    }
  });
  if (fonts == nullptr) return *error;
  return fonts;
}

cairo_font_face_t* LabelFonts::Face(FontWeight weight) const {
  return internals_->faces[weight == FontWeight::kBold ? 1 : 0].cairo;
}

const std::string& LabelFonts::Path(FontWeight weight) const {
  return internals_->faces[weight == FontWeight::kBold ? 1 : 0].path;
}

double LabelFonts::TextWidth(std::string_view text, double size,
                             FontWeight weight) const {
  if (text.empty() || !IsValidUtf8(text)) return 0;
  // Invalid UTF-8 would put the shared scaled font into an error state, so
  // it is refused above.
  const std::string terminated(text);
  cairo_text_extents_t extents;
  cairo_scaled_font_text_extents(
      internals_->faces[weight == FontWeight::kBold ? 1 : 0].measure,
      terminated.c_str(), &extents);
  return extents.x_advance * size / kMeasureSize;
}

absl::Status LabelFonts::CheckCoverage(std::string_view text,
                                       std::string_view field,
                                       FontWeight weight) const {
  std::vector<char32_t> code_points;
  size_t bad_offset = 0;
  if (!DecodeUtf8(text, &code_points, &bad_offset)) {
    return absl::InvalidArgumentError(
        absl::StrCat(std::string(field), ": byte ", bad_offset + 1,
                     " is not valid UTF-8; save the text as UTF-8"));
  }
  const Internals::Face& face =
      internals_->faces[weight == FontWeight::kBold ? 1 : 0];
  FT_Face ft = cairo_ft_scaled_font_lock_face(face.measure);
  if (ft == nullptr) {
    return absl::InternalError("cairo could not lock the label font");
  }
  absl::Status status;
  for (size_t i = 0; i < code_points.size(); ++i) {
    const char32_t cp = code_points[i];
    if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0)) {
      status = absl::InvalidArgumentError(absl::StrFormat(
          "%s: control character U+%04X at position %d cannot be printed; "
          "remove it",
          std::string(field), static_cast<uint32_t>(cp), i + 1));
      break;
    }
    if (FT_Get_Char_Index(ft, cp) == 0) {
      status = absl::InvalidArgumentError(absl::StrFormat(
          "%s: character '%s' (U+%04X) at position %d is not in %s; write "
          "the text with Vietnamese letters only (NFC, precomposed) or set "
          "OCOPTRACE_LABEL_FONT to a font that has it",
          std::string(field), EncodeUtf8(cp), static_cast<uint32_t>(cp), i + 1,
          BaseName(face.path)));
      break;
    }
  }
  cairo_ft_scaled_font_unlock_face(face.measure);
  return status;
}

}  // namespace ocoptrace::labelgen
