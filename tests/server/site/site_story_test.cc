// The consumers' door served by a real in-process traced (app::Daemon with
// HTTP on a free port) over the ocoptrace story played through gRPC: a
// label URL as printed -> 307 -> the scan page with its verdict, stars,
// certificate status and verified journey; what happens to the page when
// the certificate is revoked or expires, a label is voided or altered, a
// serial is unknown, a label is scanned from many places; scratch PINs;
// suspect reports; and the log rebuilt from /checkpoint, /keys and tiles.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/checkpoint.h"
#include "core/merkle.h"
#include "core/signed_note.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/server/site/site_test_util.h"

namespace ocoptrace::sitetest {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

constexpr char kGenuine[] = "data-verdict=\"genuine\"";
constexpr char kNotGenuine[] = "data-verdict=\"not_genuine\"";
constexpr char kSuspicious[] = "data-verdict=\"suspicious\"";
constexpr char kVerifiedMark[] = "&#10003; đã xác minh";

class SiteStoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = SiteServer::Start();
    ASSERT_NE(server_, nullptr);
    absl::StatusOr<SiteStory> story = PlaySiteStory(*server_);
    ASSERT_TRUE(story.ok()) << story.status();
    story_ = *std::move(story);
    port_ = server_->http_port();
    ASSERT_GT(port_, 0);
  }

  // Opens a label URL as a phone does: the resolver's redirect, then the
  // page it points to. Expects the redirect.
  HttpReply Scan(const std::string& url) {
    HttpReply redirect = HttpGet(port_, PathOf(url));
    EXPECT_EQ(redirect.status, 307) << redirect.body;
    const std::string location = redirect.Header("location");
    EXPECT_THAT(location, StartsWith("/p/01/"));
    return HttpGet(port_, location);
  }

  // The page path of label `i` (after the redirect), with its query.
  std::string LabelPage(size_t i) {
    return "/p" + PathOf(story_.labels.at(i).url());
  }

  nlohmann::json PageJson(const std::string& page) {
    HttpReply reply = HttpGet(port_, page + "&format=json");
    EXPECT_EQ(reply.status, 200);
    return nlohmann::json::parse(reply.body, nullptr, false);
  }

  void FlushScans() { server_->daemon().consumer_site()->FlushScans(); }

  std::unique_ptr<SiteServer> server_;
  SiteStory story_;
  int port_ = 0;
};

TEST_F(SiteStoryTest, LabelUrlRedirectsToAGenuinePage) {
  const v1::IssuedLabel& label = story_.labels[0];
  EXPECT_THAT(label.url(), StartsWith(absl::StrCat(kResolverBase, "/01/", kGtin,
                                                 "/10/", kLot, "/21/")));
  HttpReply redirect = HttpGet(port_, PathOf(label.url()));
  ASSERT_EQ(redirect.status, 307);
  EXPECT_EQ(redirect.Header("location"),
            absl::StrCat("/p/01/", kGtin, "/10/", kLot, "/21/", label.serial(),
                         "?", label.url().substr(label.url().find('?') + 1)));

  HttpReply page = HttpGet(port_, redirect.Header("location"));
  ASSERT_EQ(page.status, 200);
  EXPECT_EQ(page.Header("content-type"), "text/html; charset=utf-8");
  const std::string& html = page.body;
  EXPECT_THAT(html, HasSubstr(kGenuine));
  EXPECT_THAT(html, HasSubstr("Tem chính hãng"));
  EXPECT_THAT(html, HasSubstr("id=\"stars\""));
  EXPECT_THAT(html, HasSubstr("★★★★☆"));
  EXPECT_THAT(html, HasSubstr("còn hiệu lực đến 21/03/2027"));
  EXPECT_THAT(html, HasSubstr("GCN-OCOP-2024/015"));
  EXPECT_THAT(html, HasSubstr("Miến dong Tài Hoan"));
  EXPECT_THAT(html, HasSubstr("HTX Tài Hoan"));
  EXPECT_THAT(html, HasSubstr("Hợp tác xã"));
  EXPECT_THAT(html, HasSubstr("Thực phẩm"));
  EXPECT_THAT(html, HasSubstr("TCCS 01:2021/HTXTH"));
  EXPECT_THAT(html, HasSubstr("<dt>Nhãn hiệu</dt><dd>Miến dong Tài Hoan Na "
                              "Rì</dd>"));
  EXPECT_THAT(html,
              HasSubstr("thôn Chè Cọ, xã Côn Minh, huyện Na Rì, tỉnh Bắc Kạn"));
  EXPECT_THAT(html, HasSubstr("Xã Côn Minh, tỉnh Thái Nguyên"));
  // The journey: batch.created, three events and labels.issued, in order,
  // each checked against its signature and the checkpoint.
  EXPECT_EQ(Count(html, kVerifiedMark), 5u) << html;
  EXPECT_THAT(html, Not(HasSubstr("chưa xác minh")));
  const size_t harvest = html.find("data-step=\"commissioning\"");
  const size_t packing = html.find("data-step=\"packing\"");
  const size_t shipping = html.find("data-step=\"shipping\"");
  ASSERT_NE(harvest, std::string::npos);
  EXPECT_LT(harvest, packing);
  EXPECT_LT(packing, shipping);
  EXPECT_THAT(html, HasSubstr("→ Siêu thị Co.opmart Thái Nguyên"));
  EXPECT_THAT(html, HasSubstr(absl::StrCat("href=\"/entries/",
                                           story_.journey_indexes[1], "\"")));
  // A label with a scratch PIN: the form is there.
  EXPECT_THAT(html, HasSubstr("id=\"pin\""));
  EXPECT_THAT(html, HasSubstr("Đây là lần quét đầu tiên."));
}

