#include "epcis/json_event.h"

#include <algorithm>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "epcis/canonical_value.h"
#include "epcis/gs1_uri.h"

namespace ocoptrace::epcis {
namespace {

using nlohmann::json;

constexpr std::string_view kEventTypes[] = {
    "ObjectEvent", "AggregationEvent", "TransactionEvent",
    "TransformationEvent", "AssociationEvent"};

// Event fields that never take part in the hash. `id` is, like eventID, the
// EPCIS context's alias of the JSON-LD `@id`.
constexpr std::string_view kExcludedEventFields[] = {
    "eventID", "id", "recordTime", "errorDeclaration"};

constexpr std::string_view kRdfsComment =
    "{http://www.w3.org/2000/01/rdf-schema#}comment";

// Standard fields of a sensorReport besides type, exception, component and
// time, which need vocabulary or time handling.
constexpr std::string_view kSensorReportScalars[] = {
    "deviceID",
    "deviceMetadata",
    "rawData",
    "dataProcessingMethod",
    "microorganism",
    "chemicalSubstance",
    "value",
    "stringValue",
    "booleanValue",
    "hexBinaryValue",
    "uriValue",
    "minValue",
    "maxValue",
    "meanValue",
    "sDev",
    "percRank",
    "percValue",
    "uom",
    "coordinateReferenceSystem"};

constexpr std::string_view kSensorMetadataScalars[] = {
    "deviceID", "deviceMetadata", "rawData", "dataProcessingMethod",
    "bizRules"};

template <size_t N>
bool IsOneOf(const std::string_view (&names)[N], std::string_view name) {
  return std::find(std::begin(names), std::end(names), name) != std::end(names);
}

std::string Path(const std::string& parent, std::string_view key) {
  if (parent.empty()) return std::string(key);
  return absl::StrCat(parent, ".", std::string(key));
}

std::string Index(const std::string& path, size_t i) {
  return absl::StrCat(path, "[", i, "]");
}

// A JSON-LD set: arrays as they are, any other value as a one-element set.
json AsArray(const json& value) {
  return value.is_array() ? value : json::array({value});
}

absl::Status WrongType(const std::string& path, std::string_view expected,
                       const json& value) {
  return absl::InvalidArgumentError(
      absl::StrCat(path, ": expected ", std::string(expected), ", got ",
                   std::string(value.type_name())));
}

class EventConverter {
 public:
  EventConverter(const JsonLdContext& context,
                 const std::vector<std::string>& ignored_keys)
      : context_(context), ignored_keys_(ignored_keys) {}

  absl::StatusOr<Element> Convert(const json& event);

 private:
  // Keys that are dropped at every level: JSON-LD keywords and comments.
  bool IsDropped(const std::string& key) const {
    return key.empty() || key[0] == '@' || key == "comment" ||
           context_.ExpandKey(key) == kRdfsComment;
  }

  std::string CanonicalText(std::string_view text, Vocabulary vocabulary) const;
  absl::StatusOr<std::string> ScalarText(const json& value,
                                         const std::string& path) const;
  // Appends name=canonical(value) unless the value is null.
  absl::Status AddScalar(std::string name, const json& value,
                         const std::string& path, Vocabulary vocabulary,
                         std::vector<Element>* out) const;
  absl::Status AddTime(std::string name, const json& value,
                       const std::string& path,
                       std::vector<Element>* out) const;
  // A user extension (or ILMD field) `key` holding any JSON value.
  absl::Status AddExtension(const std::string& key, const json& value,
                            const std::string& path,
                            std::vector<Element>* out) const;
  absl::Status AddExtensionValue(const std::string& name, const json& value,
                                 const std::string& path,
                                 std::vector<Element>* out) const;

  // Converts the members of a standard structure. `standard(key, value,
  // path, children)` appends the member and returns true when `key` is one
  // of the structure's standard fields; other members become extensions.
  template <typename StandardField>
  absl::Status AddMembers(const json& object, const std::string& path,
                          Element* parent, StandardField standard) const;

