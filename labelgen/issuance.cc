#include "labelgen/issuance.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "core/gs1.h"
#include "core/label_payload.h"
#include "labelgen/utf8.h"

namespace ocoptrace::labelgen {
namespace {

using Json = nlohmann::json;

bool IsDate(const std::string& text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(text[i]))) return false;
  }
  const int month = std::stoi(text.substr(5, 2));
  const int day = std::stoi(text.substr(8, 2));
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

// Error builder bound to one line of the file.
class LineErrors {
 public:
  LineErrors(std::string_view source, int line)
      : prefix_(absl::StrCat(std::string(source), " line ", line, ": ")) {}
  absl::Status Error(const std::string& message) const {
    return absl::InvalidArgumentError(absl::StrCat(prefix_, message));
  }

 private:
  std::string prefix_;
};

// Reads an optional string field; absent or null leaves `out` empty.
absl::Status GetString(const Json& object, const char* field,
                       const LineErrors& errors, bool required,
                       std::string* out) {
  auto it = object.find(field);
  if (it == object.end() || it->is_null()) {
    if (required) {
      return errors.Error(
          absl::StrCat("field \"", field, "\" is missing; add it as a string"));
    }
    return absl::OkStatus();
  }
  if (!it->is_string()) {
    return errors.Error(absl::StrCat(
        "field \"", field, "\" must be a string, not ", it->type_name()));
  }
  *out = it->get<std::string>();
  if (required && out->empty()) {
    return errors.Error(absl::StrCat("field \"", field, "\" is empty"));
  }
  return absl::OkStatus();
}

// Core's identifier check, with the line prefix.
absl::Status WithLine(const absl::Status& status, const LineErrors& errors) {
  if (status.ok()) return status;
  return errors.Error(std::string(status.message()));
}

absl::Status ParseHeader(const Json& object, const LineErrors& errors,
                         IssuanceHeader* header) {
  std::string format;
  absl::Status s = GetString(object, "format", errors, true, &format);
  if (!s.ok()) return s;
  if (format != kIssuanceFormat) {
    return errors.Error(absl::StrCat(
        "field \"format\" is \"", format, "\"; this labelgen reads \"",
        kIssuanceFormat, "\" (the first line must be the header)"));
  }
  const struct {
    const char* name;
    bool required;
    std::string* out;
  } strings[] = {{"gtin", true, &header->gtin},
                 {"lot", true, &header->lot},
                 {"product_name", true, &header->product_name},
                 {"producer_name", false, &header->producer_name},
                 {"certificate", false, &header->certificate},
                 {"valid_until", false, &header->valid_until},
                 {"expiry", false, &header->expiry},
                 {"resolver", false, &header->resolver},
                 {"label_key", false, &header->label_key},
                 {"issued_at", false, &header->issued_at}};
  for (const auto& field : strings) {
    s = GetString(object, field.name, errors, field.required, field.out);
    if (!s.ok()) return s;
  }
  if (header->gtin.size() != 14 ||
      !std::all_of(header->gtin.begin(), header->gtin.end(),
                   [](char c) { return c >= '0' && c <= '9'; })) {
    return errors.Error(absl::StrCat("field \"gtin\" is \"", header->gtin,
                                     "\"; give the 14-digit GTIN (pad a "
                                     "GTIN-13 with a leading 0)"));
  }
  if (!HasValidGs1CheckDigit(header->gtin)) {
    return errors.Error(absl::StrCat(
        "field \"gtin\": the check digit of ", header->gtin, " should be ",
        Gs1CheckDigit(header->gtin.substr(0, 13)), "; copy the GTIN again"));
  }
  s = WithLine(ValidateLot(header->lot), errors);
  if (!s.ok()) return s;
  for (const auto* field : {"product_name", "producer_name"}) {
    const std::string& value = std::string(field) == "product_name"
                                   ? header->product_name
                                   : header->producer_name;
    if (!IsValidUtf8(value)) {
      return errors.Error(
          absl::StrCat("field \"", field, "\" is not valid UTF-8"));
    }
  }
  for (const auto& [name, value] : {std::pair<const char*, const std::string*>{
                                        "valid_until", &header->valid_until},
                                    {"expiry", &header->expiry}}) {
    if (!value->empty() && !IsDate(*value)) {
      return errors.Error(absl::StrCat("field \"", name, "\" is \"", *value,
                                       "\"; write the date as YYYY-MM-DD"));
    }
  }
  if (auto it = object.find("stars"); it != object.end() && !it->is_null()) {
    if (!it->is_number_integer()) {
      return errors.Error(
          "field \"stars\" must be a whole number (0, 3, 4 or 5)");
    }
    header->stars = it->get<int>();
    if (header->stars != 0 && (header->stars < 3 || header->stars > 5)) {
      return errors.Error(absl::StrCat(
          "field \"stars\" is ", header->stars,
          "; OCOP certificates have 3 to 5 stars, use 0 for none"));
    }
  }
  if (auto it = object.find("pins"); it != object.end() && !it->is_null()) {
    if (!it->is_boolean()) {
      return errors.Error("field \"pins\" must be true or false");
    }
    header->pins = it->get<bool>();
  }
  return absl::OkStatus();
}

