// tracectl batch create|get|list, event record.

#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "client/arguments.h"
#include "client/cli.h"
#include "core/gs1.h"

namespace ocoptrace::client {
namespace {

absl::StatusOr<v1::Quantity> ParseQuantity(double amount,
                                           const std::string& unit) {
  v1::Quantity quantity;
  if (amount < 0) {
    return absl::InvalidArgumentError(
        absl::StrFormat("--quantity %g: must be 0 or more", amount));
  }
  if (amount > 0 && unit.empty()) {
    return absl::InvalidArgumentError(
        "--unit: give the UN/CEFACT unit code of --quantity, e.g. KGM (kg), "
        "GRM (g), LTR (litre), H87 (piece), XBX (box)");
  }
  quantity.set_amount(amount);
  quantity.set_unit(unit);
  return quantity;
}

absl::Status AddBatchRefs(
    const std::vector<std::string>& texts, const char* flag,
    google::protobuf::RepeatedPtrField<v1::BatchRef>* out) {
  for (const std::string& text : texts) {
    absl::StatusOr<v1::BatchRef> ref = ParseBatchArgument(text);
    if (!ref.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(flag, ": ", ref.status().message()));
    }
    *out->Add() = *ref;
  }
  return absl::OkStatus();
}

struct BatchOptions {
  std::string gtin;
  std::string lot;
  std::string production_date;
  std::string expiry;
  double quantity = 0;
  std::string unit;
  std::vector<std::string> inputs;
  std::vector<std::string> origins;
  std::string note;
  bool demo = false;
};

absl::Status RunBatchCreate(Cli& cli, const BatchOptions& options) {
  v1::BatchRecord record;
  absl::StatusOr<std::string> gtin = ParseGtinArgument(options.gtin);
  if (!gtin.ok()) return gtin.status();
  record.set_gtin(*gtin);
  if (absl::Status lot = ValidateLot(options.lot); !lot.ok()) return lot;
  record.set_lot(options.lot);
  absl::StatusOr<v1::Date> production =
      ParseDateArgument("--production-date", options.production_date);
  if (!production.ok()) return production.status();
  *record.mutable_production_date() = *production;
  if (!options.expiry.empty()) {
    absl::StatusOr<v1::Date> expiry =
        ParseDateArgument("--expiry", options.expiry);
    if (!expiry.ok()) return expiry.status();
    *record.mutable_expiry_date() = *expiry;
  }
  absl::StatusOr<v1::Quantity> quantity =
      ParseQuantity(options.quantity, options.unit);
  if (!quantity.ok()) return quantity.status();
  *record.mutable_quantity() = *quantity;
  for (const std::string& text : options.origins) {
    absl::StatusOr<v1::OriginReference> origin = ParseOrigin(text);
    if (!origin.ok()) return origin.status();
    *record.add_origins() = *origin;
  }
  if (absl::Status inputs =
          AddBatchRefs(options.inputs, "--input", record.mutable_inputs());
      !inputs.ok()) {
    return inputs;
  }
  record.set_note(options.note);
  record.set_demo(options.demo);

  absl::StatusOr<Connection*> conn = cli.connection();
  if (!conn.ok()) return conn.status();
  Connection* connection = *conn;
  EntryToSign entry{"batch.created", BatchSubject(record.gtin(), record.lot()),
                    record.SerializeAsString(), std::nullopt};
  absl::StatusOr<v1::EntryReceipt> receipt =
      cli.SignAndSend(entry, [connection](const v1::SignedEntry& signed_entry) {
        v1::CreateBatchRequest request;
        *request.mutable_signed_() = signed_entry;
        return connection->Call(connection->trace(),
                                &v1::Trace::Stub::CreateBatch, request);
      });
  if (!receipt.ok()) return receipt.status();
  cli.PrintReceipt(*receipt);
  return absl::OkStatus();
}

std::string QuantityText(const v1::Quantity& quantity) {
  if (quantity.unit().empty() && quantity.amount() == 0) return "";
  return absl::StrFormat("%g %s", quantity.amount(), quantity.unit());
}

absl::Status RunBatchGet(Cli& cli, const std::string& batch_text) {
  absl::StatusOr<v1::BatchRef> ref = ParseBatchArgument(batch_text);
  if (!ref.ok()) return ref.status();
  absl::StatusOr<Connection*> conn = cli.connection();
  if (!conn.ok()) return conn.status();
  v1::GetBatchRequest request;
  *request.mutable_batch() = *ref;
  absl::StatusOr<v1::Batch> batch =
      (*conn)->Call((*conn)->trace(), &v1::Trace::Stub::GetBatch, request);
  if (!batch.ok()) return batch.status();
  Printer print = cli.printer();
  if (print.json()) {
    print.Json(ProtoToJson(*batch));
    return absl::OkStatus();
  }
  const v1::BatchRecord& record = batch->record();
  std::string origins;
  for (const v1::OriginReference& origin : record.origins()) {
    absl::StrAppend(&origins, origins.empty() ? "" : ", ", origin.kind(), ":",
                    origin.code());
  }
  std::string inputs;
  for (const v1::BatchRef& input : record.inputs()) {
    absl::StrAppend(&inputs, inputs.empty() ? "" : ", ", input.gtin(), "/",
                    input.lot());
  }
  print.Text(RenderFields({
      {"batch", absl::StrCat(record.gtin(), "/", record.lot())},
      {"producer", batch->producer_id()},
      {"produced", record.production_date().iso_date()},
      {"expires", record.expiry_date().iso_date()},
      {"quantity", QuantityText(record.quantity())},
      {"origins", origins},
      {"made from", inputs},
      {"note", record.note()},
      {"entries", std::to_string(batch->entries())},
      {"last step", batch->last_step()},
      {"labels", batch->labels_issued() == 0
                     ? ""
                     : absl::StrCat(batch->labels_issued(), " issued, ",
                                    batch->labels_voided(), " voided")},
      {"demo", record.demo() ? "yes (placeholder data)" : ""},
  }));
  return absl::OkStatus();
}

absl::Status RunBatchList(Cli& cli, const std::string& gtin_text,
                          const std::string& producer) {
  v1::ListBatchesRequest request;
  if (!gtin_text.empty()) {
    absl::StatusOr<std::string> gtin = ParseGtinArgument(gtin_text);
    if (!gtin.ok()) return gtin.status();
    request.set_gtin(*gtin);
  }
  request.set_producer_id(producer);
  absl::StatusOr<Connection*> conn = cli.connection();
  if (!conn.ok()) return conn.status();
  v1::ListBatchesResponse all;
  do {
    absl::StatusOr<v1::ListBatchesResponse> page =
        (*conn)->Call((*conn)->trace(), &v1::Trace::Stub::ListBatches, request);
    if (!page.ok()) return page.status();
    all.mutable_batches()->MergeFrom(page->batches());
    request.mutable_page()->set_page_token(page->next_page_token());
  } while (!request.page().page_token().empty());
  Printer print = cli.printer();
  if (print.json()) {
    print.Json(ProtoToJson(all));
    return absl::OkStatus();
  }
  Table table({"GTIN", "LOT", "PRODUCED", "EXPIRES", "QUANTITY", "LAST STEP",
               "ENTRIES"});
  for (const v1::Batch& batch : all.batches()) {
    const v1::BatchRecord& record = batch.record();
    table.AddRow(
        {record.gtin(), record.lot(), record.production_date().iso_date(),
         record.expiry_date().iso_date(), QuantityText(record.quantity()),
         batch.last_step(), std::to_string(batch.entries())});
  }
  print.Text(table.Render());
  return absl::OkStatus();
}

struct EventOptions {
  std::string batch;
  std::string step;
  std::string time;
  std::string gln;
  std::string place;
  double quantity = 0;
  std::string unit;
  std::string to_name;
  std::string to_gln;
  std::string to_producer;
  std::string from_name;
  std::string from_gln;
  std::string from_producer;
  std::vector<std::string> kdes;
  std::string outcome;
  std::string findings;
  std::vector<std::string> photos;
  std::string disposition;
  std::string performed_by;
  std::vector<std::string> inputs;
  std::vector<std::string> outputs;
  std::string note;
};

absl::Status FillParty(const char* flag, const std::string& name,
                       const std::string& gln, const std::string& producer,
                       v1::Party* party) {
  if (!gln.empty()) {
    if (absl::Status valid = ValidateGln(gln); !valid.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(flag, "-gln: ", valid.message()));
    }
  }
  party->set_name(name);
  party->set_gln(gln);
  party->set_producer_id(producer);
  return absl::OkStatus();
}

