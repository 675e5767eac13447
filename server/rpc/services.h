// The gRPC services of ocoptrace.v1, one callback service per proto
// service (Registry, Certificates, Trace, Labels, Verify, Admin). Each is a
// thin adapter over trace::Service: it authenticates the call (auth.h), calls
// the method of the same name and maps the status (status.h). Handlers never
// block: ledger writes finish the call from the ledger's callback, reads
// run inline (they are local RocksDB reads).
//
// Thread-safety: the services are thread-safe; `service` must outlive them
// and the grpc::Server they are registered with.

#ifndef OCOPTRACE_SERVER_RPC_SERVICES_H_
#define OCOPTRACE_SERVER_RPC_SERVICES_H_

#include <grpcpp/impl/service_type.h>

#include <memory>
#include <vector>

#include "server/trace/service.h"
#include "server/trace/stats.h"

namespace ocoptrace::rpc {

std::unique_ptr<grpc::Service> NewRegistryService(trace::Service* service);
std::unique_ptr<grpc::Service> NewCertificatesService(trace::Service* service);
std::unique_ptr<grpc::Service> NewTraceService(trace::Service* service);
std::unique_ptr<grpc::Service> NewVerifyService(trace::Service* service);
// `officer` (may be null; then Admin.GetStats and Admin.ListReports answer
// UNIMPLEMENTED) must outlive the service.
std::unique_ptr<grpc::Service> NewAdminService(
    trace::Service* service, trace::OfficerReads* officer = nullptr);

// All of the above and the Labels service (labels_service.h): Registry,
// Certificates, Trace, Labels, Verify, Admin.
std::vector<std::unique_ptr<grpc::Service>> NewAllServices(
    trace::Service* service, trace::OfficerReads* officer = nullptr);

}  // namespace ocoptrace::rpc

#endif  // OCOPTRACE_SERVER_RPC_SERVICES_H_
