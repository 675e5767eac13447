#include "server/http/scan_page.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>

#include "nlohmann/json.hpp"
#include "server/http/html.h"
#include "server/http/i18n.h"
#include "tests/server/http/fake_catalog.h"

namespace ocoptrace::http {
namespace {

using testing::DemoLabelModel;
using ::testing::HasSubstr;
using ::testing::Not;

PageContext Context(Lang lang = Lang::kVi) {
  PageContext ctx;
  ctx.lang = lang;
  ctx.page_path = "/p/01/08934563123451/10/L2024A/21/7K3M9QX2TA";
  ctx.query = "s=123&lang=vi";
  ctx.pin_path = "/pin/01/08934563123451/10/L2024A/21/7K3M9QX2TA?s=123";
  ctx.report_path = "/report/01/08934563123451/10/L2024A/21/7K3M9QX2TA?s=123";
  return ctx;
}

std::string Render(const ScanPageModel& model, Lang lang = Lang::kVi) {
  return RenderScanPageHtml(model, Context(lang));
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return s;
}

size_t Count(const std::string& haystack, const std::string& needle) {
  size_t n = 0;
  for (size_t at = haystack.find(needle); at != std::string::npos;
       at = haystack.find(needle, at + 1)) {
    ++n;
  }
  return n;
}

TEST(ScanPageTest, VietnameseByDefault) {
  const std::string html = Render(DemoLabelModel());
  EXPECT_THAT(html, HasSubstr("<html lang=\"vi\">"));
  EXPECT_THAT(html, HasSubstr("Tem chính hãng"));
  EXPECT_THAT(html, HasSubstr("Hành trình của lô hàng"));
  EXPECT_THAT(html, HasSubstr("nay là Phường Đức Xuân, tỉnh Thái Nguyên"));
  EXPECT_THAT(html, Not(HasSubstr("Genuine label")));
  EXPECT_THAT(html, HasSubstr("name=\"viewport\""));
  EXPECT_THAT(Lower(html), Not(HasSubstr("<script")));  // No JavaScript.
}

TEST(ScanPageTest, EnglishRendering) {
  const std::string html = Render(DemoLabelModel(), Lang::kEn);
  EXPECT_THAT(html, HasSubstr("<html lang=\"en\">"));
  EXPECT_THAT(html, HasSubstr("Genuine label"));
  EXPECT_THAT(html, HasSubstr("The batch&#39;s journey"));
  EXPECT_THAT(html, HasSubstr("valid until 30 Nov 2026"));
  EXPECT_THAT(html, Not(HasSubstr("Tem chính hãng")));
}

TEST(ScanPageTest, LanguageFromAcceptLanguageWithQValues) {
  EXPECT_EQ(ChooseLanguage("", ""), Lang::kVi);
  EXPECT_EQ(ChooseLanguage("", "en-US,en;q=0.9"), Lang::kEn);
  EXPECT_EQ(ChooseLanguage("", "vi;q=0.4, en;q=0.8"), Lang::kEn);
  EXPECT_EQ(ChooseLanguage("", "en;q=0.8, vi;q=0.9"), Lang::kVi);
  EXPECT_EQ(ChooseLanguage("", "en-US;q=0.1, vi-VN;q=0.2"), Lang::kVi);
  EXPECT_EQ(ChooseLanguage("", "en;q=0, *"), Lang::kVi);
  EXPECT_EQ(ChooseLanguage("", "fr-FR,fr;q=0.9"), Lang::kVi);
  EXPECT_EQ(ChooseLanguage("", "fr, en;q=0.5"), Lang::kEn);
  EXPECT_EQ(ChooseLanguage("", "en;q=garbage, vi;q=0.1"), Lang::kVi);
}

TEST(ScanPageTest, ToggleWinsOverTheHeader) {
  EXPECT_EQ(ChooseLanguage("en", "vi"), Lang::kEn);
  EXPECT_EQ(ChooseLanguage("vi", "en-US,en"), Lang::kVi);
  EXPECT_EQ(ChooseLanguage("fr", "en"), Lang::kEn);
  // The toggle link keeps the signature and flips the language.
  const std::string html = Render(DemoLabelModel());
  EXPECT_THAT(html, HasSubstr("href=\"/p/01/08934563123451/10/L2024A/21/"
                              "7K3M9QX2TA?s=123&amp;lang=en\">English</a>"));
  EXPECT_THAT(Render(DemoLabelModel(), Lang::kEn),
              HasSubstr("s=123&amp;lang=vi\">Tiếng Việt</a>"));
}

TEST(ScanPageTest, GenuineVerdict) {
  const std::string html = Render(DemoLabelModel());
  EXPECT_THAT(html, HasSubstr("class=\"v ok\" id=\"verdict\" "
                              "data-verdict=\"genuine\""));
  EXPECT_THAT(html, Not(HasSubstr("data-reason")));
}

TEST(ScanPageTest, SuspiciousVerdicts) {
  struct Case {
    void (*edit)(LabelFacts&);
    const char* reason;
  };
  const Case cases[] = {
      {[](LabelFacts& f) { f.scan_count = 51; }, "many_scans"},
      {[](LabelFacts& f) { f.distinct_places = 4; }, "many_places"},
      {[](LabelFacts& f) { f.pin_already_used = true; }, "pin_used"},
  };
  for (const Case& c : cases) {
    ScanPageModel model = DemoLabelModel();
    c.edit(model.label);
    const std::string html = Render(model);
    EXPECT_THAT(html, HasSubstr("data-verdict=\"suspicious\"")) << c.reason;
    EXPECT_THAT(html, HasSubstr("Cần kiểm tra")) << c.reason;
    EXPECT_THAT(html, HasSubstr(std::string("data-reason=\"") + c.reason))
        << c.reason;
  }
}

TEST(ScanPageTest, NotGenuineVerdicts) {
  struct Case {
    void (*edit)(ScanPageModel&);
    const char* reason;
  };
  const Case cases[] = {
      {[](ScanPageModel& m) { m.label.signature_present = false; },
       "missing_signature"},
      {[](ScanPageModel& m) { m.label.signature_valid = false; },
       "bad_signature"},
      {[](ScanPageModel& m) { m.label.voided = true; }, "voided"},
      {[](ScanPageModel& m) {
         m.kind = PageKind::kBatch;
         m.serial_unknown = true;
       },
       "unknown_serial"},
      {[](ScanPageModel& m) {
         m.kind = PageKind::kProduct;
         m.lot_unknown = true;
       },
       "unknown_lot"},
  };
  for (const Case& c : cases) {
    ScanPageModel model = DemoLabelModel();
    c.edit(model);
    const std::string html = Render(model);
    EXPECT_THAT(html, HasSubstr("class=\"v bad\" id=\"verdict\" "
                                "data-verdict=\"not_genuine\""))
        << c.reason;
    EXPECT_THAT(html, HasSubstr("Không xác thực được")) << c.reason;
    EXPECT_THAT(html, HasSubstr(std::string("data-reason=\"") + c.reason))
        << c.reason;
  }
  // Scanned too often AND voided: not genuine wins.
  ScanPageModel model = DemoLabelModel();
  model.label.voided = true;
  model.label.scan_count = 500;
  EXPECT_THAT(Render(model), HasSubstr("data-verdict=\"not_genuine\""));
}

TEST(ScanPageTest, UnknownSerialNamesTheSerial) {
  ScanPageModel model = DemoLabelModel();
  model.kind = PageKind::kBatch;
  model.serial = "ZZZZZZZZZZ";
  model.serial_unknown = true;
  const std::string html = Render(model);
  EXPECT_THAT(html, HasSubstr("Số sê-ri này không có trong hệ thống: có thể là "
                              "tem giả. <code>ZZZZZZZZZZ</code>"));
  EXPECT_THAT(html, HasSubstr("id=\"report\""));      // Report it...
  EXPECT_THAT(html, Not(HasSubstr("id=\"scans\"")));  // ...no scan facts.
}

TEST(ScanPageTest, ProductPageSaysItIsNotALabelCheck) {
  ScanPageModel model = DemoLabelModel();
  model.kind = PageKind::kProduct;
  model.lot.clear();
  model.serial.clear();
  const std::string html = Render(model);
  EXPECT_THAT(html, HasSubstr("data-verdict=\"none\""));
  EXPECT_THAT(html, HasSubstr("không phải kết quả kiểm tra một tem"));
  EXPECT_THAT(html, Not(HasSubstr("Tem chính hãng")));
  EXPECT_THAT(html, Not(HasSubstr("id=\"journey\"")));
  EXPECT_THAT(html, Not(HasSubstr("id=\"pin\"")));
}

TEST(ScanPageTest, StarsShownOnlyWhileACertificateIsActive) {
  ScanPageModel model = DemoLabelModel();  // Valid 2023-12-01..2026-11-30.
  std::string html = Render(model);
  EXPECT_THAT(html, HasSubstr("★★★★☆"));
  EXPECT_THAT(html, HasSubstr("Giấy chứng nhận số DEMO-046/2022 (4 sao): còn "
                              "hiệu lực đến 30/11/2026"));
  model.today = absl::CivilDay(2026, 11, 30);  // Last valid day.
  EXPECT_THAT(Render(model), HasSubstr("★★★★☆"));

  model.today = absl::CivilDay(2026, 12, 1);  // Expired.
  html = Render(model);
  EXPECT_THAT(html, Not(HasSubstr("★")));
  EXPECT_THAT(html, HasSubstr("hết hạn ngày 01/12/2026"));
  EXPECT_THAT(html, HasSubstr("không được dùng sao OCOP"));

  model.today = absl::CivilDay(2025, 8, 1);
  model.certificates[0].revoked = true;
  model.certificates[0].revoked_on = absl::CivilDay(2025, 5, 15);
  model.certificates[0].revocation_decision = "99/QĐ-UBND";
  html = Render(model);
  EXPECT_THAT(html, Not(HasSubstr("★")));
  EXPECT_THAT(html,
              HasSubstr("bị thu hồi ngày 15/05/2025 (quyết định 99/QĐ-UBND)"));
  // Revoked from that day on, not before.
  model.today = absl::CivilDay(2025, 5, 14);
  EXPECT_THAT(Render(model), HasSubstr("★★★★☆"));

  model.certificates.clear();
  html = Render(model);
  EXPECT_THAT(html, Not(HasSubstr("★")));
  EXPECT_THAT(html, HasSubstr("Chưa có chứng nhận OCOP."));
}

TEST(ScanPageTest, ActiveCertificateAmongExpiredOnesShowsItsStars) {
  ScanPageModel model = DemoLabelModel();
  CertificateView old = model.certificates[0];
  old.number = "OLD-1";
  old.stars = 3;
  old.valid_from = absl::CivilDay(2019, 1, 10);
  old.valid_until = absl::CivilDay(2022, 1, 9);
  model.certificates.insert(model.certificates.begin(), old);
  const std::string html = Render(model);
  EXPECT_THAT(html, HasSubstr("★★★★☆"));
  EXPECT_THAT(html, HasSubstr("data-status=\"expired\""));
  EXPECT_THAT(html, HasSubstr("data-status=\"active\""));
  EXPECT_EQ(DisplayedStars(model.certificates, absl::CivilDay(2021, 6, 1)), 3);
  EXPECT_EQ(DisplayedStars(model.certificates, absl::CivilDay(2023, 6, 1)), 0);
}

TEST(ScanPageTest, EscapesEveryUserString) {
  ScanPageModel model = DemoLabelModel();
  const std::string evil = "<script>alert(1)</script>\"'&";
  model.product_name = evil;
  model.producer_name = evil;
  model.legal_form = evil;
  model.group = evil;
  model.standard = evil;
  model.address_as_printed = evil;
  model.current_unit = evil;
  model.image_url = "/x.jpg\"><script>alert(2)</script>";
  model.certificates[0].number = evil;
  model.certificates[0].decision = evil;
  model.certificates[0].issuer = evil;
  model.journey[0].place = evil;
  model.journey[0].note = evil;
  model.journey[0].actor = evil;
  model.journey[0].step = evil;
  for (Lang lang : {Lang::kVi, Lang::kEn}) {
    const std::string html = Render(model, lang);
    EXPECT_THAT(Lower(html), Not(HasSubstr("<script")));
    EXPECT_THAT(
        html,
        HasSubstr("&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;"));
  }
  // A javascript: image URL is not rendered at all.
  model.image_url = "javascript:alert(3)";
  EXPECT_THAT(Render(model), Not(HasSubstr("javascript:")));
  // Invalid UTF-8 does not leak through.
  model.product_name = "Tr\xC3 \xFF";
  EXPECT_TRUE(IsValidUtf8(Render(model)));
  // The JSON stays valid JSON.
  model.product_name = evil;
  EXPECT_NO_THROW(nlohmann::json::parse(RenderScanPageJson(model, Context())));
}

TEST(ScanPageTest, JourneyInOrderWithVerifiedMarks) {
  ScanPageModel model = DemoLabelModel();
  std::string html = Render(model);
  const size_t harvest = html.find("Thu hoạch, sản xuất");
  const size_t processing = html.find("Chế biến");
  const size_t packing = html.find("Đóng gói");
  ASSERT_NE(harvest, std::string::npos);
  ASSERT_NE(processing, std::string::npos);
  ASSERT_NE(packing, std::string::npos);
  EXPECT_LT(harvest, processing);
  EXPECT_LT(processing, packing);
  EXPECT_EQ(Count(html, "đã xác minh"), 3u);
  EXPECT_EQ(Count(html, "chưa xác minh"), 0u);
  EXPECT_THAT(html, HasSubstr("href=\"/entries/12\""));
  EXPECT_THAT(html, HasSubstr("06:30 20/03/2024"));
  model.journey[1].verified = false;
  html = Render(model);
  EXPECT_EQ(Count(html, "đã xác minh"), 2u);
  EXPECT_EQ(Count(html, "chưa xác minh"), 1u);
  EXPECT_THAT(Render(model, Lang::kEn), HasSubstr("Processing"));
}

TEST(ScanPageTest, ScansAndForms) {
  ScanPageModel model = DemoLabelModel();
  std::string html = Render(model);
  EXPECT_THAT(html, HasSubstr("<dt>Số lần quét</dt><dd>4</dd>"));
  EXPECT_THAT(html,
              HasSubstr("<dt>Lần quét đầu tiên</dt><dd>10:15 02/04/2024</dd>"));
  EXPECT_THAT(html, HasSubstr("<form method=\"post\" action=\"/pin/01/"));
  EXPECT_THAT(html, HasSubstr("name=\"pin\""));
  EXPECT_THAT(html, HasSubstr("action=\"/report/01/"));
  EXPECT_THAT(html, HasSubstr("name=\"place\""));
  EXPECT_THAT(html, HasSubstr("name=\"shop\""));
  EXPECT_THAT(html, HasSubstr("name=\"note\""));
  model.batch_has_pins = false;
  EXPECT_THAT(Render(model), Not(HasSubstr("name=\"pin\"")));
}

TEST(ScanPageTest, MobileFirstAndSmall) {
  EXPECT_LT(PageStyle().size(), 4096u);
  const std::string html = Render(DemoLabelModel());
  EXPECT_LT(html.size(), 12000u);
  EXPECT_THAT(html, HasSubstr("width=device-width"));
  EXPECT_THAT(html, HasSubstr("system-ui"));
}

TEST(ScanPageTest, JsonForPrograms) {
  nlohmann::json j =
      nlohmann::json::parse(RenderScanPageJson(DemoLabelModel(), Context()));
  EXPECT_EQ(j["kind"], "label");
  EXPECT_EQ(j["id"]["gtin"], "08934563123451");
  EXPECT_EQ(j["id"]["serial"], "7K3M9QX2TA");
  EXPECT_EQ(j["check"]["verdict"], "genuine");
  EXPECT_EQ(j["ocop_stars"], 4);
  EXPECT_EQ(j["certificates"][0]["status"], "active");
  EXPECT_EQ(j["certificates"][0]["valid_until"], "2026-11-30");
  ASSERT_EQ(j["batch"]["journey"].size(), 3u);
  EXPECT_EQ(j["batch"]["journey"][0]["step"], "commissioning");
  EXPECT_EQ(j["batch"]["journey"][0]["time"], "2024-03-20T06:30:00+07:00");
  EXPECT_EQ(j["batch"]["journey"][2]["entry"], "/entries/19");
  EXPECT_EQ(j["scans"]["count"], 4);

  ScanPageModel model = DemoLabelModel();
  model.certificates[0].revoked = true;
  model.certificates[0].revoked_on = absl::CivilDay(2025, 1, 2);
  model.label.signature_valid = false;
  j = nlohmann::json::parse(RenderScanPageJson(model, Context()));
  EXPECT_EQ(j["ocop_stars"], 0);
  EXPECT_EQ(j["certificates"][0]["status"], "revoked");
  EXPECT_EQ(j["check"]["verdict"], "not_genuine");
  EXPECT_EQ(j["check"]["reasons"], nlohmann::json::array({"bad_signature"}));
}

TEST(VerdictTest, DecideVerdictListsEveryReason) {
  LabelFacts facts;  // Nothing is right.
  VerdictResult r = DecideVerdict(facts, true, {});
  EXPECT_EQ(r.verdict, Verdict::kNotGenuine);
  EXPECT_EQ(r.reasons,
            (std::vector<VerdictReason>{VerdictReason::kMissingSignature,
                                        VerdictReason::kUnknownSerial}));
  facts = {true, true, true, false, 50, 3, false};  // At the thresholds.
  EXPECT_EQ(DecideVerdict(facts, true, {}).verdict, Verdict::kGenuine);
  facts.scan_count = 51;
  facts.distinct_places = 4;
  r = DecideVerdict(facts, true, {});
  EXPECT_EQ(r.verdict, Verdict::kSuspicious);
  EXPECT_EQ(r.reasons.size(), 2u);
  EXPECT_EQ(DecideVerdict(facts, false, {}).reasons.front(),
            VerdictReason::kUnknownLot);
}

TEST(I18nTest, DatesStarsAndSteps) {
  EXPECT_EQ(FormatDay(absl::CivilDay(2023, 1, 10), Lang::kVi), "10/01/2023");
  EXPECT_EQ(FormatDay(absl::CivilDay(2023, 1, 10), Lang::kEn), "10 Jan 2023");
  EXPECT_EQ(FormatTimeVn(absl::FromUnixSeconds(0), Lang::kVi),
            "07:00 01/01/1970");
  EXPECT_EQ(DayInVietnam(absl::FromUnixSeconds(17 * 3600)),
            absl::CivilDay(1970, 1, 2));
  EXPECT_EQ(StarsText(4), "★★★★☆");
  EXPECT_EQ(StarsText(9), "★★★★★");
  EXPECT_EQ(StepLabel("packing", Lang::kVi), "Đóng gói");
  EXPECT_EQ(StepLabel("event.shipping", Lang::kEn), "Shipping");
  EXPECT_EQ(StepLabel("batch.created", Lang::kVi), "Tạo lô hàng");
  EXPECT_EQ(StepLabel("urn:x:custom", Lang::kVi), "urn:x:custom");
  for (int i = 0; i < static_cast<int>(Msg::kCount); ++i) {
    EXPECT_FALSE(T(static_cast<Msg>(i), Lang::kVi).empty()) << i;
    EXPECT_FALSE(T(static_cast<Msg>(i), Lang::kEn).empty()) << i;
  }
}

}  // namespace
}  // namespace ocoptrace::http
