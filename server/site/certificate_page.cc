#include "server/site/certificate_page.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "core/digital_link.h"
#include "server/http/html.h"
#include "server/http/i18n.h"
#include "server/http/query.h"
#include "server/http/scan_page.h"

namespace ocoptrace::site {
namespace {

using http::Lang;

constexpr size_t kMaxNumberBytes = 256;

// The page's own texts (the shared ones come from http::T).
enum class Text {
  kTitle,
  kActive,
  kExpired,
  kRevoked,
  kNotYetValid,
  kSuperseded,
  kActiveText,
  kInactiveText,
  kNumber,
  kDecision,
  kIssuer,
  kStars,
  kScore,
  kValidity,
  kValidityRange,
  kProducer,
  kProducts,
  kRevocation,
  kReason,
  kReplacedBy,
  kLogEntry,
  kDistrict,
  kProvincial,
  kCentral,
  kDemo,
};

struct Translation {
  std::string_view vi;
  std::string_view en;
};

constexpr Translation kTexts[] = {
    {"Giấy chứng nhận OCOP", "OCOP certificate"},
    {"Chứng nhận còn hiệu lực", "Certificate in force"},
    {"Chứng nhận đã hết hạn", "Certificate expired"},
    {"Chứng nhận đã bị thu hồi", "Certificate revoked"},
    {"Chứng nhận chưa có hiệu lực", "Certificate not yet in force"},
    {"Chứng nhận đã được thay thế", "Certificate replaced by a renewal"},
    {"Các sản phẩm dưới đây được mang sao OCOP hôm nay.",
     "The products below may carry OCOP stars today."},
    {"Hôm nay các sản phẩm không được mang sao OCOP theo chứng nhận này.",
     "Today the products may not carry OCOP stars under this certificate."},
    {"Số chứng nhận", "Certificate number"},
    {"Quyết định công nhận", "Recognition decision"},
    {"Cơ quan công nhận", "Recognised by"},
    {"Hạng", "Rating"},
    {"Điểm đánh giá", "Score"},
    {"Hiệu lực", "Validity"},
    {"đến", "to"},
    {"Chủ thể OCOP", "Producer"},
    {"Sản phẩm được công nhận", "Products covered"},
    {"Thu hồi", "Revocation"},
    {"lý do", "reason"},
    {"Được thay thế bởi", "Replaced by"},
    {"Bản ghi trong sổ cái", "Log entry"},
    {"cấp huyện", "district level"},
    {"cấp tỉnh", "provincial level"},
    {"cấp trung ương", "national level"},
    {"Dữ liệu minh họa", "Demo data"},
};

std::string Tr(Text text, Lang lang) {
  const Translation& t = kTexts[static_cast<size_t>(text)];
  return std::string(lang == Lang::kEn ? t.en : t.vi);
}

// A shared text of the pages (http::T), as a std::string for absl.
std::string Shared(http::Msg msg, Lang lang) {
  return std::string(http::T(msg, lang));
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// Strict percent-decoding of a path segment.
absl::StatusOr<std::string> DecodeNumber(std::string_view encoded) {
  std::string out;
  for (size_t i = 0; i < encoded.size(); ++i) {
    if (encoded[i] != '%') {
      if (encoded[i] == '/') {
        return absl::InvalidArgumentError(
            "certificate number: a '/' in the number must be written %2F");
      }
      out.push_back(encoded[i]);
      continue;
    }
    const bool complete = i + 2 < encoded.size();
    const int high = complete ? HexValue(encoded[i + 1]) : -1;
    const int low = complete ? HexValue(encoded[i + 2]) : -1;
    if (high < 0 || low < 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          "certificate number: '%' at position ", i,
          " is not followed by two hex digits; percent-encode the number"));
    }
    out.push_back(static_cast<char>(high * 16 + low));
    i += 2;
  }
  if (out.empty()) {
    return absl::InvalidArgumentError(
        "certificate number: empty; the path is /cert/<number>");
  }
  if (out.size() > kMaxNumberBytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "certificate number: longer than ", kMaxNumberBytes, " bytes"));
  }
  return out;
}

std::string LevelText(v1::IssuerLevel level, Lang lang) {
  switch (level) {
    case v1::ISSUER_LEVEL_DISTRICT:
      return Tr(Text::kDistrict, lang);
    case v1::ISSUER_LEVEL_PROVINCIAL:
      return Tr(Text::kProvincial, lang);
    case v1::ISSUER_LEVEL_CENTRAL:
      return Tr(Text::kCentral, lang);
    default:
      return "";
  }
}

struct Banner {
  std::string_view css;
  Text title;
  std::string_view status_name;
};

