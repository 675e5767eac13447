// The second half of EventMapper (capture_internal.h): the lossless path
// for events ocoptrace exported, place, parties, inspection outcome, the
// captured JSON, batch creation and the planned entries.
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "core/base64.h"
#include "core/gs1.h"
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

constexpr size_t kMaxCapturedEventBytes = 256 * 1024;
constexpr char kOutcomeNotStated[] =
    "kết quả không nêu trong sự kiện EPCIS (outcome not stated in the EPCIS "
    "event)";

std::string Ocop(std::string_view local) {
  return absl::StrCat(kOcopPrefix, ":", std::string(local));
}

std::optional<std::string> DatePart(const json& value) {
  if (!value.is_string()) return std::nullopt;
  std::string text = value.get<std::string>().substr(0, 10);
  if (!ParseDate(text).ok()) return std::nullopt;
  return text;
}

v1::Date Day(const std::string& iso) {
  v1::Date date;
  date.set_iso_date(iso);
  return date;
}

void CollectUsedPrefixes(const json& value, const json& bindings, json* used) {
  if (value.is_array()) {
    for (const json& element : value) {
      CollectUsedPrefixes(element, bindings, used);
    }
    return;
  }
  if (!value.is_object()) return;
  for (const auto& [key, member] : value.items()) {
    size_t colon = key.find(':');
    if (colon != std::string::npos && key.compare(colon, 3, "://") != 0) {
      const std::string prefix = key.substr(0, colon);
      if (bindings.contains(prefix)) (*used)[prefix] = bindings[prefix];
    }
    CollectUsedPrefixes(member, bindings, used);
  }
}

std::string_view OutcomeOf(std::string_view disposition) {
  constexpr std::string_view kPass[] = {"conformant", "completeness_verified"};
  constexpr std::string_view kFail[] = {
      "non_conformant", "damaged",  "destroyed", "disposed",
      "expired",        "recalled", "stolen",    "non_sellable_other"};
  for (std::string_view word : kPass) {
    if (disposition == word) return "pass";
  }
  for (std::string_view word : kFail) {
    if (disposition == word) return "fail";
  }
  if (disposition.starts_with("mismatch_")) return "warning";
  return "";
}

}  // namespace

bool EventMapper::DecodeOwnEntry() {
  if (!document_.ocop_bound) return false;
  const json extension = event_.value(Ocop("ledgerEntry"), json());
  if (!extension.is_object()) return false;
  const json entry_text = extension.value(Ocop("entry"), json());
  const json body_text = extension.value(Ocop("body"), json());
  if (!entry_text.is_string() || !body_text.is_string()) return false;
  absl::StatusOr<std::string> entry =
      Base64Decode(entry_text.get<std::string>());
  absl::StatusOr<std::string> body = Base64Decode(body_text.get<std::string>());
  if (!entry.ok() || !body.ok()) return false;
  absl::StatusOr<ParsedEntry> parsed = ParseEntry(*entry);
  if (!parsed.ok() || parsed->header.body_hash != Sha256(*body)) return false;
  const std::string& subject = parsed->header.subject;
  std::vector<std::string> parts;
  for (size_t start = 0, slash; start <= subject.size(); start = slash + 1) {
    slash = subject.find('/', start);
    if (slash == std::string::npos) slash = subject.size();
    parts.push_back(subject.substr(start, slash - start));
    if (parts.size() > 3) return false;
  }
  if (parts.size() != 3 || parts[0] != "batch") return false;
  own_subject_.set_gtin(parts[1]);
  own_subject_.set_lot(parts[2]);
  const std::string& kind = parsed->header.kind;
  absl::StatusOr<EpcisEvent> again;
  if (kind == "batch.created") {
    if (!own_record_.ParseFromString(*body)) return false;
    again = BatchRecordToEpcis(own_record_, parsed->header.time,
                               event_.value("ilmd", json()));
  } else if (kind.starts_with("event.")) {
    if (!own_event_.ParseFromString(*body)) return false;
    EventExtras extras;
    extras.certification_info = event_.value("certificationInfo", json());
    extras.ilmd = event_.value("ilmd", json());
    again = TraceEventToEpcis(own_event_, own_subject_, extras);
  } else {
    return false;
  }
  if (!again.ok()) return false;
  again->event.erase("eventID");
  absl::StatusOr<std::string> again_hash =
      EventHashId(again->event, ExportContext(again->prefixes));
  if (!again_hash.ok() || *again_hash != hash_id_) {
    notes_.push_back(absl::StrCat(
        Ocop("ledgerEntry"),
        ": its body does not render to this event; mapped from the EPCIS "
        "fields instead"));
    return false;
  }
  own_kind_ = kind;
  return true;
}

