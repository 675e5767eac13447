// The two shapes of every unary gRPC handler in server/rpc, so that each
// service method is one line: authenticate the call (auth.h), run the
// trace::Service method, map its status (status.h) and finish the reactor.
//
//   HandleSync:  the method is a local read (or a small local write, e.g.
//                a principal) and returns absl::StatusOr<Response>; it runs
//                inline on the gRPC callback thread.
//   HandleAsync: the method appends to the ledger and reports through a
//                trace::Callback; the reactor is finished from that callback
//                (on a ledger thread), so no gRPC thread ever waits for a
//                disk sync.
//
// Thread-safety: each call touches only its own reactor and response.

#ifndef OCOPTRACE_SERVER_RPC_UNARY_H_
#define OCOPTRACE_SERVER_RPC_UNARY_H_

#include <grpcpp/server_context.h>
#include <grpcpp/support/server_callback.h>

#include <memory>
#include <utility>

#include "absl/status/statusor.h"
#include "server/rpc/auth.h"
#include "server/rpc/status.h"
#include "server/trace/service.h"

namespace ocoptrace::rpc {

// Finishes `reactor`: on OK moves the value into `*response`, otherwise
// sends the error (with the authentication hint for anonymous callers).
template <typename Response>
void FinishUnary(grpc::ServerUnaryReactor* reactor, Response* response,
                 const trace::Caller& caller, absl::StatusOr<Response> result) {
  if (result.ok()) {
    *response = *std::move(result);
    reactor->Finish(grpc::Status::OK);
    return;
  }
  reactor->Finish(ToGrpcStatus(AddAuthHint(caller, result.status())));
}

// `run(const trace::Caller&)` returns absl::StatusOr<Response>.
template <typename Response, typename Run>
grpc::ServerUnaryReactor* HandleSync(const trace::Service& service,
                                     grpc::CallbackServerContext* context,
                                     Response* response, Run run) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  absl::StatusOr<trace::Caller> caller = AuthenticateCall(service, *context);
  if (!caller.ok()) {
    reactor->Finish(ToGrpcStatus(caller.status()));
    return reactor;
  }
  FinishUnary<Response>(reactor, response, *caller, run(*caller));
  return reactor;
}

// `run(const trace::Caller&, trace::Callback<Response>)` starts the
// operation; the callback finishes the reactor. The Caller is kept alive
// until the callback has run.
template <typename Response, typename Run>
grpc::ServerUnaryReactor* HandleAsync(const trace::Service& service,
                                      grpc::CallbackServerContext* context,
                                      Response* response, Run run) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  absl::StatusOr<trace::Caller> caller = AuthenticateCall(service, *context);
  if (!caller.ok()) {
    reactor->Finish(ToGrpcStatus(caller.status()));
    return reactor;
  }
  auto owned_caller = std::make_shared<const trace::Caller>(*std::move(caller));
  run(*owned_caller, [reactor, response,
                      owned_caller](absl::StatusOr<Response> result) {
    FinishUnary<Response>(reactor, response, *owned_caller, std::move(result));
  });
  return reactor;
}

}  // namespace ocoptrace::rpc

#endif  // OCOPTRACE_SERVER_RPC_UNARY_H_
