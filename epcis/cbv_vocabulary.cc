#include "epcis/cbv_vocabulary.h"

#include <algorithm>
#include <array>
#include <span>
#include <string>
#include <string_view>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "core/digital_link.h"

namespace ocoptrace::epcis {
namespace {

// Sorted, for binary search.
constexpr std::string_view kBizSteps[] = {
    "accepting",
    "arriving",
    "assembling",
    "collecting",
    "commissioning",
    "consigning",
    "creating_class_instance",
    "cycle_counting",
    "decommissioning",
    "departing",
    "destroying",
    "disassembling",
    "dispensing",
    "encoding",
    "entering_exiting",
    "holding",
    "inspecting",
    "installing",
    "killing",
    "loading",
    "other",
    "packing",
    "picking",
    "receiving",
    "removing",
    "repackaging",
    "repairing",
    "replacing",
    "reserving",
    "retail_selling",
    "sampling",
    "sensor_reporting",
    "shipping",
    "staging_outbound",
    "stock_taking",
    "stocking",
    "storing",
    "transporting",
    "unloading",
    "unpacking",
    "void_shipping",
};

constexpr std::string_view kDispositions[] = {
    "active",
    "available",
    "completeness_inferred",
    "completeness_verified",
    "conformant",
    "container_closed",
    "container_open",
    "damaged",
    "destroyed",
    "dispensed",
    "disposed",
    "encoded",
    "expired",
    "in_progress",
    "in_transit",
    "inactive",
    "mismatch_class",
    "mismatch_instance",
    "mismatch_quantity",
    "needs_replacement",
    "no_pedigree_match",
    "non_conformant",
    "non_sellable_other",
    "partially_dispensed",
    "recalled",
    "reserved",
    "retail_sold",
    "returned",
    "sellable_accessible",
    "sellable_not_accessible",
    "stolen",
    "unavailable",
    "unknown",
};

constexpr std::string_view kBizTransactionTypes[] = {
    "bol",       "cert",   "desadv", "inv",     "pedigree", "po",    "poc",
    "prodorder", "recadv", "rma",    "testprd", "testres",  "upevt",
};

constexpr std::string_view kSourceDestTypes[] = {"location", "owning_party",
                                                 "possessing_party"};

constexpr std::string_view kErrorReasons[] = {"did_not_occur",
                                              "incorrect_data"};

std::span<const std::string_view> Words(CbvVocabulary vocabulary) {
  switch (vocabulary) {
    case CbvVocabulary::kBizStep:
      return kBizSteps;
    case CbvVocabulary::kDisposition:
      return kDispositions;
    case CbvVocabulary::kBizTransactionType:
      return kBizTransactionTypes;
    case CbvVocabulary::kSourceDestType:
      return kSourceDestTypes;
    case CbvVocabulary::kErrorReason:
      return kErrorReasons;
  }
  return {};
}

constexpr std::string_view kCbvWebBase = "https://ref.gs1.org/cbv/";
constexpr std::string_view kCbvUrnBase = "urn:epcglobal:cbv:";

bool IsUriChar(char c) {
  if (absl::ascii_isalnum(static_cast<unsigned char>(c))) return true;
  return std::string_view("-._~:/?#[]@!$&'()*+,;=%").find(c) !=
         std::string_view::npos;
}

}  // namespace

std::string_view CbvWebUriInfix(CbvVocabulary vocabulary) {
  switch (vocabulary) {
    case CbvVocabulary::kBizStep:
      return "BizStep";
    case CbvVocabulary::kDisposition:
      return "Disp";
    case CbvVocabulary::kBizTransactionType:
      return "BTT";
    case CbvVocabulary::kSourceDestType:
      return "SDT";
    case CbvVocabulary::kErrorReason:
      return "ER";
  }
  return "";
}

std::string_view CbvUrnInfix(CbvVocabulary vocabulary) {
  switch (vocabulary) {
    case CbvVocabulary::kBizStep:
      return "bizstep";
    case CbvVocabulary::kDisposition:
      return "disp";
    case CbvVocabulary::kBizTransactionType:
      return "btt";
    case CbvVocabulary::kSourceDestType:
      return "sdt";
    case CbvVocabulary::kErrorReason:
      return "er";
  }
  return "";
}

bool IsCbvWord(CbvVocabulary vocabulary, std::string_view word) {
  std::span<const std::string_view> words = Words(vocabulary);
  return std::binary_search(words.begin(), words.end(), word);
}

CbvTerm ClassifyCbvTerm(CbvVocabulary vocabulary, std::string_view value) {
  if (IsCbvWord(vocabulary, value)) {
    return {CbvTermForm::kBareWord, std::string(value)};
  }
  const std::string web_prefix = absl::StrCat(
      std::string(kCbvWebBase), std::string(CbvWebUriInfix(vocabulary)), "-");
  if (value.starts_with(web_prefix)) {
    std::string_view word = value.substr(web_prefix.size());
    if (IsCbvWord(vocabulary, word)) {
      return {CbvTermForm::kWebUri, std::string(word)};
    }
  }
  if (value.starts_with(kCbvUrnBase)) {
    std::string_view rest = value.substr(kCbvUrnBase.size());
    const std::string infix =
        absl::StrCat(std::string(CbvUrnInfix(vocabulary)), ":");
    if (rest.starts_with(infix)) {
      return {CbvTermForm::kUrn, std::string(rest.substr(infix.size()))};
    }
    return {CbvTermForm::kUrn, std::string(value)};
  }
  if (LooksLikeAbsoluteUri(value)) {
    return {CbvTermForm::kOtherUri, std::string(value)};
  }
  return {CbvTermForm::kUnknown, std::string(value)};
}

std::string CbvWebUri(CbvVocabulary vocabulary, std::string_view word) {
  return absl::StrCat(std::string(kCbvWebBase),
                      std::string(CbvWebUriInfix(vocabulary)), "-",
                      std::string(word));
}

std::string OcopVocabularyUri(CbvVocabulary vocabulary, std::string_view word) {
  return absl::StrCat(kOcopNamespace, std::string(CbvWebUriInfix(vocabulary)),
                      "-", PercentEncodeDlValue(word));
}

bool LooksLikeAbsoluteUri(std::string_view value) {
  size_t colon = value.find(':');
  if (colon == std::string_view::npos || colon == 0 ||
      colon + 1 >= value.size()) {
    return false;
  }
  if (!absl::ascii_isalpha(static_cast<unsigned char>(value[0]))) return false;
  for (size_t i = 1; i < colon; ++i) {
    char c = value[i];
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '+' &&
        c != '-' && c != '.') {
      return false;
    }
  }
  for (size_t i = colon + 1; i < value.size(); ++i) {
    char c = value[i];
    if (!IsUriChar(c)) return false;
    if (c == '%') {
      if (i + 2 >= value.size() ||
          !absl::ascii_isxdigit(static_cast<unsigned char>(value[i + 1])) ||
          !absl::ascii_isxdigit(static_cast<unsigned char>(value[i + 2]))) {
        return false;
      }
    }
  }
  return true;
}

}  // namespace ocoptrace::epcis