TEST_F(SiteStoryTest, JsonCarriesTheSameFacts) {
  nlohmann::json page = PageJson(LabelPage(0));
  ASSERT_FALSE(page.is_discarded());
  EXPECT_EQ(page["check"]["verdict"], "genuine");
  EXPECT_EQ(page["check"]["signature_valid"], true);
  EXPECT_EQ(page["check"]["serial_issued"], true);
  EXPECT_EQ(page["ocop_stars"], 4);
  ASSERT_EQ(page["certificates"].size(), 1u);
  EXPECT_EQ(page["certificates"][0]["number"], kCertificate);
  EXPECT_EQ(page["certificates"][0]["status"], "active");
  EXPECT_EQ(page["certificates"][0]["valid_until"], "2027-03-21");
  EXPECT_EQ(page["batch"]["production_date"], "2024-05-30");
  ASSERT_EQ(page["batch"]["journey"].size(), 5u);
  for (size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(page["batch"]["journey"][i]["log_index"],
              story_.journey_indexes[i]);
    EXPECT_EQ(page["batch"]["journey"][i]["verified"], true);
  }
  EXPECT_EQ(page["batch"]["journey"][0]["step"], "batch.created");
  EXPECT_EQ(page["batch"]["journey"][4]["step"], "labels.issued");
}

TEST_F(SiteStoryTest, ScansAreCountedAndTheFirstScanKept) {
  const std::string page = LabelPage(0);
  for (int i = 0; i < 3; ++i) ASSERT_EQ(HttpGet(port_, page).status, 200);
  const absl::Time first = server_->clock().Now();
  server_->clock().Advance(absl::Hours(26));
  FlushScans();
  nlohmann::json json = PageJson(page);
  EXPECT_EQ(json["scans"]["count"], 4);  // Three before, and this one.
  EXPECT_EQ(json["scans"]["first"],
            absl::FormatTime("%Y-%m-%dT%H:%M:%S+07:00", first,
                             absl::FixedTimeZone(7 * 3600)));
  FlushScans();
  absl::StatusOr<trace::LabelScanSummary> summary =
      server_->daemon().scans().Summary(kGtin, story_.labels[0].serial());
  ASSERT_TRUE(summary.ok());
  EXPECT_EQ(summary->valid_scans, 4u);
  EXPECT_EQ(summary->first_valid_scan, first);
  EXPECT_EQ(summary->last_valid_scan, server_->clock().Now());
  EXPECT_EQ(summary->networks, std::vector<std::string>{"127.0.0.0/24"});
  EXPECT_EQ(summary->lot, kLot);
}

