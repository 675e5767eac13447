// The XML reader and the EPCIS XML front end of the event hash.

#include <string>
#include <vector>

#include "epcis/event_hash.h"
#include "epcis/xml_document.h"
#include "epcis/xml_reader.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace ocoptrace::epcis {
namespace {

using testing::HasSubstr;

TEST(ParseXmlTest, ResolvesNamespacesAndDecodesText) {
  absl::StatusOr<XmlElement> root = ParseXml(
      "\xEF\xBB\xBF<?xml version=\"1.0\"?>\n<!-- prolog comment -->\n"
      "<a:root xmlns:a=\"urn:a\" xmlns=\"urn:default\" x='1 &amp; 2'>"
      "<child a:y=\"v\">x &lt; y &#x1EA1;&#233;<![CDATA[<raw>]]><!--c-->"
      "<?pi?></child><empty/></a:root>");
  ASSERT_TRUE(root.ok()) << root.status();
  EXPECT_EQ(root->namespace_uri, "urn:a");
  EXPECT_EQ(root->local_name, "root");
  ASSERT_EQ(root->attributes.size(), 1u);
  EXPECT_EQ(root->attributes[0].namespace_uri, "");
  EXPECT_EQ(root->attributes[0].value, "1 & 2");
  EXPECT_THAT(root->prefix_declarations,
              testing::ElementsAre(testing::Pair("a", "urn:a")));
  ASSERT_EQ(root->children.size(), 2u);
  const XmlElement& child = root->children[0];
  EXPECT_EQ(child.namespace_uri, "urn:default");
  EXPECT_EQ(child.text, "x < y \xE1\xBA\xA1\xC3\xA9<raw>");
  ASSERT_EQ(child.attributes.size(), 1u);
  EXPECT_EQ(child.attributes[0].namespace_uri, "urn:a");
  EXPECT_EQ(child.attributes[0].local_name, "y");
  EXPECT_EQ(root->children[1].local_name, "empty");
}

TEST(ParseXmlTest, RefusesMalformedDocuments) {
  struct Case {
    const char* xml;
    const char* message;
  };
  for (const Case& c : {
           Case{"", "root element"},
           Case{"<a><b></a>", "expected </b>"},
           Case{"<a>", "not closed"},
           Case{"<a x=1/>", "quoted"},
           Case{"<p:a/>", "prefix 'p' is not declared"},
           Case{"<!DOCTYPE a [<!ENTITY e \"x\">]><a>&e;</a>", "DTD"},
           Case{"<a>&e;</a>", "unknown entity"},
           Case{"<a>1 & 2</a>", "&amp;"},
           Case{"<a/><b/>", "after the root"},
           Case{"<a>\n\n<b></c></a>", "line 3"},
       }) {
    absl::StatusOr<XmlElement> root = ParseXml(c.xml);
    ASSERT_FALSE(root.ok()) << c.xml;
    EXPECT_EQ(root.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(root.status().message(), HasSubstr(c.message)) << c.xml;
  }
  std::string deep;
  for (int i = 0; i < 300; ++i) deep += "<a>";
  EXPECT_THAT(ParseXml(deep).status().message(), HasSubstr("too deeply"));
}

// The same event in XML and in JSON-LD.
constexpr char kXmlDocument[] = R"(<?xml version="1.0" encoding="UTF-8"?>
<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2"
    xmlns:ocop="https://ocop.example.vn/voc/" xmlns:gs1="https://gs1.org/voc/"
    schemaVersion="2.0" creationDate="2024-03-22T09:00:00+07:00">
  <EPCISBody>
    <EventList>
      <ObjectEvent>
        <eventTime>2024-03-22T08:00:00+07:00</eventTime>
        <eventTimeZoneOffset>+07:00</eventTimeZoneOffset>
        <epcList>
          <epc>urn:epc:id:sgtin:8935000.000001.A1</epc>
        </epcList>
        <action>OBSERVE</action>
        <bizStep>urn:epcglobal:cbv:bizstep:shipping</bizStep>
        <readPoint><id>urn:epc:id:sgln:8935000.00001.0</id></readPoint>
        <bizTransactionList>
          <bizTransaction type="urn:epcglobal:cbv:btt:po">urn:x:1</bizTransaction>
        </bizTransactionList>
        <sensorElementList>
          <sensorElement>
            <sensorReport type="gs1:Temperature" value="26.0" uom="CEL"/>
          </sensorElement>
        </sensorElementList>
        <ocop:grade>A</ocop:grade>
      </ObjectEvent>
    </EventList>
  </EPCISBody>
</epcis:EPCISDocument>)";

constexpr char kJsonDocument[] = R"({
  "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",
               {"ocop": "https://ocop.example.vn/voc/"}],
  "type": "EPCISDocument",
  "epcisBody": {"eventList": [{
    "type": "ObjectEvent",
    "eventTime": "2024-03-22T01:00:00Z",
    "eventTimeZoneOffset": "+07:00",
    "epcList": ["https://id.gs1.org/01/08935000000014/21/A1"],
    "action": "OBSERVE",
    "bizStep": "shipping",
    "readPoint": {"id": "https://id.gs1.org/414/8935000000014"},
    "bizTransactionList": [{"type": "po", "bizTransaction": "urn:x:1"}],
    "sensorElementList": [{"sensorReport": [
        {"type": "Temperature", "value": 26, "uom": "CEL"}]}],
    "ocop:grade": "A"
  }]}
})";

