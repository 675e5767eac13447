// Tests of core/digital_link.h and core/gs1_ai_table.h against GS1's own
// syntax engine verdicts (tests/data/gs1-dl/cases.tsv) and the dictionary.

#include "core/digital_link.h"

#include <fstream>
#include <random>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "core/gs1_ai_table.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace ocoptrace {
namespace {

using ::testing::HasSubstr;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot open " << path;
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::string DataPath(const std::string& relative) {
  return std::string(OCOPTRACE_TEST_DATA_DIR) + "/" + relative;
}

struct Case {
  std::string uri, result, element_string_or_error, canonical;
};

std::vector<Case> LoadCases() {
  std::vector<Case> cases;
  std::istringstream in(ReadFile(DataPath("gs1-dl/cases.tsv")));
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#' || line.rfind("input_uri", 0) == 0) {
      continue;
    }
    std::vector<std::string> fields;
    std::stringstream ss(line);
    std::string field;
    while (std::getline(ss, field, '\t')) fields.push_back(field);
    fields.resize(4);
    cases.push_back({fields[0], fields[1], fields[2], fields[3]});
  }
  return cases;
}

// The words our message must contain for each kind of error the reference
// engine reports (the texts differ; the meaning must not).
std::string ExpectedPhrase(const std::string& reference_error) {
  const std::pair<const char*, const char*> kPhrases[] = {
      {"check digit is incorrect", "check digit should be"},
      {"too short", "too short"},
      {"too long", "too long"},
      {"not a valid key-qualifier sequence", "key-qualifier sequence"},
      {"should be in the path info", "should be in the path"},
      {"No GS1 DL keys found", "no GS1 Digital Link primary key"},
      {"non-CSET 82 character", "CSET 82"},
      {"illegal month", "illegal month"},
      {"is duplicated", "is duplicated"},
      {"ISO 3166", "ISO 3166"},
  };
  for (const auto& [reference, ours] : kPhrases) {
    if (reference_error.find(reference) != std::string::npos) return ours;
  }
  ADD_FAILURE() << "no expected phrase for: " << reference_error;
  return "";
}

TEST(DigitalLinkCasesTest, EveryRowOfCasesTsvGetsTheReferenceVerdict) {
  const std::vector<Case> cases = LoadCases();
  ASSERT_EQ(cases.size(), 35u);
  int valid = 0;
  int invalid = 0;
  for (const Case& c : cases) {
    SCOPED_TRACE(c.uri);
    absl::StatusOr<DigitalLink> dl = ParseDigitalLink(c.uri);
    if (c.result == "VALID") {
      ++valid;
      ASSERT_TRUE(dl.ok()) << dl.status();
      EXPECT_EQ(ElementString(*dl), c.element_string_or_error);
      EXPECT_EQ(CanonicalGs1Uri(*dl), c.canonical);
    } else {
      ++invalid;
      ASSERT_EQ(c.result, "INVALID");
      ASSERT_FALSE(dl.ok()) << ElementString(*dl);
      EXPECT_EQ(dl.status().code(), absl::StatusCode::kInvalidArgument);
      const std::string message(dl.status().message());
      std::smatch ai;
      if (std::regex_search(c.element_string_or_error, ai,
                            std::regex(R"(AI \(\d+\))"))) {
        EXPECT_THAT(message, HasSubstr(ai.str()));
      }
      EXPECT_THAT(message,
                  HasSubstr(ExpectedPhrase(c.element_string_or_error)));
    }
  }
  EXPECT_EQ(valid, 20);
  EXPECT_EQ(invalid, 15);
}

