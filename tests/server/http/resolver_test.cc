// Conformance tests of the GS1 resolver: one test per behaviour of issue 5
// and per SHALL statement of tests/data/resolver/ConformantResolver1_0.txt
// that applies to an uncompressing-free GTIN resolver (quoted above each).
#include "server/http/resolver.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"
#include "tests/server/http/fake_catalog.h"
#include "tests/server/http/http_test_util.h"

namespace ocoptrace::http {
namespace {

using ::testing::AllOf;
using testing::FakeCatalog;
using ::testing::HasSubstr;
using testing::HeaderOf;
using testing::kGtin;
using testing::kLot;
using testing::kSerial;
using testing::MakeRequest;
using ::testing::Not;
using ::testing::StartsWith;

constexpr char kBase[] = "https://tx.ocop.example.vn";

class ResolverTest : public ::testing::Test {
 protected:
  ResolverTest() : resolver_(&catalog_, Options()) {}

  static ResolverOptions Options() {
    ResolverOptions options;
    options.public_base = kBase;
    return options;
  }

  Response Get(const std::string& target,
               std::vector<std::pair<std::string, std::string>> headers = {}) {
    return resolver_.Resolve(MakeRequest("GET", target, std::move(headers)));
  }

  std::string LabelPath() const {
    return absl::StrCat("/01/", kGtin, "/10/", kLot, "/21/", kSerial);
  }
  std::string Sig() const { return catalog_.Signature(kGtin, kLot, kSerial); }

  static nlohmann::json Json(const Response& response) {
    return nlohmann::json::parse(response.body);
  }

