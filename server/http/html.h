// HTML output for server-rendered pages: escaping of every string that did
// not come from this program (product and producer names, notes, places,
// parser messages), and the small bilingual message pages the HTTP side
// answers with for errors (400, 404, 405, 413...) so that a consumer never
// sees a bare status code.
//
// Thread-safety: all functions are pure and thread-safe.

#ifndef OCOPTRACE_SERVER_HTTP_HTML_H_
#define OCOPTRACE_SERVER_HTTP_HTML_H_

#include <string>
#include <string_view>

#include "server/http/http_server.h"
#include "server/http/i18n.h"

namespace ocoptrace::http {

// Appends `text` to `out` with the five HTML-significant characters
// replaced: & < > " ' become &amp; &lt; &gt; &quot; &#39;. The result is
// safe both as element content and inside a double- or single-quoted
// attribute value. Bytes that are not valid UTF-8 are replaced by U+FFFD,
// so the page stays valid UTF-8 whatever the input.
void AppendHtmlEscaped(std::string& out, std::string_view text);

// AppendHtmlEscaped into a new string.
std::string HtmlEscape(std::string_view text);

// True when `text` is well-formed UTF-8 (no overlong forms, no surrogates,
// nothing above U+10FFFF).
bool IsValidUtf8(std::string_view text);

// `text` with every ill-formed UTF-8 sequence replaced by U+FFFD.
std::string SanitizeUtf8(std::string_view text);

// The inline style sheet shared by all pages (well under 4 KB): system
// fonts, a single column readable at 360 px, large verdict banners.
std::string_view PageStyle();

// Appends the document head: doctype, <html lang>, charset, viewport, the
// escaped <title>, the style sheet, then opens <body><main>.
void AppendPageHead(std::string& out, Lang lang, std::string_view title);
// Closes what AppendPageHead opened.
void AppendPageFoot(std::string& out);

// A short page that explains an error to a person, in both languages
// (`lang` first), with an optional technical detail shown verbatim but
// escaped (e.g. the Digital Link parser's message).
struct MessagePage {
  int status = 404;
  Msg title = Msg::kNotFoundTitle;
  Msg explanation = Msg::kNotFoundText;
  std::string detail;  // Plain text, not HTML; "" for none.
};

// The response for `page`: its status, text/html, `Cache-Control:
// no-store`, the rendered body.
Response RenderMessagePage(const MessagePage& page, Lang lang);

}  // namespace ocoptrace::http

#endif  // OCOPTRACE_SERVER_HTTP_HTML_H_
