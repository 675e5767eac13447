// labelgen_bench: how fast labels render, beside the raw libqrencode encode
// rate on the same URLs in the same run.
//
//   labelgen_bench [--count N] [--rounds R] [--urls-out FILE] [--pdf-out FILE]
//   labelgen_bench --count N --issuance-out FILE   (writes the file, exits)
//   labelgen_bench --pdf-only ...                  (raw encode and PDF only)
//
// Measures, single-threaded, over N signed label URLs (default 10 000):
//   raw_encode_per_s      QRcode_encodeString(url, 0, M, QR_MODE_8, 1) only
//   png_per_s             EncodeQr + RenderQrPng(qr, 4, 4): one 1-bit PNG per
//                         label in memory (the npm comparison's image)
//   png_files_per_s       the same, each PNG also written to its own file
//   label_png_per_s       full label PNG with text through cairo (8 px/module)
//   pdf_seconds           RenderSheetPdf of all N labels on a4-3x8
//   pdf_over_encode       pdf_seconds / (N / raw_encode_per_s)
// Rates are per CPU second of this thread (the median of R rounds, default
// 3), so a loaded machine does not distort them; *_wall lines give the
// wall-clock rates beside. With --urls-out the URL list
// is written for bench/labelgen/npm-qrcode/bench.js. Not a test: prints
// numbers; bench/labelgen/run.sh adds the npm baseline and the ratios.

#include <qrencode.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "core/ed25519.h"
#include "core/label_payload.h"
#include "core/random.h"
#include "labelgen/issuance.h"
#include "labelgen/layout.h"
#include "labelgen/png_writer.h"
#include "labelgen/qr.h"
#include "labelgen/render.h"