absl::Status RunEventRecord(Cli& cli, const EventOptions& options) {
  absl::StatusOr<v1::BatchRef> batch = ParseBatchArgument(options.batch);
  if (!batch.ok()) return batch.status();
  v1::TraceEvent event;
  event.set_business_step(options.step);
  absl::StatusOr<Timestamp> time =
      ParseEventTime(options.time, cli.clock().Now());
  if (!time.ok()) return time.status();
  event.mutable_event_time()->set_unix_seconds(time->unix_seconds);
  event.mutable_event_time()->set_utc_offset_minutes(time->utc_offset_minutes);
  if (options.gln.empty() && options.place.empty()) {
    return absl::InvalidArgumentError(
        "location: pass --gln GLN or --place \"description of the place\"");
  }
  if (!options.gln.empty()) {
    if (absl::Status valid = ValidateGln(options.gln); !valid.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--gln: ", valid.message()));
    }
  }
  event.mutable_location()->set_gln(options.gln);
  event.mutable_location()->set_description(options.place);
  if (options.quantity != 0 || !options.unit.empty()) {
    absl::StatusOr<v1::Quantity> quantity =
        ParseQuantity(options.quantity, options.unit);
    if (!quantity.ok()) return quantity.status();
    *event.mutable_quantity() = *quantity;
  }
  if (!options.to_name.empty() || !options.to_gln.empty() ||
      !options.to_producer.empty()) {
    absl::Status party =
        FillParty("--to", options.to_name, options.to_gln, options.to_producer,
                  event.mutable_destination());
    if (!party.ok()) return party;
  }
  if (!options.from_name.empty() || !options.from_gln.empty() ||
      !options.from_producer.empty()) {
    absl::Status party =
        FillParty("--from", options.from_name, options.from_gln,
                  options.from_producer, event.mutable_source());
    if (!party.ok()) return party;
  }
  for (const std::string& text : options.kdes) {
    absl::StatusOr<v1::KeyDataElement> kde = ParseKeyValue(text);
    if (!kde.ok()) return kde.status();
    *event.add_kdes() = *kde;
  }
  if (absl::Status refs =
          AddBatchRefs(options.inputs, "--input", event.mutable_inputs());
      !refs.ok()) {
    return refs;
  }
  if (absl::Status refs =
          AddBatchRefs(options.outputs, "--output", event.mutable_outputs());
      !refs.ok()) {
    return refs;
  }
  event.set_outcome(options.outcome);
  event.set_findings(options.findings);
  for (const std::string& photo : options.photos) event.add_photos(photo);
  event.set_disposition(options.disposition);
  event.set_performed_by(options.performed_by);
  event.set_note(options.note);

  absl::StatusOr<Connection*> conn = cli.connection();
  if (!conn.ok()) return conn.status();
  Connection* connection = *conn;
  // The entry asserts the event happened at the event time.
  EntryToSign entry{"event." + options.step,
                    BatchSubject(batch->gtin(), batch->lot()),
                    event.SerializeAsString(), *time};
  absl::StatusOr<v1::EntryReceipt> receipt =
      cli.SignAndSend(entry, [connection](const v1::SignedEntry& signed_entry) {
        v1::RecordEventRequest request;
        *request.mutable_signed_() = signed_entry;
        return connection->Call(connection->trace(),
                                &v1::Trace::Stub::RecordEvent, request);
      });
  if (!receipt.ok()) return receipt.status();
  cli.PrintReceipt(*receipt);
  return absl::OkStatus();
}

}  // namespace

