// Conversion of one EPCIS 2.0 JSON-LD event into the pre-hash tree of
// prehash_tree.h, with canonical names and values: list entries get their
// XML element names (`epc`, `quantityElement`, ...), bare CBV words and
// compact GS1 IRIs are expanded, times go to UTC, GS1 keys to canonical
// Digital Link URIs, user extension names to `{namespace}localName`.
// eventID (or its alias id), recordTime, errorDeclaration, comments
// (`rdfs:comment`, `comment`) and JSON-LD keywords (`@...`) are left out.
//
// Thread-safety: pure function, safe to call from any thread.

#ifndef OCOPTRACE_EPCIS_JSON_EVENT_H_
#define OCOPTRACE_EPCIS_JSON_EVENT_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "epcis/jsonld_context.h"
#include "epcis/prehash_tree.h"
#include "nlohmann/json.hpp"

namespace ocoptrace::epcis {

// The tree of `event`, rooted at an Element named `eventType` whose value is
// the event type. `ignored_keys` are expanded names
// (JsonLdContext::ExpandKey) of top-level fields to leave out.
// InvalidArgument, naming the field by its JSON path, when the event type is
// missing or not an EPCIS 2.0 event type, a standard field has the wrong
// JSON type, or a time is not a date-time with offset.
absl::StatusOr<Element> EventTreeFromJson(
    const nlohmann::json& event, const JsonLdContext& context,
    const std::vector<std::string>& ignored_keys);

}  // namespace ocoptrace::epcis

#endif  // OCOPTRACE_EPCIS_JSON_EVENT_H_
