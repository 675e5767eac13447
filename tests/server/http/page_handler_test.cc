// The consumer pages through the whole site (router + resolver + page
// handler) with the fake catalogue: label URL -> 307 -> page, walk-ups,
// languages, JSON, the PIN and report forms, scan recording.
#include "server/http/page_handler.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <mutex>

#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"
#include "server/http/site.h"
#include "tests/server/http/fake_catalog.h"
#include "tests/server/http/http_test_util.h"

namespace ocoptrace::http {
namespace {

using ::testing::HasSubstr;
using testing::HeaderOf;
using testing::kGtin;
using testing::kLot;
using testing::kSerial;
using testing::MakeRequest;
using ::testing::Not;

class VectorRecorder : public ScanRecorder {
 public:
  void Record(ScanRecord record) override {
    std::lock_guard<std::mutex> lock(mutex);
    records.push_back(std::move(record));
  }
  std::mutex mutex;
  std::vector<ScanRecord> records;
};

class FakePins : public PinChecker {
 public:
  void CheckPin(
      const LabelId& label, const std::string& pin,
      std::function<void(absl::StatusOr<PinCheckResult>)> done) override {
    last_label = label;
    PinCheckResult result;
    if (pin != "12345678") {
      result.outcome = PinCheckResult::Outcome::kWrongPin;
    } else if (checks++ == 0) {
      result.outcome = PinCheckResult::Outcome::kFirstCheck;
    } else {
      result.outcome = PinCheckResult::Outcome::kAlreadyChecked;
      result.first_checked = absl::FromUnixSeconds(1711072800);  // 09:00 +07
    }
    done(result);
  }
  int checks = 0;
  LabelId last_label;
};

class FakeReports : public SuspectReportSink {
 public:
  void Submit(SuspectReport report,
              std::function<void(absl::Status)> done) override {
    reports.push_back(std::move(report));
    done(absl::OkStatus());
  }
  std::vector<SuspectReport> reports;
};

class PageHandlerTest : public ::testing::Test {
 protected:
  PageHandlerTest() {
    SiteDeps deps;
    deps.resolver_data = &catalog_;
    deps.page_data = &catalog_;
    deps.scans = &scans_;
    deps.pins = &pins_;
    deps.reports = &reports_;
    deps.clock = &clock_;
    site_ = std::make_unique<Site>(deps, SiteOptions{});
  }

  Response Send(Request request) {
    Response out;
    int answers = 0;
    site_->Handle(std::move(request), [&](Response r) {
      out = std::move(r);
      ++answers;
    });
    EXPECT_EQ(answers, 1);
    return out;
  }
  Response Get(const std::string& target,
               std::vector<std::pair<std::string, std::string>> headers = {}) {
    return Send(MakeRequest("GET", target, std::move(headers)));
  }
  Response Post(const std::string& target, const std::string& form) {
    return Send(MakeRequest(
        "POST", target, {{"Content-Type", "application/x-www-form-urlencoded"}},
        form));
  }
  // Scans the label URL: resolver, then the page it redirects to.
  Response Scan(const std::string& dl_target,
                std::vector<std::pair<std::string, std::string>> headers = {}) {
    Response redirect = Get(dl_target, headers);
    EXPECT_EQ(redirect.status, 307) << dl_target << "\n" << redirect.body;
    return Get(HeaderOf(redirect, "Location"), headers);
  }

  std::string LabelTarget(const std::string& serial = kSerial) {
    return absl::StrCat("/01/", kGtin, "/10/", kLot, "/21/", serial,
                        "?s=", catalog_.Signature(kGtin, kLot, serial));
  }

