// Trust snapshots: the signed, logged summary of a region's OCOP status
// that inspectors carry offline (docs/inspector.md). A snapshot lists the
// producers whose address lies in one administrative unit, their products
// and certificates (validity, revocation, renewal), the labels voided on
// their batches, and every key of the log with its revocation. traced signs
// it with the authority key as a `trust.snapshot` entry on
// `service/authority`, so that its bytes are proven by the log like any
// other entry (Service::GetTrustSnapshot, verify.proto).
//
// Thread-safety: pure functions of their arguments, thread-safe as far as
// the StateReader and the Ledger are (both are).

#ifndef OCOPTRACE_SERVER_TRACE_SNAPSHOT_H_
#define OCOPTRACE_SERVER_TRACE_SNAPSHOT_H_

#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "ocoptrace/v1/verify.pb.h"
#include "server/ledger/ledger.h"
#include "server/trace/state_reader.h"

namespace ocoptrace::trace {

// A snapshot is reused (no new entry) while its bytes are what the state
// gives now and it is younger than this.
inline constexpr absl::Duration kTrustSnapshotReuseAge = absl::Hours(24);

// How many of the newest entries of `service/authority` are searched for a
// reusable snapshot of the region.
inline constexpr uint64_t kTrustSnapshotSearchDepth = 64;

// True when a producer's address (as registered, as now, and its current
// units) names the administrative unit `region`, as the unit itself or as
// its parent. Every producer matches the empty region.
bool ProducerInRegion(const state::ProducerState& producer,
                      std::string_view region);

// Builds the snapshot of `region` from the derived state in `state`, reading
// the labels.voided entries of the region's batches from `ledger`.
// Lists are sorted so that the same state gives the same bytes.
// InvalidArgument ("region: ...") when `region` is not empty and no
// producer's address has that unit code; DataLoss for a stored record that
// does not parse; storage errors as they come.
absl::StatusOr<v1::TrustSnapshot> BuildTrustSnapshot(
    const StateReader& state, const ledger::Ledger& ledger,
    std::string_view region);

}  // namespace ocoptrace::trace

#endif  // OCOPTRACE_SERVER_TRACE_SNAPSHOT_H_
