// RpcServer: the gRPC server of traced. It listens on one address, serves
// the ocoptrace.v1 services (services.h) over a trace::Service, and shuts
// down gracefully.
//
// Transport security: with a certificate and key (PEM files) the server
// speaks TLS. Without them it speaks plaintext, which it allows only on a
// loopback address (127.0.0.0/8, ::1, localhost, or a unix socket) unless
// the operator sets `allow_insecure_remote`: bearer tokens must not cross a
// network in clear.
//
// Thread-safety: all methods are thread-safe. Shutdown may be called from
// any thread (e.g. a signal-waiting thread) while another thread is in
// Wait.

#ifndef OCOPTRACE_SERVER_RPC_SERVER_H_
#define OCOPTRACE_SERVER_RPC_SERVER_H_

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/trace/service.h"
#include "server/trace/stats.h"

namespace grpc {
class Server;
class Service;
}  // namespace grpc

namespace ocoptrace::rpc {

struct RpcServerOptions {
  // "host:port", "[ipv6]:port" or "unix:/path". Port 0 picks a free port
  // (see RpcServer::port()).
  std::string listen_address = "127.0.0.1:7443";
  // PEM files of the server certificate (chain) and its private key. Both
  // or neither.
  std::string tls_cert_file;
  std::string tls_key_file;
  // Serve plaintext on a non-loopback address. Only behind a TLS-terminating
  // proxy on a trusted network.
  bool allow_insecure_remote = false;
  // Requests larger than this are refused by gRPC itself with
  // RESOURCE_EXHAUSTED before any handler runs. Trace.CaptureEpcis takes
  // EPCIS documents as large as HTTP POST /epcis/capture does (16 MiB; a
  // 10 000-event document is about 4.4 MB).
  int max_receive_message_bytes = 16 << 20;
  // Keepalive: ping an idle connection after keepalive_time, drop it if the
  // ping is not answered within keepalive_timeout. Clients may ping at most
  // every min_client_ping_interval without being disconnected.
  absl::Duration keepalive_time = absl::Minutes(2);
  absl::Duration keepalive_timeout = absl::Seconds(20);
  absl::Duration min_client_ping_interval = absl::Seconds(10);
};

// True when the listen `address` names a loopback interface (127.0.0.0/8,
// ::1, "localhost") or a unix socket; false for any other host, including
// the wildcards 0.0.0.0, [::] and an empty host (":7443"). InvalidArgument,
// with an example, when the address is not "host:port" or "unix:/path".
absl::StatusOr<bool> IsLoopbackAddress(std::string_view address);

class RpcServer {
 public:
  // Starts serving `service` (which must outlive the server).
  // InvalidArgument: a malformed listen address, only one of the TLS files,
  // or an unreadable/empty TLS file (naming it). FailedPrecondition:
  // plaintext on a non-loopback address without allow_insecure_remote (the
  // message says to pass --tls-cert/--tls-key). Unavailable: the address
  // cannot be bound (in use, or no such interface) or gRPC rejected the TLS
  // material. `officer` (may be null) serves Admin.GetStats and
  // Admin.ListReports and must outlive the server too.
  static absl::StatusOr<std::unique_ptr<RpcServer>> Start(
      trace::Service* service, const RpcServerOptions& options,
      trace::OfficerReads* officer = nullptr);

  // Shuts down with no grace period if Shutdown was not called.
  ~RpcServer();

  RpcServer(const RpcServer&) = delete;
  RpcServer& operator=(const RpcServer&) = delete;

  // The bound port (the chosen one when the options asked for port 0).
  int port() const { return port_; }
  // The listen address with the bound port, e.g. "127.0.0.1:43127".
  const std::string& address() const { return address_; }
  bool tls() const { return tls_; }

  // Stops accepting calls, lets calls in flight finish for up to `grace`,
  // then cancels the rest. Idempotent; returns once the server is stopped.
  void Shutdown(absl::Duration grace);

  // Blocks until Shutdown has stopped the server.
  void Wait();

 private:
  RpcServer() = default;

  std::vector<std::unique_ptr<grpc::Service>> services_;
  std::unique_ptr<grpc::Server> server_;
  std::string address_;
  int port_ = 0;
  bool tls_ = false;
  std::mutex shutdown_mutex_;
  bool shut_down_ = false;
};

}  // namespace ocoptrace::rpc

#endif  // OCOPTRACE_SERVER_RPC_SERVER_H_
