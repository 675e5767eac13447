// HttpServer: a small asynchronous HTTP/1.1 server (Boost.Beast on Asio)
// for the consumers' door: the GS1 resolver, the scan page, the verifier
// endpoints. Boost types stay inside http_server.cc.
//
// Model: `threads` event loops, each with its own listening socket on the
// same port (SO_REUSEPORT lets the kernel spread connections), so a
// connection lives on one thread and needs no locking. Handlers are called
// on that thread and must not block: a handler answers by calling the
// Respond function it was given, at once or later from any thread (e.g.
// after a ledger append). Keep-alive, request limits and timeouts are
// handled here: oversized headers (431), bodies (413) and targets (414),
// malformed requests (400), idle connections closed after a timeout.
//
// Thread-safety: Start/Shutdown from one thread; the handler is called
// concurrently from every event-loop thread.

#ifndef OCOPTRACE_SERVER_HTTP_HTTP_SERVER_H_
#define OCOPTRACE_SERVER_HTTP_HTTP_SERVER_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"

namespace ocoptrace::http {

struct Request {
  std::string method;  // "GET", "HEAD", "POST", ... (upper case)
  std::string target;  // Raw request target: path + optional "?query".
  std::string path;    // Target up to '?', still percent-encoded.
  std::string query;   // After '?', raw; "" when absent.
  // Header fields with lower-case names, in arrival order.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string remote_address;  // Peer IP address, text form.

  // The first value of header `lower_case_name`, or "" when absent.
  std::string_view Header(std::string_view lower_case_name) const;
};

struct Response {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  // Extra header fields (Content-Type and Content-Length are set from
  // content_type and body).
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // Send the headers (with the body's length) but not the body: for HEAD.
  bool omit_body = false;

  void AddHeader(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
  }
};

// Delivers the response for one request. Call exactly once, from any thread.
using Respond = std::function<void(Response)>;
using Handler = std::function<void(Request request, Respond respond)>;

struct HttpServerOptions {
  // Address to listen on, e.g. "127.0.0.1" or "0.0.0.0", and port (0: pick
  // a free one; see HttpServer::port()).
  std::string address = "127.0.0.1";
  uint16_t port = 8080;
  // Event-loop threads (0: one per core).
  int threads = 0;
  size_t max_header_bytes = 16 * 1024;
  size_t max_target_bytes = 4096;
  size_t max_body_bytes = 1 << 20;
  // When set, the body limit of each request from its method and path
  // (still percent-encoded), instead of max_body_bytes: e.g. a few routes
  // that take large uploads (EpcisBodyLimit). The headers are read first;
  // a request whose Content-Length is over its limit is refused (413)
  // before its body is read, and `Expect: 100-continue` is answered only
  // for bodies within it.
  std::function<size_t(std::string_view method, std::string_view path)>
      body_limit;
  // A connection that sends nothing for this long is closed.
  int idle_timeout_seconds = 30;
  // Value of the Server header.
  std::string server_name = "ocoptrace";
};

// Counters, readable at any time (for /metrics).
struct HttpServerStats {
  std::atomic<uint64_t> connections_accepted{0};
  std::atomic<uint64_t> requests{0};
  std::atomic<uint64_t> responses_2xx{0};
  std::atomic<uint64_t> responses_3xx{0};
  std::atomic<uint64_t> responses_4xx{0};
  std::atomic<uint64_t> responses_5xx{0};
  std::atomic<uint64_t> rejected_requests{0};  // 400/413/414/431 at parsing.
};

class HttpServer {
 public:
  // Binds and starts serving with `handler`. InvalidArgument for a bad
  // address; Unavailable when the port cannot be bound (message names it).
  static absl::StatusOr<std::unique_ptr<HttpServer>> Start(
      HttpServerOptions options, Handler handler);
  // Shuts down (if not done yet) and joins the threads.
  ~HttpServer();

  // The bound port (useful with options.port = 0).
  uint16_t port() const;
  const HttpServerStats& stats() const;

  // Stops accepting, closes connections, joins the event-loop threads.
  void Shutdown();

  class Impl;

 private:
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The reason phrase for a status code ("Temporary Redirect" for 307).
std::string_view StatusReason(int status);

}  // namespace ocoptrace::http

#endif  // OCOPTRACE_SERVER_HTTP_HTTP_SERVER_H_