TEST_F(SiteStoryTest, RevokedCertificateLosesItsStarsFromThatDay) {
  // Revoked from tomorrow: today the stars still show.
  ASSERT_TRUE(RevokeCertificate(*server_, story_, "2024-06-02").ok());
  HttpReply today = HttpGet(port_, LabelPage(0));
  EXPECT_THAT(today.body, HasSubstr("id=\"stars\""));
  EXPECT_THAT(today.body, HasSubstr("còn hiệu lực đến 21/03/2027"));

  server_->clock().Advance(absl::Hours(24));
  HttpReply tomorrow = Scan(story_.labels[0].url());
  ASSERT_EQ(tomorrow.status, 200);
  EXPECT_THAT(tomorrow.body, Not(HasSubstr("id=\"stars\"")));
  EXPECT_THAT(tomorrow.body, Not(HasSubstr("★")));
  EXPECT_THAT(tomorrow.body, HasSubstr("data-status=\"revoked\""));
  EXPECT_THAT(tomorrow.body,
              HasSubstr("bị thu hồi ngày 02/06/2024 (quyết định 77/QĐ-UBND)"));
  EXPECT_THAT(tomorrow.body, HasSubstr("id=\"no-active\""));
  // The label itself is still genuine.
  EXPECT_THAT(tomorrow.body, HasSubstr(kGenuine));
}

TEST_F(SiteStoryTest, ExpiredCertificateLosesItsStars) {
  server_->clock().Advance(absl::Hours(24 * 1024));  // Into 2027.
  ASSERT_GT(server_->daemon().service().ledger().size(), 0u);
  HttpReply page = HttpGet(port_, LabelPage(0));
  ASSERT_EQ(page.status, 200);
  EXPECT_THAT(page.body, Not(HasSubstr("id=\"stars\"")));
  EXPECT_THAT(page.body, HasSubstr("data-status=\"expired\""));
  EXPECT_THAT(page.body, HasSubstr("hết hạn ngày 22/03/2027"));
}

TEST_F(SiteStoryTest, VoidedLabelIsNotGenuine) {
  ASSERT_TRUE(VoidLabel(*server_, story_, story_.labels[1].serial()).ok());
  HttpReply page = Scan(story_.labels[1].url());
  EXPECT_THAT(page.body, HasSubstr(kNotGenuine));
  EXPECT_THAT(page.body, HasSubstr("data-reason=\"voided\""));
  EXPECT_THAT(page.body, HasSubstr("Tem đã bị nhà sản xuất hủy."));
  // The others stay genuine.
  EXPECT_THAT(Scan(story_.labels[0].url()).body, HasSubstr(kGenuine));
}

TEST_F(SiteStoryTest, AlteredLabelIsNotGenuine) {
  // One character of the serial changed: not issued, and the signature
  // no longer matches.
  std::string url = story_.labels[0].url();
  const size_t serial_at = url.find("/21/") + 4;
  url[serial_at] = url[serial_at] == 'A' ? 'B' : 'A';
  HttpReply page = Scan(url);
  EXPECT_THAT(page.body, HasSubstr(kNotGenuine));
  EXPECT_THAT(page.body, HasSubstr("data-reason=\"bad_signature\""));
  EXPECT_THAT(page.body, HasSubstr("data-reason=\"unknown_serial\""));

  // Another issued label's serial under this label's signature.
  std::string swapped = story_.labels[0].url();
  swapped.replace(serial_at, 10, story_.labels[2].serial());
  HttpReply forged = Scan(swapped);
  EXPECT_THAT(forged.body, HasSubstr(kNotGenuine));
  EXPECT_THAT(forged.body, HasSubstr("data-reason=\"bad_signature\""));
  EXPECT_THAT(forged.body, Not(HasSubstr("data-reason=\"unknown_serial\"")));
}

