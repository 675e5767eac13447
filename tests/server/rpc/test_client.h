// Helpers for the gRPC integration tests: a real traced (app::Daemon) run
// in-process on a temporary data directory and a free loopback port, and a
// client that talks to it over a real gRPC channel and signs entries the
// way tracectl does:
//
//   body proto -> SerializeAsString -> Verify.GetHead(subject) ->
//   EntryHeader{kind, subject, seq, prev, time, SHA-256(body)} ->
//   SignEntry -> SignedEntry{entry, body}
//
// Thread-safety: a TestClient may be used from several threads (its stubs
// are thread-safe); TestServer is for the test's main thread.

#ifndef OCOPTRACE_TESTS_SERVER_RPC_TEST_CLIENT_H_
#define OCOPTRACE_TESTS_SERVER_RPC_TEST_CLIENT_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "core/clock.h"
#include "core/ed25519.h"
#include "core/signed_note.h"
#include "core/timestamp.h"
#include "google/protobuf/message.h"
#include "ocoptrace/v1/admin.grpc.pb.h"
#include "ocoptrace/v1/certificates.grpc.pb.h"
#include "ocoptrace/v1/labels.grpc.pb.h"
#include "ocoptrace/v1/registry.grpc.pb.h"
#include "ocoptrace/v1/trace.grpc.pb.h"
#include "ocoptrace/v1/verify.grpc.pb.h"
#include "server/app/daemon.h"

namespace ocoptrace::rpctest {

namespace v1 = ::ocoptrace::v1;

// When the tests happen: 2024-06-01 08:00 in Vietnam.
absl::Time TestStartTime();

// A fresh directory under the test temp dir, removed on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

struct TestServerOptions {
  std::string origin = "tx.test.example.vn";
  rpc::RpcServerOptions rpc;  // listen_address defaults to 127.0.0.1:0.
  TestServerOptions() { rpc.listen_address = "127.0.0.1:0"; }
};

// traced on a temp data directory: `traced --init` (admin "admin"), then a
// Daemon serving on a free port, with a FakeClock at TestStartTime().
class TestServer {
 public:
  // Fails the current test (and returns null) when something goes wrong.
  static std::unique_ptr<TestServer> Start(TestServerOptions options = {});
  ~TestServer();

  const std::string& admin_token() const { return admin_token_; }
  const std::string& data_dir() const { return dir_.path(); }
  // "127.0.0.1:<port>".
  std::string target() const;
  app::Daemon& daemon() { return *daemon_; }
  FakeClock& clock() { return clock_; }
  // The DaemonConfig the daemon was opened with (for the maintenance
  // functions after Stop).
  const app::DaemonConfig& config() const { return config_; }

  // Shuts down the daemon and closes its store (the data stays).
  void Stop();

 private:
  TestServer() : clock_(TestStartTime()) {}
  TempDir dir_;
  FakeClock clock_;
  app::DaemonConfig config_;
  std::unique_ptr<app::Daemon> daemon_;
  std::string admin_token_;
};

// A signing identity: a key name and Ed25519 key, as `tracectl init` makes.
struct TestIdentity {
  NoteSigner signer;
  std::string vkey;
};
TestIdentity NewIdentity(const std::string& key_name);

class TestClient {
 public:
  // Plaintext channel to `target`; `token` may be empty (anonymous).
  TestClient(const std::string& target, std::string token);
  TestClient(std::shared_ptr<grpc::Channel> channel, std::string token);

  v1::Registry::Stub& registry() { return *registry_; }
  v1::Certificates::Stub& certificates() { return *certificates_; }
  v1::Trace::Stub& trace() { return *trace_; }
  v1::Labels::Stub& labels() { return *labels_; }
  v1::Verify::Stub& verify() { return *verify_; }
  v1::Admin::Stub& admin() { return *admin_; }
  const std::string& token() const { return token_; }

  // A context carrying the bearer token (if any) and a 30 s deadline.
  std::unique_ptr<grpc::ClientContext> Context() const;

  // Calls a unary method of a stub: Call(&v1::Trace::Stub::GetBatch, stub,
  // request, &response).
  template <typename Stub, typename Request, typename Response>
  grpc::Status Call(grpc::Status (Stub::*method)(grpc::ClientContext*,
                                                 const Request&, Response*),
                    Stub& stub, const Request& request, Response* response) {
    return (stub.*method)(Context().get(), request, response);
  }

  // Verify.GetHead(subject), sent without a token (it is public).
  absl::StatusOr<v1::SubjectHead> Head(const std::string& subject);

  // Signs `body` as an entry of `kind` on `subject` at the current head.
  absl::StatusOr<v1::SignedEntry> Sign(const NoteSigner& signer,
                                       const std::string& kind,
                                       const std::string& subject,
                                       const google::protobuf::Message& body,
                                       absl::Time time);

 private:
  std::shared_ptr<grpc::Channel> channel_;
  std::string token_;
  std::unique_ptr<v1::Registry::Stub> registry_;
  std::unique_ptr<v1::Certificates::Stub> certificates_;
  std::unique_ptr<v1::Trace::Stub> trace_;
  std::unique_ptr<v1::Labels::Stub> labels_;
  std::unique_ptr<v1::Verify::Stub> verify_;
  std::unique_ptr<v1::Admin::Stub> admin_;
};

// Signs `body_bytes` at an explicit head (seq, prev): for stale-head tests.
absl::StatusOr<v1::SignedEntry> SignAt(const NoteSigner& signer,
                                       const std::string& kind,
                                       const std::string& subject,
                                       const std::string& body_bytes,
                                       uint64_t seq, const std::string& prev,
                                       absl::Time time);

// Vietnam time (+07:00) for entries and events.
Timestamp VietnamTime(absl::Time time);
v1::Timestamp VietnamTimeProto(absl::Time time);

// Checks a GetHistoryResponse the way an inspector's tool would: the
// checkpoint verifies under `log_vkey`; every item's entry verifies under
// one of `actor_vkeys`, its body hash matches, it links to the previous
// entry (seq and prev), and its inclusion proof leads to the checkpoint's
// root. OK, or the first failure naming the item.
absl::Status VerifyHistory(const v1::GetHistoryResponse& history,
                           const std::string& log_vkey,
                           const std::vector<std::string>& actor_vkeys);

}  // namespace ocoptrace::rpctest

#endif  // OCOPTRACE_TESTS_SERVER_RPC_TEST_CLIENT_H_
