#include "server/http/http_server.h"

#include <sys/socket.h>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <limits>
#include <mutex>
#include <optional>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace ocoptrace::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

// One event loop: an io_context run by one thread, with its own acceptor.
// Owned by the server and shared by the sessions' Respond closures while
// they wait, so that a late response (from a ledger thread, after shutdown)
// never touches a destroyed io_context. Nothing queued in the io_context
// owns its Loop (sessions keep a weak_ptr, the accept handler a plain
// pointer): once the server and the last waiting closure let go, the Loop
// and everything queued in it are freed.
struct Loop : std::enable_shared_from_this<Loop> {
  asio::io_context context{1};
  std::optional<tcp::acceptor> acceptor;
  std::mutex mutex;
  bool stopped = false;
  std::thread thread;
};

}  // namespace

std::string_view Request::Header(std::string_view lower_case_name) const {
  for (const auto& [name, value] : headers) {
    if (name == lower_case_name) return value;
  }
  return {};
}

class HttpServer::Impl {
 public:
  Impl(HttpServerOptions options, Handler handler)
      : options_(std::move(options)), handler_(std::move(handler)) {}

  absl::Status Listen();
  void Run();
  void Shutdown();
  uint16_t port() const { return port_; }
  const HttpServerOptions& options() const { return options_; }
  const Handler& handler() const { return handler_; }
  HttpServerStats& stats() { return stats_; }

 private:
  void Accept(const std::shared_ptr<Loop>& loop);

  const HttpServerOptions options_;
  const Handler handler_;
  HttpServerStats stats_;
  std::vector<std::shared_ptr<Loop>> loops_;
  uint16_t port_ = 0;
  bool shut_down_ = false;
};

namespace {

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, HttpServer::Impl* server,
          std::weak_ptr<Loop> loop)
      : stream_(std::move(socket)), server_(server), loop_(std::move(loop)) {}

  void Start() { ReadRequest(); }

 private:
  // Carries a response back to the session's loop. Members are destroyed
  // in reverse order: the session before the loop it lives on.
  struct Responder {
    std::shared_ptr<Loop> loop;
    std::shared_ptr<Session> session;
    void operator()(Response response) const {
      std::lock_guard<std::mutex> lock(loop->mutex);
      if (loop->stopped) return;
      asio::dispatch(loop->context,
                     [session = session, r = std::move(response)]() mutable {
                       session->Write(std::move(r));
                     });
    }
  };

  void ReadRequest() {
    parser_.emplace();
    parser_->header_limit(
        static_cast<uint32_t>(server_->options().max_header_bytes));
    body_limit_ = server_->options().max_body_bytes;
    stream_.expires_after(
        std::chrono::seconds(server_->options().idle_timeout_seconds));
    if (!server_->options().body_limit) {
      parser_->body_limit(body_limit_);
      ReadBody();
      return;
    }
    // The limit depends on the path: read the headers first (the parser
    // would check Content-Length against the default limit on its own; an
    // empty optional does not mean "none" to Boost 1.74's comparison).
    parser_->body_limit(std::numeric_limits<std::uint64_t>::max());
    bhttp::async_read_header(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, size_t) {
          self->OnHeader(ec);
        });
  }

  void ReadBody() {
    bhttp::async_read(stream_, buffer_, *parser_,
                      [self = shared_from_this()](
                          beast::error_code ec, size_t) { self->OnRead(ec); });
  }

  void OnHeader(beast::error_code ec) {
    if (ec) return OnRead(ec);
    const auto& message = parser_->get();
    const std::string_view target(message.target().data(),
                                  message.target().size());
    const std::string_view method(message.method_string().data(),
                                  message.method_string().size());
    body_limit_ = server_->options().body_limit(
        method, target.substr(0, target.find('?')));
    if (parser_->content_length() && *parser_->content_length() > body_limit_) {
      return OnRead(bhttp::error::body_limit);
    }
    parser_->body_limit(body_limit_);
    if (!parser_->is_done() &&
        beast::iequals(message[bhttp::field::expect], "100-continue")) {
      static constexpr std::string_view kContinue =
          "HTTP/1.1 100 Continue\r\n\r\n";
      asio::async_write(
          stream_, asio::buffer(kContinue.data(), kContinue.size()),
          [self = shared_from_this()](beast::error_code write_error, size_t) {
            if (write_error) return self->Close();
            self->ReadBody();
          });
      return;
    }
    ReadBody();
  }

  void OnRead(beast::error_code ec) {
    if (ec == bhttp::error::end_of_stream || ec == asio::error::eof ||
        ec == beast::error::timeout || ec == asio::error::operation_aborted ||
        ec == asio::error::connection_reset) {
      Close();
      return;
    }
    if (ec) {
      int status = 400;
      std::string reason = "Malformed HTTP request.";
      if (ec == bhttp::error::body_limit) {
        status = 413;
        reason = absl::StrCat("Request body too large: the limit is ",
                              body_limit_, " bytes.");
      } else if (ec == bhttp::error::header_limit) {
        status = 431;
        reason = "Request header fields too large.";
      }
      server_->stats().rejected_requests++;
      RejectAndClose(status, reason);
      return;
    }
    auto& message = parser_->get();
    keep_alive_ = message.keep_alive();
    version_ = message.version();
    server_->stats().requests++;
    if (message.target().size() > server_->options().max_target_bytes) {
      server_->stats().rejected_requests++;
      RejectAndClose(
          414, absl::StrCat("Request target too long: the limit is ",
                            server_->options().max_target_bytes, " bytes."));
      return;
    }
    Request request;
    request.method = std::string(message.method_string());
    request.target = std::string(message.target());
    size_t question = request.target.find('?');
    request.path = request.target.substr(0, question);
    if (question != std::string::npos) {
      request.query = request.target.substr(question + 1);
    }
    request.headers.reserve(8);
    for (const auto& field : message) {
      request.headers.emplace_back(
          absl::AsciiStrToLower(std::string(field.name_string())),
          std::string(field.value()));
    }
    request.body = std::move(message.body());
    beast::error_code endpoint_error;
    auto remote = stream_.socket().remote_endpoint(endpoint_error);
    if (!endpoint_error) request.remote_address = remote.address().to_string();
    head_request_ = message.method() == bhttp::verb::head;
    // The loop is running this session, so it is alive.
    server_->handler()(std::move(request),
                       Responder{loop_.lock(), shared_from_this()});
  }

  void Write(Response response) {
    int status = response.status;
    if (status >= 500)
      server_->stats().responses_5xx++;
    else if (status >= 400)
      server_->stats().responses_4xx++;
    else if (status >= 300)
      server_->stats().responses_3xx++;
    else
      server_->stats().responses_2xx++;
    response_ = {};
    response_.result(static_cast<unsigned>(status));
    response_.version(version_);
    response_.set(bhttp::field::server, server_->options().server_name);
    response_.set(bhttp::field::content_type, response.content_type);
    for (auto& [name, value] : response.headers) {
      response_.insert(name, value);
    }
    response_.keep_alive(keep_alive_);
    if (response.omit_body || head_request_) {
      response_.content_length(response.body.size());
    } else {
      response_.body() = std::move(response.body);
      response_.prepare_payload();
    }
    bhttp::async_write(
        stream_, response_,
        [self = shared_from_this()](beast::error_code ec, size_t) {
          if (ec || !self->keep_alive_) {
            self->Close();
            return;
          }
          self->ReadRequest();
        });
  }

  void RejectAndClose(int status, const std::string& reason) {
    keep_alive_ = false;
    Response response;
    response.status = status;
    response.body = reason + "\n";
    Write(std::move(response));
  }

  void Close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.socket().close(ignored);
  }

  beast::tcp_stream stream_;
  HttpServer::Impl* server_;
  std::weak_ptr<Loop> loop_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  bhttp::response<bhttp::string_body> response_;
  bool keep_alive_ = false;
  bool head_request_ = false;
  unsigned version_ = 11;
  size_t body_limit_ = 0;  // Of the request being read.
};

}  // namespace