void AddTraceCommands(CLI::App& app, Cli& cli) {
  CLI::App* batch = app.add_subcommand("batch", "Batches (lô)");
  batch->require_subcommand(1);

  auto create_options = std::make_shared<BatchOptions>();
  CLI::App* create = batch->add_subcommand(
      "create", "Create a batch (signed with your producer key)");
  create->add_option("--gtin", create_options->gtin, "Product GTIN")
      ->required();
  create
      ->add_option("--lot", create_options->lot,
                   "Lot (AI 10): 1-20 of A-Z a-z 0-9 and GS1 punctuation")
      ->required();
  create
      ->add_option("--production-date", create_options->production_date,
                   "YYYY-MM-DD")
      ->required();
  create->add_option("--expiry", create_options->expiry, "YYYY-MM-DD");
  create->add_option("--quantity", create_options->quantity, "Batch size")
      ->required();
  create
      ->add_option("--unit", create_options->unit,
                   "UN/CEFACT unit: KGM, GRM, LTR, H87, XBX...")
      ->required();
  create->add_option("--input", create_options->inputs,
                     "Input batch GTIN/LOT (one step back; repeatable)");
  create->add_option("--origin", create_options->origins,
                     "Raw-material origin KIND:CODE, e.g. vietgap:VG-123 "
                     "(repeatable)");
  create->add_option("--note", create_options->note, "Free note");
  create->add_flag("--demo", create_options->demo, "Mark as demo data");
  SetAction(create, cli, [&cli, create_options] {
    return RunBatchCreate(cli, *create_options);
  });

  auto get_batch = std::make_shared<std::string>();
  CLI::App* get = batch->add_subcommand("get", "Show a batch");
  get->add_option("batch", *get_batch, "GTIN/LOT")->required();
  SetAction(get, cli,
            [&cli, get_batch] { return RunBatchGet(cli, *get_batch); });

  auto list_args = std::make_shared<std::pair<std::string, std::string>>();
  CLI::App* list = batch->add_subcommand("list", "List batches");
  list->add_option("--gtin", list_args->first, "Batches of this product");
  list->add_option("--producer", list_args->second, "Batches of this producer");
  SetAction(list, cli, [&cli, list_args] {
    return RunBatchList(cli, list_args->first, list_args->second);
  });

  CLI::App* event = app.add_subcommand("event", "Supply-chain events");
  event->require_subcommand(1);
  auto options = std::make_shared<EventOptions>();
  CLI::App* record = event->add_subcommand(
      "record", "Record an event on a batch (signed with your key)");
  record->add_option("batch", options->batch, "GTIN/LOT")->required();
  record
      ->add_option("--step", options->step,
                   "CBV business step: commissioning, transforming, "
                   "packing, shipping, receiving, storing, inspecting...")
      ->required();
  record->add_option("--time", options->time,
                     "When it happened, RFC 3339 (default now, +07:00)");
  record->add_option("--gln", options->gln, "Where: GLN-13");
  record->add_option("--place", options->place, "Where, in words");
  record->add_option("--quantity", options->quantity, "Quantity handled");
  record->add_option("--unit", options->unit, "Unit of --quantity (KGM...)");
  record->add_option("--to", options->to_name, "Shipping: the next party");
  record->add_option("--to-gln", options->to_gln, "Its GLN");
  record->add_option("--to-producer", options->to_producer,
                     "Its producer id, if registered");
  record->add_option("--from", options->from_name,
                     "Receiving: the previous party");
  record->add_option("--from-gln", options->from_gln, "Its GLN");
  record->add_option("--from-producer", options->from_producer,
                     "Its producer id, if registered");
  record->add_option("--kde", options->kdes,
                     "Key data element name=value (repeatable)");
  record->add_option("--outcome", options->outcome,
                     "Inspecting: pass, fail or warning");
  record->add_option("--findings", options->findings, "Inspecting: findings");
  record->add_option("--photo", options->photos,
                     "Photo reference (sha256:<hex> or URL; repeatable)");
  record->add_option("--disposition", options->disposition,
                     "CBV disposition, e.g. in_transit");
  record->add_option("--by", options->performed_by,
                     "Who did it, in words (no personal data)");
  record->add_option("--input", options->inputs, "Input GTIN/LOT (repeatable)");
  record->add_option("--output", options->outputs,
                     "Output GTIN/LOT (repeatable)");
  record->add_option("--note", options->note, "Free note");
  SetAction(record, cli,
            [&cli, options] { return RunEventRecord(cli, *options); });
}

}  // namespace ocoptrace::client
