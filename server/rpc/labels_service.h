// Labels: the gRPC callback service of ocoptrace.v1.Labels, a thin adapter
// over trace::Service's label methods (authentication, status mapping as
// in the other services of server/rpc).
//
// IssueLabels is server-streaming: the service issues every label first
// (signing runs on the service's label worker, never on a gRPC thread),
// then the reactor writes them kLabelsPerMessage at a time, one write in
// flight, the summary in the first message. A client that goes away
// mid-stream leaves the labels issued; it can void them by serial.
// VoidLabels and GetLabel are unary (HandleAsync / HandleSync).
//
// Thread-safety: thread-safe; `service` must outlive the service and the
// grpc::Server it is registered with.

#ifndef OCOPTRACE_SERVER_RPC_LABELS_SERVICE_H_
#define OCOPTRACE_SERVER_RPC_LABELS_SERVICE_H_

#include <grpcpp/impl/service_type.h>

#include <cstddef>
#include <memory>

#include "ocoptrace/v1/labels.pb.h"
#include "server/trace/service.h"

namespace ocoptrace::rpc {

// Labels per IssueLabelsResponse message (a message of 1000 labels with
// PINs is about 270 KB, well under gRPC's 4 MiB default).
inline constexpr size_t kLabelsPerMessage = 1000;

std::unique_ptr<grpc::Service> NewLabelsService(trace::Service* service);

// The stream message carrying labels [offset, offset + kLabelsPerMessage)
// of `issued`, with the summary when offset is 0.
v1::IssueLabelsResponse LabelsMessage(const trace::IssuedLabels& issued,
                                      size_t offset);

}  // namespace ocoptrace::rpc

#endif  // OCOPTRACE_SERVER_RPC_LABELS_SERVICE_H_
