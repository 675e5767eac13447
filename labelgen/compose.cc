#include "labelgen/compose.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "labelgen/utf8.h"

namespace ocoptrace::labelgen {
namespace {

constexpr double kLineAdvance = 1.22;  // baseline-to-baseline, in em
constexpr double kAscent = 0.95;       // first baseline below the line top
constexpr double kMaxUnitMm = 3.6;     // ~10 pt product name on big labels
constexpr double kMinUnitMm = 1.2;     // ~3.4 pt: the floor for tiny labels
constexpr double kMinWordScale = 0.6;  // how far one long word may shrink
constexpr char kEllipsis[] = "\xE2\x80\xA6";  // U+2026

enum class BlockKind { kText, kStars, kPin };

struct Block {
  BlockKind kind = BlockKind::kText;
  std::string text;  // caption for kStars ("OCOP") and kPin ("Mã PIN")
  FontWeight weight = FontWeight::kRegular;
  double relative_size = 1.0;
  int max_lines = 1;
};

// Byte offsets of code point starts in valid UTF-8 `text`, plus text.size().
std::vector<size_t> CodePointStarts(const std::string& text) {
  std::vector<size_t> starts;
  for (size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      starts.push_back(i);
    }
  }
  starts.push_back(text.size());
  return starts;
}

// The longest prefix of `text` that, followed by "…", is at most `width`.
std::string TruncateToWidth(const LabelFonts& fonts, const std::string& text,
                            double size, FontWeight weight, double width) {
  const std::vector<size_t> starts = CodePointStarts(text);
  for (size_t n = starts.size() - 1; n > 0; --n) {
    std::string candidate = text.substr(0, starts[n - 1]);
    while (!candidate.empty() && candidate.back() == ' ') candidate.pop_back();
    candidate += kEllipsis;
    if (fonts.TextWidth(candidate, size, weight) <= width) return candidate;
  }
  return kEllipsis;
}

struct Line {
  std::string text;
  double size = 0;
};

// Greedy word wrap of `text` into at most `max_lines` lines of `width`.
std::vector<Line> WrapText(const LabelFonts& fonts, const std::string& text,
                           double size, FontWeight weight, double width,
                           int max_lines) {
  std::vector<std::string> words;
  size_t start = 0;
  while (start <= text.size()) {
    size_t space = text.find(' ', start);
    if (space == std::string::npos) space = text.size();
    if (space > start) words.push_back(text.substr(start, space - start));
    start = space + 1;
  }
  std::vector<Line> lines;
  size_t w = 0;
  while (w < words.size()) {
    std::string current = words[w++];
    while (w < words.size()) {
      std::string longer = absl::StrCat(current, " ", words[w]);
      if (fonts.TextWidth(longer, size, weight) > width) break;
      current = std::move(longer);
      ++w;
    }
    if (static_cast<int>(lines.size()) == max_lines - 1 && w < words.size()) {
      // Last allowed line: put the rest on it and cut.
      for (; w < words.size(); ++w) absl::StrAppend(&current, " ", words[w]);
      lines.push_back(
          {TruncateToWidth(fonts, current, size, weight, width), size});
      break;
    }
    double line_size = size;
    const double natural = fonts.TextWidth(current, size, weight);
    if (natural > width) {
      line_size = std::max(size * kMinWordScale, size * width / natural);
      if (fonts.TextWidth(current, line_size, weight) > width) {
        current = TruncateToWidth(fonts, current, line_size, weight, width);
      }
    }
    lines.push_back({std::move(current), line_size});
  }
  return lines;
}

struct PlacedBlock {
  const Block* block;
  std::vector<Line> lines;
  double height = 0;
};

}  // namespace

std::vector<QrRun> DarkRuns(const QrMatrix& qr) {
  std::vector<QrRun> runs;
  runs.reserve(static_cast<size_t>(qr.width) * qr.width / 4);
  for (int y = 0; y < qr.width; ++y) {
    const uint8_t* row = qr.dark.data() + static_cast<size_t>(y) * qr.width;
    int x = 0;
    while (x < qr.width) {
      if (!row[x]) {
        ++x;
        continue;
      }
      int end = x + 1;
      while (end < qr.width && row[end]) ++end;
      runs.push_back({x, y, end - x});
      x = end;
    }
  }
  return runs;
}

