// The GS1 CBV 2.0 event hash ID (CBV 2.0 section 8.9): a name for an EPCIS
// event derived from its content, `ni:///sha-256;<hex>?ver=CBV2.0`, equal for
// every serialisation of the same event (field order, list order, time zone,
// EPC URI vs. Digital Link, bare CBV words vs. URIs, number formatting).
//
// The hash is SHA-256 over the event's canonical pre-hash string: the event
// type and its fields in the canonical property order, each as
// `name=value` with canonical values, concatenated without separators. See
// docs/epcis.md for the rules as implemented; they reproduce the reference
// implementation RalphTro/epcis-event-hash-generator for EPCIS 2.0 JSON-LD.
// XML documents: see xml_document.h.
//
// Thread-safety: pure functions, safe to call from any thread.

#ifndef OCOPTRACE_EPCIS_EVENT_HASH_H_
#define OCOPTRACE_EPCIS_EVENT_HASH_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"

namespace ocoptrace::epcis {

struct PreHashOptions {
  // Event fields left out of the hash besides eventID, recordTime,
  // errorDeclaration and comments, as the document writes them
  // (`"repository-x:hash"`); compared after prefix expansion, so any prefix
  // bound to the same namespace matches. Top-level event fields only.
  std::vector<std::string> ignored_fields;
};

// The canonical pre-hash string of one EPCIS 2.0 JSON-LD event object.
// `document_context` is the `@context` of the enclosing document (null for
// the standard EPCIS context alone); it supplies the prefixes of user
// extensions. InvalidArgument, naming the field, when the event has no
// EPCIS event type, a standard field has the wrong JSON type, a time is not
// an RFC 3339 date-time with offset, or the context names an unknown remote
// context.
absl::StatusOr<std::string> EventPreHashString(
    const nlohmann::json& event, const nlohmann::json& document_context,
    const PreHashOptions& options = {});

// `ni:///sha-256;<64 lower-case hex>?ver=CBV2.0` for the event; errors as
// EventPreHashString().
absl::StatusOr<std::string> EventHashId(const nlohmann::json& event,
                                        const nlohmann::json& document_context,
                                        const PreHashOptions& options = {});

// The hash ID of a pre-hash string (SHA-256, lower-case hex).
std::string HashIdFromPreHash(std::string_view pre_hash);

// Pre-hash strings of all events of an EPCISDocument (`epcisBody.eventList`)
// or EPCISQueryDocument (`epcisBody.queryResults.resultsBody.eventList`), in
// document order. Fields listed in a `<prefix>:ignoreFields` array at the
// document's top level or in `queryResults` are ignored in every event.
// InvalidArgument when the document has no event list, or for the first
// event that EventPreHashString() refuses (the message names its index).
absl::StatusOr<std::vector<std::string>> DocumentPreHashStrings(
    const nlohmann::json& document);

// Hash IDs of all events of the document, in document order; errors as
// DocumentPreHashStrings().
absl::StatusOr<std::vector<std::string>> DocumentEventHashIds(
    const nlohmann::json& document);

}  // namespace ocoptrace::epcis

#endif  // OCOPTRACE_EPCIS_EVENT_HASH_H_