v1::Place EventMapper::MapPlace() {
  v1::Place place;
  std::string first_uri;
  for (const char* key : {"readPoint", "bizLocation"}) {
    const json location = event_.value(key, json());
    if (!location.is_object() || !location.contains("id") ||
        !location["id"].is_string()) {
      continue;
    }
    const std::string id = location["id"].get<std::string>();
    if (first_uri.empty()) first_uri = id;
    absl::StatusOr<Gs1Identity> identity = ReadGs1Identity(id);
    if (identity.ok() && identity->kind == Gs1Identity::Kind::kLocation) {
      place.set_gln(identity->gln);
      if (!identity->extension.empty()) {
        place.set_description(absl::StrCat(
            "GLN ", identity->gln, ", extension (254) ", identity->extension));
      }
      break;
    }
  }
  const json description = event_.value(Ocop("placeDescription"), json());
  if (document_.ocop_bound && description.is_string()) {
    place.set_description(description.get<std::string>());
  } else if (place.gln().empty() && !first_uri.empty()) {
    place.set_description(first_uri);
  }
  if (place.gln().empty() && place.description().empty()) {
    place.set_description(kNotStated);
    notes_.push_back(
        "readPoint/bizLocation: none; the place is recorded as "
        "not stated");
  }
  return place;
}

v1::Party EventMapper::MapParty(const char* list_key, const char* id_key,
                                const char* name_key) {
  v1::Party party;
  const json list = event_.value(list_key, json());
  std::string chosen;
  if (list.is_array()) {
    for (const char* wanted :
         {"owning_party", "possessing_party", "location"}) {
      for (const json& entry : list) {
        if (!chosen.empty() || !entry.is_object() ||
            !entry.value(id_key, json()).is_string()) {
          continue;
        }
        const json type = entry.value("type", json());
        if (type == wanted ||
            type == CbvWebUri(CbvVocabulary::kSourceDestType, wanted)) {
          chosen = entry[id_key].get<std::string>();
        }
      }
    }
  }
  if (!chosen.empty()) {
    absl::StatusOr<Gs1Identity> identity = ReadGs1Identity(chosen);
    if (identity.ok() && (identity->kind == Gs1Identity::Kind::kParty ||
                          identity->kind == Gs1Identity::Kind::kLocation)) {
      party.set_gln(identity->gln);
      party.set_name(absl::StrCat("GLN ", identity->gln));
    } else {
      party.set_name(chosen);
    }
  }
  const json name = event_.value(Ocop(name_key), json());
  if (document_.ocop_bound && name.is_string()) {
    party.set_name(name.get<std::string>());
  }
  return party;
}

void EventMapper::MapInspection(v1::TraceEvent* event) {
  const json stated = event_.value(Ocop("inspectionOutcome"), json());
  if (document_.ocop_bound && stated.is_string()) {
    const std::string outcome = stated.get<std::string>();
    if (outcome == "pass" || outcome == "fail" || outcome == "warning") {
      event->set_outcome(outcome);
      return;
    }
  }
  std::vector<std::string> words;
  if (!event->disposition().empty()) words.push_back(event->disposition());
  const json persistent = event_.value("persistentDisposition", json());
  if (persistent.is_object() && persistent.value("set", json()).is_array()) {
    for (const json& word : persistent["set"]) {
      if (word.is_string()) {
        words.push_back(ClassifyCbvTerm(CbvVocabulary::kDisposition,
                                        word.get<std::string>())
                            .word);
      }
    }
  }
  for (const std::string& word : words) {
    std::string_view outcome = OutcomeOf(word);
    if (!outcome.empty()) {
      event->set_outcome(std::string(outcome));
      event->set_findings(absl::StrCat("EPCIS disposition: ", word));
      return;
    }
  }
  event->set_outcome("warning");
  event->set_findings(kOutcomeNotStated);
  notes_.push_back(
      "inspecting: the event states no outcome; recorded as "
      "'warning' with findings saying so");
}

