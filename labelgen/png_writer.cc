#include "labelgen/png_writer.h"

#include <png.h>
#include <zlib.h>

#include <csetjmp>
#include <cstring>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace ocoptrace::labelgen {
namespace {

void AppendToString(png_structp png, png_bytep data, png_size_t length) {
  auto* out = static_cast<std::string*>(png_get_io_ptr(png));
  out->append(reinterpret_cast<const char*>(data), length);
}

void FlushNothing(png_structp) {}

// What one PNG image looks like; rows are produced by `row_for`, so that
// the QR path can repeat one row buffer for every pixel row of a module.
struct PngJob {
  int width;
  int height;
  int bit_depth;
  uint32_t pixels_per_dot_meter;
  int compression_level;
  int filter;
  const uint8_t* (*row_for)(const void* context, int y);
  const void* context;
};

// Runs libpng over `job`, appending to `out`. Only trivially destructible
// objects live in this frame, so libpng's longjmp on error is safe.
bool WritePng(const PngJob& job, std::string* out) {
  png_structp png =
      png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
  if (png == nullptr) return false;
  png_infop info = png_create_info_struct(png);
  if (info == nullptr) {
    png_destroy_write_struct(&png, nullptr);
    return false;
  }
  if (setjmp(png_jmpbuf(png))) {
    png_destroy_write_struct(&png, &info);
    return false;
  }
  png_set_write_fn(png, out, AppendToString, FlushNothing);
  png_set_compression_level(png, job.compression_level);
  png_set_filter(png, PNG_FILTER_TYPE_BASE, job.filter);
  png_set_IHDR(png, info, job.width, job.height, job.bit_depth,
               PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE,
               PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  if (job.pixels_per_dot_meter > 0) {
    png_set_pHYs(png, info, job.pixels_per_dot_meter, job.pixels_per_dot_meter,
                 PNG_RESOLUTION_METER);
  }
  png_write_info(png, info);
  for (int y = 0; y < job.height; ++y) {
    png_write_row(png, const_cast<png_bytep>(job.row_for(job.context, y)));
  }
  png_write_end(png, info);
  png_destroy_write_struct(&png, &info);
  return true;
}

struct QrRows {
  const std::vector<uint8_t>* packed;  // one packed row per module row + blank
  int row_bytes;
  int pixels_per_module;
  int quiet;
  int modules;  // symbol width
};

const uint8_t* QrRowFor(const void* context, int y) {
  const auto* rows = static_cast<const QrRows*>(context);
  const int module_row = y / rows->pixels_per_module - rows->quiet;
  // Index `modules` holds the all-white row used for the quiet zone.
  const int index = (module_row < 0 || module_row >= rows->modules)
                        ? rows->modules
                        : module_row;
  return rows->packed->data() + static_cast<size_t>(index) * rows->row_bytes;
}

struct GrayRows {
  const uint8_t* pixels;
  int stride;
};

const uint8_t* GrayRowFor(const void* context, int y) {
  const auto* rows = static_cast<const GrayRows*>(context);
  return rows->pixels + static_cast<size_t>(y) * rows->stride;
}

}  // namespace

absl::StatusOr<std::string> RenderQrPng(const QrMatrix& qr,
                                        int pixels_per_module,
                                        int quiet_zone_modules,
                                        uint32_t pixels_per_dot_meter) {
  if (pixels_per_module < 1 || pixels_per_module > 100) {
    return absl::InvalidArgumentError(
        absl::StrCat("pixels per module ", pixels_per_module,
                     " is out of range; use 1 to 100"));
  }
  if (quiet_zone_modules < 4 || quiet_zone_modules > 100) {
    return absl::InvalidArgumentError(absl::StrCat(
        "quiet zone of ", quiet_zone_modules,
        " modules is out of range; QR needs at least 4 (max 100)"));
  }
  if (qr.width <= 0 ||
      qr.dark.size() != static_cast<size_t>(qr.width) * qr.width) {
    return absl::InvalidArgumentError("QR matrix is empty or inconsistent");
  }
  const int side = (qr.width + 2 * quiet_zone_modules) * pixels_per_module;
  const int row_bytes = (side + 7) / 8;
  // Packed 1-bit rows (1 = white in PNG grayscale), one per module row, plus
  // a final all-white row for the quiet zone.
  std::vector<uint8_t> packed(static_cast<size_t>(qr.width + 1) * row_bytes,
                              0xFF);
  for (int my = 0; my < qr.width; ++my) {
    uint8_t* row = packed.data() + static_cast<size_t>(my) * row_bytes;
    const uint8_t* modules =
        qr.dark.data() + static_cast<size_t>(my) * qr.width;
    for (int mx = 0; mx < qr.width; ++mx) {
      if (!modules[mx]) continue;
      const int x0 = (mx + quiet_zone_modules) * pixels_per_module;
      for (int x = x0; x < x0 + pixels_per_module; ++x) {
        row[x >> 3] &= static_cast<uint8_t>(~(0x80u >> (x & 7)));
      }
    }
  }
  QrRows rows{&packed, row_bytes, pixels_per_module, quiet_zone_modules,
              qr.width};
  // Level 1 with the "none" filter: QR rows are long runs that deflate well
  // anyway, and this is several times faster than the defaults.
  PngJob job{side,     side, 1, pixels_per_dot_meter, 1, PNG_FILTER_NONE,
             QrRowFor, &rows};
  std::string out;
  out.reserve(static_cast<size_t>(row_bytes) * side / 8 + 128);
  if (!WritePng(job, &out)) {
    return absl::InternalError("libpng failed while writing the QR PNG");
  }
  return out;
}

absl::StatusOr<std::string> EncodeGrayPng(const uint8_t* pixels, int width,
                                          int height, int stride,
                                          uint32_t pixels_per_dot_meter) {
  if (width <= 0 || height <= 0 || stride < width || pixels == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(
        "image of ", width, "x", height, " pixels is empty or malformed"));
  }
  GrayRows rows{pixels, stride};
  // Label rasters are mostly white with text: level 2 and the "up" filter
  // make files ~25 % larger than the defaults at about twice the speed.
  PngJob job{width, height,        8,          pixels_per_dot_meter,
             2,     PNG_FILTER_UP, GrayRowFor, &rows};
  std::string out;
  if (!WritePng(job, &out)) {
    return absl::InternalError("libpng failed while writing the label PNG");
  }
  return out;
}

}  // namespace ocoptrace::labelgen
