#include "server/http/link_types.h"

#include <cctype>

#include "absl/strings/str_cat.h"

namespace ocoptrace::http {

std::vector<LinkTypeDef> DefaultLinkTypes() {
  std::vector<LinkTypeDef> types;
  types.push_back({.term = "pip",
                   .title_vi = "Thông tin sản phẩm",
                   .title_en = "Product information",
                   .media_type = "text/html",
                   .href_template = "{page}",
                   .levels = kAllLevels});
  types.push_back({.term = "certificationInfo",
                   .title_vi = "Chứng nhận OCOP",
                   .title_en = "OCOP certification",
                   .media_type = "text/html",
                   .href_template = "{page}#ocop",
                   .levels = kAllLevels,
                   .requires_certificates = true});
  types.push_back({.term = "traceability",
                   .title_vi = "Hành trình của lô hàng",
                   .title_en = "The batch's journey",
                   .media_type = "text/html",
                   .href_template = "{page}#journey",
                   .levels = kBatchLevel | kLabelLevel});
  types.push_back({.term = "traceability",
                   .title_vi = "Dữ liệu truy xuất (JSON)",
                   .title_en = "Traceability data (JSON)",
                   .media_type = "application/json",
                   .href_template = "{page}?format=json",
                   .levels = kBatchLevel | kLabelLevel,
                   .per_language = false});
  return types;
}

std::string LinkTypeTerm(std::string_view link_type) {
  static constexpr std::string_view kPrefixes[] = {
      "gs1:", "https://gs1.org/voc/", "http://gs1.org/voc/",
      "https://ref.gs1.org/voc/", "http://ref.gs1.org/voc/"};
  for (std::string_view prefix : kPrefixes) {
    if (link_type.size() > prefix.size() &&
        link_type.substr(0, prefix.size()) == prefix) {
      std::string_view term = link_type.substr(prefix.size());
      for (char c : term) {
        if (!std::isalnum(static_cast<unsigned char>(c))) return "";
      }
      return std::string(term);
    }
  }
  return "";
}

std::string LinkTypeUri(std::string_view term) {
  return absl::StrCat(std::string(kGs1VocabularyNamespace), std::string(term));
}

}  // namespace ocoptrace::http
