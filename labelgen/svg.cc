#include "labelgen/svg.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace ocoptrace::labelgen {
namespace {

// Millimetres with at most 3 decimals (1 µm), trailing zeros dropped.
std::string Num(double value) {
  std::string text = absl::StrFormat("%.3f", value);
  while (!text.empty() && text.back() == '0') text.pop_back();
  if (!text.empty() && text.back() == '.') text.pop_back();
  if (text == "-0") text = "0";
  return text;
}

}  // namespace

std::string XmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string ComposedLabelToSvg(const ComposedLabel& label) {
  std::string svg = absl::StrCat(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"",
      Num(label.width_mm), "mm\" height=\"", Num(label.height_mm),
      "mm\" viewBox=\"0 0 ", Num(label.width_mm), " ", Num(label.height_mm),
      "\">\n<rect width=\"", Num(label.width_mm), "\" height=\"",
      Num(label.height_mm), "\" fill=\"#fff\"/>\n");

  // The QR in module units: "M x y h len v1 h-len z" per dark run.
  absl::StrAppend(&svg, "<path class=\"qr\" transform=\"translate(",
                  Num(label.qr_left_mm), " ", Num(label.qr_top_mm), ") scale(",
                  Num(label.module_mm),
                  ")\" shape-rendering=\"crispEdges\" fill=\"#000\" d=\"");
  for (const QrRun& run : DarkRuns(label.qr)) {
    absl::StrAppend(&svg, "M", run.x, " ", run.y, "h", run.length, "v1h-",
                    run.length, "z");
  }
  svg += "\"/>\n";

  if (!label.stars.empty()) {
    svg += "<path class=\"stars\" fill=\"#000\" d=\"";
    for (const StarMark& star : label.stars) {
      const auto points = StarOutline(star);
      for (size_t i = 0; i < points.size(); ++i) {
        absl::StrAppend(&svg, i == 0 ? "M" : "L", Num(points[i].first), " ",
                        Num(points[i].second));
      }
      svg += "Z";
    }
    svg += "\"/>\n";
  }
  if (label.pin_box.has_value()) {
    const BoxMark& box = *label.pin_box;
    const double inset = box.line_width_mm / 2;
    absl::StrAppend(&svg, "<rect class=\"pin\" x=\"", Num(box.x_mm + inset),
                    "\" y=\"", Num(box.y_mm + inset), "\" width=\"",
                    Num(box.width_mm - 2 * inset), "\" height=\"",
                    Num(box.height_mm - 2 * inset),
                    "\" fill=\"none\" stroke=\"#000\" stroke-width=\"",
                    Num(box.line_width_mm), "\"/>\n");
  }
  svg +=
      "<g font-family=\"'DejaVu Sans', 'Noto Sans', sans-serif\" "
      "fill=\"#000\">\n";
  for (const TextRun& run : label.texts) {
    absl::StrAppend(
        &svg, "<text x=\"", Num(run.x_mm), "\" y=\"", Num(run.baseline_mm),
        "\" font-size=\"", Num(run.size_mm), "\"",
        run.weight == FontWeight::kBold ? " font-weight=\"bold\"" : "", ">",
        XmlEscape(run.text), "</text>\n");
  }
  svg += "</g>\n</svg>\n";
  return svg;
}

absl::StatusOr<std::string> RenderLabelSvg(const LabelData& label,
                                           const LabelGeometry& geometry,
                                           EcLevel ec) {
  absl::StatusOr<QrMatrix> qr = EncodeQr(label.url, ec);
  if (!qr.ok()) return qr.status();
  absl::StatusOr<ComposedLabel> composed =
      ComposeLabel(label, *std::move(qr), geometry);
  if (!composed.ok()) return composed.status();
  return ComposedLabelToSvg(*composed);
}

}  // namespace ocoptrace::labelgen