  absl::Status AddEventField(const std::string& key, const json& value,
                             Element* event) const;
  absl::Status AddEpcList(const std::string& key, const json& value,
                          std::vector<Element>* out) const;
  absl::Status AddQuantityList(const std::string& key, const json& value,
                               std::vector<Element>* out) const;
  absl::Status AddIdStructure(const std::string& key, const json& value,
                              std::vector<Element>* out) const;
  absl::Status AddPersistentDisposition(const json& value,
                                        std::vector<Element>* out) const;
  absl::Status AddTypedEntryList(const std::string& key,
                                 const std::string& id_key,
                                 const PropertyOrder* entry_order,
                                 Vocabulary type_vocabulary, const json& value,
                                 std::vector<Element>* out) const;
  absl::Status AddSensorElementList(const json& value,
                                    std::vector<Element>* out) const;
  absl::Status AddSensorReport(const json& value, const std::string& path,
                               std::vector<Element>* out) const;

  const JsonLdContext& context_;
  const std::vector<std::string>& ignored_keys_;
};

std::string EventConverter::CanonicalText(std::string_view text,
                                          Vocabulary vocabulary) const {
  text = TrimWhitespace(text);
  if (std::optional<std::string> term =
          ExpandVocabularyTerm(vocabulary, text)) {
    return *term;
  }
  std::string value(text);
  if (std::optional<std::string> iri = context_.ExpandGs1CompactIri(value)) {
    value = *iri;
  }
  value = CbvUrnToWebUri(value);
  if (std::optional<std::string> number = CanonicalNumber(value)) {
    value = *number;
  }
  if (std::optional<std::string> key = NormaliseGs1Uri(value)) return *key;
  return value;
}

absl::StatusOr<std::string> EventConverter::ScalarText(
    const json& value, const std::string& path) const {
  switch (value.type()) {
    case json::value_t::string:
      return value.get<std::string>();
    case json::value_t::boolean:
      return std::string(value.get<bool>() ? "true" : "false");
    case json::value_t::number_integer:
      return std::to_string(value.get<int64_t>());
    case json::value_t::number_unsigned:
      return std::to_string(value.get<uint64_t>());
    case json::value_t::number_float:
      return JsonDoubleToText(value.get<double>());
    default:
      return WrongType(path, "a string, number or boolean", value);
  }
}

absl::Status EventConverter::AddScalar(std::string name, const json& value,
                                       const std::string& path,
                                       Vocabulary vocabulary,
                                       std::vector<Element>* out) const {
  if (value.is_null()) return absl::OkStatus();
  absl::StatusOr<std::string> text = ScalarText(value, path);
  if (!text.ok()) return text.status();
  out->push_back({std::move(name), CanonicalText(*text, vocabulary), {}});
  return absl::OkStatus();
}

absl::Status EventConverter::AddTime(std::string name, const json& value,
                                     const std::string& path,
                                     std::vector<Element>* out) const {
  if (value.is_null()) return absl::OkStatus();
  if (!value.is_string()) return WrongType(path, "a date-time string", value);
  absl::StatusOr<std::string> time = CanonicalTimestamp(
      TrimWhitespace(value.get_ref<const std::string&>()), path);
  if (!time.ok()) return time.status();
  out->push_back({std::move(name), *std::move(time), {}});
  return absl::OkStatus();
}

absl::Status EventConverter::AddExtension(const std::string& key,
                                          const json& value,
                                          const std::string& path,
                                          std::vector<Element>* out) const {
  return AddExtensionValue(context_.ExpandKey(key), value, path, out);
}

absl::Status EventConverter::AddExtensionValue(
    const std::string& name, const json& value, const std::string& path,
    std::vector<Element>* out) const {
  if (value.is_null()) return absl::OkStatus();
  if (value.is_array()) {  // Repeated elements of the same name.
    for (size_t i = 0; i < value.size(); ++i) {
      absl::Status status =
          AddExtensionValue(name, value[i], Index(path, i), out);
      if (!status.ok()) return status;
    }
    return absl::OkStatus();
  }
  if (!value.is_object()) {
    return AddScalar(name, value, path, Vocabulary::kNone, out);
  }
  // A JSON-LD value or node reference stands for its value.
  for (const char* keyword : {"@value", "@id"}) {
    if (value.contains(keyword)) {
      return AddScalar(name, value[keyword], Path(path, keyword),
                       Vocabulary::kNone, out);
    }
  }
  Element element{name, "", {}};
  for (const auto& [key, member] : value.items()) {
    if (IsDropped(key)) continue;
    absl::Status status =
        AddExtension(key, member, Path(path, key), &element.children);
    if (!status.ok()) return status;
  }
  out->push_back(std::move(element));
  return absl::OkStatus();
}

template <typename StandardField>
absl::Status EventConverter::AddMembers(const json& object,
                                        const std::string& path,
                                        Element* parent,
                                        StandardField standard) const {
  if (!object.is_object()) return WrongType(path, "an object", object);
  for (const auto& [key, member] : object.items()) {
    if (IsDropped(key)) continue;
    std::string member_path = Path(path, key);
    absl::StatusOr<bool> handled =
        standard(key, member, member_path, &parent->children);
    if (!handled.ok()) return handled.status();
    if (*handled) continue;
    absl::Status status =
        AddExtension(key, member, member_path, &parent->children);
    if (!status.ok()) return status;
  }
  return absl::OkStatus();
}

absl::Status EventConverter::AddEpcList(const std::string& key,
                                        const json& value,
                                        std::vector<Element>* out) const {
  Element list{key, "", {}, &kEpcListOrder};
  json entries = AsArray(value);
  for (size_t i = 0; i < entries.size(); ++i) {
    absl::Status status = AddScalar("epc", entries[i], Index(key, i),
                                    Vocabulary::kNone, &list.children);
    if (!status.ok()) return status;
  }
  out->push_back(std::move(list));
  return absl::OkStatus();
}

absl::Status EventConverter::AddQuantityList(const std::string& key,
                                             const json& value,
                                             std::vector<Element>* out) const {
  Element list{key, "", {}, &kQuantityListOrder};
  json entries = AsArray(value);
  for (size_t i = 0; i < entries.size(); ++i) {
    Element quantity{"quantityElement", "", {}, &kQuantityElementOrder};
    absl::Status status = AddMembers(
        entries[i], Index(key, i), &quantity,
        [this](const std::string& field, const json& member,
               const std::string& path,
               std::vector<Element>* children) -> absl::StatusOr<bool> {
          if (field != "epcClass" && field != "quantity" && field != "uom") {
            return false;
          }
          absl::Status s =
              AddScalar(field, member, path, Vocabulary::kNone, children);
          if (!s.ok()) return s;
          return true;
        });
    if (!status.ok()) return status;
    list.children.push_back(std::move(quantity));
  }
  out->push_back(std::move(list));
  return absl::OkStatus();
}

absl::Status EventConverter::AddIdStructure(const std::string& key,
                                            const json& value,
                                            std::vector<Element>* out) const {
  if (value.is_null()) return absl::OkStatus();
  Element structure{key, "", {}, &kIdOrder};
  absl::Status status = AddMembers(
      value, key, &structure,
      [this](const std::string& field, const json& member,
             const std::string& path,
             std::vector<Element>* children) -> absl::StatusOr<bool> {
        if (field != "id") return false;
        absl::Status s =
            AddScalar("id", member, path, Vocabulary::kNone, children);
        if (!s.ok()) return s;
        return true;
      });
  if (!status.ok()) return status;
  out->push_back(std::move(structure));
  return absl::OkStatus();
}

absl::Status EventConverter::AddPersistentDisposition(
    const json& value, std::vector<Element>* out) const {
  if (value.is_null()) return absl::OkStatus();
  Element structure{
      "persistentDisposition", "", {}, &kPersistentDispositionOrder};
  absl::Status status = AddMembers(
      value, "persistentDisposition", &structure,
      [this](const std::string& field, const json& member,
             const std::string& path,
             std::vector<Element>* children) -> absl::StatusOr<bool> {
        if (field != "set" && field != "unset") return false;
        json entries = AsArray(member);
        for (size_t i = 0; i < entries.size(); ++i) {
          absl::Status s = AddScalar(field, entries[i], Index(path, i),
                                     Vocabulary::kDisposition, children);
          if (!s.ok()) return s;
        }
        return true;
      });
  if (!status.ok()) return status;
  out->push_back(std::move(structure));
  return absl::OkStatus();
}

absl::Status EventConverter::AddTypedEntryList(
    const std::string& key, const std::string& id_key,
    const PropertyOrder* entry_order, Vocabulary type_vocabulary,
    const json& value, std::vector<Element>* out) const {
  Element list{key, "", {}, &kTypedEntryListOrder};
  json entries = AsArray(value);
  for (size_t i = 0; i < entries.size(); ++i) {
    Element entry{"", "", {}, entry_order};
    absl::Status status = AddMembers(
        entries[i], Index(key, i), &entry,
        [&](const std::string& field, const json& member,
            const std::string& path,
            std::vector<Element>* children) -> absl::StatusOr<bool> {
          if (field != "type" && field != id_key) return false;
          absl::Status s = AddScalar(
              field, member, path,
              field == "type" ? type_vocabulary : Vocabulary::kNone, children);
          if (!s.ok()) return s;
          return true;
        });
    if (!status.ok()) return status;
    list.children.push_back(std::move(entry));
  }
  out->push_back(std::move(list));
  return absl::OkStatus();
}

absl::Status EventConverter::AddSensorReport(const json& value,
                                             const std::string& path,
                                             std::vector<Element>* out) const {
  json reports = AsArray(value);
  for (size_t i = 0; i < reports.size(); ++i) {
    Element report{"sensorReport", "", {}, &kSensorReportOrder};
    absl::Status status = AddMembers(
        reports[i], Index(path, i), &report,
        [this](const std::string& field, const json& member,
               const std::string& member_path,
               std::vector<Element>* children) -> absl::StatusOr<bool> {
          absl::Status s;
          if (field == "time") {
            s = AddTime(field, member, member_path, children);
          } else if (field == "type") {
            s = AddScalar(field, member, member_path,
                          Vocabulary::kMeasurementType, children);
          } else if (field == "exception") {
            s = AddScalar(field, member, member_path,
                          Vocabulary::kSensorAlertType, children);
          } else if (field == "component") {
            s = AddScalar(field, member, member_path,
                          Vocabulary::kSensorComponent, children);
          } else if (IsOneOf(kSensorReportScalars, field)) {
            s = AddScalar(field, member, member_path, Vocabulary::kNone,
                          children);
          } else {
            return false;
          }
          if (!s.ok()) return s;
          return true;
        });
    if (!status.ok()) return status;
    out->push_back(std::move(report));
  }
  return absl::OkStatus();
}

absl::Status EventConverter::AddSensorElementList(
    const json& value, std::vector<Element>* out) const {
  Element list{"sensorElementList", "", {}, &kSensorElementListOrder};
  json entries = AsArray(value);
  for (size_t i = 0; i < entries.size(); ++i) {
    Element sensor{"sensorElement", "", {}, &kSensorElementOrder};
    absl::Status status = AddMembers(
        entries[i], Index("sensorElementList", i), &sensor,
        [this](const std::string& field, const json& member,
               const std::string& path,
               std::vector<Element>* children) -> absl::StatusOr<bool> {
          if (field == "sensorReport") {
            absl::Status s = AddSensorReport(member, path, children);
            if (!s.ok()) return s;
            return true;
          }
          if (field != "sensorMetadata") return false;
          if (member.is_null()) return true;
          Element metadata{"sensorMetadata", "", {}, &kSensorMetadataOrder};
          absl::Status s = AddMembers(
              member, path, &metadata,
              [this](const std::string& name, const json& v,
                     const std::string& p,
                     std::vector<Element>* c) -> absl::StatusOr<bool> {
                absl::Status added;
                if (name == "time" || name == "startTime" ||
                    name == "endTime") {
                  added = AddTime(name, v, p, c);
                } else if (IsOneOf(kSensorMetadataScalars, name)) {
                  added = AddScalar(name, v, p, Vocabulary::kNone, c);
                } else {
                  return false;
                }
                if (!added.ok()) return added;
                return true;
              });
          if (!s.ok()) return s;
          children->push_back(std::move(metadata));
          return true;
        });
    if (!status.ok()) return status;
    list.children.push_back(std::move(sensor));
  }
  out->push_back(std::move(list));
  return absl::OkStatus();
}

absl::Status EventConverter::AddEventField(const std::string& key,
                                           const json& value,
                                           Element* event) const {
  std::vector<Element>* out = &event->children;
  if (key == "eventTime") return AddTime(key, value, key, out);
  if (key == "eventTimeZoneOffset" || key == "action" || key == "parentID" ||
      key == "transformationID") {
    return AddScalar(key, value, key, Vocabulary::kNone, out);
  }
  if (key == "bizStep")
    return AddScalar(key, value, key, Vocabulary::kBizStep, out);
  if (key == "disposition") {
    return AddScalar(key, value, key, Vocabulary::kDisposition, out);
  }
  if (key == "certificationInfo") {
    json entries = AsArray(value);
    for (size_t i = 0; i < entries.size(); ++i) {
      absl::Status status =
          AddScalar(key, entries[i], Index(key, i), Vocabulary::kNone, out);
      if (!status.ok()) return status;
    }
    return absl::OkStatus();
  }
  if (key == "epcList" || key == "inputEPCList" || key == "outputEPCList" ||
      key == "childEPCs") {
    return AddEpcList(key, value, out);
  }
  if (key == "quantityList" || key == "childQuantityList" ||
      key == "inputQuantityList" || key == "outputQuantityList") {
    return AddQuantityList(key, value, out);
  }
  if (key == "readPoint" || key == "bizLocation") {
    return AddIdStructure(key, value, out);
  }
  if (key == "persistentDisposition") {
    return AddPersistentDisposition(value, out);
  }
  if (key == "bizTransactionList") {
    return AddTypedEntryList(key, "bizTransaction", &kBizTransactionOrder,
                             Vocabulary::kBizTransactionType, value, out);
  }
  if (key == "sourceList") {
    return AddTypedEntryList(key, "source", &kSourceOrder,
                             Vocabulary::kSourceDestType, value, out);
  }
  if (key == "destinationList") {
    return AddTypedEntryList(key, "destination", &kDestinationOrder,
                             Vocabulary::kSourceDestType, value, out);
  }
  if (key == "sensorElementList") return AddSensorElementList(value, out);
  if (key == "ilmd") {
    if (value.is_null()) return absl::OkStatus();
    if (!value.is_object()) return WrongType(key, "an object", value);
    return AddExtensionValue("ilmd", value, key, out);
  }
  return AddExtension(key, value, key, out);
}

absl::StatusOr<Element> EventConverter::Convert(const json& event) {
  if (!event.is_object()) return WrongType("event", "an object", event);
  auto type = event.find("type");
  if (type == event.end() || !type->is_string()) {
    return absl::InvalidArgumentError(
        "type: missing; an event needs one of ObjectEvent, AggregationEvent, "
        "TransactionEvent, TransformationEvent, AssociationEvent");
  }
  const std::string& event_type = type->get_ref<const std::string&>();
  if (!IsOneOf(kEventTypes, event_type)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "type: '", event_type,
        "' is not an EPCIS 2.0 event type; use ObjectEvent, AggregationEvent, "
        "TransactionEvent, TransformationEvent or AssociationEvent"));
  }
  Element root{"eventType", event_type, {}, &kEventOrder};
  for (const auto& [key, value] : event.items()) {
    if (key == "type" || IsDropped(key) || IsOneOf(kExcludedEventFields, key)) {
      continue;
    }
    std::string expanded = context_.ExpandKey(key);
    if (std::find(ignored_keys_.begin(), ignored_keys_.end(), expanded) !=
        ignored_keys_.end()) {
      continue;
    }
    absl::Status status = AddEventField(key, value, &root);
    if (!status.ok()) return status;
  }
  return root;
}

}  // namespace

absl::StatusOr<Element> EventTreeFromJson(
    const nlohmann::json& event, const JsonLdContext& context,
    const std::vector<std::string>& ignored_keys) {
  return EventConverter(context, ignored_keys).Convert(event);
}

}  // namespace ocoptrace::epcis
