// PageHandler: the consumer pages behind the resolver's default link, and
// the two forms on them.
//
//   GET  /p/01/<gtin>[/10/<lot>[/21/<serial>]][?s=...&lang=en&format=json]
//   POST /pin/01/<gtin>/10/<lot>/21/<serial>      pin=<8-10 digits>
//   POST /report/01/<gtin>[/10/<lot>[/21/<serial>]]  place, shop, note
//
// The page path mirrors the Digital Link path (the resolver redirects
// /01/... to /p/01/...). `unknown_lot=` / `unknown_serial=` (added by the
// resolver after a walk-up) restore the identifier that was scanned, so the
// page can say it is not in the system. HTML (scan_page.h) by default,
// JSON with ?format=json or `Accept: application/json`.
//
// The facts come from a PageData (the trace service implements it); label
// views are recorded through a ScanRecorder without waiting; PIN checks and
// suspect-label reports go to their own interfaces, whose storage is the
// trace service's.
//
// Thread-safety: thread-safe as far as the interfaces given to it are.

#ifndef OCOPTRACE_SERVER_HTTP_PAGE_HANDLER_H_
#define OCOPTRACE_SERVER_HTTP_PAGE_HANDLER_H_

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "core/clock.h"
#include "server/http/http_server.h"
#include "server/http/scan_page.h"
#include "server/http/scan_recorder.h"

namespace ocoptrace::http {

// What a page is asked for (identifiers decoded and validated as a Digital
// Link: gtin14 has a good check digit, lot and serial are CSET 82).
struct PageRequest {
  std::string gtin14;
  std::string lot;     // "" for a product page
  std::string serial;  // "" for product and batch pages
  // The `s` parameter: present or not, and its 64 decoded bytes ("" when
  // absent or not decodable, which counts as a bad signature).
  bool signature_present = false;
  std::string signature;
};

class PageData {
 public:
  virtual ~PageData() = default;
  // The page model for `request`, as of now. NotFound when the GTIN is not
  // a registered product (the handler answers 404). Walks up: an unknown
  // lot gives a product page with lot_unknown, an unknown serial a batch
  // page with serial_unknown. For a serial, fills `label` (the signature
  // verified against the published label keys; the scan count excluding
  // this view). Must not block for long: it runs on an event-loop thread.
  virtual absl::StatusOr<ScanPageModel> Build(
      const PageRequest& request) const = 0;
};

struct LabelId {
  std::string gtin14;
  std::string lot;
  std::string serial;
};

struct PinCheckResult {
  enum class Outcome {
    kFirstCheck,      // Correct PIN, first time: now marked verified.
    kAlreadyChecked,  // Correct PIN, verified before at first_checked.
    kWrongPin,
    kLocked,  // Too many wrong PINs: no longer checked.
    kNoPins,  // The batch has no PINs.
    kUnknownLabel,
  };
  Outcome outcome = Outcome::kWrongPin;
  absl::Time first_checked;  // For kAlreadyChecked.
};

// Checks a scratch PIN (stored as an HMAC; the implementation limits
// guesses per label). `done` runs exactly once, on any thread.
class PinChecker {
 public:
  virtual ~PinChecker() = default;
  virtual void CheckPin(
      const LabelId& label, const std::string& pin,
      std::function<void(absl::StatusOr<PinCheckResult>)> done) = 0;
};

struct SuspectReport {
  LabelId label;  // lot/serial may be "" for a product or batch page.
  absl::Time time;
  std::string place;  // Each at most 1000 bytes of valid UTF-8.
  std::string shop;
  std::string note;
  std::string client_network;  // Coarse (see CoarseNetwork).
};

// Stores suspect-label reports for inspectors. `done` runs exactly once.
class SuspectReportSink {
 public:
  virtual ~SuspectReportSink() = default;
  virtual void Submit(SuspectReport report,
                      std::function<void(absl::Status)> done) = 0;
};

struct PageHandlerOptions {
  std::string page_prefix = "/p";
  std::string pin_prefix = "/pin";
  std::string report_prefix = "/report";
  std::string entries_base = "/entries/";
  VerdictPolicy policy;
};

class PageHandler {
 public:
  // `data` and `clock` are required; `scans`, `pins`, `reports` may be
  // null (no recording; forms hidden and their POSTs answered 404). All
  // must outlive the handler.
  PageHandler(const PageData* data, ScanRecorder* scans, PinChecker* pins,
              SuspectReportSink* reports, Clock* clock,
              PageHandlerOptions options = {});

  // GET/HEAD on page_prefix + Digital Link path.
  void HandlePage(const Request& request, const Respond& respond) const;
  // POST on pin_prefix + path.
  void HandlePin(const Request& request, const Respond& respond) const;
  // POST on report_prefix + path.
  void HandleReport(const Request& request, const Respond& respond) const;

  const PageHandlerOptions& options() const { return options_; }

  // Pages served (GET and HEAD) with this verdict, for /metrics.
  uint64_t pages_served(Verdict verdict) const;

 private:
  const PageData* const data_;
  ScanRecorder* const scans_;
  PinChecker* const pins_;
  SuspectReportSink* const reports_;
  Clock* const clock_;
  const PageHandlerOptions options_;
  mutable std::array<std::atomic<uint64_t>, 4> pages_served_{};
};

}  // namespace ocoptrace::http

#endif  // OCOPTRACE_SERVER_HTTP_PAGE_HANDLER_H_