absl::Status ParseLabel(const Json& object, const IssuanceHeader& header,
                        const LineErrors& errors, IssuedLabel* label) {
  absl::Status s = GetString(object, "serial", errors, true, &label->serial);
  if (!s.ok()) return s;
  s = WithLine(ValidateSerial(label->serial), errors);
  if (!s.ok()) return s;
  s = GetString(object, "url", errors, true, &label->url);
  if (!s.ok()) return s;
  for (size_t i = 0; i < label->url.size(); ++i) {
    const auto c = static_cast<unsigned char>(label->url[i]);
    if (c <= 0x20 || c >= 0x7F) {
      return errors.Error(
          absl::StrCat("field \"url\": byte ", i + 1,
                       " is not printable ASCII; percent-encode the URL"));
    }
  }
  absl::StatusOr<LabelClaim> claim = ParseLabelUrl(label->url);
  if (!claim.ok()) {
    return errors.Error(
        absl::StrCat("field \"url\": ", claim.status().message()));
  }
  if (claim->gtin14 != header.gtin || claim->lot != header.lot ||
      claim->serial != label->serial) {
    return errors.Error(absl::StrCat("field \"url\" is for (01)", claim->gtin14,
                                     "(10)", claim->lot, "(21)", claim->serial,
                                     " but this line is (01)", header.gtin,
                                     "(10)", header.lot, "(21)", label->serial,
                                     "; the URL belongs to another label"));
  }
  s = GetString(object, "pin", errors, false, &label->pin);
  if (!s.ok()) return s;
  if (header.pins) {
    if (label->pin.empty()) {
      return errors.Error(
          "field \"pin\" is missing but the header says \"pins\":true");
    }
    if (label->pin.size() < 8 || label->pin.size() > 10 ||
        !std::all_of(label->pin.begin(), label->pin.end(),
                     [](char c) { return c >= '0' && c <= '9'; })) {
      return errors.Error(absl::StrCat("field \"pin\" is \"", label->pin,
                                       "\"; a PIN is 8 to 10 digits"));
    }
  } else if (!label->pin.empty()) {
    return errors.Error(
        "field \"pin\" is given but the header says \"pins\":false; set "
        "\"pins\":true in the header or drop the pin");
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Issuance> ParseIssuance(std::string_view contents,
                                       std::string_view source) {
  Issuance issuance;
  bool have_header = false;
  std::map<std::string, int> serial_lines;
  int line_number = 0;
  size_t start = 0;
  while (start < contents.size()) {
    size_t end = contents.find('\n', start);
    if (end == std::string_view::npos) end = contents.size();
    std::string_view line = contents.substr(start, end - start);
    start = end + 1;
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
    const LineErrors errors(source, line_number);
    Json object = Json::parse(line.begin(), line.end(), nullptr,
                              /*allow_exceptions=*/false);
    if (object.is_discarded() || !object.is_object()) {
      return errors.Error(
          have_header ? "not a JSON object; each label line is {\"serial\":...,"
                        "\"url\":...}"
                      : "not a JSON object; the first line must be the header "
                        "{\"format\":\"ocoptrace/issuance/v1\",...}");
    }
    if (!have_header) {
      absl::Status s = ParseHeader(object, errors, &issuance.header);
      if (!s.ok()) return s;
      have_header = true;
      continue;
    }
    IssuedLabel label;
    absl::Status s = ParseLabel(object, issuance.header, errors, &label);
    if (!s.ok()) return s;
    auto [it, inserted] = serial_lines.emplace(label.serial, line_number);
    if (!inserted) {
      return errors.Error(absl::StrCat("serial ", label.serial,
                                       " repeats the one on line ", it->second,
                                       "; every label needs its own serial"));
    }
    issuance.labels.push_back(std::move(label));
  }
  if (!have_header) {
    return absl::InvalidArgumentError(
        absl::StrCat(std::string(source),
                     " is empty; the first line must be the header "
                     "{\"format\":\"ocoptrace/issuance/v1\",...}"));
  }
  if (issuance.labels.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(std::string(source),
                     " has a header but no label lines; nothing to render"));
  }
  return issuance;
}

absl::StatusOr<Issuance> ReadIssuanceFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(absl::StrCat("cannot open issuance file ", path,
                                            "; check the --in path"));
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return ParseIssuance(buffer.str(), path);
}