  FakeCatalog catalog_;
  Resolver resolver_;
};

// "SHALL redirect to the default link unless there is information supplied
// in the request that can be used to make a better match."
TEST_F(ResolverTest, NoLinkTypeRedirectsToTheLabelPage) {
  Response r = Get(LabelPath() + "?s=" + Sig());
  EXPECT_EQ(r.status, 307);
  EXPECT_EQ(HeaderOf(r, "Location"),
            absl::StrCat("/p", LabelPath(), "?s=", Sig()));
  EXPECT_THAT(HeaderOf(r, "Vary"), HasSubstr("Accept"));
}

TEST_F(ResolverTest, EachLevelRedirectsToItsOwnPage) {
  EXPECT_EQ(HeaderOf(Get(absl::StrCat("/01/", kGtin)), "Location"),
            absl::StrCat("/p/01/", kGtin));
  EXPECT_EQ(
      HeaderOf(Get(absl::StrCat("/01/", kGtin, "/10/", kLot)), "Location"),
      absl::StrCat("/p/01/", kGtin, "/10/", kLot));
}

// "By default, SHALL pass on all key=value pairs in the query string of the
// request URI (if present) when redirecting."
TEST_F(ResolverTest, PassesEveryQueryPairOn) {
  const std::string query = absl::StrCat("s=", Sig(), "&17=261231&foo=bar");
  Response r = Get(LabelPath() + "?" + query);
  EXPECT_EQ(r.status, 307);
  EXPECT_EQ(HeaderOf(r, "Location"),
            absl::StrCat("/p", LabelPath(), "?", query));
}

// "SHOULD tolerate trailing slashes at the end of GS1 Digital Link URIs."
TEST_F(ResolverTest, ToleratesATrailingSlash) {
  Response r = Get(absl::StrCat("/01/", kGtin, "/10/", kLot, "/"));
  EXPECT_EQ(r.status, 307);
  EXPECT_EQ(HeaderOf(r, "Location"),
            absl::StrCat("/p/01/", kGtin, "/10/", kLot));
}

TEST_F(ResolverTest, AcceptsACustomPathStem) {
  Response r = Get(absl::StrCat("/traceability/vn", LabelPath()));
  EXPECT_EQ(r.status, 307);
  EXPECT_EQ(HeaderOf(r, "Location"), absl::StrCat("/p", LabelPath()));
}

// "For primary keys that have key qualifiers, all key qualifiers SHALL be
// supported": 22 (variant), 10 and 21 in the dictionary's order.
TEST_F(ResolverTest, SupportsEveryGtinQualifier) {
  Response r =
      Get(absl::StrCat("/01/", kGtin, "/22/V1/10/", kLot, "/21/", kSerial));
  EXPECT_EQ(r.status, 307);
  EXPECT_EQ(HeaderOf(r, "Location"),
            absl::StrCat("/p/01/", kGtin, "/22/V1/10/", kLot, "/21/", kSerial));
  r = Get(absl::StrCat("/01/", kGtin, "/21/", kSerial));  // Serial, no lot.
  EXPECT_EQ(r.status, 307);
  EXPECT_EQ(HeaderOf(r, "Location"),
            absl::StrCat("/p/01/", kGtin, "/21/", kSerial));
}

// "SHALL support HTTP 1.1 (or higher) GET, HEAD and OPTIONS requests."
TEST_F(ResolverTest, SupportsGetHeadAndOptions) {
  Response head = resolver_.Resolve(MakeRequest("HEAD", LabelPath()));
  EXPECT_EQ(head.status, 307);
  EXPECT_EQ(HeaderOf(head, "Location"), absl::StrCat("/p", LabelPath()));
  Response options = resolver_.Resolve(MakeRequest("OPTIONS", LabelPath()));
  EXPECT_EQ(options.status, 204);
  EXPECT_EQ(HeaderOf(options, "Allow"), "GET, HEAD, OPTIONS");
  EXPECT_EQ(HeaderOf(options, "Access-Control-Allow-Origin"), "*");
  EXPECT_THAT(HeaderOf(options, "Access-Control-Allow-Methods"),
              HasSubstr("HEAD"));
  Response post = resolver_.Resolve(MakeRequest("POST", LabelPath()));
  EXPECT_EQ(post.status, 405);
  EXPECT_EQ(HeaderOf(post, "Allow"), "GET, HEAD, OPTIONS");
}

// "SHALL support CORS": on redirects, linksets and errors alike, exposing
// the Link and Location headers to scripts.
TEST_F(ResolverTest, EveryAnswerCarriesCorsHeaders) {
  for (const std::string& target :
       {LabelPath(), LabelPath() + "?linkType=linkset",
        absl::StrCat("/01/08934563123452"),
        absl::StrCat("/01/", testing::kOtherGtin)}) {
    Response r = Get(target);
    EXPECT_EQ(HeaderOf(r, "Access-Control-Allow-Origin"), "*") << target;
    EXPECT_THAT(HeaderOf(r, "Access-Control-Expose-Headers"),
                AllOf(HasSubstr("Link"), HasSubstr("Location")))
        << target;
  }
}

// "SHOULD expose link to the linkset in an HTTP Link header, even when
// redirecting."
TEST_F(ResolverTest, RedirectsCarryTheLinksetLink) {
  Response r = Get(LabelPath());
  EXPECT_THAT(HeaderOf(r, "Link"),
              HasSubstr(absl::StrCat("<", LabelPath(),
                                     "?linkType=linkset>; rel=\"linkset\"; "
                                     "type=\"application/linkset+json\"")));
  EXPECT_THAT(HeaderOf(r, "Link"),
              HasSubstr(absl::StrCat("<https://id.gs1.org", LabelPath(),
                                     ">; rel=\"owl:sameAs\"")));
}

// "SHALL respond to a query parameter of linkType set to linkset and/or a
// request with the HTTP Accept header set to application/linkset+json by
// returning a list of links ... as per RFC9264."
TEST_F(ResolverTest, LinksetByQueryParameter) {
  Response r = Get(LabelPath() + "?linkType=linkset");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "application/linkset+json");
  EXPECT_EQ(HeaderOf(r, "Location"), "");
  EXPECT_TRUE(Json(r).contains("linkset"));
}

TEST_F(ResolverTest, LinksetByAcceptHeader) {
  Response r = Get(LabelPath(), {{"Accept", "application/linkset+json"}});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "application/linkset+json");
  EXPECT_EQ(HeaderOf(r, "Location"), "");
  // A browser's Accept still gets the redirect.
  r = Get(LabelPath(),
          {{"Accept", "text/html,application/xhtml+xml,*/*;q=0.8"}});
  EXPECT_EQ(r.status, 307);
}