TEST_F(SiteStoryTest, UnknownSerialUnderARealLotSaysSo) {
  const std::string path =
      absl::StrCat("/01/", kGtin, "/10/", kLot, "/21/0000000000");
  HttpReply redirect = HttpGet(port_, path);
  ASSERT_EQ(redirect.status, 307);
  EXPECT_THAT(redirect.Header("location"),
              HasSubstr("unknown_serial=0000000000"));
  HttpReply page = HttpGet(port_, redirect.Header("location"));
  ASSERT_EQ(page.status, 200);
  EXPECT_THAT(page.body, HasSubstr(kNotGenuine));
  EXPECT_THAT(page.body, HasSubstr("data-reason=\"unknown_serial\""));
  EXPECT_THAT(page.body,
              HasSubstr("Số sê-ri này không có trong hệ thống: có thể là tem "
                        "giả."));
  // The batch around it is shown (it is real).
  EXPECT_THAT(page.body, HasSubstr("Miến dong Tài Hoan"));
  FlushScans();
  absl::StatusOr<trace::LabelScanSummary> summary =
      server_->daemon().scans().Summary(kGtin, "0000000000");
  ASSERT_TRUE(summary.ok());
  EXPECT_TRUE(summary->unknown_serial);
  EXPECT_EQ(summary->not_genuine_scans, 1u);
  std::vector<trace::AnomalyKind> kinds;
  ASSERT_TRUE(server_->daemon()
                  .scans()
                  .ForEachAnomaly(absl::InfinitePast(), absl::InfiniteFuture(),
                                  [&](const trace::ScanAnomalyView& a) {
                                    kinds.push_back(a.kind);
                                    return true;
                                  })
                  .ok());
  EXPECT_EQ(kinds, std::vector<trace::AnomalyKind>{
                       trace::AnomalyKind::kUnknownSerial});
}

TEST_F(SiteStoryTest, ScansFromManyPlacesMakeTheLabelSuspicious) {
  const std::string page = LabelPage(0);
  const size_t query = page.find('?');
  site::ConsumerSite* site = server_->daemon().consumer_site();
  for (const char* address : {"203.0.113.7", "198.51.100.20", "192.0.2.33",
                              "100.64.5.1", "2001:db8:7::1"}) {
    http::Request request;
    request.method = "GET";
    request.target = page;
    request.path = page.substr(0, query);
    request.query = page.substr(query + 1);
    request.remote_address = address;
    int status = 0;
    site->Handle(request,
                 [&](http::Response response) { status = response.status; });
    ASSERT_EQ(status, 200);
  }
  FlushScans();
  HttpReply reply = HttpGet(port_, page);
  EXPECT_THAT(reply.body, HasSubstr(kSuspicious));
  EXPECT_THAT(reply.body, HasSubstr("data-reason=\"many_places\""));
  EXPECT_THAT(reply.body, HasSubstr("Cần kiểm tra"));
  bool flagged = false;
  ASSERT_TRUE(server_->daemon()
                  .scans()
                  .ForEachAnomaly(
                      absl::InfinitePast(), absl::InfiniteFuture(),
                      [&](const trace::ScanAnomalyView& a) {
                        flagged |= a.kind == trace::AnomalyKind::kManyPlaces &&
                                   a.places == 4;
                        return true;
                      })
                  .ok());
  EXPECT_TRUE(flagged);
}

TEST_F(SiteStoryTest, ScratchPinFirstCheckThenAlreadyChecked) {
  const v1::IssuedLabel& label = story_.labels[3];
  ASSERT_EQ(label.pin().size(), 8u);
  const std::string pin_path =
      "/pin" + PathOf(label.url());  // Keeps ?s=... as the page's form does.
  HttpReply wrong = HttpPostForm(port_, pin_path, "pin=00000000");
  ASSERT_EQ(wrong.status, 200);
  EXPECT_THAT(wrong.body, HasSubstr("Mã PIN không đúng."));

  server_->clock().Advance(absl::Hours(2));
  HttpReply first = HttpPostForm(port_, pin_path, "pin=" + label.pin());
  ASSERT_EQ(first.status, 200);
  EXPECT_THAT(first.body, HasSubstr("Mã PIN đúng, đây là lần kiểm tra đầu "
                                    "tiên: sản phẩm chính hãng."));
  // The story ends at 15:00 on 2024-06-01; the first check was at 17:00.
  server_->clock().Advance(absl::Hours(30));
  HttpReply again = HttpPostForm(port_, pin_path, "pin=" + label.pin());
  ASSERT_EQ(again.status, 200);
  EXPECT_THAT(again.body,
              HasSubstr("Mã này đã được kiểm tra vào lúc 17:00 01/06/2024"));
  // From now on the label's page asks the shopper to check.
  HttpReply page = HttpGet(port_, "/p" + PathOf(label.url()));
  EXPECT_THAT(page.body, HasSubstr(kSuspicious));
  EXPECT_THAT(page.body, HasSubstr("data-reason=\"pin_used\""));
}

