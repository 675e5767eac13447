#include "server/http/page_handler.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "core/digital_link.h"
#include "core/label_payload.h"
#include "server/http/html.h"
#include "server/http/i18n.h"
#include "server/http/negotiation.h"
#include "server/http/query.h"

namespace ocoptrace::http {
namespace {

constexpr size_t kMaxReportField = 1000;

// The identifier a page, PIN or report path names.
struct Target {
  PageRequest request;
  std::string shown_path;  // Digital Link path as requested: "/01/...".
  std::string full_path;   // Including a lot/serial restored by a walk-up.
};

Response Page(int status, Msg title, Msg text, std::string detail, Lang lang) {
  return RenderMessagePage({status, title, text, std::move(detail)}, lang);
}

void AddPageHeaders(Response& response, Lang lang) {
  response.AddHeader("Cache-Control", "no-store");
  response.AddHeader("Vary", "Accept, Accept-Language");
  response.AddHeader("Content-Language", std::string(LangCode(lang)));
  response.AddHeader("X-Content-Type-Options", "nosniff");
  response.AddHeader("Referrer-Policy", "no-referrer");
  response.AddHeader("Content-Security-Policy",
                     "default-src 'none'; img-src * data:; "
                     "style-src 'unsafe-inline'; form-action 'self'");
}

// Parses `path` (after the route prefix) and the query into a Target.
// InvalidArgument (-> 400) for a malformed Digital Link; NotFound (-> 404)
// for a key other than a GTIN.
absl::StatusOr<Target> ParseTarget(std::string_view path,
                                   std::string_view query,
                                   const QueryParams& params) {
  if (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  absl::StatusOr<DigitalLink> link = ParseDigitalLinkPath(path, query);
  if (!link.ok()) return link.status();
  if (link->path.front().ai != "01") {
    return absl::NotFoundError(absl::StrCat(
        "pages exist for GTINs (AI 01) only, not AI ", link->path.front().ai));
  }
  Target target;
  DigitalLink shown;
  shown.path = link->path;
  target.shown_path = FormatDigitalLink(shown);
  target.request.gtin14 = link->gtin();
  target.request.lot = link->lot();
  target.request.serial = link->serial();
  // A walk-up from the resolver: restore what was scanned.
  const std::string* unknown_lot = FindParam(params, "unknown_lot");
  const std::string* unknown_serial = FindParam(params, "unknown_serial");
  if (target.request.lot.empty() && unknown_lot != nullptr) {
    target.request.lot = *unknown_lot;
  }
  if (target.request.serial.empty() && unknown_serial != nullptr &&
      !target.request.lot.empty()) {
    target.request.serial = *unknown_serial;
  }
  DigitalLink full;
  full.path.push_back({"01", target.request.gtin14});
  if (!target.request.lot.empty()) {
    full.path.push_back({"10", target.request.lot});
  }
  if (!target.request.serial.empty()) {
    full.path.push_back({"21", target.request.serial});
  }
  absl::Status valid = ValidateDigitalLink(full);
  if (!valid.ok()) return valid;
  target.full_path = FormatDigitalLink(full);
  if (const std::string* s = link->FindParam("s")) {
    target.request.signature_present = true;
    absl::StatusOr<std::string> signature = DecodeLabelSignature(*s);
    if (signature.ok()) target.request.signature = *std::move(signature);
  }
  return target;
}

Response TargetError(const absl::Status& status, Lang lang) {
  if (absl::IsNotFound(status)) {
    return Page(404, Msg::kNotFoundTitle, Msg::kNotFoundText,
                std::string(status.message()), lang);
  }
  return Page(400, Msg::kBadLinkTitle, Msg::kBadLinkText,
              std::string(status.message()), lang);
}

// A short outcome page for the forms: a banner and a link back.
Response OutcomePage(int status, std::string_view css, std::string title,
                     std::string text, Lang lang, const std::string& back) {
  Response response;
  response.status = status;
  response.content_type = "text/html; charset=utf-8";
  AddPageHeaders(response, lang);
  std::string& out = response.body;
  AppendPageHead(out, lang, title);
  out += "<header class=\"v ";
  out += css;
  out += "\" id=\"verdict\"><h1>";
  AppendHtmlEscaped(out, title);
  out += "</h1>";
  if (!text.empty()) {
    out += "<p>";
    AppendHtmlEscaped(out, text);
    out += "</p>";
  }
  out += "</header><footer><a href=\"";
  AppendHtmlEscaped(out, back);
  out += "\">";
  AppendHtmlEscaped(out, T(Msg::kBackToLabel, lang));
  out += "</a></footer>";
  AppendPageFoot(out);
  return response;
}

bool IsPin(std::string_view pin) {
  if (pin.size() < 8 || pin.size() > 10) return false;
  for (char c : pin) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

}  // namespace

PageHandler::PageHandler(const PageData* data, ScanRecorder* scans,
                         PinChecker* pins, SuspectReportSink* reports,
                         Clock* clock, PageHandlerOptions options)
    : data_(data),
      scans_(scans),
      pins_(pins),
      reports_(reports),
      clock_(clock),
      options_(std::move(options)) {}

void PageHandler::HandlePage(const Request& request,
                             const Respond& respond) const {
  const QueryParams params = ParseQuery(request.query, 16);
  const std::string* lang_param = FindParam(params, "lang");
  const Lang lang = ChooseLanguage(lang_param ? *lang_param : "",
                                   request.Header("accept-language"));
  std::string_view path = request.path;
  path.remove_prefix(std::min(path.size(), options_.page_prefix.size()));
  absl::StatusOr<Target> target = ParseTarget(path, request.query, params);
  if (!target.ok()) return respond(TargetError(target.status(), lang));

  absl::StatusOr<ScanPageModel> model = data_->Build(target->request);
  if (absl::IsNotFound(model.status())) {
    return respond(Page(404, Msg::kUnknownProductTitle,
                        Msg::kUnknownProductText,
                        std::string(model.status().message()), lang));
  }
  if (!model.ok()) {
    return respond(
        Page(503, Msg::kUnavailableTitle, Msg::kUnavailableText, "", lang));
  }
  const absl::Time now = clock_->Now();
  model->today = DayInVietnam(now);
  if (model->kind == PageKind::kLabel) {
    model->scan_count = model->label.scan_count + 1;
    if (!model->first_scan) model->first_scan = now;
  }

  PageContext ctx;
  ctx.lang = lang;
  ctx.page_path = options_.page_prefix + target->shown_path;
  ctx.query = request.query;
  ctx.entries_base = options_.entries_base;
  ctx.policy = options_.policy;
  const std::string suffix =
      request.query.empty()
          ? target->full_path
          : absl::StrCat(target->full_path, "?", request.query);
  if (pins_ != nullptr && model->kind == PageKind::kLabel) {
    ctx.pin_path = options_.pin_prefix + suffix;
  }
  if (reports_ != nullptr) ctx.report_path = options_.report_prefix + suffix;

  const std::string* format = FindParam(params, "format");
  const bool json = (format != nullptr && *format == "json") ||
                    PreferredMediaType(request.Header("accept"),
                                       {"text/html", "application/json"}) == 1;
  Response response;
  if (json) {
    response.content_type = "application/json";
    response.body = RenderScanPageJson(*model, ctx);
    response.AddHeader("Access-Control-Allow-Origin", "*");
  } else {
    response.content_type = "text/html; charset=utf-8";
    response.body = RenderScanPageHtml(*model, ctx);
  }
  AddPageHeaders(response, lang);

  const Verdict verdict = PageVerdict(*model, options_.policy).verdict;
  pages_served_[static_cast<size_t>(verdict)].fetch_add(
      1, std::memory_order_relaxed);
  if (scans_ != nullptr && request.method == "GET") {
    ScanRecord record;
    record.time = now;
    record.gtin14 = target->request.gtin14;
    record.lot = target->request.lot;
    record.serial = target->request.serial;
    record.result = std::string(VerdictName(verdict));
    record.client_network = CoarseNetwork(request.remote_address);
    record.language = std::string(LangCode(lang));
    scans_->Record(std::move(record));
  }
  respond(std::move(response));
}

uint64_t PageHandler::pages_served(Verdict verdict) const {
  return pages_served_[static_cast<size_t>(verdict)].load(
      std::memory_order_relaxed);
}

void PageHandler::HandlePin(const Request& request,
                            const Respond& respond) const {
  const QueryParams form = ParseQuery(request.body, 8);
  const std::string* lang_field = FindParam(form, "lang");
  const Lang lang = ChooseLanguage(lang_field ? *lang_field : "",
                                   request.Header("accept-language"));
  if (pins_ == nullptr) {
    return respond(
        Page(404, Msg::kNotFoundTitle, Msg::kNotFoundText, "", lang));
  }
  std::string_view path = request.path;
  path.remove_prefix(std::min(path.size(), options_.pin_prefix.size()));
  absl::StatusOr<Target> target =
      ParseTarget(path, request.query, ParseQuery(request.query, 16));
  if (!target.ok()) return respond(TargetError(target.status(), lang));
  if (target->request.serial.empty()) {
    return respond(Page(400, Msg::kBadRequestTitle, Msg::kBadRequestText,
                        "a PIN belongs to a label: the path needs AI 21",
                        lang));
  }
  const std::string back =
      options_.page_prefix + target->full_path +
      (request.query.empty() ? "" : absl::StrCat("?", request.query));
  const std::string* pin = FindParam(form, "pin");
  if (pin == nullptr || !IsPin(*pin)) {
    return respond(OutcomePage(400, "bad", std::string(T(Msg::kPinWrong, lang)),
                               std::string(T(Msg::kPinHelp, lang)), lang,
                               back));
  }
  LabelId label{target->request.gtin14, target->request.lot,
                target->request.serial};
  pins_->CheckPin(
      label, *pin,
      [respond, lang, back](absl::StatusOr<PinCheckResult> result) {
        if (!result.ok()) {
          return respond(Page(503, Msg::kUnavailableTitle,
                              Msg::kUnavailableText, "", lang));
        }
        using Outcome = PinCheckResult::Outcome;
        switch (result->outcome) {
          case Outcome::kFirstCheck:
            return respond(OutcomePage(
                200, "ok", std::string(T(Msg::kPinFirstCheck, lang)), "", lang,
                back));
          case Outcome::kAlreadyChecked:
            return respond(OutcomePage(
                200, "warn",
                absl::StrCat(std::string(T(Msg::kPinAlreadyChecked, lang)), " ",
                             FormatTimeVn(result->first_checked, lang)),
                std::string(T(Msg::kPinAlreadyCheckedText, lang)), lang, back));
          case Outcome::kWrongPin:
          case Outcome::kUnknownLabel:
            return respond(OutcomePage(200, "bad",
                                       std::string(T(Msg::kPinWrong, lang)), "",
                                       lang, back));
          case Outcome::kLocked:
            return respond(OutcomePage(200, "bad",
                                       std::string(T(Msg::kPinLocked, lang)),
                                       "", lang, back));
          case Outcome::kNoPins:
            return respond(OutcomePage(200, "info",
                                       std::string(T(Msg::kPinNotUsed, lang)),
                                       "", lang, back));
        }
      });
}

void PageHandler::HandleReport(const Request& request,
                               const Respond& respond) const {
  const QueryParams form = ParseQuery(request.body, 8);
  const std::string* lang_field = FindParam(form, "lang");
  const Lang lang = ChooseLanguage(lang_field ? *lang_field : "",
                                   request.Header("accept-language"));
  if (reports_ == nullptr) {
    return respond(
        Page(404, Msg::kNotFoundTitle, Msg::kNotFoundText, "", lang));
  }
  std::string_view path = request.path;
  path.remove_prefix(std::min(path.size(), options_.report_prefix.size()));
  absl::StatusOr<Target> target =
      ParseTarget(path, request.query, ParseQuery(request.query, 16));
  if (!target.ok()) return respond(TargetError(target.status(), lang));

  SuspectReport report;
  report.label = {target->request.gtin14, target->request.lot,
                  target->request.serial};
  report.time = clock_->Now();
  report.client_network = CoarseNetwork(request.remote_address);
  for (auto [name, field] :
       {std::pair{"place", &report.place}, std::pair{"shop", &report.shop},
        std::pair{"note", &report.note}}) {
    const std::string* value = FindParam(form, name);
    if (value == nullptr) continue;
    if (value->size() > kMaxReportField) {
      return respond(Page(400, Msg::kBadRequestTitle, Msg::kBadRequestText,
                          absl::StrCat(name, ": at most ", kMaxReportField,
                                       " bytes, got ", value->size()),
                          lang));
    }
    *field = SanitizeUtf8(*value);
  }
  if (report.place.empty() && report.shop.empty() && report.note.empty()) {
    return respond(Page(400, Msg::kBadRequestTitle, Msg::kBadRequestText,
                        "fill in at least one of place, shop, note", lang));
  }
  const std::string back =
      options_.page_prefix + target->full_path +
      (request.query.empty() ? "" : absl::StrCat("?", request.query));
  reports_->Submit(
      std::move(report), [respond, lang, back](absl::Status status) {
        if (!status.ok()) {
          return respond(Page(503, Msg::kUnavailableTitle,
                              Msg::kUnavailableText, "", lang));
        }
        respond(OutcomePage(200, "ok", std::string(T(Msg::kReportThanks, lang)),
                            "", lang, back));
      });
}

}  // namespace ocoptrace::http