TEST_F(ResolverTest, LinkTypeAllIsTheLinkset) {
  Response r = Get(LabelPath() + "?linkType=all");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "application/linkset+json");
}

// "If the request ... includes one or more key qualifiers, any links
// associated with each level up to the primary key SHALL be included";
// "The URI used as the subject ... SHALL be the uncompressed version";
// "All links ... SHALL include the target URL, the link type and a link
// title, and SHOULD include the human language(s)".
TEST_F(ResolverTest, LinksetHasEveryLevelWithTitledLinks) {
  nlohmann::json linkset =
      Json(Get(LabelPath() + "?linkType=linkset"))["linkset"];
  ASSERT_EQ(linkset.size(), 3u);
  EXPECT_EQ(linkset[0]["anchor"],
            absl::StrCat("https://id.gs1.org", LabelPath()));
  EXPECT_EQ(linkset[1]["anchor"],
            absl::StrCat("https://id.gs1.org/01/", kGtin, "/10/", kLot));
  EXPECT_EQ(linkset[2]["anchor"],
            absl::StrCat("https://id.gs1.org/01/", kGtin));
  EXPECT_EQ(linkset[2]["itemDescription"], "Trà hoa vàng Bắc Kạn");
  EXPECT_EQ(
      linkset[0]["itemDescription"],
      absl::StrCat("Trà hoa vàng Bắc Kạn, lô ", kLot, ", sê-ri ", kSerial));
  const std::string pip = "https://gs1.org/voc/pip";
  const nlohmann::json& pips = linkset[0][pip];
  ASSERT_EQ(pips.size(), 2u);
  EXPECT_EQ(pips[0]["href"], absl::StrCat(kBase, "/p", LabelPath()));
  EXPECT_EQ(pips[0]["title"], "Thông tin sản phẩm");
  EXPECT_EQ(pips[0]["hreflang"], nlohmann::json::array({"vi"}));
  EXPECT_EQ(pips[0]["type"], "text/html");
  EXPECT_EQ(pips[1]["href"],
            absl::StrCat(kBase, "/p", LabelPath(), "?lang=en"));
  EXPECT_EQ(pips[1]["hreflang"], nlohmann::json::array({"en"}));
  EXPECT_TRUE(linkset[0].contains("https://gs1.org/voc/certificationInfo"));
  EXPECT_TRUE(linkset[0].contains("https://gs1.org/voc/traceability"));
  // Traceability starts at the batch level.
  EXPECT_FALSE(linkset[2].contains("https://gs1.org/voc/traceability"));
  for (const auto& item : linkset) {
    for (const auto& [key, links] : item.items()) {
      if (key == "anchor" || key == "itemDescription") continue;
      for (const auto& link : links) {
        EXPECT_TRUE(link.contains("href") && link.contains("title")) << key;
      }
    }
  }
}

