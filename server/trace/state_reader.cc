#include "server/trace/state_reader.h"

#include "server/storage/keys.h"
#include "server/trace/subjects.h"

namespace ocoptrace::trace {

using storage::Column;

template <typename Record>
absl::StatusOr<Record> StateReader::Read(std::string_view key,
                                         std::string_view what,
                                         std::string_view missing) const {
  auto value = view_.Get(Column::kState, key);
  if (absl::IsNotFound(value.status())) {
    return absl::NotFoundError(std::string(missing));
  }
  if (!value.ok()) return value.status();
  return DecodeRecord<Record>(*value, what);
}

absl::StatusOr<state::ProducerState> StateReader::Producer(
    std::string_view id) const {
  return Read<state::ProducerState>(
      storage::StateRecordKey(ProducerSubject(id)), "producer",
      absl::StrCat("producer '", std::string(id),
                   "' is not registered; an admin registers producers with "
                   "RegisterProducer"));
}

absl::StatusOr<state::ProductState> StateReader::Product(
    std::string_view gtin14) const {
  return Read<state::ProductState>(
      storage::StateRecordKey(ProductSubject(gtin14)), "product",
      absl::StrCat("product ", std::string(gtin14),
                   " is not registered; register it with RegisterProduct "
                   "first"));
}

absl::StatusOr<state::CertificateState> StateReader::Certificate(
    std::string_view number) const {
  return Read<state::CertificateState>(
      storage::StateRecordKey(CertificateSubject(number)), "certificate",
      absl::StrCat("certificate '", std::string(number),
                   "' is not in the log; check the number as printed"));
}

absl::StatusOr<state::BatchState> StateReader::Batch(
    std::string_view gtin14, std::string_view lot) const {
  return Read<state::BatchState>(
      storage::StateRecordKey(BatchSubject(gtin14, lot)), "batch",
      absl::StrCat("batch ", std::string(gtin14), "/", std::string(lot),
                   " does not exist; create it with CreateBatch first"));
}

absl::StatusOr<state::KeyState> StateReader::Key(std::string_view name) const {
  return Read<state::KeyState>(
      storage::KeyRecordKey(name), "key",
      absl::StrCat("key '", std::string(name), "' is not registered"));
}

absl::StatusOr<std::optional<std::string>> StateReader::CertificateSuccessor(
    std::string_view number) const {
  auto value = view_.Get(Column::kIndexes,
                         storage::IndexKey(storage::kIndexCertificateSuccessor,
                                           {PercentEncode(number)}));
  if (absl::IsNotFound(value.status())) return std::nullopt;
  if (!value.ok()) return value.status();
  return std::optional<std::string>(std::move(*value));
}

absl::Status StateReader::ScanIndex(
    std::string_view index_name,
    std::initializer_list<std::string_view> leading,
    std::string_view start_after,
    const std::function<bool(std::string_view key,
                             const std::vector<std::string>& rest)>& visit)
    const {
  const std::string prefix = storage::IndexPrefix(index_name, leading);
  std::string begin = prefix;
  if (!start_after.empty()) {
    begin = std::string(start_after);
    begin.push_back('\0');  // The smallest key after start_after.
  }
  absl::Status status;
  absl::Status scan = view_.Scan(
      Column::kIndexes, begin, storage::PrefixEnd(prefix),
      [&](std::string_view key, std::string_view) {
        auto parts = storage::ParseIndexKey(key);
        if (!parts.ok() || parts->parts.size() < leading.size()) {
          status = absl::DataLossError(
              absl::StrCat("malformed index key in ", std::string(index_name)));
          return false;
        }
        std::vector<std::string> rest(parts->parts.begin() + leading.size(),
                                      parts->parts.end());
        return visit(key, rest);
      });
  if (!scan.ok()) return scan;
  return status;
}

absl::Status StateReader::ScanRecords(
    std::string_view subject_prefix, std::string_view start_after,
    const std::function<bool(std::string_view subject, std::string_view value)>&
        visit) const {
  const std::string prefix = storage::StateRecordKey(subject_prefix);
  std::string begin = prefix;
  if (!start_after.empty()) {
    begin = storage::StateRecordKey(start_after);
    begin.push_back('\0');
  }
  return view_.Scan(Column::kState, begin, storage::PrefixEnd(prefix),
                    [&](std::string_view key, std::string_view value) {
                      // StateRecordKey is "s/" + subject.
                      return visit(key.substr(2), value);
                    });
}

absl::Status StateReader::ScanKeys(
    const std::function<bool(const state::KeyState&)>& visit) const {
  const std::string prefix = storage::KeyRecordKey("");
  absl::Status status;
  absl::Status scan =
      view_.Scan(Column::kState, prefix, storage::PrefixEnd(prefix),
                 [&](std::string_view, std::string_view value) {
                   auto key = DecodeRecord<state::KeyState>(value, "key");
                   if (!key.ok()) {
                     status = key.status();
                     return false;
                   }
                   return visit(*key);
                 });
  if (!scan.ok()) return scan;
  return status;
}

}  // namespace ocoptrace::trace
