// labelgen: renders QR labels from an issuance file (or one URL) to PDF
// sheets, PNG, SVG or ZPL. Flag parsing and wiring only; see docs/labels.md.

#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "labelgen/atomic_file.h"
#include "labelgen/issuance.h"
#include "labelgen/layout.h"
#include "labelgen/png_writer.h"
#include "labelgen/render.h"
#include "labelgen/svg.h"
#include "labelgen/zpl.h"

namespace {

using ocoptrace::labelgen::LabelData;

struct Flags {
  std::string in;
  std::string url;
  LabelData single;
  std::string format = "pdf";
  std::string layout = "a4-3x8";
  std::string ec;
  double module_mm = 0;
  int pixels_per_module = 8;
  int dpi = 203;
  std::string zpl_font = "0";
  std::string out;
  bool quiet = false;
};

absl::Status Run(const Flags& flags) {
  namespace lg = ocoptrace::labelgen;
  absl::StatusOr<lg::SheetLayout> layout = lg::ParseLayout(flags.layout);
  if (!layout.ok()) return layout.status();
  if (!flags.ec.empty()) {
    absl::StatusOr<lg::EcLevel> ec = lg::ParseEcLevel(flags.ec);
    if (!ec.ok()) return ec.status();
    layout->ec = *ec;
  }
  if (flags.module_mm > 0) layout->module_mm = flags.module_mm;
  if (absl::Status valid = lg::ValidateLayout(*layout); !valid.ok()) {
    return valid;
  }

  std::vector<LabelData> labels;
  if (!flags.in.empty()) {
    absl::StatusOr<lg::Issuance> issuance = lg::ReadIssuanceFile(flags.in);
    if (!issuance.ok()) return issuance.status();
    labels = lg::ToLabelData(*issuance);
  } else {
    LabelData label = flags.single;
    label.url = flags.url;
    labels.push_back(std::move(label));
  }

  const lg::LabelGeometry geometry = lg::GeometryOf(*layout);
  const bool show_progress =
      !flags.quiet && static_cast<int>(labels.size()) > layout->LabelsPerPage();
  if (flags.format == "pdf") {
    lg::ProgressCallback progress;
    if (show_progress) {
      progress = [](int done, int total) {
        std::fprintf(stderr, "\rlabelgen: %d/%d labels", done, total);
        if (done == total) std::fputc('\n', stderr);
      };
    }
    return lg::RenderSheetPdf(labels, *layout, flags.out, progress);
  }
  if (flags.format == "zpl") {
    lg::ZplOptions options;
    options.dpi = flags.dpi;
    options.font = flags.zpl_font;
    absl::StatusOr<std::string> zpl =
        lg::RenderZpl(labels, geometry, layout->ec, options);
    if (!zpl.ok()) return zpl.status();
    return lg::WriteFileAtomically(flags.out, *zpl);
  }
  if (flags.format != "png" && flags.format != "svg" &&
      flags.format != "qr-png") {
    return absl::InvalidArgumentError(
        absl::StrCat("format \"", flags.format,
                     "\" is not known; use pdf, png, svg, qr-png or zpl"));
  }
  auto render = [&](const LabelData& label) -> absl::StatusOr<std::string> {
    if (flags.format == "svg") {
      return lg::RenderLabelSvg(label, geometry, layout->ec);
    }
    if (flags.format == "png") {
      return lg::RenderLabelPng(label, geometry, layout->ec,
                                flags.pixels_per_module);
    }
    absl::StatusOr<lg::QrMatrix> qr = lg::EncodeQr(label.url, layout->ec);
    if (!qr.ok()) return qr.status();
    return lg::RenderQrPng(*qr, flags.pixels_per_module);
  };
  if (labels.size() == 1) {
    absl::StatusOr<std::string> bytes = render(labels[0]);
    if (!bytes.ok()) return bytes.status();
    return lg::WriteFileAtomically(flags.out, *bytes);
  }
  absl::StatusOr<std::unique_ptr<lg::AtomicDirectory>> dir =
      lg::AtomicDirectory::Create(flags.out);
  if (!dir.ok()) return dir.status();
  const std::string extension = flags.format == "svg" ? ".svg" : ".png";
  for (size_t i = 0; i < labels.size(); ++i) {
    absl::StatusOr<std::string> bytes = render(labels[i]);
    if (!bytes.ok()) {
      return absl::Status(
          bytes.status().code(),
          absl::StrCat("label ", i + 1, " (serial ", labels[i].serial,
                       "): ", bytes.status().message()));
    }
    const std::string name = absl::StrCat(
        i + 1 < 10000 ? absl::StrFormat("%05d", i + 1) : absl::StrCat(i + 1),
        "-", labels[i].serial, extension);
    if (absl::Status s = (*dir)->WriteFile(name, *bytes); !s.ok()) return s;
    if (show_progress && (i + 1) % 500 == 0) {
      std::fprintf(stderr, "\rlabelgen: %zu/%zu labels", i + 1, labels.size());
    }
  }
  if (show_progress) std::fprintf(stderr, "\n");
  return (*dir)->Commit();
}

}  // namespace

