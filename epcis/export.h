// Export of a batch's chain as an EPCIS 2.0 JSON-LD document
// (docs/epcis.md, "Export"): each `batch.created` and `event.<step>` entry
// becomes one EPCIS event in the CBV 2.0 vocabulary with GS1 Digital Link
// identifiers, GLN locations, the product's OCOP certificate as
// certificationInfo, the CBV 2.0 event hash ID as eventID, and the ledger
// entry with its inclusion proof as the declared extension
// `ocop:ledgerEntry`, so that a receiver can verify every event against the
// signed checkpoint in the document header.
//
// Events that came in through EPCIS capture are written back as they were
// captured (their JSON is kept in the TraceEvent, see capture.h).
//
// Thread-safety: pure functions, thread-safe.

#ifndef OCOPTRACE_EPCIS_EXPORT_H_
#define OCOPTRACE_EPCIS_EXPORT_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "core/timestamp.h"
#include "nlohmann/json.hpp"
#include "ocoptrace/v1/certificates.pb.h"
#include "ocoptrace/v1/registry.pb.h"
#include "ocoptrace/v1/trace.pb.h"

namespace ocoptrace::epcis {

namespace v1 = ::ocoptrace::v1;

// KDE names with which capture keeps an event's original EPCIS JSON and the
// prefixes its keys use (reserved: native events must not use "epcis:").
inline constexpr char kCapturedEventKde[] = "epcis:event";
inline constexpr char kCapturedPrefixesKde[] = "epcis:prefixes";
// KDE naming the SSCC of the case a packing event packs into (18 digits).
inline constexpr char kSsccKde[] = "sscc";

struct ExportInput {
  // The batch and its chain, oldest first, with inclusion proofs against
  // `checkpoint` (Trace.GetHistory's response).
  v1::Batch batch;
  std::vector<v1::HistoryItem> items;
  std::string checkpoint;  // Signed checkpoint note, as text.
  v1::ProductRecord product;
  v1::ProducerRecord producer;
  // Certificates that cover the product, any status. Each event names the
  // ones valid on its local date.
  std::vector<v1::Certificate> certificates;
  // This server's public base URL, lower-case, no trailing slash, e.g.
  // "https://tx.ocop.example.vn": certificate pages are
  // <base>/cert/<number>, verifier keys <base>/keys.
  std::string base_url;
  Timestamp creation_time;
};

// The EPCIS 2.0 document of the batch. Entries of kinds other than
// batch.created and event.* (labels.*) are left out. InvalidArgument when
// an item cannot be written (a body that does not parse, a time zone offset
// outside ±14:00, which EPCIS does not allow), naming the item's log index.
absl::StatusOr<nlohmann::json> ExportBatchDocument(const ExportInput& input);

// One event as exported, before eventID and the ledger extension: `event`,
// and `prefixes`, the JSON-LD prefix bindings its keys need besides the
// standard context and "ocop" (an object; empty for native events).
struct EpcisEvent {
  nlohmann::json event;
  nlohmann::json prefixes = nlohmann::json::object();
};

// What an exported event takes from outside its own body.
struct EventExtras {
  // certificationInfo: null (none), a URL, or an array of URLs.
  nlohmann::json certification_info;
  // ilmd of commissioning events: null (none) or an object.
  nlohmann::json ilmd;
};

// The EPCIS event of a TraceEvent on the chain of batch `subject` (GTIN-14
// + lot). A TraceEvent that capture stored with its original JSON yields
// that JSON (extras are then not used). InvalidArgument naming the field
// for a time zone offset outside ±14:00 or a corrupt captured JSON.
absl::StatusOr<EpcisEvent> TraceEventToEpcis(const v1::TraceEvent& event,
                                             const v1::BatchRef& subject,
                                             const EventExtras& extras);

// The EPCIS event of a batch.created entry: an ObjectEvent (or, for a batch
// made from input batches, a TransformationEvent) with action ADD, bizStep
// creating_class_instance, eventTime = the entry's time, and `ilmd`.
absl::StatusOr<EpcisEvent> BatchRecordToEpcis(const v1::BatchRecord& record,
                                              const Timestamp& entry_time,
                                              const nlohmann::json& ilmd);

// The ILMD of a batch: cbvmda:lotNumber, cbvmda:productionDate (AI 11),
// cbvmda:itemExpirationDate (AI 17), cbvmda:countryOfOrigin "VN".
nlohmann::json BatchIlmd(const v1::BatchRecord& record);

// The document @context: the EPCIS context URL, then one object binding
// "ocop" and `prefixes`.
nlohmann::json ExportContext(
    const nlohmann::json& prefixes = nlohmann::json::object());

// <base>/cert/<number, percent-encoded>.
std::string CertificatePageUrl(std::string_view base_url,
                               std::string_view number);

// "+07:00" for 420. InvalidArgument outside ±14:00 (EPCIS's range).
absl::StatusOr<std::string> FormatTimeZoneOffset(int32_t utc_offset_minutes);

}  // namespace ocoptrace::epcis

#endif  // OCOPTRACE_EPCIS_EXPORT_H_
