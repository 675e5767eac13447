// The EPCIS 2.0 document of a batch: events in chain order, each with its
// hash ID and ledger proof; prefixes of captured events merged into one
// @context.
#include "epcis/export.h"

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "core/base64.h"
#include "core/digital_link.h"
#include "core/gs1.h"
#include "core/log_entry.h"
#include "core/signed_note.h"
#include "epcis/cbv_vocabulary.h"
#include "epcis/event_hash.h"

namespace ocoptrace::epcis {
namespace {

using nlohmann::json;

constexpr std::string_view kBatchCreated = "batch.created";
constexpr std::string_view kEventPrefix = "event.";

std::string Ocop(std::string_view local) {
  return absl::StrCat(kOcopPrefix, ":", std::string(local));
}

absl::Status ItemError(const v1::HistoryItem& item, std::string_view what) {
  return absl::InvalidArgumentError(
      absl::StrCat("history item at log index ", item.proven().entry().index(),
                   " (", item.kind(), "): ", std::string(what)));
}

absl::StatusOr<EntryHeader> HeaderOf(const v1::HistoryItem& item) {
  absl::StatusOr<Note> note = ParseNote(item.proven().entry().entry());
  if (!note.ok()) return note.status();
  return ParseEntryText(note->text);
}

// The local calendar day of an event time.
absl::CivilDay LocalDay(const v1::Timestamp& time) {
  const absl::Time instant = absl::FromUnixSeconds(time.unix_seconds());
  return absl::ToCivilDay(instant,
                          absl::FixedTimeZone(time.utc_offset_minutes() * 60));
}

std::optional<absl::CivilDay> DayOf(const v1::Date& date) {
  if (date.iso_date().empty()) return std::nullopt;
  absl::StatusOr<absl::CivilDay> day = ParseDate(date.iso_date());
  if (!day.ok()) return std::nullopt;
  return *day;
}

// True when `certificate` covers `gtin` and is in force on `day`: within
// [valid_from, valid_until] (defaults: decision date, decision date + 36
// months - 1 day) and not revoked on or before `day`.
bool InForce(const v1::Certificate& certificate, const std::string& gtin,
             absl::CivilDay day) {
  const v1::CertificateRecord& record = certificate.record();
  bool covers = false;
  for (const std::string& product : record.products()) {
    absl::StatusOr<std::string> normalised = NormalizeGtin(product);
    covers |= normalised.ok() && *normalised == gtin;
  }
  if (!covers) return false;
  std::optional<absl::CivilDay> decision = DayOf(record.decision_date());
  std::optional<absl::CivilDay> from = DayOf(record.valid_from());
  if (!from.has_value()) from = decision;
  std::optional<absl::CivilDay> until = DayOf(record.valid_until());
  if (!until.has_value() && decision.has_value()) {
    const absl::CivilMonth month = absl::CivilMonth(*decision) + 36;
    until = absl::CivilDay(month.year(), month.month(), decision->day()) - 1;
  }
  if (!from.has_value() || !until.has_value()) return false;
  if (day < *from || day > *until) return false;
  if (certificate.has_revocation()) {
    std::optional<absl::CivilDay> revoked =
        DayOf(certificate.revocation().effective_from());
    if (!revoked.has_value()) {
      revoked = DayOf(certificate.revocation().decision_date());
    }
    if (revoked.has_value() && *revoked <= day) return false;
  }
  return true;
}

json CertificationInfo(const ExportInput& input, const std::string& gtin,
                       const v1::Timestamp& time) {
  json urls = json::array();
  const absl::CivilDay day = LocalDay(time);
  for (const v1::Certificate& certificate : input.certificates) {
    if (InForce(certificate, gtin, day)) {
      urls.push_back(
          CertificatePageUrl(input.base_url, certificate.record().number()));
    }
  }
  if (urls.empty()) return nullptr;
  if (urls.size() == 1) return urls[0];
  return urls;
}

json LedgerExtension(const v1::HistoryItem& item, const EntryHeader& header) {
  const v1::ProvenEntry& proven = item.proven();
  json proof = json::array();
  for (const std::string& hash : proven.inclusion_proof()) {
    proof.push_back(Base64Encode(hash));
  }
  json extension = {
      {Ocop("index"), proven.entry().index()},
      {Ocop("kind"), header.kind},
      {Ocop("subject"), header.subject},
      {Ocop("entry"), Base64Encode(proven.entry().entry())},
      {Ocop("body"), Base64Encode(proven.entry().body())},
      {Ocop("inclusionProof"), proof},
      {Ocop("treeSize"), proven.tree_size()},
  };
  if (!item.signer().empty()) extension[Ocop("signer")] = item.signer();
  return extension;
}

// Renames the prefix of every key "old:..." to "new:..." in `value`.
void RenamePrefixes(const std::map<std::string, std::string>& renames,
                    json* value) {
  if (value->is_array()) {
    for (json& element : *value) RenamePrefixes(renames, &element);
    return;
  }
  if (!value->is_object()) return;
  json renamed = json::object();
  for (auto& [key, member] : value->items()) {
    RenamePrefixes(renames, &member);
    std::string name = key;
    if (size_t colon = key.find(':'); colon != std::string::npos) {
      auto it = renames.find(key.substr(0, colon));
      if (it != renames.end()) name = it->second + key.substr(colon);
    }
    renamed[name] = std::move(member);
  }
  *value = std::move(renamed);
}

// Adds the bindings of `event` to `document_prefixes`; a prefix already
// bound to another IRI is renamed in the event's keys (to a prefix bound
// to the same IRI, or a fresh one).
void MergePrefixes(EpcisEvent* event, json* document_prefixes) {
  // The standard EPCIS context's prefixes: taken, whatever the event says.
  static const json* const kStandard = new json{
      {"epcis", "https://ref.gs1.org/epcis/"},
      {"cbv", "https://ref.gs1.org/cbv/"},
      {"cbvmda", "urn:epcglobal:cbv:mda:"},
      {"gs1", "https://gs1.org/voc/"},
      {"rdfs", "http://www.w3.org/2000/01/rdf-schema#"},
      {"owl", "http://www.w3.org/2002/07/owl#"},
      {"xsd", "http://www.w3.org/2001/XMLSchema#"},
      {"dcterms", "http://purl.org/dc/terms/"}};
  std::map<std::string, std::string> renames;
  for (const auto& [prefix, iri] : event->prefixes.items()) {
    if (!iri.is_string()) continue;
    if (auto standard = kStandard->find(prefix); standard != kStandard->end()) {
      if (*standard == iri) continue;
      std::string target;
      for (int n = 2; target.empty(); ++n) {
        std::string candidate = absl::StrCat(prefix, n);
        auto bound = document_prefixes->find(candidate);
        if (bound == document_prefixes->end()) {
          (*document_prefixes)[candidate] = iri;
          target = candidate;
        } else if (*bound == iri) {
          target = candidate;
        }
      }
      renames[prefix] = target;
      continue;
    }
    auto existing = document_prefixes->find(prefix);
    if (existing == document_prefixes->end()) {
      (*document_prefixes)[prefix] = iri;
      continue;
    }
    if (*existing == iri) continue;
    std::string target;
    for (const auto& [other, other_iri] : document_prefixes->items()) {
      if (other_iri == iri) target = other;
    }
    for (int n = 2; target.empty(); ++n) {
      std::string candidate = absl::StrCat(prefix, n);
      if (!document_prefixes->contains(candidate)) {
        target = candidate;
        (*document_prefixes)[target] = iri;
      }
    }
    renames[prefix] = target;
  }
  if (!renames.empty()) RenamePrefixes(renames, &event->event);
}

}  // namespace

json ExportContext(const json& prefixes) {
  json bindings = prefixes.is_object() ? prefixes : json::object();
  bindings[kOcopPrefix] = kOcopNamespace;
  return json::array({kEpcisContextUrl, bindings});
}

std::string CertificatePageUrl(std::string_view base_url,
                               std::string_view number) {
  return absl::StrCat(std::string(base_url), "/cert/",
                      PercentEncodeDlValue(number));
}

absl::StatusOr<json> ExportBatchDocument(const ExportInput& input) {
  const v1::BatchRecord& record = input.batch.record();
  absl::StatusOr<std::string> gtin = NormalizeGtin(record.gtin());
  if (!gtin.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("batch.record.gtin: ", gtin.status().message()));
  }
  v1::BatchRef subject;
  subject.set_gtin(*gtin);
  subject.set_lot(record.lot());
  const json ilmd = BatchIlmd(record);

