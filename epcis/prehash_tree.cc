#include "epcis/prehash_tree.h"

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

namespace ocoptrace::epcis {
namespace {

constexpr std::string_view kEventFields[] = {
    "eventTime",
    "eventTimeZoneOffset",
    "certificationInfo",
    "epcList",
    "parentID",
    "inputEPCList",
    "childEPCs",
    "quantityList",
    "childQuantityList",
    "inputQuantityList",
    "outputEPCList",
    "outputQuantityList",
    "action",
    "transformationID",
    "bizStep",
    "disposition",
    "persistentDisposition",
    "readPoint",
    "bizLocation",
    "sensorElementList",
};
constexpr std::string_view kEpcListFields[] = {"epc"};
constexpr std::string_view kQuantityListFields[] = {"quantityElement"};
constexpr std::string_view kQuantityElementFields[] = {"epcClass", "quantity",
                                                       "uom"};
constexpr std::string_view kIdFields[] = {"id"};
constexpr std::string_view kPersistentDispositionFields[] = {"set", "unset"};
constexpr std::string_view kSensorElementListFields[] = {"sensorElement"};
constexpr std::string_view kSensorElementFields[] = {"sensorMetadata",
                                                     "sensorReport"};
constexpr std::string_view kSensorMetadataFields[] = {
    "time",
    "startTime",
    "endTime",
    "deviceID",
    "deviceMetadata",
    "rawData",
    "dataProcessingMethod",
    "bizRules",
};
constexpr std::string_view kSensorReportFields[] = {
    "type",
    "exception",
    "deviceID",
    "deviceMetadata",
    "rawData",
    "dataProcessingMethod",
    "time",
    "microorganism",
    "chemicalSubstance",
    "value",
    "component",
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
    "coordinateReferenceSystem",
};
constexpr std::string_view kTypedEntryListFields[] = {""};
constexpr std::string_view kBizTransactionFields[] = {"type", "bizTransaction"};
constexpr std::string_view kSourceFields[] = {"type", "source"};
constexpr std::string_view kDestinationFields[] = {"type", "destination"};

bool IsInOrder(const PropertyOrder& order, std::string_view name) {
  return std::find(order.begin(), order.end(), name) != order.end();
}

std::string SortedConcatenation(std::vector<std::string> parts) {
  std::sort(parts.begin(), parts.end());
  std::string out;
  for (const std::string& part : parts) out += part;
  return out;
}

std::string HeadAndChildren(const Element& element, std::string children) {
  std::string out = element.name;
  if (!element.value.empty()) {
    out += '=';
    out += element.value;
  }
  out += children;
  return out;
}

// How an ordered element treats children that are not in its order.
enum class Leftovers {
  // The event: its leftovers, and the fields hoisted out of its ordered
  // children, follow the ordered fields, all sorted together.
  kEvent,
  // A standard structure inside the event (readPoint, sensorReport, ...):
  // user extensions (`{namespace}name`) follow its ordered fields; any other
  // unknown field is hoisted, with the names of its ancestors, to the end of
  // the event (as the reference implementation does).
  kHoist,
  // Anywhere else: leftovers follow the ordered fields, sorted.
  kAppend,
};

std::string SerialiseChildren(const Element& element, Leftovers leftovers,
                              std::vector<Element>* hoisted);

std::string SerialiseWith(const Element& element, Leftovers leftovers,
                          std::vector<Element>* hoisted) {
  return HeadAndChildren(element,
                         SerialiseChildren(element, leftovers, hoisted));
}

std::string SerialiseChildren(const Element& element, Leftovers leftovers,
                              std::vector<Element>* hoisted) {
  if (element.order == nullptr) {
    std::vector<std::string> parts;
    parts.reserve(element.children.size());
    for (const Element& child : element.children) {
      parts.push_back(SerialiseWith(child, Leftovers::kAppend, nullptr));
    }
    return SortedConcatenation(std::move(parts));
  }
  const Leftovers nested =
      leftovers == Leftovers::kAppend ? Leftovers::kAppend : Leftovers::kHoist;
  // Fields hoisted out of this element's ordered children, as pruned copies
  // of those children.
  std::vector<Element> pruned;
  std::string out;
  for (std::string_view name : *element.order) {
    std::vector<std::string> parts;
    for (const Element& child : element.children) {
      if (child.name != name) continue;
      std::vector<Element> child_hoisted;
      std::string children = SerialiseChildren(child, nested, &child_hoisted);
      if (!child_hoisted.empty()) {
        pruned.push_back({child.name, "", std::move(child_hoisted)});
      }
      // In an ordered position, an element with nothing in it is left out.
      if (child.value.empty() && children.empty()) continue;
      parts.push_back(HeadAndChildren(child, std::move(children)));
    }
    out += SortedConcatenation(std::move(parts));
  }
  std::vector<std::string> others;
  for (const Element& child : element.children) {
    if (IsInOrder(*element.order, child.name)) continue;
    if (leftovers == Leftovers::kHoist && !child.name.starts_with('{')) {
      pruned.push_back(child);
    } else {
      others.push_back(SerialiseWith(child, Leftovers::kAppend, nullptr));
    }
  }
  if (leftovers == Leftovers::kEvent) {
    for (const Element& copy : pruned) {
      others.push_back(SerialiseWith(copy, Leftovers::kAppend, nullptr));
    }
  } else if (hoisted != nullptr) {
    for (Element& copy : pruned) hoisted->push_back(std::move(copy));
  }
  out += SortedConcatenation(std::move(others));
  return out;
}

}  // namespace

const PropertyOrder kEventOrder(kEventFields);
const PropertyOrder kEpcListOrder(kEpcListFields);
const PropertyOrder kQuantityListOrder(kQuantityListFields);
const PropertyOrder kQuantityElementOrder(kQuantityElementFields);
const PropertyOrder kIdOrder(kIdFields);
const PropertyOrder kPersistentDispositionOrder(kPersistentDispositionFields);
const PropertyOrder kSensorElementListOrder(kSensorElementListFields);
const PropertyOrder kSensorElementOrder(kSensorElementFields);
const PropertyOrder kSensorMetadataOrder(kSensorMetadataFields);
const PropertyOrder kSensorReportOrder(kSensorReportFields);
const PropertyOrder kTypedEntryListOrder(kTypedEntryListFields);
const PropertyOrder kBizTransactionOrder(kBizTransactionFields);
const PropertyOrder kSourceOrder(kSourceFields);
const PropertyOrder kDestinationOrder(kDestinationFields);

std::string SerialiseElement(const Element& element) {
  return SerialiseWith(element, Leftovers::kEvent, nullptr);
}

}  // namespace ocoptrace::epcis
