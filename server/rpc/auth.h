// Authentication of gRPC calls: the one place that turns a call's metadata
// into the trace::Caller every service method takes.
//
// A caller authenticates with the header `authorization: Bearer <token>`,
// where <token> is the base64url string a principal received once from
// `traced --init` or Admin.CreatePrincipal. Without the header the caller is
// anonymous, which is enough for the public Verify methods; every other
// method then answers UNAUTHENTICATED with a hint saying how to pass a
// token (AddAuthHint). Whether a caller may call a method is decided by
// trace::Service, not here.
//
// Thread-safety: the functions are thread-safe; they only read the
// service, which is thread-safe.

#ifndef OCOPTRACE_SERVER_RPC_AUTH_H_
#define OCOPTRACE_SERVER_RPC_AUTH_H_

#include <grpcpp/server_context.h>

#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "server/trace/service.h"

namespace ocoptrace::rpc {

// The metadata key of the bearer token (gRPC keys are lower case).
inline constexpr char kAuthorizationHeader[] = "authorization";

// The caller of the call whose metadata `context` holds.
// OK with an anonymous Caller when there is no authorization header, or
// with the principal's Caller when the header carries a valid token.
// Unauthenticated, saying what to fix, when the header is repeated, is not
// of the form "Bearer <token>", or the token is unknown or revoked (the
// message of trace::Service::Authenticate).
absl::StatusOr<trace::Caller> AuthenticateCall(
    const trace::Service& service, const grpc::ServerContextBase& context);

// The token of an "authorization" header value: the text after "Bearer "
// (the scheme is matched case-insensitively, as RFC 9110 says).
// Unauthenticated when the value has another shape or the token is empty.
absl::StatusOr<std::string_view> ParseBearerToken(std::string_view header);

// `status`, with a hint on how to authenticate prefixed to the message
// when an anonymous caller was refused (Unauthenticated): "missing bearer
// token: pass --token or set OCOPTRACE_TOKEN (...)". Other statuses are
// returned unchanged.
absl::Status AddAuthHint(const trace::Caller& caller, absl::Status status);

}  // namespace ocoptrace::rpc

#endif  // OCOPTRACE_SERVER_RPC_AUTH_H_
