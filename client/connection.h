// A gRPC connection to traced: one channel, a stub per service, and calls
// that carry the bearer token and a deadline and come back as absl::Status.
//
// Transport: TLS when a CA certificate is configured (it becomes the only
// trusted root) or when the server is not on a loopback address (system
// roots); plaintext only for localhost / 127.0.0.0/8 / ::1 without a CA.
//
// Errors: the server's status code and message are kept as they are (its
// messages name the field to fix), except that an unreachable server
// (UNAVAILABLE, DEADLINE_EXCEEDED before any answer) says which address
// was tried and what to check.
//
// Thread-safety: a Connection may be used from several threads (gRPC stubs
// are thread-safe).

#ifndef OCOPTRACE_CLIENT_CONNECTION_H_
#define OCOPTRACE_CLIENT_CONNECTION_H_

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grpcpp/grpcpp.h"
#include "ocoptrace/v1/admin.grpc.pb.h"
#include "ocoptrace/v1/certificates.grpc.pb.h"
#include "ocoptrace/v1/labels.grpc.pb.h"
#include "ocoptrace/v1/registry.grpc.pb.h"
#include "ocoptrace/v1/trace.grpc.pb.h"
#include "ocoptrace/v1/verify.grpc.pb.h"

namespace ocoptrace::client {

namespace v1 = ::ocoptrace::v1;

struct ConnectionOptions {
  std::string server;   // "host:port". Required.
  std::string token;    // Bearer token; empty = anonymous (Verify only).
  std::string ca_cert;  // Path of a PEM CA certificate; empty = none.
  absl::Duration timeout = absl::Seconds(30);  // Per call.
};

// True when `server` ("host:port", "[::1]:port") names a loopback host:
// localhost, 127.x.x.x or ::1.
bool IsLoopbackServer(std::string_view server);

// The status for a finished call: OK, or the server's code and message.
// Unreachable-server codes get a message naming `server`.
absl::Status FromGrpcStatus(const grpc::Status& status,
                            std::string_view server);

class Connection {
 public:
  // Creates the channel (no network traffic yet: the first call connects).
  // InvalidArgument when `server` is empty ("no server configured: run
  // tracectl init --server HOST:PORT or pass --server"); NotFound / Internal
  // when the CA certificate cannot be read.
  static absl::StatusOr<std::unique_ptr<Connection>> Open(
      ConnectionOptions options);

  const ConnectionOptions& options() const { return options_; }

  v1::Registry::Stub& registry() { return *registry_; }
  v1::Certificates::Stub& certificates() { return *certificates_; }
  v1::Trace::Stub& trace() { return *trace_; }
  v1::Verify::Stub& verify() { return *verify_; }
  v1::Admin::Stub& admin() { return *admin_; }
  v1::Labels::Stub& labels() { return *labels_; }

  // A context with the token (when set) and the deadline.
  std::unique_ptr<grpc::ClientContext> NewContext() const;

  // One unary call: `Call(conn.verify(), &v1::Verify::Stub::GetHead, req)`.
  template <typename Stub, typename Request, typename Response>
  absl::StatusOr<Response> Call(
      Stub& stub,
      grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                   Response*),
      const Request& request) const {
    std::unique_ptr<grpc::ClientContext> context = NewContext();
    Response response;
    grpc::Status status = (stub.*method)(context.get(), request, &response);
    if (!status.ok()) return FromGrpcStatus(status, options_.server);
    return response;
  }

 private:
  explicit Connection(ConnectionOptions options,
                      std::shared_ptr<grpc::Channel> channel);

  ConnectionOptions options_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::Registry::Stub> registry_;
  std::unique_ptr<v1::Certificates::Stub> certificates_;
  std::unique_ptr<v1::Trace::Stub> trace_;
  std::unique_ptr<v1::Verify::Stub> verify_;
  std::unique_ptr<v1::Admin::Stub> admin_;
  std::unique_ptr<v1::Labels::Stub> labels_;
};

}  // namespace ocoptrace::client

#endif  // OCOPTRACE_CLIENT_CONNECTION_H_
