#include "labelgen/layout.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace ocoptrace::labelgen {
namespace {

using ::testing::HasSubstr;

TEST(LayoutTest, EveryPresetIsValidAndHoldsAVersion8Qr) {
  ASSERT_GE(LayoutPresetNames().size(), 4u);
  for (const std::string& name : LayoutPresetNames()) {
    absl::StatusOr<SheetLayout> layout = ParseLayout(name);
    ASSERT_TRUE(layout.ok()) << name << ": " << layout.status();
    EXPECT_EQ(layout->name, name);
    // A full label URL is version 8 (49 modules) at level M; see qr_test.
    EXPECT_TRUE(ValidateQrFits(GeometryOf(*layout), 49).ok()) << name;
  }
}

TEST(LayoutTest, A4ThreeByEightIs24LabelsOf70By37) {
  absl::StatusOr<SheetLayout> layout = ParseLayout("a4-3x8");
  ASSERT_TRUE(layout.ok());
  EXPECT_EQ(layout->page_width_mm, 210);
  EXPECT_EQ(layout->page_height_mm, 297);
  EXPECT_EQ(layout->LabelsPerPage(), 24);
  EXPECT_EQ(layout->label_width_mm, 70);
  EXPECT_EQ(layout->label_height_mm, 37);
  // Slot 4 is row 1, column 1.
  EXPECT_DOUBLE_EQ(layout->LabelLeftMm(4), 70);
  EXPECT_DOUBLE_EQ(layout->LabelTopMm(4), 0.5 + 37);
  // Slot 24 starts the next page at the top-left again.
  EXPECT_DOUBLE_EQ(layout->LabelLeftMm(24), 0);
  EXPECT_DOUBLE_EQ(layout->LabelTopMm(24), 0.5);
}

TEST(LayoutTest, ParsesCustomSpec) {
  absl::StatusOr<SheetLayout> layout =
      ParseLayout("rows=8,cols=2,w=90,h=34,margin=5,gap=2,module=0.45,ec=Q");
  ASSERT_TRUE(layout.ok()) << layout.status();
  EXPECT_EQ(layout->name, "custom");
  EXPECT_EQ(layout->rows, 8);
  EXPECT_EQ(layout->columns, 2);
  EXPECT_DOUBLE_EQ(layout->label_width_mm, 90);
  EXPECT_DOUBLE_EQ(layout->label_height_mm, 34);
  EXPECT_DOUBLE_EQ(layout->margin_top_mm, 5);
  EXPECT_DOUBLE_EQ(layout->margin_left_mm, 5);
  EXPECT_DOUBLE_EQ(layout->gap_x_mm, 2);
  EXPECT_DOUBLE_EQ(layout->gap_y_mm, 2);
  EXPECT_DOUBLE_EQ(layout->module_mm, 0.45);
  EXPECT_EQ(layout->ec, EcLevel::kQ);
  EXPECT_DOUBLE_EQ(layout->LabelLeftMm(1), 5 + 90 + 2);
  EXPECT_DOUBLE_EQ(layout->LabelTopMm(2), 5 + 34 + 2);
}

TEST(LayoutTest, CustomSpecWithoutMarginIsCentred) {
  absl::StatusOr<SheetLayout> layout =
      ParseLayout("page=100x150,rows=2,cols=1,w=60,h=40");
  ASSERT_TRUE(layout.ok()) << layout.status();
  EXPECT_DOUBLE_EQ(layout->margin_left_mm, 20);
  EXPECT_DOUBLE_EQ(layout->margin_top_mm, 35);
}

TEST(LayoutTest, PresetWithOverrides) {
  absl::StatusOr<SheetLayout> layout = ParseLayout("a4-3x8,module=0.4");
  ASSERT_TRUE(layout.ok()) << layout.status();
  EXPECT_EQ(layout->name, "a4-3x8+custom");
  EXPECT_DOUBLE_EQ(layout->module_mm, 0.4);
  EXPECT_EQ(layout->LabelsPerPage(), 24);
}

TEST(LayoutTest, UnknownLayoutNamesThePresets) {
  absl::Status status = ParseLayout("a4-9x99").status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("layout \"a4-9x99\" is not known"));
  EXPECT_THAT(status.message(), HasSubstr("a4-3x8"));
  EXPECT_THAT(status.message(), HasSubstr("roll-50x30"));
}

TEST(LayoutTest, BadSpecsSayWhatToChange) {
  EXPECT_THAT(
      ParseLayout("rows=8,cols=3,w=70,h=37,colour=red").status().message(),
      HasSubstr("layout key \"colour\" is not known"));
  EXPECT_THAT(ParseLayout("rows=x,cols=3,w=70,h=37").status().message(),
              HasSubstr("rows: \"x\" is not a whole number"));
  EXPECT_THAT(ParseLayout("rows=8,cols=3,w=seventy,h=37").status().message(),
              HasSubstr("w: \"seventy\" is not a number"));
  EXPECT_THAT(
      ParseLayout("rows=8,cols=3,w=72,h=37,margin=5,gap=2").status().message(),
      HasSubstr("3 columns of 72 mm with 2 mm gaps and a 5 mm left "
                "margin need 225 mm but the page is 210 mm wide"));
  EXPECT_THAT(
      ParseLayout("rows=9,cols=3,w=70,h=37,margin=0").status().message(),
      HasSubstr("9 rows of 37 mm"));
  EXPECT_THAT(ParseLayout("a4-3x8,module=0.2").status().message(),
              HasSubstr("QR module of 0.2 mm is outside 0.25"));
  EXPECT_THAT(ParseLayout("page=b7,rows=1,cols=1,w=10,h=10").status().message(),
              HasSubstr("not a page size"));
}

TEST(ValidateQrFitsTest, TooSmallLabelGivesTheModuleThatWouldFit) {
  LabelGeometry geometry{30, 20, 0.5, 4};
  // Version 7 (45 modules) + 8 quiet = 53 modules = 26.5 mm > 20 mm.
  absl::Status status = ValidateQrFits(geometry, 45);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(),
              HasSubstr("label of 30x20 mm is too small for a QR code of 45 "
                        "modules"));
  EXPECT_THAT(status.message(), HasSubstr("26.5 mm square"));
  // min(20 high, 30 - 15 text) = 15 mm / 53 modules = 0.28 mm.
  EXPECT_THAT(status.message(), HasSubstr("use a module of 0.28 mm or less"));
  // The same label holds it at 0.28 mm.
  geometry.module_mm = 0.28;
  EXPECT_TRUE(ValidateQrFits(geometry, 45).ok());
  // A label too small even at the minimum module says so.
  LabelGeometry tiny{20, 10, 0.5, 4};
  EXPECT_THAT(ValidateQrFits(tiny, 45).message(),
              HasSubstr("even the minimum module of 0.25 mm does not fit"));
}

}  // namespace
}  // namespace ocoptrace::labelgen
