// Unit tests of the pieces of server/rpc that need no server: the status
// mapping, bearer-token parsing and the loopback check.

#include <grpcpp/support/status.h>

#include "absl/status/status.h"
#include "gtest/gtest.h"
#include "server/rpc/auth.h"
#include "server/rpc/server.h"
#include "server/rpc/status.h"

namespace ocoptrace::rpc {
namespace {

TEST(StatusTest, EveryCanonicalCodeMapsToTheSameNumberAndKeepsTheMessage) {
  const std::pair<absl::StatusCode, grpc::StatusCode> pairs[] = {
      {absl::StatusCode::kCancelled, grpc::StatusCode::CANCELLED},
      {absl::StatusCode::kUnknown, grpc::StatusCode::UNKNOWN},
      {absl::StatusCode::kInvalidArgument, grpc::StatusCode::INVALID_ARGUMENT},
      {absl::StatusCode::kDeadlineExceeded,
       grpc::StatusCode::DEADLINE_EXCEEDED},
      {absl::StatusCode::kNotFound, grpc::StatusCode::NOT_FOUND},
      {absl::StatusCode::kAlreadyExists, grpc::StatusCode::ALREADY_EXISTS},
      {absl::StatusCode::kPermissionDenied,
       grpc::StatusCode::PERMISSION_DENIED},
      {absl::StatusCode::kResourceExhausted,
       grpc::StatusCode::RESOURCE_EXHAUSTED},
      {absl::StatusCode::kFailedPrecondition,
       grpc::StatusCode::FAILED_PRECONDITION},
      {absl::StatusCode::kAborted, grpc::StatusCode::ABORTED},
      {absl::StatusCode::kOutOfRange, grpc::StatusCode::OUT_OF_RANGE},
      {absl::StatusCode::kUnimplemented, grpc::StatusCode::UNIMPLEMENTED},
      {absl::StatusCode::kInternal, grpc::StatusCode::INTERNAL},
      {absl::StatusCode::kUnavailable, grpc::StatusCode::UNAVAILABLE},
      {absl::StatusCode::kDataLoss, grpc::StatusCode::DATA_LOSS},
      {absl::StatusCode::kUnauthenticated, grpc::StatusCode::UNAUTHENTICATED},
  };
  for (const auto& [absl_code, grpc_code] : pairs) {
    const absl::Status status(absl_code, "lot (AI 10): 'ô' at position 2");
    const grpc::Status mapped = ToGrpcStatus(status);
    EXPECT_EQ(mapped.error_code(), grpc_code) << status;
    EXPECT_EQ(mapped.error_message(), "lot (AI 10): 'ô' at position 2");
    EXPECT_EQ(FromGrpcStatus(mapped), status);
  }
  EXPECT_TRUE(ToGrpcStatus(absl::OkStatus()).ok());
  EXPECT_TRUE(FromGrpcStatus(grpc::Status::OK).ok());
}

TEST(StatusTest, NonCanonicalCodeBecomesUnknownWithItsMessage) {
  const absl::Status odd(static_cast<absl::StatusCode>(42), "odd");
  const grpc::Status mapped = ToGrpcStatus(odd);
  EXPECT_EQ(mapped.error_code(), grpc::StatusCode::UNKNOWN);
  EXPECT_EQ(mapped.error_message(), "odd");
}

TEST(AuthTest, ParsesBearerTokens) {
  EXPECT_EQ(ParseBearerToken("Bearer abc-_123").value(), "abc-_123");
  EXPECT_EQ(ParseBearerToken("bearer abc").value(), "abc");
  EXPECT_EQ(ParseBearerToken("BEARER  abc ").value(), "abc");
}

TEST(AuthTest, RefusesOtherAuthorizationShapesSayingWhatToSend) {
  for (const char* header :
       {"Basic dXNlcjpwYXNz", "Bearer", "Bearer   ", "abc", "Bearer a b"}) {
    absl::StatusOr<std::string_view> token = ParseBearerToken(header);
    ASSERT_FALSE(token.ok()) << header;
    EXPECT_EQ(token.status().code(), absl::StatusCode::kUnauthenticated);
    EXPECT_NE(token.status().message().find("Bearer <token>"),
              absl::string_view::npos)
        << token.status();
  }
}

TEST(AuthTest, HintForAnonymousCallersOnly) {
  const absl::Status refused =
      absl::UnauthenticatedError("RegisterProducer needs a token");
  const absl::Status hinted = AddAuthHint(trace::Caller{}, refused);
  EXPECT_EQ(hinted.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(hinted.message(),
            "missing bearer token: pass --token or set OCOPTRACE_TOKEN "
            "(RegisterProducer needs a token)");

  trace::Caller admin;
  admin.principal = "admin";
  admin.role = v1::ROLE_ADMIN;
  EXPECT_EQ(AddAuthHint(admin, refused), refused);
  const absl::Status denied = absl::PermissionDeniedError("needs admin");
  EXPECT_EQ(AddAuthHint(trace::Caller{}, denied), denied);
}

TEST(ServerTest, LoopbackAddresses) {
  for (const char* address :
       {"127.0.0.1:7443", "127.1.2.3:0", "localhost:7443", "[::1]:7443",
        "unix:/run/ocoptrace/traced.sock"}) {
    absl::StatusOr<bool> loopback = IsLoopbackAddress(address);
    ASSERT_TRUE(loopback.ok()) << address << ": " << loopback.status();
    EXPECT_TRUE(*loopback) << address;
  }
  for (const char* address : {"0.0.0.0:7443", "[::]:7443", ":7443",
                              "192.168.1.10:7443", "tx.example.vn:443"}) {
    absl::StatusOr<bool> loopback = IsLoopbackAddress(address);
    ASSERT_TRUE(loopback.ok()) << address << ": " << loopback.status();
    EXPECT_FALSE(*loopback) << address;
  }
}

TEST(ServerTest, MalformedAddressesAreRefusedWithAnExample) {
  for (const char* address :
       {"127.0.0.1", "::1:7443", "[::1]7443", "[::1", "127.0.0.1:http",
        "127.0.0.1:70000", "127.0.0.1:"}) {
    absl::StatusOr<bool> loopback = IsLoopbackAddress(address);
    ASSERT_FALSE(loopback.ok()) << address;
    EXPECT_EQ(loopback.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(loopback.status().message().find("127.0.0.1:7443"),
              absl::string_view::npos)
        << loopback.status();
  }
}

}  // namespace
}  // namespace ocoptrace::rpc
