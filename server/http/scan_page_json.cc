// RenderScanPageJson: the scan page for programs (scan_page.h).

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/timestamp.h"
#include "nlohmann/json.hpp"
#include "server/http/scan_page.h"

namespace ocoptrace::http {
namespace {

using Json = nlohmann::ordered_json;

std::string Day(absl::CivilDay day) {
  return absl::StrFormat("%04d-%02d-%02d", day.year(), day.month(), day.day());
}

std::string Time(absl::Time time) {
  return FormatRfc3339(TimestampAt(time, 7 * 60));
}

std::string_view KindName(PageKind kind) {
  switch (kind) {
    case PageKind::kProduct:
      return "product";
    case PageKind::kBatch:
      return "batch";
    case PageKind::kLabel:
      return "label";
  }
  return "product";
}

}  // namespace

std::string RenderScanPageJson(const ScanPageModel& model,
                               const PageContext& ctx) {
  const VerdictResult verdict = PageVerdict(model, ctx.policy);
  Json out = Json::object();
  out["kind"] = std::string(KindName(model.kind));
  Json id = Json::object();
  id["gtin"] = model.gtin14;
  if (!model.lot.empty()) id["lot"] = model.lot;
  if (!model.serial.empty()) id["serial"] = model.serial;
  out["id"] = std::move(id);
  Json v = Json::object();
  v["verdict"] = std::string(VerdictName(verdict.verdict));
  Json reasons = Json::array();
  for (VerdictReason r : verdict.reasons) {
    reasons.push_back(std::string(VerdictReasonName(r)));
  }
  v["reasons"] = std::move(reasons);
  if (!model.serial.empty()) {
    v["signature_present"] = model.label.signature_present;
    v["signature_valid"] = model.label.signature_valid;
    v["serial_issued"] = model.label.serial_issued && !model.serial_unknown &&
                         !model.lot_unknown;
    v["voided"] = model.label.voided;
  }
  if (model.lot_unknown) v["lot_unknown"] = true;
  if (model.serial_unknown) v["serial_unknown"] = true;
  out["check"] = std::move(v);

  out["product"] = Json{{"name", model.product_name},
                        {"image", model.image_url},
                        {"group", model.group},
                        {"standard", model.standard},
                        {"brand", model.brand}};
  out["producer"] =
      Json{{"name", model.producer_name}, {"legal_form", model.legal_form}};
  out["origin"] = Json{{"address_as_printed", model.address_as_printed},
                       {"current_unit", model.current_unit}};
  out["today"] = Day(model.today);
  out["ocop_stars"] = DisplayedStars(model.certificates, model.today);
  Json certificates = Json::array();
  for (const CertificateView& c : model.certificates) {
    Json cert = Json::object();
    cert["number"] = c.number;
    cert["decision"] = c.decision;
    cert["issuer"] = c.issuer;
    cert["stars"] = c.stars;
    cert["valid_from"] = Day(c.valid_from);
    cert["valid_until"] = Day(c.valid_until);
    cert["status"] =
        std::string(CertificateStatusName(StatusOn(c, model.today)));
    if (c.revoked) {
      cert["revoked_on"] = Day(c.revoked_on);
      cert["revocation_decision"] = c.revocation_decision;
    }
    certificates.push_back(std::move(cert));
  }
  out["certificates"] = std::move(certificates);
  if (model.kind != PageKind::kProduct) {
    Json batch = Json::object();
    if (model.production_date) {
      batch["production_date"] = Day(*model.production_date);
    }
    if (model.expiry_date) batch["expiry_date"] = Day(*model.expiry_date);
    Json journey = Json::array();
    for (const JourneyStep& step : model.journey) {
      journey.push_back(
          Json{{"step", step.step},
               {"time", Time(step.time)},
               {"place", step.place},
               {"actor", step.actor},
               {"note", step.note},
               {"log_index", step.log_index},
               {"entry", absl::StrCat(ctx.entries_base, step.log_index)},
               {"verified", step.verified}});
    }
    batch["journey"] = std::move(journey);
    out["batch"] = std::move(batch);
  }
  if (model.kind == PageKind::kLabel) {
    Json scans = Json::object();
    scans["count"] = model.scan_count;
    if (model.first_scan) scans["first"] = Time(*model.first_scan);
    out["scans"] = std::move(scans);
    out["pins"] = model.batch_has_pins;
  }
  return out.dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace ocoptrace::http
