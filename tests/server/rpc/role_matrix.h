// The role matrix fixture: one traced with a cast playing every role —
// admin, certifier, producer A, producer B, inspector, no token and a
// revoked token — and a table runner. Each cell of a table is the expected
// outcome of one RPC for one role:
//   A  allowed: neither PERMISSION_DENIED nor UNAUTHENTICATED (and OK for
//      rows marked kMustSucceed, whose inputs are valid)
//   D  PERMISSION_DENIED
//   U  UNAUTHENTICATED
// Requests always target producer A's things, so producer B's column shows
// that B can neither read nor modify them. Signed entries are signed with
// the caller's own key (callers without one sign with producer A's key, so
// only their role decides).

#ifndef OCOPTRACE_TESTS_SERVER_RPC_ROLE_MATRIX_H_
#define OCOPTRACE_TESTS_SERVER_RPC_ROLE_MATRIX_H_

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "gtest/gtest.h"
#include "tests/server/rpc/test_client.h"

namespace ocoptrace::rpctest {

inline constexpr char kProducerA[] = "htx-a";
inline constexpr char kProducerB[] = "htx-b";
inline constexpr char kGtinA[] = "08934563123451";
inline constexpr char kGtinB[] = "08934563123468";
inline constexpr char kGtinNew[] = "08934563123475";
inline constexpr char kLotA[] = "LA1";
inline constexpr char kCertificateA[] = "GCN-A-1";
inline constexpr char kCertificateToRevoke[] = "GCN-A-2";

enum Column { kAdmin, kCertifier, kProdA, kProdB, kInspector, kAnon, kRevoked };
inline constexpr int kColumns = 7;
extern const char* const kColumnNames[kColumns];

struct Actor {
  std::string token;
  NoteSigner key;  // The key this caller signs with.
};

using Call = std::function<grpc::Status(TestClient&, const Actor&)>;

inline constexpr bool kMustSucceed = true;
inline constexpr bool kMayFailValidation = false;

struct Row {
  std::string method;
  std::string expected;  // One of A, D, U per column.
  bool must_succeed;
  Call call;
};

// `prefix` with a process-wide counter appended: ids that never repeat.
std::string Unique(std::string_view prefix);

// The grpc::Status with the code and message of `status`.
grpc::Status ToGrpc(const absl::Status& status);

template <typename T>
grpc::Status StatusOf(const absl::StatusOr<T>& result) {
  return ToGrpc(result.status());
}

class RoleMatrixTest : public ::testing::Test {
 protected:
  // The server and the cast, shared by every test of the suite: producers
  // A and B with a product, a batch and a key each (and a spare key of
  // A's to revoke), A's certificates kCertificateA and
  // kCertificateToRevoke, and labels issued for A's batch.
  static void SetUpTestSuite();
  static void TearDownTestSuite();

  // Runs every row for every column.
  void RunTable(const std::vector<Row>& rows);

  static absl::Time Now() { return server_->clock().Now(); }

  static TestServer* server_;
  static Actor actors_[kColumns];
  // Serials of labels issued for A's batch in the set-up.
  static std::vector<std::string> label_serials_;
};

// A signed request of type `Request` carrying `record` as `kind` on
// `subject`, signed by the actor's key at the subject's head.
template <typename Request>
absl::StatusOr<Request> SignedRequest(TestClient& client, const Actor& actor,
                                      const std::string& kind,
                                      const std::string& subject,
                                      const google::protobuf::Message& record,
                                      absl::Time now) {
  absl::StatusOr<v1::SignedEntry> entry =
      client.Sign(actor.key, kind, subject, record, now);
  if (!entry.ok()) return entry.status();
  Request request;
  *request.mutable_signed_() = *entry;
  return request;
}

}  // namespace ocoptrace::rpctest

#endif  // OCOPTRACE_TESTS_SERVER_RPC_ROLE_MATRIX_H_
