// Internals shared by the EPCIS parts of trace::Service (service_epcis.cc,
// epcis_reads.cc): the capture jobs object and the export input of a batch.
//
// Thread-safety: as trace::Service.

#ifndef OCOPTRACE_SERVER_TRACE_EPCIS_SERVICE_H_
#define OCOPTRACE_SERVER_TRACE_EPCIS_SERVICE_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "epcis/export.h"
#include "server/trace/epcis_captures.h"
#include "server/trace/service.h"
#include "server/trace/state_reader.h"

namespace ocoptrace::trace {

// The service's EpcisCaptures, made on first use.
EpcisCaptures& EpcisCapturesOf(Service* service, Service::Impl* impl);

// What the EPCIS and portal exports need about `batch`: its chain up to
// (excluding) log index `tree_size`, with inclusion proofs in that tree
// (signed by `checkpoint_note`), the product, producer and certificates as
// of today, and the service's public base URL.
absl::StatusOr<epcis::ExportInput> BatchExportInput(
    const Service::Impl& impl, const StateReader& state,
    const state::BatchState& batch, uint64_t tree_size,
    const std::string& checkpoint_note);

// One page of an EPCIS event query (Service::QueryEpcisEvents, which runs
// it on the query thread).
absl::StatusOr<EpcisEventPage> RunEpcisQuery(Service::Impl& impl,
                                             const Caller& caller,
                                             const EpcisEventQuery& query);

}  // namespace ocoptrace::trace

#endif  // OCOPTRACE_SERVER_TRACE_EPCIS_SERVICE_H_
