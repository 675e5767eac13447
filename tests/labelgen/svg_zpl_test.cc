#include <regex>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "labelgen/svg.h"
#include "labelgen/zpl.h"
#include "tests/labelgen/test_support.h"

namespace ocoptrace::labelgen {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

LabelData SampleLabel() {
  LabelData label;
  label.serial = "7KQ3M9XW2P";
  label.url = testing::SignedUrl(testing::kResolver, "L2024A", label.serial);
  label.product_name = testing::kProductName;
  label.producer_name = testing::kProducerName;
  label.lot = "L2024A";
  label.stars = 5;
  label.expiry = "2026-06-30";
  return label;
}

const LabelGeometry kGeometry{70, 37, 0.5, 4};

TEST(SvgTest, QrPathReproducesTheMatrix) {
  const LabelData label = SampleLabel();
  absl::StatusOr<std::string> svg = RenderLabelSvg(label, kGeometry);
  ASSERT_TRUE(svg.ok()) << svg.status();
  EXPECT_THAT(*svg, HasSubstr("width=\"70mm\" height=\"37mm\" "
                              "viewBox=\"0 0 70 37\""));
  absl::StatusOr<QrMatrix> qr = EncodeQr(label.url);
  ASSERT_TRUE(qr.ok());
  // Version 8 (49 modules) with a 4-module quiet zone of 0.5 mm: 28.5 mm
  // square, centred vertically, so the symbol starts at (2, 4.25 + 2).
  ASSERT_EQ(qr->width, 49);
  std::smatch match;
  ASSERT_TRUE(std::regex_search(
      *svg, match,
      std::regex("class=\"qr\" transform=\"translate\\(2 6.25\\) "
                 "scale\\(0.5\\)\"[^>]* d=\"([^\"]*)\"")));
  std::vector<uint8_t> dark(qr->dark.size(), 0);
  const std::string d = match[1];
  std::regex run("M(\\d+) (\\d+)h(\\d+)v1h-(\\d+)z");
  for (auto it = std::sregex_iterator(d.begin(), d.end(), run);
       it != std::sregex_iterator(); ++it) {
    const int x = std::stoi((*it)[1]), y = std::stoi((*it)[2]);
    const int length = std::stoi((*it)[3]);
    ASSERT_EQ(length, std::stoi((*it)[4]));
    for (int i = 0; i < length; ++i) dark[y * qr->width + x + i] = 1;
  }
  EXPECT_EQ(dark, qr->dark);
}

TEST(SvgTest, TextIsEscapedAndVietnameseKept) {
  LabelData label = SampleLabel();
  label.product_name = "Mật <B> & \"H\"";
  absl::StatusOr<std::string> svg = RenderLabelSvg(label, kGeometry);
  ASSERT_TRUE(svg.ok()) << svg.status();
  EXPECT_THAT(*svg, HasSubstr(">Mật &lt;B&gt; &amp; &quot;H&quot;</text>"));
  EXPECT_THAT(*svg, Not(HasSubstr("<B>")));
  EXPECT_THAT(*svg, HasSubstr(">Quét mã để truy xuất nguồn gốc</text>"));
  EXPECT_THAT(*svg, HasSubstr(">Số sê-ri: 7KQ3M9XW2P</text>"));
  EXPECT_THAT(*svg, HasSubstr(">HSD: 30/06/2026</text>"));
  EXPECT_THAT(*svg, HasSubstr("class=\"stars\""));
  EXPECT_THAT(*svg, Not(HasSubstr("class=\"pin\"")));
  EXPECT_EQ(XmlEscape("a'b"), "a&apos;b");
}

TEST(SvgTest, StarsOnlyWithActiveCertificatePinBoxOnlyWithPin) {
  LabelData label = SampleLabel();
  label.stars = 0;
  label.pin = "12345678";
  absl::StatusOr<std::string> svg = RenderLabelSvg(label, kGeometry);
  ASSERT_TRUE(svg.ok());
  EXPECT_THAT(*svg, Not(HasSubstr("class=\"stars\"")));
  EXPECT_THAT(*svg, Not(HasSubstr(">OCOP</text>")));
  EXPECT_THAT(*svg, HasSubstr("class=\"pin\""));
  EXPECT_THAT(*svg, HasSubstr(">Mã PIN</text>"));
  EXPECT_THAT(*svg, HasSubstr(">12345678</text>"));
}

TEST(SvgTest, LabelTooSmallIsAnError) {
  absl::Status status =
      RenderLabelSvg(SampleLabel(), LabelGeometry{30, 20, 0.5, 4}).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("too small for a QR code"));
}

