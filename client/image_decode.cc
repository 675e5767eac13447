#include "client/image_decode.h"

#include <jpeglib.h>
#include <png.h>
#include <zbar.h>

#include <algorithm>
#include <csetjmp>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

#include "absl/strings/str_cat.h"

namespace ocoptrace::client {
namespace {

using namespace zbar;  // NOLINT: the C API is declared in namespace zbar in
                       // C++.

bool StartsWith(std::string_view bytes, std::string_view magic) {
  return bytes.substr(0, magic.size()) == magic;
}

absl::StatusOr<GrayImage> DecodePng(std::string_view bytes) {
  png_image png;
  std::memset(&png, 0, sizeof(png));
  png.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_memory(&png, bytes.data(), bytes.size())) {
    return absl::InvalidArgumentError(
        absl::StrCat("PNG image does not decode: ", png.message));
  }
  png.format = PNG_FORMAT_GRAY;
  GrayImage image;
  image.width = static_cast<int>(png.width);
  image.height = static_cast<int>(png.height);
  image.pixels.resize(PNG_IMAGE_SIZE(png));
  // Transparent parts are composed over white, like paper.
  png_color white = {255, 255, 255};
  if (!png_image_finish_read(&png, &white, image.pixels.data(), 0, nullptr)) {
    std::string message = png.message;
    png_image_free(&png);
    return absl::InvalidArgumentError(
        absl::StrCat("PNG image does not decode: ", message));
  }
  return image;
}

struct JpegError {
  jpeg_error_mgr manager;
  std::jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
};

// Corrupt-data warnings are not printed: a bad photo is reported as a
// status, or decodes well enough to scan.
void IgnoreJpegMessage(j_common_ptr) {}

void OnJpegError(j_common_ptr info) {
  JpegError* error = reinterpret_cast<JpegError*>(info->err);
  (*info->err->format_message)(info, error->message);
  std::longjmp(error->jump, 1);
}

// Decodes into `pixels` (sized here); returns false with `error.message`
// set on failure. No C++ objects with destructors live across setjmp.
bool DecodeJpegInto(const unsigned char* data, size_t size, JpegError& error,
                    std::vector<uint8_t>& pixels, int& width, int& height) {
  jpeg_decompress_struct info;
  info.err = jpeg_std_error(&error.manager);
  error.manager.error_exit = OnJpegError;
  error.manager.output_message = IgnoreJpegMessage;
  if (setjmp(error.jump)) {
    jpeg_destroy_decompress(&info);
    return false;
  }
  jpeg_create_decompress(&info);
  jpeg_mem_src(&info, data, static_cast<unsigned long>(size));
  jpeg_read_header(&info, TRUE);
  info.out_color_space = JCS_GRAYSCALE;
  jpeg_start_decompress(&info);
  width = static_cast<int>(info.output_width);
  height = static_cast<int>(info.output_height);
  pixels.resize(static_cast<size_t>(width) * height);
  while (info.output_scanline < info.output_height) {
    JSAMPROW row = pixels.data() + static_cast<size_t>(info.output_scanline) *
                                       static_cast<size_t>(width);
    jpeg_read_scanlines(&info, &row, 1);
  }
  jpeg_finish_decompress(&info);
  jpeg_destroy_decompress(&info);
  return true;
}

absl::StatusOr<GrayImage> DecodeJpeg(std::string_view bytes) {
  JpegError error;
  error.message[0] = '\0';
  GrayImage image;
  if (!DecodeJpegInto(reinterpret_cast<const unsigned char*>(bytes.data()),
                      bytes.size(), error, image.pixels, image.width,
                      image.height)) {
    return absl::InvalidArgumentError(
        absl::StrCat("JPEG image does not decode: ", error.message));
  }
  return image;
}

// Binary PGM (P5) or PPM (P6) with maxval 255, as pdftoppm writes.
absl::StatusOr<GrayImage> DecodePnm(std::string_view bytes) {
  const bool colour = bytes[1] == '6';
  size_t pos = 2;
  int values[3] = {0, 0, 0};
  for (int& value : values) {
    // Whitespace and comments between the header fields.
    while (pos < bytes.size()) {
      if (bytes[pos] == '#') {
        while (pos < bytes.size() && bytes[pos] != '\n') ++pos;
      } else if (std::isspace(static_cast<unsigned char>(bytes[pos]))) {
        ++pos;
      } else {
        break;
      }
    }
    if (pos >= bytes.size() ||
        !std::isdigit(static_cast<unsigned char>(bytes[pos]))) {
      return absl::InvalidArgumentError(
          "PPM/PGM image: header is not width, height and maxval");
    }
    while (pos < bytes.size() &&
           std::isdigit(static_cast<unsigned char>(bytes[pos]))) {
      value = value * 10 + (bytes[pos] - '0');
      if (value > 100000) {
        return absl::InvalidArgumentError(
            "PPM/PGM image: header value too large");
      }
      ++pos;
    }
  }
  ++pos;  // The single whitespace byte before the raster.
  if (values[2] != 255) {
    return absl::InvalidArgumentError(
        "PPM/PGM image: only 8-bit images (maxval 255) are supported");
  }
  GrayImage image;
  image.width = values[0];
  image.height = values[1];
  const size_t channels = colour ? 3 : 1;
  const size_t count = static_cast<size_t>(image.width) * image.height;
  if (pos > bytes.size() || bytes.size() - pos < count * channels) {
    return absl::InvalidArgumentError("PPM/PGM image: raster is truncated");
  }
  image.pixels.resize(count);
  const auto* raster = reinterpret_cast<const uint8_t*>(bytes.data() + pos);
  for (size_t i = 0; i < count; ++i) {
    if (colour) {
      const uint8_t* rgb = raster + 3 * i;
      image.pixels[i] = static_cast<uint8_t>(
          (299 * rgb[0] + 587 * rgb[1] + 114 * rgb[2]) / 1000);
    } else {
      image.pixels[i] = raster[i];
    }
  }
  return image;
}

// Every QR code zbar finds in `image`, boxes scaled by `scale`.
std::vector<FoundCode> Scan(const GrayImage& image, int scale) {
  std::vector<FoundCode> found;
  if (image.width == 0 || image.height == 0) return found;
  zbar_image_scanner_t* scanner = zbar_image_scanner_create();
  zbar_image_scanner_set_config(scanner, ZBAR_NONE, ZBAR_CFG_ENABLE, 0);
  zbar_image_scanner_set_config(scanner, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
  zbar_image_t* zimage = zbar_image_create();
  zbar_image_set_format(zimage, zbar_fourcc('Y', '8', '0', '0'));
  zbar_image_set_size(zimage, static_cast<unsigned>(image.width),
                      static_cast<unsigned>(image.height));
  zbar_image_set_data(zimage, image.pixels.data(), image.pixels.size(),
                      nullptr);
  if (zbar_scan_image(scanner, zimage) > 0) {
    for (const zbar_symbol_t* symbol = zbar_image_first_symbol(zimage);
         symbol != nullptr; symbol = zbar_symbol_next(symbol)) {
      FoundCode code;
      code.text.assign(zbar_symbol_get_data(symbol),
                       zbar_symbol_get_data_length(symbol));
      int min_x = image.width, min_y = image.height, max_x = 0, max_y = 0;
      const unsigned points = zbar_symbol_get_loc_size(symbol);
      for (unsigned i = 0; i < points; ++i) {
        min_x = std::min(min_x, zbar_symbol_get_loc_x(symbol, i));
        max_x = std::max(max_x, zbar_symbol_get_loc_x(symbol, i));
        min_y = std::min(min_y, zbar_symbol_get_loc_y(symbol, i));
        max_y = std::max(max_y, zbar_symbol_get_loc_y(symbol, i));
      }
      if (points == 0) min_x = min_y = max_x = max_y = 0;
      code.left = min_x * scale;
      code.top = min_y * scale;
      code.width = (max_x - min_x) * scale;
      code.height = (max_y - min_y) * scale;
      found.push_back(std::move(code));
    }
  }
  zbar_image_destroy(zimage);
  zbar_image_scanner_destroy(scanner);
  return found;
}

GrayImage Halve(const GrayImage& image) {
  GrayImage half;
  half.width = image.width / 2;
  half.height = image.height / 2;
  half.pixels.resize(static_cast<size_t>(half.width) * half.height);
  for (int y = 0; y < half.height; ++y) {
    for (int x = 0; x < half.width; ++x) {
      const size_t top = static_cast<size_t>(2 * y) * image.width + 2 * x;
      const size_t bottom = top + image.width;
      half.pixels[static_cast<size_t>(y) * half.width + x] =
          static_cast<uint8_t>((image.pixels[top] + image.pixels[top + 1] +
                                image.pixels[bottom] +
                                image.pixels[bottom + 1] + 2) /
                               4);
    }
  }
  return half;
}

}  // namespace

absl::StatusOr<GrayImage> DecodeImage(std::string_view bytes) {
  if (StartsWith(bytes, "\x89PNG\r\n\x1a\n")) return DecodePng(bytes);
  if (StartsWith(bytes, "\xff\xd8\xff")) return DecodeJpeg(bytes);
  if (bytes.size() > 2 && bytes[0] == 'P' &&
      (bytes[1] == '5' || bytes[1] == '6')) {
    return DecodePnm(bytes);
  }
  return absl::InvalidArgumentError(
      "not a PNG, JPEG or binary PPM/PGM image (take the photo as JPEG or "
      "PNG; rasterise PDFs with pdftoppm -png)");
}

absl::StatusOr<GrayImage> LoadImage(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(
        absl::StrCat("image ", path, ": cannot open it"));
  }
  std::ostringstream contents;
  contents << in.rdbuf();
  absl::StatusOr<GrayImage> image = DecodeImage(contents.str());
  if (!image.ok()) {
    return absl::Status(
        image.status().code(),
        absl::StrCat("image ", path, ": ", image.status().message()));
  }
  return image;
}

std::vector<FoundCode> FindQrCodes(const GrayImage& image) {
  std::vector<FoundCode> found = Scan(image, 1);
  if (found.empty() && image.width >= 200 && image.height >= 200) {
    found = Scan(Halve(image), 2);
  }
  std::stable_sort(found.begin(), found.end(),
                   [](const FoundCode& a, const FoundCode& b) {
                     if (a.area() != b.area()) return a.area() > b.area();
                     if (a.top != b.top) return a.top < b.top;
                     return a.left < b.left;
                   });
  std::set<std::string> seen;
  std::vector<FoundCode> unique;
  for (FoundCode& code : found) {
    if (seen.insert(code.text).second) unique.push_back(std::move(code));
  }
  return unique;
}

}  // namespace ocoptrace::client
