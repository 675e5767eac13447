#include "tests/server/site/site_test_util.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "server/rpc/status.h"
#include "server/trace/subjects.h"

namespace ocoptrace::sitetest {
namespace {

using rpctest::TestClient;

template <typename T>
absl::Status StepError(std::string_view step, const absl::StatusOr<T>& result) {
  return absl::Status(result.status().code(),
                      absl::StrCat(std::string(step), ": ",
                                   std::string(result.status().message())));
}

}  // namespace

std::unique_ptr<SiteServer> SiteServer::Start() {
  std::unique_ptr<SiteServer> server(new SiteServer());
  app::InitOptions init;
  init.data_dir = server->dir_.path();
  init.origin = "tx.test.example.vn";
  init.settings.resolver_base = kResolverBase;
  init.clock = &server->clock_;
  absl::StatusOr<app::InitResult> initialised = app::InitDataDir(init);
  if (!initialised.ok()) {
    ADD_FAILURE() << "InitDataDir: " << initialised.status();
    return nullptr;
  }
  server->admin_token_ = initialised->admin_token;
  absl::StatusOr<app::DaemonConfig> config =
      app::ConfigFromDataDir(server->dir_.path());
  if (!config.ok()) {
    ADD_FAILURE() << "ConfigFromDataDir: " << config.status();
    return nullptr;
  }
  config->rpc.listen_address = "127.0.0.1:0";
  config->http_listen = "127.0.0.1:0";
  config->http_threads = 2;
  config->clock = &server->clock_;
  config->ledger.checkpoint_interval = absl::ZeroDuration();
  absl::StatusOr<std::unique_ptr<app::Daemon>> daemon =
      app::Daemon::Open(*config);
  if (!daemon.ok()) {
    ADD_FAILURE() << "Daemon::Open: " << daemon.status();
    return nullptr;
  }
  server->daemon_ = *std::move(daemon);
  absl::Status started = server->daemon_->Start();
  if (!started.ok()) {
    ADD_FAILURE() << "Daemon::Start: " << started;
    return nullptr;
  }
  return server;
}

SiteServer::~SiteServer() {
  if (daemon_ != nullptr) daemon_->Shutdown(absl::Seconds(5));
  daemon_.reset();
}

std::string SiteServer::rpc_target() const {
  return absl::StrCat("127.0.0.1:", daemon_->rpc_port());
}

void SiteServer::Checkpoint() {
  absl::StatusOr<ledger::SignedCheckpoint> checkpoint =
      daemon_->service().ledger().CheckpointNow();
  ASSERT_TRUE(checkpoint.ok()) << checkpoint.status();
}

absl::StatusOr<SiteStory> PlaySiteStory(SiteServer& server, int labels) {
  SiteStory story;
  FakeClock& clock = server.clock();
  TestClient admin(server.rpc_target(), server.admin_token());
  v1::RegisterProducerRequest producer;
  *producer.mutable_producer() =
      rpctest::ProducerRecordFor(rpctest::kProducerId, "HTX Tài Hoan");
  v1::EntryReceipt receipt;
  grpc::Status status = admin.Call(&v1::Registry::Stub::RegisterProducer,
                                   admin.registry(), producer, &receipt);
  if (!status.ok()) return rpc::FromGrpcStatus(status);
  story.producer_key = rpctest::NewIdentity("htx-tai-hoan-1");
  auto added = rpctest::AddKey(admin, story.producer_key.vkey,
                               v1::KEY_ROLE_PRODUCER, rpctest::kProducerId, "");
  if (!added.ok()) return StepError("AddKey producer", added);
  auto token = rpctest::CreatePrincipal(
      admin, rpctest::kProducerId, v1::ROLE_PRODUCER, rpctest::kProducerId);
  if (!token.ok()) return token.status();
  story.producer_token = *token;
  token = rpctest::CreatePrincipal(admin, rpctest::kCertifierName,
                                   v1::ROLE_CERTIFIER, "");
  if (!token.ok()) return token.status();
  story.certifier_token = *token;
  story.certifier_key = rpctest::NewIdentity("can-bo-ocop-1");
  added = rpctest::AddKey(admin, story.certifier_key.vkey,
                          v1::KEY_ROLE_CERTIFIER, "", rpctest::kCertifierName);
  if (!added.ok()) return StepError("AddKey certifier", added);

  TestClient producer_client(server.rpc_target(), story.producer_token);
  TestClient certifier_client(server.rpc_target(), story.certifier_token);
  clock.Advance(absl::Hours(1));
  v1::ProductRecord product_record =
      rpctest::ProductRecordFor(kGtin, rpctest::kProducerId);
  product_record.set_brand("Miến dong Tài Hoan Na Rì");
  auto product = rpctest::RegisterProduct(
      producer_client, story.producer_key.signer, product_record, clock.Now());
  if (!product.ok()) return StepError("RegisterProduct", product);
  clock.Advance(absl::Hours(1));
  auto certificate = rpctest::IssueCertificate(
      certifier_client, story.certifier_key.signer,
      rpctest::CertificateRecordFor(kCertificate, kGtin, rpctest::kProducerId,
                                    4, 78.5),
      clock.Now());
  if (!certificate.ok()) return StepError("IssueCertificate", certificate);
  clock.Advance(absl::Hours(1));
  auto batch =
      rpctest::CreateBatch(producer_client, story.producer_key.signer,
                           rpctest::BatchRecordFor(kGtin, kLot), clock.Now());
  if (!batch.ok()) return StepError("CreateBatch", batch);
  story.journey_indexes.push_back(batch->index());
  for (const char* step : {"commissioning", "packing", "shipping"}) {
    const absl::Time happened = clock.Now();
    clock.Advance(absl::Hours(1));
    auto event = rpctest::RecordEvent(
        producer_client, story.producer_key.signer, kGtin, kLot,
        rpctest::EventFor(step, happened), clock.Now());
    if (!event.ok())
      return StepError(absl::StrCat("RecordEvent ", step), event);
    story.journey_indexes.push_back(event->index());
  }
  clock.Advance(absl::Hours(1));
  v1::IssuanceSummary summary;
  auto issued = rpctest::IssueLabels(producer_client, kGtin, kLot, labels,
                                     /*with_pins=*/true, &summary);
  if (!issued.ok()) return StepError("IssueLabels", issued);
  story.labels = *std::move(issued);
  story.journey_indexes.push_back(summary.receipt().index());
  server.Checkpoint();
  return story;
}

absl::Status RevokeCertificate(SiteServer& server, const SiteStory& story,
                               const std::string& effective_from) {
  TestClient certifier(server.rpc_target(), story.certifier_token);
  v1::CertificateRevocation revocation;
  revocation.set_decision_number("77/QĐ-UBND");
  revocation.mutable_decision_date()->set_iso_date(effective_from);
  revocation.set_reason("Không duy trì tiêu chuẩn sản xuất");
  revocation.mutable_effective_from()->set_iso_date(effective_from);
  auto signed_entry =
      certifier.Sign(story.certifier_key.signer, "certificate.revoked",
                     trace::CertificateSubject(kCertificate), revocation,
                     server.clock().Now());
  if (!signed_entry.ok()) return signed_entry.status();
  v1::RevokeCertificateRequest request;
  *request.mutable_signed_() = *signed_entry;
  v1::EntryReceipt receipt;
  grpc::Status status =
      certifier.Call(&v1::Certificates::Stub::RevokeCertificate,
                     certifier.certificates(), request, &receipt);
  return rpc::FromGrpcStatus(status);
}

absl::Status VoidLabel(SiteServer& server, const SiteStory& story,
                       const std::string& serial) {
  TestClient producer(server.rpc_target(), story.producer_token);
  v1::LabelsVoided body;
  body.add_serials(serial);
  body.set_reason("mất cuộn tem");
  auto signed_entry = producer.Sign(story.producer_key.signer, "labels.voided",
                                    trace::BatchSubject(kGtin, kLot), body,
                                    server.clock().Now());
  if (!signed_entry.ok()) return signed_entry.status();
  v1::VoidLabelsRequest request;
  *request.mutable_signed_() = *signed_entry;
  v1::EntryReceipt receipt;
  grpc::Status status = producer.Call(&v1::Labels::Stub::VoidLabels,
                                      producer.labels(), request, &receipt);
  return rpc::FromGrpcStatus(status);
}

std::string PathOf(const std::string& url) {
  const size_t scheme = url.find("://");
  if (scheme == std::string::npos) return url;
  const size_t path = url.find('/', scheme + 3);
  return path == std::string::npos ? "/" : url.substr(path);
}

std::string HttpReply::Header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (key == name) return value;
  }
  return "";
}

