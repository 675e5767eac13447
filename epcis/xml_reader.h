// A small, strict, namespace-aware XML reader for EPCIS documents: elements,
// attributes, character data (entity and character references, CDATA),
// comments and processing instructions. Document type declarations (DTDs)
// are refused, so no external or custom entities are ever expanded.
//
// Thread-safety: pure function, safe to call from any thread.

#ifndef OCOPTRACE_EPCIS_XML_READER_H_
#define OCOPTRACE_EPCIS_XML_READER_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"

namespace ocoptrace::epcis {

struct XmlAttribute {
  std::string namespace_uri;  // Empty for unprefixed attributes.
  std::string local_name;
  std::string value;
};

struct XmlElement {
  std::string namespace_uri;  // Empty when the element has no namespace.
  std::string local_name;
  std::vector<XmlAttribute> attributes;  // Without namespace declarations.
  std::vector<XmlElement> children;
  std::string text;  // All character data directly inside this element.
  // The xmlns:prefix declarations made on this element, in order.
  std::vector<std::pair<std::string, std::string>> prefix_declarations;
};

// Parses a complete document and returns its root element. InvalidArgument
// with the line number when the text is not well-formed XML, uses an
// undeclared namespace prefix, contains a DTD or nests deeper than 256
// elements.
absl::StatusOr<XmlElement> ParseXml(std::string_view text);

}  // namespace ocoptrace::epcis

#endif  // OCOPTRACE_EPCIS_XML_READER_H_
