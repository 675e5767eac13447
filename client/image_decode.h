// Reading label QR codes from pictures: a phone photo (JPEG or PNG) of one
// label or of a printed sheet of labels, or a rasterised PDF page (PNG,
// PPM/PGM from pdftoppm). Images are decoded to 8-bit grey and scanned with
// libzbar; every QR code found is returned, largest first, so that a photo
// of a whole sheet yields every label on it.
//
// Thread-safety: pure functions; each call uses its own zbar scanner.

#ifndef OCOPTRACE_CLIENT_IMAGE_DECODE_H_
#define OCOPTRACE_CLIENT_IMAGE_DECODE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace ocoptrace::client {

// An 8-bit greyscale image, rows top to bottom, `width` bytes a row.
struct GrayImage {
  int width = 0;
  int height = 0;
  std::vector<uint8_t> pixels;
};

// Decodes PNG, JPEG or binary PPM/PGM (P5/P6) bytes, told apart by their
// first bytes. InvalidArgument naming the format and what is wrong for a
// corrupt or unsupported file ("not a PNG, JPEG or PPM/PGM image").
absl::StatusOr<GrayImage> DecodeImage(std::string_view bytes);

// Reads and decodes the file at `path`. NotFound when it does not exist;
// the errors of DecodeImage otherwise, with the path in the message.
absl::StatusOr<GrayImage> LoadImage(const std::string& path);

// One QR code found in an image: its text and its bounding box in pixels.
struct FoundCode {
  std::string text;
  int left = 0;
  int top = 0;
  int width = 0;
  int height = 0;
  int64_t area() const { return static_cast<int64_t>(width) * height; }
};

// Every QR code in `image`, largest bounding box first (ties: top to
// bottom, then left to right), each text once. Scans the image as it is
// and, when that finds nothing, halved (which helps with large, slightly
// blurred phone photos). Empty when there is none.
std::vector<FoundCode> FindQrCodes(const GrayImage& image);

}  // namespace ocoptrace::client

#endif  // OCOPTRACE_CLIENT_IMAGE_DECODE_H_
