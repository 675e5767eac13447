// The national-portal export (docs/portal.md): one JSON document per
// product batch holding the ten mandatory data items of Circular
// 02/2024/TT-BKHCN Art. 6.3, in the shape of docs/portal-export.schema.json,
// and the list of items still missing, so that a producer can complete the
// record before labels are activated (a label needs all ten).
//
// The portal's integration API could not be verified (domain.md §1.1): the
// field names are ocoptrace's own, documented item by item; a connector
// maps them onto the portal's API once its specification is available.
//
// Thread-safety: pure function, thread-safe.

#ifndef OCOPTRACE_EPCIS_PORTAL_EXPORT_H_
#define OCOPTRACE_EPCIS_PORTAL_EXPORT_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "epcis/export.h"
#include "nlohmann/json.hpp"

namespace ocoptrace::epcis {

inline constexpr char kPortalExportFormat[] = "ocoptrace/portal-export/v1";

struct MissingItem {
  int item = 0;        // Art. 6.3 item number, 1..10.
  std::string field;   // The record field to fill, e.g. "product.image".
  std::string detail;  // What to do, in words.
};

struct PortalExport {
  nlohmann::json document;  // Also lists `missing` (as "missingItems").
  std::vector<MissingItem> missing;
  bool complete() const { return missing.empty(); }
};

// The portal document of `input`'s batch (its history items, product,
// producer, certificates). The document is produced also when items are
// missing. InvalidArgument only when the batch's GTIN is malformed or a
// history body does not parse.
absl::StatusOr<PortalExport> ExportPortalDocument(const ExportInput& input);

}  // namespace ocoptrace::epcis

#endif  // OCOPTRACE_EPCIS_PORTAL_EXPORT_H_