std::string EventMapper::CapturedJson(json* prefixes) {
  json captured = event_;
  for (const std::string& field : document_.ignored_fields) {
    captured.erase(field);
  }
  CollectUsedPrefixes(captured, document_.inline_prefixes, prefixes);
  return captured.dump();
}

absl::StatusOr<bool> EventMapper::EnsureBatch(const LotAmount& lot,
                                              CapturedEvent* out) {
  absl::StatusOr<bool> known = state_->BatchKnown(lot.ref);
  if (!known.ok()) return known.status();
  if (*known) return true;
  const bool creates =
      creates_class_ || (step_ == "commissioning" &&
                         (own_kind_.has_value() || Str("action") == "ADD"));
  const std::string name = absl::StrCat(lot.ref.gtin(), "/", lot.ref.lot());
  if (!creates || !state_->context().may_create_batches) {
    Fail("unknown-batch", lot.pointer,
         absl::StrCat(
             "batch ", name, " does not exist here; ",
             creates ? "this server does not create batches from captured "
                       "events: create it first (tracectl batch create)"
                     : "create it first (tracectl batch create) or capture "
                       "the document that commissions it"));
    return false;
  }
  PlannedEntry entry;
  entry.batch = lot.ref;
  entry.kind = "batch.created";
  entry.time = time_;
  if (own_kind_ == "batch.created") {
    entry.batch_record = own_record_;
  } else {
    v1::BatchRecord& record = entry.batch_record;
    record.set_gtin(lot.ref.gtin());
    record.set_lot(lot.ref.lot());
    const json ilmd = event_.value("ilmd", json());
    const bool cbvmda_standard =
        document_.inline_prefixes.value("cbvmda",
                                        json("urn:epcglobal:cbv:mda:")) ==
        "urn:epcglobal:cbv:mda:";
    std::optional<std::string> produced;
    std::optional<std::string> expiry;
    if (ilmd.is_object() && cbvmda_standard) {
      produced = DatePart(ilmd.value("cbvmda:productionDate", json()));
      expiry = DatePart(ilmd.value("cbvmda:itemExpirationDate", json()));
    }
    if (!produced.has_value()) {
      produced = FormatDate(
          absl::ToCivilDay(absl::FromUnixSeconds(time_.unix_seconds),
                           absl::FixedTimeZone(time_.utc_offset_minutes * 60)));
    }
    *record.mutable_production_date() = Day(*produced);
    if (expiry.has_value() && *expiry >= *produced) {
      *record.mutable_expiry_date() = Day(*expiry);
    }
    if (!lot.has_quantity) {
      Fail("batch-data", lot.pointer,
           absl::StrCat("creating batch ", name,
                        " needs its size: give quantity and uom in the "
                        "quantityList entry"));
      return false;
    }
    record.mutable_quantity()->set_amount(lot.amount);
    record.mutable_quantity()->set_unit(lot.unit);
    if (creates_class_) {
      for (const LotAmount& input : inputs_) *record.add_inputs() = input.ref;
    }
  }
  out->entries.push_back(std::move(entry));
  state_->MarkCreated(lot.ref);
  return true;
}

