// The published CBV 2.0 event hash vectors (RalphTro/epcis-event-hash-generator
// tests, see tests/data/README.md): every JSON-LD example's pre-hash strings
// and hash IDs, and the differently serialised copies of one event in
// expected_equal/ that must all hash the same.

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "epcis/event_hash.h"
#include "epcis/xml_document.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace ocoptrace::epcis {
namespace {

namespace fs = std::filesystem;

const fs::path kHashData = fs::path(OCOPTRACE_TEST_DATA_DIR) / "epcis-hash";
const fs::path kExamples = kHashData / "RalphTro" / "examples";
const fs::path kExpectedEqual = kHashData / "RalphTro" / "expected_equal";
const fs::path kRegenerated = kHashData / "regenerated";

// The number of JSON-LD examples that come with a .hashes file.
constexpr size_t kJsonLdVectorCount = 22;
// The number of XML examples that come with a .hashes file.
constexpr size_t kXmlVectorCount = 17;

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::vector<std::string> ReadLines(const fs::path& path) {
  std::vector<std::string> lines;
  std::istringstream in(ReadFile(path));
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

// Stems of the examples/*<extension> files that have a .hashes file.
std::vector<std::string> VectorStems(std::string_view extension) {
  std::vector<std::string> stems;
  if (!fs::is_directory(kExamples)) return stems;
  for (const auto& entry : fs::directory_iterator(kExamples)) {
    const fs::path& path = entry.path();
    if (path.extension() != fs::path(extension)) continue;
    fs::path hashes = path;
    hashes.replace_extension(".hashes");
    if (fs::exists(hashes)) stems.push_back(path.stem().string());
  }
  std::sort(stems.begin(), stems.end());
  return stems;
}

nlohmann::json ReadJson(const fs::path& path) {
  return nlohmann::json::parse(ReadFile(path));
}

TEST(EventHashVectorsTest, AllJsonLdVectorsArePresent) {
  EXPECT_EQ(VectorStems(".jsonld").size(), kJsonLdVectorCount)
      << "in " << kExamples;
}

TEST(EventHashVectorsTest, AllXmlVectorsArePresent) {
  EXPECT_EQ(VectorStems(".xml").size(), kXmlVectorCount) << "in " << kExamples;
}

class JsonLdExampleTest : public testing::TestWithParam<std::string> {
 protected:
  fs::path Example(const char* extension) const {
    return kExamples / (GetParam() + extension);
  }
};

TEST_P(JsonLdExampleTest, PreHashStringsMatch) {
  // Three examples' committed pre-hashes are stale: use the regenerated ones.
  fs::path expected_file = kRegenerated / (GetParam() + ".prehashes");
  if (!fs::exists(expected_file)) expected_file = Example(".prehashes");
  if (!fs::exists(expected_file)) {
    GTEST_SKIP() << GetParam() << " publishes hashes only (see HashIdsMatch)";
  }
  std::vector<std::string> expected = ReadLines(expected_file);

  absl::StatusOr<std::vector<std::string>> pre_hashes =
      DocumentPreHashStrings(ReadJson(Example(".jsonld")));
  ASSERT_TRUE(pre_hashes.ok()) << pre_hashes.status();
  ASSERT_EQ(pre_hashes->size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ((*pre_hashes)[i], expected[i]) << "event " << i;
  }
}

TEST_P(JsonLdExampleTest, HashIdsMatch) {
  std::vector<std::string> expected = ReadLines(Example(".hashes"));
  ASSERT_FALSE(expected.empty());

  absl::StatusOr<std::vector<std::string>> ids =
      DocumentEventHashIds(ReadJson(Example(".jsonld")));
  ASSERT_TRUE(ids.ok()) << ids.status();
  EXPECT_THAT(*ids, testing::ElementsAreArray(expected));
}

INSTANTIATE_TEST_SUITE_P(RalphTroExamples, JsonLdExampleTest,
                         testing::ValuesIn(VectorStems(".jsonld")),
                         [](const testing::TestParamInfo<std::string>& info) {
                           std::string name = info.param;
                           std::replace_if(
                               name.begin(), name.end(),
                               [](char c) { return !std::isalnum(c); }, '_');
                           return name;
                         });

// The XML examples: where a JSON-LD twin exists they share its .hashes,
// since the same event must hash the same in both syntaxes.
class XmlExampleTest : public testing::TestWithParam<std::string> {
 protected:
  fs::path Example(const char* extension) const {
    return kExamples / (GetParam() + extension);
  }
};

TEST_P(XmlExampleTest, PreHashStringsMatch) {
  fs::path expected_file = kRegenerated / (GetParam() + ".prehashes");
  if (!fs::exists(expected_file)) expected_file = Example(".prehashes");
  if (!fs::exists(expected_file)) {
    GTEST_SKIP() << GetParam() << " publishes hashes only (see HashIdsMatch)";
  }
  std::vector<std::string> expected = ReadLines(expected_file);

  absl::StatusOr<std::vector<std::string>> pre_hashes =
      XmlDocumentPreHashStrings(ReadFile(Example(".xml")));
  ASSERT_TRUE(pre_hashes.ok()) << pre_hashes.status();
  ASSERT_EQ(pre_hashes->size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ((*pre_hashes)[i], expected[i]) << "event " << i;
  }
}

TEST_P(XmlExampleTest, HashIdsMatch) {
  std::vector<std::string> expected = ReadLines(Example(".hashes"));
  ASSERT_FALSE(expected.empty());

  absl::StatusOr<std::vector<std::string>> ids =
      XmlDocumentEventHashIds(ReadFile(Example(".xml")));
  ASSERT_TRUE(ids.ok()) << ids.status();
  EXPECT_THAT(*ids, testing::ElementsAreArray(expected));
}

INSTANTIATE_TEST_SUITE_P(RalphTroExamples, XmlExampleTest,
                         testing::ValuesIn(VectorStems(".xml")),
                         [](const testing::TestParamInfo<std::string>& info) {
                           std::string name = info.param;
                           std::replace_if(
                               name.begin(), name.end(),
                               [](char c) { return !std::isalnum(c); }, '_');
                           return name;
                         });

// One line of regenerated/expected_equal.hashes: the file, the hash every
// event in it yields, and the number of events.
struct ExpectedEqual {
  std::string file;
  std::string hash;
  size_t events = 0;
};

std::vector<ExpectedEqual> ExpectedEqualVectors() {
  std::vector<ExpectedEqual> vectors;
  for (const std::string& line :
       ReadLines(kRegenerated / "expected_equal.hashes")) {
    if (line[0] == '#') continue;
    std::istringstream fields(line);
    ExpectedEqual vector;
    std::string count;  // "(3 events)"
    std::getline(fields, vector.file, '\t');
    std::getline(fields, vector.hash, '\t');
    std::getline(fields, count);
    vector.events = std::stoul(count.substr(1));
    vectors.push_back(vector);
  }
  return vectors;
}

TEST(EventHashVectorsTest, AllExpectedEqualVectorsArePresent) {
  EXPECT_EQ(ExpectedEqualVectors().size(), 11u);
}

class ExpectedEqualTest : public testing::TestWithParam<ExpectedEqual> {};

TEST_P(ExpectedEqualTest, EveryEventHashesTheSame) {
  const ExpectedEqual& vector = GetParam();
  const fs::path path = kExpectedEqual / vector.file;
  ASSERT_TRUE(fs::exists(path)) << path;
  absl::StatusOr<std::vector<std::string>> ids =
      path.extension() == ".xml" ? XmlDocumentEventHashIds(ReadFile(path))
                                 : DocumentEventHashIds(ReadJson(path));
  ASSERT_TRUE(ids.ok()) << ids.status();
  EXPECT_EQ(ids->size(), vector.events);
  EXPECT_THAT(*ids, testing::Each(vector.hash));
}

INSTANTIATE_TEST_SUITE_P(RalphTroExpectedEqual, ExpectedEqualTest,
                         testing::ValuesIn(ExpectedEqualVectors()),
                         [](const testing::TestParamInfo<ExpectedEqual>& info) {
                           std::string name = info.param.file;
                           std::replace_if(
                               name.begin(), name.end(),
                               [](char c) { return !std::isalnum(c); }, '_');
                           return name;
                         });

}  // namespace
}  // namespace ocoptrace::epcis
