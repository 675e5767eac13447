#include "client/connection.h"

#include <chrono>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "client/config.h"

namespace ocoptrace::client {
namespace {

// The host part of "host:port" / "[v6]:port" / "host".
std::string HostOf(std::string_view server) {
  if (!server.empty() && server.front() == '[') {
    size_t close = server.find(']');
    return std::string(server.substr(1, close == std::string_view::npos
                                            ? std::string_view::npos
                                            : close - 1));
  }
  size_t colon = server.rfind(':');
  // More than one colon without brackets: a bare IPv6 address.
  if (colon != std::string_view::npos && server.find(':') != colon) {
    return std::string(server);
  }
  return std::string(server.substr(0, colon));
}

}  // namespace

bool IsLoopbackServer(std::string_view server) {
  std::string host = HostOf(server);
  if (host == "localhost" || host == "::1" || host == "ip6-localhost") {
    return true;
  }
  // 127.0.0.0/8 as a dotted IPv4 literal (not a name like 127.example.com).
  std::vector<std::string> parts = absl::StrSplit(host, '.');
  if (parts.size() != 4 || parts[0] != "127") return false;
  for (const std::string& part : parts) {
    int value = 0;
    if (part.empty() || part.size() > 3 ||
        part.find_first_not_of("0123456789") != std::string::npos ||
        !absl::SimpleAtoi(part, &value) || value > 255) {
      return false;
    }
  }
  return true;
}

absl::Status FromGrpcStatus(const grpc::Status& status,
                            std::string_view server) {
  if (status.ok()) return absl::OkStatus();
  auto code = static_cast<absl::StatusCode>(status.error_code());
  if (status.error_code() == grpc::StatusCode::UNAVAILABLE) {
    return absl::UnavailableError(
        absl::StrCat("cannot reach traced at ", std::string(server), ": ",
                     status.error_message(),
                     " (is traced running there? check --server / "
                     "OCOPTRACE_SERVER / `tracectl config show`; if it "
                     "serves TLS with a private CA, pass --ca-cert)"));
  }
  if (status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED) {
    return absl::DeadlineExceededError(
        absl::StrCat("traced at ", std::string(server),
                     " did not answer in time: ", status.error_message()));
  }
  return absl::Status(code, status.error_message());
}

absl::StatusOr<std::unique_ptr<Connection>> Connection::Open(
    ConnectionOptions options) {
  if (options.server.empty()) {
    return absl::InvalidArgumentError(
        "no server configured: run `tracectl init --server HOST:PORT`, "
        "`tracectl config set server HOST:PORT` or pass --server");
  }
  std::shared_ptr<grpc::ChannelCredentials> credentials;
  if (!options.ca_cert.empty()) {
    absl::StatusOr<std::string> pem = ReadFile(options.ca_cert);
    if (!pem.ok()) {
      return absl::Status(
          pem.status().code(),
          absl::StrCat("CA certificate (--ca-cert): ", pem.status().message()));
    }
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = *pem;
    credentials = grpc::SslCredentials(ssl);
  } else if (IsLoopbackServer(options.server)) {
    credentials = grpc::InsecureChannelCredentials();
  } else {
    credentials = grpc::SslCredentials(grpc::SslCredentialsOptions());
  }
  grpc::ChannelArguments arguments;
  arguments.SetMaxReceiveMessageSize(64 << 20);
  std::shared_ptr<grpc::Channel> channel =
      grpc::CreateCustomChannel(options.server, credentials, arguments);
  return std::unique_ptr<Connection>(
      new Connection(std::move(options), std::move(channel)));
}

Connection::Connection(ConnectionOptions options,
                       std::shared_ptr<grpc::Channel> channel)
    : options_(std::move(options)),
      channel_(std::move(channel)),
      registry_(v1::Registry::NewStub(channel_)),
      certificates_(v1::Certificates::NewStub(channel_)),
      trace_(v1::Trace::NewStub(channel_)),
      verify_(v1::Verify::NewStub(channel_)),
      admin_(v1::Admin::NewStub(channel_)),
      labels_(v1::Labels::NewStub(channel_)) {}

std::unique_ptr<grpc::ClientContext> Connection::NewContext() const {
  auto context = std::make_unique<grpc::ClientContext>();
  if (!options_.token.empty()) {
    context->AddMetadata("authorization", "Bearer " + options_.token);
  }
  context->set_deadline(absl::ToChronoTime(absl::Now() + options_.timeout));
  return context;
}

}  // namespace ocoptrace::client
