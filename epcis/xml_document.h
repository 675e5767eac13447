// The CBV 2.0 event hash IDs of the events of an EPCIS XML document
// (EPCISDocument or EPCISQueryDocument, EPCIS 2.0 or 1.2 with `extension`
// wrappers). Each XML event is mapped onto the JSON-LD data model (element
// names are the JSON keys, user extension elements become
// `{namespace}localName`, attributes of sensorMetadata, sensorReport and the
// type of bizTransaction/source/destination become fields) and then hashed
// exactly as event_hash.h hashes JSON-LD, so the same event gives the same
// hash in both syntaxes.
//
// Thread-safety: pure functions, safe to call from any thread.

#ifndef OCOPTRACE_EPCIS_XML_DOCUMENT_H_
#define OCOPTRACE_EPCIS_XML_DOCUMENT_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace ocoptrace::epcis {

// Pre-hash strings of all events of the XML document, in document order.
// Elements named `ignoreFields` (any namespace) outside the event list name,
// by their child elements, extension fields to leave out of every event.
// InvalidArgument when the text is not well-formed XML (see xml_reader.h),
// the root is not an EPCIS document, there is no EventList, or an event is
// refused as EventPreHashString() refuses it (the message names the event's
// index).
absl::StatusOr<std::vector<std::string>> XmlDocumentPreHashStrings(
    std::string_view xml);

// Hash IDs (`ni:///sha-256;...?ver=CBV2.0`) of all events of the XML
// document, in document order; errors as XmlDocumentPreHashStrings().
absl::StatusOr<std::vector<std::string>> XmlDocumentEventHashIds(
    std::string_view xml);

}  // namespace ocoptrace::epcis

#endif  // OCOPTRACE_EPCIS_XML_DOCUMENT_H_
