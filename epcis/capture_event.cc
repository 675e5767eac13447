// One EPCIS event onto ocoptrace's model (docs/epcis.md, "Capture"): event
// type and step, time and offset, CBV terms, product identities, place and
// parties, inspection outcome; batch creation; and the lossless path for
// events that ocoptrace exported (their ocop:ledgerEntry body).
#include <algorithm>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "core/base64.h"
#include "core/log_entry.h"
#include "core/sha256.h"
#include "core/timestamp.h"
#include "epcis/capture_internal.h"
#include "epcis/cbv_vocabulary.h"
#include "epcis/event_hash.h"
#include "epcis/export.h"
#include "epcis/gs1_identity.h"

namespace ocoptrace::epcis::capture_internal {
namespace {

using nlohmann::json;

// An EPCIS date-time: the instant, and the offset it was written with.
struct EpcisTime {
  int64_t unix_seconds = 0;
  bool fraction = false;  // Had fractional seconds (dropped).
  bool utc = false;       // Written in UTC ("Z" or "+00:00").
  int offset_minutes = 0;
};

bool Digits(std::string_view text, size_t pos, size_t count, int* value) {
  if (pos + count > text.size()) return false;
  int result = 0;
  for (size_t i = pos; i < pos + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
    result = result * 10 + (text[i] - '0');
  }
  *value = result;
  return true;
}

// "+07:00" -> 420; nullopt unless ±hh:mm.
std::optional<int> ParseOffset(std::string_view text) {
  int hours = 0;
  int minutes = 0;
  if (text.size() != 6 || (text[0] != '+' && text[0] != '-') ||
      text[3] != ':' || !Digits(text, 1, 2, &hours) ||
      !Digits(text, 4, 2, &minutes) || minutes > 59) {
    return std::nullopt;
  }
  const int total = hours * 60 + minutes;
  return text[0] == '-' ? -total : total;
}

// YYYY-MM-DDThh:mm:ss[.fraction](Z|±hh:mm).
std::optional<EpcisTime> ParseEpcisTime(std::string_view text) {
  int year, month, day, hour, minute, second;
  if (!Digits(text, 0, 4, &year) || text.size() < 20 || text[4] != '-' ||
      !Digits(text, 5, 2, &month) || text[7] != '-' ||
      !Digits(text, 8, 2, &day) || (text[10] != 'T' && text[10] != 't') ||
      !Digits(text, 11, 2, &hour) || text[13] != ':' ||
      !Digits(text, 14, 2, &minute) || text[16] != ':' ||
      !Digits(text, 17, 2, &second)) {
    return std::nullopt;
  }
  EpcisTime time;
  size_t pos = 19;
  if (pos < text.size() && text[pos] == '.') {
    size_t start = ++pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') ++pos;
    if (pos == start) return std::nullopt;
    time.fraction = text.find_first_not_of('0', start) < pos;
  }
  std::string_view zone = text.substr(pos);
  if (zone == "Z" || zone == "z") {
    time.utc = true;
  } else {
    std::optional<int> offset = ParseOffset(zone);
    if (!offset.has_value() || std::abs(*offset) >= 24 * 60) {
      return std::nullopt;
    }
    time.offset_minutes = *offset;
    time.utc = *offset == 0 && zone[0] == '+';
  }
  const absl::CivilSecond civil(year, month, day, hour, minute, second);
  if (civil.year() != year || civil.month() != month || civil.day() != day ||
      civil.hour() != hour || civil.minute() != minute ||
      civil.second() != second) {
    return std::nullopt;
  }
  time.unix_seconds =
      absl::ToUnixSeconds(absl::FromCivil(civil, absl::UTCTimeZone())) -
      int64_t{time.offset_minutes} * 60;
  return time;
}

}  // namespace

bool EventMapper::CheckTime() {
  const json time = event_.value("eventTime", json());
  const json zone = event_.value("eventTimeZoneOffset", json());
  std::optional<EpcisTime> parsed;
  if (time.is_string()) parsed = ParseEpcisTime(time.get<std::string>());
  if (!parsed.has_value()) {
    Fail("time", "eventTime",
         absl::StrCat("eventTime is ", time.dump(),
                      "; give an RFC 3339 date-time with its offset, e.g. "
                      "\"2024-03-22T08:00:00+07:00\""));
    return false;
  }
  std::optional<int> offset;
  if (zone.is_string()) offset = ParseOffset(zone.get<std::string>());
  if (!offset.has_value() || std::abs(*offset) > 14 * 60) {
    Fail("time", "eventTimeZoneOffset",
         absl::StrCat("eventTimeZoneOffset is ", zone.dump(),
                      "; EPCIS requires it: \"+07:00\" in Vietnam "
                      "(±hh:mm, at most ±14:00)"));
    return false;
  }
  if (!parsed->utc && parsed->offset_minutes != *offset) {
    Fail("time-offset", "eventTimeZoneOffset",
         absl::StrCat("eventTime ", time.get<std::string>(),
                      " is written with another offset than "
                      "eventTimeZoneOffset ",
                      zone.get<std::string>(),
                      "; write eventTime in UTC (\"Z\") or with the same "
                      "offset as eventTimeZoneOffset"));
    return false;
  }
  if (parsed->fraction) {
    notes_.push_back(absl::StrCat(
        "eventTime: fractional seconds of ", time.get<std::string>(),
        " dropped in the log entry (kept in the captured JSON)"));
  }
  time_ = Timestamp{parsed->unix_seconds, *offset};
  return true;
}

std::optional<std::string> EventMapper::Term(CbvVocabulary vocabulary,
                                             const std::string& field,
                                             const json& value) {
  if (!value.is_string()) {
    Fail("invalid-event", field,
         absl::StrCat(field, " must be a string, got ", value.type_name()));
    return std::nullopt;
  }
  const std::string text = value.get<std::string>();
  CbvTerm term = ClassifyCbvTerm(vocabulary, text);
  switch (term.form) {
    case CbvTermForm::kBareWord:
    case CbvTermForm::kWebUri:
      return term.word;
    case CbvTermForm::kOtherUri: {
      const std::string own = absl::StrCat(
          kOcopNamespace, std::string(CbvWebUriInfix(vocabulary)), "-");
      if (text.starts_with(own)) return text.substr(own.size());
      return text;
    }
    case CbvTermForm::kUrn:
      Fail("urn-cbv-term", field,
           absl::StrCat(
               "'", text,
               "' is the EPCIS 1.x URN form, which EPCIS 2.0 JSON does not "
               "allow; write the bare word \"",
               term.word, "\" or the GS1 Web URI \"",
               CbvWebUri(vocabulary, term.word), "\""));
      return std::nullopt;
    case CbvTermForm::kUnknown:
      break;
  }
  Fail("unknown-cbv-term", field,
       absl::StrCat("'", text, "' is not a CBV 2.0 ",
                    std::string(CbvWebUriInfix(vocabulary)),
                    " term; use a CBV bare word (e.g. \"",
                    vocabulary == CbvVocabulary::kBizStep ? "commissioning"
                                                          : "in_progress",
                    "\") or a URI of your own vocabulary"));
  return std::nullopt;
}

void EventMapper::CheckTerms() {
  if (event_.contains("bizStep")) {
    Term(CbvVocabulary::kBizStep, "bizStep", event_["bizStep"]);
  }
  if (event_.contains("disposition")) {
    Term(CbvVocabulary::kDisposition, "disposition", event_["disposition"]);
  }
  const json persistent = event_.value("persistentDisposition", json());
  for (const char* key : {"set", "unset"}) {
    const json list =
        persistent.is_object() ? persistent.value(key, json()) : json();
    if (!list.is_array()) continue;
    for (size_t i = 0; i < list.size(); ++i) {
      Term(CbvVocabulary::kDisposition,
           absl::StrCat("persistentDisposition/", key, "/", i), list[i]);
    }
  }
  struct Typed {
    const char* list;
    CbvVocabulary vocabulary;
  };
  for (const Typed& typed :
       {Typed{"bizTransactionList", CbvVocabulary::kBizTransactionType},
        Typed{"sourceList", CbvVocabulary::kSourceDestType},
        Typed{"destinationList", CbvVocabulary::kSourceDestType}}) {
    const json list = event_.value(typed.list, json());
    if (!list.is_array()) continue;
    for (size_t i = 0; i < list.size(); ++i) {
      if (list[i].is_object() && list[i].contains("type")) {
        Term(typed.vocabulary, absl::StrCat(typed.list, "/", i, "/type"),
             list[i]["type"]);
      }
    }
  }
}

bool EventMapper::ChooseStep() {
  if (own_kind_.has_value()) {
    if (*own_kind_ == "batch.created") {
      creates_class_ = true;
    } else {
      step_ = own_kind_->substr(std::string_view("event.").size());
    }
    return true;
  }
  std::string biz_step;
  if (event_.contains("bizStep")) {
    biz_step = Term(CbvVocabulary::kBizStep, "bizStep", event_["bizStep"])
                   .value_or("");
  }
  const std::string action = Str("action");
  if (biz_step == "creating_class_instance" &&
      (type_ == "TransformationEvent" || action == "ADD")) {
    creates_class_ = true;
    return true;
  }
  if (type_ == "TransformationEvent") {
    step_ = !biz_step.empty() && biz_step != "commissioning" &&
                    state_->StepAccepted(biz_step)
                ? biz_step
                : "transforming";
    return true;
  }
  if (biz_step.empty()) {
    Fail("unsupported-bizstep", "bizStep",
         absl::StrCat("the ", type_,
                      " has no bizStep; ocoptrace files events by business "
                      "step: give one of its steps (commissioning, packing, "
                      "shipping, receiving, storing, inspecting, ...)"));
    return false;
  }
  if (!state_->StepAccepted(biz_step)) {
    Fail("unsupported-bizstep", "bizStep",
         absl::StrCat("bizStep '", biz_step,
                      "' has no ocoptrace event kind; accepted steps are the "
                      "CBV steps of docs/kinds.md (commissioning, "
                      "transforming, packing, shipping, receiving, storing, "
                      "inspecting, retail_selling, ...)"));
    return false;
  }
  step_ = biz_step;
  return true;
}

absl::Status EventMapper::AddIdentity(const std::string& uri,
                                      const std::string& field,
                                      const json* quantity_element,
                                      std::vector<LotAmount>* side) {
  absl::StatusOr<Gs1Identity> identity = ReadGs1Identity(uri);
  if (!identity.ok()) {
    Fail("invalid-identifier", field, std::string(identity.status().message()));
    return absl::OkStatus();
  }
  if (identity->kind != Gs1Identity::Kind::kLot &&
      identity->kind != Gs1Identity::Kind::kSerial) {
    if (identity->kind == Gs1Identity::Kind::kGtinOnly) {
      notes_.push_back(absl::StrCat(field, ": ", uri,
                                    " names a product without a lot; not "
                                    "traced (kept in the captured JSON)"));
    }
    others_.push_back(uri);
    return absl::OkStatus();
  }
  absl::StatusOr<bool> known = state_->ProductKnown(identity->gtin);
  if (!known.ok()) return known.status();
  if (!*known) {
    Fail("unknown-gtin", field,
         absl::StrCat("GTIN ", identity->gtin, " (in ", uri,
                      ") is not a registered product; register it with "
                      "tracectl product register before capturing its "
                      "events"));
    return absl::OkStatus();
  }
  std::string lot = identity->lot;
  if (lot.empty()) {
    absl::StatusOr<std::optional<std::string>> found =
        state_->LotOfSerial(identity->gtin, identity->serial);
    if (!found.ok()) return found.status();
    if (!found->has_value()) {
      Fail("unknown-serial", field,
           absl::StrCat("no label with GTIN ", identity->gtin, " and serial ",
                        identity->serial,
                        " was issued here, so its lot is unknown; name the "
                        "lot (https://id.gs1.org/01/<GTIN>/10/<lot> or "
                        "urn:epc:class:lgtin:...) in a quantityList"));
      return absl::OkStatus();
    }
    lot = **found;
  }
  auto it = std::find_if(side->begin(), side->end(), [&](const LotAmount& a) {
    return a.ref.gtin() == identity->gtin && a.ref.lot() == lot;
  });
  if (it == side->end()) {
    LotAmount amount;
    amount.ref.set_gtin(identity->gtin);
    amount.ref.set_lot(lot);
    amount.pointer = field;
    side->push_back(amount);
    it = side->end() - 1;
  }
  double quantity = 1;
  std::string unit = "H87";  // One unit, or a count when uom is absent.
  if (quantity_element != nullptr) {
    const json value = quantity_element->value("quantity", json());
    if (!value.is_number()) return absl::OkStatus();
    quantity = value.get<double>();
    if (quantity_element->contains("uom") &&
        (*quantity_element)["uom"].is_string()) {
      unit = (*quantity_element)["uom"].get<std::string>();
    }
  }
  if (it->has_quantity && it->unit != unit) {
    notes_.push_back(absl::StrCat(field, ": a quantity in ", unit,
                                  " beside one in ", it->unit,
                                  " for the same lot; kept the first"));
    return absl::OkStatus();
  }
  it->has_quantity = true;
  it->unit = unit;
  it->amount += quantity;
  return absl::OkStatus();
}

absl::Status EventMapper::CollectSide(const char* epc_key,
                                      const char* quantity_key,
                                      std::vector<LotAmount>* side) {
  const json epcs = event_.value(epc_key, json());
  if (epcs.is_array()) {
    for (size_t i = 0; i < epcs.size(); ++i) {
      if (!epcs[i].is_string()) continue;
      absl::Status status =
          AddIdentity(epcs[i].get<std::string>(), absl::StrCat(epc_key, "/", i),
                      nullptr, side);
      if (!status.ok()) return status;
    }
  }
  const json quantities = event_.value(quantity_key, json());
  if (quantities.is_array()) {
    for (size_t i = 0; i < quantities.size(); ++i) {
      const json& element = quantities[i];
      if (!element.is_object() || !element.contains("epcClass") ||
          !element["epcClass"].is_string()) {
        continue;
      }
      absl::Status status = AddIdentity(
          element["epcClass"].get<std::string>(),
          absl::StrCat(quantity_key, "/", i, "/epcClass"), &element, side);
      if (!status.ok()) return status;
    }
  }
  return absl::OkStatus();
}

}  // namespace ocoptrace::epcis::capture_internal