// "SHALL recognise one available link as the default for any given request
// URI. The default link SHALL NOT have any optional attributes." "Links
// typed gs1:defaultLink ... SHALL also be described using a descriptive
// link type".
TEST_F(ResolverTest, LinksetHasExactlyOneDefaultLinkWithoutOptionalAttributes) {
  nlohmann::json linkset =
      Json(Get(LabelPath() + "?linkType=linkset"))["linkset"];
  int defaults = 0;
  for (const auto& item : linkset) {
    if (!item.contains("https://gs1.org/voc/defaultLink")) continue;
    for (const auto& link : item["https://gs1.org/voc/defaultLink"]) {
      ++defaults;
      EXPECT_EQ(link.size(), 2u) << link.dump();  // href and title only.
      bool described = false;
      for (const auto& pip : item["https://gs1.org/voc/pip"]) {
        described |= pip["href"] == link["href"];
      }
      EXPECT_TRUE(described);
    }
  }
  EXPECT_EQ(defaults, 1);
  EXPECT_TRUE(linkset[0].contains("https://gs1.org/voc/defaultLink"));
}

// "the resolver SHOULD include an HTTP Link header pointing to a JSON-LD
// context file with a rel type of http://www.w3.org/ns/json-ld#context".
TEST_F(ResolverTest, LinksetPointsToTheJsonLdContext) {
  Response r = Get(LabelPath() + "?linkType=linkset");
  EXPECT_THAT(
      HeaderOf(r, "Link"),
      HasSubstr("<https://ref.gs1.org/standards/resolver/linkset-context>; "
                "rel=\"http://www.w3.org/ns/json-ld#context\"; "
                "type=\"application/ld+json\""));
}

// The linkset "SHALL validate" against the GS1 linkset schema.
TEST_F(ResolverTest, LinksetsValidateAgainstTheGs1Schema) {
  const std::string schema =
      testing::TestDataPath("resolver/linkset/gs1-linkset-schema.json");
  catalog_.product().product_name = "Trà \"hoa\" vàng <b>";
  for (const std::string& target :
       {LabelPath(), absl::StrCat("/01/", kGtin),
        absl::StrCat("/01/", kGtin, "/10/", kLot),
        absl::StrCat("/01/", kGtin, "/10/", kLot, "/21/",
                     testing::kUnknownSerial),
        absl::StrCat("/01/", kGtin, "/22/V1")}) {
    Response r = Get(target + "?linkType=linkset");
    ASSERT_EQ(r.status, 200) << target;
    testing::SchemaResult result =
        testing::ValidateWithJsonSchema(r.body, schema);
    EXPECT_EQ(result.exit_code, 0) << target << "\n"
                                   << result.output << "\n"
                                   << r.body;
  }
}

// The validator itself can fail: the published invalid example must not pass.
TEST_F(ResolverTest, SchemaValidationRejectsTheInvalidExample) {
  std::ifstream in(
      testing::TestDataPath("resolver/linkset/invalid-gs1-example.json"));
  std::string invalid((std::istreambuf_iterator<char>(in)), {});
  ASSERT_FALSE(invalid.empty());
  testing::SchemaResult result = testing::ValidateWithJsonSchema(
      invalid,
      testing::TestDataPath("resolver/linkset/gs1-linkset-schema.json"));
  EXPECT_EQ(result.exit_code, 1) << result.output;
}

// "SHALL redirect to the requested type of link if available", both as a
// CURIE and as a full URI; Accept and Accept-Language pick among links of
// one type.
TEST_F(ResolverTest, LinkTypeRedirectsToThatLink) {
  Response r = Get(LabelPath() + "?linkType=gs1:pip");
  EXPECT_EQ(r.status, 307);
  EXPECT_EQ(HeaderOf(r, "Location"),
            absl::StrCat("/p", LabelPath(), "?linkType=gs1:pip"));
  r = Get(LabelPath() + "?linkType=https://gs1.org/voc/certificationInfo&s=1");
  EXPECT_EQ(r.status, 307);
  EXPECT_EQ(
      HeaderOf(r, "Location"),
      absl::StrCat("/p", LabelPath(),
                   "?linkType=https://gs1.org/voc/certificationInfo&s=1#ocop"));
  r = Get(LabelPath() + "?linkType=gs1:traceability",
          {{"Accept", "application/json"}});
  EXPECT_EQ(HeaderOf(r, "Location"),
            absl::StrCat("/p", LabelPath(),
                         "?format=json&linkType=gs1:traceability"));
  r = Get(LabelPath() + "?linkType=gs1:pip",
          {{"Accept-Language", "en-GB,en;q=0.9"}});
  EXPECT_EQ(HeaderOf(r, "Location"),
            absl::StrCat("/p", LabelPath(), "?lang=en&linkType=gs1:pip"));
}

