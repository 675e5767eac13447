#include "labelgen/layout.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"

namespace ocoptrace::labelgen {
namespace {

constexpr double kEpsilonMm = 1e-6;

SheetLayout MakeLayout(const char* name, double page_w, double page_h, int rows,
                       int cols, double w, double h, double top, double left,
                       double gap_x, double gap_y, double module) {
  SheetLayout layout;
  layout.name = name;
  layout.page_width_mm = page_w;
  layout.page_height_mm = page_h;
  layout.rows = rows;
  layout.columns = cols;
  layout.label_width_mm = w;
  layout.label_height_mm = h;
  layout.margin_top_mm = top;
  layout.margin_left_mm = left;
  layout.gap_x_mm = gap_x;
  layout.gap_y_mm = gap_y;
  layout.module_mm = module;
  layout.ec = EcLevel::kM;
  return layout;
}

// The presets. Label stock sizes are the common A4 die-cut sheets sold in
// Vietnam (3x8 of 70x37, 4x10 of 48.5x25.4, 2x5 of 99.1x57) and 50x30 /
// 60x40 rolls for thermal-transfer desktop printers (one label per page).
const std::vector<SheetLayout>& Presets() {
  static const auto* presets = new std::vector<SheetLayout>{
      MakeLayout("a4-3x8", 210, 297, 8, 3, 70, 37, 0.5, 0, 0, 0, 0.5),
      MakeLayout("a4-4x10", 210, 297, 10, 4, 48.5, 25.4, 21.5, 8, 0, 0, 0.4),
      MakeLayout("a4-2x5", 210, 297, 5, 2, 99.1, 57, 6, 4.65, 2.5, 0, 0.6),
      MakeLayout("roll-50x30", 50, 30, 1, 1, 50, 30, 0, 0, 0, 0, 0.4),
      MakeLayout("roll-60x40", 60, 40, 1, 1, 60, 40, 0, 0, 0, 0, 0.5),
  };
  return *presets;
}

const SheetLayout* FindPreset(absl::string_view name) {
  for (const SheetLayout& preset : Presets()) {
    if (preset.name == name) return &preset;
  }
  return nullptr;
}

absl::Status UnknownLayout(absl::string_view name) {
  return absl::InvalidArgumentError(absl::StrCat(
      "layout \"", name, "\" is not known; use one of ",
      absl::StrJoin(LayoutPresetNames(), ", "),
      " or a custom spec such as rows=8,cols=3,w=70,h=37,margin=5,gap=2,"
      "module=0.5"));
}

absl::StatusOr<double> ParseMm(absl::string_view key, absl::string_view value) {
  double number = 0;
  if (!absl::SimpleAtod(value, &number) || !std::isfinite(number)) {
    return absl::InvalidArgumentError(
        absl::StrCat("layout key ", key, ": \"", value,
                     "\" is not a number; give millimetres such as 70 or 0.5"));
  }
  return number;
}

absl::StatusOr<int> ParseCount(absl::string_view key, absl::string_view value) {
  int number = 0;
  if (!absl::SimpleAtoi(value, &number)) {
    return absl::InvalidArgumentError(
        absl::StrCat("layout key ", key, ": \"", value,
                     "\" is not a whole number; give a count such as 3"));
  }
  return number;
}

absl::Status ParsePage(absl::string_view value, SheetLayout* layout) {
  if (value == "a4") {
    layout->page_width_mm = 210;
    layout->page_height_mm = 297;
  } else if (value == "a5") {
    layout->page_width_mm = 148;
    layout->page_height_mm = 210;
  } else if (value == "letter") {
    layout->page_width_mm = 215.9;
    layout->page_height_mm = 279.4;
  } else {
    std::vector<absl::string_view> parts = absl::StrSplit(value, 'x');
    double w = 0, h = 0;
    if (parts.size() != 2 || !absl::SimpleAtod(parts[0], &w) ||
        !absl::SimpleAtod(parts[1], &h)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "layout key page: \"", value,
          "\" is not a page size; use a4, a5, letter or <width>x<height> in "
          "mm such as 100x150"));
    }
    layout->page_width_mm = w;
    layout->page_height_mm = h;
  }
  return absl::OkStatus();
}

std::string Mm(double value) { return absl::StrCat(value, " mm"); }

}  // namespace

double SheetLayout::LabelLeftMm(int slot) const {
  const int column = slot % columns;
  return margin_left_mm + column * (label_width_mm + gap_x_mm);
}

double SheetLayout::LabelTopMm(int slot) const {
  const int row = (slot / columns) % rows;
  return margin_top_mm + row * (label_height_mm + gap_y_mm);
}

