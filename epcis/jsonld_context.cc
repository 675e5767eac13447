#include "epcis/jsonld_context.h"

#include <string>
#include <string_view>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace ocoptrace::epcis {
namespace {

// Published URLs of the EPCIS 2.0 JSON-LD context (all the same content).
constexpr std::string_view kStandardContextUrls[] = {
    "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",
    "https://ref.gs1.org/standards/epcis/epcis-context.jsonld",
    "https://gs1.github.io/EPCIS/epcis-context.jsonld",
};

// The prefixes that the EPCIS 2.0 context defines.
constexpr std::pair<std::string_view, std::string_view> kStandardPrefixes[] = {
    {"epcis", "https://ref.gs1.org/epcis/"},
    {"cbv", "https://ref.gs1.org/cbv/"},
    {"cbvmda", "urn:epcglobal:cbv:mda:"},
    {"gs1", "https://gs1.org/voc/"},
    {"rdfs", "http://www.w3.org/2000/01/rdf-schema#"},
    {"owl", "http://www.w3.org/2002/07/owl#"},
    {"xsd", "http://www.w3.org/2001/XMLSchema#"},
    {"dcterms", "http://purl.org/dc/terms/"},
};

bool IsStandardContextUrl(std::string_view url) {
  for (std::string_view known : kStandardContextUrls) {
    if (url == known) return true;
  }
  return false;
}

std::string JsonTypeName(const nlohmann::json& value) {
  return std::string(value.type_name());
}

}  // namespace

JsonLdContext::JsonLdContext() {
  for (const auto& [prefix, iri] : kStandardPrefixes) {
    prefixes_.emplace(std::string(prefix), std::string(iri));
  }
}

absl::StatusOr<JsonLdContext> JsonLdContext::FromJson(
    const nlohmann::json& context) {
  JsonLdContext result;
  if (context.is_null()) return result;
  const nlohmann::json entries =
      context.is_array() ? context : nlohmann::json::array({context});
  for (size_t i = 0; i < entries.size(); ++i) {
    const nlohmann::json& entry = entries[i];
    std::string where = absl::StrCat("@context[", i, "]");
    if (entry.is_string()) {
      const std::string& url = entry.get_ref<const std::string&>();
      if (!IsStandardContextUrl(url)) {
        return absl::InvalidArgumentError(absl::StrCat(
            where, ": remote context '", url,
            "' is not known; only the EPCIS 2.0 context (",
            std::string(kStandardContextUrls[0]),
            ") is built in: define extra prefixes inline instead"));
      }
      continue;
    }
    if (!entry.is_object()) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ": expected a context URL or object, got ",
                       JsonTypeName(entry)));
    }
    for (const auto& [term, definition] : entry.items()) {
      if (term.empty() || term[0] == '@') continue;  // Keywords.
      if (definition.is_string()) {
        result.prefixes_[term] = definition.get<std::string>();
      } else if (definition.is_object() && definition.contains("@id") &&
                 definition["@id"].is_string()) {
        result.prefixes_[term] = definition["@id"].get<std::string>();
      }
    }
  }
  return result;
}

const std::string* JsonLdContext::FindPrefix(std::string_view prefix) const {
  auto it = prefixes_.find(prefix);
  return it == prefixes_.end() ? nullptr : &it->second;
}

std::string JsonLdContext::ExpandKey(std::string_view key) const {
  size_t colon = key.find(':');
  if (colon == std::string_view::npos) return std::string(key);
  std::string_view local = key.substr(colon + 1);
  if (local.starts_with("//")) return std::string(key);  // An absolute IRI.
  const std::string* iri = FindPrefix(key.substr(0, colon));
  if (iri == nullptr) return std::string(key);
  return absl::StrCat("{", *iri, "}", std::string(local));
}

std::optional<std::string> JsonLdContext::ExpandGs1CompactIri(
    std::string_view value) const {
  size_t colon = value.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  std::string_view suffix = value.substr(colon + 1);
  if (suffix.starts_with("//")) return std::nullopt;
  const std::string* iri = FindPrefix(value.substr(0, colon));
  if (iri == nullptr) return std::nullopt;
  if (!iri->starts_with("https://gs1.org/") &&
      !iri->starts_with("https://ref.gs1.org/")) {
    return std::nullopt;
  }
  return *iri + std::string(suffix);
}

}  // namespace ocoptrace::epcis