// "SHALL return a 404 Not Found message if a link of the requested type is
// not available."
TEST_F(ResolverTest, UnavailableOrUnknownLinkTypeIs404) {
  Response r = Get(LabelPath() + "?linkType=gs1:recipeInfo");
  EXPECT_EQ(r.status, 404);
  EXPECT_THAT(r.content_type, StartsWith("text/html"));
  EXPECT_EQ(Get(LabelPath() + "?linkType=banana").status, 404);
  // No traceability link at the product level.
  EXPECT_EQ(
      Get(absl::StrCat("/01/", kGtin, "?linkType=gs1:traceability")).status,
      404);
  // No certificate records: no certificationInfo, and not in the linkset.
  catalog_.set_has_certificates(false);
  EXPECT_EQ(Get(LabelPath() + "?linkType=gs1:certificationInfo").status, 404);
  EXPECT_THAT(Get(LabelPath() + "?linkType=linkset").body,
              Not(HasSubstr("certificationInfo")));
}

// "SHALL extract and syntactically validate the URI and report errors with
// an HTTP response code of 400"; "SHALL NOT use a 200 OK response code with
// a resource that indicates an error condition."
TEST_F(ResolverTest, MalformedDigitalLinksAre400WithTheReason) {
  struct Case {
    std::string target;
    std::string reason;
  };
  const std::vector<Case> cases = {
      {"/01/08934563123452", "check digit"},
      {absl::StrCat("/01/", kGtin, "/21/", kSerial, "/10/", kLot), ""},
      {absl::StrCat("/01/", kGtin, "/10/L%C3%B41"), "(10)"},
      {absl::StrCat("/01/", kGtin, "/10/ABCDEFGHIJKLMNOPQRSTU"), "too long"},
      {"/01/0893456312345", ""},
      {absl::StrCat("/01/", kGtin, "?17=991399"), "(17)"},
  };
  for (const Case& c : cases) {
    Response r = Get(c.target);
    EXPECT_EQ(r.status, 400) << c.target;
    EXPECT_THAT(r.content_type, StartsWith("text/html")) << c.target;
    EXPECT_THAT(r.body, HasSubstr("Mã không hợp lệ")) << c.target;
    EXPECT_THAT(r.body, HasSubstr("Invalid code")) << c.target;
    EXPECT_THAT(r.body, HasSubstr(c.reason)) << c.target;
  }
}

TEST_F(ResolverTest, UnknownGtinIs404) {
  Response r = Get(absl::StrCat("/01/", testing::kOtherGtin));
  EXPECT_EQ(r.status, 404);
  EXPECT_THAT(r.body, HasSubstr("Sản phẩm chưa đăng ký"));
  EXPECT_EQ(Get(absl::StrCat("/01/", testing::kOtherGtin, "?linkType=linkset"))
                .status,
            404);
}

// "For any request URI, no matter how granular, there SHALL be a default
// link at the entry level or higher up the tree": an unknown serial walks
// up to its batch, and the page is told what was not found.
TEST_F(ResolverTest, UnknownSerialWalksUpToTheBatch) {
  Response r = Get(absl::StrCat("/01/", kGtin, "/10/", kLot, "/21/",
                                testing::kUnknownSerial, "?s=123"));
  EXPECT_EQ(r.status, 307);
  EXPECT_EQ(HeaderOf(r, "Location"),
            absl::StrCat("/p/01/", kGtin, "/10/", kLot,
                         "?s=123&unknown_serial=", testing::kUnknownSerial));
  nlohmann::json linkset = Json(Get(
      absl::StrCat("/01/", kGtin, "/10/", kLot, "/21/", testing::kUnknownSerial,
                   "?linkType=linkset")))["linkset"];
  ASSERT_EQ(linkset.size(), 2u);
  EXPECT_EQ(linkset[0]["anchor"],
            absl::StrCat("https://id.gs1.org/01/", kGtin, "/10/", kLot));
  EXPECT_TRUE(linkset[0].contains("https://gs1.org/voc/defaultLink"));
}