LabelGeometry GeometryOf(const SheetLayout& layout) {
  LabelGeometry geometry;
  geometry.width_mm = layout.label_width_mm;
  geometry.height_mm = layout.label_height_mm;
  geometry.module_mm = layout.module_mm;
  geometry.quiet_zone_modules = kQuietZoneModules;
  return geometry;
}

std::vector<std::string> LayoutPresetNames() {
  std::vector<std::string> names;
  for (const SheetLayout& preset : Presets()) names.push_back(preset.name);
  return names;
}

std::string DescribeLayoutPresets() {
  std::string out;
  for (const SheetLayout& p : Presets()) {
    absl::StrAppend(&out, p.name, ": page ", p.page_width_mm, "x",
                    p.page_height_mm, " mm, ", p.columns, " columns x ", p.rows,
                    " rows of ", p.label_width_mm, "x", p.label_height_mm,
                    " mm, QR module ", p.module_mm, " mm\n");
  }
  return out;
}

absl::StatusOr<SheetLayout> ParseLayout(std::string_view spec_in) {
  const absl::string_view spec = absl::StripAsciiWhitespace(
      absl::string_view(spec_in.data(), spec_in.size()));
  if (spec.empty()) return UnknownLayout(spec);
  std::vector<absl::string_view> items = absl::StrSplit(spec, ',');
  SheetLayout layout;
  size_t first_pair = 0;
  bool custom_grid = true;
  if (items[0].find('=') == absl::string_view::npos) {
    const SheetLayout* preset =
        FindPreset(absl::StripAsciiWhitespace(items[0]));
    if (preset == nullptr) return UnknownLayout(items[0]);
    layout = *preset;
    first_pair = 1;
    custom_grid = false;
  } else {
    layout.name = "custom";
    layout.margin_top_mm = -1;  // centre unless given
    layout.margin_left_mm = -1;
  }
  for (size_t i = first_pair; i < items.size(); ++i) {
    const absl::string_view item = absl::StripAsciiWhitespace(items[i]);
    const size_t eq = item.find('=');
    if (eq == absl::string_view::npos) {
      return absl::InvalidArgumentError(absl::StrCat(
          "layout spec item \"", item,
          "\" is not key=value; only the first item may be a preset name"));
    }
    const absl::string_view key =
        absl::StripAsciiWhitespace(item.substr(0, eq));
    const absl::string_view value =
        absl::StripAsciiWhitespace(item.substr(eq + 1));
    absl::Status status;
    auto set_mm = [&](double* field) {
      absl::StatusOr<double> mm = ParseMm(key, value);
      if (!mm.ok()) return mm.status();
      *field = *mm;
      return absl::OkStatus();
    };
    auto set_count = [&](int* field) {
      absl::StatusOr<int> count = ParseCount(key, value);
      if (!count.ok()) return count.status();
      *field = *count;
      return absl::OkStatus();
    };
    if (key == "page") {
      status = ParsePage(value, &layout);
    } else if (key == "rows") {
      status = set_count(&layout.rows);
    } else if (key == "cols" || key == "columns") {
      status = set_count(&layout.columns);
    } else if (key == "w" || key == "width") {
      status = set_mm(&layout.label_width_mm);
    } else if (key == "h" || key == "height") {
      status = set_mm(&layout.label_height_mm);
    } else if (key == "margin") {
      status = set_mm(&layout.margin_top_mm);
      layout.margin_left_mm = layout.margin_top_mm;
    } else if (key == "margin_top") {
      status = set_mm(&layout.margin_top_mm);
    } else if (key == "margin_left") {
      status = set_mm(&layout.margin_left_mm);
    } else if (key == "gap") {
      status = set_mm(&layout.gap_x_mm);
      layout.gap_y_mm = layout.gap_x_mm;
    } else if (key == "gap_x") {
      status = set_mm(&layout.gap_x_mm);
    } else if (key == "gap_y") {
      status = set_mm(&layout.gap_y_mm);
    } else if (key == "module") {
      status = set_mm(&layout.module_mm);
    } else if (key == "ec") {
      absl::StatusOr<EcLevel> ec = ParseEcLevel(std::string(value));
      if (ec.ok()) layout.ec = *ec;
      status = ec.status();
    } else {
      status = absl::InvalidArgumentError(absl::StrCat(
          "layout key \"", key,
          "\" is not known; use page, rows, cols, w, h, margin, margin_top, "
          "margin_left, gap, gap_x, gap_y, module or ec"));
    }
    if (!status.ok()) return status;
  }
  if (custom_grid) {
    // Centre the grid on the page when no margin was given.
    if (layout.margin_left_mm < 0) {
      layout.margin_left_mm =
          (layout.page_width_mm - layout.columns * layout.label_width_mm -
           (layout.columns - 1) * layout.gap_x_mm) /
          2;
    }
    if (layout.margin_top_mm < 0) {
      layout.margin_top_mm =
          (layout.page_height_mm - layout.rows * layout.label_height_mm -
           (layout.rows - 1) * layout.gap_y_mm) /
          2;
    }
  } else if (first_pair < items.size()) {
    layout.name = absl::StrCat(layout.name, "+custom");
  }
  absl::Status valid = ValidateLayout(layout);
  if (!valid.ok()) return valid;
  return layout;
}