  testing::FakeCatalog catalog_;
  VectorRecorder scans_;
  FakePins pins_;
  FakeReports reports_;
  // 2025-08-01 10:00 in Vietnam.
  FakeClock clock_{absl::FromUnixSeconds(1754017200)};
  std::unique_ptr<Site> site_;
};

TEST_F(PageHandlerTest, ScanningAGenuineLabel) {
  Response page = Scan(LabelTarget());
  EXPECT_EQ(page.status, 200);
  EXPECT_EQ(page.content_type, "text/html; charset=utf-8");
  EXPECT_THAT(page.body, HasSubstr("data-verdict=\"genuine\""));
  EXPECT_THAT(page.body, HasSubstr("★★★★☆"));
  EXPECT_THAT(page.body, HasSubstr("Trà hoa vàng Bắc Kạn"));
  // Three earlier scans plus this one.
  EXPECT_THAT(page.body, HasSubstr("<dt>Số lần quét</dt><dd>4</dd>"));
  ASSERT_EQ(scans_.records.size(), 1u);
  const ScanRecord& record = scans_.records[0];
  EXPECT_EQ(record.gtin14, kGtin);
  EXPECT_EQ(record.lot, kLot);
  EXPECT_EQ(record.serial, kSerial);
  EXPECT_EQ(record.result, "genuine");
  EXPECT_EQ(record.client_network, "203.0.113.0/24");
  EXPECT_EQ(record.language, "vi");
  EXPECT_EQ(record.time, clock_.Now());
  EXPECT_EQ(site_->Metrics().pages_genuine, 1u);
}

TEST_F(PageHandlerTest, PageSecurityAndCachingHeaders) {
  Response page = Scan(LabelTarget());
  EXPECT_EQ(HeaderOf(page, "Cache-Control"), "no-store");
  EXPECT_THAT(HeaderOf(page, "Vary"), HasSubstr("Accept-Language"));
  EXPECT_EQ(HeaderOf(page, "Content-Language"), "vi");
  EXPECT_EQ(HeaderOf(page, "X-Content-Type-Options"), "nosniff");
  EXPECT_THAT(HeaderOf(page, "Content-Security-Policy"),
              HasSubstr("default-src 'none'"));
}

TEST_F(PageHandlerTest, BadMissingAndUndecodableSignatures) {
  // Signed by someone else.
  std::string forged = LabelTarget();
  forged.back() = forged.back() == '1' ? '2' : '1';
  EXPECT_THAT(Scan(forged).body, HasSubstr("data-reason=\"bad_signature\""));
  EXPECT_THAT(
      Scan(absl::StrCat("/01/", kGtin, "/10/", kLot, "/21/", kSerial)).body,
      HasSubstr("data-reason=\"missing_signature\""));
  EXPECT_THAT(
      Scan(absl::StrCat("/01/", kGtin, "/10/", kLot, "/21/", kSerial, "?s=abc"))
          .body,
      HasSubstr("data-reason=\"bad_signature\""));
  // A valid signature of another serial does not carry over.
  const std::string swapped = absl::StrCat(
      "/01/", kGtin, "/10/", kLot, "/21/", kSerial,
      "?s=", catalog_.Signature(kGtin, kLot, testing::kVoidSerial));
  EXPECT_THAT(Scan(swapped).body, HasSubstr("data-verdict=\"not_genuine\""));
}

TEST_F(PageHandlerTest, VoidedLabelIsNotGenuine) {
  Response page = Scan(LabelTarget(testing::kVoidSerial));
  EXPECT_THAT(page.body, HasSubstr("data-verdict=\"not_genuine\""));
  EXPECT_THAT(page.body, HasSubstr("data-reason=\"voided\""));
  EXPECT_EQ(scans_.records.back().result, "not_genuine");
}

TEST_F(PageHandlerTest, UnknownSerialWalksUpAndSaysSo) {
  Response page = Scan(LabelTarget(testing::kUnknownSerial));
  EXPECT_EQ(page.status, 200);
  EXPECT_THAT(page.body, HasSubstr("data-verdict=\"not_genuine\""));
  EXPECT_THAT(page.body, HasSubstr("data-reason=\"unknown_serial\""));
  EXPECT_THAT(page.body,
              HasSubstr(std::string("<code>") + testing::kUnknownSerial));
  // The batch's journey is still shown (the level above).
  EXPECT_THAT(page.body, HasSubstr("id=\"journey\""));
  EXPECT_EQ(scans_.records.back().serial, testing::kUnknownSerial);
}

TEST_F(PageHandlerTest, UnknownLotWalksUpToTheProduct) {
  Response page = Scan(absl::StrCat("/01/", kGtin, "/10/FAKE1/21/", kSerial));
  EXPECT_THAT(page.body, HasSubstr("data-reason=\"unknown_lot\""));
  EXPECT_THAT(page.body, HasSubstr("<code>FAKE1</code>"));
  EXPECT_THAT(page.body, Not(HasSubstr("id=\"journey\"")));
}

TEST_F(PageHandlerTest, AWalkUpFlagCannotSmearAGenuineLabel) {
  Response page = Get(
      absl::StrCat("/p/01/", kGtin, "/10/", kLot, "?unknown_serial=", kSerial,
                   "&s=", catalog_.Signature(kGtin, kLot, kSerial)));
  EXPECT_THAT(page.body, HasSubstr("data-verdict=\"genuine\""));
}

TEST_F(PageHandlerTest, JsonByFormatOrAccept) {
  Response r = Get(absl::StrCat("/p", LabelTarget(), "&format=json"));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "application/json");
  EXPECT_EQ(HeaderOf(r, "Access-Control-Allow-Origin"), "*");
  nlohmann::json j = nlohmann::json::parse(r.body);
  EXPECT_EQ(j["check"]["verdict"], "genuine");
  EXPECT_EQ(j["ocop_stars"], 4);
  EXPECT_EQ(j["today"], "2025-08-01");
  r = Get(absl::StrCat("/p", LabelTarget()), {{"Accept", "application/json"}});
  EXPECT_EQ(r.content_type, "application/json");
  r = Get(absl::StrCat("/p", LabelTarget()),
          {{"Accept", "text/html,application/json;q=0.9"}});
  EXPECT_EQ(r.content_type, "text/html; charset=utf-8");
}

TEST_F(PageHandlerTest, EnglishByHeaderOrToggle) {
  Response r =
      Scan(LabelTarget(), {{"Accept-Language", "en-US,en;q=0.9,vi;q=0.8"}});
  EXPECT_THAT(r.body, HasSubstr("Genuine label"));
  EXPECT_EQ(HeaderOf(r, "Content-Language"), "en");
  r = Get(absl::StrCat("/p", LabelTarget(), "&lang=en"));
  EXPECT_THAT(r.body, HasSubstr("Genuine label"));
  r = Get(absl::StrCat("/p", LabelTarget(), "&lang=vi"),
          {{"Accept-Language", "en"}});
  EXPECT_THAT(r.body, HasSubstr("Tem chính hãng"));
  EXPECT_EQ(scans_.records.back().language, "vi");
}

TEST_F(PageHandlerTest, ProductAndBatchPages) {
  Response product = Scan(absl::StrCat("/01/", kGtin));
  EXPECT_EQ(product.status, 200);
  EXPECT_THAT(product.body, HasSubstr("data-verdict=\"none\""));
  EXPECT_THAT(product.body, HasSubstr("Thông tin sản phẩm"));
  Response batch = Scan(absl::StrCat("/01/", kGtin, "/10/", kLot));
  EXPECT_THAT(batch.body, HasSubstr("Thông tin lô hàng"));
  EXPECT_THAT(batch.body, HasSubstr("Đóng gói"));
  EXPECT_EQ(site_->Metrics().pages_info, 2u);
}

TEST_F(PageHandlerTest, BadPathsAndUnknownProducts) {
  EXPECT_EQ(Get("/p/01/08934563123452").status, 400);
  EXPECT_EQ(Get(absl::StrCat("/p/01/", kGtin, "/10/L%00X")).status, 400);
  EXPECT_EQ(Get(absl::StrCat("/p/01/", kGtin, "?unknown_lot=%C3%B4")).status,
            400);
  Response unknown = Get(absl::StrCat("/p/01/", testing::kOtherGtin));
  EXPECT_EQ(unknown.status, 404);
  EXPECT_THAT(unknown.body, HasSubstr("Sản phẩm chưa đăng ký"));
  EXPECT_EQ(Get("/p/414/8934563000011").status, 404);
  EXPECT_TRUE(scans_.records.empty());
}

TEST_F(PageHandlerTest, HeadIsNotAScan) {
  Response r = Send(MakeRequest("HEAD", absl::StrCat("/p", LabelTarget())));
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(scans_.records.empty());
}

TEST_F(PageHandlerTest, PinForm) {
  const std::string path =
      absl::StrCat("/pin/01/", kGtin, "/10/", kLot, "/21/", kSerial);
  Response first = Post(path, "pin=12345678&lang=vi");
  EXPECT_EQ(first.status, 200);
  EXPECT_THAT(first.body, HasSubstr("đây là lần kiểm tra đầu tiên"));
  EXPECT_EQ(pins_.last_label.serial, kSerial);
  Response again = Post(path, "pin=12345678&lang=en");
  EXPECT_THAT(again.body,
              HasSubstr("This code was already checked on 22 Mar 2024, 09:00"));
  EXPECT_THAT(Post(path, "pin=87654321").body, HasSubstr("Mã PIN không đúng."));
  EXPECT_EQ(Post(path, "pin=12ab5678").status, 400);
  EXPECT_EQ(Post(path, "").status, 400);
  EXPECT_EQ(Post(absl::StrCat("/pin/01/", kGtin, "/10/", kLot), "pin=12345678")
                .status,
            400);
  EXPECT_EQ(Get(path).status, 405);
  // The page links back with the signature kept.
  Response page = Get(absl::StrCat("/p", LabelTarget()));
  EXPECT_THAT(page.body, HasSubstr(absl::StrCat("action=\"", path, "?s=")));
}

TEST_F(PageHandlerTest, ReportForm) {
  const std::string path =
      absl::StrCat("/report/01/", kGtin, "/10/", kLot, "/21/", kSerial);
  Response r =
      Post(path,
           "place=Ch%E1%BB%A3+%C4%90%E1%BB%93ng+Xu%C3%A2n&shop=Qu%E1%BA%A7y+5"
           "&note=%3Cscript%3Ex%3C%2Fscript%3E%FF");
  EXPECT_EQ(r.status, 200);
  EXPECT_THAT(r.body, HasSubstr("Cảm ơn bạn"));
  ASSERT_EQ(reports_.reports.size(), 1u);
  const SuspectReport& report = reports_.reports[0];
  EXPECT_EQ(report.place, "Chợ Đồng Xuân");
  EXPECT_EQ(report.shop, "Quầy 5");
  EXPECT_EQ(report.note, "<script>x</script>\xEF\xBF\xBD");  // Stored as text.
  EXPECT_EQ(report.label.serial, kSerial);
  EXPECT_EQ(report.client_network, "203.0.113.0/24");
  EXPECT_EQ(Post(path, "place=&shop=").status, 400);
  EXPECT_EQ(Post(path, "note=" + std::string(1001, 'x')).status, 400);
  EXPECT_EQ(reports_.reports.size(), 1u);
}

TEST_F(PageHandlerTest, FormsWithoutBackendsAre404) {
  SiteDeps deps;
  deps.resolver_data = &catalog_;
  deps.page_data = &catalog_;
  deps.clock = &clock_;
  Site bare(deps, SiteOptions{});
  Response out;
  bare.Handle(MakeRequest("POST",
                          absl::StrCat("/pin/01/", kGtin, "/10/", kLot, "/21/",
                                       kSerial),
                          {}, "pin=12345678"),
              [&](Response r) { out = std::move(r); });
  EXPECT_EQ(out.status, 404);
  bare.Handle(MakeRequest("GET", absl::StrCat("/p", LabelTarget())),
              [&](Response r) { out = std::move(r); });
  EXPECT_EQ(out.status, 200);
  EXPECT_THAT(out.body, Not(HasSubstr("<form")));
}

}  // namespace
}  // namespace ocoptrace::http
