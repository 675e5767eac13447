// The labelgen binary end to end: issuance file in, PDF / PNG / ZPL out,
// clear errors and no partial output on bad input.

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "labelgen/issuance.h"
#include "tests/labelgen/test_support.h"

namespace ocoptrace::labelgen {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

class LabelgenCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::MakeTempDir();
    issuance_ = testing::MakeSignedIssuance(3, /*pins=*/true, /*seed=*/99);
    input_ = dir_ + "/in/batch.jsonl";
    testing::RunCommand("mkdir -p '" + dir_ + "/in' '" + dir_ + "/out'");
    testing::WriteFile(input_, FormatIssuance(issuance_));
  }
  int Labelgen(const std::string& args, std::string* output) {
    return testing::RunCommand(absl::StrCat(LABELGEN_BINARY, " ", args),
                               output);
  }
  std::string Out(const std::string& name) { return dir_ + "/out/" + name; }

  std::string dir_;
  std::string input_;
  Issuance issuance_;
};

TEST_F(LabelgenCliTest, RendersAPdfSheet) {
  std::string output;
  ASSERT_EQ(Labelgen("--in " + input_ + " --format pdf --layout a4-2x5 --out " +
                         Out("labels.pdf"),
                     &output),
            0)
      << output;
  EXPECT_THAT(testing::ListDir(dir_ + "/out"), ElementsAre("labels.pdf"));
  EXPECT_EQ(testing::ReadFile(Out("labels.pdf")).substr(0, 5), "%PDF-");
}

TEST_F(LabelgenCliTest, SeveralPngsGoToADirectoryNamedBySerial) {
  std::string output;
  ASSERT_EQ(
      Labelgen("--in " + input_ + " --format png --out " + Out("png"), &output),
      0)
      << output;
  std::vector<std::string> expected;
  for (size_t i = 0; i < issuance_.labels.size(); ++i) {
    expected.push_back(
        absl::StrCat("0000", i + 1, "-", issuance_.labels[i].serial, ".png"));
  }
  EXPECT_EQ(testing::ListDir(Out("png")), expected);
  for (size_t i = 0; i < expected.size(); ++i) {
    absl::StatusOr<testing::GrayImage> image =
        testing::DecodePng(testing::ReadFile(Out("png/" + expected[i])));
    ASSERT_TRUE(image.ok());
    EXPECT_THAT(testing::DecodeQrCodes(*image),
                ElementsAre(issuance_.labels[i].url));
  }
  EXPECT_THAT(testing::ListDir(dir_ + "/out"), ElementsAre("png"));
}

TEST_F(LabelgenCliTest, SingleUrlToPngAndQrOnlyPng) {
  const std::string url = issuance_.labels[0].url;
  std::string output;
  ASSERT_EQ(Labelgen("--url '" + url +
                         "' --product-name 'Miến dong Tài Hoan' --lot L2024A "
                         "--serial " +
                         issuance_.labels[0].serial +
                         " --stars 5 --format png "
                         "--out " +
                         Out("label.png"),
                     &output),
            0)
      << output;
  ASSERT_EQ(Labelgen("--url '" + url + "' --format qr-png --ppm 3 --out " +
                         Out("qr.png"),
                     &output),
            0)
      << output;
  for (const char* name : {"label.png", "qr.png"}) {
    absl::StatusOr<testing::GrayImage> image =
        testing::DecodePng(testing::ReadFile(Out(name)));
    ASSERT_TRUE(image.ok()) << name;
    EXPECT_THAT(testing::DecodeQrCodes(*image), ElementsAre(url)) << name;
  }
}

TEST_F(LabelgenCliTest, ZplFile) {
  std::string output;
  ASSERT_EQ(Labelgen("--in " + input_ +
                         " --format zpl --layout roll-50x30 "
                         "--out " +
                         Out("labels.zpl"),
                     &output),
            0)
      << output;
  const std::string zpl = testing::ReadFile(Out("labels.zpl"));
  EXPECT_THAT(zpl, HasSubstr(absl::StrCat("^FDMA,", issuance_.labels[2].url)));
  EXPECT_THAT(zpl, HasSubstr("^PW400\n^LL240\n"));  // 50 x 30 mm at 8 dots/mm
}

TEST_F(LabelgenCliTest, MalformedIssuanceFileNamesTheLineAndWritesNothing) {
  std::string text = FormatIssuance(issuance_);
  const size_t third = text.find('\n', text.find('\n') + 1) + 1;
  text.insert(third, "{\"serial\": broken\n");
  testing::WriteFile(input_, text);
  std::string output;
  EXPECT_EQ(
      Labelgen("--in " + input_ + " --format pdf --out " + Out("labels.pdf"),
               &output),
      1);
  EXPECT_THAT(output,
              HasSubstr("labelgen: " + input_ + " line 3: not a JSON object"));
  EXPECT_THAT(testing::ListDir(dir_ + "/out"), IsEmpty());
}

TEST_F(LabelgenCliTest, UnknownLayoutAndOversizedModuleAreClearErrors) {
  std::string output;
  EXPECT_EQ(
      Labelgen("--in " + input_ + " --layout a4-5x5 --out " + Out("labels.pdf"),
               &output),
      1);
  EXPECT_THAT(output, HasSubstr("layout \"a4-5x5\" is not known; use one of "
                                "a4-3x8"));
  EXPECT_EQ(Labelgen("--in " + input_ +
                         " --layout a4-4x10 --module-mm 0.6 "
                         "--out " +
                         Out("labels.pdf"),
                     &output),
            1);
  EXPECT_THAT(output, HasSubstr("label of 48.5x25.4 mm is too small for a QR "
                                "code"));
  EXPECT_EQ(Labelgen("--in " + input_ +
                         " --format png --layout a4-4x10 "
                         "--module-mm 0.6 --out " +
                         Out("png"),
                     &output),
            1);
  EXPECT_THAT(output, HasSubstr("label 1 (serial "));
  EXPECT_EQ(
      Labelgen("--in " + input_ + " --format gif --out " + Out("x"), &output),
      1);
  EXPECT_THAT(output, HasSubstr("format \"gif\" is not known"));
  EXPECT_THAT(testing::ListDir(dir_ + "/out"), IsEmpty());
}

TEST_F(LabelgenCliTest, RefusesToOverwriteANonEmptyDirectory) {
  testing::RunCommand("mkdir -p '" + Out("png") + "' && touch '" +
                      Out("png/keep.txt") + "'");
  std::string output;
  EXPECT_EQ(
      Labelgen("--in " + input_ + " --format png --out " + Out("png"), &output),
      1);
  EXPECT_THAT(output, HasSubstr("already exists; remove it or choose a new "
                                "directory"));
  EXPECT_THAT(testing::ListDir(Out("png")), ElementsAre("keep.txt"));
  EXPECT_THAT(testing::ListDir(dir_ + "/out"), ElementsAre("png"));
}

}  // namespace
}  // namespace ocoptrace::labelgen
