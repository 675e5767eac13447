#include "tests/labelgen/test_support.h"

#include <png.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <zbar.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "core/ed25519.h"
#include "core/label_payload.h"
#include "core/random.h"

namespace ocoptrace::labelgen::testing {
namespace {

const Ed25519PrivateKey& TestKey() {
  static const auto* key = new Ed25519PrivateKey(
      *Ed25519PrivateKey::FromSeed(std::string(32, '\x42')));
  return *key;
}

}  // namespace

std::string SignedUrl(const std::string& resolver, const std::string& lot,
                      const std::string& serial) {
  const std::string signature =
      TestKey().Sign(LabelSigningInput(kGtin, lot, serial));
  return FormatLabelUrl(resolver, kGtin, lot, serial, signature);
}

Issuance MakeSignedIssuance(int count, bool pins, uint64_t seed,
                            const std::string& resolver,
                            const std::string& lot) {
  Issuance issuance;
  IssuanceHeader& h = issuance.header;
  h.gtin = kGtin;
  h.lot = lot;
  h.product_name = kProductName;
  h.producer_name = kProducerName;
  h.stars = 4;
  h.certificate = "BK-OCOP-2024-017";
  h.valid_until = "2027-01-01";
  h.expiry = "2026-06-30";
  h.resolver = resolver;
  h.issued_at = "2026-11-29T10:00:00+07:00";
  h.pins = pins;
  SeededRandom random(seed);
  for (int i = 0; i < count; ++i) {
    IssuedLabel label;
    label.serial = GenerateSerial(random);
    label.url = SignedUrl(resolver, lot, label.serial);
    if (pins) {
      uint8_t bytes[4];
      random.Fill(bytes, sizeof(bytes));
      const uint32_t value = (uint32_t{bytes[0]} << 24 | bytes[1] << 16 |
                              bytes[2] << 8 | bytes[3]) %
                             100000000u;
      char digits[9];
      std::snprintf(digits, sizeof(digits), "%08u", value);
      label.pin = digits;
    }
    issuance.labels.push_back(std::move(label));
  }
  return issuance;
}

absl::StatusOr<GrayImage> DecodePng(const std::string& png_bytes) {
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_memory(&image, png_bytes.data(),
                                        png_bytes.size())) {
    return absl::InvalidArgumentError(
        absl::StrCat("not a PNG: ", image.message));
  }
  image.format = PNG_FORMAT_GRAY;
  GrayImage out;
  out.width = static_cast<int>(image.width);
  out.height = static_cast<int>(image.height);
  out.pixels.resize(PNG_IMAGE_SIZE(image));
  if (!png_image_finish_read(&image, nullptr, out.pixels.data(), 0, nullptr)) {
    return absl::InvalidArgumentError(absl::StrCat("bad PNG: ", image.message));
  }
  return out;
}

absl::StatusOr<GrayImage> ReadPgm(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string magic;
  int width = 0, height = 0, maxval = 0;
  in >> magic >> width >> height >> maxval;
  in.get();
  if (!in || magic != "P5" || maxval != 255 || width <= 0 || height <= 0) {
    return absl::InvalidArgumentError(absl::StrCat(path, " is not a P5 PGM"));
  }
  GrayImage out;
  out.width = width;
  out.height = height;
  out.pixels.resize(size_t(width) * height);
  in.read(reinterpret_cast<char*>(out.pixels.data()), out.pixels.size());
  if (!in) return absl::InvalidArgumentError(absl::StrCat(path, " truncated"));
  return out;
}

GrayImage Crop(const GrayImage& image, int x, int y, int width, int height) {
  x = std::clamp(x, 0, image.width);
  y = std::clamp(y, 0, image.height);
  width = std::min(width, image.width - x);
  height = std::min(height, image.height - y);
  GrayImage out;
  out.width = width;
  out.height = height;
  out.pixels.resize(size_t(width) * height);
  for (int row = 0; row < height; ++row) {
    std::copy_n(image.pixels.begin() + size_t(y + row) * image.width + x, width,
                out.pixels.begin() + size_t(row) * width);
  }
  return out;
}

std::vector<std::string> DecodeQrCodes(const GrayImage& image) {
  using namespace zbar;  // NOLINT: zbar.h declares its C API in it for C++
  zbar_image_scanner_t* scanner = zbar_image_scanner_create();
  zbar_image_scanner_set_config(scanner, ZBAR_NONE, ZBAR_CFG_ENABLE, 0);
  zbar_image_scanner_set_config(scanner, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
  zbar_image_scanner_set_config(scanner, ZBAR_QRCODE, ZBAR_CFG_BINARY, 1);
  zbar_image_t* zimage = zbar_image_create();
  zbar_image_set_format(zimage, zbar_fourcc('Y', '8', '0', '0'));
  zbar_image_set_size(zimage, image.width, image.height);
  zbar_image_set_data(zimage, image.pixels.data(), image.pixels.size(),
                      nullptr);
  std::vector<std::string> results;
  if (zbar_scan_image(scanner, zimage) > 0) {
    for (const zbar_symbol_t* symbol = zbar_image_first_symbol(zimage);
         symbol != nullptr; symbol = zbar_symbol_next(symbol)) {
      results.emplace_back(zbar_symbol_get_data(symbol),
                           zbar_symbol_get_data_length(symbol));
    }
  }
  zbar_image_destroy(zimage);
  zbar_image_scanner_destroy(scanner);
  return results;
}

std::vector<std::string>& TempDirs() {
  static auto* dirs = new std::vector<std::string>;
  return *dirs;
}

void RemoveTempDirs() {
  for (const std::string& dir : TempDirs()) {
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
  }
}

std::string MakeTempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string templ = absl::StrCat(base != nullptr && *base ? base : "/tmp",
                                   "/labelgen-test-XXXXXX");
  if (mkdtemp(templ.data()) == nullptr) std::abort();
  if (TempDirs().empty()) std::atexit(RemoveTempDirs);
  TempDirs().push_back(templ);
  return templ;
}

std::vector<std::string> ListDir(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

void WriteFile(const std::string& path, const std::string& contents) {
  std::ofstream out(path, std::ios::binary);
  out << contents;
}

int RunCommand(const std::string& command, std::string* output) {
  FILE* pipe = popen(absl::StrCat(command, " 2>&1").c_str(), "r");
  if (pipe == nullptr) return -1;
  std::string text;
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0)
    text.append(buffer, n);
  const int status = pclose(pipe);
  if (output != nullptr) *output = text;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace ocoptrace::labelgen::testing
