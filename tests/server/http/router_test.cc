// The Router on its own, then the whole Site behind a real HttpServer: a
// label URL answered over a socket (307, then the page).
#include "server/http/router.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "server/http/site.h"
#include "tests/server/http/fake_catalog.h"
#include "tests/server/http/http_test_util.h"

namespace ocoptrace::http {
namespace {

using ::testing::HasSubstr;
using testing::HeaderOf;
using testing::MakeRequest;
using ::testing::StartsWith;

Handler Answer(std::string text) {
  return [text](Request, Respond respond) {
    Response r;
    r.body = text;
    respond(std::move(r));
  };
}

Response Route(const Router& router, Request request) {
  Response out;
  int answers = 0;
  router.Handle(std::move(request), [&](Response r) {
    out = std::move(r);
    ++answers;
  });
  EXPECT_EQ(answers, 1);
  return out;
}

TEST(RouterTest, ExactThenLongestPrefixThenFallback) {
  Router router;
  router.Add("GET", "/tile/special", Answer("exact"));
  router.AddPrefix("GET", "/tile/", Answer("tile"));
  router.AddPrefix("GET", "/tile/entries/", Answer("entries"));
  router.SetFallback(Answer("fallback"));
  EXPECT_EQ(Route(router, MakeRequest("GET", "/tile/special")).body, "exact");
  EXPECT_EQ(Route(router, MakeRequest("GET", "/tile/0/000")).body, "tile");
  EXPECT_EQ(Route(router, MakeRequest("GET", "/tile/entries/000")).body,
            "entries");
  EXPECT_EQ(Route(router, MakeRequest("GET", "/01/x")).body, "fallback");
  EXPECT_EQ(Route(router, MakeRequest("DELETE", "/01/x")).body, "fallback");
}

TEST(RouterTest, HeadOptionsAnd405) {
  Router router;
  router.Add("GET", "/keys", Answer("keys"));
  router.AddPrefix("POST", "/pin/", Answer("pin"));
  EXPECT_EQ(Route(router, MakeRequest("HEAD", "/keys")).body, "keys");
  Response options = Route(router, MakeRequest("OPTIONS", "/keys"));
  EXPECT_EQ(options.status, 204);
  EXPECT_EQ(HeaderOf(options, "Allow"), "GET, HEAD, OPTIONS");
  EXPECT_EQ(HeaderOf(options, "Access-Control-Allow-Origin"), "*");
  Response post = Route(router, MakeRequest("POST", "/keys"));
  EXPECT_EQ(post.status, 405);
  EXPECT_EQ(HeaderOf(post, "Allow"), "GET, HEAD, OPTIONS");
  EXPECT_THAT(post.body, HasSubstr("Phương thức không được hỗ trợ"));
  Response get_pin = Route(router, MakeRequest("GET", "/pin/01/x"));
  EXPECT_EQ(get_pin.status, 405);
  EXPECT_EQ(HeaderOf(get_pin, "Allow"), "POST, OPTIONS");
  Response missing = Route(
      router, MakeRequest("GET", "/nothing", {{"Accept-Language", "en"}}));
  EXPECT_EQ(missing.status, 404);
  EXPECT_THAT(missing.body, HasSubstr("<h1>Not found</h1>"));
}

class SiteTest : public ::testing::Test {
 protected:
  SiteTest() {
    SiteDeps deps;
    deps.resolver_data = &catalog_;
    deps.page_data = &catalog_;
    deps.clock = &clock_;
    site_ = std::make_unique<Site>(deps, SiteOptions{});
  }
  testing::FakeCatalog catalog_;
  FakeClock clock_{absl::FromUnixSeconds(1754017200)};
  std::unique_ptr<Site> site_;
};

TEST_F(SiteTest, RoutesEveryKindOfPath) {
  auto get = [&](const std::string& target) {
    Response out;
    site_->Handle(MakeRequest("GET", target),
                  [&](Response r) { out = std::move(r); });
    return out;
  };
  EXPECT_EQ(get("/").status, 200);
  EXPECT_EQ(get("/favicon.ico").status, 204);
  Response description = get("/.well-known/gs1resolver");
  EXPECT_EQ(description.status, 200);
  EXPECT_THAT(description.body, HasSubstr("\"supportedPrimaryKeys\""));
  EXPECT_EQ(get("/healthz").body, "ok\n");
  EXPECT_THAT(get("/metrics").body, HasSubstr("ocoptrace_pages_total"));
  EXPECT_EQ(get("/checkpoint").status, 404);  // No ledger in this site.
  EXPECT_EQ(get(absl::StrCat("/01/", testing::kGtin)).status, 307);
  EXPECT_EQ(get(absl::StrCat("/shop/01/", testing::kGtin, "/")).status, 307);
  EXPECT_EQ(get(absl::StrCat("/p/01/", testing::kGtin)).status, 200);
  EXPECT_EQ(get("/01/123").status, 400);
  EXPECT_EQ(get("/wp-login.php").status, 404);
  EXPECT_EQ(get("*").status, 404);
}

// A tiny blocking HTTP/1.1 client over a loopback socket.
std::string Exchange(uint16_t port, const std::string& request) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    close(fd);
    return "";
  }
  send(fd, request.data(), request.size(), MSG_NOSIGNAL);
  std::string response;
  char buffer[8192];
  ssize_t n;
  while ((n = recv(fd, buffer, sizeof buffer, 0)) > 0)
    response.append(buffer, n);
  close(fd);
  return response;
}

