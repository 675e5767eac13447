// Acceptance tests of the cairo renderers with a real decoder: every QR on
// a label PNG and on a rasterised PDF sheet decodes (zbar) to exactly its
// URL; the PDF page size is exact; Vietnamese text is drawn with real
// glyphs; bad input leaves no file behind.

#include "labelgen/render.h"

#include <cairo.h>

#include <cmath>
#include <regex>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "labelgen/compose.h"
#include "labelgen/fonts.h"
#include "labelgen/issuance.h"
#include "labelgen/utf8.h"
#include "tests/labelgen/test_support.h"

namespace ocoptrace::labelgen {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr int kDpi = 300;

std::vector<LabelData> SampleLabels(int count, bool pins) {
  return ToLabelData(testing::MakeSignedIssuance(count, pins, /*seed=*/2024));
}

// Page count and size in points from pdfinfo.
struct PdfInfo {
  int pages = 0;
  double width_pt = 0;
  double height_pt = 0;
};

PdfInfo GetPdfInfo(const std::string& path) {
  std::string output;
  EXPECT_EQ(testing::RunCommand("pdfinfo '" + path + "'", &output), 0)
      << output;
  PdfInfo info;
  std::smatch match;
  if (std::regex_search(output, match, std::regex("Pages:\\s+(\\d+)"))) {
    info.pages = std::stoi(match[1]);
  }
  if (std::regex_search(
          output, match,
          std::regex("Page size:\\s+([0-9.]+) x ([0-9.]+) pts"))) {
    info.width_pt = std::stod(match[1]);
    info.height_pt = std::stod(match[2]);
  }
  return info;
}

int MmToPx(double mm) {
  return static_cast<int>(std::lround(mm * kDpi / 25.4));
}

TEST(RenderLabelPngTest, EveryLabelDecodesToItsUrl) {
  const std::vector<LabelData> labels = SampleLabels(8, /*pins=*/true);
  absl::StatusOr<SheetLayout> a4 = ParseLayout("a4-3x8");
  absl::StatusOr<SheetLayout> roll = ParseLayout("roll-50x30");
  ASSERT_TRUE(a4.ok() && roll.ok());
  for (const SheetLayout* layout : {&*a4, &*roll}) {
    for (int ppm : {4, 8}) {
      for (const LabelData& label : labels) {
        absl::StatusOr<std::string> png =
            RenderLabelPng(label, GeometryOf(*layout), EcLevel::kM, ppm);
        ASSERT_TRUE(png.ok()) << png.status();
        absl::StatusOr<testing::GrayImage> image = testing::DecodePng(*png);
        ASSERT_TRUE(image.ok()) << image.status();
        EXPECT_EQ(image->width, std::lround(layout->label_width_mm /
                                            layout->module_mm * ppm));
        EXPECT_THAT(testing::DecodeQrCodes(*image), ElementsAre(label.url))
            << layout->name << " ppm " << ppm << " serial " << label.serial;
      }
    }
  }
}

TEST(RenderSheetPdfTest, A4SheetHasExactPageSizeAndEveryQrDecodes) {
  const std::vector<LabelData> labels = SampleLabels(30, /*pins=*/true);
  absl::StatusOr<SheetLayout> layout = ParseLayout("a4-3x8");
  ASSERT_TRUE(layout.ok());
  const std::string dir = testing::MakeTempDir();
  const std::string pdf = dir + "/sheet.pdf";
  std::vector<std::pair<int, int>> progress;
  ASSERT_TRUE(RenderSheetPdf(labels, *layout, pdf, [&](int done, int total) {
                progress.emplace_back(done, total);
              }).ok());
  EXPECT_THAT(testing::ListDir(dir), ElementsAre("sheet.pdf"));
  EXPECT_THAT(progress, ElementsAre(std::pair{24, 30}, std::pair{30, 30}));

  const PdfInfo info = GetPdfInfo(pdf);
  EXPECT_EQ(info.pages, 2);
  // A4 = 210 x 297 mm = 595.276 x 841.890 pt.
  EXPECT_NEAR(info.width_pt, 210 * 72 / 25.4, 0.01);
  EXPECT_NEAR(info.height_pt, 297 * 72 / 25.4, 0.01);

  ASSERT_EQ(testing::RunCommand(absl::StrCat("pdftoppm -r ", kDpi, " -gray '",
                                             pdf, "' '", dir, "/page'")),
            0);
  for (int page = 1; page <= 2; ++page) {
    absl::StatusOr<testing::GrayImage> raster =
        testing::ReadPgm(absl::StrCat(dir, "/page-", page, ".pgm"));
    ASSERT_TRUE(raster.ok()) << raster.status();
    EXPECT_NEAR(raster->width, MmToPx(210), 1);
    EXPECT_NEAR(raster->height, MmToPx(297), 1);
    for (int slot = 0; slot < 24; ++slot) {
      const int index = (page - 1) * 24 + slot;
      if (index >= static_cast<int>(labels.size())) break;
      const testing::GrayImage cell = testing::Crop(
          *raster, MmToPx(layout->LabelLeftMm(slot)),
          MmToPx(layout->LabelTopMm(slot)), MmToPx(layout->label_width_mm),
          MmToPx(layout->label_height_mm));
      EXPECT_THAT(testing::DecodeQrCodes(cell), ElementsAre(labels[index].url))
          << "label " << index + 1 << " on page " << page;
    }
  }
}

TEST(RenderSheetPdfTest, RollLayoutPageIsTheLabel) {
  const std::vector<LabelData> labels = SampleLabels(2, /*pins=*/false);
  absl::StatusOr<SheetLayout> layout = ParseLayout("roll-50x30");
  ASSERT_TRUE(layout.ok());
  const std::string dir = testing::MakeTempDir();
  ASSERT_TRUE(RenderSheetPdf(labels, *layout, dir + "/roll.pdf").ok());
  const PdfInfo info = GetPdfInfo(dir + "/roll.pdf");
  EXPECT_EQ(info.pages, 2);
  EXPECT_NEAR(info.width_pt, 50 * 72 / 25.4, 0.01);   // 141.732
  EXPECT_NEAR(info.height_pt, 30 * 72 / 25.4, 0.01);  // 85.039
  ASSERT_EQ(
      testing::RunCommand(absl::StrCat("pdftoppm -r ", kDpi, " -gray '", dir,
                                       "/roll.pdf' '", dir, "/roll'")),
      0);
  for (int page = 1; page <= 2; ++page) {
    absl::StatusOr<testing::GrayImage> raster =
        testing::ReadPgm(absl::StrCat(dir, "/roll-", page, ".pgm"));
    ASSERT_TRUE(raster.ok());
    EXPECT_THAT(testing::DecodeQrCodes(*raster),
                ElementsAre(labels[page - 1].url));
  }
}

// Every Vietnamese letter: 12 vowels x 6 tones, and đ, in both cases (NFC).
constexpr char kVietnameseLetters[] =
    "aàáảãạăằắẳẵặâầấẩẫậeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợuùúủũụưừứửữự"
    "yỳýỷỹỵđAÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬEÈÉẺẼẸÊỀẾỂỄỆIÌÍỈĨỊOÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢUÙÚỦŨỤ"
    "ƯỪỨỬỮỰYỲÝỶỸỴĐ";

TEST(VietnameseTextTest, FontCoversEveryCodePointOfTheNames) {
  std::vector<char32_t> letters;
  ASSERT_TRUE(DecodeUtf8(kVietnameseLetters, &letters, nullptr));
  ASSERT_EQ(letters.size(), 146u);
  absl::StatusOr<const LabelFonts*> fonts = LabelFonts::Get();
  ASSERT_TRUE(fonts.ok()) << fonts.status();
  for (const char* text :
       {testing::kProductName, testing::kProducerName, kScanPrompt, "Mã PIN",
        "Lô: Số sê-ri: HSD:", kVietnameseLetters}) {
    for (FontWeight weight : {FontWeight::kRegular, FontWeight::kBold}) {
      EXPECT_TRUE((*fonts)->CheckCoverage(text, "text", weight).ok())
          << text << ": " << (*fonts)->CheckCoverage(text, "text", weight);
    }
  }
  const absl::Status missing =
      (*fonts)->CheckCoverage("Trà 中", "product_name", FontWeight::kBold);
  EXPECT_EQ(missing.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(missing.message(),
              HasSubstr("product_name: character '中' (U+4E2D) at position 5 "
                        "is not in DejaVuSans-Bold.ttf"));
  EXPECT_THAT(
      (*fonts)->CheckCoverage("a\xC3", "lot", FontWeight::kRegular).message(),
      HasSubstr("lot: byte 2 is not valid UTF-8"));
}

// Ink (dark pixels) inside a box of the label raster.
int InkIn(const testing::GrayImage& image, double x0, double y0, double x1,
          double y1) {
  int ink = 0;
  for (int y = std::max(0, int(y0)); y < std::min(image.height, int(y1)); ++y) {
    for (int x = std::max(0, int(x0)); x < std::min(image.width, int(x1));
         ++x) {
      if (image.At(x, y) < 128) ++ink;
    }
  }
  return ink;
}

TEST(VietnameseTextTest, ProductNameIsDrawnWithInkAcrossItsWidth) {
  LabelData label = SampleLabels(1, /*pins=*/false)[0];
  ASSERT_EQ(label.product_name, "Miến dong Tài Hoan");
  const LabelGeometry geometry{70, 37, 0.5, 4};
  constexpr int kPpm = 8;  // 16 px per mm
  absl::StatusOr<std::string> png =
      RenderLabelPng(label, geometry, EcLevel::kM, kPpm);
  ASSERT_TRUE(png.ok());
  absl::StatusOr<testing::GrayImage> image = testing::DecodePng(*png);
  ASSERT_TRUE(image.ok());

  absl::StatusOr<QrMatrix> qr = EncodeQr(label.url);
  ASSERT_TRUE(qr.ok());
  absl::StatusOr<ComposedLabel> composed = ComposeLabel(label, *qr, geometry);
  ASSERT_TRUE(composed.ok());
  // The name is the leading bold runs (one or two lines).
  std::string joined;
  size_t lines = 0;
  while (lines < composed->texts.size() &&
         composed->texts[lines].weight == FontWeight::kBold &&
         composed->texts[lines].text != "OCOP") {
    if (!joined.empty()) joined += " ";
    joined += composed->texts[lines++].text;
  }
  ASSERT_EQ(joined, "Miến dong Tài Hoan");
  const double px = kPpm / geometry.module_mm;
  for (size_t i = 0; i < lines; ++i) {
    const TextRun& run = composed->texts[i];
    const double width =
        (*LabelFonts::Get())->TextWidth(run.text, run.size_mm, run.weight);
    const double left = run.x_mm * px, right = (run.x_mm + width) * px;
    const double top = (run.baseline_mm - run.size_mm) * px;
    const double bottom = (run.baseline_mm + 0.25 * run.size_mm) * px;
    EXPECT_GT(InkIn(*image, left, top, right, bottom),
              0.08 * (right - left) * (bottom - top))
        << run.text;
    // Ink in the first and the last tenth of the line: all of it is drawn.
    EXPECT_GT(InkIn(*image, left, top, left + (right - left) / 10, bottom), 0);
    EXPECT_GT(InkIn(*image, right - (right - left) / 10, top, right, bottom),
              0);
    if (run.text.find("ế") != std::string::npos) {
      // The accents of "ế" and "à" reach above the cap height: ink in the
      // band between the top of the em box and the caps.
      const double caps = (run.baseline_mm - 0.78 * run.size_mm) * px;
      EXPECT_GT(InkIn(*image, left, top, right, caps), 0);
    }
  }
}

TEST(VietnameseTextTest, DiacriticsAddInkAboveTheBaseLetter) {
  absl::StatusOr<const LabelFonts*> fonts = LabelFonts::Get();
  ASSERT_TRUE(fonts.ok());
  // Topmost ink row of one glyph drawn at 100 px.
  auto top_ink_row = [&](const char* text) {
    cairo_surface_t* surface =
        cairo_image_surface_create(CAIRO_FORMAT_A8, 200, 200);
    cairo_t* cr = cairo_create(surface);
    cairo_set_font_face(cr, (*fonts)->Face(FontWeight::kRegular));
    cairo_set_font_options(cr, (*fonts)->Options());
    cairo_set_font_size(cr, 100);
    cairo_move_to(cr, 20, 150);
    cairo_show_text(cr, text);
    cairo_surface_flush(surface);
    const unsigned char* data = cairo_image_surface_get_data(surface);
    const int stride = cairo_image_surface_get_stride(surface);
    int top = -1;
    for (int y = 0; y < 200 && top < 0; ++y) {
      for (int x = 0; x < 200; ++x) {
        if (data[y * stride + x] > 128) {
          top = y;
          break;
        }
      }
    }
    cairo_destroy(cr);
    cairo_surface_destroy(surface);
    return top;
  };
  const int plain = top_ink_row("e");
  ASSERT_GT(plain, 0);
  for (const char* accented : {"ế", "à", "ộ", "ữ", "ả"}) {
    const int top = top_ink_row(accented);
    ASSERT_GT(top, 0) << accented;
    EXPECT_LT(top, plain - 15) << accented << " has no mark above the letter";
  }
}

TEST(RenderSheetPdfTest, BadInputLeavesNoFile) {
  const std::string dir = testing::MakeTempDir();
  const std::string pdf = dir + "/sheet.pdf";
  std::vector<LabelData> labels = SampleLabels(30, /*pins=*/false);

  // Module too large for a 70 x 37 mm label.
  absl::StatusOr<SheetLayout> big = ParseLayout("a4-3x8,module=0.9");
  ASSERT_TRUE(big.ok());
  absl::Status status = RenderSheetPdf(labels, *big, pdf);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("label 1 (serial "));
  EXPECT_THAT(status.message(), HasSubstr("too small for a QR code"));
  EXPECT_THAT(status.message(),
              HasSubstr("mm or less (--module-mm / module=)"));
  EXPECT_TRUE(testing::ListDir(dir).empty());

  // A character the font cannot draw on label 27 (second page): the first
  // page was already drawn, yet nothing is left behind.
  absl::StatusOr<SheetLayout> a4 = ParseLayout("a4-3x8");
  labels[26].product_name = "Trà 中";
  status = RenderSheetPdf(labels, *a4, pdf);
  EXPECT_THAT(status.message(),
              HasSubstr(absl::StrCat("label 27 (serial ", labels[26].serial,
                                     "): product_name: character '中'")));
  EXPECT_TRUE(testing::ListDir(dir).empty());

  // The output directory does not exist.
  status = RenderSheetPdf(labels, *a4, dir + "/missing/sheet.pdf");
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(status.message(), HasSubstr(dir + "/missing"));

  EXPECT_FALSE(RenderSheetPdf({}, *a4, pdf).ok());
  EXPECT_TRUE(testing::ListDir(dir).empty());
}

}  // namespace
}  // namespace ocoptrace::labelgen
