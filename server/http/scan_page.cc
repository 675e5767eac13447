#include "server/http/scan_page.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "server/http/html.h"
#include "server/http/query.h"

namespace ocoptrace::http {
namespace {

// Small helpers over a growing page.
class Writer {
 public:
  explicit Writer(std::string& out) : out_(out) {}
  Writer& Raw(std::string_view html) {
    out_ += html;
    return *this;
  }
  Writer& Text(std::string_view text) {
    AppendHtmlEscaped(out_, text);
    return *this;
  }
  Writer& Row(std::string_view label, std::string_view value) {
    if (value.empty()) return *this;
    Raw("<dt>").Text(label).Raw("</dt><dd>").Text(value).Raw("</dd>");
    return *this;
  }

 private:
  std::string& out_;
};

Msg ReasonMsg(VerdictReason reason) {
  switch (reason) {
    case VerdictReason::kMissingSignature:
      return Msg::kReasonMissingSignature;
    case VerdictReason::kBadSignature:
      return Msg::kReasonBadSignature;
    case VerdictReason::kUnknownSerial:
      return Msg::kReasonUnknownSerial;
    case VerdictReason::kUnknownLot:
      return Msg::kReasonUnknownLot;
    case VerdictReason::kVoided:
      return Msg::kReasonVoided;
    case VerdictReason::kManyScans:
      return Msg::kReasonManyScans;
    case VerdictReason::kManyPlaces:
      return Msg::kReasonManyPlaces;
    case VerdictReason::kPinUsed:
      return Msg::kReasonPinUsed;
  }
  return Msg::kReasonBadSignature;
}

bool SafeUrl(std::string_view url) {
  return url.starts_with("https://") || url.starts_with("http://") ||
         (url.starts_with("/") && !url.starts_with("//"));
}

// The page's query with `lang` replaced by `lang`.
std::string QueryWithLang(std::string_view query, Lang lang) {
  std::string out;
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view piece = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view()
                                          : query.substr(amp + 1);
    if (piece.empty() || piece == "lang" || piece.starts_with("lang=")) {
      continue;
    }
    out = JoinQuery(out, piece);
  }
  return JoinQuery(out, absl::StrCat("lang=", std::string(LangCode(lang))));
}

void RenderVerdict(Writer& w, const ScanPageModel& model,
                   const PageContext& ctx, const VerdictResult& verdict) {
  const Lang lang = ctx.lang;
  const char* css = "info";
  Msg title = Msg::kProductPageBanner;
  Msg text = Msg::kProductPageText;
  switch (verdict.verdict) {
    case Verdict::kGenuine:
      css = "ok";
      title = Msg::kVerdictGenuine;
      text = Msg::kVerdictGenuineText;
      break;
    case Verdict::kSuspicious:
      css = "warn";
      title = Msg::kVerdictSuspicious;
      text = Msg::kVerdictSuspiciousText;
      break;
    case Verdict::kNotGenuine:
      css = "bad";
      title = Msg::kVerdictNotGenuine;
      text = Msg::kVerdictNotGenuineText;
      break;
    case Verdict::kNone:
      if (model.kind == PageKind::kBatch) {
        title = Msg::kBatchPageBanner;
        text = Msg::kBatchPageText;
      }
      break;
  }
  w.Raw("<header class=\"v ")
      .Raw(css)
      .Raw("\" id=\"verdict\" data-verdict=\"")
      .Raw(VerdictName(verdict.verdict))
      .Raw("\"><h1>")
      .Text(T(title, lang))
      .Raw("</h1><p>")
      .Text(T(text, lang))
      .Raw("</p>");
  if (!verdict.reasons.empty()) {
    w.Raw("<ul>");
    for (VerdictReason reason : verdict.reasons) {
      w.Raw("<li data-reason=\"").Raw(VerdictReasonName(reason)).Raw("\">");
      w.Text(T(ReasonMsg(reason), lang));
      if (reason == VerdictReason::kUnknownSerial) {
        w.Raw(" <code>").Text(model.serial).Raw("</code>");
      } else if (reason == VerdictReason::kUnknownLot) {
        w.Raw(" <code>").Text(model.lot).Raw("</code>");
      }
      w.Raw("</li>");
    }
    w.Raw("</ul>");
  }
  w.Raw("</header>");
}

void RenderProduct(Writer& w, const ScanPageModel& model,
                   const PageContext& ctx) {
  const Lang lang = ctx.lang;
  const int stars = DisplayedStars(model.certificates, model.today);
  w.Raw("<section id=\"product\">");
  if (!model.image_url.empty() && SafeUrl(model.image_url)) {
    w.Raw("<img class=\"p\" alt=\"\" src=\"").Text(model.image_url).Raw("\">");
  }
  w.Raw("<p class=\"pn\">").Text(model.product_name).Raw("</p>");
  if (stars > 0) {
    w.Raw("<p class=\"stars\" id=\"stars\" aria-label=\"")
        .Raw(std::to_string(stars))
        .Raw(" ")
        .Text(T(Msg::kStars, lang))
        .Raw(" OCOP\">")
        .Raw(StarsText(stars))
        .Raw(" <small>OCOP</small></p>");
  }
  w.Raw("<dl>")
      .Row(T(Msg::kGtin, lang), model.gtin14)
      .Row(T(Msg::kGroup, lang), model.group)
      .Row(T(Msg::kStandard, lang), model.standard)
      .Row(T(Msg::kBrand, lang), model.brand)
      .Row(T(Msg::kProducer, lang), model.producer_name)
      .Row(T(Msg::kLegalForm, lang), model.legal_form);
  if (!model.address_as_printed.empty()) {
    w.Raw("<dt>").Text(T(Msg::kOrigin, lang)).Raw("</dt><dd>");
    w.Text(model.address_as_printed);
    if (!model.current_unit.empty()) {
      w.Raw(" <em>(")
          .Text(T(Msg::kNowPartOf, lang))
          .Raw(" ")
          .Text(model.current_unit)
          .Raw(")</em>");
    }
    w.Raw("</dd>");
  }
  w.Raw("</dl></section>");
}

void RenderCertificates(Writer& w, const ScanPageModel& model,
                        const PageContext& ctx) {
  const Lang lang = ctx.lang;
  w.Raw("<section id=\"ocop\"><h2>").Text(T(Msg::kOcop, lang)).Raw("</h2>");
  if (model.certificates.empty()) {
    w.Raw("<p>").Text(T(Msg::kNoCertificate, lang)).Raw("</p></section>");
    return;
  }
  if (DisplayedStars(model.certificates, model.today) == 0) {
    w.Raw("<p class=\"cert-bad\" id=\"no-active\">")
        .Text(T(Msg::kNoActiveCertificate, lang))
        .Raw("</p>");
  }
  w.Raw("<ul>");
  for (const CertificateView& c : model.certificates) {
    const CertificateStatus status = StatusOn(c, model.today);
    const bool ok = status == CertificateStatus::kActive;
    w.Raw("<li class=\"")
        .Raw(ok ? "cert-ok" : "cert-bad")
        .Raw("\" data-status=\"")
        .Raw(CertificateStatusName(status))
        .Raw("\">")
        .Text(T(Msg::kCertificateNumber, lang))
        .Raw(" ")
        .Text(c.number)
        .Raw(" (")
        .Raw(std::to_string(c.stars))
        .Raw(" ")
        .Text(T(Msg::kStars, lang))
        .Raw("): ");
    switch (status) {
      case CertificateStatus::kActive:
        w.Text(T(Msg::kValidUntil, lang))
            .Raw(" ")
            .Text(FormatDay(c.valid_until, lang));
        break;
      case CertificateStatus::kNotYetValid:
        w.Text(T(Msg::kValidFrom, lang))
            .Raw(" ")
            .Text(FormatDay(c.valid_from, lang));
        break;
      case CertificateStatus::kExpired:
        w.Text(T(Msg::kExpiredOn, lang))
            .Raw(" ")
            .Text(FormatDay(c.valid_until + 1, lang));
        break;
      case CertificateStatus::kRevoked:
        w.Text(T(Msg::kRevokedOn, lang))
            .Raw(" ")
            .Text(FormatDay(c.revoked_on, lang));
        if (!c.revocation_decision.empty()) {
          w.Raw(" (")
              .Text(T(Msg::kDecision, lang))
              .Raw(" ")
              .Text(c.revocation_decision)
              .Raw(")");
        }
        break;
    }
    if (!c.decision.empty()) {
      w.Raw("<br><small>")
          .Text(T(Msg::kDecision, lang))
          .Raw(" ")
          .Text(c.decision);
      if (!c.issuer.empty()) w.Raw(", ").Text(c.issuer);
      w.Raw("</small>");
    }
    w.Raw("</li>");
  }
  w.Raw("</ul></section>");
}

void RenderBatch(Writer& w, const ScanPageModel& model,
                 const PageContext& ctx) {
  const Lang lang = ctx.lang;
  w.Raw("<section id=\"journey\"><h2>")
      .Text(T(Msg::kJourney, lang))
      .Raw("</h2><dl>")
      .Row(T(Msg::kLot, lang), model.lot)
      .Row(T(Msg::kSerial, lang), model.serial);
  if (model.production_date) {
    w.Row(T(Msg::kProductionDate, lang),
          FormatDay(*model.production_date, lang));
  }
  if (model.expiry_date) {
    w.Row(T(Msg::kExpiryDate, lang), FormatDay(*model.expiry_date, lang));
  }
  w.Raw("</dl>");
  if (model.journey.empty()) {
    w.Raw("<p>").Text(T(Msg::kNoJourney, lang)).Raw("</p></section>");
    return;
  }
  w.Raw("<ol class=\"tl\">");
  for (const JourneyStep& step : model.journey) {
    const std::string index = std::to_string(step.log_index);
    w.Raw("<li data-step=\"")
        .Text(step.step)
        .Raw("\"><span class=\"st\">")
        .Text(StepLabel(step.step, lang))
        .Raw("</span> <span class=\"")
        .Raw(step.verified ? "vf\">&#10003; " : "nv\">")
        .Text(T(step.verified ? Msg::kVerified : Msg::kNotVerified, lang))
        .Raw("</span><br><span class=\"when\">")
        .Text(FormatTimeVn(step.time, lang))
        .Raw("</span>");
    if (!step.place.empty() || !step.actor.empty()) {
      w.Raw("<br><span class=\"where\">").Text(step.place);
      if (!step.place.empty() && !step.actor.empty()) w.Raw(" · ");
      w.Text(step.actor).Raw("</span>");
    }
    if (!step.note.empty()) w.Raw("<br>").Text(step.note);
    w.Raw(" <a href=\"")
        .Text(ctx.entries_base)
        .Raw(index)
        .Raw("\" rel=\"nofollow\">#")
        .Raw(index)
        .Raw("</a></li>");
  }
  w.Raw("</ol><p><a href=\"")
      .Text(ctx.entries_base)
      .Raw(std::to_string(model.journey.front().log_index))
      .Raw("\" rel=\"nofollow\">")
      .Text(T(Msg::kRawEntries, lang))
      .Raw("</a></p></section>");
}

void RenderScans(Writer& w, const ScanPageModel& model,
                 const PageContext& ctx) {
  const Lang lang = ctx.lang;
  w.Raw("<section id=\"scans\"><h2>")
      .Text(T(Msg::kScans, lang))
      .Raw("</h2><dl>")
      .Row(T(Msg::kScanCount, lang), std::to_string(model.scan_count));
  if (model.first_scan) {
    w.Row(T(Msg::kFirstScan, lang), FormatTimeVn(*model.first_scan, lang));
  }
  w.Raw("</dl>");
  if (model.scan_count <= 1) {
    w.Raw("<p>").Text(T(Msg::kFirstScanNow, lang)).Raw("</p>");
  }
  w.Raw("</section>");
}

void RenderForms(Writer& w, const ScanPageModel& model,
                 const PageContext& ctx) {
  const Lang lang = ctx.lang;
  const std::string lang_field =
      absl::StrCat("<input type=\"hidden\" name=\"lang\" value=\"",
                   std::string(LangCode(lang)), "\">");
  if (model.batch_has_pins && !ctx.pin_path.empty()) {
    w.Raw("<section id=\"pin\"><h2>")
        .Text(T(Msg::kPinTitle, lang))
        .Raw("</h2><p>")
        .Text(T(Msg::kPinHelp, lang))
        .Raw("</p><form method=\"post\" action=\"")
        .Text(ctx.pin_path)
        .Raw("\">")
        .Raw(lang_field)
        .Raw("<label>")
        .Text(T(Msg::kPinLabel, lang))
        .Raw(
            " <input name=\"pin\" inputmode=\"numeric\" pattern=\"[0-9]{8,10}\""
            " autocomplete=\"off\" required></label><button>")
        .Text(T(Msg::kPinSubmit, lang))
        .Raw("</button></form></section>");
  }
  if (!ctx.report_path.empty()) {
    w.Raw("<section id=\"report\"><details><summary>")
        .Text(T(Msg::kReportTitle, lang))
        .Raw("</summary><p>")
        .Text(T(Msg::kReportHelp, lang))
        .Raw("</p><form method=\"post\" action=\"")
        .Text(ctx.report_path)
        .Raw("\">")
        .Raw(lang_field)
        .Raw("<label>")
        .Text(T(Msg::kReportPlace, lang))
        .Raw(" <input name=\"place\" maxlength=\"200\"></label><label>")
        .Text(T(Msg::kReportShop, lang))
        .Raw(" <input name=\"shop\" maxlength=\"200\"></label><label>")
        .Text(T(Msg::kReportNote, lang))
        .Raw(
            " <textarea name=\"note\" maxlength=\"1000\" rows=\"3\">"
            "</textarea></label><button>")
        .Text(T(Msg::kReportSubmit, lang))
        .Raw("</button></form></details></section>");
  }
}

}  // namespace