TEST(SiteOverHttpTest, LabelUrlOverASocket) {
  testing::FakeCatalog catalog;
  FakeClock clock{absl::FromUnixSeconds(1754017200)};
  SiteDeps deps;
  deps.resolver_data = &catalog;
  deps.page_data = &catalog;
  deps.clock = &clock;
  Site site(deps, SiteOptions{});
  HttpServerOptions options;
  options.port = 0;
  options.threads = 2;
  auto server = HttpServer::Start(options, site.handler());
  ASSERT_TRUE(server.ok()) << server.status();
  site.set_http_stats(&(*server)->stats());
  const uint16_t port = (*server)->port();

  const std::string target = absl::StrCat(
      "/01/", testing::kGtin, "/10/", testing::kLot, "/21/", testing::kSerial,
      "?s=",
      catalog.Signature(testing::kGtin, testing::kLot, testing::kSerial));
  std::string redirect = Exchange(
      port, absl::StrCat("GET ", target,
                         " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
  EXPECT_THAT(redirect, StartsWith("HTTP/1.1 307"));
  const std::string location = absl::StrCat("/p", target);
  EXPECT_THAT(redirect,
              HasSubstr(absl::StrCat("Location: ", location, "\r\n")));
  std::string page = Exchange(
      port, absl::StrCat("GET ", location,
                         " HTTP/1.1\r\nHost: x\r\nAccept-Language: en\r\n"
                         "Connection: close\r\n\r\n"));
  EXPECT_THAT(page, StartsWith("HTTP/1.1 200"));
  EXPECT_THAT(page, HasSubstr("data-verdict=\"genuine\""));
  EXPECT_THAT(page, HasSubstr("Genuine label"));
  std::string head = Exchange(
      port, absl::StrCat("HEAD ", location,
                         " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
  EXPECT_THAT(head, StartsWith("HTTP/1.1 200"));
  EXPECT_EQ(head.find("<html"), std::string::npos);
  std::string bad = Exchange(port,
                             "GET /01/08934563123452 HTTP/1.1\r\nHost: "
                             "x\r\nConnection: close\r\n\r\n");
  EXPECT_THAT(bad, StartsWith("HTTP/1.1 400"));
  std::string metrics = Exchange(
      port, "GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_THAT(metrics,
              HasSubstr("ocoptrace_http_responses_total{class=\"3xx\"} 1\n"));
  (*server)->Shutdown();
}

}  // namespace
}  // namespace ocoptrace::http
