// The /epcis REST endpoints over the real service: capture jobs (202 +
// Location, then GET), problem+json naming the spot with nothing stored,
// bearer tokens, single events (201 / 409), queries with Link paging, and
// the per-route body limit over a real socket.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "server/http/epcis_endpoints.h"
#include "server/http/epcis_service_backend.h"
#include "server/http/query.h"
#include "server/http/router.h"
#include "tests/server/epcis/epcis_service_test_util.h"

namespace ocoptrace::trace::testing {
namespace {

using http::Request;
using http::Response;
using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::StartsWith;

std::string HeaderOf(const Response& response, std::string_view name) {
  for (const auto& [key, value] : response.headers) {
    if (absl::AsciiStrToLower(key) == name) return value;
  }
  return "";
}

class EpcisHttpTest : public EpcisServiceTest {
 protected:
  void SetUp() override {
    EpcisServiceTest::SetUp();
    token_a_ = MakeToken("htx-tai-hoan-erp", v1::ROLE_PRODUCER, kProducerA);
    ASSERT_OK(CreateIntegrationKey(admin_, "htx-tai-hoan-erp"));
    certifier_token_ = MakeToken("ocop.council", v1::ROLE_CERTIFIER, "");
    backend_ = std::make_unique<http::EpcisServiceBackend>(service_.get());
    http::AddEpcisRoutes(router_, backend_.get());
    EnsureBatchA(kGtinA, kLot);
  }
  void TearDown() override {
    backend_.reset();
    EpcisServiceTest::TearDown();
  }

  std::string MakeToken(const std::string& name, v1::Role role,
                        const std::string& producer_id) {
    v1::CreatePrincipalRequest request;
    request.mutable_principal()->set_name(name);
    request.mutable_principal()->set_role(role);
    request.mutable_principal()->set_producer_id(producer_id);
    auto created = service_->CreatePrincipal(admin_, request);
    EXPECT_TRUE(created.ok()) << created.status();
    return created.ok() ? created->token() : "";
  }

  Response Call(std::string method, std::string target, std::string body = "",
                std::vector<std::pair<std::string, std::string>> headers = {},
                const std::string* token = nullptr) {
    Request request;
    request.method = std::move(method);
    request.target = target;
    request.path = target.substr(0, target.find('?'));
    if (target.find('?') != std::string::npos) {
      request.query = target.substr(target.find('?') + 1);
    }
    const std::string& bearer = token != nullptr ? *token : token_a_;
    if (!bearer.empty()) {
      request.headers.push_back({"authorization", "Bearer " + bearer});
    }
    for (auto& header : headers) request.headers.push_back(header);
    request.body = std::move(body);
    std::promise<Response> promise;
    router_.Handle(std::move(request), [&promise](Response response) {
      promise.set_value(std::move(response));
    });
    return promise.get_future().get();
  }

