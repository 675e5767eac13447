// One ledger entry (TraceEvent or BatchRecord) as an EPCIS 2.0 event: the
// mapping table of docs/epcis.md, "Export".
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/gs1.h"
#include "core/timestamp.h"
#include "epcis/cbv_vocabulary.h"
#include "epcis/export.h"
#include "epcis/gs1_identity.h"

namespace ocoptrace::epcis {
namespace {

using nlohmann::json;

std::string Ocop(std::string_view local) {
  return absl::StrCat(kOcopPrefix, ":", std::string(local));
}

// A CBV word as written in a bizStep/disposition position: the bare word
// when CBV has it, a URI as it is, anything else in ocoptrace's namespace.
std::string VocabularyValue(CbvVocabulary vocabulary, std::string_view word) {
  CbvTerm term = ClassifyCbvTerm(vocabulary, word);
  switch (term.form) {
    case CbvTermForm::kBareWord:
    case CbvTermForm::kWebUri:
      return term.word;
    case CbvTermForm::kOtherUri:
      return std::string(word);
    case CbvTermForm::kUrn:
    case CbvTermForm::kUnknown:
      break;
  }
  return OcopVocabularyUri(vocabulary, word);
}

json QuantityElement(const v1::BatchRef& ref, const v1::Quantity* quantity) {
  json element = {{"epcClass", LotClassUri(ref.gtin(), ref.lot())}};
  if (quantity != nullptr) {
    element["quantity"] = quantity->amount();
    if (!quantity->unit().empty()) element["uom"] = quantity->unit();
  }
  return element;
}

bool SameBatch(const v1::BatchRef& a, const v1::BatchRef& b) {
  return a.gtin() == b.gtin() && a.lot() == b.lot();
}

// Normalised GTIN-14 (refs in bodies are validated, but may be GTIN-13).
v1::BatchRef Normalised(const v1::BatchRef& ref) {
  v1::BatchRef out = ref;
  if (auto gtin = NormalizeGtin(ref.gtin()); gtin.ok()) out.set_gtin(*gtin);
  return out;
}

absl::Status SetTime(const v1::Timestamp& time, std::string_view field,
                     json* event) {
  absl::StatusOr<std::string> offset =
      FormatTimeZoneOffset(time.utc_offset_minutes());
  if (!offset.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(std::string(field),
                     ".utc_offset_minutes: ", offset.status().message()));
  }
  const Timestamp stamp{time.unix_seconds(), time.utc_offset_minutes()};
  if (absl::Status status = ValidateTimestamp(stamp); !status.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(std::string(field), ": ", status.message()));
  }
  (*event)["eventTime"] = FormatRfc3339(stamp);
  (*event)["eventTimeZoneOffset"] = *offset;
  return absl::OkStatus();
}

bool IsValidSscc(std::string_view sscc) {
  if (sscc.size() != 18) return false;
  for (char c : sscc) {
    if (c < '0' || c > '9') return false;
  }
  return HasValidGs1CheckDigit(sscc);
}

// The SSCC of a packing event: the only valid `sscc` KDE, else "".
std::string SinglePackingSscc(const v1::TraceEvent& event) {
  std::string found;
  int count = 0;
  for (const v1::KeyDataElement& kde : event.kdes()) {
    if (kde.name() != kSsccKde) continue;
    ++count;
    if (IsValidSscc(kde.value())) found = kde.value();
  }
  return count == 1 ? found : "";
}

std::string_view DefaultDisposition(std::string_view step) {
  if (step == "commissioning") return "active";
  if (step == "shipping") return "in_transit";
  if (step == "receiving") return "in_progress";
  if (step == "destroying") return "destroyed";
  return "";
}

std::string_view ActionOf(std::string_view step) {
  if (step == "commissioning") return "ADD";
  if (step == "decommissioning" || step == "destroying") return "DELETE";
  return "OBSERVE";
}

// Steps after which the goods are not at the event's place.
bool LeavesLocation(std::string_view step) {
  return step == "shipping" || step == "departing" || step == "transporting";
}

