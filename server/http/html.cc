#include "server/http/html.h"

#include <cstdint>

#include "absl/strings/str_cat.h"

namespace ocoptrace::http {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// Length of the well-formed UTF-8 sequence at the start of `s`, or 0 when
// it is ill-formed (RFC 3629 table: no overlongs, no surrogates).
size_t Utf8SequenceLength(std::string_view s) {
  const auto b = [&](size_t i) { return static_cast<uint8_t>(s[i]); };
  const uint8_t c = b(0);
  if (c < 0x80) return 1;
  size_t n;
  uint8_t lo = 0x80;
  uint8_t hi = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (s.size() < n) return 0;
  if (b(1) < lo || b(1) > hi) return 0;
  for (size_t i = 2; i < n; ++i) {
    if (b(i) < 0x80 || b(i) > 0xBF) return 0;
  }
  return n;
}

constexpr std::string_view kStyle =
    ":root{color-scheme:light}"
    "body{margin:0;background:#f3f4f1;color:#1d1f1c;"
    "font:16px/1.45 system-ui,-apple-system,\"Segoe UI\",Roboto,"
    "\"Noto Sans\",Arial,sans-serif}"
    "main{max-width:40rem;margin:0 auto;padding:0 0 2rem}"
    "header.v{padding:1.1rem 1rem;color:#fff}"
    "header.v h1{margin:0;font-size:1.75rem;line-height:1.2}"
    "header.v p{margin:.4rem 0 0}"
    "header.v ul{margin:.4rem 0 0;padding-left:1.2rem}"
    ".ok{background:#1b7a3a}.warn{background:#a85b00}.bad{background:#b3261e}"
    ".info{background:#285a8c}"
    "section{background:#fff;margin:.75rem .5rem;padding:.9rem 1rem;"
    "border-radius:.6rem;box-shadow:0 1px 2px #0002}"
    "h2{font-size:1.15rem;margin:0 0 .5rem}"
    "dl{margin:0;display:grid;grid-template-columns:auto 1fr;gap:.2rem .8rem}"
    "dt{color:#5b5f58}dd{margin:0;overflow-wrap:anywhere}"
    ".pn{font-size:1.35rem;font-weight:700;margin:.2rem 0}"
    ".stars{color:#c98a00;font-size:1.6rem;letter-spacing:.1rem}"
    "img.p{width:100%;max-height:14rem;object-fit:cover;border-radius:.4rem}"
    "ol.tl{list-style:none;margin:0;padding:0;border-left:3px solid #cfd6cb}"
    "ol.tl li{position:relative;margin:0 0 .8rem;padding-left:1rem}"
    "ol.tl li:before{content:\"\";position:absolute;left:-.5rem;top:.35rem;"
    "width:.7rem;height:.7rem;border-radius:50%;background:#1b7a3a}"
    ".st{font-weight:600}.when,.where{color:#5b5f58;font-size:.9rem}"
    ".vf{color:#1b7a3a;font-size:.85rem}.nv{color:#a85b00;font-size:.85rem}"
    ".cert-ok{color:#1b7a3a}.cert-bad{color:#b3261e}"
    "form{display:grid;gap:.5rem}"
    "input,textarea,button{font:inherit;padding:.55rem;border:1px solid "
    "#9aa096;"
    "border-radius:.4rem}"
    "button{background:#285a8c;color:#fff;border:0;font-weight:600}"
    "details summary{cursor:pointer;font-weight:600}"
    "footer{margin:1rem;color:#5b5f58;font-size:.85rem}"
    "a{color:#1f5fa8}code{overflow-wrap:anywhere}";

}  // namespace

void AppendHtmlEscaped(std::string& out, std::string_view text) {
  // Copies runs of ordinary bytes in one append; stops only at the five
  // special characters and at non-ASCII bytes (checked as UTF-8).
  const size_t n = text.size();
  size_t run = 0;  // Start of the pending run of bytes to copy verbatim.
  size_t i = 0;
  while (i < n) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      const size_t length = Utf8SequenceLength(text.substr(i));
      if (length > 0) {
        i += length;
        continue;
      }
      out.append(text.data() + run, i - run);
      out += kReplacement;
      run = ++i;
      continue;
    }
    std::string_view replacement;
    switch (c) {
      case '&':
        replacement = "&amp;";
        break;
      case '<':
        replacement = "&lt;";
        break;
      case '>':
        replacement = "&gt;";
        break;
      case '"':
        replacement = "&quot;";
        break;
      case '\'':
        replacement = "&#39;";
        break;
      default:
        ++i;
        continue;
    }
    out.append(text.data() + run, i - run);
    out += replacement;
    run = ++i;
  }
  out.append(text.data() + run, n - run);
}

std::string HtmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 16);
  AppendHtmlEscaped(out, text);
  return out;
}

bool IsValidUtf8(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    size_t n = Utf8SequenceLength(text.substr(i));
    if (n == 0) return false;
    i += n;
  }
  return true;
}

std::string SanitizeUtf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    size_t n = Utf8SequenceLength(text.substr(i));
    if (n == 0) {
      out += kReplacement;
      ++i;
    } else {
      out.append(text.data() + i, n);
      i += n;
    }
  }
  return out;
}

std::string_view PageStyle() { return kStyle; }

void AppendPageHead(std::string& out, Lang lang, std::string_view title) {
  out += "<!doctype html><html lang=\"";
  out += LangCode(lang);
  out +=
      "\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" "
      "content=\"width=device-width,initial-scale=1\"><title>";
  AppendHtmlEscaped(out, title);
  out += "</title><style>";
  out += kStyle;
  out += "</style></head><body><main>";
}

void AppendPageFoot(std::string& out) { out += "</main></body></html>"; }

Response RenderMessagePage(const MessagePage& page, Lang lang) {
  Response response;
  response.status = page.status;
  response.content_type = "text/html; charset=utf-8";
  response.AddHeader("Cache-Control", "no-store");
  std::string& out = response.body;
  out.reserve(5000);
  std::string title(T(page.title, lang));
  title += " · ";
  title += T(Msg::kSiteName, lang);
  AppendPageHead(out, lang, title);
  const char* banner = page.status >= 500 ? "warn" : "bad";
  out += "<header class=\"v ";
  out += banner;
  out += "\"><h1>";
  AppendHtmlEscaped(out, T(page.title, lang));
  out += "</h1><p>";
  AppendHtmlEscaped(out, T(page.explanation, lang));
  out += "</p></header>";
  // The other language underneath, so a tourist or a shopper can read it.
  const Lang other = OtherLang(lang);
  out += "<section lang=\"";
  out += LangCode(other);
  out += "\"><h2>";
  AppendHtmlEscaped(out, T(page.title, other));
  out += "</h2><p>";
  AppendHtmlEscaped(out, T(page.explanation, other));
  out += "</p></section>";
  if (!page.detail.empty()) {
    out += "<section><h2>";
    AppendHtmlEscaped(out, T(Msg::kTechnicalDetail, lang));
    out += "</h2><p><code>";
    AppendHtmlEscaped(out, page.detail);
    out += "</code></p></section>";
  }
  out += "<footer>";
  AppendHtmlEscaped(out, T(Msg::kSiteName, lang));
  out += " · HTTP ";
  out += std::to_string(page.status);
  out += "</footer>";
  AppendPageFoot(out);
  return response;
}

}  // namespace ocoptrace::http
