#include "server/trace/scans.h"

#include <algorithm>
#include <map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "server/storage/keys.h"
#include "server/trace/state_reader.h"
#include "server/trace/telemetry.pb.h"

namespace ocoptrace::trace {
namespace {

using storage::Column;

int64_t Micros(absl::Time time) { return absl::ToUnixMicros(time); }

std::optional<absl::Time> TimeOf(int64_t micros) {
  if (micros == 0) return std::nullopt;
  return absl::FromUnixMicros(micros);
}

uint32_t Bit(AnomalyKind kind) { return 1u << static_cast<int>(kind); }

LabelScanSummary ToView(const telemetry::LabelScans& s) {
  LabelScanSummary view;
  view.gtin14 = s.gtin();
  view.serial = s.serial();
  view.lot = s.lot();
  view.valid_scans = s.valid_scans();
  view.first_valid_scan = TimeOf(s.first_valid_unix_micros());
  view.last_valid_scan = TimeOf(s.last_valid_unix_micros());
  view.networks.assign(s.networks().begin(), s.networks().end());
  view.networks_truncated = s.networks_truncated();
  view.not_genuine_scans = s.not_genuine_scans();
  view.last_not_genuine_scan = TimeOf(s.last_not_genuine_unix_micros());
  view.unknown_serial = s.unknown_serial();
  view.pin_reuses = s.pin_reuses();
  view.last_pin_reuse = TimeOf(s.last_pin_reuse_unix_micros());
  return view;
}

absl::StatusOr<telemetry::LabelScans> ParseSummary(std::string_view bytes) {
  telemetry::LabelScans summary;
  if (!summary.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return absl::DataLossError(
        "stored label scan summary does not parse (column scans); the "
        "telemetry of this label is damaged");
  }
  return summary;
}

// True when `serial` was never issued under `gtin14` although the GTIN is
// a registered product (a serial under an unknown GTIN never reaches a
// label page).
absl::StatusOr<bool> IsUnknownSerial(const storage::ReadView& view,
                                     const std::string& gtin14,
                                     const std::string& serial) {
  auto label = view.Get(Column::kLabels, storage::LabelKey(gtin14, serial));
  if (label.ok()) return false;
  if (!absl::IsNotFound(label.status())) return label.status();
  auto product = StateReader(view).Product(gtin14);
  if (product.ok()) return true;
  if (absl::IsNotFound(product.status())) return false;
  return product.status();
}

telemetry::ScanAnomaly AnomalyRecord(AnomalyKind kind,
                                     const telemetry::LabelScans& s,
                                     int64_t micros, std::string_view network) {
  telemetry::ScanAnomaly record;
  record.set_kind(static_cast<telemetry::AnomalyKind>(kind));
  record.set_unix_micros(micros);
  record.set_gtin(s.gtin());
  record.set_lot(s.lot());
  record.set_serial(s.serial());
  record.set_valid_scans(s.valid_scans());
  record.set_places(static_cast<uint32_t>(s.networks_size()));
  record.set_pin_reuses(s.pin_reuses());
  record.set_client_network(std::string(network));
  return record;
}

}  // namespace

absl::StatusOr<uint64_t> LastTelemetrySequence(const storage::ReadView& view,
                                               std::string_view prefix) {
  uint64_t last = 0;
  absl::Status status = view.ReverseScan(
      Column::kScans, prefix, storage::PrefixEnd(prefix),
      [&](std::string_view key, std::string_view) {
        auto parts = storage::ParseTelemetryTimeKey(key, prefix);
        if (parts.ok()) last = parts->sequence;
        return false;
      });
  if (!status.ok()) return status;
  return last;
}

std::string_view AnomalyKindName(AnomalyKind kind) {
  switch (kind) {
    case AnomalyKind::kManyScans:
      return "many_scans";
    case AnomalyKind::kManyPlaces:
      return "many_places";
    case AnomalyKind::kPinReused:
      return "pin_reused";
    case AnomalyKind::kUnknownSerial:
      return "unknown_serial";
  }
  return "unknown";
}

std::vector<AnomalyKind> AnomaliesOf(const LabelScanSummary& summary,
                                     const ScanPolicy& policy) {
  std::vector<AnomalyKind> kinds;
  if (summary.valid_scans > policy.max_scans) {
    kinds.push_back(AnomalyKind::kManyScans);
  }
  if (summary.places() > policy.max_places) {
    kinds.push_back(AnomalyKind::kManyPlaces);
  }
  if (summary.pin_reuses > 0) kinds.push_back(AnomalyKind::kPinReused);
  if (summary.unknown_serial) kinds.push_back(AnomalyKind::kUnknownSerial);
  return kinds;
}

absl::StatusOr<std::unique_ptr<ScanStore>> ScanStore::Open(
    storage::Store* store, ScanPolicy policy) {
  uint64_t last = 0;
  for (std::string_view prefix :
       {storage::kScanEventPrefix, storage::kScanAnomalyPrefix}) {
    auto sequence = LastTelemetrySequence(store->Latest(), prefix);
    if (!sequence.ok()) return sequence.status();
    last = std::max(last, *sequence);
  }
  return std::unique_ptr<ScanStore>(new ScanStore(store, policy, last + 1));
}

ScanStore::ScanStore(storage::Store* store, ScanPolicy policy,
                     uint64_t next_sequence)
    : store_(store), policy_(policy), next_sequence_(next_sequence) {}

absl::StatusOr<std::string> ScanStore::StoredSummary(
    const std::string& key) const {
  {
    std::lock_guard<std::mutex> lock(cache_mutex_);
    auto it = cache_.find(key);
    if (it != cache_.end()) return it->second;
  }
  auto stored = store_->Latest().Get(Column::kScans, key);
  if (absl::IsNotFound(stored.status())) return std::string();
  return stored;
}

void ScanStore::CacheSummary(const std::string& key, std::string bytes,
                             bool overwrite) const {
  if (policy_.summary_cache_entries == 0) return;
  std::lock_guard<std::mutex> lock(cache_mutex_);
  if (cache_.size() >= policy_.summary_cache_entries) cache_.clear();
  if (overwrite) {
    cache_[key] = std::move(bytes);
  } else {
    cache_.emplace(key, std::move(bytes));
  }
}

absl::Status ScanStore::Record(const std::vector<ScanInput>& scans) {
  if (scans.empty()) return absl::OkStatus();
  std::lock_guard<std::mutex> lock(write_mutex_);
  const storage::ReadView& view = store_->Latest();
  storage::WriteBatch batch;
  std::map<std::string, telemetry::LabelScans> touched;
  for (const ScanInput& scan : scans) {
    const int64_t micros = Micros(scan.time);
    telemetry::ScanEvent event;
    event.set_unix_micros(micros);
    event.set_gtin(scan.gtin14);
    event.set_lot(scan.lot);
    event.set_serial(scan.serial);
    event.set_result(scan.result);
    event.set_client_network(scan.client_network);
    event.set_language(scan.language);
    batch.Put(Column::kScans, storage::ScanEventKey(micros, next_sequence_++),
              event.SerializeAsString());
    if (scan.serial.empty() || scan.gtin14.empty()) continue;

    const std::string key = storage::LabelScansKey(scan.gtin14, scan.serial);
    auto found = touched.find(key);
    if (found == touched.end()) {
      auto stored = StoredSummary(key);
      if (!stored.ok()) return stored.status();
      telemetry::LabelScans summary;
      if (!stored->empty()) {
        auto parsed = ParseSummary(*stored);
        if (!parsed.ok()) return parsed.status();
        summary = *std::move(parsed);
      } else {
        summary.set_gtin(scan.gtin14);
        summary.set_serial(scan.serial);
      }
      found = touched.emplace(key, std::move(summary)).first;
    }
    telemetry::LabelScans& s = found->second;
    if (s.lot().empty()) s.set_lot(scan.lot);
    if (scan.result == "genuine" || scan.result == "suspicious") {
      s.set_valid_scans(s.valid_scans() + 1);
      if (s.first_valid_unix_micros() == 0) {
        s.set_first_valid_unix_micros(std::max<int64_t>(1, micros));
      }
      s.set_last_valid_unix_micros(std::max<int64_t>(1, micros));
      const std::string& network = scan.client_network;
      if (!network.empty() &&
          std::find(s.networks().begin(), s.networks().end(), network) ==
              s.networks().end()) {
        if (static_cast<size_t>(s.networks_size()) <
            policy_.max_tracked_networks) {
          s.add_networks(network);
        } else {
          s.set_networks_truncated(true);
        }
      }
    } else if (scan.result == "not_genuine") {
      s.set_not_genuine_scans(s.not_genuine_scans() + 1);
      s.set_last_not_genuine_unix_micros(std::max<int64_t>(1, micros));
      if (!s.unknown_serial()) {
        auto unknown = IsUnknownSerial(view, scan.gtin14, scan.serial);
        if (!unknown.ok()) return unknown.status();
        s.set_unknown_serial(*unknown);
      }
    }
    // Each threshold is reported once per label, when first crossed.
    const LabelScanSummary now = ToView(s);
    for (AnomalyKind kind : AnomaliesOf(now, policy_)) {
      if (kind == AnomalyKind::kPinReused || (s.flagged() & Bit(kind))) {
        continue;
      }
      s.set_flagged(s.flagged() | Bit(kind));
      batch.Put(Column::kScans,
                storage::ScanAnomalyKey(micros, next_sequence_++),
                AnomalyRecord(kind, s, micros, scan.client_network)
                    .SerializeAsString());
    }
  }
  for (const auto& [key, summary] : touched) {
    batch.Put(Column::kScans, key, summary.SerializeAsString());
  }
  storage::WriteOptions options;
  options.sync = false;  // Telemetry: see the header.
  if (absl::Status status = store_->Write(batch, options); !status.ok()) {
    return status;
  }
  for (const auto& [key, summary] : touched) {
    CacheSummary(key, summary.SerializeAsString(), /*overwrite=*/true);
  }
  return absl::OkStatus();
}

absl::Status ScanStore::RecordPinReuse(std::string_view gtin14,
                                       std::string_view lot,
                                       std::string_view serial, absl::Time time,
                                       std::string_view client_network) {
  std::lock_guard<std::mutex> lock(write_mutex_);
  const std::string key = storage::LabelScansKey(gtin14, serial);
  auto stored = StoredSummary(key);
  if (!stored.ok()) return stored.status();
  telemetry::LabelScans s;
  if (!stored->empty()) {
    auto parsed = ParseSummary(*stored);
    if (!parsed.ok()) return parsed.status();
    s = *std::move(parsed);
  } else {
    s.set_gtin(std::string(gtin14));
    s.set_serial(std::string(serial));
  }
  if (s.lot().empty()) s.set_lot(std::string(lot));
  const int64_t micros = Micros(time);
  s.set_pin_reuses(s.pin_reuses() + 1);
  s.set_last_pin_reuse_unix_micros(std::max<int64_t>(1, micros));
  s.set_flagged(s.flagged() | Bit(AnomalyKind::kPinReused));
  storage::WriteBatch batch;
  batch.Put(Column::kScans, storage::ScanAnomalyKey(micros, next_sequence_++),
            AnomalyRecord(AnomalyKind::kPinReused, s, micros, client_network)
                .SerializeAsString());
  const std::string bytes = s.SerializeAsString();
  batch.Put(Column::kScans, key, bytes);
  storage::WriteOptions options;
  options.sync = false;
  if (absl::Status status = store_->Write(batch, options); !status.ok()) {
    return status;
  }
  CacheSummary(key, bytes, /*overwrite=*/true);
  return absl::OkStatus();
}

absl::StatusOr<LabelScanSummary> ScanStore::Summary(
    std::string_view gtin14, std::string_view serial) const {
  const std::string key = storage::LabelScansKey(gtin14, serial);
  std::string bytes;
  bool cached = false;
  {
    std::lock_guard<std::mutex> lock(cache_mutex_);
    auto it = cache_.find(key);
    if (it != cache_.end()) {
      bytes = it->second;
      cached = true;
    }
  }
  if (!cached) {
    auto stored = store_->Latest().Get(Column::kScans, key);
    if (stored.ok()) {
      bytes = *std::move(stored);
    } else if (!absl::IsNotFound(stored.status())) {
      return stored.status();
    }
    // Never overwrite: a write that landed meanwhile cached newer bytes.
    CacheSummary(key, bytes, /*overwrite=*/false);
  }
  if (bytes.empty()) {
    LabelScanSummary empty;
    empty.gtin14 = std::string(gtin14);
    empty.serial = std::string(serial);
    return empty;
  }
  auto parsed = ParseSummary(bytes);
  if (!parsed.ok()) return parsed.status();
  return ToView(*parsed);
}

absl::Status ScanStore::ForEachScan(
    absl::Time from, absl::Time to,
    const std::function<bool(const ScanView&)>& visit) const {
  absl::Status problem;
  absl::Status status = store_->Latest().Scan(
      Column::kScans, storage::ScanEventKey(Micros(from), 0),
      storage::ScanEventKey(Micros(to), 0),
      [&](std::string_view key, std::string_view value) {
        auto parts =
            storage::ParseTelemetryTimeKey(key, storage::kScanEventPrefix);
        telemetry::ScanEvent event;
        if (!parts.ok() || !event.ParseFromArray(
                               value.data(), static_cast<int>(value.size()))) {
          problem = absl::DataLossError(
              "a stored scan record does not parse (column scans)");
          return false;
        }
        ScanView view;
        view.time = absl::FromUnixMicros(event.unix_micros());
        view.sequence = parts->sequence;
        view.gtin14 = event.gtin();
        view.lot = event.lot();
        view.serial = event.serial();
        view.result = event.result();
        view.client_network = event.client_network();
        view.language = event.language();
        return visit(view);
      });
  return status.ok() ? problem : status;
}

absl::Status ScanStore::ForEachAnomaly(
    absl::Time from, absl::Time to,
    const std::function<bool(const ScanAnomalyView&)>& visit) const {
  absl::Status problem;
  absl::Status status = store_->Latest().Scan(
      Column::kScans, storage::ScanAnomalyKey(Micros(from), 0),
      storage::ScanAnomalyKey(Micros(to), 0),
      [&](std::string_view key, std::string_view value) {
        auto parts =
            storage::ParseTelemetryTimeKey(key, storage::kScanAnomalyPrefix);
        telemetry::ScanAnomaly record;
        if (!parts.ok() || !record.ParseFromArray(
                               value.data(), static_cast<int>(value.size()))) {
          problem = absl::DataLossError(
              "a stored scan anomaly does not parse (column scans)");
          return false;
        }
        ScanAnomalyView view;
        view.kind = static_cast<AnomalyKind>(record.kind());
        view.time = absl::FromUnixMicros(record.unix_micros());
        view.sequence = parts->sequence;
        view.gtin14 = record.gtin();
        view.lot = record.lot();
        view.serial = record.serial();
        view.valid_scans = record.valid_scans();
        view.places = record.places();
        view.pin_reuses = record.pin_reuses();
        view.client_network = record.client_network();
        return visit(view);
      });
  return status.ok() ? problem : status;
}

absl::Status ScanStore::ForEachLabelSummary(
    std::string_view gtin14,
    const std::function<bool(const LabelScanSummary&)>& visit) const {
  const std::string prefix = storage::LabelScansPrefix(gtin14);
  absl::Status problem;
  absl::Status status =
      store_->Latest().Scan(Column::kScans, prefix, storage::PrefixEnd(prefix),
                            [&](std::string_view, std::string_view value) {
                              auto parsed = ParseSummary(value);
                              if (!parsed.ok()) {
                                problem = parsed.status();
                                return false;
                              }
                              return visit(ToView(*parsed));
                            });
  return status.ok() ? problem : status;
}

}  // namespace ocoptrace::trace
