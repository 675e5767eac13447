#include "server/trace/epcis_index.h"

#include "absl/strings/str_cat.h"
#include "core/sha256.h"
#include "server/storage/keys.h"

namespace ocoptrace::trace {
namespace {

using storage::Column;

std::string IdDigest(std::string_view id) { return HashToHex(Sha256(id)); }

}  // namespace

std::vector<std::string> EpcisIdsOf(const v1::TraceEvent& event) {
  std::vector<std::string> ids;
  if (event.epcis_event_id().empty()) return ids;
  ids.push_back(event.epcis_event_id());
  for (const v1::KeyDataElement& kde : event.kdes()) {
    if (kde.name() == kEpcisHashIdKde && !kde.value().empty() &&
        kde.value() != ids.front()) {
      ids.push_back(kde.value());
      break;
    }
  }
  return ids;
}

void AddEpcisEventIndex(const EntryHeader& header, const v1::TraceEvent& event,
                        storage::WriteBatch& writes) {
  for (const std::string& id : EpcisIdsOf(event)) {
    writes.Put(Column::kIndexes,
               storage::IndexKey(storage::kIndexEpcisEvents,
                                 {IdDigest(id), header.subject}),
               storage::EncodeUint64(header.seq));
  }
}

absl::StatusOr<std::vector<EpcisEventLocation>> FindEpcisEvent(
    const storage::ReadView& view, std::string_view id) {
  const std::string prefix =
      storage::IndexPrefix(storage::kIndexEpcisEvents, {IdDigest(id)});
  std::vector<EpcisEventLocation> found;
  absl::Status problem;
  absl::Status scan = view.Scan(
      Column::kIndexes, prefix, storage::PrefixEnd(prefix),
      [&](std::string_view key, std::string_view value) {
        absl::StatusOr<storage::IndexKeyParts> parts =
            storage::ParseIndexKey(key);
        absl::StatusOr<uint64_t> seq = storage::DecodeUint64(value);
        if (!parts.ok() || parts->parts.size() != 2 || !seq.ok()) {
          problem = absl::DataLossError(
              "stored EPCIS event index key does not parse; run traced "
              "--rebuild-state");
          return false;
        }
        found.push_back({parts->parts[1], *seq});
        return true;
      });
  if (!scan.ok()) return scan;
  if (!problem.ok()) return problem;
  return found;
}

absl::Status CheckEpcisEvent(const v1::TraceEvent& event,
                             std::string_view subject,
                             const storage::ReadView& view) {
  if (event.epcis_event_id().empty()) {
    for (int i = 0; i < event.kdes_size(); ++i) {
      if (event.kdes(i).name().starts_with(kReservedKdePrefix)) {
        return absl::InvalidArgumentError(absl::StrCat(
            "kdes[", i, "].name: '", event.kdes(i).name(),
            "' is reserved for events captured from EPCIS (those set "
            "epcis_event_id); name your key data element without the "
            "'epcis:' prefix"));
      }
    }
    return absl::OkStatus();
  }
  for (const std::string& id : EpcisIdsOf(event)) {
    absl::StatusOr<std::string> stored = view.Get(
        Column::kIndexes,
        storage::IndexKey(storage::kIndexEpcisEvents, {IdDigest(id), subject}));
    if (absl::IsNotFound(stored.status())) continue;
    if (!stored.ok()) return stored.status();
    absl::StatusOr<uint64_t> seq = storage::DecodeUint64(*stored);
    return absl::AlreadyExistsError(absl::StrCat(
        "EPCIS event ", id, " is already stored on ", std::string(subject),
        seq.ok() ? absl::StrCat(" at seq ", *seq) : std::string(),
        "; capturing it again stores nothing new"));
  }
  return absl::OkStatus();
}

}  // namespace ocoptrace::trace
