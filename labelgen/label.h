// LabelData: everything printed on one serialised product label.
//
// A plain value; the renderers (label_render.h, svg.h, zpl.h) turn it into
// pixels, vectors or printer commands. Text fields are UTF-8; Vietnamese
// names should be in NFC (precomposed) form, which every renderer draws
// with the packaged font.
//
// Thread-safety: a plain struct; no synchronisation needed for const use.

#ifndef OCOPTRACE_LABELGEN_LABEL_H_
#define OCOPTRACE_LABELGEN_LABEL_H_

#include <string>

namespace ocoptrace::labelgen {

struct LabelData {
  std::string url;            // encoded in the QR, byte for byte
  std::string product_name;   // e.g. "Miến dong Tài Hoan"
  std::string producer_name;  // e.g. "HTX Tài Hoan"; empty = not printed
  std::string lot;            // GS1 AI 10, printed as "Lô: <lot>"
  std::string serial;         // GS1 AI 21, printed as "Số sê-ri: <serial>"
  std::string pin;            // scratch-off PIN; empty = no PIN area
  int stars = 0;              // OCOP stars 3..5; 0 = no active certificate
  std::string expiry;  // "YYYY-MM-DD" (printed dd/mm/yyyy) or free text; empty
                       // = not printed
};

// The fixed line every label carries under the identifiers.
inline constexpr char kScanPrompt[] = "Quét mã để truy xuất nguồn gốc";

}  // namespace ocoptrace::labelgen

#endif  // OCOPTRACE_LABELGEN_LABEL_H_