  json prefixes = {{kOcopPrefix, kOcopNamespace}};
  json events = json::array();
  for (const v1::HistoryItem& item : input.items) {
    const std::string& kind = item.kind();
    const bool is_event = kind.starts_with(kEventPrefix);
    if (kind != kBatchCreated && !is_event) continue;
    absl::StatusOr<EntryHeader> header = HeaderOf(item);
    if (!header.ok()) {
      return ItemError(item, std::string(header.status().message()));
    }
    const std::string& body = item.proven().entry().body();
    absl::StatusOr<EpcisEvent> event;
    if (kind == kBatchCreated) {
      v1::BatchRecord batch = item.batch();
      if (!item.has_batch() && !batch.ParseFromString(body)) {
        return ItemError(item, "the body is not a BatchRecord");
      }
      event = BatchRecordToEpcis(batch, header->time, ilmd);
    } else {
      v1::TraceEvent trace_event = item.event();
      if (!item.has_event() && !trace_event.ParseFromString(body)) {
        return ItemError(item, "the body is not a TraceEvent");
      }
      EventExtras extras;
      extras.certification_info =
          CertificationInfo(input, *gtin, trace_event.event_time());
      extras.ilmd = ilmd;
      event = TraceEventToEpcis(trace_event, subject, extras);
    }
    if (!event.ok())
      return ItemError(item, std::string(event.status().message()));
    MergePrefixes(&*event, &prefixes);
    if (!event->event.contains("eventID")) {
      absl::StatusOr<std::string> hash_id =
          EventHashId(event->event, ExportContext(prefixes));
      if (!hash_id.ok())
        return ItemError(item, std::string(hash_id.status().message()));
      event->event["eventID"] = *hash_id;
    }
    event->event[Ocop("ledgerEntry")] = LedgerExtension(item, *header);
    events.push_back(std::move(event->event));
  }

  prefixes.erase(kOcopPrefix);
  json header = {
      {Ocop("batch"), absl::StrCat("batch/", *gtin, "/", record.lot())}};
  if (!input.checkpoint.empty()) header[Ocop("checkpoint")] = input.checkpoint;
  if (!input.base_url.empty()) {
    header[Ocop("keys")] = absl::StrCat(input.base_url, "/keys");
  }
  json document = {
      {"@context", ExportContext(prefixes)},
      {"type", "EPCISDocument"},
      {"schemaVersion", "2.0"},
      {"creationDate", FormatRfc3339(input.creation_time)},
      {Ocop("ignoreFields"), json::array({Ocop("ledgerEntry")})},
      {"epcisHeader", header},
      {"epcisBody", {{"eventList", events}}},
  };
  return document;
}

}  // namespace ocoptrace::epcis
