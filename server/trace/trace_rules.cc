// Rules for batches (lô) and their supply-chain events (CBV 2.0 steps,
// Circular 02/2024: a product code, a location code and a time per stage).
#include <set>

#include "absl/strings/str_cat.h"
#include "core/gs1.h"
#include "core/timestamp.h"
#include "server/trace/kinds.h"
#include "server/trace/rules.h"

namespace ocoptrace::trace {
namespace {

absl::Status Invalid(std::string_view field, std::string_view message) {
  return absl::InvalidArgumentError(
      absl::StrCat(std::string(field), ": ", std::string(message)));
}

constexpr std::string_view kOriginKinds[] = {"growing_area", "vietgap",
                                             "organic", "globalgap", "other"};

absl::Status ValidateQuantity(const v1::Quantity& quantity,
                              std::string_view field) {
  if (!(quantity.amount() >= 0)) {
    return Invalid(absl::StrCat(std::string(field), ".amount"),
                   absl::StrCat(quantity.amount(), " must be 0 or more"));
  }
  return ValidateUnitCode(quantity.unit(),
                          absl::StrCat(std::string(field), ".unit"));
}

absl::Status ValidateBatchRef(const v1::BatchRef& ref, std::string_view field) {
  auto gtin =
      NormalizeGtinField(ref.gtin(), absl::StrCat(std::string(field), ".gtin"));
  if (!gtin.ok()) return gtin.status();
  if (auto status = ValidateLot(ref.lot()); !status.ok()) {
    return Invalid(field, std::string(status.message()));
  }
  return absl::OkStatus();
}

absl::Status CheckRefsExist(
    const google::protobuf::RepeatedPtrField<v1::BatchRef>& refs,
    std::string_view field, const StateReader& state) {
  for (int i = 0; i < refs.size(); ++i) {
    auto gtin = NormalizeGtinField(refs[i].gtin(), "gtin");
    if (!gtin.ok()) return gtin.status();
    auto batch = state.Batch(*gtin, refs[i].lot());
    if (!batch.ok()) {
      if (absl::IsNotFound(batch.status())) {
        return absl::NotFoundError(absl::StrCat(
            std::string(field), "[", i, "]: ", batch.status().message()));
      }
      return batch.status();
    }
  }
  return absl::OkStatus();
}

absl::Status ValidatePlace(const v1::Place& place, std::string_view field) {
  if (!place.gln().empty()) {
    if (auto status = ValidateGln(place.gln()); !status.ok()) {
      return Invalid(absl::StrCat(std::string(field), ".gln"),
                     std::string(status.message()));
    }
    return absl::OkStatus();
  }
  if (place.description().empty()) {
    return Invalid(field,
                   "is required: give the GLN of the place or describe it "
                   "(e.g. \"Xưởng sản xuất HTX Tài Hoan, thôn Chè Cọ\")");
  }
  return absl::OkStatus();
}

absl::Status ValidateParty(const v1::Party& party, std::string_view field,
                           std::string_view why) {
  if (party.name().empty() && party.gln().empty() &&
      party.producer_id().empty()) {
    return Invalid(field, absl::StrCat("is required ", std::string(why),
                                       ": give at least the party's name"));
  }
  if (party.name().empty()) {
    return Invalid(absl::StrCat(std::string(field), ".name"),
                   "is required, e.g. \"Siêu thị Co.opmart Thái Nguyên\"");
  }
  if (!party.gln().empty()) {
    if (auto status = ValidateGln(party.gln()); !status.ok()) {
      return Invalid(absl::StrCat(std::string(field), ".gln"),
                     std::string(status.message()));
    }
  }
  if (!party.producer_id().empty()) {
    return ValidateProducerId(party.producer_id(),
                              absl::StrCat(std::string(field), ".producer_id"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateBatchRecord(const v1::BatchRecord& record) {
  auto gtin = NormalizeGtinField(record.gtin(), "gtin");
  if (!gtin.ok()) return gtin.status();
  if (auto status = ValidateLot(record.lot()); !status.ok()) return status;
  auto production = ParseDateField(record.production_date(), "production_date");
  if (!production.ok()) return production.status();
  if (!record.expiry_date().iso_date().empty()) {
    auto expiry = ParseDateField(record.expiry_date(), "expiry_date");
    if (!expiry.ok()) return expiry.status();
    if (*expiry < *production) {
      return Invalid("expiry_date", absl::StrCat(FormatDate(*expiry),
                                                 " is before production_date ",
                                                 FormatDate(*production)));
    }
  }
  if (!record.has_quantity()) {
    return Invalid("quantity", "is required: amount and unit (e.g. 500 KGM)");
  }
  if (auto status = ValidateQuantity(record.quantity(), "quantity");
      !status.ok()) {
    return status;
  }
  for (int i = 0; i < record.origins_size(); ++i) {
    const v1::OriginReference& origin = record.origins(i);
    const std::string field = absl::StrCat("origins[", i, "]");
    bool known = false;
    for (std::string_view kind : kOriginKinds) known |= origin.kind() == kind;
    if (!known) {
      return Invalid(field + ".kind",
                     absl::StrCat("'", origin.kind(),
                                  "' is not one of growing_area, vietgap, "
                                  "organic, globalgap, other"));
    }
    if (origin.code().empty()) {
      return Invalid(field + ".code",
                     "is required: the area code or certificate number");
    }
    if (!origin.valid_until().iso_date().empty()) {
      if (auto day =
              ParseDateField(origin.valid_until(), field + ".valid_until");
          !day.ok()) {
        return day.status();
      }
    }
  }
  std::set<std::string> seen;
  for (int i = 0; i < record.inputs_size(); ++i) {
    const std::string field = absl::StrCat("inputs[", i, "]");
    if (auto status = ValidateBatchRef(record.inputs(i), field); !status.ok()) {
      return status;
    }
    auto gtin_in = NormalizeGtinField(record.inputs(i).gtin(), field);
    if (*gtin_in == *gtin && record.inputs(i).lot() == record.lot()) {
      return Invalid(field, "a batch cannot be its own input");
    }
  }
  return absl::OkStatus();
}

absl::Status CheckBatchCreation(const v1::BatchRecord& record,
                                const StateReader& state) {
  auto gtin = NormalizeGtinField(record.gtin(), "gtin");
  if (!gtin.ok()) return gtin.status();
  auto product = state.Product(*gtin);
  if (!product.ok()) return product.status();
  auto existing = state.Batch(*gtin, record.lot());
  if (existing.ok()) {
    return absl::AlreadyExistsError(
        absl::StrCat("batch ", *gtin, "/", record.lot(),
                     " already exists; choose another lot number"));
  }
  if (!absl::IsNotFound(existing.status())) return existing.status();
  return CheckRefsExist(record.inputs(), "inputs", state);
}

absl::StatusOr<v1::BatchRecord> NormalizeBatchRecord(v1::BatchRecord record) {
  auto gtin = NormalizeGtinField(record.gtin(), "gtin");
  if (!gtin.ok()) return gtin.status();
  record.set_gtin(*gtin);
  for (v1::BatchRef& input : *record.mutable_inputs()) {
    auto input_gtin = NormalizeGtinField(input.gtin(), "inputs.gtin");
    if (!input_gtin.ok()) return input_gtin.status();
    input.set_gtin(*input_gtin);
  }
  return record;
}

absl::Status ValidateTraceEvent(const v1::TraceEvent& event,
                                std::string_view step) {
  if (event.business_step() != step) {
    return Invalid("business_step",
                   absl::StrCat("'", event.business_step(),
                                "' does not match the entry kind event.",
                                std::string(step), "; they must be equal"));
  }
  if (!event.has_event_time() || event.event_time().unix_seconds() == 0) {
    return Invalid("event_time",
                   "is required: when it happened, with its UTC offset "
                   "(+420 in Vietnam)");
  }
  const Timestamp time{event.event_time().unix_seconds(),
                       event.event_time().utc_offset_minutes()};
  if (auto status = ValidateTimestamp(time); !status.ok()) {
    return Invalid("event_time", std::string(status.message()));
  }
  if (!event.has_location()) {
    return Invalid("location",
                   "is required: give the GLN of the place or describe it");
  }
  if (auto status = ValidatePlace(event.location(), "location"); !status.ok()) {
    return status;
  }
  if (event.has_quantity()) {
    if (auto status = ValidateQuantity(event.quantity(), "quantity");
        !status.ok()) {
      return status;
    }
  }
  for (int i = 0; i < event.inputs_size(); ++i) {
    if (auto status =
            ValidateBatchRef(event.inputs(i), absl::StrCat("inputs[", i, "]"));
        !status.ok()) {
      return status;
    }
  }
  for (int i = 0; i < event.outputs_size(); ++i) {
    if (auto status = ValidateBatchRef(event.outputs(i),
                                       absl::StrCat("outputs[", i, "]"));
        !status.ok()) {
      return status;
    }
  }
  if (step == "shipping" || event.has_destination()) {
    if (auto status = ValidateParty(event.destination(), "destination",
                                    "for shipping (one step forward)");
        !status.ok()) {
      return status;
    }
  }
  if (step == "receiving" || event.has_source()) {
    if (auto status = ValidateParty(event.source(), "source",
                                    "for receiving (one step back)");
        !status.ok()) {
      return status;
    }
  }
  if (step == "inspecting" || !event.outcome().empty()) {
    const std::string& outcome = event.outcome();
    if (outcome != "pass" && outcome != "fail" && outcome != "warning") {
      return Invalid("outcome",
                     absl::StrCat(outcome.empty() ? "is required for "
                                                    "inspecting"
                                                  : "'" + outcome +
                                                        "' is not "
                                                        "allowed",
                                  "; use pass, fail or warning"));
    }
  }
  for (int i = 0; i < event.kdes_size(); ++i) {
    if (event.kdes(i).name().empty()) {
      return Invalid(absl::StrCat("kdes[", i, "].name"), "is required");
    }
  }
  return absl::OkStatus();
}

absl::Status CheckTraceEvent(const v1::TraceEvent& event,
                             const StateReader& state) {
  return CheckRefsExist(event.inputs(), "inputs", state);
}

}  // namespace ocoptrace::trace