HttpReply HttpRequest(int port, const std::string& method,
                      const std::string& target,
                      std::vector<std::pair<std::string, std::string>> headers,
                      const std::string& body) {
  HttpReply reply;
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return reply;
  timeval timeout{};
  timeout.tv_sec = 20;  // A hung server fails the test instead of hanging.
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) !=
      0) {
    ::close(fd);
    return reply;
  }
  std::string request = absl::StrCat(method, " ", target,
                                     " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                     "Connection: close\r\n");
  for (const auto& [name, value] : headers) {
    absl::StrAppend(&request, name, ": ", value, "\r\n");
  }
  if (!body.empty() || method == "POST") {
    absl::StrAppend(&request, "Content-Length: ", body.size(), "\r\n");
  }
  absl::StrAppend(&request, "\r\n", body);
  size_t sent = 0;
  while (sent < request.size()) {
    const ssize_t n =
        ::send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;
    sent += static_cast<size_t>(n);
  }
  std::string raw;
  char buffer[8192];
  while (true) {
    const ssize_t n = ::recv(fd, buffer, sizeof(buffer), 0);
    if (n <= 0) break;
    raw.append(buffer, static_cast<size_t>(n));
  }
  ::close(fd);
  const size_t end = raw.find("\r\n\r\n");
  if (end == std::string::npos || raw.size() < 12) return reply;
  int status = 0;
  if (!absl::SimpleAtoi(raw.substr(9, 3), &status)) return reply;
  size_t line_start = raw.find("\r\n") + 2;
  while (line_start < end) {
    size_t line_end = raw.find("\r\n", line_start);
    std::string line = raw.substr(line_start, line_end - line_start);
    const size_t colon = line.find(':');
    if (colon != std::string::npos) {
      std::string name = absl::AsciiStrToLower(line.substr(0, colon));
      std::string value(absl::StripAsciiWhitespace(line.substr(colon + 1)));
      reply.headers.emplace_back(std::move(name), std::move(value));
    }
    line_start = line_end + 2;
  }
  reply.status = status;
  reply.body = raw.substr(end + 4);
  return reply;
}

HttpReply HttpPostForm(int port, const std::string& target,
                       const std::string& form) {
  return HttpRequest(port, "POST", target,
                     {{"Content-Type", "application/x-www-form-urlencoded"}},
                     form);
}

size_t Count(const std::string& haystack, std::string_view needle) {
  size_t count = 0;
  for (size_t at = haystack.find(needle); at != std::string::npos;
       at = haystack.find(needle, at + needle.size())) {
    ++count;
  }
  return count;
}

}  // namespace ocoptrace::sitetest