  // GETs the job at `location` until it has finished.
  json FinishedJob(const std::string& location) {
    for (int i = 0; i < 200; ++i) {
      Response response = Call("GET", location);
      EXPECT_EQ(response.status, 200) << response.body;
      json job = json::parse(response.body);
      if (!job["running"].get<bool>()) return job;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ADD_FAILURE() << "the job did not finish";
    return json();
  }

  std::string token_a_;
  std::string certifier_token_;
  std::unique_ptr<http::EpcisServiceBackend> backend_;
  http::Router router_;
};

TEST_F(EpcisHttpTest, CaptureIsAcceptedAndTheJobReportsTheEvents) {
  const uint64_t size = LogSize();
  Response response =
      Call("POST", "/epcis/capture",
           Document(json::array({Receiving(LotUri(kGtinA, kLot))})).dump(),
           {{"content-type", "application/ld+json"}});
  ASSERT_EQ(response.status, 202) << response.body;
  const std::string location = HeaderOf(response, "location");
  EXPECT_THAT(location, StartsWith("/epcis/capture/c"));
  EXPECT_EQ(HeaderOf(response, "gs1-epcis-version"), "2.0.0");
  json job = FinishedJob(location);
  EXPECT_EQ(job["captureID"], location.substr(strlen("/epcis/capture/")));
  EXPECT_EQ(job["success"], true);
  EXPECT_EQ(job["captureErrorBehaviour"], "rollback");
  EXPECT_EQ(job["eventsStored"], 1);
  EXPECT_EQ(job["events"][0]["outcome"], "stored");
  EXPECT_EQ(job["events"][0]["entries"][0]["kind"], "event.receiving");
  EXPECT_EQ(job["errors"], json::array());
  EXPECT_TRUE(job.contains("finishedAt"));
  EXPECT_EQ(LogSize(), size + 1);
  // Another principal's job is not readable.
  Response other = Call("GET", location, "", {}, &certifier_token_);
  EXPECT_EQ(other.status, 403);
  EXPECT_EQ(Call("GET", "/epcis/capture/c00").status, 404);
}

TEST_F(EpcisHttpTest, BadInputIsProblemJsonNamingTheSpotAndStoresNothing) {
  const uint64_t size = LogSize();
  json version = Document(json::array({Receiving(LotUri(kGtinA, kLot))}));
  version["schemaVersion"] = "1.2";
  struct Case {
    std::string name;
    std::string body;
    int status;
    std::string code;
    std::string pointer;
  };
  const std::vector<Case> cases = {
      {"invalid JSON", "{\"type\": \"EPCISDocument\", ", 400, "invalid-json",
       ""},
      {"schema version", version.dump(), 400, "schema-version",
       "/schemaVersion"},
      {"unknown GTIN and a good event",
       Document(json::array({Receiving(LotUri(kGtinA, kLot)),
                             Receiving(LotUri("08934563123499", "L1"))}))
           .dump(),
       400, "unknown-gtin", "/epcisBody/eventList/1/quantityList/0/epcClass"},
  };
  for (const Case& bad : cases) {
    SCOPED_TRACE(bad.name);
    Response response = Call("POST", "/epcis/capture", bad.body);
    EXPECT_EQ(response.status, bad.status) << response.body;
    EXPECT_EQ(response.content_type, "application/problem+json");
    json problem = json::parse(response.body);
    EXPECT_EQ(problem["type"], "epcisException:ValidationException");
    EXPECT_EQ(problem["code"], bad.code);
    EXPECT_EQ(problem["eventPointer"], bad.pointer);
    EXPECT_FALSE(problem["detail"].get<std::string>().empty());
    EXPECT_EQ(problem["errors"].size(), 1u);
    EXPECT_THAT(HeaderOf(response, "location"), StartsWith("/epcis/capture/"));
  }
  EXPECT_EQ(LogSize(), size) << "rollback: nothing stored";
  // proceed: the good event is stored, the job lists the problem.
  Response proceed = Call("POST", "/epcis/capture", cases[2].body,
                          {{"gs1-capture-error-behaviour", "proceed"}});
  ASSERT_EQ(proceed.status, 202) << proceed.body;
  json job = FinishedJob(HeaderOf(proceed, "location"));
  EXPECT_EQ(job["success"], false);
  EXPECT_EQ(job["eventsStored"], 1);
  EXPECT_EQ(job["errors"][0]["code"], "unknown-gtin");
  EXPECT_EQ(LogSize(), size + 1);
  // Headers and media types.
  EXPECT_EQ(Call("POST", "/epcis/capture", cases[2].body,
                 {{"gs1-capture-error-behaviour", "sometimes"}})
                .status,
            400);
  EXPECT_EQ(Call("POST", "/epcis/capture", "<EPCISDocument/>",
                 {{"content-type", "application/xml"}})
                .status,
            415);
}

TEST_F(EpcisHttpTest, BearerTokensAreRequired) {
  const std::string document =
      Document(json::array({Receiving(LotUri(kGtinA, kLot))})).dump();
  const std::string none;
  Response missing = Call("POST", "/epcis/capture", document, {}, &none);
  EXPECT_EQ(missing.status, 401);
  EXPECT_EQ(missing.content_type, "application/problem+json");
  EXPECT_THAT(HeaderOf(missing, "www-authenticate"), StartsWith("Bearer"));
  EXPECT_EQ(json::parse(missing.body)["type"],
            "epcisException:SecurityException");
  const std::string wrong = "AAAA";
  EXPECT_EQ(Call("POST", "/epcis/capture", document, {}, &wrong).status, 401);
  EXPECT_EQ(Call("GET", "/epcis/events", "", {}, &none).status, 401);
  // A certifier captures nothing; a producer without integration key
  // neither (403 naming what to do).
  EXPECT_EQ(
      Call("POST", "/epcis/capture", document, {}, &certifier_token_).status,
      403);
  const std::string keyless =
      MakeToken("htx-tai-hoan-phone", v1::ROLE_PRODUCER, kProducerA);
  Response no_key = Call("POST", "/epcis/capture", document, {}, &keyless);
  EXPECT_EQ(no_key.status, 403);
  EXPECT_THAT(json::parse(no_key.body)["detail"].get<std::string>(),
              HasSubstr("integration key"));
}

TEST_F(EpcisHttpTest, SingleEventIsCreatedOnceThenConflicts) {
  json event = Receiving(LotUri(kGtinA, kLot));
  event["@context"] = json::array({kEpcisContext});
  Response created = Call("POST", "/epcis/events", event.dump());
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string location = HeaderOf(created, "location");
  EXPECT_THAT(location, StartsWith("/epcis/events/ni%3A%2F%2F%2Fsha-256%3B"));
  Response again = Call("POST", "/epcis/events", event.dump());
  EXPECT_EQ(again.status, 409) << again.body;
  EXPECT_EQ(json::parse(again.body)["type"],
            "epcisException:ResourceAlreadyExistsException");
  Response fetched = Call("GET", location);
  ASSERT_EQ(fetched.status, 200) << fetched.body;
  json document = json::parse(fetched.body);
  EXPECT_EQ(
      document["epcisBody"]["queryResults"]["resultsBody"]["eventList"].size(),
      1u);
  EXPECT_EQ(Call("GET", "/epcis/events/urn%3Auuid%3Anone").status, 404);
  // A bad event: the pointer is relative to the event.
  json urn = Receiving(LotUri(kGtinA, kLot));
  urn["bizStep"] = "urn:epcglobal:cbv:bizstep:receiving";
  Response bad = Call("POST", "/epcis/events", urn.dump());
  EXPECT_EQ(bad.status, 400);
  json problem = json::parse(bad.body);
  EXPECT_EQ(problem["code"], "urn-cbv-term");
  EXPECT_EQ(problem["eventPointer"], "/bizStep");
  EXPECT_EQ(Call("POST", "/epcis/events", "[1, 2]").status, 400);
}

TEST_F(EpcisHttpTest, EventsQueryFiltersAndPagesWithLinkHeaders) {
  for (const char* time :
       {"2024-03-22T08:00:00+07:00", "2024-03-23T08:00:00+07:00"}) {
    Response response = Call("POST", "/epcis/events",
                             Receiving(LotUri(kGtinA, kLot), time).dump());
    ASSERT_EQ(response.status, 201) << response.body;
  }
  // batch.created + two receivings.
  Response first = Call("GET", "/epcis/events?perPage=2");
  ASSERT_EQ(first.status, 200) << first.body;
  const std::string link = HeaderOf(first, "link");
  EXPECT_THAT(link, StartsWith("</epcis/events?perPage=2&nextPageToken="));
  EXPECT_THAT(link, ::testing::EndsWith(">; rel=\"next\""));
  const std::string next = link.substr(1, link.find('>') - 1);
  Response second = Call("GET", next);
  ASSERT_EQ(second.status, 200) << second.body;
  EXPECT_EQ(HeaderOf(second, "link"), "");
  auto events = [](const Response& response) {
    return json::parse(
        response.body)["epcisBody"]["queryResults"]["resultsBody"]["eventList"];
  };
  EXPECT_EQ(events(first).size(), 2u);
  EXPECT_EQ(events(second).size(), 1u);
  // A '+' the client did not encode in a time still reads as an offset.
  Response window =
      Call("GET",
           "/epcis/events?EQ_bizStep=receiving&GE_eventTime=2024-03-23T00:00:"
           "00+07:00");
  ASSERT_EQ(window.status, 200) << window.body;
  EXPECT_EQ(events(window).size(), 1u);
  Response bad = Call("GET", "/epcis/events?EQ_action=ADD");
  EXPECT_EQ(bad.status, 400);
  json problem = json::parse(bad.body);
  EXPECT_EQ(problem["type"], "epcisException:QueryParameterException");
  EXPECT_THAT(problem["detail"].get<std::string>(), StartsWith("EQ_action:"));
}

TEST_F(EpcisHttpTest, CaptureOptionsAnnounceTheLimits) {
  Response response = Call("OPTIONS", "/epcis/capture");
  EXPECT_EQ(response.status, 204);
  EXPECT_EQ(HeaderOf(response, "gs1-epcis-capture-limit"), "10000");
  EXPECT_EQ(HeaderOf(response, "gs1-epcis-capture-file-size-limit"),
            std::to_string(http::kEpcisMaxBodyBytes));
  EXPECT_EQ(HeaderOf(response, "gs1-capture-error-behaviour"), "all");
}

// A blocking loopback client for raw HTTP/1.1 exchanges.
class RawClient {
 public:
  explicit RawClient(uint16_t port) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(
        connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  }
  ~RawClient() { close(fd_); }
  void Send(std::string_view data) {
    while (!data.empty()) {
      ssize_t n = send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0) return;
      data.remove_prefix(n);
    }
  }
  // Everything up to and including the end of the next header block.
  std::string ReadHead() {
    std::string data;
    char c;
    while (!data.ends_with("\r\n\r\n") && recv(fd_, &c, 1, 0) == 1) {
      data += c;
    }
    return data;
  }

