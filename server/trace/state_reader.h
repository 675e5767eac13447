// StateReader: typed reads of the derived state (docs/state.md) through one
// storage::ReadView: producers, products, certificates, batches and keys by
// id, and scans of the secondary indexes. Used by the rules, the state
// machine and the read methods of the service, so that the key layouts and
// record encodings are decoded in one place.
//
// Every record getter returns OK with the record, NotFound naming the thing
// in words that say what to do ("product 08934563123451 is not registered;
// register it with RegisterProduct first"), or DataLoss when stored bytes do
// not parse (a bug or a corrupt store).
//
// Thread-safety: as thread-safe as the ReadView (all Store views are). The
// view must outlive the reader.

#ifndef OCOPTRACE_SERVER_TRACE_STATE_READER_H_
#define OCOPTRACE_SERVER_TRACE_STATE_READER_H_

#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "server/storage/store.h"
#include "server/trace/state.pb.h"

namespace ocoptrace::trace {

class StateReader {
 public:
  explicit StateReader(const storage::ReadView& view) : view_(view) {}

  const storage::ReadView& view() const { return view_; }

  absl::StatusOr<state::ProducerState> Producer(std::string_view id) const;
  absl::StatusOr<state::ProductState> Product(std::string_view gtin14) const;
  // `number` is the certificate number as printed (not encoded).
  absl::StatusOr<state::CertificateState> Certificate(
      std::string_view number) const;
  absl::StatusOr<state::BatchState> Batch(std::string_view gtin14,
                                          std::string_view lot) const;
  absl::StatusOr<state::KeyState> Key(std::string_view name) const;

  // The number of the certificate that renewed `number`, if any.
  absl::StatusOr<std::optional<std::string>> CertificateSuccessor(
      std::string_view number) const;

  // Visits the parts after `leading` of every key of `index_name` that
  // starts with `leading`, in key order, beginning after `start_after`
  // (a full key; "" = from the start). `visit` returns false to stop.
  absl::Status ScanIndex(
      std::string_view index_name,
      std::initializer_list<std::string_view> leading,
      std::string_view start_after,
      const std::function<bool(std::string_view key,
                               const std::vector<std::string>& rest)>& visit)
      const;

  // Visits the state records whose subject starts with `subject_prefix`
  // ("producer/", "batch/08934563123451/"), in subject order, beginning
  // after subject `start_after` ("" = from the start).
  absl::Status ScanRecords(
      std::string_view subject_prefix, std::string_view start_after,
      const std::function<bool(std::string_view subject,
                               std::string_view value)>& visit) const;

  // Visits every key record in name order.
  absl::Status ScanKeys(
      const std::function<bool(const state::KeyState&)>& visit) const;

 private:
  template <typename Record>
  absl::StatusOr<Record> Read(std::string_view key, std::string_view what,
                              std::string_view missing) const;

  const storage::ReadView& view_;
};

// Decodes a stored record; DataLoss naming `what` when it does not parse.
template <typename Record>
absl::StatusOr<Record> DecodeRecord(std::string_view bytes,
                                    std::string_view what) {
  Record record;
  if (!record.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return absl::DataLossError(
        absl::StrCat("stored ", std::string(what),
                     " record does not parse; run traced --rebuild-state"));
  }
  return record;
}

}  // namespace ocoptrace::trace

#endif  // OCOPTRACE_SERVER_TRACE_STATE_READER_H_