TEST_F(ResolverTest, UnknownLotWalksUpToTheProduct) {
  Response r = Get(absl::StrCat("/01/", kGtin, "/10/NOPE%2F1/21/", kSerial));
  EXPECT_EQ(r.status, 307);
  EXPECT_EQ(HeaderOf(r, "Location"),
            absl::StrCat("/p/01/", kGtin, "?unknown_lot=NOPE%2F1"));
  // A serial issued under another lot is unknown under this one.
  catalog_.labels()["ABCDEFGHJK"] = {"OTHER"};
  r = Get(absl::StrCat("/01/", kGtin, "/10/", kLot, "/21/ABCDEFGHJK"));
  EXPECT_THAT(HeaderOf(r, "Location"), HasSubstr("unknown_serial=ABCDEFGHJK"));
}

TEST_F(ResolverTest, OtherPrimaryKeysAndNonLinksAre404) {
  Response r = Get("/414/8934563000011");
  EXPECT_EQ(r.status, 404);
  EXPECT_THAT(r.body, HasSubstr("AI 01"));
  EXPECT_EQ(Get("/robots.txt").status, 404);
  EXPECT_EQ(Get("/").status, 404);
}

// "SHALL provide a resolver description file at /.well-known/gs1resolver";
// "The list of supported primary identifiers SHALL be provided"; "A
// context file ... SHOULD be declared".
TEST_F(ResolverTest, DescriptionFile) {
  Response r = resolver_.DescriptionFile();
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "application/json");
  nlohmann::json d = Json(r);
  EXPECT_EQ(d["resolverRoot"], kBase);
  EXPECT_EQ(d["supportedPrimaryKeys"], nlohmann::json::array({"01"}));
  EXPECT_EQ(d["linkTypeDefaultCanBeLinkset"], false);
  EXPECT_EQ(d["supportedLinkType"][0]["namespace"], "https://gs1.org/voc/");
  EXPECT_EQ(d["supportedLinkType"][0]["prefix"], "gs1:");
  EXPECT_EQ(d["jsonLdContextLocation"],
            "https://ref.gs1.org/standards/resolver/linkset-context");
  EXPECT_EQ(d["activeLinkTypes"]["vi"]["gs1:pip"]["url"],
            "https://gs1.org/voc/pip");
  EXPECT_TRUE(d["activeLinkTypes"]["en"].contains("gs1:traceability"));
  EXPECT_FALSE(d.contains("linkTypeDefaultCanBeAll"));
}

TEST(LinkTypeTermTest, RecognisesCuriesAndUris) {
  EXPECT_EQ(LinkTypeTerm("gs1:pip"), "pip");
  EXPECT_EQ(LinkTypeTerm("https://gs1.org/voc/pip"), "pip");
  EXPECT_EQ(LinkTypeTerm("http://gs1.org/voc/certificationInfo"),
            "certificationInfo");
  EXPECT_EQ(LinkTypeTerm("https://ref.gs1.org/voc/traceability"),
            "traceability");
  EXPECT_EQ(LinkTypeTerm("schema:pip"), "");
  EXPECT_EQ(LinkTypeTerm("gs1:"), "");
  EXPECT_EQ(LinkTypeTerm("gs1:pip/../x"), "");
}

}  // namespace
}  // namespace ocoptrace::http
