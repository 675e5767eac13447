#include "client/output.h"

#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ocoptrace/v1/trace.pb.h"

namespace ocoptrace::client {
namespace {

TEST(DisplayWidthTest, CountsCodePointsNotBytes) {
  const std::string name = "Miến dong Tài Hoan";
  EXPECT_EQ(name.size(), 21u);  // UTF-8 bytes: ế is 3 bytes, à is 2.
  EXPECT_EQ(DisplayWidth(name), 18u);
  EXPECT_EQ(DisplayWidth("HTX Tài Hoan"), 12u);
  EXPECT_EQ(DisplayWidth("Đ"), 1u);
  EXPECT_EQ(DisplayWidth(""), 0u);
  EXPECT_EQ(DisplayWidth("✓"), 1u);
}

TEST(DisplayWidthTest, CombiningMarksTakeNoColumn) {
  // "Tài" typed decomposed: a + U+0300 COMBINING GRAVE ACCENT.
  EXPECT_EQ(DisplayWidth("Ta\xCC\x80i"), 3u);
  // "ệ" as e + U+0323 (dot below) + U+0302 (circumflex).
  EXPECT_EQ(DisplayWidth("e\xCC\xA3\xCC\x82"), 1u);
}

TEST(DisplayWidthTest, WideAndInvalid) {
  EXPECT_EQ(DisplayWidth("中文"), 4u);
  EXPECT_EQ(DisplayWidth("\xFF\xFE"), 2u);  // Invalid bytes: one each.
}

TEST(PadTest, PadsAndTruncatesByColumns) {
  EXPECT_EQ(PadToWidth("Tài", 5), "Tài  ");
  EXPECT_EQ(PadToWidth("Hoan", 2), "Hoan");
  EXPECT_EQ(TruncateToWidth("Miến dong Tài Hoan", 6), "Miến …");
  EXPECT_EQ(TruncateToWidth("Miến", 4), "Miến");
  EXPECT_EQ(DisplayWidth(TruncateToWidth("Thôn Chè Cọ, xã Côn Minh", 10)), 10u);
}

// The display column at which `cell` starts in `line`.
size_t ColumnOf(const std::string& line, const std::string& cell) {
  size_t byte = line.find(cell);
  return byte == std::string::npos ? std::string::npos
                                   : DisplayWidth(line.substr(0, byte));
}

TEST(TableTest, AlignsVietnameseColumns) {
  Table table({"GTIN", "NAME", "STARS"});
  table.AddRow({"08934563123451", "Miến dong Tài Hoan", "4★"});
  table.AddRow({"08934563000015", "Trà", "5★"});
  table.AddRow({"08934563999990", "Gạo nếp Khẩu Nua Lếch", "-"});
  std::string text = table.Render();
  std::vector<std::string> lines = absl::StrSplit(text, '\n');
  ASSERT_EQ(lines.size(), 6u);  // Header, rule, 3 rows, final "".
  EXPECT_EQ(lines[0], "GTIN            NAME                   STARS");
  EXPECT_EQ(lines[1], "--------------  ---------------------  -----");
  // Every STARS cell starts in the same display column as the header.
  size_t stars_column = ColumnOf(lines[0], "STARS");
  EXPECT_EQ(stars_column, 39u);
  EXPECT_EQ(ColumnOf(lines[2], "4★"), stars_column);
  EXPECT_EQ(ColumnOf(lines[3], "5★"), stars_column);
  EXPECT_EQ(ColumnOf(lines[4], "-"), stars_column);
  EXPECT_EQ(lines[5], "");
}

TEST(TableTest, TruncatesLongCellsAndFlattensNewlines) {
  Table table({"A", "B"}, /*max_cell_width=*/8);
  table.AddRow({"Hợp tác xã Tài Hoan", "two\nlines"});
  table.AddRow({"x"});  // Missing cells are empty.
  std::string text = table.Render();
  EXPECT_THAT(text, ::testing::HasSubstr("Hợp tác…  two lin…"));
  EXPECT_EQ(table.rows(), 2u);
}

TEST(RenderFieldsTest, AlignsNamesAndSkipsEmptyValues) {
  EXPECT_EQ(
      RenderFields(
          {{"tên", "HTX Tài Hoan"}, {"empty", ""}, {"address", "Côn Minh"}}),
      "tên:     HTX Tài Hoan\n"
      "address: Côn Minh\n");
}

TEST(ProtoToJsonTest, UsesProtoFieldNames) {
  v1::BatchRecord record;
  record.set_gtin("08934563123451");
  record.set_lot("L2024A");
  record.mutable_quantity()->set_amount(500);
  record.mutable_quantity()->set_unit("KGM");
  nlohmann::json json = ProtoToJson(record);
  EXPECT_EQ(json["gtin"], "08934563123451");
  EXPECT_EQ(json["lot"], "L2024A");
  EXPECT_EQ(json["quantity"]["unit"], "KGM");
  EXPECT_FALSE(json.contains("production_date"));

  std::ostringstream out;
  Printer printer(out, /*json=*/true);
  printer.Json({{"tên", "Miến dong"}});
  EXPECT_EQ(out.str(), "{\n  \"tên\": \"Miến dong\"\n}\n");  // Not \u-escaped.
}

}  // namespace
}  // namespace ocoptrace::client
