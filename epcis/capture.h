// Capture mapping: an EPCIS 2.0 JSON-LD document from another system
// (EPCISDocument or EPCISQueryDocument), validated and mapped onto
// ocoptrace's model: for each event, the batches (GTIN + lot) it is about
// and, for each, the log entry to append — `event.<step>` with a TraceEvent
// body, preceded by `batch.created` when a commissioning introduces a lot
// the server does not know and the context allows it. The plan stores
// nothing; the server signs and appends its entries (docs/epcis.md,
// "Capture").
//
// Problems are RFC 7807 problem details naming the event and the field by
// JSON pointer. By default (rollback, as the EPCIS REST binding says) a
// document with any problem yields no events; kProceed keeps the events
// that have none.
//
// Each captured TraceEvent keeps the event's JSON (KDE "epcis:event") and
// epcis_event_id = the document's eventID, or the CBV 2.0 hash ID when the
// event has none; CapturedEvent::hash_id is always the hash ID, for
// idempotent capture (skip events already stored).
//
// Thread-safety: PlanCapture is thread-safe if the context's callbacks are.

#ifndef OCOPTRACE_EPCIS_CAPTURE_H_
#define OCOPTRACE_EPCIS_CAPTURE_H_

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "core/timestamp.h"
#include "nlohmann/json.hpp"
#include "ocoptrace/v1/trace.pb.h"

namespace ocoptrace::epcis {

namespace v1 = ::ocoptrace::v1;

// An RFC 7807 problem detail.
struct Problem {
  // The EPCIS REST binding's exception type, e.g.
  // "epcisException:ValidationException" (400),
  // "epcisException:CaptureLimitExceededException" (413),
  // "epcisException:ImplementationException" (500).
  std::string type;
  std::string title;  // Fixed per `code`, e.g. "Unknown GTIN".
  int status = 400;
  std::string detail;    // What is wrong and what to do.
  std::string instance;  // CaptureContext::instance.
  // RFC 6901 pointer to the offending spot, e.g.
  // "/epcisBody/eventList/3/bizStep"; "" for the whole document.
  std::string event_pointer;
  // ocoptrace's problem code (docs/epcis.md lists them): "invalid-json",
  // "schema-version", "urn-cbv-term", "unknown-gtin", "time-offset", ...
  std::string code;
};

// {"type", "title", "status", "detail", "instance", "eventPointer", "code"}
// ("instance" only when set).
nlohmann::json ProblemToJson(const Problem& problem);

// What to do with a document that has problems (GS1-Capture-Error-
// Behaviour): store nothing, or store the events that have none.
enum class CaptureErrorBehaviour { kRollback, kProceed };

// What the plan needs to know about the server's state. Callbacks return
// a non-OK status only when the lookup itself fails; PlanCapture then
// fails with that status. A null callback answers "no".
struct CaptureContext {
  // Is this GTIN-14 a registered product?
  std::function<absl::StatusOr<bool>(const std::string& gtin14)> product_known;
  // Does this batch exist?
  std::function<absl::StatusOr<bool>(const v1::BatchRef& batch)> batch_known;
  // The lot of the labelled unit GTIN-14 + serial, nullopt when unknown.
  std::function<absl::StatusOr<std::optional<std::string>>(
      const std::string& gtin14, const std::string& serial)>
      lot_of_serial;
  // Is `step` an accepted event step (server/trace BusinessSteps())? Null:
  // the 21 steps of docs/kinds.md as of this writing.
  std::function<bool(std::string_view step)> step_accepted;
  // A commissioning (or creating_class_instance) ADD of a lot the server
  // does not know plans a batch.created entry before the event.
  bool may_create_batches = false;
  CaptureErrorBehaviour error_behaviour = CaptureErrorBehaviour::kRollback;
  // At most this many events per document (GS1-EPCIS-Capture-Limit).
  size_t max_events = 10000;
  // Problem::instance of every problem, e.g. "/epcis/capture/7".
  std::string instance;
};

// One entry to append.
struct PlannedEntry {
  v1::BatchRef batch;            // GTIN-14 + lot: subject batch/<gtin>/<lot>.
  std::string kind;              // "batch.created" or "event.<step>".
  v1::BatchRecord batch_record;  // The body of batch.created.
  v1::TraceEvent event;          // The body of event.<step>.
  Timestamp time;                // The entry's time: eventTime, whole seconds.
};

struct CapturedEvent {
  size_t index = 0;                   // Position in the document's event list.
  std::string pointer;                // "/epcisBody/eventList/<index>".
  std::string event_id;               // The document's eventID, else hash_id.
  std::string hash_id;                // The CBV 2.0 event hash ID.
  std::vector<PlannedEntry> entries;  // In append order.
  // What the mapping left out, for the capture job's report, e.g.
  // "epcList/2: urn:epc:id:giai:4000001.111 is not a product lot; kept
  // only in the captured JSON".
  std::vector<std::string> notes;
};

struct CapturePlan {
  size_t event_count = 0;  // Events in the document.
  // Events to store, in document order (none after a rollback).
  std::vector<CapturedEvent> events;
  // Every problem found, in document order.
  std::vector<Problem> problems;
};

// Plans the capture of `document`. Always returns a plan when the lookups
// work: problems are in CapturePlan::problems. A non-OK status only when a
// context callback failed.
absl::StatusOr<CapturePlan> PlanCapture(const nlohmann::json& document,
                                        const CaptureContext& context);

// The same for the request body as received: invalid JSON is the problem
// "invalid-json" naming the byte offset.
absl::StatusOr<CapturePlan> PlanCaptureText(std::string_view text,
                                            const CaptureContext& context);

// The steps CaptureContext::step_accepted defaults to.
bool IsDefaultAcceptedStep(std::string_view step);

// Placeholder text for what ocoptrace requires but an EPCIS event does not
// state (a shipping's destination, a receiving's source, a place).
inline constexpr char kNotStated[] =
    "không nêu trong sự kiện EPCIS (not stated in the EPCIS event)";

}  // namespace ocoptrace::epcis

#endif  // OCOPTRACE_EPCIS_CAPTURE_H_
