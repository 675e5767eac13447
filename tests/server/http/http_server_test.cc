#include "server/http/http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <thread>

#include "absl/strings/str_cat.h"

namespace ocoptrace::http {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

// A blocking TCP client for raw HTTP exchanges.
class RawClient {
 public:
  explicit RawClient(uint16_t port) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = connect(fd_, reinterpret_cast<sockaddr*>(&address),
                         sizeof address) == 0;
  }
  ~RawClient() { close(fd_); }
  bool connected() const { return connected_; }

  void Send(const std::string& data) {
    size_t sent = 0;
    while (sent < data.size()) {
      ssize_t n = send(fd_, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return;
      sent += n;
    }
  }

  // Reads one response: headers, then Content-Length bytes of body unless
  // `head_only`.
  std::string ReadResponse(bool head_only = false) {
    std::string data;
    char buffer[4096];
    size_t header_end;
    while ((header_end = data.find("\r\n\r\n")) == std::string::npos) {
      ssize_t n = recv(fd_, buffer, sizeof buffer, 0);
      if (n <= 0) return data;
      data.append(buffer, n);
    }
    size_t length = 0;
    auto pos = data.find("Content-Length: ");
    if (pos != std::string::npos) length = std::stoul(data.substr(pos + 16));
    size_t want = header_end + 4 + (head_only ? 0 : length);
    while (data.size() < want) {
      ssize_t n = recv(fd_, buffer, sizeof buffer, 0);
      if (n <= 0) break;
      data.append(buffer, n);
    }
    return data;
  }

  // True when the server closed the connection.
  bool Closed() {
    char c;
    return recv(fd_, &c, 1, 0) == 0;
  }

 private:
  int fd_;
  bool connected_ = false;
};

class HttpServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    HttpServerOptions options;
    options.port = 0;
    options.threads = 2;
    options.max_body_bytes = 1000;
    options.max_header_bytes = 2000;
    options.max_target_bytes = 300;
    auto server = HttpServer::Start(options, [](Request request,
                                                Respond respond) {
      if (request.path == "/async") {
        // Answer later from another thread.
        std::thread([respond] {
          std::this_thread::sleep_for(std::chrono::milliseconds(20));
          Response response;
          response.body = "late";
          respond(response);
        }).detach();
        return;
      }
      Response response;
      response.AddHeader("X-Method", request.method);
      response.body = absl::StrCat("path=", request.path, " query=",
                                   request.query, " body=", request.body,
                                   " ua=", std::string(request.Header("user-agent")));
      respond(std::move(response));
    });
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
  }
  std::unique_ptr<HttpServer> server_;
};

TEST_F(HttpServerTest, ServesAndKeepsConnectionsAlive) {
  RawClient client(server_->port());
  ASSERT_TRUE(client.connected());
  client.Send("GET /01/123?s=9 HTTP/1.1\r\nHost: x\r\nUser-Agent: t\r\n\r\n");
  std::string first = client.ReadResponse();
  EXPECT_THAT(first, StartsWith("HTTP/1.1 200 OK"));
  EXPECT_THAT(first, HasSubstr("path=/01/123 query=s=9 body= ua=t"));
  EXPECT_THAT(first, HasSubstr("X-Method: GET"));
  client.Send("POST /p HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello");
  EXPECT_THAT(client.ReadResponse(), HasSubstr("body=hello"));
  EXPECT_EQ(server_->stats().requests.load(), 2u);
}

TEST_F(HttpServerTest, HeadSendsLengthButNoBody) {
  RawClient client(server_->port());
  client.Send("HEAD /x HTTP/1.1\r\nHost: x\r\n\r\n");
  std::string response = client.ReadResponse(/*head_only=*/true);
  EXPECT_THAT(response, StartsWith("HTTP/1.1 200"));
  EXPECT_THAT(response, HasSubstr("Content-Length: "));
  EXPECT_THAT(response, ::testing::EndsWith("\r\n\r\n"));
  // The connection is still usable: the next response starts cleanly.
  client.Send("GET /y HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_THAT(client.ReadResponse(), StartsWith("HTTP/1.1 200"));
}

TEST_F(HttpServerTest, AsyncResponsesFromOtherThreads) {
  RawClient client(server_->port());
  client.Send("GET /async HTTP/1.1\r\nHost: x\r\n\r\n");
  std::string response = client.ReadResponse();
  EXPECT_THAT(response, HasSubstr("late"));
}

TEST_F(HttpServerTest, RejectsOversizedAndMalformedRequests) {
  {
    RawClient client(server_->port());
    client.Send("POST /p HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n" +
                std::string(5000, 'a'));
    std::string response = client.ReadResponse();
    EXPECT_THAT(response, StartsWith("HTTP/1.1 413"));
    EXPECT_THAT(response, HasSubstr("limit is 1000 bytes"));
  }
  {
    RawClient client(server_->port());
    client.Send("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(3000, 'b') +
                "\r\n\r\n");
    EXPECT_THAT(client.ReadResponse(), StartsWith("HTTP/1.1 431"));
  }
  {
    RawClient client(server_->port());
    client.Send("GET /" + std::string(400, 'p') + " HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_THAT(client.ReadResponse(), StartsWith("HTTP/1.1 414"));
  }
  {
    RawClient client(server_->port());
    client.Send("NOT HTTP AT ALL\r\n\r\n");
    EXPECT_THAT(client.ReadResponse(), StartsWith("HTTP/1.1 400"));
    EXPECT_TRUE(client.Closed());
  }
  EXPECT_EQ(server_->stats().rejected_requests.load(), 4u);
  // The server still serves.
  RawClient client(server_->port());
  client.Send("GET /ok HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_THAT(client.ReadResponse(), StartsWith("HTTP/1.1 200"));
}

TEST_F(HttpServerTest, ShutdownWithAPendingAsyncResponseIsSafe) {
  RawClient client(server_->port());
  client.Send("GET /async HTTP/1.1\r\nHost: x\r\n\r\n");
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  server_->Shutdown();
  server_.reset();
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
}

TEST(HttpServerStart, BadAddressIsAClearError) {
  auto server = HttpServer::Start({.address = "not-an-ip"}, {});
  ASSERT_FALSE(server.ok());
  EXPECT_THAT(std::string(server.status().message()), HasSubstr("not-an-ip"));
}

}  // namespace
}  // namespace ocoptrace::http
