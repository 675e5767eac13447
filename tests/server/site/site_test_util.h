// Helpers for the tests of server/site: a real traced (app::Daemon) with
// its gRPC and HTTP servers on free loopback ports over a temporary data
// directory, the ocoptrace story played through gRPC (producer,
// certificate, batch, journey, labels with PINs), and a small blocking
// HTTP/1.1 client for the consumers' door.

#ifndef OCOPTRACE_TESTS_SERVER_SITE_SITE_TEST_UTIL_H_
#define OCOPTRACE_TESTS_SERVER_SITE_SITE_TEST_UTIL_H_

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "core/clock.h"
#include "ocoptrace/v1/labels.pb.h"
#include "server/app/daemon.h"
#include "tests/server/rpc/story.h"
#include "tests/server/rpc/test_client.h"

namespace ocoptrace::sitetest {

namespace v1 = ::ocoptrace::v1;

// The story's batch and certificate (check digits valid).
inline constexpr char kGtin[] = "08934563123451";
inline constexpr char kLot[] = "L2024-06A";
inline constexpr char kCertificate[] = "GCN-OCOP-2024/015";
inline constexpr char kResolverBase[] = "https://tx.test.example.vn";

// traced with HTTP on 127.0.0.1:0, a FakeClock at rpctest::TestStartTime()
// and checkpoints only on demand.
class SiteServer {
 public:
  // Fails the current test (and returns null) when something goes wrong.
  static std::unique_ptr<SiteServer> Start();
  ~SiteServer();

  app::Daemon& daemon() { return *daemon_; }
  FakeClock& clock() { return clock_; }
  const std::string& admin_token() const { return admin_token_; }
  std::string rpc_target() const;
  int http_port() const { return daemon_->http_port(); }
  // Signs a checkpoint covering every entry (journeys verify against it).
  void Checkpoint();

 private:
  SiteServer() : clock_(rpctest::TestStartTime()) {}
  rpctest::TempDir dir_;
  FakeClock clock_;
  std::unique_ptr<app::Daemon> daemon_;
  std::string admin_token_;
};

struct SiteStory {
  rpctest::TestIdentity producer_key;
  rpctest::TestIdentity certifier_key;
  std::string producer_token;
  std::string certifier_token;
  // Labels of the batch, issued with scratch PINs.
  std::vector<v1::IssuedLabel> labels;
  // Global log indexes of the batch's journey entries (batch.created,
  // commissioning, packing, shipping, labels.issued).
  std::vector<uint64_t> journey_indexes;
};

// Plays the story through gRPC: producer HTX Tài Hoan (address in the
// former Bắc Kạn), product kGtin, a 4-star certificate kCertificate
// (valid 2024-03-22 .. 2027-03-21), batch kLot with commissioning ->
// packing -> shipping, then `labels` labels with PINs; signs a checkpoint.
absl::StatusOr<SiteStory> PlaySiteStory(SiteServer& server, int labels = 5);

// Certifier revokes kCertificate from `effective_from` (YYYY-MM-DD).
absl::Status RevokeCertificate(SiteServer& server, const SiteStory& story,
                               const std::string& effective_from);
// Producer voids `serial` of the batch.
absl::Status VoidLabel(SiteServer& server, const SiteStory& story,
                       const std::string& serial);

// The path and query of a label URL ("/01/...?s=...").
std::string PathOf(const std::string& url);

struct HttpReply {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // Lower-case.
  std::string body;
  std::string Header(std::string_view name) const;
};

// One request over a fresh connection to 127.0.0.1:`port`. status 0 when
// the exchange failed.
HttpReply HttpRequest(
    int port, const std::string& method, const std::string& target,
    std::vector<std::pair<std::string, std::string>> headers = {},
    const std::string& body = "");
inline HttpReply HttpGet(int port, const std::string& target) {
  return HttpRequest(port, "GET", target);
}
// A form post (application/x-www-form-urlencoded).
HttpReply HttpPostForm(int port, const std::string& target,
                       const std::string& form);

// Counts occurrences of `needle` in `haystack`.
size_t Count(const std::string& haystack, std::string_view needle);

}  // namespace ocoptrace::sitetest

#endif  // OCOPTRACE_TESTS_SERVER_SITE_SITE_TEST_UTIL_H_