TEST_F(SiteStoryTest, TooManyWrongPinsLockTheLabelAndSaySo) {
  const v1::IssuedLabel& label = story_.labels[4];
  ASSERT_EQ(label.pin().size(), 8u);
  const std::string pin_path = "/pin" + PathOf(label.url());
  for (int i = 0; i < 10; ++i) {
    HttpReply wrong = HttpPostForm(port_, pin_path, "pin=00000000");
    ASSERT_EQ(wrong.status, 200);
    EXPECT_THAT(wrong.body, HasSubstr("Mã PIN không đúng.")) << i;
  }
  // Even the right PIN is no longer checked; the shopper is told why.
  HttpReply locked = HttpPostForm(port_, pin_path, "pin=" + label.pin());
  ASSERT_EQ(locked.status, 200);
  EXPECT_THAT(locked.body, HasSubstr("quá nhiều lần nhập sai mã PIN"));
  EXPECT_THAT(locked.body, Not(HasSubstr("Mã PIN không đúng.")));
}

TEST_F(SiteStoryTest, SuspectReportIsStoredForInspectors) {
  const v1::IssuedLabel& label = story_.labels[0];
  HttpReply reply = HttpPostForm(
      port_, "/report" + PathOf(label.url()),
      "place=Ch%E1%BB%A3+%C4%90%E1%BB%93ng+Xu%C3%A2n&shop=C%E1%BB%ADa+h%C3%A0ng"
      "+A&note=%3Cscript%3Ealert(1)%3C%2Fscript%3E");
  ASSERT_EQ(reply.status, 200);
  EXPECT_THAT(reply.body, HasSubstr("Cảm ơn bạn."));
  std::vector<trace::SuspectReportView> reports;
  ASSERT_TRUE(server_->daemon()
                  .reports()
                  .ForEachProductReport(kGtin, absl::InfinitePast(),
                                        absl::InfiniteFuture(),
                                        [&](const trace::SuspectReportView& r) {
                                          reports.push_back(r);
                                          return true;
                                        })
                  .ok());
  ASSERT_EQ(reports.size(), 1u);
  const trace::SuspectReportInput& r = reports[0].report;
  EXPECT_EQ(r.place, "Chợ Đồng Xuân");
  EXPECT_EQ(r.shop, "Cửa hàng A");
  EXPECT_EQ(r.note, "<script>alert(1)</script>");
  EXPECT_EQ(r.lot, kLot);
  EXPECT_EQ(r.serial, label.serial());
  EXPECT_EQ(r.client_network, "127.0.0.0/24");
  EXPECT_EQ(r.time, server_->clock().Now());
  // An empty form is refused with a readable page and nothing stored.
  EXPECT_EQ(
      HttpPostForm(port_, "/report" + PathOf(label.url()), "note=").status,
      400);
}

TEST_F(SiteStoryTest, NewStepIsVerifiedOnceACheckpointCoversIt) {
  rpctest::TestClient producer(server_->rpc_target(), story_.producer_token);
  const absl::Time happened = server_->clock().Now();
  server_->clock().Advance(absl::Minutes(5));
  auto stored = rpctest::RecordEvent(
      producer, story_.producer_key.signer, kGtin, kLot,
      rpctest::EventFor("storing", happened), server_->clock().Now());
  ASSERT_TRUE(stored.ok()) << stored.status();
  HttpReply before = HttpGet(port_, LabelPage(0));
  EXPECT_EQ(Count(before.body, kVerifiedMark), 5u);
  EXPECT_EQ(Count(before.body, "chưa xác minh"), 1u);
  server_->Checkpoint();
  HttpReply after = HttpGet(port_, LabelPage(0));
  EXPECT_EQ(Count(after.body, kVerifiedMark), 6u);
  EXPECT_THAT(after.body, HasSubstr("data-step=\"storing\""));
}