TEST(DigitalLinkTest, ParsesPartsOfALabelUrl) {
  absl::StatusOr<DigitalLink> dl = ParseDigitalLink(
      "HTTPS://Tx.Example.VN/trace/01/08934563123451/10/LO%2F24/21/"
      "7K3M9QX2TA?17=251231&linkType=gs1:pip&s=0123");
  ASSERT_TRUE(dl.ok()) << dl.status();
  EXPECT_EQ(dl->scheme_host, "https://tx.example.vn");
  EXPECT_EQ(dl->path_stem, "/trace");
  EXPECT_EQ(dl->gtin(), "08934563123451");
  EXPECT_EQ(dl->lot(), "LO/24");
  EXPECT_EQ(dl->serial(), "7K3M9QX2TA");
  ASSERT_NE(dl->Find("17"), nullptr);
  EXPECT_EQ(*dl->Find("17"), "251231");
  EXPECT_EQ(dl->Find("422"), nullptr);
  ASSERT_EQ(dl->other_params.size(), 2u);
  EXPECT_EQ(dl->other_params[0],
            std::make_pair(std::string("linkType"), std::string("gs1:pip")));
  EXPECT_EQ(*dl->FindParam("s"), "0123");
}

TEST(DigitalLinkTest, FormatParseRoundTripWithPercentEncoding) {
  DigitalLink dl;
  dl.scheme_host = "https://tx.example.vn";
  dl.path = {{"01", "08934563123451"}, {"10", "LO/24"}, {"21", "SN+1"}};
  dl.attributes = {{"17", "251231"}, {"7002", "A&B=C"}};
  dl.other_params = {{"linkType", "gs1:certificationInfo"},
                     {"context", "a b&c"}};
  const std::string uri = FormatDigitalLink(dl);
  EXPECT_EQ(uri,
            "https://tx.example.vn/01/08934563123451/10/LO%2F24/21/SN%2B1"
            "?17=251231&7002=A%26B%3DC&linkType=gs1:certificationInfo"
            "&context=a%20b%26c");
  absl::StatusOr<DigitalLink> parsed = ParseDigitalLink(uri);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(*parsed, dl);
}

TEST(DigitalLinkTest, PercentEncodeDlValue) {
  EXPECT_EQ(PercentEncodeDlValue("LO/24"), "LO%2F24");
  EXPECT_EQ(PercentEncodeDlValue("LOT+1"), "LOT%2B1");
  EXPECT_EQ(PercentEncodeDlValue("A-Z.a_z~09"), "A-Z.a_z~09");
  EXPECT_EQ(PercentEncodeDlValue("%\"?#&= "), "%25%22%3F%23%26%3D%20");
  EXPECT_EQ(PercentEncodeDlValue("ô"), "%C3%B4");
}

TEST(DigitalLinkTest, PlusIsASpaceInTheQueryButNotInThePath) {
  absl::StatusOr<DigitalLink> path_plus =
      ParseDigitalLink("https://a.vn/01/08934563123451/10/LOT+1?context=a+b");
  ASSERT_TRUE(path_plus.ok()) << path_plus.status();
  EXPECT_EQ(path_plus->lot(), "LOT+1");
  EXPECT_EQ(*path_plus->FindParam("context"), "a b");
  absl::StatusOr<DigitalLink> query_plus =
      ParseDigitalLink("https://a.vn/01/08934563123451?7002=A+B");
  ASSERT_FALSE(query_plus.ok());
  EXPECT_THAT(query_plus.status().message(), HasSubstr("AI (7002)"));
}

TEST(DigitalLinkTest, TrailingSlashIsRejectedAndSaysSo) {
  // As cases.tsv: the parser rejects it; a resolver strips it first.
  absl::StatusOr<DigitalLink> dl =
      ParseDigitalLink("https://example.vn/01/08934563123451/10/L1/");
  ASSERT_FALSE(dl.ok());
  EXPECT_THAT(dl.status().message(), HasSubstr("remove the trailing '/'"));
  EXPECT_TRUE(ParseDigitalLinkPath("/01/08934563123451/10/L1", "").ok());
}

TEST(DigitalLinkTest, ParseDigitalLinkPathForAServer) {
  absl::StatusOr<DigitalLink> dl = ParseDigitalLinkPath(
      "/traceability/01/08934563123451/10/LOT2024A", "17=251231&linkType=all");
  ASSERT_TRUE(dl.ok()) << dl.status();
  EXPECT_EQ(dl->scheme_host, "");
  EXPECT_EQ(dl->path_stem, "/traceability");
  EXPECT_EQ(ElementString(*dl), "(01)08934563123451(10)LOT2024A(17)251231");
  EXPECT_FALSE(ParseDigitalLinkPath("01/08934563123451", "").ok());
  EXPECT_FALSE(ParseDigitalLinkPath("/01/08934563123451", "17=2512 31").ok());
}