absl::Status EventMapper::PlanEntries(CapturedEvent* out) {
  std::vector<LotAmount> subjects;
  if (own_kind_.has_value()) {
    LotAmount own;
    own.ref = own_subject_;
    own.pointer = "";
    for (const LotAmount& lot : lots_) {
      if (lot.ref.gtin() == own.ref.gtin() && lot.ref.lot() == own.ref.lot()) {
        own = lot;
      }
    }
    for (const LotAmount& lot : inputs_) {
      if (lot.ref.gtin() == own.ref.gtin() && lot.ref.lot() == own.ref.lot()) {
        own = lot;
      }
    }
    subjects.push_back(own);
  } else {
    subjects = !lots_.empty() ? lots_ : inputs_;
  }
  json prefixes = json::object();
  const std::string captured = CapturedJson(&prefixes);
  if (captured.size() > kMaxCapturedEventBytes) {
    Fail("event-too-large", "",
         absl::StrCat("the event is ", captured.size(),
                      " bytes of JSON; ocoptrace keeps captured events up to ",
                      kMaxCapturedEventBytes, " bytes: split its lists"));
    return absl::OkStatus();
  }
  for (const LotAmount& subject : subjects) {
    absl::StatusOr<bool> exists = EnsureBatch(subject, out);
    if (!exists.ok()) return exists.status();
    if (!*exists || creates_class_) continue;
    v1::TraceEvent event;
    if (own_kind_.has_value()) {
      event = own_event_;
    } else {
      event.set_business_step(step_);
      event.mutable_event_time()->set_unix_seconds(time_.unix_seconds);
      event.mutable_event_time()->set_utc_offset_minutes(
          time_.utc_offset_minutes);
      *event.mutable_location() = MapPlace();
      if (event_.contains("disposition")) {
        event.set_disposition(Term(CbvVocabulary::kDisposition, "disposition",
                                   event_["disposition"])
                                  .value_or(""));
      }
      if (subject.has_quantity) {
        event.mutable_quantity()->set_amount(subject.amount);
        event.mutable_quantity()->set_unit(subject.unit);
      }
      const bool subject_is_output = !lots_.empty();
      for (const LotAmount& input : inputs_) {
        if (subject_is_output) *event.add_inputs() = input.ref;
      }
      for (const v1::BatchRef& ref : event.inputs()) {
        absl::StatusOr<bool> known = state_->BatchKnown(ref);
        if (!known.ok()) return known.status();
        if (!*known) {
          Fail("unknown-batch", "inputQuantityList",
               absl::StrCat("input batch ", ref.gtin(), "/", ref.lot(),
                            " does not exist here; capture its history "
                            "first"));
        }
      }
      v1::Party source = MapParty("sourceList", "source", "sourceName");
      v1::Party destination =
          MapParty("destinationList", "destination", "destinationName");
      if (step_ == "receiving" && source.name().empty()) {
        source.set_name(kNotStated);
        notes_.push_back(
            "sourceList: none; the source is recorded as not "
            "stated");
      }
      if (step_ == "shipping" && destination.name().empty()) {
        destination.set_name(kNotStated);
        notes_.push_back(
            "destinationList: none; the destination is "
            "recorded as not stated");
      }
      if (!source.name().empty()) *event.mutable_source() = source;
      if (!destination.name().empty()) {
        *event.mutable_destination() = destination;
      }
      if (step_ == "inspecting") MapInspection(&event);
      if (!sscc_.empty()) {
        v1::KeyDataElement* kde = event.add_kdes();
        kde->set_name(kSsccKde);
        kde->set_value(sscc_);
      }
    }
    event.set_epcis_event_id(out->event_id);
    bool has_json = false;
    for (const v1::KeyDataElement& kde : event.kdes()) {
      has_json |= kde.name() == kCapturedEventKde;
    }
    if (!has_json) {
      v1::KeyDataElement* kde = event.add_kdes();
      kde->set_name(kCapturedEventKde);
      kde->set_value(captured);
      if (!prefixes.empty()) {
        kde = event.add_kdes();
        kde->set_name(kCapturedPrefixesKde);
        kde->set_value(prefixes.dump());
      }
    }
    PlannedEntry entry;
    entry.batch = subject.ref;
    entry.kind = absl::StrCat("event.", event.business_step());
    entry.time = time_;
    entry.event = std::move(event);
    out->entries.push_back(std::move(entry));
  }
  if (HasProblems()) out->entries.clear();
  return absl::OkStatus();
}

