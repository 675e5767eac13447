// The "batches" section of a demo dataset: batches and their journeys
// (demo_dataset.h has the format).

#include <string>
#include <vector>

#include "client/arguments.h"
#include "client/demo_dataset_parse.h"
#include "core/gs1.h"

namespace ocoptrace::client::demo_parse {
namespace {

absl::StatusOr<v1::Quantity> QuantityOf(const Reader& reader, const char* key) {
  v1::Quantity quantity;
  if (!reader.Has(key)) return quantity;
  Reader inner(reader.Get(key), At(reader.path(), key));
  if (auto status = inner.CheckObject(); !status.ok()) return status;
  double amount = 0;
  DEMO_ASSIGN(amount, inner.Number("amount", -1));
  if (amount < 0) return Bad(At(inner.path(), "amount"), "must be 0 or more");
  std::string unit;
  DEMO_ASSIGN(unit, inner.String("unit", true));
  quantity.set_amount(amount);
  quantity.set_unit(unit);
  return quantity;
}

absl::Status PartyOf(const Reader& reader, const char* key, v1::Party* out) {
  Reader inner(reader.Get(key), At(reader.path(), key));
  if (auto status = inner.CheckObject(); !status.ok()) return status;
  std::string text;
  DEMO_ASSIGN(text, inner.String("name", true));
  out->set_name(text);
  DEMO_ASSIGN(text, inner.String("gln"));
  if (!text.empty()) {
    if (absl::Status gln = ValidateGln(text); !gln.ok()) {
      return Bad(At(inner.path(), "gln"), gln.message());
    }
  }
  out->set_gln(text);
  DEMO_ASSIGN(text, inner.String("producer"));
  out->set_producer_id(text);
  return absl::OkStatus();
}

absl::StatusOr<DemoEvent> Event(const Json& json, const std::string& path,
                                absl::CivilDay anchor) {
  Reader reader(json, path);
  if (auto status = reader.CheckObject(); !status.ok()) return status;
  DemoEvent demo;
  v1::TraceEvent& event = demo.event;
  std::string text;
  DEMO_ASSIGN(text, reader.String("step", true));
  event.set_business_step(text);
  v1::Timestamp time;
  DEMO_ASSIGN(time, Time(reader, "time", anchor));
  *event.mutable_event_time() = time;
  if (!reader.Has("place")) return Bad(At(path, "place"), "is required");
  Reader place(reader.Get("place"), At(path, "place"));
  if (auto status = place.CheckObject(); !status.ok()) return status;
  DEMO_ASSIGN(text, place.String("description", true));
  event.mutable_location()->set_description(text);
  DEMO_ASSIGN(text, place.String("gln"));
  event.mutable_location()->set_gln(text);
  if (place.Has("unit")) {
    absl::StatusOr<v1::AdminUnit> unit =
        Unit(place.Get("unit"), At(place.path(), "unit"));
    if (!unit.ok()) return unit.status();
    *event.mutable_location()->mutable_unit() = *unit;
  }
  v1::Quantity quantity;
  DEMO_ASSIGN(quantity, QuantityOf(reader, "quantity"));
  if (!quantity.unit().empty()) *event.mutable_quantity() = quantity;
  DEMO_ASSIGN(text, reader.String("disposition"));
  event.set_disposition(text);
  if (reader.Has("destination")) {
    if (auto status =
            PartyOf(reader, "destination", event.mutable_destination());
        !status.ok()) {
      return status;
    }
  }
  if (reader.Has("source")) {
    if (auto status = PartyOf(reader, "source", event.mutable_source());
        !status.ok()) {
      return status;
    }
  }
  if (reader.Has("kdes")) {
    const Json& kdes = reader.Get("kdes");
    if (!kdes.is_object()) return Bad(At(path, "kdes"), "must be an object");
    for (const auto& [name, value] : kdes.items()) {
      if (!value.is_string()) {
        return Bad(At(At(path, "kdes"), name), "must be a string");
      }
      v1::KeyDataElement* kde = event.add_kdes();
      kde->set_name(name);
      kde->set_value(value.get<std::string>());
    }
  }
  DEMO_ASSIGN(text, reader.String("performed_by"));
  event.set_performed_by(text);
  DEMO_ASSIGN(text, reader.String("findings"));
  event.set_findings(text);
  DEMO_ASSIGN(text, reader.String("outcome"));
  event.set_outcome(text);
  std::vector<std::string> photos;
  DEMO_ASSIGN(photos, reader.Strings("photos"));
  for (const std::string& photo : photos) event.add_photos(photo);
  DEMO_ASSIGN(text, reader.String("note"));
  event.set_note(text);
  DEMO_ASSIGN(text, reader.String("signer"));
  if (text == "inspector") {
    demo.by_inspector = true;
  } else if (!text.empty() && text != "producer") {
    return Bad(At(path, "signer"),
               absl::StrCat("'", text, "' is not producer or inspector"));
  }
  if (demo.by_inspector != (event.business_step() == "inspecting")) {
    return Bad(At(path, "signer"),
               "inspecting events are signed by the inspector, every other "
               "step by the producer");
  }
  return demo;
}

}  // namespace

absl::StatusOr<DemoBatch> Batch(const Json& json, const std::string& path,
                                absl::CivilDay anchor) {
  Reader reader(json, path);
  if (auto status = reader.CheckObject(); !status.ok()) return status;
  DemoBatch batch;
  v1::BatchRecord& record = batch.record;
  std::string text;
  DEMO_ASSIGN(text, reader.String("gtin", true));
  absl::StatusOr<std::string> gtin = ParseGtinArgument(text);
  if (!gtin.ok()) return Bad(At(path, "gtin"), gtin.status().message());
  record.set_gtin(*gtin);
  DEMO_ASSIGN(text, reader.String("lot", true));
  if (absl::Status lot = ValidateLot(text); !lot.ok()) {
    return Bad(At(path, "lot"), lot.message());
  }
  record.set_lot(text);
  v1::Date date;
  DEMO_ASSIGN(date, Date(reader, "production_date", anchor, true));
  *record.mutable_production_date() = date;
  DEMO_ASSIGN(date, Date(reader, "expiry_date", anchor, false));
  if (!date.iso_date().empty()) *record.mutable_expiry_date() = date;
  v1::Quantity quantity;
  DEMO_ASSIGN(quantity, QuantityOf(reader, "quantity"));
  if (quantity.unit().empty()) {
    return Bad(At(path, "quantity"), "is required: {\"amount\", \"unit\"}");
  }
  *record.mutable_quantity() = quantity;
  std::vector<std::string> origins;
  DEMO_ASSIGN(origins, reader.Strings("origins"));
  for (size_t i = 0; i < origins.size(); ++i) {
    absl::StatusOr<v1::OriginReference> origin = ParseOrigin(origins[i]);
    if (!origin.ok()) {
      return Bad(At(At(path, "origins"), i), origin.status().message());
    }
    *record.add_origins() = *origin;
  }
  DEMO_ASSIGN(text, reader.String("note"));
  record.set_note(text);
  bool demo = false;
  DEMO_ASSIGN(demo, reader.Bool("demo"));
  record.set_demo(demo);
  if (reader.Has("events")) {
    const Json& events = reader.Get("events");
    if (!events.is_array()) return Bad(At(path, "events"), "must be a list");
    for (size_t i = 0; i < events.size(); ++i) {
      absl::StatusOr<DemoEvent> event =
          Event(events[i], At(At(path, "events"), i), anchor);
      if (!event.ok()) return event.status();
      batch.events.push_back(*std::move(event));
    }
  }
  return batch;
}

}  // namespace ocoptrace::client::demo_parse
