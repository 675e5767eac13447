#include "epcis/gs1_uri.h"

#include <optional>
#include <string>

#include "gtest/gtest.h"

namespace ocoptrace::epcis {
namespace {

struct Case {
  const char* input;
  const char* canonical;
};

class NormaliseGs1UriTest : public testing::TestWithParam<Case> {};

TEST_P(NormaliseGs1UriTest, GivesTheConstrainedCanonicalDigitalLink) {
  std::optional<std::string> result = NormaliseGs1Uri(GetParam().input);
  ASSERT_TRUE(result.has_value()) << GetParam().input;
  EXPECT_EQ(*result, GetParam().canonical);
}

INSTANTIATE_TEST_SUITE_P(
    EpcUris, NormaliseGs1UriTest,
    testing::Values(
        Case{"urn:epc:id:sgtin:4012345.011111.9876",
             "https://id.gs1.org/01/04012345111118/21/9876"},
        Case{"urn:epc:id:sgtin:415056789012.0.987654",
             "https://id.gs1.org/01/04150567890128/21/987654"},
        // '!', '(' and ')' must be escaped in Digital Link; %XX stays.
        Case{"urn:epc:id:sgtin:0614141.812345.6789%2F%26%25%22!%3F()",
             "https://id.gs1.org/01/80614141123458/21/"
             "6789%2F%26%25%22%21%3F%28%29"},
        Case{"urn:epc:id:sscc:4012345.3111111111",
             "https://id.gs1.org/00/340123451111111111"},
        Case{"urn:epc:id:sgln:4012345.00005.0",
             "https://id.gs1.org/414/4012345000054"},
        Case{"urn:epc:id:sgln:4012345.00005.122",
             "https://id.gs1.org/414/4012345000054/254/122"},
        Case{"urn:epc:id:grai:4012345.00022.334455",
             "https://id.gs1.org/8003/04012345000221334455"},
        Case{"urn:epc:id:giai:4012345.ABC345",
             "https://id.gs1.org/8004/4012345ABC345"},
        Case{"urn:epc:id:gsrn:4012345.0000006765",
             "https://id.gs1.org/8018/401234500000067657"},
        Case{"urn:epc:id:gsrnp:4012345.0000000007",
             "https://id.gs1.org/8017/401234500000000074"},
        Case{"urn:epc:id:gdti:4012345.00009.PO-4711",
             "https://id.gs1.org/253/4012345000092PO-4711"},
        Case{"urn:epc:id:gdti:987659999999..9",
             "https://id.gs1.org/253/98765999999929"},
        Case{"urn:epc:id:cpi:0614141.11111111111111-A%23%2F.1234",
             "https://id.gs1.org/8010/061414111111111111111-A%23%2F/8011/1234"},
        Case{"urn:epc:id:sgcn:4012345.99999.44",
             "https://id.gs1.org/255/401234599999044"},
        Case{"urn:epc:id:ginc:0614141.xyz47%2F11",
             "https://id.gs1.org/401/0614141xyz47%2F11"},
        Case{"urn:epc:id:gsin:4012345.222333444",
             "https://id.gs1.org/402/40123452223334442"},
        Case{"urn:epc:id:itip:4012345.011111.01.02.987",
             "https://id.gs1.org/8006/040123451111180102/21/987"},
        Case{"urn:epc:id:upui:1234567.098765.51qIgY)%3C%26Jp3*j7'SDB",
             "https://id.gs1.org/01/01234567987651/235/"
             "51qIgY%29%3C%26Jp3%2Aj7'SDB"},
        Case{"urn:epc:id:pgln:4000001.00000",
             "https://id.gs1.org/417/4000001000005"},
        Case{"urn:epc:id:pgln:999999999999.",
             "https://id.gs1.org/417/9999999999994"},
        Case{"urn:epc:class:lgtin:4012345.012345.Lot987",
             "https://id.gs1.org/01/04012345123456/10/Lot987"},
        Case{"urn:epc:idpat:sgtin:4012345.044444.*",
             "https://id.gs1.org/01/04012345444445"},
        Case{"urn:epc:idpat:grai:4012345.66666.*",
             "https://id.gs1.org/8003/04012345666663"},
        Case{"urn:epc:idpat:gdti:4012345.55555.*",
             "https://id.gs1.org/253/4012345555554"},
        Case{"urn:epc:idpat:sgcn:4012345.99999.*",
             "https://id.gs1.org/255/4012345999990"},
        Case{"urn:epc:idpat:cpi:4012345.ABC.*",
             "https://id.gs1.org/8010/4012345ABC"},
        Case{"urn:epc:idpat:itip:4012345.012345.01.02.*",
             "https://id.gs1.org/8006/040123451234560102"}));

INSTANTIATE_TEST_SUITE_P(
    DigitalLinkUris, NormaliseGs1UriTest,
    testing::Values(
        // Already canonical.
        Case{"https://id.gs1.org/00/040123450000003338",
             "https://id.gs1.org/00/040123450000003338"},
        // Any host, any path prefix, http or https: rebased on id.gs1.org.
        Case{"https://id.gs1.de/01/04012345999990/21/XYZ-1234",
             "https://id.gs1.org/01/04012345999990/21/XYZ-1234"},
        Case{"http://example.com/some/prefix/414/4012345000115",
             "https://id.gs1.org/414/4012345000115"},
        // Short names, query string, trailing slash.
        Case{"https://example.com/gtin/09780345418913/ser/765tz?abc=211121",
             "https://id.gs1.org/01/09780345418913/21/765tz"},
        Case{"https://id.gs1.org/gtin/9780345418913/",
             "https://id.gs1.org/01/09780345418913"},
        // Only the finest level: the serial drops the lot; CPV is dropped.
        Case{"https://id.gs1.org/01/04012345999990/10/LOT1/21/S1",
             "https://id.gs1.org/01/04012345999990/21/S1"},
        Case{"https://id.gs1.org/01/04012345999990/22/2A/10/LOT1",
             "https://id.gs1.org/01/04012345999990/10/LOT1"},
        // GTIN-8 and GTIN-12 are padded to 14 digits.
        Case{"https://id.gs1.org/01/12345670",
             "https://id.gs1.org/01/00000012345670"},
        Case{"https://id.gs1.org/01/614141123452",
             "https://id.gs1.org/01/00614141123452"},
        Case{"https://id.example.com/8003/040123450007718765",
             "https://id.gs1.org/8003/040123450007718765"},
        Case{"https://id.example.org/8004/401234599999",
             "https://id.gs1.org/8004/401234599999"},
        Case{"https://id.gs1.org/414/4012345000245/254/1",
             "https://id.gs1.org/414/4012345000245/254/1"}));

TEST(NormaliseGs1UriTest, LeavesOtherValuesAlone) {
  for (const char* value : {
           "http://transaction.acme.com/po/12345678",
           "urn:epcglobal:cbv:bt:5200001000008:4711",
           "geo:47.506694,11.104301",
           "https://ref.gs1.org/cbv/BizStep-shipping",
           "http://www.opengis.net/def/crs/EPSG/0/27700",
           "OBSERVE",
           "4711",
           "",
       }) {
    EXPECT_EQ(NormaliseGs1Uri(value), std::nullopt) << value;
  }
}

TEST(NormaliseGs1UriTest, RefusesMalformedKeys) {
  for (const char* value : {
           // Company prefix + item reference must be 13 digits.
           "urn:epc:id:sgtin:4012345.01111.9876",
           // Serial with a character that EPC URIs do not allow.
           "urn:epc:id:sgtin:4012345.011111.98\xC3\xB4",
           // Serial longer than 20 characters.
           "urn:epc:id:sgtin:4012345.011111.123456789012345678901",
           // Unknown EPC scheme.
           "urn:epc:id:foo:4012345.011111.1",
           // Digital Link: GTIN of 11 digits, SSCC of 17 digits.
           "https://id.gs1.org/01/12345678901",
           "https://id.gs1.org/00/04012345000000333",
           // A qualifier without a value.
           "https://id.gs1.org/01/04012345999990/21",
           // Serial and TPX together are not a constrained form.
           "https://id.gs1.org/01/04012345999990/235/A/21/B",
       }) {
    EXPECT_EQ(NormaliseGs1Uri(value), std::nullopt) << value;
  }
}

TEST(Gs1CheckDigitTest, ComputesModulo10) {
  EXPECT_EQ(Gs1CheckDigit("0893500000001"), '4');
  EXPECT_EQ(Gs1CheckDigit("0401234511111"), '8');
  EXPECT_EQ(Gs1CheckDigit("401234500005"), '4');
  EXPECT_EQ(Gs1CheckDigit("34012345111111111"), '1');
  EXPECT_EQ(Gs1CheckDigit("0000000"), '0');
}

}  // namespace
}  // namespace ocoptrace::epcis
