#include "labelgen/png_writer.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/labelgen/test_support.h"

namespace ocoptrace::labelgen {
namespace {

using ::testing::HasSubstr;

TEST(RenderQrPngTest, IsOneBitGrayWithExactModulesAndQuietZone) {
  const std::string url =
      testing::SignedUrl(testing::kResolver, "L2024A", "7KQ3M9XW2P");
  absl::StatusOr<QrMatrix> qr = EncodeQr(url);
  ASSERT_TRUE(qr.ok());
  constexpr int kPpm = 4;
  absl::StatusOr<std::string> png = RenderQrPng(*qr, kPpm, 4, 7874);
  ASSERT_TRUE(png.ok()) << png.status();
  // IHDR: width, height, bit depth 1, colour type 0 (gray).
  ASSERT_GT(png->size(), 33u);
  auto be32 = [&](size_t at) {
    return (uint32_t(uint8_t((*png)[at])) << 24) |
           (uint32_t(uint8_t((*png)[at + 1])) << 16) |
           (uint32_t(uint8_t((*png)[at + 2])) << 8) | uint8_t((*png)[at + 3]);
  };
  const uint32_t side = (qr->width + 8) * kPpm;
  EXPECT_EQ(png->substr(12, 4), "IHDR");
  EXPECT_EQ(be32(16), side);
  EXPECT_EQ(be32(20), side);
  EXPECT_EQ((*png)[24], 1);  // bit depth
  EXPECT_EQ((*png)[25], 0);  // grayscale
  EXPECT_NE(png->find("pHYs"), std::string::npos);

  absl::StatusOr<testing::GrayImage> image = testing::DecodePng(*png);
  ASSERT_TRUE(image.ok());
  for (int y = 0; y < image->height; ++y) {
    for (int x = 0; x < image->width; ++x) {
      const bool dark = qr->At(x / kPpm - 4, y / kPpm - 4);
      ASSERT_EQ(image->At(x, y), dark ? 0 : 255) << x << "," << y;
    }
  }
  EXPECT_THAT(testing::DecodeQrCodes(*image), ::testing::ElementsAre(url));
}

TEST(RenderQrPngTest, RejectsBadParameters) {
  absl::StatusOr<QrMatrix> qr = EncodeQr("https://x.example/");
  ASSERT_TRUE(qr.ok());
  EXPECT_THAT(RenderQrPng(*qr, 0).status().message(),
              HasSubstr("pixels per module 0"));
  EXPECT_THAT(RenderQrPng(*qr, 2, 3).status().message(),
              HasSubstr("at least 4"));
  EXPECT_FALSE(RenderQrPng(QrMatrix{}, 2).ok());
}

TEST(EncodeGrayPngTest, RoundTrips) {
  std::vector<uint8_t> pixels(7 * 5);
  for (size_t i = 0; i < pixels.size(); ++i) pixels[i] = uint8_t(i * 7);
  absl::StatusOr<std::string> png = EncodeGrayPng(pixels.data(), 7, 5, 7);
  ASSERT_TRUE(png.ok());
  absl::StatusOr<testing::GrayImage> image = testing::DecodePng(*png);
  ASSERT_TRUE(image.ok());
  EXPECT_EQ(image->width, 7);
  EXPECT_EQ(image->height, 5);
  EXPECT_EQ(image->pixels, pixels);
  EXPECT_FALSE(EncodeGrayPng(pixels.data(), 0, 5, 7).ok());
}

}  // namespace
}  // namespace ocoptrace::labelgen
