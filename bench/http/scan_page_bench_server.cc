// Serves the real consumers' door (Site: router, resolver, scan page
// renderer, batched scan recording) over HttpServer, with an in-memory
// catalogue holding one realistic product: OCOP certificate, a five-step
// journey, a signed label. bench/http/run.sh measures it with wrk beside
// nginx serving the same page as a static file.
//
//   scan_page_bench_server [--port 18081] [--threads 0] [--no-cache]
//
// Prints the page's URL path (first line) and waits for SIGINT/SIGTERM.
// --no-cache verifies the label signature on every request (Ed25519)
// instead of through LabelSignatureVerifier's cache.
#include <csignal>
#include <cstdio>
#include <string>

#include "absl/strings/str_cat.h"
#include "core/clock.h"
#include "core/ed25519.h"
#include "core/label_payload.h"
#include "server/http/label_verifier.h"
#include "server/http/site.h"

namespace {

using namespace ocoptrace;        // NOLINT: a benchmark driver.
using namespace ocoptrace::http;  // NOLINT

constexpr char kGtin[] = "08934563123451";
constexpr char kLot[] = "TH2024-03";
constexpr char kSerial[] = "7K3M9QX2TA";

absl::Time VnTime(int y, int m, int d, int hh, int mm) {
  return absl::FromCivil(absl::CivilSecond(y, m, d, hh, mm, 0),
                         absl::FixedTimeZone(7 * 3600));
}

class BenchCatalog : public ResolverData, public PageData {
 public:
  explicit BenchCatalog(bool cache)
      : key_(*Ed25519PrivateKey::FromSeed(std::string(32, 'k'))),
        cache_(cache) {
    verifier_.SetKeys({key_.public_key()});
    ScanPageModel& m = model_;
    m.gtin14 = kGtin;
    m.product_name = "Miến dong Tài Hoan";
    m.image_url = "/static/mien-dong-tai-hoan.jpg";
    m.group = "Thực phẩm";
    m.standard = "TCCS 01:2020/TH";
    m.producer_name = "Hợp tác xã Tài Hoan";
    m.legal_form = "Hợp tác xã";
    m.address_as_printed =
        "Thôn Chè Cọ, xã Côn Minh, huyện Na Rì, tỉnh Bắc Kạn";
    m.current_unit = "Xã Côn Minh, tỉnh Thái Nguyên";
    CertificateView old_certificate;
    old_certificate.number = "DEMO-12/2019";
    old_certificate.decision = "1010/QĐ-UBND (demo)";
    old_certificate.issuer = "UBND tỉnh Bắc Kạn";
    old_certificate.stars = 4;
    old_certificate.valid_from = absl::CivilDay(2019, 6, 1);
    old_certificate.valid_until = absl::CivilDay(2022, 5, 31);
    CertificateView certificate;
    certificate.number = "DEMO-2890/2021";
    certificate.decision = "2890/QĐ-BNN-VPĐP";
    certificate.issuer = "Bộ Nông nghiệp và Phát triển nông thôn";
    certificate.stars = 5;
    certificate.valid_from = absl::CivilDay(2024, 1, 15);
    certificate.valid_until = absl::CivilDay(2027, 1, 14);
    m.certificates = {old_certificate, certificate};
    m.lot = kLot;
    m.production_date = absl::CivilDay(2024, 3, 22);
    m.expiry_date = absl::CivilDay(2025, 9, 22);
    m.batch_has_pins = true;
    m.journey = {
        {"commissioning", VnTime(2024, 3, 18, 6, 0),
         "Ruộng dong riềng thôn Chè Cọ", "Hợp tác xã Tài Hoan",
         "Thu hoạch củ dong riềng", 1021, true},
        {"transforming", VnTime(2024, 3, 19, 7, 30), "Xưởng tinh bột Tài Hoan",
         "Hợp tác xã Tài Hoan", "Lọc tinh bột, tráng và phơi sợi miến", 1044,
         true},
        {"inspecting", VnTime(2024, 3, 21, 14, 0), "Xưởng tinh bột Tài Hoan",
         "Trung tâm Kiểm nghiệm (demo)", "Đạt chỉ tiêu vi sinh", 1090, true},
        {"packing", VnTime(2024, 3, 22, 8, 0), "Xưởng đóng gói",
         "Hợp tác xã Tài Hoan", "Gói 500 g", 1102, true},
        {"shipping", VnTime(2024, 3, 25, 9, 0),
         "Kho Tài Hoan → Điểm bán OCOP Bắc Kạn", "Hợp tác xã Tài Hoan", "",
         1187, true},
    };
  }

  std::string Signature() const {
    return EncodeLabelSignature(
        key_.Sign(LabelSigningInput(kGtin, kLot, kSerial)));
  }

