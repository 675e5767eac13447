// The EPCIS event index: where each event captured from EPCIS is stored, so
// that capturing the same event twice stores it once and events can be
// found by eventID (docs/epcis.md, "Idempotent capture").
//
// A captured TraceEvent carries `epcis_event_id` (the document's eventID,
// else the CBV 2.0 event hash ID) and, when the two differ, the hash ID in
// the KDE "epcis:hashId". The state machine indexes the event under both,
// per batch: IndexKey(kIndexEpcisEvents, {hex SHA-256(id), subject}) ->
// BE64(seq). It is derived state, so RebuildState reproduces it.
//
// KDE names starting with "epcis:" are reserved for captured events.
//
// Thread-safety: pure functions (reads go through the given view).

#ifndef OCOPTRACE_SERVER_TRACE_EPCIS_INDEX_H_
#define OCOPTRACE_SERVER_TRACE_EPCIS_INDEX_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "core/log_entry.h"
#include "ocoptrace/v1/trace.pb.h"
#include "server/storage/store.h"
#include "server/storage/write_batch.h"

namespace ocoptrace::trace {

namespace v1 = ::ocoptrace::v1;

// The KDE holding a captured event's CBV 2.0 hash ID when its
// epcis_event_id is another eventID.
inline constexpr char kEpcisHashIdKde[] = "epcis:hashId";
// Names starting with this are reserved for captured events.
inline constexpr char kReservedKdePrefix[] = "epcis:";

// The ids a TraceEvent is indexed under: epcis_event_id, then the
// epcis:hashId KDE if it differs. Empty for native events.
std::vector<std::string> EpcisIdsOf(const v1::TraceEvent& event);

// The index writes of an `event.*` entry (state machine): one key per id
// of EpcisIdsOf on the entry's subject. Nothing for native events.
void AddEpcisEventIndex(const EntryHeader& header, const v1::TraceEvent& event,
                        storage::WriteBatch& writes);

struct EpcisEventLocation {
  std::string subject;  // "batch/<GTIN14>/<encoded lot>"
  uint64_t seq = 0;
};

// Where the event with eventID or hash ID `id` is stored, in subject order
// (an event about several lots is stored on each). Empty when nowhere.
// Errors: the store's.
absl::StatusOr<std::vector<EpcisEventLocation>> FindEpcisEvent(
    const storage::ReadView& view, std::string_view id);

// The checks RecordEvent adds for EPCIS fields: InvalidArgument naming the
// KDE when an event without epcis_event_id uses a reserved "epcis:" name;
// AlreadyExists naming the id and the seq when one of the event's ids is
// already stored on `subject` (a re-capture stores nothing new).
absl::Status CheckEpcisEvent(const v1::TraceEvent& event,
                             std::string_view subject,
                             const storage::ReadView& view);

}  // namespace ocoptrace::trace

#endif  // OCOPTRACE_SERVER_TRACE_EPCIS_INDEX_H_