int main(int argc, char** argv) {
  Flags flags;
  CLI::App app{
      "labelgen: render ocoptrace QR labels to PDF sheets, PNG, SVG or ZPL"};
  app.footer(absl::StrCat(
      "Layouts:\n", ocoptrace::labelgen::DescribeLayoutPresets(),
      "custom: rows=8,cols=3,w=70,h=37,margin=5,gap=2,module=0.5 "
      "(keys: page rows cols w h margin margin_top margin_left gap gap_x "
      "gap_y module ec)\n\n"
      "With several labels, png, qr-png and svg write the directory --out "
      "(which must not exist or be empty) holding NNNNN-<serial>.<ext>.\n"
      "See docs/labels.md."));
  auto* in =
      app.add_option("--in", flags.in, "issuance file (JSON lines) to render");
  auto* url = app.add_option("--url", flags.url,
                             "render one label for this URL instead of --in");
  in->excludes(url);
  app.add_option("--product-name", flags.single.product_name,
                 "with --url: product name");
  app.add_option("--producer-name", flags.single.producer_name,
                 "with --url: producer name");
  app.add_option("--lot", flags.single.lot, "with --url: lot (AI 10)");
  app.add_option("--serial", flags.single.serial, "with --url: serial (AI 21)");
  app.add_option("--stars", flags.single.stars,
                 "with --url: OCOP stars (0 = none)")
      ->check(CLI::Range(0, 5));
  app.add_option("--pin", flags.single.pin, "with --url: scratch PIN");
  app.add_option("--expiry", flags.single.expiry,
                 "with --url: expiry date YYYY-MM-DD");
  app.add_option("--format", flags.format, "pdf, png, svg, qr-png or zpl")
      ->capture_default_str();
  app.add_option("--layout", flags.layout,
                 "preset name or custom spec (see below)")
      ->capture_default_str();
  app.add_option("--ec", flags.ec,
                 "QR error correction L, M, Q or H (default: the layout's, M)");
  app.add_option("--module-mm", flags.module_mm,
                 "QR module size in mm (default: the layout's)");
  app.add_option("--ppm", flags.pixels_per_module,
                 "png/qr-png: pixels per QR module")
      ->capture_default_str();
  app.add_option("--dpi", flags.dpi, "zpl: printer resolution")
      ->capture_default_str();
  app.add_option("--zpl-font", flags.zpl_font,
                 "zpl: printer font, 0 or a stored font like E:DEJAVU.TTF")
      ->capture_default_str();
  app.add_option("--out", flags.out, "output file (or directory, see below)")
      ->required();
  app.add_flag("--quiet", flags.quiet, "no progress on stderr");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help exits 0; every usage error exits 2.
    return app.exit(e) == 0 ? 0 : 2;
  }
  if (flags.in.empty() && flags.url.empty()) {
    std::cerr << "labelgen: give --in ISSUANCE.jsonl or --url URL\n";
    return 2;
  }
  const absl::Status status = Run(flags);
  if (!status.ok()) {
    std::cerr << "labelgen: " << status.message() << "\n";
    return 1;
  }
  return 0;
}