VerdictResult DecideVerdict(const LabelFacts& facts, bool lot_known,
                            const VerdictPolicy& policy) {
  VerdictResult result;
  if (!facts.signature_present) {
    result.reasons.push_back(VerdictReason::kMissingSignature);
  } else if (!facts.signature_valid) {
    result.reasons.push_back(VerdictReason::kBadSignature);
  }
  if (!lot_known) {
    result.reasons.push_back(VerdictReason::kUnknownLot);
  } else if (!facts.serial_issued) {
    result.reasons.push_back(VerdictReason::kUnknownSerial);
  }
  if (facts.voided) result.reasons.push_back(VerdictReason::kVoided);
  if (!result.reasons.empty()) {
    result.verdict = Verdict::kNotGenuine;
    return result;
  }
  if (facts.scan_count > policy.max_scans) {
    result.reasons.push_back(VerdictReason::kManyScans);
  }
  if (facts.distinct_places > policy.max_places) {
    result.reasons.push_back(VerdictReason::kManyPlaces);
  }
  if (facts.pin_already_used) result.reasons.push_back(VerdictReason::kPinUsed);
  result.verdict =
      result.reasons.empty() ? Verdict::kGenuine : Verdict::kSuspicious;
  return result;
}

CertificateStatus StatusOn(const CertificateView& certificate,
                           absl::CivilDay today) {
  if (certificate.revoked && today >= certificate.revoked_on) {
    return CertificateStatus::kRevoked;
  }
  if (today < certificate.valid_from) return CertificateStatus::kNotYetValid;
  if (today > certificate.valid_until) return CertificateStatus::kExpired;
  return CertificateStatus::kActive;
}