std::string FormatIssuance(const Issuance& issuance) {
  const IssuanceHeader& h = issuance.header;
  Json header = Json::object();
  header["format"] = kIssuanceFormat;
  header["gtin"] = h.gtin;
  header["lot"] = h.lot;
  header["product_name"] = h.product_name;
  if (!h.producer_name.empty()) header["producer_name"] = h.producer_name;
  header["stars"] = h.stars;
  if (!h.certificate.empty()) header["certificate"] = h.certificate;
  if (!h.valid_until.empty()) header["valid_until"] = h.valid_until;
  if (!h.expiry.empty()) header["expiry"] = h.expiry;
  if (!h.resolver.empty()) header["resolver"] = h.resolver;
  if (!h.label_key.empty()) header["label_key"] = h.label_key;
  if (!h.issued_at.empty()) header["issued_at"] = h.issued_at;
  header["pins"] = h.pins;
  std::string out = header.dump(-1, ' ', false, Json::error_handler_t::replace);
  out += '\n';
  for (const IssuedLabel& label : issuance.labels) {
    Json line = Json::object();
    line["serial"] = label.serial;
    line["url"] = label.url;
    if (!label.pin.empty()) line["pin"] = label.pin;
    out += line.dump(-1, ' ', false, Json::error_handler_t::replace);
    out += '\n';
  }
  return out;
}

std::vector<LabelData> ToLabelData(const Issuance& issuance) {
  const IssuanceHeader& h = issuance.header;
  int stars = h.stars;
  if (stars > 0 && !h.valid_until.empty() && h.issued_at.size() >= 10 &&
      h.valid_until < h.issued_at.substr(0, 10)) {
    stars = 0;  // the certificate had expired when these labels were issued
  }
  std::vector<LabelData> labels;
  labels.reserve(issuance.labels.size());
  for (const IssuedLabel& issued : issuance.labels) {
    LabelData label;
    label.url = issued.url;
    label.product_name = h.product_name;
    label.producer_name = h.producer_name;
    label.lot = h.lot;
    label.serial = issued.serial;
    label.pin = issued.pin;
    label.stars = stars;
    label.expiry = h.expiry;
    labels.push_back(std::move(label));
  }
  return labels;
}

}  // namespace ocoptrace::labelgen
