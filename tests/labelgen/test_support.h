// Helpers shared by the labelgen tests: realistic signed issuances (through
// core/label_payload.h and a fixed Ed25519 key), a real QR decoder (libzbar),
// PNG and PGM readers, temporary directories and running commands.
//
// Thread-safety: not thread-safe; tests call these from one thread.

#ifndef OCOPTRACE_TESTS_LABELGEN_TEST_SUPPORT_H_
#define OCOPTRACE_TESTS_LABELGEN_TEST_SUPPORT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "labelgen/issuance.h"

namespace ocoptrace::labelgen::testing {

inline constexpr char kProductName[] = "Miến dong Tài Hoan";
inline constexpr char kProducerName[] = "HTX Tài Hoan";
inline constexpr char kGtin[] = "08934563123451";
inline constexpr char kResolver[] = "https://tx.ocop.example.vn";

// `count` labels of one batch with serials from a seeded generator and
// URLs signed by a fixed test key; PINs of 8 digits when `pins`.
Issuance MakeSignedIssuance(int count, bool pins, uint64_t seed,
                            const std::string& resolver = kResolver,
                            const std::string& lot = "L2024A");

// A signed label URL for one serial.
std::string SignedUrl(const std::string& resolver, const std::string& lot,
                      const std::string& serial);

struct GrayImage {
  int width = 0;
  int height = 0;
  std::vector<uint8_t> pixels;  // row-major, 0 = black
  uint8_t At(int x, int y) const { return pixels[size_t(y) * width + x]; }
};

// Decodes any PNG to 8-bit gray.
absl::StatusOr<GrayImage> DecodePng(const std::string& png_bytes);
// Reads a binary PGM (P5, maxval 255) as written by `pdftoppm -gray`.
absl::StatusOr<GrayImage> ReadPgm(const std::string& path);
GrayImage Crop(const GrayImage& image, int x, int y, int width, int height);

// Every QR code zbar finds in `image`, as raw bytes (ZBAR_CFG_BINARY).
std::vector<std::string> DecodeQrCodes(const GrayImage& image);

// A fresh empty directory under $TMPDIR (or /tmp), removed with its
// contents when the test binary exits.
std::string MakeTempDir();
// Names of the entries of `dir`, sorted.
std::vector<std::string> ListDir(const std::string& dir);
std::string ReadFile(const std::string& path);
void WriteFile(const std::string& path, const std::string& contents);

// Runs `command` with /bin/sh; returns the exit status, and the combined
// stdout and stderr in `output` when not null.
int RunCommand(const std::string& command, std::string* output = nullptr);

}  // namespace ocoptrace::labelgen::testing

#endif  // OCOPTRACE_TESTS_LABELGEN_TEST_SUPPORT_H_
