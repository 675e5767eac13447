// Conversion between absl::Status (the error values of every ocoptrace
// module) and grpc::Status (what travels on the wire). This is the only
// place where the two meet: every gRPC handler finishes through
// ToGrpcStatus.
//
// The canonical codes of absl and gRPC have the same names and numbers
// (OK = 0 ... UNAUTHENTICATED = 16), so the mapping is one-to-one and keeps
// the message unchanged: a client sees exactly the text that the service
// wrote ("lot (AI 10): character 'ô' at position 3 is not allowed; ...").
//
// Thread-safety: all functions are pure and thread-safe.

#ifndef OCOPTRACE_SERVER_RPC_STATUS_H_
#define OCOPTRACE_SERVER_RPC_STATUS_H_

#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace ocoptrace::rpc {

// The gRPC status with the same code and message. A code outside the
// canonical range (which absl allows but no ocoptrace module produces)
// becomes UNKNOWN, keeping the message.
grpc::Status ToGrpcStatus(const absl::Status& status);

// The inverse, for clients and tests: the absl::Status with the same code
// and message (UNKNOWN for codes outside the canonical range).
absl::Status FromGrpcStatus(const grpc::Status& status);

}  // namespace ocoptrace::rpc

#endif  // OCOPTRACE_SERVER_RPC_STATUS_H_