absl::StatusOr<EpcisEvent> CapturedEvent(const v1::TraceEvent& event,
                                         std::string_view captured) {
  EpcisEvent out;
  out.event = json::parse(captured, nullptr, /*allow_exceptions=*/false);
  if (!out.event.is_object()) {
    return absl::InvalidArgumentError(
        absl::StrCat("kdes[", kCapturedEventKde,
                     "]: the captured EPCIS event is not a JSON object; the "
                     "body is corrupt"));
  }
  for (const v1::KeyDataElement& kde : event.kdes()) {
    if (kde.name() != kCapturedPrefixesKde) continue;
    out.prefixes = json::parse(kde.value(), nullptr, false);
    if (!out.prefixes.is_object()) {
      return absl::InvalidArgumentError(
          absl::StrCat("kdes[", kCapturedPrefixesKde,
                       "]: not a JSON object of prefix bindings"));
    }
  }
  if (!out.event.contains("eventID") && !event.epcis_event_id().empty()) {
    out.event["eventID"] = event.epcis_event_id();
  }
  return out;
}

void AddParties(const v1::TraceEvent& event, std::string_view step, json* out) {
  json sources = json::array();
  json destinations = json::array();
  const std::string location_gln = event.location().gln();
  if (!event.source().gln().empty()) {
    sources.push_back({{"type", "owning_party"},
                       {"source", PartyGlnUri(event.source().gln())}});
  }
  if (step == "shipping" && !location_gln.empty()) {
    sources.push_back(
        {{"type", "location"}, {"source", LocationGlnUri(location_gln)}});
  }
  if (!event.destination().gln().empty()) {
    destinations.push_back(
        {{"type", "owning_party"},
         {"destination", PartyGlnUri(event.destination().gln())}});
  }
  if (step == "receiving" && !location_gln.empty()) {
    destinations.push_back(
        {{"type", "location"}, {"destination", LocationGlnUri(location_gln)}});
  }
  if (!sources.empty()) (*out)["sourceList"] = sources;
  if (!destinations.empty()) (*out)["destinationList"] = destinations;
  if (!event.source().name().empty()) {
    (*out)[Ocop("sourceName")] = event.source().name();
  }
  if (!event.destination().name().empty()) {
    (*out)[Ocop("destinationName")] = event.destination().name();
  }
}

}  // namespace

absl::StatusOr<std::string> FormatTimeZoneOffset(int32_t utc_offset_minutes) {
  if (std::abs(utc_offset_minutes) > 14 * 60) {
    return absl::InvalidArgumentError(absl::StrCat(
        utc_offset_minutes,
        " minutes is outside the range EPCIS allows (-14:00 to +14:00)"));
  }
  const int magnitude = std::abs(utc_offset_minutes);
  return absl::StrFormat("%c%02d:%02d", utc_offset_minutes < 0 ? '-' : '+',
                         magnitude / 60, magnitude % 60);
}

json BatchIlmd(const v1::BatchRecord& record) {
  json ilmd = {{"cbvmda:lotNumber", record.lot()},
               {"cbvmda:countryOfOrigin", "VN"}};
  if (!record.production_date().iso_date().empty()) {
    ilmd["cbvmda:productionDate"] = record.production_date().iso_date();
  }
  if (!record.expiry_date().iso_date().empty()) {
    ilmd["cbvmda:itemExpirationDate"] = record.expiry_date().iso_date();
  }
  return ilmd;
}