absl::Status EventMapper::Run(CapturedEvent* out) {
  out->index = index_;
  out->pointer = pointer_;
  if (!event_.is_object()) {
    Fail("invalid-event", "",
         absl::StrCat("an event must be a JSON object, got ",
                      event_.type_name()));
    return absl::OkStatus();
  }
  type_ = Str("type");
  if (type_ == "AssociationEvent") {
    Fail("unsupported-event-type", "type",
         "AssociationEvent links assets or sensors (parentID) with other "
         "objects; ocoptrace traces product lots and does not capture it");
    return absl::OkStatus();
  }
  if (type_ != "ObjectEvent" && type_ != "AggregationEvent" &&
      type_ != "TransformationEvent" && type_ != "TransactionEvent") {
    Fail("unsupported-event-type", "type",
         absl::StrCat("event type '", type_,
                      "' is not captured; use ObjectEvent, AggregationEvent, "
                      "TransformationEvent or TransactionEvent"));
    return absl::OkStatus();
  }
  if (event_.contains("errorDeclaration")) {
    Fail("error-declaration", "errorDeclaration",
         "ocoptrace's log is append-only and cannot retract an event (an "
         "error declaration has the hash ID of the event it retracts); "
         "record the corrective events instead");
  }
  CheckTime();
  CheckTerms();
  if (type_ != "TransformationEvent") {
    const std::string action = Str("action");
    if (action != "ADD" && action != "OBSERVE" && action != "DELETE") {
      Fail("invalid-event", "action",
           absl::StrCat("action is ", event_.value("action", json()).dump(),
                        "; use ADD, OBSERVE or DELETE"));
    }
  }
  absl::StatusOr<std::string> hash =
      EventHashId(event_, document_.context, document_.hash_options);
  if (!hash.ok()) {
    Fail("invalid-event", "", std::string(hash.status().message()));
  } else {
    hash_id_ = *hash;
  }
  out->hash_id = hash_id_;
  const json event_id = event_.value("eventID", json());
  out->event_id = event_id.is_string() ? event_id.get<std::string>() : hash_id_;
  if (HasProblems()) return absl::OkStatus();
  DecodeOwnEntry();
  if (!ChooseStep()) return absl::OkStatus();
  absl::Status status;
  if (type_ == "TransformationEvent") {
    status = CollectSide("inputEPCList", "inputQuantityList", &inputs_);
    if (status.ok()) {
      status = CollectSide("outputEPCList", "outputQuantityList", &lots_);
    }
  } else if (type_ == "AggregationEvent") {
    status = CollectSide("childEPCs", "childQuantityList", &lots_);
    const std::string parent = Str("parentID");
    if (!parent.empty()) {
      absl::StatusOr<Gs1Identity> identity = ReadGs1Identity(parent);
      if (identity.ok() && identity->kind == Gs1Identity::Kind::kSscc) {
        sscc_ = identity->sscc;
      } else {
        notes_.push_back(absl::StrCat("parentID: ", parent,
                                      " is not an SSCC; kept only in the "
                                      "captured JSON"));
      }
    }
  } else {
    status = CollectSide("epcList", "quantityList", &lots_);
  }
  if (!status.ok()) return status;
  if (HasProblems()) return absl::OkStatus();
  if (lots_.empty() && inputs_.empty() && !own_kind_.has_value()) {
    Fail("no-product-identity", "",
         absl::StrCat(
             "the event names no product lot (GTIN + lot) or labelled unit "
             "(GTIN + serial)",
             others_.empty()
                 ? std::string()
                 : absl::StrCat(", only ", absl::StrJoin(others_, ", ")),
             "; ocoptrace traces batches, so there is nothing to record"));
    return absl::OkStatus();
  }
  status = PlanEntries(out);
  out->notes = notes_;
  return status;
}

absl::Status MapEvent(const json& event, size_t index,
                      const std::string& pointer, const DocumentInfo& document,
                      PlanState* state, CapturedEvent* out,
                      std::vector<Problem>* problems) {
  EventMapper mapper(event, index, pointer, document, state, problems);
  return mapper.Run(out);
}

}  // namespace ocoptrace::epcis::capture_internal