Banner BannerOf(v1::CertificateStatus status) {
  switch (status) {
    case v1::CERTIFICATE_STATUS_ACTIVE:
      return {"ok", Text::kActive, "active"};
    case v1::CERTIFICATE_STATUS_EXPIRED:
      return {"bad", Text::kExpired, "expired"};
    case v1::CERTIFICATE_STATUS_REVOKED:
      return {"bad", Text::kRevoked, "revoked"};
    case v1::CERTIFICATE_STATUS_SUPERSEDED:
      return {"info", Text::kSuperseded, "superseded"};
    default:
      return {"info", Text::kNotYetValid, "not_yet_valid"};
  }
}

void Row(std::string& out, std::string_view label, std::string_view value) {
  if (value.empty()) return;
  out += "<dt>";
  http::AppendHtmlEscaped(out, label);
  out += "</dt><dd>";
  http::AppendHtmlEscaped(out, value);
  out += "</dd>";
}

std::string ScoreText(double score) {
  std::string text = absl::StrCat(score);
  return text + "/100";
}

http::Response ErrorPage(int status, http::Msg title, http::Msg text,
                         std::string detail, Lang lang) {
  return http::RenderMessagePage({status, title, text, std::move(detail)},
                                 lang);
}

}  // namespace

http::Response CertificatePage::Render(const http::Request& request) const {
  const http::QueryParams params = http::ParseQuery(request.query, 8);
  const std::string* lang_param = http::FindParam(params, "lang");
  const Lang lang = http::ChooseLanguage(lang_param ? *lang_param : "",
                                         request.Header("accept-language"));
  std::string_view encoded = request.path;
  encoded.remove_prefix(std::min(encoded.size(), kCertificatePrefix.size()));
  absl::StatusOr<std::string> number = DecodeNumber(encoded);
  if (!number.ok()) {
    return ErrorPage(400, http::Msg::kBadRequestTitle,
                     http::Msg::kBadRequestText,
                     std::string(number.status().message()), lang);
  }
  v1::GetCertificateRequest get;
  get.set_number(*number);
  absl::StatusOr<v1::Certificate> certificate =
      service_->GetCertificate(SiteReader(), get);
  if (absl::IsNotFound(certificate.status()) ||
      absl::IsInvalidArgument(certificate.status())) {
    return ErrorPage(404, http::Msg::kNotFoundTitle, http::Msg::kNotFoundText,
                     absl::StrCat("no OCOP certificate numbered ", *number),
                     lang);
  }
  if (!certificate.ok()) {
    return ErrorPage(503, http::Msg::kUnavailableTitle,
                     http::Msg::kUnavailableText, "", lang);
  }
  const v1::CertificateRecord& record = certificate->record();
  const http::CertificateView view = CertificateViewOf(*certificate);
  const absl::CivilDay today = catalog_->Today();
  const Banner banner = BannerOf(certificate->status());
  const bool active = certificate->status() == v1::CERTIFICATE_STATUS_ACTIVE;

  http::Response response;
  response.content_type = "text/html; charset=utf-8";
  response.AddHeader("Cache-Control", "no-store");
  response.AddHeader("Vary", "Accept-Language");
  response.AddHeader("Content-Language", std::string(http::LangCode(lang)));
  response.AddHeader("X-Content-Type-Options", "nosniff");
  response.AddHeader("Content-Security-Policy",
                     "default-src 'none'; img-src * data:; "
                     "style-src 'unsafe-inline'");
  std::string& out = response.body;
  http::AppendPageHead(out, lang,
                       absl::StrCat(Tr(Text::kTitle, lang), " ", *number));
  absl::StrAppend(&out, "<header class=\"v ", std::string(banner.css),
                  "\" id=\"verdict\" data-status=\"",
                  std::string(banner.status_name), "\"><h1>");
  http::AppendHtmlEscaped(out, Tr(banner.title, lang));
  out += "</h1><p>";
  http::AppendHtmlEscaped(
      out, Tr(active ? Text::kActiveText : Text::kInactiveText, lang));
  out += "</p></header><section id=\"certificate\"><h2>";
  http::AppendHtmlEscaped(out, Tr(Text::kTitle, lang));
  out += "</h2>";
  if (active) {
    absl::StrAppend(&out, "<p class=\"stars\" id=\"stars\">",
                    http::StarsText(view.stars), " <small>OCOP</small></p>");
  }
  out += "<dl>";
  Row(out, Tr(Text::kNumber, lang), record.number());
  Row(out, Tr(Text::kStars, lang),
      absl::StrCat(view.stars, " ", Shared(http::Msg::kStars, lang)));
  std::string decision = record.decision_number();
  if (!record.decision_date().iso_date().empty()) {
    absl::StrAppend(&decision, " (", record.decision_date().iso_date(), ")");
  }
  Row(out, Tr(Text::kDecision, lang), decision);
  std::string issuer = record.issuer();
  if (std::string level = LevelText(record.issuer_level(), lang);
      !level.empty()) {
    absl::StrAppend(&issuer, ", ", level);
  }
  Row(out, Tr(Text::kIssuer, lang), issuer);
  if (record.score() > 0) {
    Row(out, Tr(Text::kScore, lang), ScoreText(record.score()));
  }
  Row(out, Tr(Text::kValidity, lang),
      absl::StrCat(http::FormatDay(view.valid_from, lang), " ",
                   Tr(Text::kValidityRange, lang), " ",
                   http::FormatDay(view.valid_until, lang)));
  // The status in the words of the scan page.
  std::string status_line;
  switch (http::StatusOn(view, today)) {
    case http::CertificateStatus::kActive:
      status_line = absl::StrCat(Shared(http::Msg::kValidUntil, lang), " ",
                                 http::FormatDay(view.valid_until, lang));
      break;
    case http::CertificateStatus::kNotYetValid:
      status_line = absl::StrCat(Shared(http::Msg::kValidFrom, lang), " ",
                                 http::FormatDay(view.valid_from, lang));
      break;
    case http::CertificateStatus::kExpired:
      status_line = absl::StrCat(Shared(http::Msg::kExpiredOn, lang), " ",
                                 http::FormatDay(view.valid_until + 1, lang));
      break;
    case http::CertificateStatus::kRevoked:
      status_line = absl::StrCat(Shared(http::Msg::kRevokedOn, lang), " ",
                                 http::FormatDay(view.revoked_on, lang));
      break;
  }
  out += "<dt></dt><dd class=\"";
  out += active ? "cert-ok" : "cert-bad";
  out += "\" id=\"status\">";
  http::AppendHtmlEscaped(out, status_line);
  out += "</dd>";
  if (certificate->has_revocation()) {
    const v1::CertificateRevocation& revocation = certificate->revocation();
    std::string text = absl::StrCat(Shared(http::Msg::kDecision, lang), " ",
                                    revocation.decision_number());
    if (!revocation.reason().empty()) {
      absl::StrAppend(&text, "; ", Tr(Text::kReason, lang), ": ",
                      revocation.reason());
    }
    Row(out, Tr(Text::kRevocation, lang), text);
  }
  absl::StatusOr<std::shared_ptr<const ProductFacts>> owner_product =
      record.products().empty() ? nullptr
                                : catalog_->Product(record.products(0));
  if (owner_product.ok() && *owner_product != nullptr) {
    Row(out, Tr(Text::kProducer, lang), (*owner_product)->producer_name);
  }
  if (record.demo()) Row(out, "", Tr(Text::kDemo, lang));
  out += "</dl>";
  if (!certificate->superseded_by().empty()) {
    out += "<p>";
    http::AppendHtmlEscaped(out, Tr(Text::kReplacedBy, lang));
    out += ": <a href=\"";
    http::AppendHtmlEscaped(
        out, absl::StrCat(std::string(kCertificatePrefix),
                          PercentEncodeDlValue(certificate->superseded_by())));
    out += "\">";
    http::AppendHtmlEscaped(out, certificate->superseded_by());
    out += "</a></p>";
  }
  out += "</section><section id=\"products\"><h2>";
  http::AppendHtmlEscaped(out, Tr(Text::kProducts, lang));
  out += "</h2><ul>";
  for (const std::string& gtin : record.products()) {
    absl::StatusOr<std::shared_ptr<const ProductFacts>> product =
        catalog_->Product(gtin);
    out += "<li><a href=\"/01/";
    http::AppendHtmlEscaped(out, gtin);
    out += "\">";
    if (product.ok() && *product != nullptr) {
      http::AppendHtmlEscaped(out, (*product)->name);
      out += "</a> <small>GTIN ";
      http::AppendHtmlEscaped(out, gtin);
      out += "</small>";
    } else {
      out += "GTIN ";
      http::AppendHtmlEscaped(out, gtin);
      out += "</a>";
    }
    out += "</li>";
  }
  out += "</ul></section><footer><a href=\"";
  http::AppendHtmlEscaped(out, request.path);
  absl::StrAppend(&out,
                  "?lang=", std::string(http::LangCode(http::OtherLang(lang))),
                  "\">");
  http::AppendHtmlEscaped(out, Shared(http::Msg::kSwitchLanguage, lang));
  absl::StrAppend(&out, "</a> · <a href=\"/entries/",
                  certificate->issued_at_index(), "\" rel=\"nofollow\">");
  http::AppendHtmlEscaped(out, Tr(Text::kLogEntry, lang));
  absl::StrAppend(&out, " #", certificate->issued_at_index(), "</a></footer>");
  http::AppendPageFoot(out);
  return response;
}

}  // namespace ocoptrace::site
