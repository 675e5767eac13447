#include "labelgen/render.h"

#include <cairo-pdf.h>
#include <cairo.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "labelgen/atomic_file.h"
#include "labelgen/fonts.h"
#include "labelgen/png_writer.h"

namespace ocoptrace::labelgen {
namespace {

constexpr double kPointsPerMm = 72.0 / 25.4;

struct SurfaceDeleter {
  void operator()(cairo_surface_t* s) const { cairo_surface_destroy(s); }
};
struct ContextDeleter {
  void operator()(cairo_t* cr) const { cairo_destroy(cr); }
};
using SurfacePtr = std::unique_ptr<cairo_surface_t, SurfaceDeleter>;
using ContextPtr = std::unique_ptr<cairo_t, ContextDeleter>;

absl::Status CairoError(cairo_status_t status, const std::string& what) {
  return absl::InternalError(
      absl::StrCat(what, ": ", cairo_status_to_string(status)));
}

cairo_status_t WriteToFile(void* closure, const unsigned char* data,
                           unsigned int length) {
  auto* file = static_cast<std::FILE*>(closure);
  return std::fwrite(data, 1, length, file) == length
             ? CAIRO_STATUS_SUCCESS
             : CAIRO_STATUS_WRITE_ERROR;
}

std::string LabelContext(int index, const LabelData& label) {
  return absl::StrCat("label ", index + 1,
                      label.serial.empty() ? "" : " (serial ", label.serial,
                      label.serial.empty() ? "" : ")", ": ");
}

// A CAIRO_FORMAT_A1 surface of the symbol: opaque (ink) where dark.
SurfacePtr QrMaskSurface(const QrMatrix& qr) {
  SurfacePtr mask(
      cairo_image_surface_create(CAIRO_FORMAT_A1, qr.width, qr.width));
  if (cairo_surface_status(mask.get()) != CAIRO_STATUS_SUCCESS) return mask;
  cairo_surface_flush(mask.get());
  unsigned char* data = cairo_image_surface_get_data(mask.get());
  const int stride = cairo_image_surface_get_stride(mask.get());
  for (int y = 0; y < qr.width; ++y) {
    unsigned char* row = data + static_cast<size_t>(y) * stride;
    const uint8_t* modules = qr.dark.data() + static_cast<size_t>(y) * qr.width;
    std::fill(row, row + stride, 0);
    for (int x = 0; x < qr.width; ++x) {
      // A1 pixels are packed in native-endian 32-bit words: the first pixel
      // is the least significant bit on little-endian machines.
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
      row[x >> 3] |= static_cast<unsigned char>(modules[x] << (x & 7));
#else
      row[x >> 3] |= static_cast<unsigned char>(modules[x] << (7 - (x & 7)));
#endif
    }
  }
  cairo_surface_mark_dirty(mask.get());
  return mask;
}

void DrawQrMask(cairo_t* cr, const ComposedLabel& label) {
  SurfacePtr mask = QrMaskSurface(label.qr);
  cairo_pattern_t* pattern = cairo_pattern_create_for_surface(mask.get());
  cairo_pattern_set_filter(pattern, CAIRO_FILTER_NEAREST);
  cairo_save(cr);
  cairo_translate(cr, label.qr_left_mm, label.qr_top_mm);
  cairo_scale(cr, label.module_mm, label.module_mm);
  cairo_mask(cr, pattern);
  cairo_restore(cr);
  cairo_pattern_destroy(pattern);
}

// The label font's BLACK STAR (U+2605), measured once at size 1: stars
// drawn as glyphs cost a fraction of vector paths in PDF (one text
// operator per row of stars). Absent from the font: stars are drawn as
// paths instead.
struct StarGlyph {
  bool available = false;
  unsigned long index = 0;
  double center_x = 0;  // ink centre relative to the glyph origin, at size 1
  double center_y = 0;
  double width = 0;  // ink width at size 1
};

const StarGlyph& GetStarGlyph() {
  static const StarGlyph glyph = [] {
    StarGlyph g;
    absl::StatusOr<const LabelFonts*> fonts = LabelFonts::Get();
    if (!fonts.ok() ||
        !(*fonts)->CheckCoverage("\u2605", "star", FontWeight::kRegular).ok()) {
      return g;
    }
    SurfacePtr surface(cairo_image_surface_create(CAIRO_FORMAT_A8, 1, 1));
    ContextPtr cr(cairo_create(surface.get()));
    cairo_set_font_face(cr.get(), (*fonts)->Face(FontWeight::kRegular));
    cairo_set_font_options(cr.get(), (*fonts)->Options());
    cairo_set_font_size(cr.get(), 1);
    cairo_glyph_t* glyphs = nullptr;
    int count = 0;
    if (cairo_scaled_font_text_to_glyphs(
            cairo_get_scaled_font(cr.get()), 0, 0, "\u2605", -1, &glyphs,
            &count, nullptr, nullptr, nullptr) != CAIRO_STATUS_SUCCESS ||
        count != 1) {
      return g;
    }
    cairo_text_extents_t extents;
    cairo_glyph_extents(cr.get(), glyphs, 1, &extents);
    g.index = glyphs[0].index;
    cairo_glyph_free(glyphs);
    if (extents.width <= 0) return g;
    g.center_x = extents.x_bearing + extents.width / 2;
    g.center_y = extents.y_bearing + extents.height / 2;
    g.width = extents.width;
    g.available = true;
    return g;
  }();
  return glyph;
}

void DrawStars(cairo_t* cr, const ComposedLabel& label) {
  if (label.stars.empty()) return;
  const StarGlyph& glyph = GetStarGlyph();
  if (glyph.available) {
    // Scale the glyph so its ink is as wide as the geometric star
    // (2 sin 72° = 1.902 outer radii), centred on the same point.
    absl::StatusOr<const LabelFonts*> fonts = LabelFonts::Get();
    const double size = label.stars[0].outer_radius_mm * 1.902 / glyph.width;
    cairo_set_font_face(cr, (*fonts)->Face(FontWeight::kRegular));
    cairo_set_font_options(cr, (*fonts)->Options());
    cairo_set_font_size(cr, size);
    std::vector<cairo_glyph_t> glyphs;
    for (const StarMark& star : label.stars) {
      glyphs.push_back({glyph.index, star.center_x_mm - glyph.center_x * size,
                        star.center_y_mm - glyph.center_y * size});
    }
    cairo_show_glyphs(cr, glyphs.data(), static_cast<int>(glyphs.size()));
    return;
  }
  for (const StarMark& star : label.stars) {
    const auto points = StarOutline(star);
    cairo_move_to(cr, points[0].first, points[0].second);
    for (size_t i = 1; i < points.size(); ++i) {
      cairo_line_to(cr, points[i].first, points[i].second);
    }
    cairo_close_path(cr);
  }
  cairo_fill(cr);
}

}  // namespace

void DrawComposedLabel(cairo_t* cr, const ComposedLabel& label) {
  cairo_save(cr);
  cairo_set_source_rgb(cr, 0, 0, 0);

  // QR: a 1-bit stencil mask, one pixel per module, scaled to the module
  // size without interpolation (PDF: an /ImageMask with /Interpolate false).
  DrawQrMask(cr, label);

  // Stars: the font's star glyph where it has one, else vector stars.
  DrawStars(cr, label);

  // PIN box (the scratch-off layer is applied over it after printing).
  if (label.pin_box.has_value()) {
    const BoxMark& box = *label.pin_box;
    cairo_set_line_width(cr, box.line_width_mm);
    const double inset = box.line_width_mm / 2;
    cairo_rectangle(cr, box.x_mm + inset, box.y_mm + inset,
                    box.width_mm - 2 * inset, box.height_mm - 2 * inset);
    cairo_stroke(cr);
  }

  // Text.
  absl::StatusOr<const LabelFonts*> fonts = LabelFonts::Get();
  if (fonts.ok()) {  // ComposeLabel succeeded, so the fonts are there
    cairo_set_font_options(cr, (*fonts)->Options());
    for (const TextRun& run : label.texts) {
      cairo_set_font_face(cr, (*fonts)->Face(run.weight));
      cairo_set_font_size(cr, run.size_mm);
      cairo_move_to(cr, run.x_mm, run.baseline_mm);
      cairo_show_text(cr, run.text.c_str());
    }
  }
  cairo_restore(cr);
}

absl::StatusOr<std::string> RenderLabelPng(const LabelData& label,
                                           const LabelGeometry& geometry,
                                           EcLevel ec, int pixels_per_module) {
  if (pixels_per_module < 1 || pixels_per_module > 40) {
    return absl::InvalidArgumentError(
        absl::StrCat("pixels per module ", pixels_per_module,
                     " is out of range; use 1 to 40"));
  }
  absl::StatusOr<QrMatrix> qr = EncodeQr(label.url, ec);
  if (!qr.ok()) return qr.status();
  absl::StatusOr<ComposedLabel> composed =
      ComposeLabel(label, *std::move(qr), geometry);
  if (!composed.ok()) return composed.status();

  const double pixels_per_mm = pixels_per_module / geometry.module_mm;
  const int width =
      static_cast<int>(std::lround(geometry.width_mm * pixels_per_mm));
  const int height =
      static_cast<int>(std::lround(geometry.height_mm * pixels_per_mm));
  // A8: ink is alpha; converted to gray (255 - alpha) for the PNG.
  SurfacePtr surface(
      cairo_image_surface_create(CAIRO_FORMAT_A8, width, height));
  if (cairo_surface_status(surface.get()) != CAIRO_STATUS_SUCCESS) {
    return CairoError(cairo_surface_status(surface.get()),
                      "cannot allocate the label image");
  }
  ContextPtr cr(cairo_create(surface.get()));
  cairo_scale(cr.get(), pixels_per_mm, pixels_per_mm);
  DrawComposedLabel(cr.get(), *composed);
  cairo_surface_flush(surface.get());
  if (cairo_status(cr.get()) != CAIRO_STATUS_SUCCESS) {
    return CairoError(cairo_status(cr.get()), "cannot draw the label");
  }
  const int stride = cairo_image_surface_get_stride(surface.get());
  unsigned char* data = cairo_image_surface_get_data(surface.get());
  for (int y = 0; y < height; ++y) {
    unsigned char* row = data + static_cast<size_t>(y) * stride;
    for (int x = 0; x < width; ++x) row[x] = 255 - row[x];
  }
  return EncodeGrayPng(
      data, width, height, stride,
      static_cast<uint32_t>(std::lround(pixels_per_mm * 1000)));
}

absl::Status RenderSheetPdf(const std::vector<LabelData>& labels,
                            const SheetLayout& layout,
                            const std::string& out_path,
                            const ProgressCallback& progress) {
  if (labels.empty()) {
    return absl::InvalidArgumentError("no labels to render");
  }
  absl::Status valid = ValidateLayout(layout);
  if (!valid.ok()) return valid;
  absl::StatusOr<std::unique_ptr<AtomicFile>> file =
      AtomicFile::Create(out_path);
  if (!file.ok()) return file.status();

  SurfacePtr surface(cairo_pdf_surface_create_for_stream(
      WriteToFile, (*file)->stream(), layout.page_width_mm * kPointsPerMm,
      layout.page_height_mm * kPointsPerMm));
  if (cairo_surface_status(surface.get()) != CAIRO_STATUS_SUCCESS) {
    return CairoError(cairo_surface_status(surface.get()),
                      "cannot start the PDF");
  }
  cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_TITLE,
                                 "ocoptrace labels");
  cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_CREATOR,
                                 "ocoptrace labelgen");
  ContextPtr cr(cairo_create(surface.get()));
  cairo_scale(cr.get(), kPointsPerMm, kPointsPerMm);

  const LabelGeometry geometry = GeometryOf(layout);
  const int per_page = layout.LabelsPerPage();
  const int total = static_cast<int>(labels.size());
  for (int i = 0; i < total; ++i) {
    const int slot = i % per_page;
    if (slot == 0 && i > 0) {
      cairo_show_page(cr.get());
      if (progress) progress(i, total);
    }
    absl::StatusOr<QrMatrix> qr = EncodeQr(labels[i].url, layout.ec);
    if (!qr.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(LabelContext(i, labels[i]), qr.status().message()));
    }
    absl::StatusOr<ComposedLabel> composed =
        ComposeLabel(labels[i], *std::move(qr), geometry);
    if (!composed.ok()) {
      return absl::Status(composed.status().code(),
                          absl::StrCat(LabelContext(i, labels[i]),
                                       composed.status().message()));
    }
    cairo_save(cr.get());
    cairo_translate(cr.get(), layout.LabelLeftMm(slot),
                    layout.LabelTopMm(slot));
    DrawComposedLabel(cr.get(), *composed);
    cairo_restore(cr.get());
  }
  cairo_show_page(cr.get());
  cr.reset();
  cairo_surface_finish(surface.get());
  const cairo_status_t status = cairo_surface_status(surface.get());
  if (status != CAIRO_STATUS_SUCCESS) {
    return CairoError(status, absl::StrCat("cannot write ", out_path));
  }
  surface.reset();
  if (progress) progress(total, total);
  return (*file)->Commit();
}

}  // namespace ocoptrace::labelgen
