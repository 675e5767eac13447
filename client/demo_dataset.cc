#include "client/demo_dataset.h"

#include <cmath>
#include <set>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "client/arguments.h"
#include "client/demo_dataset_parse.h"
#include "core/gs1.h"
#include "core/timestamp.h"
#include "nlohmann/json.hpp"

namespace ocoptrace::client {
namespace demo_parse {

absl::StatusOr<v1::Date> Date(const Reader& reader, const char* key,
                              absl::CivilDay anchor, bool required) {
  std::string text;
  DEMO_ASSIGN(text, reader.String(key, required));
  v1::Date date;
  if (text.empty()) return date;
  absl::CivilDay day;
  DEMO_ASSIGN(day, ResolveDemoDate(At(reader.path(), key), text, anchor));
  date.set_iso_date(FormatDate(day));
  return date;
}

// "<date> HH:MM" in Vietnam time.
absl::StatusOr<v1::Timestamp> Time(const Reader& reader, const char* key,
                                   absl::CivilDay anchor) {
  std::string text;
  DEMO_ASSIGN(text, reader.String(key, /*required=*/true));
  const std::string path = At(reader.path(), key);
  const size_t space = text.find_last_of(" T");
  int hour = -1;
  int minute = -1;
  if (space != std::string::npos && text.size() == space + 6 &&
      text[space + 3] == ':') {
    absl::SimpleAtoi(text.substr(space + 1, 2), &hour);
    absl::SimpleAtoi(text.substr(space + 4, 2), &minute);
  }
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59) {
    return Bad(path,
               absl::StrCat("'", text,
                            "' is not \"<date> HH:MM\", e.g. "
                            "\"2024-03-22 08:00\" or \"today-3d 07:30\""));
  }
  absl::CivilDay day;
  DEMO_ASSIGN(day, ResolveDemoDate(path, text.substr(0, space), anchor));
  if (day >= anchor) {
    return Bad(path, absl::StrCat("'", text, "' is not before the anchor day ",
                                  FormatDate(anchor),
                                  ": events must have happened already"));
  }
  const absl::Time instant = absl::FromCivil(
      absl::CivilMinute(day.year(), day.month(), day.day(), hour, minute),
      absl::FixedTimeZone(kVietnamOffsetMinutes * 60));
  v1::Timestamp timestamp;
  timestamp.set_unix_seconds(absl::ToUnixSeconds(instant));
  timestamp.set_utc_offset_minutes(kVietnamOffsetMinutes);
  return timestamp;
}

absl::StatusOr<v1::AdminUnit> Unit(const Json& json, const std::string& path) {
  Reader reader(json, path);
  if (auto status = reader.CheckObject(); !status.ok()) return status;
  v1::AdminUnit unit;
  std::string text;
  DEMO_ASSIGN(text, reader.String("name", true));
  unit.set_name(text);
  DEMO_ASSIGN(text, reader.String("level", true));
  if (text != "province" && text != "district" && text != "commune" &&
      text != "ward") {
    return Bad(At(path, "level"),
               absl::StrCat("'", text,
                            "' is not province, district, commune or ward"));
  }
  unit.set_level(text);
  DEMO_ASSIGN(text, reader.String("code"));
  unit.set_code(text);
  DEMO_ASSIGN(text, reader.String("parent_code"));
  unit.set_parent_code(text);
  return unit;
}

}  // namespace demo_parse
namespace {

using demo_parse::At;
using demo_parse::Bad;
using demo_parse::Batch;
using demo_parse::Date;
using demo_parse::Json;
using demo_parse::Reader;
using demo_parse::Time;
using demo_parse::Unit;

absl::Status Units(const Reader& reader, const char* key,
                   google::protobuf::RepeatedPtrField<v1::AdminUnit>* out) {
  if (!reader.Has(key)) return absl::OkStatus();
  const Json& list = reader.Get(key);
  const std::string path = At(reader.path(), key);
  if (!list.is_array()) return Bad(path, "must be a list of units");
  for (size_t i = 0; i < list.size(); ++i) {
    absl::StatusOr<v1::AdminUnit> unit = Unit(list[i], At(path, i));
    if (!unit.ok()) return unit.status();
    *out->Add() = *std::move(unit);
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::Address> Address(const Reader& parent,
                                    absl::CivilDay anchor) {
  if (!parent.Has("address"))
    return Bad(At(parent.path(), "address"), "is required");
  Reader reader(parent.Get("address"), At(parent.path(), "address"));
  if (auto status = reader.CheckObject(); !status.ok()) return status;
  v1::Address address;
  std::string text;
  DEMO_ASSIGN(text, reader.String("text", true));
  address.set_text_as_recorded(text);
  DEMO_ASSIGN(text, reader.String("hamlet"));
  address.set_hamlet(text);
  v1::Date recorded;
  DEMO_ASSIGN(recorded, Date(reader, "recorded_on", anchor, false));
  *address.mutable_recorded_on() = recorded;
  if (auto status =
          Units(reader, "units_at_time", address.mutable_units_at_time());
      !status.ok()) {
    return status;
  }
  if (auto status =
          Units(reader, "current_units", address.mutable_current_units());
      !status.ok()) {
    return status;
  }
  return address;
}

absl::StatusOr<DemoIdentity> Identity(const Json& json, const std::string& path,
                                      v1::Role role) {
  Reader reader(json, path);
  if (auto status = reader.CheckObject(); !status.ok()) return status;
  DemoIdentity identity;
  identity.role = role;
  DEMO_ASSIGN(identity.principal, reader.String("principal", true));
  DEMO_ASSIGN(identity.display_name, reader.String("display_name"));
  DEMO_ASSIGN(identity.key_name, reader.String("key_name"));
  if (identity.key_name.empty()) identity.key_name = identity.principal + "-1";
  return identity;
}

// "auto": by the decision date, the criteria then in force.
v1::CriteriaVersion CriteriaOn(absl::CivilDay decision) {
  if (decision < absl::CivilDay(2023, 2, 24)) {
    return v1::CRITERIA_VERSION_1048_2019;
  }
  if (decision < absl::CivilDay(2025, 7, 1)) {
    return v1::CRITERIA_VERSION_148_2023;
  }
  return v1::CRITERIA_VERSION_148_AMENDED_2025;
}

// "auto": the body that recognised products of that level on that date
// (the ministry was renamed on 2025-03-01; Bắc Kạn merged into Thái Nguyên
// on 2025-07-01).
std::string IssuerOn(v1::IssuerLevel level, absl::CivilDay decision) {
  if (level == v1::ISSUER_LEVEL_CENTRAL) {
    return decision < absl::CivilDay(2025, 3, 1)
               ? "Bộ Nông nghiệp và Phát triển nông thôn"
               : "Bộ Nông nghiệp và Môi trường";
  }
  return decision < absl::CivilDay(2025, 7, 1) ? "UBND tỉnh Bắc Kạn"
                                               : "UBND tỉnh Thái Nguyên";
}

absl::StatusOr<v1::ProducerRecord> Producer(const Json& json,
                                            const std::string& path,
                                            absl::CivilDay anchor) {
  Reader reader(json, path);
  if (auto status = reader.CheckObject(); !status.ok()) return status;
  v1::ProducerRecord record;
  std::string text;
  DEMO_ASSIGN(text, reader.String("id", true));
  record.set_id(text);
  DEMO_ASSIGN(text, reader.String("name", true));
  record.set_name(text);
  DEMO_ASSIGN(text, reader.String("legal_form", true));
  v1::LegalForm form;
  DEMO_ASSIGN(form, ParseLegalForm(text));
  record.set_legal_form(form);
  DEMO_ASSIGN(text, reader.String("tax_code"));
  record.set_tax_code(text);
  DEMO_ASSIGN(text, reader.String("gln"));
  if (!text.empty()) {
    if (absl::Status gln = ValidateGln(text); !gln.ok()) {
      return Bad(At(path, "gln"), gln.message());
    }
  }
  record.set_gln(text);
  DEMO_ASSIGN(text, reader.String("gs1_company_prefix"));
  record.set_gs1_company_prefix(text);
  DEMO_ASSIGN(text, reader.String("public_contact"));
  record.set_public_contact(text);
  bool demo = false;
  DEMO_ASSIGN(demo, reader.Bool("demo"));
  record.set_demo(demo);
  v1::Address address;
  DEMO_ASSIGN(address, Address(reader, anchor));
  *record.mutable_address() = std::move(address);
  return record;
}

absl::StatusOr<v1::ProductRecord> Product(const Json& json,
                                          const std::string& path) {
  Reader reader(json, path);
  if (auto status = reader.CheckObject(); !status.ok()) return status;
  v1::ProductRecord record;
  std::string text;
  DEMO_ASSIGN(text, reader.String("gtin", true));
  absl::StatusOr<std::string> gtin = ParseGtinArgument(text);
  if (!gtin.ok()) return Bad(At(path, "gtin"), gtin.status().message());
  record.set_gtin(*gtin);
  DEMO_ASSIGN(text, reader.String("name", true));
  record.set_name(text);
  DEMO_ASSIGN(text, reader.String("producer", true));
  record.set_producer_id(text);
  DEMO_ASSIGN(text, reader.String("group", true));
  v1::OcopGroup group;
  absl::StatusOr<v1::OcopGroup> parsed_group = ParseOcopGroup(text);
  if (!parsed_group.ok()) {
    return Bad(At(path, "group"), parsed_group.status().message());
  }
  group = *parsed_group;
  record.set_group(group);
  std::vector<std::string> standards;
  DEMO_ASSIGN(standards, reader.Strings("standards"));
  for (const std::string& standard : standards) {
    *record.add_standards() = ParseStandard(standard);
  }
  double days = 0;
  DEMO_ASSIGN(days, reader.Number("shelf_life_days", 0));
  if (days < 0 || days != std::floor(days) || days > 36500) {
    return Bad(At(path, "shelf_life_days"), "must be a whole number of days");
  }
  record.set_shelf_life_days(static_cast<uint32_t>(days));
  DEMO_ASSIGN(text, reader.String("image"));
  record.set_image(text);
  DEMO_ASSIGN(text, reader.String("brand"));
  record.set_brand(text);
  DEMO_ASSIGN(text, reader.String("net_content"));
  record.set_net_content(text);
  DEMO_ASSIGN(text, reader.String("description"));
  record.set_description(text);
  bool demo = false;
  DEMO_ASSIGN(demo, reader.Bool("demo"));
  record.set_demo(demo);
  return record;
}

absl::StatusOr<DemoCertificate> Certificate(const Json& json,
                                            const std::string& path,
                                            absl::CivilDay anchor) {
  Reader reader(json, path);
  if (auto status = reader.CheckObject(); !status.ok()) return status;
  DemoCertificate certificate;
  v1::CertificateRecord& record = certificate.record;
  std::string text;
  DEMO_ASSIGN(text, reader.String("number", true));
  record.set_number(text);
  DEMO_ASSIGN(text, reader.String("decision", true));
  record.set_decision_number(text);
  v1::Date date;
  DEMO_ASSIGN(date, Date(reader, "decision_date", anchor, true));
  *record.mutable_decision_date() = date;
  const absl::CivilDay decision = *ParseDate(date.iso_date());
  DEMO_ASSIGN(text, reader.String("level", true));
  absl::StatusOr<v1::IssuerLevel> level = ParseIssuerLevel(text);
  if (!level.ok()) return Bad(At(path, "level"), level.status().message());
  record.set_issuer_level(*level);
  DEMO_ASSIGN(text, reader.String("issuer", true));
  record.set_issuer(text == "auto" ? IssuerOn(*level, decision) : text);
  double stars = 0;
  DEMO_ASSIGN(stars, reader.Number("stars", 0));
  if (stars != 3 && stars != 4 && stars != 5) {
    return Bad(At(path, "stars"), "must be 3, 4 or 5");
  }
  record.set_stars(static_cast<uint32_t>(stars));
  double score = -1;
  DEMO_ASSIGN(score, reader.Number("score", -1));
  if (score < 0) return Bad(At(path, "score"), "is required, e.g. 78.5");
  record.set_score(score);
  DEMO_ASSIGN(text, reader.String("criteria"));
  if (text.empty() || text == "auto") {
    record.set_criteria_version(CriteriaOn(decision));
  } else if (text == "1048") {
    record.set_criteria_version(v1::CRITERIA_VERSION_1048_2019);
  } else if (text == "148") {
    record.set_criteria_version(v1::CRITERIA_VERSION_148_2023);
  } else if (text == "148-2025") {
    record.set_criteria_version(v1::CRITERIA_VERSION_148_AMENDED_2025);
  } else {
    return Bad(At(path, "criteria"),
               absl::StrCat("'", text, "' is not auto, 1048, 148 or 148-2025"));
  }
  std::vector<std::string> products;
  DEMO_ASSIGN(products, reader.Strings("products"));
  if (products.empty()) {
    return Bad(At(path, "products"), "name at least one covered GTIN");
  }
  for (size_t i = 0; i < products.size(); ++i) {
    absl::StatusOr<std::string> gtin = ParseGtinArgument(products[i]);
    if (!gtin.ok()) {
      return Bad(At(At(path, "products"), i), gtin.status().message());
    }
    record.add_products(*gtin);
  }
  DEMO_ASSIGN(text, reader.String("producer", true));
  record.set_producer_id(text);
  DEMO_ASSIGN(date, Date(reader, "valid_from", anchor, false));
  if (!date.iso_date().empty()) *record.mutable_valid_from() = date;
  DEMO_ASSIGN(date, Date(reader, "valid_until", anchor, false));
  if (!date.iso_date().empty()) *record.mutable_valid_until() = date;
  DEMO_ASSIGN(text, reader.String("supersedes"));
  record.set_supersedes(text);
  bool demo = false;
  DEMO_ASSIGN(demo, reader.Bool("demo"));
  record.set_demo(demo);
  if (reader.Has("revocation")) {
    Reader revoked(reader.Get("revocation"), At(path, "revocation"));
    if (auto status = revoked.CheckObject(); !status.ok()) return status;
    v1::CertificateRevocation revocation;
    DEMO_ASSIGN(text, revoked.String("decision", true));
    revocation.set_decision_number(text);
    DEMO_ASSIGN(date, Date(revoked, "decision_date", anchor, true));
    *revocation.mutable_decision_date() = date;
    DEMO_ASSIGN(text, revoked.String("reason", true));
    revocation.set_reason(text);
    DEMO_ASSIGN(date, Date(revoked, "effective_from", anchor, false));
    if (!date.iso_date().empty()) *revocation.mutable_effective_from() = date;
    certificate.revocation = std::move(revocation);
  }
  return certificate;
}

// Parses the list `key` of the top-level object with `parse`.
template <typename T, typename Parse>
absl::StatusOr<std::vector<T>> List(const Json& root, const char* key,
                                    Parse parse) {
  std::vector<T> items;
  if (!root.contains(key)) return items;
  const Json& list = root.at(key);
  if (!list.is_array()) return Bad(key, "must be a list");
  for (size_t i = 0; i < list.size(); ++i) {
    absl::StatusOr<T> item = parse(list[i], At(key, i));
    if (!item.ok()) return item.status();
    items.push_back(*std::move(item));
  }
  return items;
}

// Cross-references: unique ids, known producers, products and renewals.
absl::Status CheckReferences(const DemoDataset& data) {
  std::set<std::string> producers;
  for (size_t i = 0; i < data.producers.size(); ++i) {
    if (!producers.insert(data.producers[i].id()).second) {
      return Bad(At(At("producers", i), "id"), "is listed twice");
    }
  }
  std::set<std::string> gtins;
  for (size_t i = 0; i < data.products.size(); ++i) {
    const v1::ProductRecord& product = data.products[i];
    if (!gtins.insert(product.gtin()).second) {
      return Bad(At(At("products", i), "gtin"), "is listed twice");
    }
    if (!producers.contains(product.producer_id())) {
      return Bad(At(At("products", i), "producer"),
                 absl::StrCat("'", product.producer_id(),
                              "' is not one of the dataset's producers"));
    }
  }
  std::set<std::string> numbers;
  for (size_t i = 0; i < data.certificates.size(); ++i) {
    const v1::CertificateRecord& record = data.certificates[i].record;
    const std::string path = At("certificates", i);
    if (!numbers.insert(record.number()).second) {
      return Bad(At(path, "number"), "is listed twice");
    }
    if (!record.supersedes().empty() &&
        !numbers.contains(record.supersedes())) {
      return Bad(At(path, "supersedes"),
                 absl::StrCat("'", record.supersedes(),
                              "' must be listed before its renewal"));
    }
    if (!producers.contains(record.producer_id())) {
      return Bad(At(path, "producer"),
                 absl::StrCat("'", record.producer_id(),
                              "' is not one of the dataset's producers"));
    }
    for (const std::string& gtin : record.products()) {
      if (!gtins.contains(gtin)) {
        return Bad(At(path, "products"),
                   absl::StrCat(gtin, " is not one of the dataset's products"));
      }
    }
  }
  std::set<std::string> lots;
  for (size_t i = 0; i < data.batches.size(); ++i) {
    const v1::BatchRecord& record = data.batches[i].record;
    if (!gtins.contains(record.gtin())) {
      return Bad(
          At(At("batches", i), "gtin"),
          absl::StrCat(record.gtin(), " is not one of the dataset's products"));
    }
    if (!lots.insert(record.gtin() + "/" + record.lot()).second) {
      return Bad(At(At("batches", i), "lot"), "is listed twice");
    }
  }
  if (!data.label_batch.gtin().empty() &&
      !lots.contains(data.label_batch.gtin() + "/" + data.label_batch.lot())) {
    return Bad("quickstart.label_batch", "is not one of the dataset's batches");
  }
  return absl::OkStatus();
}

}  // namespace

const DemoIdentity* DemoDataset::StaffOf(std::string_view producer_id) const {
  for (const DemoIdentity& staff : producer_staff) {
    if (staff.producer_id == producer_id) return &staff;
  }
  return nullptr;
}

absl::StatusOr<absl::CivilDay> ResolveDemoDate(std::string_view path,
                                               std::string_view text,
                                               absl::CivilDay anchor) {
  if (text.starts_with("today")) {
    std::string_view rest = text.substr(5);
    if (rest.empty()) return anchor;
    int days = 0;
    if (rest.size() >= 3 && (rest[0] == '-' || rest[0] == '+') &&
        rest.back() == 'd' &&
        absl::SimpleAtoi(std::string(rest.substr(1, rest.size() - 2)), &days) &&
        days >= 0 && days <= 36500) {
      return rest[0] == '-' ? anchor - days : anchor + days;
    }
  } else if (absl::StatusOr<absl::CivilDay> day = ParseDate(text); day.ok()) {
    return *day;
  }
  return Bad(path, absl::StrCat("'", std::string(text),
                                "' is not a date: YYYY-MM-DD, today, "
                                "today-30d or today+45d"));
}

absl::StatusOr<DemoDataset> ParseDemoDataset(std::string_view json_text,
                                             absl::CivilDay anchor) {
  const Json root = Json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded()) {
    return absl::InvalidArgumentError(
        "the dataset is not valid JSON (check commas and quotes)");
  }
  Reader top(root, "dataset");
  if (auto status = top.CheckObject(); !status.ok()) return status;
  std::string format;
  DEMO_ASSIGN(format, top.String("format", true));
  if (format != kDemoDatasetFormat) {
    return Bad("format", absl::StrCat("'", format, "' is not ",
                                      std::string(kDemoDatasetFormat)));
  }
  DemoDataset data;
  DEMO_ASSIGN(data.name, top.String("name"));
  if (!top.Has("people")) return Bad("people", "is required");
  Reader people(top.Get("people"), "people");
  if (auto status = people.CheckObject(); !status.ok()) return status;
  if (!people.Has("certifier")) return Bad("people.certifier", "is required");
  if (!people.Has("inspector")) return Bad("people.inspector", "is required");
  DEMO_ASSIGN(data.certifier, Identity(people.Get("certifier"),
                                       "people.certifier", v1::ROLE_CERTIFIER));
  DEMO_ASSIGN(data.inspector, Identity(people.Get("inspector"),
                                       "people.inspector", v1::ROLE_INSPECTOR));
  DEMO_ASSIGN(data.producers,
              List<v1::ProducerRecord>(
                  root, "producers",
                  [anchor](const Json& json, const std::string& path) {
                    return Producer(json, path, anchor);
                  }));
  // Each producer's staff: "staff" {principal, display_name, key_name}, by
  // default "<id>-staff".
  const Json& producers = root.at("producers");
  for (size_t i = 0; i < data.producers.size(); ++i) {
    DemoIdentity staff;
    const std::string path = At(At("producers", i), "staff");
    if (producers[i].contains("staff")) {
      DEMO_ASSIGN(staff,
                  Identity(producers[i].at("staff"), path, v1::ROLE_PRODUCER));
    } else {
      staff.role = v1::ROLE_PRODUCER;
      staff.principal = data.producers[i].id() + "-staff";
      staff.key_name = staff.principal + "-1";
      staff.display_name = data.producers[i].name();
    }
    staff.producer_id = data.producers[i].id();
    data.producer_staff.push_back(std::move(staff));
  }
  DEMO_ASSIGN(data.products,
              List<v1::ProductRecord>(root, "products", Product));
  DEMO_ASSIGN(data.certificates,
              List<DemoCertificate>(
                  root, "certificates",
                  [anchor](const Json& json, const std::string& path) {
                    return Certificate(json, path, anchor);
                  }));
  DEMO_ASSIGN(data.batches, List<DemoBatch>(root, "batches",
                                            [anchor](const Json& json,
                                                     const std::string& path) {
                                              return Batch(json, path, anchor);
                                            }));
  if (top.Has("quickstart")) {
    Reader quickstart(top.Get("quickstart"), "quickstart");
    std::string batch;
    DEMO_ASSIGN(batch, quickstart.String("label_batch"));
    if (!batch.empty()) {
      absl::StatusOr<v1::BatchRef> ref = ParseBatchArgument(batch);
      if (!ref.ok()) {
        return Bad("quickstart.label_batch", ref.status().message());
      }
      data.label_batch = *ref;
    }
  }
  if (auto status = CheckReferences(data); !status.ok()) return status;
  return data;
}

}  // namespace ocoptrace::client