TEST_F(SiteStoryTest, RepeatedScansAreServedFromTheCaches) {
  const std::string page = LabelPage(0);
  ASSERT_EQ(HttpGet(port_, page).status, 200);
  const site::Catalog::Stats before =
      server_->daemon().consumer_site()->catalog().stats();
  for (int i = 0; i < 20; ++i) ASSERT_EQ(HttpGet(port_, page).status, 200);
  const site::Catalog::Stats after =
      server_->daemon().consumer_site()->catalog().stats();
  EXPECT_EQ(after.product_loads, before.product_loads);
  EXPECT_EQ(after.batch_loads, before.batch_loads);
  EXPECT_EQ(after.label_loads, before.label_loads);
}

TEST_F(SiteStoryTest, CertificatePage) {
  HttpReply page = HttpGet(port_, "/cert/GCN-OCOP-2024%2F015");
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_THAT(page.body, HasSubstr("data-status=\"active\""));
  EXPECT_THAT(page.body, HasSubstr("Chứng nhận còn hiệu lực"));
  EXPECT_THAT(page.body, HasSubstr("★★★★☆"));
  EXPECT_THAT(page.body, HasSubstr("GCN-OCOP-2024/015"));
  EXPECT_THAT(page.body, HasSubstr("1234/QĐ-UBND (2024-03-22)"));
  EXPECT_THAT(page.body, HasSubstr("UBND tỉnh Bắc Kạn, cấp tỉnh"));
  EXPECT_THAT(page.body, HasSubstr("còn hiệu lực đến 21/03/2027"));
  EXPECT_THAT(page.body, HasSubstr("HTX Tài Hoan"));
  EXPECT_THAT(page.body, HasSubstr(absl::StrCat("<a href=\"/01/", kGtin,
                                                "\">Miến dong Tài Hoan</a>")));
  HttpReply english = HttpGet(port_, "/cert/GCN-OCOP-2024%2F015?lang=en");
  EXPECT_THAT(english.body, HasSubstr("Certificate in force"));
  EXPECT_THAT(english.body, HasSubstr("valid until 21 Mar 2027"));

  ASSERT_TRUE(RevokeCertificate(*server_, story_, "2024-06-01").ok());
  HttpReply revoked = HttpGet(port_, "/cert/GCN-OCOP-2024%2F015");
  EXPECT_THAT(revoked.body, HasSubstr("data-status=\"revoked\""));
  EXPECT_THAT(revoked.body, Not(HasSubstr("★")));
  EXPECT_THAT(revoked.body, HasSubstr("bị thu hồi ngày 01/06/2024"));
  EXPECT_THAT(revoked.body, HasSubstr("Không duy trì tiêu chuẩn sản xuất"));

  EXPECT_EQ(HttpGet(port_, "/cert/GCN-KHONG-CO").status, 404);
  EXPECT_EQ(HttpGet(port_, "/cert/%ZZ").status, 400);
  EXPECT_EQ(HttpGet(port_, "/cert/").status, 400);
  EXPECT_EQ(HttpRequest(port_, "POST", "/cert/X", {}, "").status, 405);
}

TEST_F(SiteStoryTest, ResolverAnswersFromTheService) {
  HttpReply linkset = HttpGet(
      port_, absl::StrCat("/01/", kGtin, "/10/", kLot, "?linkType=linkset"));
  ASSERT_EQ(linkset.status, 200);
  EXPECT_EQ(linkset.Header("content-type"), "application/linkset+json");
  EXPECT_THAT(linkset.body, HasSubstr("Miến dong Tài Hoan, lô L2024-06A"));
  EXPECT_THAT(linkset.body, HasSubstr("https://gs1.org/voc/certificationInfo"));
  EXPECT_THAT(linkset.body,
              HasSubstr(absl::StrCat(kResolverBase, "/p/01/", kGtin)));
  // A valid GTIN nobody registered: 404; a bad check digit: 400.
  EXPECT_EQ(HttpGet(port_, "/01/08934563123468").status, 404);
  EXPECT_EQ(HttpGet(port_, "/01/08934563123452").status, 400);
  // A product page: 307 to /p/01/<gtin>, which has no verdict.
  HttpReply product = HttpGet(port_, absl::StrCat("/01/", kGtin));
  ASSERT_EQ(product.status, 307);
  HttpReply product_page = HttpGet(port_, product.Header("location"));
  EXPECT_THAT(product_page.body, HasSubstr("data-verdict=\"none\""));
  EXPECT_THAT(product_page.body, HasSubstr("★★★★☆"));
}

