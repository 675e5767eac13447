#include "labelgen/zpl.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "labelgen/compose.h"

namespace ocoptrace::labelgen {
namespace {

int Dots(double mm, double dots_per_mm) {
  return static_cast<int>(std::lround(mm * dots_per_mm));
}

// A ^GFA bitmap of one star (even-odd fill of its outline), positioned at
// its bounding box.
std::string StarGraphic(const StarMark& star, double dots_per_mm) {
  const auto outline = StarOutline(star);
  const double left = star.center_x_mm - star.outer_radius_mm;
  const double top = star.center_y_mm - star.outer_radius_mm;
  const int size = std::max(1, Dots(2 * star.outer_radius_mm, dots_per_mm));
  const int row_bytes = (size + 7) / 8;
  std::string hex;
  for (int y = 0; y < size; ++y) {
    std::vector<uint8_t> row(row_bytes, 0);
    const double py = top + (y + 0.5) / dots_per_mm;
    for (int x = 0; x < size; ++x) {
      const double px = left + (x + 0.5) / dots_per_mm;
      bool inside = false;
      for (size_t i = 0, j = outline.size() - 1; i < outline.size(); j = i++) {
        const auto& [xi, yi] = outline[i];
        const auto& [xj, yj] = outline[j];
        if ((yi > py) != (yj > py) &&
            px < (xj - xi) * (py - yi) / (yj - yi) + xi) {
          inside = !inside;
        }
      }
      if (inside) row[x >> 3] |= static_cast<uint8_t>(0x80 >> (x & 7));
    }
    for (uint8_t byte : row) absl::StrAppendFormat(&hex, "%02X", byte);
  }
  const int total = row_bytes * size;
  return absl::StrCat("^FO", Dots(left, dots_per_mm), ",",
                      Dots(top, dots_per_mm), "^GFA,", total, ",", total, ",",
                      row_bytes, ",", hex, "^FS\n");
}

std::string FontCommand(const ZplOptions& options, int height_dots) {
  if (options.font.size() == 1) {
    return absl::StrCat("^A", options.font, "N,", height_dots, ",",
                        height_dots);
  }
  return absl::StrCat("^A@N,", height_dots, ",", height_dots, ",",
                      options.font);
}

}  // namespace

std::string ZplEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '^' || c == '~' || c == '_' || byte < 0x20) {
      absl::StrAppendFormat(&out, "_%02X", byte);
    } else {
      out += c;
    }
  }
  return out;
}

absl::StatusOr<std::string> RenderZpl(const std::vector<LabelData>& labels,
                                      const LabelGeometry& geometry, EcLevel ec,
                                      const ZplOptions& options) {
  if (labels.empty()) return absl::InvalidArgumentError("no labels to render");
  if (options.dpi != 152 && options.dpi != 203 && options.dpi != 300 &&
      options.dpi != 600) {
    return absl::InvalidArgumentError(
        absl::StrCat("printer resolution ", options.dpi,
                     " dpi is not supported; use 152, 203, 300 or 600"));
  }
  if (options.font.empty()) {
    return absl::InvalidArgumentError(
        "ZPL font is empty; use 0 or a stored font such as E:DEJAVU.TTF");
  }
  // Zebra printheads are specified in dots per millimetre: 6, 8, 12 or 24
  // ("152/203/300/600 dpi" are the rounded names).
  const double dots_per_mm = options.dpi == 152   ? 6
                             : options.dpi == 203 ? 8
                             : options.dpi == 300 ? 12
                                                  : 24;
  const int magnification = Dots(geometry.module_mm, dots_per_mm);
  if (magnification < 1 || magnification > 10) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "a QR module of %.2f mm is %d dots at %d dpi; ^BQ needs 1 to 10 dots, "
        "so use a module between %.2f and %.2f mm",
        geometry.module_mm, magnification, options.dpi, 1 / dots_per_mm,
        10 / dots_per_mm));
  }
  LabelGeometry printed = geometry;
  printed.module_mm = magnification / dots_per_mm;

  std::string zpl;
  for (size_t i = 0; i < labels.size(); ++i) {
    const LabelData& label = labels[i];
    const std::string context =
        absl::StrCat("label ", i + 1, label.serial.empty() ? "" : " (serial ",
                     label.serial, label.serial.empty() ? "" : ")", ": ");
    absl::StatusOr<QrMatrix> qr = EncodeQr(label.url, ec);
    if (!qr.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(context, qr.status().message()));
    }
    absl::StatusOr<ComposedLabel> composed =
        ComposeLabel(label, *std::move(qr), printed);
    if (!composed.ok()) {
      return absl::Status(composed.status().code(),
                          absl::StrCat(context, composed.status().message()));
    }
    absl::StrAppend(&zpl, "^XA\n^CI28\n^PW",
                    Dots(geometry.width_mm, dots_per_mm), "\n^LL",
                    Dots(geometry.height_mm, dots_per_mm), "\n^LH0,0\n");
    const bool needs_escape = ZplEscape(label.url) != label.url;
    absl::StrAppend(&zpl, "^FO", Dots(composed->qr_left_mm, dots_per_mm), ",",
                    Dots(composed->qr_top_mm, dots_per_mm), "^BQN,2,",
                    magnification, needs_escape ? "^FH" : "", "^FD",
                    EcLevelName(ec), "A,",
                    needs_escape ? ZplEscape(label.url) : label.url, "^FS\n");
    for (const TextRun& run : composed->texts) {
      const int height = std::max(1, Dots(run.size_mm, dots_per_mm));
      absl::StrAppend(&zpl, "^FO", Dots(run.x_mm, dots_per_mm), ",",
                      Dots(run.baseline_mm - 0.95 * run.size_mm, dots_per_mm),
                      FontCommand(options, height), "^FH^FD",
                      ZplEscape(run.text), "^FS\n");
    }
    for (const StarMark& star : composed->stars) {
      zpl += StarGraphic(star, dots_per_mm);
    }
    if (composed->pin_box.has_value()) {
      const BoxMark& box = *composed->pin_box;
      absl::StrAppend(
          &zpl, "^FO", Dots(box.x_mm, dots_per_mm), ",",
          Dots(box.y_mm, dots_per_mm), "^GB", Dots(box.width_mm, dots_per_mm),
          ",", Dots(box.height_mm, dots_per_mm), ",",
          std::max(1, Dots(box.line_width_mm, dots_per_mm)), "^FS\n");
    }
    zpl += "^XZ\n";
  }
  return zpl;
}

}  // namespace ocoptrace::labelgen