namespace {

namespace lg = ocoptrace::labelgen;
using Clock = std::chrono::steady_clock;

// CPU seconds used by this thread: the machine may be shared, so rates are
// per core of CPU time actually spent, not wall time (printed beside).
double ThreadCpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

double Seconds(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

struct Rate {
  double cpu_per_s;
  double wall_per_s;
};

// Median over `rounds` of items per CPU second (and per wall second) for
// `body` run over all items.
Rate MedianRate(int rounds, size_t items, const std::function<void()>& body) {
  std::vector<double> cpu, wall;
  for (int r = 0; r < rounds; ++r) {
    const Clock::time_point start = Clock::now();
    const double cpu_start = ThreadCpuSeconds();
    body();
    cpu.push_back(items / (ThreadCpuSeconds() - cpu_start));
    wall.push_back(items / Seconds(start));
  }
  std::sort(cpu.begin(), cpu.end());
  std::sort(wall.begin(), wall.end());
  return {cpu[cpu.size() / 2], wall[wall.size() / 2]};
}

void PrintRate(const char* name, const Rate& rate) {
  std::printf("%s %.1f\n%s_wall %.1f\n", name, rate.cpu_per_s, name,
              rate.wall_per_s);
}

void Fail(const std::string& what) {
  std::fprintf(stderr, "labelgen_bench: %s\n", what.c_str());
  std::exit(1);
}

}  // namespace

int main(int argc, char** argv) {
  int count = 10000;
  int rounds = 3;
  std::string urls_out;
  std::string pdf_out;
  std::string issuance_out;
  bool pdf_only = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) Fail("missing value after " + arg);
      return argv[++i];
    };
    if (arg == "--count") {
      count = std::atoi(value().c_str());
    } else if (arg == "--rounds") {
      rounds = std::max(1, std::atoi(value().c_str()));
    } else if (arg == "--urls-out") {
      urls_out = value();
    } else if (arg == "--pdf-out") {
      pdf_out = value();
    } else if (arg == "--pdf-only") {
      pdf_only = true;
    } else if (arg == "--issuance-out") {
      issuance_out = value();
    } else {
      Fail("unknown argument " + arg +
           "; use --count, --rounds, --urls-out, --pdf-out, --issuance-out");
    }
  }
  if (count < 1) Fail("--count must be positive");

  // Realistic signed labels: one batch, seeded serials, a fixed key.
  const auto key = ocoptrace::Ed25519PrivateKey::FromSeed(std::string(32, 'k'));
  if (!key.ok()) Fail("cannot make the signing key");
  ocoptrace::SeededRandom random(20261129);
  lg::Issuance issuance;
  issuance.header.gtin = "08934563123451";
  issuance.header.lot = "L2024A";
  issuance.header.product_name = "Miến dong Tài Hoan";
  issuance.header.producer_name = "HTX Tài Hoan";
  issuance.header.stars = 4;
  issuance.header.expiry = "2026-06-30";
  issuance.header.pins = true;
  const std::string resolver = "https://tx.ocop.example.vn";
  for (int i = 0; i < count; ++i) {
    lg::IssuedLabel label;
    label.serial = ocoptrace::GenerateSerial(random);
    label.url = ocoptrace::FormatLabelUrl(
        resolver, issuance.header.gtin, issuance.header.lot, label.serial,
        key->Sign(ocoptrace::LabelSigningInput(
            issuance.header.gtin, issuance.header.lot, label.serial)));
    label.pin = std::to_string(10000000 + i);
    issuance.labels.push_back(std::move(label));
  }
  const std::vector<lg::LabelData> labels = lg::ToLabelData(issuance);
  if (!urls_out.empty()) {
    std::ofstream out(urls_out);
    for (const lg::LabelData& label : labels) out << label.url << "\n";
  }
  if (!issuance_out.empty()) {
    std::ofstream out(issuance_out);
    out << lg::FormatIssuance(issuance);
    return 0;  // only the file: for profiling the labelgen CLI
  }
  std::printf("labels %d\nurl_bytes %zu\n", count, labels[0].url.size());
  {
    absl::StatusOr<lg::QrMatrix> qr = lg::EncodeQr(labels[0].url);
    if (!qr.ok()) Fail(std::string(qr.status().message()));
    std::printf("qr_version_M %d\n", qr->version);
  }

  size_t sink = 0;
  const Rate raw = MedianRate(rounds, labels.size(), [&] {
    for (const lg::LabelData& label : labels) {
      QRcode* code =
          QRcode_encodeString(label.url.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1);
      sink += code->width;
      QRcode_free(code);
    }
  });
  PrintRate("raw_encode_per_s", raw);

  const Rate encode = MedianRate(rounds, labels.size(), [&] {
    for (const lg::LabelData& label : labels) {
      sink += lg::EncodeQr(label.url)->width;
    }
  });
  PrintRate("encode_qr_per_s", encode);

  if (!pdf_only) {
    size_t png_bytes = 0;
    const Rate png = MedianRate(rounds, labels.size(), [&] {
      png_bytes = 0;
      for (const lg::LabelData& label : labels) {
        absl::StatusOr<std::string> bytes =
            lg::RenderQrPng(*lg::EncodeQr(label.url), 4, 4);
        png_bytes += bytes->size();
      }
    });
    PrintRate("png_per_s", png);
    std::printf("png_avg_bytes %zu\n", png_bytes / labels.size());

    const std::filesystem::path dir =
        std::filesystem::temp_directory_path() / "labelgen_bench_png";
    std::filesystem::create_directories(dir);
    const Rate png_files = MedianRate(rounds, labels.size(), [&] {
      for (const lg::LabelData& label : labels) {
        absl::StatusOr<std::string> bytes =
            lg::RenderQrPng(*lg::EncodeQr(label.url), 4, 4);
        std::FILE* file =
            std::fopen((dir / (label.serial + ".png")).c_str(), "wb");
        std::fwrite(bytes->data(), 1, bytes->size(), file);
        std::fclose(file);
      }
    });
    std::filesystem::remove_all(dir);
    PrintRate("png_files_per_s", png_files);

    const lg::LabelGeometry geometry =
        lg::GeometryOf(*lg::ParseLayout("a4-3x8"));
    const size_t full_count = std::min<size_t>(labels.size(), 1000);
    const Rate label_png = MedianRate(rounds, full_count, [&] {
      for (size_t i = 0; i < full_count; ++i) {
        sink +=
            lg::RenderLabelPng(labels[i], geometry, lg::EcLevel::kM, 8)->size();
      }
    });
    PrintRate("label_png_per_s", label_png);

    std::printf("png_over_raw_encode %.2f\n", png.cpu_per_s / raw.cpu_per_s);
  }  // !pdf_only

  const std::string pdf_path =
      pdf_out.empty()
          ? (std::filesystem::temp_directory_path() / "labelgen_bench.pdf")
                .string()
          : pdf_out;
  const absl::StatusOr<lg::SheetLayout> a4 = lg::ParseLayout("a4-3x8");
  // The PDF as a "rate" of one sheet: seconds = 1 / rate.
  const Rate pdf_rate = MedianRate(rounds, 1, [&] {
    absl::Status status = lg::RenderSheetPdf(labels, *a4, pdf_path);
    if (!status.ok()) Fail(std::string(status.message()));
  });
  const double pdf = 1 / pdf_rate.cpu_per_s;
  std::printf("pdf_seconds %.3f\npdf_seconds_wall %.3f\npdf_bytes %ju\n", pdf,
              1 / pdf_rate.wall_per_s,
              static_cast<uintmax_t>(std::filesystem::file_size(pdf_path)));
  if (pdf_out.empty()) std::filesystem::remove(pdf_path);

  const double encode_seconds = labels.size() / raw.cpu_per_s;
  std::printf("pdf_encode_seconds %.3f\npdf_over_encode %.2f\n", encode_seconds,
              pdf / encode_seconds);
  if (sink == 42) std::printf(" ");  // keep the work observable
  return 0;
}