absl::StatusOr<EpcisEvent> TraceEventToEpcis(const v1::TraceEvent& event,
                                             const v1::BatchRef& subject_ref,
                                             const EventExtras& extras) {
  for (const v1::KeyDataElement& kde : event.kdes()) {
    if (kde.name() == kCapturedEventKde)
      return CapturedEvent(event, kde.value());
  }
  const v1::BatchRef subject = Normalised(subject_ref);
  const std::string& step = event.business_step();
  const v1::Quantity* quantity =
      event.has_quantity() ? &event.quantity() : nullptr;
  std::vector<v1::BatchRef> inputs;
  std::vector<v1::BatchRef> outputs;
  for (const v1::BatchRef& ref : event.inputs())
    inputs.push_back(Normalised(ref));
  for (const v1::BatchRef& ref : event.outputs()) {
    outputs.push_back(Normalised(ref));
  }
  const std::string sscc = step == "packing" ? SinglePackingSscc(event) : "";

  json out = json::object();
  if (!sscc.empty() && outputs.empty()) {
    out["type"] = "AggregationEvent";
  } else if (step == "transforming" || !inputs.empty() || !outputs.empty()) {
    out["type"] = "TransformationEvent";
  } else {
    out["type"] = "ObjectEvent";
  }
  if (absl::Status status = SetTime(event.event_time(), "event_time", &out);
      !status.ok()) {
    return status;
  }
  if (!extras.certification_info.is_null()) {
    out["certificationInfo"] = extras.certification_info;
  }

  const std::string& type = out["type"].get_ref<const std::string&>();
  if (type == "AggregationEvent") {
    out["parentID"] = SsccUri(sscc);
    out["childQuantityList"] =
        json::array({QuantityElement(subject, quantity)});
    out["action"] = "ADD";
  } else if (type == "TransformationEvent") {
    // The batch goes on the side its event leaves empty: made from the
    // inputs (output side), or turned into the outputs (input side).
    json input_list = json::array();
    json output_list = json::array();
    const bool subject_is_input = !outputs.empty() && inputs.empty();
    for (const v1::BatchRef& ref : inputs) {
      if (!SameBatch(ref, subject)) {
        input_list.push_back(QuantityElement(ref, nullptr));
      }
    }
    for (const v1::BatchRef& ref : outputs) {
      if (!SameBatch(ref, subject)) {
        output_list.push_back(QuantityElement(ref, nullptr));
      }
    }
    if (subject_is_input) {
      input_list.insert(input_list.begin(), QuantityElement(subject, quantity));
      if (output_list.empty()) {
        output_list.push_back(QuantityElement(subject, nullptr));
      }
    } else {
      output_list.insert(output_list.begin(),
                         QuantityElement(subject, quantity));
      if (input_list.empty()) {
        input_list.push_back(QuantityElement(subject, nullptr));
      }
    }
    out["inputQuantityList"] = input_list;
    out["outputQuantityList"] = output_list;
  } else {
    out["quantityList"] = json::array({QuantityElement(subject, quantity)});
    out["action"] = std::string(ActionOf(step));
  }
  // Processing has no CBV business step; TransformationEvent says it.
  if (step != "transforming") {
    out["bizStep"] = VocabularyValue(CbvVocabulary::kBizStep, step);
  }
  std::string disposition = event.disposition();
  if (disposition.empty()) disposition = std::string(DefaultDisposition(step));
  if (!disposition.empty()) {
    out["disposition"] =
        VocabularyValue(CbvVocabulary::kDisposition, disposition);
  }
  const std::string& gln = event.location().gln();
  if (!gln.empty()) {
    out["readPoint"] = {{"id", LocationGlnUri(gln)}};
    if (!LeavesLocation(step))
      out["bizLocation"] = {{"id", LocationGlnUri(gln)}};
  }
  AddParties(event, step, &out);
  if (!event.location().description().empty()) {
    out[Ocop("placeDescription")] = event.location().description();
  }
  if (!event.outcome().empty())
    out[Ocop("inspectionOutcome")] = event.outcome();
  if (step == "commissioning" && extras.ilmd.is_object() &&
      type != "AggregationEvent") {
    out["ilmd"] = extras.ilmd;
  }
  return EpcisEvent{std::move(out), json::object()};
}

absl::StatusOr<EpcisEvent> BatchRecordToEpcis(const v1::BatchRecord& record,
                                              const Timestamp& entry_time,
                                              const json& ilmd) {
  v1::BatchRef subject;
  subject.set_gtin(record.gtin());
  subject.set_lot(record.lot());
  subject = Normalised(subject);
  json out = json::object();
  out["type"] = record.inputs().empty() ? "ObjectEvent" : "TransformationEvent";
  v1::Timestamp time;
  time.set_unix_seconds(entry_time.unix_seconds);
  time.set_utc_offset_minutes(entry_time.utc_offset_minutes);
  if (absl::Status status = SetTime(time, "time", &out); !status.ok()) {
    return status;
  }
  const v1::Quantity* quantity =
      record.has_quantity() ? &record.quantity() : nullptr;
  if (record.inputs().empty()) {
    out["quantityList"] = json::array({QuantityElement(subject, quantity)});
    out["action"] = "ADD";
  } else {
    json inputs = json::array();
    for (const v1::BatchRef& ref : record.inputs()) {
      inputs.push_back(QuantityElement(Normalised(ref), nullptr));
    }
    out["inputQuantityList"] = inputs;
    out["outputQuantityList"] =
        json::array({QuantityElement(subject, quantity)});
  }
  out["bizStep"] = "creating_class_instance";
  out["disposition"] = "active";
  if (ilmd.is_object()) out["ilmd"] = ilmd;
  return EpcisEvent{std::move(out), json::object()};
}

}  // namespace ocoptrace::epcis
