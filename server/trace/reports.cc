#include "server/trace/reports.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "server/storage/keys.h"
#include "server/trace/scans.h"
#include "server/trace/telemetry.pb.h"

namespace ocoptrace::trace {
namespace {

using storage::Column;

// True for well-formed UTF-8 (no overlong forms, surrogates or code points
// above U+10FFFF).
bool IsWellFormedUtf8(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    const auto byte = [&](size_t k) {
      return static_cast<unsigned char>(text[k]);
    };
    const unsigned char c = byte(i);
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t length = 0;
    uint32_t code = 0;
    uint32_t minimum = 0;
    if ((c & 0xE0) == 0xC0) {
      length = 2, code = c & 0x1F, minimum = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
      length = 3, code = c & 0x0F, minimum = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
      length = 4, code = c & 0x07, minimum = 0x10000;
    } else {
      return false;
    }
    if (i + length > text.size()) return false;
    for (size_t k = 1; k < length; ++k) {
      if ((byte(i + k) & 0xC0) != 0x80) return false;
      code = (code << 6) | (byte(i + k) & 0x3F);
    }
    if (code < minimum || code > 0x10FFFF ||
        (code >= 0xD800 && code <= 0xDFFF)) {
      return false;
    }
    i += length;
  }
  return true;
}

absl::Status CheckField(std::string_view name, std::string_view value) {
  if (value.size() > kMaxReportFieldBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat(std::string(name), ": ", value.size(),
                     " bytes is too long; at most ", kMaxReportFieldBytes));
  }
  if (!IsWellFormedUtf8(value)) {
    return absl::InvalidArgumentError(absl::StrCat(
        std::string(name), ": is not valid UTF-8; send the text as typed"));
  }
  return absl::OkStatus();
}

absl::StatusOr<SuspectReportView> ParseReport(std::string_view value,
                                              uint64_t sequence) {
  telemetry::SuspectReport record;
  if (!record.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
    return absl::DataLossError(
        "a stored suspect-label report does not parse (column scans)");
  }
  SuspectReportView view;
  view.sequence = sequence;
  SuspectReportInput& r = view.report;
  r.time = absl::FromUnixMicros(record.unix_micros());
  r.gtin14 = record.gtin();
  r.lot = record.lot();
  r.serial = record.serial();
  r.place = record.place();
  r.shop = record.shop();
  r.note = record.note();
  r.client_network = record.client_network();
  return view;
}

}  // namespace

absl::StatusOr<std::unique_ptr<ReportStore>> ReportStore::Open(
    storage::Store* store) {
  absl::StatusOr<uint64_t> last =
      LastTelemetrySequence(store->Latest(), storage::kSuspectReportPrefix);
  if (!last.ok()) return last.status();
  return std::unique_ptr<ReportStore>(new ReportStore(store, *last + 1));
}

absl::Status ReportStore::Submit(const SuspectReportInput& report) {
  if (report.gtin14.empty()) {
    return absl::InvalidArgumentError(
        "gtin14: a report names the product it is about");
  }
  for (auto [name, value] :
       {std::pair{"place", &report.place}, std::pair{"shop", &report.shop},
        std::pair{"note", &report.note}}) {
    if (absl::Status status = CheckField(name, *value); !status.ok()) {
      return status;
    }
  }
  if (report.place.empty() && report.shop.empty() && report.note.empty()) {
    return absl::InvalidArgumentError(
        "place, shop, note: all empty; say at least where the product was "
        "seen, which shop sold it, or what is wrong");
  }
  telemetry::SuspectReport record;
  const int64_t micros = absl::ToUnixMicros(report.time);
  record.set_unix_micros(micros);
  record.set_gtin(report.gtin14);
  record.set_lot(report.lot);
  record.set_serial(report.serial);
  record.set_place(report.place);
  record.set_shop(report.shop);
  record.set_note(report.note);
  record.set_client_network(report.client_network);
  const uint64_t sequence = next_sequence_++;
  storage::WriteBatch batch;
  batch.Put(Column::kScans, storage::SuspectReportKey(micros, sequence),
            record.SerializeAsString());
  batch.Put(Column::kScans,
            storage::ProductReportKey(report.gtin14, micros, sequence), "");
  return store_->Write(batch, storage::WriteOptions{});
}

absl::Status ReportStore::ForEachReport(
    absl::Time from, absl::Time to,
    const std::function<bool(const SuspectReportView&)>& visit) const {
  absl::Status problem;
  absl::Status status = store_->Latest().Scan(
      Column::kScans, storage::SuspectReportKey(absl::ToUnixMicros(from), 0),
      storage::SuspectReportKey(absl::ToUnixMicros(to), 0),
      [&](std::string_view key, std::string_view value) {
        auto parts =
            storage::ParseTelemetryTimeKey(key, storage::kSuspectReportPrefix);
        if (!parts.ok()) {
          problem = absl::DataLossError(
              absl::StrCat("suspect-report key: ", parts.status().message()));
          return false;
        }
        auto view = ParseReport(value, parts->sequence);
        if (!view.ok()) {
          problem = view.status();
          return false;
        }
        return visit(*view);
      });
  return status.ok() ? problem : status;
}

absl::Status ReportStore::ForEachProductReport(
    std::string_view gtin14, absl::Time from, absl::Time to,
    const std::function<bool(const SuspectReportView&)>& visit) const {
  const std::string prefix = storage::ProductReportPrefix(gtin14);
  const storage::ReadView& view = store_->Latest();
  absl::Status problem;
  absl::Status status = view.Scan(
      Column::kScans,
      storage::ProductReportKey(gtin14, absl::ToUnixMicros(from), 0),
      storage::ProductReportKey(gtin14, absl::ToUnixMicros(to), 0),
      [&](std::string_view key, std::string_view) {
        auto parts = storage::ParseTelemetryTimeKey(key, prefix);
        if (!parts.ok()) {
          problem = absl::DataLossError(
              absl::StrCat("product report key: ", parts.status().message()));
          return false;
        }
        auto value = view.Get(
            Column::kScans,
            storage::SuspectReportKey(parts->unix_micros, parts->sequence));
        if (!value.ok()) {
          problem = value.status();
          return false;
        }
        auto report = ParseReport(*value, parts->sequence);
        if (!report.ok()) {
          problem = report.status();
          return false;
        }
        return visit(*report);
      });
  return status.ok() ? problem : status;
}

}  // namespace ocoptrace::trace