TEST(DigitalLinkTest, VietnameseLotIsRefusedWithTheFieldNamed) {
  absl::StatusOr<DigitalLink> dl =
      ParseDigitalLink("https://a.vn/01/08934563123451/10/CH%C3%88-01");
  ASSERT_FALSE(dl.ok());
  EXPECT_THAT(dl.status().message(),
              HasSubstr("AI (10) BATCH/LOT: 'È' at position 3 is a "
                        "Vietnamese/non-ASCII letter"));
  absl::StatusOr<DigitalLink> raw =
      ParseDigitalLink("https://a.vn/01/08934563123451/10/CHÈ-01");
  ASSERT_FALSE(raw.ok());
  EXPECT_THAT(raw.status().message(), HasSubstr("must be percent-encoded"));
}

TEST(DigitalLinkTest, AttributeRules) {
  auto error = [](const char* uri) {
    absl::StatusOr<DigitalLink> dl = ParseDigitalLink(uri);
    EXPECT_FALSE(dl.ok()) << uri;
    return std::string(dl.status().message());
  };
  EXPECT_THAT(error("https://a.vn/01/08934563123451?9999=1"),
              HasSubstr("AI (9999) is not a known"));
  EXPECT_THAT(error("https://a.vn/01/08934563123451?21=SN1"),
              HasSubstr("AI (21) SERIAL from the query should be in the path"));
  EXPECT_THAT(error("https://a.vn/414/8934563000004?21=SN1"),
              HasSubstr("AI (21) SERIAL is not allowed as a Digital Link "
                        "query attribute"));
  EXPECT_THAT(error("https://a.vn/01/08934563123451?17="),
              HasSubstr("AI (17) USE BY or EXPIRY: the value in the query "
                        "is empty"));
  EXPECT_THAT(error("https://a.vn/01/08934563123451/10//21/X"),
              HasSubstr("the value in the path is empty"));
  // Associations from the dictionary: req= and ex=.
  EXPECT_THAT(error("https://a.vn/00/089345630000000011?10=ABC"),
              HasSubstr("AI (10) BATCH/LOT needs AI (01) or (02)"));
  EXPECT_THAT(error("https://a.vn/01/08934563123451?255=8934563000004123"),
              HasSubstr("cannot be used together with AI (255)"));
}

TEST(DigitalLinkTest, ValueLinters) {
  auto ok = [](const char* uri) { return ParseDigitalLink(uri).ok(); };
  EXPECT_TRUE(ok("https://a.vn/01/08934563123451?17=240229"));
  EXPECT_FALSE(ok("https://a.vn/01/08934563123451?17=230229"));
  EXPECT_FALSE(ok("https://a.vn/01/08934563123451?7007=251200"));
  EXPECT_TRUE(ok("https://a.vn/01/08934563123451?7007=240901240915"));
  EXPECT_TRUE(ok("https://a.vn/00/089345630000000011?4307=VN"));
  EXPECT_FALSE(ok("https://a.vn/00/089345630000000011?4307=XX"));
  EXPECT_FALSE(ok("https://a.vn/00/089345630000000012"));
  EXPECT_FALSE(ok("https://a.vn/414/8934563000001/254/KHO1"));
  EXPECT_FALSE(ok("https://a.vn/01/08934563123451?3103=00125"));
  EXPECT_FALSE(ok("ftp://a.vn/01/08934563123451"));
  EXPECT_FALSE(ok("https://a_b.vn/01/08934563123451"));
  EXPECT_FALSE(ok("https:///01/08934563123451"));
  EXPECT_FALSE(ok("https://a.vn"));
}

TEST(DigitalLinkTest, ElementStringEscapesParenthesis) {
  absl::StatusOr<DigitalLink> dl =
      ParseDigitalLink("https://a.vn/01/08934563123451/10/A(21)B");
  ASSERT_TRUE(dl.ok()) << dl.status();
  EXPECT_EQ(ElementString(*dl), "(01)08934563123451(10)A\\(21)B");
}