TEST(ZplTest, OneFormatPerLabelWithQrAndEscapedText) {
  LabelData first = SampleLabel();
  first.product_name = "Trà ^Shan_tuyết~";
  first.pin = "87654321";
  LabelData second = SampleLabel();
  second.serial = "0123456789";
  second.url = testing::SignedUrl(testing::kResolver, "L2024A", second.serial);
  absl::StatusOr<std::string> zpl =
      RenderZpl({first, second}, kGeometry, EcLevel::kM);
  ASSERT_TRUE(zpl.ok()) << zpl.status();
  auto count = [&](const std::string& needle) {
    size_t n = 0;
    for (size_t at = zpl->find(needle); at != std::string::npos;
         at = zpl->find(needle, at + 1)) {
      ++n;
    }
    return n;
  };
  EXPECT_EQ(count("^XA"), 2u);
  EXPECT_EQ(count("^XZ"), 2u);
  EXPECT_EQ(count("^CI28"), 2u);
  // 70 x 37 mm at 203 dpi = 8 dots/mm.
  EXPECT_THAT(*zpl, HasSubstr("^PW560\n^LL296\n"));
  // 0.5 mm at 8 dots/mm = magnification 4; quiet zone 4 modules = 16 dots.
  EXPECT_THAT(*zpl, HasSubstr(absl::StrCat("^FO16,")));
  EXPECT_THAT(*zpl,
              HasSubstr(absl::StrCat("^BQN,2,4^FDMA,", first.url, "^FS")));
  EXPECT_THAT(*zpl, HasSubstr(absl::StrCat("^FDMA,", second.url, "^FS")));
  EXPECT_THAT(*zpl, HasSubstr("^FH^FDTrà _5EShan_5Ftuyết_7E^FS"));
  EXPECT_THAT(*zpl, HasSubstr("^FH^FDSố sê-ri: 0123456789^FS"));
  EXPECT_THAT(*zpl, HasSubstr("^FH^FDMã PIN^FS"));
  EXPECT_EQ(count("^GB"), 1u);    // the PIN box, first label only
  EXPECT_EQ(count("^GFA"), 10u);  // five stars on each label
}

TEST(ZplTest, BadOptionsSayWhatToUse) {
  EXPECT_THAT(RenderZpl({SampleLabel()}, kGeometry, EcLevel::kM, {250, "0"})
                  .status()
                  .message(),
              HasSubstr("use 152, 203, 300 or 600"));
  EXPECT_THAT(RenderZpl({SampleLabel()}, LabelGeometry{70, 37, 2, 4},
                        EcLevel::kM, {600, "0"})
                  .status()
                  .message(),
              HasSubstr("^BQ needs 1 to 10 dots"));
  EXPECT_FALSE(RenderZpl({}, kGeometry, EcLevel::kM).ok());
}

TEST(ZplTest, StoredFontUsesTheAtCommand) {
  absl::StatusOr<std::string> zpl =
      RenderZpl({SampleLabel()}, kGeometry, EcLevel::kQ, {300, "E:DEJAVU.TTF"});
  ASSERT_TRUE(zpl.ok());
  EXPECT_THAT(*zpl, HasSubstr(",E:DEJAVU.TTF^FH^FD"));
  EXPECT_THAT(*zpl, HasSubstr("^BQN,2,6^FDQA,"));  // 0.5 mm at 11.8 dots/mm
}

}  // namespace
}  // namespace ocoptrace::labelgen
