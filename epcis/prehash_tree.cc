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

std::string SerialiseChildren(const Element& element);

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

std::string SerialiseChildren(const Element& element) {
  if (element.order == nullptr) {
    std::vector<std::string> parts;
    parts.reserve(element.children.size());
    for (const Element& child : element.children) {
      parts.push_back(SerialiseElement(child));
    }
    return SortedConcatenation(std::move(parts));
  }
  std::string out;
  for (std::string_view name : *element.order) {
    std::vector<std::string> parts;
    for (const Element& child : element.children) {
      if (child.name != name) continue;
      std::string children = SerialiseChildren(child);
      // In an ordered position, an element with nothing in it is left out.
      if (child.value.empty() && children.empty()) continue;
      parts.push_back(HeadAndChildren(child, std::move(children)));
    }
    out += SortedConcatenation(std::move(parts));
  }
  std::vector<std::string> others;
  for (const Element& child : element.children) {
    if (!IsInOrder(*element.order, child.name)) {
      others.push_back(SerialiseElement(child));
    }
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
  return HeadAndChildren(element, SerialiseChildren(element));
}

}  // namespace ocoptrace::epcis
