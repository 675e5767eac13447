#include "labelgen/qr.h"

#include <qrencode.h>

#include <cerrno>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace ocoptrace::labelgen {
namespace {

QRecLevel ToQrencodeLevel(EcLevel level) {
  switch (level) {
    case EcLevel::kL:
      return QR_ECLEVEL_L;
    case EcLevel::kM:
      return QR_ECLEVEL_M;
    case EcLevel::kQ:
      return QR_ECLEVEL_Q;
    case EcLevel::kH:
      return QR_ECLEVEL_H;
  }
  return QR_ECLEVEL_M;
}

struct QrcodeDeleter {
  void operator()(QRcode* code) const { QRcode_free(code); }
};

}  // namespace

const char* EcLevelName(EcLevel level) {
  switch (level) {
    case EcLevel::kL:
      return "L";
    case EcLevel::kM:
      return "M";
    case EcLevel::kQ:
      return "Q";
    case EcLevel::kH:
      return "H";
  }
  return "M";
}

absl::StatusOr<EcLevel> ParseEcLevel(std::string_view text) {
  if (text.size() == 1) {
    switch (text[0]) {
      case 'L':
      case 'l':
        return EcLevel::kL;
      case 'M':
      case 'm':
        return EcLevel::kM;
      case 'Q':
      case 'q':
        return EcLevel::kQ;
      case 'H':
      case 'h':
        return EcLevel::kH;
    }
  }
  return absl::InvalidArgumentError(
      absl::StrCat("error-correction level \"", std::string(text),
                   "\" is not known; use L, M, Q or H"));
}

absl::StatusOr<QrMatrix> EncodeQr(std::string_view text, EcLevel level) {
  if (text.empty()) {
    return absl::InvalidArgumentError(
        "QR text is empty; pass the label URL to encode");
  }
  if (text.find('\0') != std::string_view::npos) {
    return absl::InvalidArgumentError(
        "QR text contains a NUL byte; label URLs are printable ASCII");
  }
  const std::string terminated(text);
  errno = 0;
  std::unique_ptr<QRcode, QrcodeDeleter> code(QRcode_encodeString(
      terminated.c_str(), /*version=*/0, ToQrencodeLevel(level), QR_MODE_8,
      /*casesensitive=*/1));
  if (code == nullptr) {
    if (errno == ERANGE || errno == EINVAL) {
      return absl::InvalidArgumentError(absl::StrCat(
          "QR text of ", text.size(),
          " bytes does not fit in any QR version at level ", EcLevelName(level),
          "; shorten the URL or lower the level"));
    }
    return absl::InternalError(
        absl::StrCat("libqrencode failed with errno ", errno));
  }
  QrMatrix matrix;
  matrix.version = code->version;
  matrix.width = code->width;
  const size_t cells = static_cast<size_t>(code->width) * code->width;
  matrix.dark.resize(cells);
  for (size_t i = 0; i < cells; ++i) matrix.dark[i] = code->data[i] & 1;
  return matrix;
}

}  // namespace ocoptrace::labelgen
