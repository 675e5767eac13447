// Small pieces of the HTTP side: content negotiation, query strings, HTML
// escaping and UTF-8, the Prometheus renderer.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/label_payload.h"
#include "server/http/html.h"
#include "server/http/label_verifier.h"
#include "server/http/metrics.h"
#include "server/http/negotiation.h"
#include "server/http/query.h"

namespace ocoptrace::http {
namespace {

using ::testing::HasSubstr;

TEST(NegotiationTest, ParsesWeightedLists) {
  std::vector<WeightedToken> list = ParseWeightedList(
      "Text/HTML;level=1;q=0.5, ,application/json ;q=1.0,x;q=2");
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(list[0].token, "text/html");
  EXPECT_EQ(list[0].q, 500);
  EXPECT_EQ(list[1].token, "application/json");
  EXPECT_EQ(list[1].q, 1000);
  EXPECT_EQ(list[2].q, 0);  // q=2 is malformed: not acceptable.
}

TEST(NegotiationTest, PreferredMediaType) {
  const std::vector<std::string_view> offers = {"text/html",
                                                "application/json"};
  EXPECT_EQ(PreferredMediaType("", offers), 0);
  EXPECT_EQ(PreferredMediaType("*/*", offers), 0);
  EXPECT_EQ(PreferredMediaType("application/json", offers), 1);
  EXPECT_EQ(PreferredMediaType("application/*", offers), 1);
  EXPECT_EQ(PreferredMediaType("text/html;q=0.5, application/json", offers), 1);
  EXPECT_EQ(PreferredMediaType("application/json;q=0, */*", offers), 0);
  EXPECT_EQ(PreferredMediaType("image/png", offers), -1);
  EXPECT_EQ(
      PreferredMediaType(
          "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
          offers),
      0);
}

TEST(NegotiationTest, PreferredLanguage) {
  const std::vector<std::string_view> offers = {"vi", "en"};
  EXPECT_EQ(PreferredLanguage("", offers), -1);
  EXPECT_EQ(PreferredLanguage("en-GB", offers), 1);
  EXPECT_EQ(PreferredLanguage("EN-us;q=0.3, vi;q=0.2", offers), 1);
  EXPECT_EQ(PreferredLanguage("en;q=0.3, en-US;q=0.9, vi;q=0.5", offers), 0);
  EXPECT_EQ(PreferredLanguage("*", offers), 0);
  EXPECT_EQ(PreferredLanguage("de", offers), -1);
}

TEST(QueryTest, ParsesAndDecodes) {
  QueryParams params = ParseQuery("a=1&b=x+y%21&&c&d=%zz&e=%C3%B4");
  ASSERT_EQ(params.size(), 5u);
  EXPECT_EQ(*FindParam(params, "b"), "x y!");
  EXPECT_EQ(*FindParam(params, "c"), "");
  EXPECT_EQ(*FindParam(params, "d"), "%zz");
  EXPECT_EQ(*FindParam(params, "e"), "ô");
  EXPECT_EQ(FindParam(params, "z"), nullptr);
  EXPECT_EQ(ParseQuery(std::string(100000, '&') + "a=1").size(), 1u);
  std::string many;
  for (int i = 0; i < 1000; ++i) many += "x=1&";
  EXPECT_EQ(ParseQuery(many, 64).size(), 64u);
  EXPECT_EQ(PercentDecode("a+b%2", false), "a+b%2");
  EXPECT_EQ(EncodeQueryComponent("Lô 1/2"), "L%C3%B4%201%2F2");
  EXPECT_EQ(JoinQuery("", "b=1"), "b=1");
  EXPECT_EQ(JoinQuery("a=1", "b=1"), "a=1&b=1");
}

TEST(HtmlTest, EscapesAndRepairsUtf8) {
  EXPECT_EQ(HtmlEscape("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  EXPECT_EQ(HtmlEscape("Bắc Kạn ★"), "Bắc Kạn ★");
  EXPECT_EQ(HtmlEscape("a\xFF"
                       "b"),
            "a\xEF\xBF\xBD"
            "b");
  EXPECT_EQ(HtmlEscape("\xC0\xAF"), "\xEF\xBF\xBD\xEF\xBF\xBD");  // Overlong.
  EXPECT_EQ(HtmlEscape("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_TRUE(IsValidUtf8("Trà hoa vàng"));
  EXPECT_FALSE(IsValidUtf8("\xE2\x98"));
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));  // Above U+10FFFF.
  EXPECT_EQ(SanitizeUtf8("ok\xE2\x98"), "ok\xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST(HtmlTest, MessagePagesAreBilingual) {
  Response r = RenderMessagePage(
      {400, Msg::kBadLinkTitle, Msg::kBadLinkText, "AI (01) <bad>"}, Lang::kEn);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.content_type, "text/html; charset=utf-8");
  EXPECT_THAT(r.body, HasSubstr("<h1>Invalid code</h1>"));
  EXPECT_THAT(r.body, HasSubstr("Mã không hợp lệ"));
  EXPECT_THAT(r.body, HasSubstr("AI (01) &lt;bad&gt;"));
  EXPECT_LT(r.body.find("Invalid code"), r.body.find("Mã không hợp lệ"));
}

TEST(MetricsTest, PrometheusText) {
  MetricsSnapshot s;
  s.http_requests = 12;
  s.http_responses_3xx = 5;
  s.ledger_entries = 700;
  s.ledger_healthy = false;
  s.pages_genuine = 3;
  s.scans_dropped = 2;
  const std::string text = RenderPrometheus(s);
  EXPECT_THAT(text, HasSubstr("# TYPE ocoptrace_http_requests_total counter\n"
                              "ocoptrace_http_requests_total 12\n"));
  EXPECT_THAT(text,
              HasSubstr("ocoptrace_http_responses_total{class=\"3xx\"} 5\n"));
  EXPECT_THAT(text, HasSubstr("# TYPE ocoptrace_ledger_entries gauge\n"
                              "ocoptrace_ledger_entries 700\n"));
  EXPECT_THAT(text, HasSubstr("ocoptrace_ledger_healthy 0\n"));
  EXPECT_THAT(text,
              HasSubstr("ocoptrace_pages_total{verdict=\"genuine\"} 3\n"));
  EXPECT_THAT(text, HasSubstr("ocoptrace_scans_dropped_total 2\n"));
  // Every sample line belongs to a declared family.
  size_t helps = 0, types = 0;
  for (size_t at = text.find("# HELP"); at != std::string::npos;
       at = text.find("# HELP", at + 1)) {
    ++helps;
  }
  for (size_t at = text.find("# TYPE"); at != std::string::npos;
       at = text.find("# TYPE", at + 1)) {
    ++types;
  }
  EXPECT_EQ(helps, types);
  EXPECT_EQ(text.back(), '\n');
}

TEST(LabelVerifierTest, VerifiesAndCachesPerExactInput) {
  const Ed25519PrivateKey old_key =
      *Ed25519PrivateKey::FromSeed(std::string(32, '\x01'));
  const Ed25519PrivateKey new_key =
      *Ed25519PrivateKey::FromSeed(std::string(32, '\x02'));
  const std::string gtin = "08934563123451";
  const std::string signature =
      new_key.Sign(LabelSigningInput(gtin, "L1", "7K3M9QX2TA"));
  LabelSignatureVerifier verifier(64);
  EXPECT_EQ(verifier.Verify(gtin, "L1", "7K3M9QX2TA", signature), -1);
  verifier.SetKeys({old_key.public_key(), new_key.public_key()});
  EXPECT_EQ(verifier.Verify(gtin, "L1", "7K3M9QX2TA", signature), 1);
  EXPECT_EQ(verifier.Verify(gtin, "L1", "7K3M9QX2TA", signature), 1);
  EXPECT_EQ(verifier.stats().hits, 1u);
  // Any other byte is another question.
  EXPECT_EQ(verifier.Verify(gtin, "L1", "7K3M9QX2TB", signature), -1);
  EXPECT_EQ(verifier.Verify(gtin, "L", "17K3M9QX2TA", signature), -1);
  std::string flipped = signature;
  flipped[10] ^= 1;
  EXPECT_EQ(verifier.Verify(gtin, "L1", "7K3M9QX2TA", flipped), -1);
  EXPECT_EQ(verifier.Verify(gtin, "L1", "7K3M9QX2TA", "short"), -1);
  // Revoking the key clears what was learned under it.
  verifier.SetKeys({old_key.public_key()});
  EXPECT_EQ(verifier.Verify(gtin, "L1", "7K3M9QX2TA", signature), -1);
  EXPECT_EQ(verifier.stats().verifications, 7u);
  // Bounded (64 answers here): after many distinct labels the first answer
  // has been evicted and is verified again.
  verifier.Verify(gtin, "L1", "7K3M9QX2TA", "first");
  for (int i = 0; i < 1000; ++i) {
    verifier.Verify(gtin, "L1", "7K3M9QX2TA", std::to_string(i));
  }
  verifier.Verify(gtin, "L1", "7K3M9QX2TA", "first");
  EXPECT_EQ(verifier.stats().verifications, 7u + 1002u);
}

}  // namespace
}  // namespace ocoptrace::http