TEST(DigitalLinkTest, CanonicalPutsFixedLengthAttributesFirst) {
  absl::StatusOr<DigitalLink> dl =
      ParseDigitalLink("https://a.vn/01/08934563123451?7007=240915&17=251231");
  ASSERT_TRUE(dl.ok()) << dl.status();
  EXPECT_EQ(CanonicalGs1Uri(*dl),
            "https://id.gs1.org/01/08934563123451?17=251231&7007=240915");
  EXPECT_EQ(FormatDigitalLink(*dl),
            "https://a.vn/01/08934563123451?7007=240915&17=251231");
}

TEST(DigitalLinkTest, EncodedQueryNameIsStillAnAi) {
  absl::StatusOr<DigitalLink> dl =
      ParseDigitalLink("https://a.vn/01/08934563123451?%31%37=251231");
  ASSERT_TRUE(dl.ok()) << dl.status();
  EXPECT_EQ(ElementString(*dl), "(01)08934563123451(17)251231");
}

// Property: whatever parses, formats back to a URI that parses to the same
// structure, and its canonical form parses too.
TEST(DigitalLinkTest, RandomLinksRoundTrip) {
  const std::vector<std::string> segments = {"01",
                                             "08934563123451",
                                             "10",
                                             "21",
                                             "22",
                                             "235",
                                             "414",
                                             "8934563000004",
                                             "254",
                                             "00",
                                             "089345630000000011",
                                             "LOT",
                                             "A%2FB",
                                             "x",
                                             "%41",
                                             "50%",
                                             "+",
                                             "(",
                                             "",
                                             "stem",
                                             "A%20B",
                                             "%C3%B4"};
  const std::vector<std::string> params = {
      "17=251231", "linkType=all", "%31%37=251231", "s",
      "=x",        "10=L",         "a+b=c",         "7007=240915",
      "",          "s=1%2B2",      "422=704",       "3103=001250"};
  std::mt19937 random(20240322);
  int parsed = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string uri = "https://A.vn";
    const int n = static_cast<int>(random() % 4);
    for (int j = 0; j < n; ++j)
      uri += "/" + segments[random() % segments.size()];
    if (random() % 2) {
      // A plausible key with qualifiers, to reach the later checks.
      uri += "/01/08934563123451";
      const std::vector<std::string> qualifiers = {"22", "10", "21", "235"};
      const int q = static_cast<int>(random() % 3);
      for (int j = 0; j < q; ++j) {
        uri += "/" + qualifiers[random() % qualifiers.size()] + "/" +
               segments[random() % segments.size()];
      }
    }
    if (random() % 2) {
      uri += "?";
      const int m = static_cast<int>(random() % 4);
      for (int j = 0; j < m; ++j) {
        uri += (j ? "&" : "") + params[random() % params.size()];
      }
    }
    if (random() % 8 == 0) uri += "#frag";
    absl::StatusOr<DigitalLink> dl = ParseDigitalLink(uri);
    if (!dl.ok()) {
      ASSERT_EQ(dl.status().code(), absl::StatusCode::kInvalidArgument);
      continue;
    }
    ++parsed;
    const std::string formatted = FormatDigitalLink(*dl);
    absl::StatusOr<DigitalLink> again = ParseDigitalLink(formatted);
    ASSERT_TRUE(again.ok())
        << uri << " -> " << formatted << ": " << again.status();
    ASSERT_EQ(*again, *dl) << uri << " -> " << formatted;
    absl::StatusOr<DigitalLink> canonical =
        ParseDigitalLink(CanonicalGs1Uri(*dl));
    ASSERT_TRUE(canonical.ok()) << CanonicalGs1Uri(*dl);
    ASSERT_EQ(ElementString(*canonical).size(), ElementString(*dl).size());
  }
  EXPECT_GT(parsed, 500);  // the generator must exercise valid links too
}