std::array<std::pair<double, double>, 10> StarOutline(const StarMark& star) {
  std::array<std::pair<double, double>, 10> points;
  const double inner = star.outer_radius_mm * 0.382;
  for (int i = 0; i < 10; ++i) {
    const double radius = (i % 2 == 0) ? star.outer_radius_mm : inner;
    const double angle = -M_PI / 2 + i * M_PI / 5;
    points[i] = {star.center_x_mm + radius * std::cos(angle),
                 star.center_y_mm + radius * std::sin(angle)};
  }
  return points;
}

std::string FormatExpiry(const std::string& expiry) {
  if (expiry.size() == 10 && expiry[4] == '-' && expiry[7] == '-') {
    return absl::StrCat(expiry.substr(8, 2), "/", expiry.substr(5, 2), "/",
                        expiry.substr(0, 4));
  }
  return expiry;
}

absl::StatusOr<ComposedLabel> ComposeLabel(const LabelData& label, QrMatrix qr,
                                           const LabelGeometry& geometry) {
  absl::Status fits = ValidateQrFits(geometry, qr.width);
  if (!fits.ok()) return fits;
  absl::StatusOr<const LabelFonts*> fonts_or = LabelFonts::Get();
  if (!fonts_or.ok()) return fonts_or.status();
  const LabelFonts& fonts = **fonts_or;

  const struct {
    const std::string* text;
    const char* field;
    FontWeight weight;
  } fields[] = {{&label.product_name, "product_name", FontWeight::kBold},
                {&label.producer_name, "producer_name", FontWeight::kRegular},
                {&label.lot, "lot", FontWeight::kRegular},
                {&label.serial, "serial", FontWeight::kRegular},
                {&label.expiry, "expiry", FontWeight::kRegular},
                {&label.pin, "pin", FontWeight::kBold}};
  for (const auto& field : fields) {
    absl::Status covered =
        fonts.CheckCoverage(*field.text, field.field, field.weight);
    if (!covered.ok()) return covered;
  }

  ComposedLabel out;
  out.width_mm = geometry.width_mm;
  out.height_mm = geometry.height_mm;
  out.module_mm = geometry.module_mm;
  out.quiet_zone_modules = geometry.quiet_zone_modules;
  const double qr_side =
      (qr.width + 2 * geometry.quiet_zone_modules) * geometry.module_mm;
  out.qr_left_mm = geometry.quiet_zone_modules * geometry.module_mm;
  out.qr_top_mm = (geometry.height_mm - qr_side) / 2 +
                  geometry.quiet_zone_modules * geometry.module_mm;
  out.qr = std::move(qr);

  const double pad = std::clamp(0.04 * geometry.height_mm, 0.8, 2.0);
  const double column_x = qr_side;
  const double column_width = geometry.width_mm - qr_side - pad;
  const double column_height = geometry.height_mm - 2 * pad;

  std::vector<Block> blocks;
  if (!label.product_name.empty()) {
    blocks.push_back(
        {BlockKind::kText, label.product_name, FontWeight::kBold, 1.0, 2});
  }
  if (!label.producer_name.empty()) {
    blocks.push_back(
        {BlockKind::kText, label.producer_name, FontWeight::kRegular, 0.75, 1});
  }
  if (label.stars > 0) {
    blocks.push_back({BlockKind::kStars, "OCOP", FontWeight::kBold, 0.9, 1});
  }
  if (!label.lot.empty()) {
    blocks.push_back({BlockKind::kText, absl::StrCat("Lô: ", label.lot),
                      FontWeight::kRegular, 0.75, 1});
  }
  if (!label.serial.empty()) {
    blocks.push_back({BlockKind::kText,
                      absl::StrCat("Số sê-ri: ", label.serial),
                      FontWeight::kRegular, 0.75, 1});
  }
  if (!label.expiry.empty()) {
    blocks.push_back({BlockKind::kText,
                      absl::StrCat("HSD: ", FormatExpiry(label.expiry)),
                      FontWeight::kRegular, 0.75, 1});
  }
  blocks.push_back(
      {BlockKind::kText, kScanPrompt, FontWeight::kRegular, 0.65, 2});
  if (!label.pin.empty()) {
    blocks.push_back({BlockKind::kPin, "Mã PIN", FontWeight::kRegular, 0.6, 1});
  }

  // Shrink the unit size until every block fits in the column height.
  double unit = kMaxUnitMm;
  std::vector<PlacedBlock> placed;
  double total_height = 0;
  for (;;) {
    placed.clear();
    total_height = 0;
    for (const Block& block : blocks) {
      PlacedBlock p{&block, {}, 0};
      const double size = block.relative_size * unit;
      switch (block.kind) {
        case BlockKind::kText:
          p.lines = WrapText(fonts, block.text, size, block.weight,
                             column_width, block.max_lines);
          for (const Line& line : p.lines) p.height += kLineAdvance * line.size;
          break;
        case BlockKind::kStars:
          p.lines.push_back({block.text, size});
          p.height = kLineAdvance * size;
          break;
        case BlockKind::kPin:
          // Caption line, then a box 1.8 units high holding the digits.
          p.lines.push_back({block.text, size});
          p.height = kLineAdvance * size + 1.9 * unit;
          break;
      }
      total_height += p.height;
      placed.push_back(std::move(p));
    }
    // The stars row must also fit across.
    bool stars_fit = true;
    for (const PlacedBlock& p : placed) {
      if (p.block->kind != BlockKind::kStars) continue;
      const double size = p.lines[0].size;
      const double needed = fonts.TextWidth("OCOP", size, FontWeight::kBold) +
                            (0.3 + label.stars * 1.05) * size;
      stars_fit = needed <= column_width;
    }
    if ((total_height <= column_height && stars_fit) || unit <= kMinUnitMm) {
      break;
    }
    unit = std::max(kMinUnitMm, unit * 0.93);
  }

  double y = pad + std::max(0.0, (column_height - total_height) / 2);
  for (const PlacedBlock& p : placed) {
    switch (p.block->kind) {
      case BlockKind::kText: {
        for (const Line& line : p.lines) {
          out.texts.push_back({line.text, column_x, y + kAscent * line.size,
                               line.size, p.block->weight});
          y += kLineAdvance * line.size;
        }
        break;
      }
      case BlockKind::kStars: {
        const double size = p.lines[0].size;
        const double baseline = y + kAscent * size;
        out.texts.push_back(
            {p.block->text, column_x, baseline, size, FontWeight::kBold});
        double x = column_x +
                   fonts.TextWidth(p.block->text, size, FontWeight::kBold) +
                   0.3 * size;
        const double radius = 0.5 * size;
        // Centre the stars on the caps of "OCOP" (cap height ~0.73 em).
        const double center_y = baseline - 0.36 * size;
        for (int i = 0; i < label.stars; ++i) {
          out.stars.push_back({x + radius, center_y, radius});
          x += 1.05 * size;
        }
        y += p.height;
        break;
      }
      case BlockKind::kPin: {
        const double caption = p.lines[0].size;
        out.texts.push_back({p.block->text, column_x, y + kAscent * caption,
                             caption, FontWeight::kRegular});
        y += kLineAdvance * caption;
        double digits = unit;
        double digits_width =
            fonts.TextWidth(label.pin, digits, FontWeight::kBold);
        const double box_width =
            std::min(column_width, digits_width + 1.2 * unit);
        if (digits_width > box_width - 0.4 * unit) {
          digits *= (box_width - 0.4 * unit) / digits_width;
          digits_width = fonts.TextWidth(label.pin, digits, FontWeight::kBold);
        }
        BoxMark box{column_x, y + 0.05 * unit, box_width, 1.8 * unit,
                    std::max(0.15, 0.06 * unit)};
        out.pin_box = box;
        out.texts.push_back({label.pin,
                             column_x + (box_width - digits_width) / 2,
                             box.y_mm + box.height_mm / 2 + 0.36 * digits,
                             digits, FontWeight::kBold});
        y += 1.9 * unit;
        break;
      }
    }
  }
  return out;
}

}  // namespace ocoptrace::labelgen
