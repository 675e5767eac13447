// The scan page: what a shopper sees after scanning a label, rendered by
// the server from a view model (no JavaScript), Vietnamese by default.
// This file holds the model, the rules that turn facts into what is shown
// (the verdict, whether OCOP stars may be displayed) and the two pure
// renderers: HTML for people, JSON for programs. Fetching the facts is the
// job of a PageData implementation (page_handler.h).
//
// Page kinds: a label page (GTIN + lot + serial: "is this label genuine?"),
// a batch page and a product page (no label check: the page says so).
//
// Thread-safety: plain values and pure functions.

#ifndef OCOPTRACE_SERVER_HTTP_SCAN_PAGE_H_
#define OCOPTRACE_SERVER_HTTP_SCAN_PAGE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "server/http/i18n.h"

namespace ocoptrace::http {

enum class PageKind { kProduct, kBatch, kLabel };

enum class Verdict {
  kNone,        // Product or batch page: nothing to judge.
  kGenuine,     // Signature valid, serial issued, not void, no anomaly.
  kSuspicious,  // Signature valid but scanned too often / in too many
                // places, or the scratch PIN was already used.
  kNotGenuine,  // Missing or bad signature, unknown serial or lot, void.
};

enum class VerdictReason {
  kMissingSignature,
  kBadSignature,
  kUnknownSerial,
  kUnknownLot,
  kVoided,
  kManyScans,
  kManyPlaces,
  kPinUsed,
};

// What is known about the scanned label (label pages only).
struct LabelFacts {
  bool signature_present = false;  // The URL had an `s` parameter.
  bool signature_valid = false;    // It verified under a label key.
  bool serial_issued = false;      // A labels.issued entry lists it.
  bool voided = false;
  uint64_t scan_count = 0;       // Earlier scans, this one excluded.
  uint32_t distinct_places = 0;  // Coarse places of those scans.
  bool pin_already_used = false;
};

// Thresholds above which a valid label counts as suspicious.
struct VerdictPolicy {
  uint64_t max_scans = 50;
  uint32_t max_places = 3;
};

struct VerdictResult {
  Verdict verdict = Verdict::kNone;
  std::vector<VerdictReason> reasons;  // Empty for kGenuine and kNone.
};

// The verdict for the page: kNone without a serial (product and batch
// pages) unless the lot asked for is unknown (kNotGenuine, kUnknownLot);
// with a serial, DecideVerdict over `model.label` with an unknown serial or
// lot counting as not issued.
struct ScanPageModel;
VerdictResult PageVerdict(const ScanPageModel& model,
                          const VerdictPolicy& policy);

// The verdict for a label: NOT_GENUINE for any of missing or bad
// signature, unknown serial or lot, voided (all such reasons listed);
// else SUSPICIOUS for scans > max_scans, places > max_places or a used
// PIN; else GENUINE.
VerdictResult DecideVerdict(const LabelFacts& facts, bool lot_known,
                            const VerdictPolicy& policy);

struct CertificateView {
  std::string number;    // Certificate number.
  std::string decision;  // Recognition decision, e.g. "2890/QĐ-BNN-VPĐP".
  std::string issuer;
  int stars = 0;  // 3..5
  absl::CivilDay valid_from;
  absl::CivilDay valid_until;  // Last day of validity.
  bool revoked = false;
  absl::CivilDay revoked_on;
  std::string revocation_decision;
};

enum class CertificateStatus { kActive, kNotYetValid, kExpired, kRevoked };

// The certificate's status on `today` (a Vietnam calendar day). Revoked
// from revoked_on on; expired after valid_until.
CertificateStatus StatusOn(const CertificateView& certificate,
                           absl::CivilDay today);

// The stars a product may display today: the highest stars among the
// certificates active today, or 0 when none is (stars are then hidden).
int DisplayedStars(const std::vector<CertificateView>& certificates,
                   absl::CivilDay today);

struct JourneyStep {
  // A CBV business step ("packing") or log kind ("batch.created").
  std::string step;
  absl::Time time;
  std::string place;  // As recorded (may be empty).
  std::string actor;  // Who recorded it (organisation name).
  std::string note;
  uint64_t log_index = 0;  // Global log index of the entry.
  // The entry's signature and its inclusion proof against a signed
  // checkpoint were checked.
  bool verified = false;
};

struct ScanPageModel {
  // The most specific level the system knows and the page shows.
  PageKind kind = PageKind::kProduct;
  // Identifiers as requested (decoded). A non-empty serial makes the page
  // a label check. After a walk-up the lot or serial asked for is not in
  // the system: lot_unknown / serial_unknown say so (and `kind` is the
  // level above).
  std::string gtin14;
  std::string lot;
  std::string serial;
  bool lot_unknown = false;
  bool serial_unknown = false;

  LabelFacts label;  // When a serial was requested.

  // Product (Circular 02/2024 Art. 6.5 items).
  std::string product_name;
  std::string image_url;  // "" for none; http(s) or path-absolute only.
  std::string group;      // OCOP group, e.g. "Thực phẩm".
  std::string standard;   // e.g. "TCCS 01:2023/TH".
  std::string brand;      // Brand or collective mark; "" for none.
  // Producer.
  std::string producer_name;
  std::string legal_form;  // e.g. "Hợp tác xã".
  // Origin: the address exactly as recorded/printed, and the unit it
  // belongs to today after the 2025 reorganisation ("" when unchanged).
  std::string address_as_printed;
  std::string current_unit;  // e.g. "Xã Côn Minh, tỉnh Thái Nguyên".

  std::vector<CertificateView> certificates;

  // Batch (batch and label pages).
  std::optional<absl::CivilDay> production_date;
  std::optional<absl::CivilDay> expiry_date;
  std::vector<JourneyStep> journey;  // Oldest first.

  // Scans of this label (label pages).
  uint64_t scan_count = 0;  // Including this one.
  std::optional<absl::Time> first_scan;

  bool batch_has_pins = false;
  absl::CivilDay today;  // Vietnam calendar day the page is rendered for.
};

// Where the page lives, for links and forms.
struct PageContext {
  Lang lang = Lang::kVi;
  // Path of this page without query, e.g. "/p/01/0893.../10/L1/21/ABC".
  std::string page_path;
  // The raw query of the request, kept in the language toggle and the
  // forms' return address (so `s` survives); "" for none.
  std::string query;
  // "/entries/" by default: the raw-entry link is entries_base + index.
  std::string entries_base = "/entries/";
  // Where the forms post: pin_path and report_path ("" hides the form).
  std::string pin_path;
  std::string report_path;
  VerdictPolicy policy;
};

// The page as HTML (UTF-8). Every string of the model is escaped.
std::string RenderScanPageHtml(const ScanPageModel& model,
                               const PageContext& context);

// The page as JSON for programs: identifiers, verdict and reasons (stable
// lower-case names), product, producer, origin, certificates with status,
// displayed stars, journey, scans. See docs/resolver.md.
std::string RenderScanPageJson(const ScanPageModel& model,
                               const PageContext& context);

// Stable names used in JSON and metrics: "genuine", "suspicious",
// "not_genuine", "none"; "bad_signature", "unknown_serial", ...
std::string_view VerdictName(Verdict verdict);
std::string_view VerdictReasonName(VerdictReason reason);
std::string_view CertificateStatusName(CertificateStatus status);

}  // namespace ocoptrace::http

#endif  // OCOPTRACE_SERVER_HTTP_SCAN_PAGE_H_