TEST(XmlDocumentTest, HashesLikeTheJsonLdSerialisation) {
  absl::StatusOr<std::vector<std::string>> xml_pre_hashes =
      XmlDocumentPreHashStrings(kXmlDocument);
  ASSERT_TRUE(xml_pre_hashes.ok()) << xml_pre_hashes.status();
  EXPECT_THAT(*xml_pre_hashes,
              testing::ElementsAre(
                  "eventType=ObjectEvent"
                  "eventTime=2024-03-22T01:00:00.000Z"
                  "eventTimeZoneOffset=+07:00"
                  "epcListepc=https://id.gs1.org/01/08935000000014/21/A1"
                  "action=OBSERVE"
                  "bizStep=https://ref.gs1.org/cbv/BizStep-shipping"
                  "readPointid=https://id.gs1.org/414/8935000000014"
                  "sensorElementListsensorElementsensorReport"
                  "type=https://gs1.org/voc/Temperaturevalue=26uom=CEL"
                  "bizTransactionListtype=https://ref.gs1.org/cbv/BTT-po"
                  "bizTransaction=urn:x:1"
                  "{https://ocop.example.vn/voc/}grade=A"));

  absl::StatusOr<std::vector<std::string>> xml_ids =
      XmlDocumentEventHashIds(kXmlDocument);
  absl::StatusOr<std::vector<std::string>> json_ids =
      DocumentEventHashIds(nlohmann::json::parse(kJsonDocument));
  ASSERT_TRUE(xml_ids.ok()) << xml_ids.status();
  ASSERT_TRUE(json_ids.ok()) << json_ids.status();
  EXPECT_EQ(*xml_ids, *json_ids);
}

TEST(XmlDocumentTest, RefusesNonEpcisDocuments) {
  EXPECT_THAT(XmlDocumentEventHashIds("<invoice/>").status().message(),
              HasSubstr("not an EPCIS document"));
  EXPECT_THAT(XmlDocumentEventHashIds("<EPCISDocument><EPCISBody/>"
                                      "</EPCISDocument>")
                  .status()
                  .message(),
              HasSubstr("no EventList"));
  EXPECT_THAT(XmlDocumentEventHashIds(
                  "<EPCISDocument><EPCISBody><EventList><ObjectEvent>"
                  "<eventTime>noon</eventTime></ObjectEvent></EventList>"
                  "</EPCISBody></EPCISDocument>")
                  .status()
                  .message(),
              HasSubstr("event 0 (ObjectEvent): eventTime: 'noon'"));
  EXPECT_THAT(
      XmlDocumentEventHashIds("<EPCISDocument><EPCISBody><EventList><FooEvent/>"
                              "</EventList></EPCISBody></EPCISDocument>")
          .status()
          .message(),
      HasSubstr("'FooEvent' is not an EPCIS 2.0 event type"));
}

}  // namespace
}  // namespace ocoptrace::epcis
