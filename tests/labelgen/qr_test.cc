#include "labelgen/qr.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "labelgen/png_writer.h"
#include "tests/labelgen/test_support.h"

namespace ocoptrace::labelgen {
namespace {

using ::testing::HasSubstr;

// A resolver host of exactly 20 characters, the design's sizing case.
constexpr char kHost20[] = "truyxuat.ocop-bkn.vn";

int VersionFor(const std::string& host, const std::string& lot, EcLevel ec) {
  const std::string url =
      testing::SignedUrl(std::string("https://") + host, lot, "7KQ3M9XW2P");
  absl::StatusOr<QrMatrix> qr = EncodeQr(url, ec);
  EXPECT_TRUE(qr.ok()) << qr.status();
  if (!qr.ok()) return 0;
  EXPECT_EQ(qr->width, 17 + 4 * qr->version);
  EXPECT_EQ(qr->dark.size(), static_cast<size_t>(qr->width * qr->width));
  return qr->version;
}

TEST(EncodeQrTest, UrlShapeIsTheDesignedOne) {
  const std::string url = testing::SignedUrl(std::string("https://") + kHost20,
                                             "L2024A", "7KQ3M9XW2P");
  ASSERT_EQ(std::string(kHost20).size(), 20u);
  ASSERT_THAT(url, HasSubstr("/01/08934563123451/10/L2024A/21/7KQ3M9XW2P?s="));
  ASSERT_EQ(url.size() - url.find("?s=") - 3, 155u);
}

// Measured symbol sizes of full label URLs (lot "L2024A"). A version 7
// symbol at M holds 124 data codewords (992 bits); the 155-digit signature
// alone takes 545 bits in numeric mode and the ~74 other characters at
// least ~450 more, so at M a 20-character host needs version 8 (49 x 49
// modules); version 7 at M holds hosts of up to 12 characters, and level L
// keeps even a 20-character host at version 6. docs/labels.md sizes the
// layouts for version 8.
TEST(EncodeQrTest, FullLabelUrlVersionsByHostLengthAndLevel) {
  EXPECT_EQ(VersionFor(kHost20, "L2024A", EcLevel::kM), 8);
  EXPECT_EQ(VersionFor("tx.ocop.example.vn", "L2024A", EcLevel::kM), 8);
  EXPECT_EQ(VersionFor("txocop.bk.vn", "L2024A", EcLevel::kM), 7);
  EXPECT_EQ(VersionFor(kHost20, "L2024A", EcLevel::kL), 6);
  EXPECT_EQ(VersionFor(kHost20, "L2024A", EcLevel::kQ), 9);
}

TEST(EncodeQrTest, TwentyCharacterLotAndHostStayAtVersion9AtM) {
  EXPECT_LE(VersionFor(kHost20, "ABCDEFGHIJ0123456789", EcLevel::kM), 9);
}

TEST(EncodeQrTest, LevelHNeedsALargerSymbolThanM) {
  // Higher error correction costs modules: the same URL needs a larger
  // symbol at H than at M.
  const std::string url =
      testing::SignedUrl(testing::kResolver, "L2024A", "7KQ3M9XW2P");
  absl::StatusOr<QrMatrix> qr = EncodeQr(url, EcLevel::kM);
  ASSERT_TRUE(qr.ok());
  EXPECT_EQ(qr->version, 8);
  absl::StatusOr<QrMatrix> high = EncodeQr(url, EcLevel::kH);
  ASSERT_TRUE(high.ok());
  EXPECT_GT(high->version, qr->version);
}

TEST(EncodeQrTest, FinderPatternsAreInTheCorners) {
  absl::StatusOr<QrMatrix> qr = EncodeQr("https://tx.ocop.example.vn/");
  ASSERT_TRUE(qr.ok());
  const int w = qr->width;
  for (auto [ox, oy] :
       {std::pair{0, 0}, std::pair{w - 7, 0}, std::pair{0, w - 7}}) {
    EXPECT_TRUE(qr->At(ox, oy));           // outer ring
    EXPECT_TRUE(qr->At(ox + 6, oy + 6));   // outer ring
    EXPECT_FALSE(qr->At(ox + 1, oy + 1));  // light ring
    EXPECT_TRUE(qr->At(ox + 3, oy + 3));   // centre
  }
  EXPECT_FALSE(qr->At(-1, 0));  // quiet zone
  EXPECT_FALSE(qr->At(w, w));
}

TEST(EncodeQrTest, DecodesBackToTheSameBytes) {
  const std::string url =
      testing::SignedUrl(testing::kResolver, "L2024A", "0123456789");
  for (EcLevel level : {EcLevel::kL, EcLevel::kM, EcLevel::kQ, EcLevel::kH}) {
    absl::StatusOr<QrMatrix> qr = EncodeQr(url, level);
    ASSERT_TRUE(qr.ok());
    absl::StatusOr<std::string> png = RenderQrPng(*qr, 3);
    ASSERT_TRUE(png.ok());
    absl::StatusOr<testing::GrayImage> image = testing::DecodePng(*png);
    ASSERT_TRUE(image.ok());
    EXPECT_THAT(testing::DecodeQrCodes(*image), ::testing::ElementsAre(url))
        << "level " << EcLevelName(level);
  }
}

TEST(EncodeQrTest, IsDeterministic) {
  absl::StatusOr<QrMatrix> a = EncodeQr("https://a.example/01/x");
  absl::StatusOr<QrMatrix> b = EncodeQr("https://a.example/01/x");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->dark, b->dark);
}

TEST(EncodeQrTest, RejectsEmptyNulAndOversizedText) {
  EXPECT_THAT(EncodeQr("").status().message(), HasSubstr("empty"));
  EXPECT_THAT(EncodeQr(std::string("ab\0cd", 5)).status().message(),
              HasSubstr("NUL"));
  absl::Status too_long =
      EncodeQr(std::string(4000, 'x'), EcLevel::kH).status();
  EXPECT_EQ(too_long.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(too_long.message(), HasSubstr("4000 bytes does not fit"));
}

TEST(EcLevelTest, ParsesAndNames) {
  EXPECT_EQ(*ParseEcLevel("q"), EcLevel::kQ);
  EXPECT_EQ(*ParseEcLevel("H"), EcLevel::kH);
  EXPECT_STREQ(EcLevelName(EcLevel::kL), "L");
  EXPECT_THAT(ParseEcLevel("X").status().message(),
              HasSubstr("use L, M, Q or H"));
}

}  // namespace
}  // namespace ocoptrace::labelgen