int DisplayedStars(const std::vector<CertificateView>& certificates,
                   absl::CivilDay today) {
  int stars = 0;
  for (const CertificateView& c : certificates) {
    if (StatusOn(c, today) == CertificateStatus::kActive) {
      stars = std::max(stars, c.stars);
    }
  }
  return stars;
}

std::string_view VerdictName(Verdict verdict) {
  switch (verdict) {
    case Verdict::kNone:
      return "none";
    case Verdict::kGenuine:
      return "genuine";
    case Verdict::kSuspicious:
      return "suspicious";
    case Verdict::kNotGenuine:
      return "not_genuine";
  }
  return "none";
}

std::string_view VerdictReasonName(VerdictReason reason) {
  switch (reason) {
    case VerdictReason::kMissingSignature:
      return "missing_signature";
    case VerdictReason::kBadSignature:
      return "bad_signature";
    case VerdictReason::kUnknownSerial:
      return "unknown_serial";
    case VerdictReason::kUnknownLot:
      return "unknown_lot";
    case VerdictReason::kVoided:
      return "voided";
    case VerdictReason::kManyScans:
      return "many_scans";
    case VerdictReason::kManyPlaces:
      return "many_places";
    case VerdictReason::kPinUsed:
      return "pin_used";
  }
  return "";
}