TEST(Gs1AiTableTest, CompiledInDictionaryIsThePublishedOne) {
  EXPECT_EQ(std::string(Gs1SyntaxDictionaryText()),
            ReadFile(DataPath("gs1-dl/gs1-syntax-dictionary.txt")));
}

TEST(Gs1AiTableTest, ParsesEveryEntry) {
  const Gs1AiTable& table = Gs1AiTable::Get();
  // 117 lines, ranges expanded (3100-3105 gives six AIs...).
  EXPECT_GT(table.entries().size(), 400u);
  const AiEntry* gtin = table.Find("01");
  ASSERT_NE(gtin, nullptr);
  EXPECT_EQ(gtin->title, "GTIN");
  EXPECT_TRUE(gtin->predefined_length);
  EXPECT_TRUE(gtin->dl_data_attribute);
  EXPECT_TRUE(gtin->dl_primary_key);
  ASSERT_EQ(gtin->components.size(), 1u);
  EXPECT_EQ(gtin->components[0].charset, AiCharset::kNumeric);
  EXPECT_EQ(gtin->components[0].min_length, 14u);
  EXPECT_EQ(gtin->components[0].linters,
            (std::vector<std::string>{"csum", "gcppos2"}));
  EXPECT_EQ(
      gtin->dl_qualifier_alternatives,
      (std::vector<std::vector<std::string>>{{"22", "10", "21"}, {"235"}}));
  EXPECT_EQ(gtin->excludes, (std::vector<std::string>{"255", "37"}));

  const AiEntry* lot = table.Find("10");
  ASSERT_NE(lot, nullptr);
  EXPECT_EQ(lot->min_length(), 1u);
  EXPECT_EQ(lot->max_length(), 20u);
  EXPECT_EQ(lot->components[0].charset, AiCharset::kCset82);
  EXPECT_FALSE(lot->dl_primary_key);

  const AiEntry* harvest = table.Find("7007");
  ASSERT_NE(harvest, nullptr);
  ASSERT_EQ(harvest->components.size(), 2u);
  EXPECT_TRUE(harvest->components[1].optional);
  EXPECT_EQ(harvest->min_length(), 6u);
  EXPECT_EQ(harvest->max_length(), 12u);

  EXPECT_NE(table.Find("3103"), nullptr);
  EXPECT_NE(table.Find("99"), nullptr);
  EXPECT_EQ(table.Find("3106"), nullptr);
  EXPECT_EQ(table.Find("1"), nullptr);

  const AiEntry* gln = table.Find("414");
  ASSERT_NE(gln, nullptr);
  EXPECT_TRUE(gln->IsValidQualifierSequence({"254"}));
  EXPECT_FALSE(gln->IsValidQualifierSequence({"254", "7040"}));
  EXPECT_TRUE(gtin->IsValidQualifierSequence({}));
  EXPECT_TRUE(gtin->IsValidQualifierSequence({"22", "21"}));
  EXPECT_FALSE(gtin->IsValidQualifierSequence({"21", "10"}));
  EXPECT_FALSE(gtin->IsValidQualifierSequence({"235", "10"}));
}

TEST(Gs1AiTableTest, RejectsBrokenDictionaries) {
  EXPECT_FALSE(Gs1AiTable::Parse("").ok());
  EXPECT_FALSE(Gs1AiTable::Parse("01 *? N14,nosuchlinter dlpkey\n").ok());
  EXPECT_FALSE(Gs1AiTable::Parse("01 *? N14\n01 *? N14\n").ok());
  EXPECT_FALSE(Gs1AiTable::Parse("01 *? Q14\n").ok());
  EXPECT_FALSE(Gs1AiTable::Parse("3105-3100 N6\n").ok());
  absl::StatusOr<Gs1AiTable> small =
      Gs1AiTable::Parse("# comment\n\n21  X..20  req=01  # SERIAL\n");
  ASSERT_TRUE(small.ok()) << small.status();
  EXPECT_EQ(small->entries().size(), 1u);
  EXPECT_EQ(small->Find("21")->requires_any_of,
            (std::vector<std::vector<std::vector<std::string>>>{{{"01"}}}));
}

}  // namespace
}  // namespace ocoptrace