  bool ProductExists(std::string_view gtin14) const override {
    return gtin14 == kGtin;
  }
  bool BatchExists(std::string_view gtin14,
                   std::string_view lot) const override {
    return gtin14 == kGtin && lot == kLot;
  }
  std::optional<std::string> LabelLot(std::string_view gtin14,
                                      std::string_view serial) const override {
    if (gtin14 == kGtin && serial == kSerial) return std::string(kLot);
    return std::nullopt;
  }
  std::string ProductName(std::string_view) const override {
    return model_.product_name;
  }
  bool HasCertificates(std::string_view) const override { return true; }

  absl::StatusOr<ScanPageModel> Build(
      const PageRequest& request) const override {
    if (request.gtin14 != kGtin) return absl::NotFoundError("unknown GTIN");
    ScanPageModel m = model_;
    m.lot = request.lot;
    m.serial = request.serial;
    m.kind = PageKind::kProduct;
    if (!request.lot.empty()) {
      if (request.lot != kLot) {
        m.lot_unknown = true;
        return m;
      }
      m.kind = PageKind::kBatch;
    }
    if (!request.serial.empty() && m.kind == PageKind::kBatch) {
      m.label.signature_present = request.signature_present;
      if (!request.signature.empty()) {
        int key = -1;
        if (cache_) {
          key = verifier_.Verify(request.gtin14, request.lot, request.serial,
                                 request.signature);
        } else {
          LabelClaim claim;
          claim.gtin14 = request.gtin14;
          claim.lot = request.lot;
          claim.serial = request.serial;
          claim.signature = request.signature;
          key = VerifyLabelSignature(claim, {key_.public_key()});
        }
        m.label.signature_valid = key >= 0;
      }
      if (request.serial == kSerial) {
        m.kind = PageKind::kLabel;
        m.label.serial_issued = true;
        m.label.scan_count = 2;
        m.label.distinct_places = 1;
        m.first_scan = VnTime(2024, 4, 2, 10, 15);
      } else {
        m.serial_unknown = true;
      }
    } else {
      m.journey.clear();
    }
    return m;
  }

 private:
  Ed25519PrivateKey key_;
  const bool cache_;
  LabelSignatureVerifier verifier_;
  ScanPageModel model_;
};

// Where scans would go: the trace service's storage. Here: counted.
class CountingSink : public ScanSink {
 public:
  absl::Status WriteScans(std::vector<ScanRecord> batch) override {
    written += batch.size();
    return absl::OkStatus();
  }
  uint64_t written = 0;
};

}  // namespace

int main(int argc, char** argv) {
  int port = 18081;
  int threads = 0;
  bool cache = true;
  for (int i = 1; i < argc; ++i) {
    std::string flag = argv[i];
    if (flag == "--port" && i + 1 < argc) port = std::stoi(argv[++i]);
    if (flag == "--threads" && i + 1 < argc) threads = std::stoi(argv[++i]);
    if (flag == "--no-cache") cache = false;
  }
  BenchCatalog catalog(cache);
  CountingSink sink;
  BatchingScanRecorder recorder(&sink);
  SiteDeps deps;
  deps.resolver_data = &catalog;
  deps.page_data = &catalog;
  deps.scans = &recorder;
  deps.scan_queue = &recorder;
  deps.clock = Clock::Real();
  SiteOptions site_options;
  site_options.resolver.public_base = absl::StrCat("http://127.0.0.1:", port);
  Site site(deps, std::move(site_options));

  // Block the stop signals before the server's threads start (they inherit
  // the mask), so that sigwait below receives them.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);

  HttpServerOptions options;
  options.port = static_cast<uint16_t>(port);
  options.threads = threads;
  auto server = HttpServer::Start(options, site.handler());
  if (!server.ok()) {
    std::fprintf(stderr, "%s\n", server.status().ToString().c_str());
    return 1;
  }
  site.set_http_stats(&(*server)->stats());
  std::printf("/p/01/%s/10/%s/21/%s?s=%s\n", kGtin, kLot, kSerial,
              catalog.Signature().c_str());
  std::fflush(stdout);
  int signal_number;
  sigwait(&set, &signal_number);
  (*server)->Shutdown();
  recorder.Flush();
  const MetricsSnapshot metrics = site.Metrics();
  std::fprintf(
      stderr,
      "pages: %llu genuine; scans recorded %llu, written %llu, dropped %llu\n",
      static_cast<unsigned long long>(metrics.pages_genuine),
      static_cast<unsigned long long>(metrics.scans_recorded),
      static_cast<unsigned long long>(sink.written),
      static_cast<unsigned long long>(metrics.scans_dropped));
  return 0;
}