absl::Status ValidateLayout(const SheetLayout& layout) {
  if (layout.rows < 1 || layout.columns < 1 || layout.rows > 1000 ||
      layout.columns > 1000) {
    return absl::InvalidArgumentError(
        absl::StrCat("layout has ", layout.rows, " rows and ", layout.columns,
                     " columns; both must be between 1 and 1000"));
  }
  if (!(layout.page_width_mm > 0) || !(layout.page_height_mm > 0) ||
      layout.page_width_mm > 5000 || layout.page_height_mm > 5000) {
    return absl::InvalidArgumentError(absl::StrCat(
        "page size ", layout.page_width_mm, "x", layout.page_height_mm,
        " mm is not usable; give a page between 1 mm and 5000 mm per side"));
  }
  if (!(layout.label_width_mm > 0) || !(layout.label_height_mm > 0)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "label size ", layout.label_width_mm, "x", layout.label_height_mm,
        " mm is not usable; set w and h to positive millimetres"));
  }
  if (layout.margin_top_mm < -kEpsilonMm ||
      layout.margin_left_mm < -kEpsilonMm || layout.gap_x_mm < 0 ||
      layout.gap_y_mm < 0) {
    return absl::InvalidArgumentError(
        "margins and gaps must not be negative; the labels do not fit on the "
        "page (reduce rows, cols, w, h or gap)");
  }
  if (!(layout.module_mm >= kMinModuleMm) || layout.module_mm > 5) {
    return absl::InvalidArgumentError(absl::StrCat(
        "QR module of ", layout.module_mm, " mm is outside ", kMinModuleMm,
        "..5 mm; phone cameras need at least ", kMinModuleMm,
        " mm per module (set module=0.5 for ordinary labels)"));
  }
  const double needed_width = layout.margin_left_mm +
                              layout.columns * layout.label_width_mm +
                              (layout.columns - 1) * layout.gap_x_mm;
  if (needed_width > layout.page_width_mm + kEpsilonMm) {
    return absl::InvalidArgumentError(absl::StrCat(
        layout.columns, " columns of ", Mm(layout.label_width_mm), " with ",
        Mm(layout.gap_x_mm), " gaps and a ", Mm(layout.margin_left_mm),
        " left margin need ", Mm(needed_width), " but the page is ",
        Mm(layout.page_width_mm), " wide; reduce cols, w, gap or margin"));
  }
  const double needed_height = layout.margin_top_mm +
                               layout.rows * layout.label_height_mm +
                               (layout.rows - 1) * layout.gap_y_mm;
  if (needed_height > layout.page_height_mm + kEpsilonMm) {
    return absl::InvalidArgumentError(absl::StrCat(
        layout.rows, " rows of ", Mm(layout.label_height_mm), " with ",
        Mm(layout.gap_y_mm), " gaps and a ", Mm(layout.margin_top_mm),
        " top margin need ", Mm(needed_height), " but the page is ",
        Mm(layout.page_height_mm), " high; reduce rows, h, gap or margin"));
  }
  return absl::OkStatus();
}

absl::Status ValidateQrFits(const LabelGeometry& geometry,
                            int qr_width_modules) {
  const int modules = qr_width_modules + 2 * geometry.quiet_zone_modules;
  const double side = modules * geometry.module_mm;
  const double max_side =
      std::min(geometry.height_mm, geometry.width_mm - kMinTextColumnMm);
  if (side <= max_side + kEpsilonMm) return absl::OkStatus();
  const double fitting_module = std::floor(max_side / modules * 100) / 100;
  std::string advice =
      fitting_module >= kMinModuleMm
          ? absl::StrCat("use a module of ", fitting_module,
                         " mm or less (--module-mm / module=), or a larger "
                         "label")
          : absl::StrCat("even the minimum module of ", kMinModuleMm,
                         " mm does not fit; use a larger label (w, h)");
  return absl::InvalidArgumentError(absl::StrCat(
      "label of ", geometry.width_mm, "x", geometry.height_mm,
      " mm is too small for a QR code of ", qr_width_modules, " modules + ",
      geometry.quiet_zone_modules, "-module quiet zones at ",
      geometry.module_mm, " mm per module (", side, " mm square, leaving ",
      kMinTextColumnMm, " mm for text needs a label at least ",
      side + kMinTextColumnMm, "x", side, " mm); ", advice));
}

}  // namespace ocoptrace::labelgen