TEST_F(SiteStoryTest, VerifierRebuildsTheCheckpointFromTilesAndKeys) {
  HttpReply keys_reply = HttpGet(port_, "/keys");
  ASSERT_EQ(keys_reply.status, 200);
  nlohmann::json keys = nlohmann::json::parse(keys_reply.body);
  absl::StatusOr<NoteVerifier> log_key =
      ParseVkey(keys["log"].get<std::string>());
  ASSERT_TRUE(log_key.ok());
  std::vector<NoteVerifier> signers;
  for (const char* group : {"label", "actors", "revoked"}) {
    for (const auto& vkey : keys[group]) {
      absl::StatusOr<NoteVerifier> key = ParseVkey(vkey.get<std::string>());
      ASSERT_TRUE(key.ok()) << vkey;
      signers.push_back(*key);
    }
  }
  ASSERT_FALSE(keys["label"].empty());

  HttpReply checkpoint_reply = HttpGet(port_, "/checkpoint");
  ASSERT_EQ(checkpoint_reply.status, 200);
  absl::StatusOr<Checkpoint> checkpoint =
      OpenCheckpoint(checkpoint_reply.body, *log_key);
  ASSERT_TRUE(checkpoint.ok()) << checkpoint.status();
  const uint64_t size = checkpoint->size;
  ASSERT_GT(size, 10u);
  ASSERT_LT(size, 256u);  // One partial tile.

  HttpReply bundle = HttpGet(port_, absl::StrCat("/tile/entries/000.p/", size));
  ASSERT_EQ(bundle.status, 200);
  std::vector<Hash> leaves;
  size_t at = 0;
  while (at < bundle.body.size()) {
    ASSERT_LE(at + 2, bundle.body.size());
    const size_t length = (static_cast<uint8_t>(bundle.body[at]) << 8) |
                          static_cast<uint8_t>(bundle.body[at + 1]);
    const std::string entry = bundle.body.substr(at + 2, length);
    at += 2 + length;
    EXPECT_TRUE(OpenNote(entry, signers).ok())
        << "entry " << leaves.size() << " does not verify";
    leaves.push_back(LeafHash(entry));
  }
  ASSERT_EQ(leaves.size(), size);
  EXPECT_EQ(RootOfLeafHashes(leaves), checkpoint->root);

  HttpReply tile = HttpGet(port_, absl::StrCat("/tile/0/000.p/", size));
  ASSERT_EQ(tile.status, 200);
  ASSERT_EQ(tile.body.size(), size * 32);
  for (size_t i = 0; i < size; ++i) {
    EXPECT_EQ(tile.body.substr(i * 32, 32), HashToBytes(leaves[i]));
  }
}

TEST_F(SiteStoryTest, MetricsCountPagesAndScans) {
  ASSERT_EQ(HttpGet(port_, LabelPage(0)).status, 200);
  FlushScans();
  HttpReply metrics = HttpGet(port_, "/metrics");
  ASSERT_EQ(metrics.status, 200);
  EXPECT_THAT(metrics.body,
              HasSubstr("ocoptrace_pages_total{verdict=\"genuine\"} 1"));
  EXPECT_THAT(metrics.body, HasSubstr("ocoptrace_scans_written_total 1"));
  EXPECT_THAT(metrics.body, HasSubstr(absl::StrCat(
                                "ocoptrace_ledger_entries ",
                                server_->daemon().service().ledger().size())));
  EXPECT_EQ(HttpGet(port_, "/healthz").status, 200);
}

}  // namespace
}  // namespace ocoptrace::sitetest
