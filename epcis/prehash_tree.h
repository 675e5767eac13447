// The syntax-neutral model of an EPCIS event that the CBV 2.0 event hash
// serialises, and the serialisation itself.
//
// An event becomes a tree of Elements whose names and values are already
// canonical (see canonical_value.h): standard fields by their EPCIS name
// (`epcList`, `readPoint`, `sensorReport`, ...), list entries by their XML
// element name (`epc`, `quantityElement`, `sensorElement`), user extensions
// as `{namespace}localName`. An Element with a PropertyOrder serialises its
// children in that order (same-named children sorted among themselves),
// followed by all other children sorted; an Element without one sorts all
// its children. Each child serialises as `name`, `=value` when it has a
// value, then its own children; children in an ordered position that have
// neither value nor children are left out.
//
// One quirk of the reference implementation is kept for compatibility:
// inside the standard structures of an event (readPoint, sensorReport, ...)
// only user extensions (`{namespace}name`) follow the ordered fields; an
// unknown field without namespace moves, with the names of its ancestors, to
// the event's trailing sorted fields, e.g.
// `sensorElementListsensorElementsensorReportbizRules=...`.
//
// Thread-safety: plain values; the order tables are immutable.

#ifndef OCOPTRACE_EPCIS_PREHASH_TREE_H_
#define OCOPTRACE_EPCIS_PREHASH_TREE_H_

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ocoptrace::epcis {

// The names of the children that come first, in this order.
using PropertyOrder = std::span<const std::string_view>;

struct Element {
  std::string name;
  std::string value;  // Empty for structures.
  std::vector<Element> children;
  // Null: all children sorted. Points at one of the tables below.
  const PropertyOrder* order = nullptr;
};

// The canonical property order of an event (CBV 2.0 event hash): when,
// what, why, where and sensor data; everything else (business transactions,
// sources, destinations, ILMD, user extensions) follows sorted.
extern const PropertyOrder kEventOrder;
extern const PropertyOrder kEpcListOrder;          // epc
extern const PropertyOrder kQuantityListOrder;     // quantityElement
extern const PropertyOrder kQuantityElementOrder;  // epcClass quantity uom
extern const PropertyOrder kIdOrder;               // readPoint, bizLocation
extern const PropertyOrder kPersistentDispositionOrder;  // set unset
extern const PropertyOrder kSensorElementListOrder;      // sensorElement
extern const PropertyOrder kSensorElementOrder;  // sensorMetadata sensorReport
extern const PropertyOrder kSensorMetadataOrder;
extern const PropertyOrder kSensorReportOrder;
// bizTransactionList, sourceList, destinationList: their entries have an
// empty name, so that each serialises as `type=...` then the identifier.
extern const PropertyOrder kTypedEntryListOrder;
extern const PropertyOrder kBizTransactionOrder;  // type bizTransaction
extern const PropertyOrder kSourceOrder;          // type source
extern const PropertyOrder kDestinationOrder;     // type destination

// `name[=value]` followed by the children as described above; `element` is
// the event (the root of the tree).
std::string SerialiseElement(const Element& element);

}  // namespace ocoptrace::epcis

#endif  // OCOPTRACE_EPCIS_PREHASH_TREE_H_
