#include "epcis/xml_document.h"

#include <algorithm>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "epcis/event_hash.h"
#include "epcis/json_event.h"
#include "epcis/jsonld_context.h"
#include "epcis/prehash_tree.h"
#include "epcis/xml_reader.h"
#include "nlohmann/json.hpp"

namespace ocoptrace::epcis {
namespace {

using nlohmann::json;

constexpr std::string_view kXsiNamespace =
    "http://www.w3.org/2001/XMLSchema-instance";

// Standard elements that are structures even when they are empty.
constexpr std::string_view kStructures[] = {
    "readPoint",       "bizLocation",   "persistentDisposition",
    "quantityElement", "sensorElement", "sensorMetadata",
    "sensorReport",    "ilmd"};

constexpr std::string_view kEpcLists[] = {"epcList", "inputEPCList",
                                          "outputEPCList", "childEPCs"};

// Lists whose entries are structures.
constexpr std::string_view kObjectLists[] = {
    "quantityList", "childQuantityList", "inputQuantityList",
    "outputQuantityList", "sensorElementList"};

constexpr std::string_view kTypedLists[] = {"bizTransactionList", "sourceList",
                                            "destinationList"};

template <size_t N>
bool IsOneOf(const std::string_view (&names)[N], std::string_view name) {
  return std::find(std::begin(names), std::end(names), name) != std::end(names);
}

// The JSON key of an element or attribute: the EPCIS name for standard
// (namespace-less) ones, `{namespace}localName` for extensions.
std::string KeyOf(const std::string& namespace_uri,
                  const std::string& local_name) {
  if (namespace_uri.empty()) return local_name;
  return absl::StrCat("{", namespace_uri, "}", local_name);
}

// Adds `value` under `key`; a repeated key becomes an array.
void AddMember(json* object, const std::string& key, json value) {
  auto it = object->find(key);
  if (it == object->end()) {
    (*object)[key] = std::move(value);
  } else if (it->is_array()) {
    it->push_back(std::move(value));
  } else {
    json both = json::array({std::move(*it), std::move(value)});
    *it = std::move(both);
  }
}

// `extension` and `baseExtension` wrappers of EPCIS 1.x XML hold fields of
// the enclosing element: returns the children with wrappers flattened.
std::vector<const XmlElement*> FlattenedChildren(const XmlElement& element) {
  std::vector<const XmlElement*> children;
  for (const XmlElement& child : element.children) {
    if (child.namespace_uri.empty() && (child.local_name == "extension" ||
                                        child.local_name == "baseExtension")) {
      for (const XmlElement* grandchild : FlattenedChildren(child)) {
        children.push_back(grandchild);
      }
    } else {
      children.push_back(&child);
    }
  }
  return children;
}

json ValueOf(const XmlElement& element);

// The element as an object: its attributes (except xsi:*) and children.
json ObjectOf(const XmlElement& element) {
  json object = json::object();
  for (const XmlAttribute& attribute : element.attributes) {
    if (attribute.namespace_uri == kXsiNamespace) continue;
    AddMember(&object, KeyOf(attribute.namespace_uri, attribute.local_name),
              attribute.value);
  }
  for (const XmlElement* child : FlattenedChildren(element)) {
    const std::string key = KeyOf(child->namespace_uri, child->local_name);
    if (child->namespace_uri.empty() && IsOneOf(kEpcLists, child->local_name)) {
      json epcs = json::array();
      for (const XmlElement& epc : child->children) epcs.push_back(epc.text);
      object[key] = std::move(epcs);
    } else if (child->namespace_uri.empty() &&
               IsOneOf(kObjectLists, child->local_name)) {
      json entries = json::array();
      for (const XmlElement& entry : child->children) {
        entries.push_back(ObjectOf(entry));
      }
      object[key] = std::move(entries);
    } else if (child->namespace_uri.empty() &&
               IsOneOf(kTypedLists, child->local_name)) {
      // <bizTransaction type="...">id</bizTransaction>
      json entries = json::array();
      for (const XmlElement& entry : child->children) {
        json fields = ObjectOf(entry);
        fields[KeyOf(entry.namespace_uri, entry.local_name)] = entry.text;
        entries.push_back(std::move(fields));
      }
      object[key] = std::move(entries);
    } else {
      AddMember(&object, key, ValueOf(*child));
    }
  }
  return object;
}

// A leaf element is its text; anything with attributes or children (and the
// standard structures) is an object.
json ValueOf(const XmlElement& element) {
  bool has_attributes = std::any_of(
      element.attributes.begin(), element.attributes.end(),
      [](const XmlAttribute& a) { return a.namespace_uri != kXsiNamespace; });
  if (!has_attributes && element.children.empty() &&
      !(element.namespace_uri.empty() &&
        IsOneOf(kStructures, element.local_name))) {
    return element.text;
  }
  return ObjectOf(element);
}

// Depth-first search for the first element named `local_name`.
const XmlElement* Find(const XmlElement& element, std::string_view local_name) {
  if (element.local_name == local_name) return &element;
  for (const XmlElement& child : element.children) {
    if (const XmlElement* found = Find(child, local_name)) return found;
  }
  return nullptr;
}

// The children of every `ignoreFields` element outside the event list.
void CollectIgnoredFields(const XmlElement& element,
                          std::vector<std::string>* fields) {
  if (element.local_name == "EventList") return;
  if (element.local_name == "ignoreFields") {
    for (const XmlElement& field : element.children) {
      fields->push_back(KeyOf(field.namespace_uri, field.local_name));
    }
    return;
  }
  for (const XmlElement& child : element.children) {
    CollectIgnoredFields(child, fields);
  }
}

// Every xmlns:prefix declaration of the document, for compact values such
// as `gs1:Temperature`.
void CollectPrefixes(const XmlElement& element, json* prefixes) {
  for (const auto& [prefix, uri] : element.prefix_declarations) {
    (*prefixes)[prefix] = uri;
  }
  for (const XmlElement& child : element.children) {
    CollectPrefixes(child, prefixes);
  }
}

}  // namespace

absl::StatusOr<std::vector<std::string>> XmlDocumentPreHashStrings(
    std::string_view xml) {
  absl::StatusOr<XmlElement> root = ParseXml(xml);
  if (!root.ok()) return root.status();
  if (root->local_name != "EPCISDocument" &&
      root->local_name != "EPCISQueryDocument") {
    return absl::InvalidArgumentError(
        absl::StrCat("XML root element '", root->local_name,
                     "' is not an EPCIS document; expected EPCISDocument or "
                     "EPCISQueryDocument"));
  }
  const XmlElement* event_list = Find(*root, "EventList");
  if (event_list == nullptr) {
    return absl::InvalidArgumentError(
        "XML document has no EventList element; put the events there");
  }
  json prefixes = json::object();
  CollectPrefixes(*root, &prefixes);
  absl::StatusOr<JsonLdContext> context = JsonLdContext::FromJson(prefixes);
  if (!context.ok()) return context.status();
  std::vector<std::string> ignored;
  CollectIgnoredFields(*root, &ignored);

  std::vector<std::string> pre_hashes;
  std::vector<const XmlElement*> events = FlattenedChildren(*event_list);
  for (size_t i = 0; i < events.size(); ++i) {
    json event = ObjectOf(*events[i]);
    event["type"] = events[i]->local_name;
    absl::StatusOr<Element> tree = EventTreeFromJson(event, *context, ignored);
    if (!tree.ok()) {
      return absl::Status(
          tree.status().code(),
          absl::StrCat("EventList event ", i, " (", events[i]->local_name,
                       "): ", tree.status().message()));
    }
    pre_hashes.push_back(SerialiseElement(*tree));
  }
  return pre_hashes;
}

absl::StatusOr<std::vector<std::string>> XmlDocumentEventHashIds(
    std::string_view xml) {
  absl::StatusOr<std::vector<std::string>> pre_hashes =
      XmlDocumentPreHashStrings(xml);
  if (!pre_hashes.ok()) return pre_hashes.status();
  std::vector<std::string> ids;
  ids.reserve(pre_hashes->size());
  for (const std::string& pre_hash : *pre_hashes) {
    ids.push_back(HashIdFromPreHash(pre_hash));
  }
  return ids;
}

}  // namespace ocoptrace::epcis
