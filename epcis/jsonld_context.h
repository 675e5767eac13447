// The part of an EPCIS 2.0 JSON-LD `@context` that the event hash needs: the
// prefixes that turn compact names such as `example:myField` into
// `{https://ns.example.com/epcis/}myField`, the notation the hash uses for
// user extensions (the XML element's namespace in braces, then the local
// name).
//
// This is not a JSON-LD processor. Remote contexts are not fetched: the
// standard EPCIS 2.0 context is built in and recognised by its published
// URLs, any other remote context is refused. Inline context objects
// contribute their prefix definitions (`"p": "iri"` or `"p": {"@id": "iri"}`);
// keywords such as `@vocab` are ignored.
//
// Thread-safety: immutable after construction; safe to share across threads.

#ifndef OCOPTRACE_EPCIS_JSONLD_CONTEXT_H_
#define OCOPTRACE_EPCIS_JSONLD_CONTEXT_H_

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"

namespace ocoptrace::epcis {

class JsonLdContext {
 public:
  // The standard EPCIS 2.0 context alone.
  JsonLdContext();

  // Reads a document's `@context` value: a string, an object or an array of
  // them; null means the standard context alone. InvalidArgument when a
  // string names a context other than the EPCIS 2.0 one, or an entry is
  // neither a string nor an object.
  static absl::StatusOr<JsonLdContext> FromJson(const nlohmann::json& context);

  // `{iri}local` for a key `prefix:local` whose prefix is defined (by the
  // document, else by the standard context); any other key unchanged.
  std::string ExpandKey(std::string_view key) const;

  // The IRI for a value `prefix:suffix` whose prefix names a GS1 web
  // vocabulary (`https://gs1.org/...` or `https://ref.gs1.org/...`, e.g.
  // `gs1:` or `cbv:`); nullopt for any other value. User-namespace compact
  // values stay as written, as they do in XML text.
  std::optional<std::string> ExpandGs1CompactIri(std::string_view value) const;

 private:
  // The namespace IRI of `prefix`, or nullptr.
  const std::string* FindPrefix(std::string_view prefix) const;

  std::map<std::string, std::string, std::less<>> prefixes_;
};

}  // namespace ocoptrace::epcis

#endif  // OCOPTRACE_EPCIS_JSONLD_CONTEXT_H_