absl::Status HttpServer::Impl::Listen() {
  beast::error_code ec;
  auto address = asio::ip::make_address(options_.address, ec);
  if (ec) {
    return absl::InvalidArgumentError(absl::StrCat(
        "HTTP listen address '", options_.address, "' is not an IP address"));
  }
  int threads = options_.threads > 0
                    ? options_.threads
                    : std::max(1u, std::thread::hardware_concurrency());
  port_ = options_.port;
  for (int i = 0; i < threads; ++i) {
    auto loop = std::make_shared<Loop>();
    loop->acceptor.emplace(loop->context);
    tcp::endpoint endpoint(address, port_);
    tcp::acceptor& acceptor = *loop->acceptor;
    acceptor.open(endpoint.protocol(), ec);
    if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) {
      acceptor.set_option(
          asio::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>(true),
          ec);
    }
    if (!ec) acceptor.bind(endpoint, ec);
    if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
      return absl::UnavailableError(absl::StrCat("cannot listen for HTTP on ",
                                                 options_.address, ":", port_,
                                                 ": ", ec.message()));
    }
    port_ = acceptor.local_endpoint().port();
    loops_.push_back(std::move(loop));
  }
  return absl::OkStatus();
}

void HttpServer::Impl::Accept(const std::shared_ptr<Loop>& shared_loop) {
  // The handler lives in the loop's own io_context: a plain pointer.
  Loop* loop = shared_loop.get();
  loop->acceptor->async_accept(
      loop->context, [this, loop](beast::error_code ec, tcp::socket socket) {
        if (ec == asio::error::operation_aborted) return;
        if (!ec) {
          stats_.connections_accepted++;
          socket.set_option(tcp::no_delay(true), ec);
          std::make_shared<Session>(std::move(socket), this,
                                    loop->shared_from_this())
              ->Start();
        }
        Accept(loop->shared_from_this());
      });
}

void HttpServer::Impl::Run() {
  for (auto& loop : loops_) {
    Accept(loop);
    loop->thread = std::thread([loop] { loop->context.run(); });
  }
}

void HttpServer::Impl::Shutdown() {
  if (shut_down_) return;
  shut_down_ = true;
  for (auto& loop : loops_) {
    {
      std::lock_guard<std::mutex> lock(loop->mutex);
      loop->stopped = true;
    }
    asio::post(loop->context, [loop] {
      beast::error_code ignored;
      loop->acceptor->close(ignored);
      loop->context.stop();
    });
  }
  for (auto& loop : loops_) {
    if (loop->thread.joinable()) loop->thread.join();
  }
}

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpServer::~HttpServer() { Shutdown(); }

absl::StatusOr<std::unique_ptr<HttpServer>> HttpServer::Start(
    HttpServerOptions options, Handler handler) {
  auto impl = std::make_unique<Impl>(std::move(options), std::move(handler));
  if (auto status = impl->Listen(); !status.ok()) return status;
  impl->Run();
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

uint16_t HttpServer::port() const { return impl_->port(); }

const HttpServerStats& HttpServer::stats() const { return impl_->stats(); }

void HttpServer::Shutdown() { impl_->Shutdown(); }

std::string_view StatusReason(int status) {
  auto reason = bhttp::obsolete_reason(static_cast<bhttp::status>(status));
  return std::string_view(reason.data(), reason.size());
}

}  // namespace ocoptrace::http
