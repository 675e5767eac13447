// RpcServer behaviour that the other tests do not cover: the standard
// health service, unix-socket listening, and shutdown with calls arriving.

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include <condition_variable>
#include <mutex>
#include <thread>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "server/rpc/server.h"
#include "tests/server/rpc/test_client.h"

namespace ocoptrace::rpctest {
namespace {

// grpc.health.v1.Health/Check with an empty HealthCheckRequest; returns
// the serialised HealthCheckResponse.
grpc::Status HealthCheck(const std::string& target, std::string* response) {
  auto channel =
      grpc::CreateChannel(target, grpc::InsecureChannelCredentials());
  grpc::GenericStub stub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(10));
  // An empty message: service "" (the whole server).
  grpc::Slice empty{std::string()};
  grpc::ByteBuffer request(&empty, 1);
  grpc::ByteBuffer reply;
  std::mutex mutex;
  std::condition_variable done_cv;
  bool done = false;
  grpc::Status status;
  stub.UnaryCall(&context, "/grpc.health.v1.Health/Check", grpc::StubOptions(),
                 &request, &reply, [&](grpc::Status s) {
                   std::lock_guard<std::mutex> lock(mutex);
                   status = s;
                   done = true;
                   done_cv.notify_all();
                 });
  std::unique_lock<std::mutex> lock(mutex);
  done_cv.wait(lock, [&] { return done; });
  if (status.ok()) {
    std::vector<grpc::Slice> slices;
    reply.Dump(&slices);
    response->clear();
    for (const grpc::Slice& slice : slices) {
      response->append(reinterpret_cast<const char*>(slice.begin()),
                       slice.size());
    }
  }
  return status;
}

TEST(ServerTest, HealthServiceAnswersServing) {
  std::unique_ptr<TestServer> server = TestServer::Start();
  ASSERT_NE(server, nullptr);
  std::string response;
  grpc::Status status = HealthCheck(server->target(), &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  // HealthCheckResponse{status: SERVING (1)}: field 1, varint 1.
  EXPECT_EQ(response, std::string("\x08\x01", 2));
}

TEST(ServerTest, ListensOnAUnixSocket) {
  std::unique_ptr<TestServer> server = TestServer::Start();
  ASSERT_NE(server, nullptr);
  const std::string socket = server->data_dir() + "/traced.sock";
  rpc::RpcServerOptions options;
  options.listen_address = "unix:" + socket;
  absl::StatusOr<std::unique_ptr<rpc::RpcServer>> unix_server =
      rpc::RpcServer::Start(&server->daemon().service(), options);
  ASSERT_TRUE(unix_server.ok()) << unix_server.status();
  EXPECT_EQ((*unix_server)->address(), "unix:" + socket);

  TestClient client("unix:" + socket, server->admin_token());
  v1::Principal me;
  grpc::Status status = client.Call(&v1::Admin::Stub::WhoAmI, client.admin(),
                                    v1::WhoAmIRequest(), &me);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(me.name(), "admin");
  (*unix_server)->Shutdown(absl::Seconds(1));
}

TEST(ServerTest, ShutdownRefusesNewCallsAndWaitReturns) {
  std::unique_ptr<TestServer> server = TestServer::Start();
  ASSERT_NE(server, nullptr);
  const std::string target = server->target();
  TestClient client(target, server->admin_token());
  v1::Principal me;
  ASSERT_TRUE(client
                  .Call(&v1::Admin::Stub::WhoAmI, client.admin(),
                        v1::WhoAmIRequest(), &me)
                  .ok());

  std::thread waiter([&] { server->daemon().Wait(); });
  server->daemon().Shutdown(absl::Seconds(2));
  waiter.join();

  auto context = client.Context();
  context->set_deadline(std::chrono::system_clock::now() +
                        std::chrono::seconds(2));
  grpc::Status status =
      client.admin().WhoAmI(context.get(), v1::WhoAmIRequest(), &me);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE)
      << status.error_message();
}

}  // namespace
}  // namespace ocoptrace::rpctest