 private:
  int fd_ = -1;
};

TEST_F(EpcisHttpTest, CaptureRoutesTakeLargeBodiesOthersStaySmall) {
  http::HttpServerOptions options;
  options.port = 0;
  options.threads = 1;
  options.max_body_bytes = 1000;
  options.body_limit = [](std::string_view method, std::string_view path) {
    return http::EpcisBodyLimit(method, path, 1000);
  };
  auto server = http::HttpServer::Start(options, router_.AsHandler());
  ASSERT_OK(server);
  const uint16_t port = (*server)->port();
  auto request = [&](const std::string& path, const std::string& body,
                     const std::string& extra = "") {
    return absl::StrCat("POST ", path,
                        " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ",
                        token_a_, "\r\nContent-Type: application/json\r\n",
                        extra, "Content-Length: ", body.size(), "\r\n\r\n");
  };
  // 2 MB: a capture document padded with white space.
  const std::string big =
      Document(json::array({Receiving(LotUri(kGtinA, kLot))})).dump() +
      std::string(2 << 20, ' ');
  {
    RawClient client(port);
    client.Send(request("/epcis/capture", big) + big);
    EXPECT_THAT(client.ReadHead(), StartsWith("HTTP/1.1 202"));
  }
  {
    RawClient client(port);
    client.Send(request("/epcis/events/x", big) + big);
    EXPECT_THAT(client.ReadHead(), StartsWith("HTTP/1.1 413"));
  }
  {  // Too large even for capture: refused before the body is sent.
    RawClient client(port);
    client.Send(absl::StrCat(
        "POST /epcis/capture HTTP/1.1\r\nHost: x\r\nContent-Length: ",
        http::kEpcisMaxBodyBytes + 1, "\r\n\r\n"));
    EXPECT_THAT(client.ReadHead(), StartsWith("HTTP/1.1 413"));
  }
  {  // Expect: 100-continue is answered before the body.
    RawClient client(port);
    client.Send(request("/epcis/capture", big, "Expect: 100-continue\r\n"));
    EXPECT_THAT(client.ReadHead(), StartsWith("HTTP/1.1 100 Continue"));
    client.Send(big);
    EXPECT_THAT(client.ReadHead(), StartsWith("HTTP/1.1 202"));
  }
  (*server)->Shutdown();
}

}  // namespace
}  // namespace ocoptrace::trace::testing
