#include "server/rpc/server.h"

#include <arpa/inet.h>
#include <grpc/grpc.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server.h>
#include <grpcpp/server_builder.h>

#include <chrono>
#include <fstream>
#include <sstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "server/rpc/services.h"

namespace ocoptrace::rpc {
namespace {

struct HostPort {
  std::string host;  // Without brackets.
  std::string port;
};

absl::Status BadAddress(std::string_view address, std::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat(
      "listen address '", std::string(address), "' ", std::string(why),
      "; use host:port (e.g. 127.0.0.1:7443 or [::1]:7443) or "
      "unix:/path/to/socket"));
}

bool IsUnixAddress(std::string_view address) {
  return address.starts_with("unix:") || address.starts_with("unix-abstract:");
}

absl::StatusOr<HostPort> SplitHostPort(std::string_view address) {
  HostPort result;
  std::string_view rest;
  if (address.starts_with("[")) {
    const size_t close = address.find(']');
    if (close == std::string_view::npos) {
      return BadAddress(address, "has '[' without ']'");
    }
    result.host = std::string(address.substr(1, close - 1));
    rest = address.substr(close + 1);
    if (!rest.starts_with(":")) return BadAddress(address, "has no port");
    rest.remove_prefix(1);
  } else {
    const size_t colon = address.rfind(':');
    if (colon == std::string_view::npos) {
      return BadAddress(address, "has no port");
    }
    result.host = std::string(address.substr(0, colon));
    if (result.host.find(':') != std::string::npos) {
      return BadAddress(address, "is an IPv6 address without brackets");
    }
    rest = address.substr(colon + 1);
  }
  int port = 0;
  if (rest.empty() || !absl::SimpleAtoi(std::string(rest), &port) || port < 0 ||
      port > 65535) {
    return BadAddress(address, "has no valid port (0-65535)");
  }
  result.port = std::string(rest);
  return result;
}

bool IsLoopbackHost(const std::string& host) {
  if (host == "localhost" || host == "ip6-localhost") return true;
  in_addr v4{};
  if (inet_pton(AF_INET, host.c_str(), &v4) == 1) {
    return (ntohl(v4.s_addr) >> 24) == 127;
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, host.c_str(), &v6) == 1) {
    return IN6_IS_ADDR_LOOPBACK(&v6);
  }
  return false;
}

absl::StatusOr<std::string> ReadPemFile(const std::string& path,
                                        std::string_view what,
                                        std::string_view flag) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::InvalidArgumentError(absl::StrCat(
        "cannot read the TLS ", std::string(what), " file '", path, "' (",
        std::string(flag), "): check the path and its permissions"));
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (text.str().find("-----BEGIN ") == std::string::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("the TLS ", std::string(what), " file '", path, "' (",
                     std::string(flag), ") holds no PEM block"));
  }
  return text.str();
}

int ToMillis(absl::Duration d) {
  return static_cast<int>(absl::ToInt64Milliseconds(d));
}

}  // namespace

absl::StatusOr<bool> IsLoopbackAddress(std::string_view address) {
  if (IsUnixAddress(address)) return true;
  absl::StatusOr<HostPort> parts = SplitHostPort(address);
  if (!parts.ok()) return parts.status();
  return IsLoopbackHost(parts->host);
}

absl::StatusOr<std::unique_ptr<RpcServer>> RpcServer::Start(
    trace::Service* service, const RpcServerOptions& options,
    trace::OfficerReads* officer) {
  const std::string& address = options.listen_address;
  absl::StatusOr<bool> loopback = IsLoopbackAddress(address);
  if (!loopback.ok()) return loopback.status();

  const bool has_cert = !options.tls_cert_file.empty();
  const bool has_key = !options.tls_key_file.empty();
  if (has_cert != has_key) {
    return absl::InvalidArgumentError(
        "TLS needs both a certificate and its private key: pass --tls-cert "
        "and --tls-key together");
  }
  const bool tls = has_cert;
  if (!tls && !*loopback && !options.allow_insecure_remote) {
    return absl::FailedPreconditionError(absl::StrCat(
        "refusing to serve plaintext gRPC on non-loopback address '", address,
        "': bearer tokens would cross the network in clear. Pass --tls-cert "
        "and --tls-key (PEM files), listen on 127.0.0.1, or, behind a "
        "TLS-terminating proxy, pass --allow-insecure-remote"));
  }

  std::shared_ptr<grpc::ServerCredentials> credentials;
  if (tls) {
    absl::StatusOr<std::string> cert =
        ReadPemFile(options.tls_cert_file, "certificate", "--tls-cert");
    if (!cert.ok()) return cert.status();
    absl::StatusOr<std::string> key =
        ReadPemFile(options.tls_key_file, "private key", "--tls-key");
    if (!key.ok()) return key.status();
    grpc::SslServerCredentialsOptions ssl;
    ssl.pem_key_cert_pairs.push_back({*key, *cert});
    credentials = grpc::SslServerCredentials(ssl);
  } else {
    credentials = grpc::InsecureServerCredentials();
  }

  std::unique_ptr<RpcServer> server(new RpcServer());
  server->tls_ = tls;
  server->services_ = NewAllServices(service, officer);

  grpc::EnableDefaultHealthCheckService(true);
  grpc::ServerBuilder builder;
  int selected_port = 0;
  builder.AddListeningPort(address, credentials, &selected_port);
  for (const auto& s : server->services_) builder.RegisterService(s.get());
  builder.SetMaxReceiveMessageSize(options.max_receive_message_bytes);
  // Never share a port with another process (Linux SO_REUSEPORT would let
  // a second traced silently take half of the connections).
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS,
                             ToMillis(options.keepalive_time));
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS,
                             ToMillis(options.keepalive_timeout));
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  builder.AddChannelArgument(
      GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS,
      ToMillis(options.min_client_ping_interval));
  server->server_ = builder.BuildAndStart();
  if (server->server_ == nullptr || selected_port == 0) {
    if (server->server_ != nullptr) server->server_->Shutdown();
    return absl::UnavailableError(absl::StrCat(
        "could not listen on '", address,
        "': the port is in use, the host is not an address of this machine",
        tls ? ", or the TLS certificate and key do not match or do not parse"
            : "",
        " (see the gRPC log above)"));
  }
  server->port_ = selected_port;
  if (IsUnixAddress(address)) {
    server->address_ = address;
  } else {
    absl::StatusOr<HostPort> parts = SplitHostPort(address);
    const bool v6 = parts->host.find(':') != std::string::npos;
    server->address_ = absl::StrCat(v6 ? "[" : "", parts->host, v6 ? "]" : "",
                                    ":", selected_port);
  }
  return server;
}

RpcServer::~RpcServer() { Shutdown(absl::ZeroDuration()); }

void RpcServer::Shutdown(absl::Duration grace) {
  std::lock_guard<std::mutex> lock(shutdown_mutex_);
  if (shut_down_ || server_ == nullptr) return;
  server_->Shutdown(std::chrono::system_clock::now() +
                    std::chrono::milliseconds(ToMillis(grace)));
  shut_down_ = true;
}

void RpcServer::Wait() {
  if (server_ != nullptr) server_->Wait();
}

}  // namespace ocoptrace::rpc