std::string_view CertificateStatusName(CertificateStatus status) {
  switch (status) {
    case CertificateStatus::kActive:
      return "active";
    case CertificateStatus::kNotYetValid:
      return "not_yet_valid";
    case CertificateStatus::kExpired:
      return "expired";
    case CertificateStatus::kRevoked:
      return "revoked";
  }
  return "";
}

VerdictResult PageVerdict(const ScanPageModel& model,
                          const VerdictPolicy& policy) {
  if (model.serial.empty()) {
    VerdictResult result;
    if (model.lot_unknown) {
      result.verdict = Verdict::kNotGenuine;
      result.reasons.push_back(VerdictReason::kUnknownLot);
    }
    return result;
  }
  LabelFacts facts = model.label;
  if (model.serial_unknown || model.lot_unknown) facts.serial_issued = false;
  return DecideVerdict(facts, !model.lot_unknown, policy);
}

std::string RenderScanPageHtml(const ScanPageModel& model,
                               const PageContext& ctx) {
  const Lang lang = ctx.lang;
  const VerdictResult verdict = PageVerdict(model, ctx.policy);
  std::string out;
  out.reserve(8192);
  std::string title = model.product_name;
  title += " · ";
  title += T(Msg::kSiteName, lang);
  AppendPageHead(out, lang, title);
  Writer w(out);
  RenderVerdict(w, model, ctx, verdict);
  RenderProduct(w, model, ctx);
  RenderCertificates(w, model, ctx);
  if (model.kind != PageKind::kProduct) RenderBatch(w, model, ctx);
  if (model.kind == PageKind::kLabel) {
    RenderScans(w, model, ctx);
    RenderForms(w, model, ctx);
  } else if (!model.serial.empty() || model.lot_unknown) {
    // A walk-up from a label that is not in the system: let the shopper
    // report it.
    RenderForms(w, model, ctx);
  }
  const Lang other = OtherLang(lang);
  w.Raw("<footer><a id=\"lang\" lang=\"")
      .Raw(LangCode(other))
      .Raw("\" href=\"")
      .Text(ctx.page_path)
      .Raw("?")
      .Text(QueryWithLang(ctx.query, other))
      .Raw("\">")
      .Text(T(Msg::kSwitchLanguage, lang))
      .Raw("</a> · ")
      .Text(T(Msg::kFooterLog, lang))
      .Raw("</footer>");
  AppendPageFoot(out);
  return out;
}

}  // namespace ocoptrace::http
