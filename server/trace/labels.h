// Labels in server/trace: the building blocks of issuing and voiding
// serialised, signed QR labels (docs/labels.md "Issuing on the server"),
// apart from the Service methods that use them (service_labels.cc):
//
//   - the compact serial list of a labels.issued body (7 bytes a serial),
//   - validation of the labels.issued and labels.voided bodies,
//   - scratch PINs: generation and their HMAC,
//   - signing labels, looking them up and hashing PINs on several threads,
//   - the state-machine steps of the two kinds, and reading label records.
//
// Thread-safety: pure functions, thread-safe (GeneratePin as far as the
// RandomSource given to it is; the functions taking `threads` use threads
// internally and return when they are done). BlockRandom is not.

#ifndef OCOPTRACE_SERVER_TRACE_LABELS_H_
#define OCOPTRACE_SERVER_TRACE_LABELS_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/log_entry.h"
#include "core/random.h"
#include "core/signed_note.h"
#include "ocoptrace/v1/labels.pb.h"
#include "server/storage/store.h"
#include "server/storage/write_batch.h"
#include "server/trace/state.pb.h"
#include "server/trace/state_reader.h"
#include "server/trace/subjects.h"

namespace ocoptrace::trace {

namespace v1 = ::ocoptrace::v1;

// Bytes a serial takes in LabelsIssued.serials.
inline constexpr size_t kPackedSerialBytes = 7;
// At most this many serials in one labels.voided entry.
inline constexpr size_t kMaxVoidedSerials = 10000;
// At most this many bytes of void reason.
inline constexpr size_t kMaxVoidReasonBytes = 500;
// Scratch PINs have 8 to 10 digits.
inline constexpr int kMinPinDigits = 8;
inline constexpr int kMaxPinDigits = 10;

// --- Serial lists ------------------------------------------------------------

// The largest labels.issued body of `count` labels (the serials and room
// for the other fields): the ledger's body limit must be at least this.
size_t LabelsIssuedBodyLimit(size_t count);

// The 50-bit value of a service serial (core/label_payload.h
// IsServiceSerial); nullopt for any other string.
std::optional<uint64_t> SerialValue(std::string_view serial);
// The serial of a value below 2^50 (the inverse of SerialValue).
std::string SerialOfValue(uint64_t value);

// Appends `serial` (a service serial) to `packed` as 7 big-endian bytes of
// its value.
void AppendPackedSerial(std::string_view serial, std::string& packed);
// The serials of a LabelsIssued.serials field, in order. InvalidArgument
// ("serials: ...") when the size is not a multiple of 7 or a value has any
// of its top 6 bits set.
absl::StatusOr<std::vector<std::string>> UnpackSerials(std::string_view packed);

// --- Bodies ------------------------------------------------------------------

// A labels.issued body on its own and against its entry's subject: gtin and
// lot equal the subject's, a label key name, count >= 1 matching the
// serial bytes, no serial twice. On OK returns the serials in order.
// InvalidArgument naming the field otherwise.
absl::StatusOr<std::vector<std::string>> ValidateLabelsIssued(
    const v1::LabelsIssued& body, const ParsedSubject& subject);

// A labels.voided body on its own: 1 to kMaxVoidedSerials service serials,
// none twice, and a reason of 1 to kMaxVoidReasonBytes bytes.
// InvalidArgument naming the field (and the serial) otherwise.
absl::Status ValidateLabelsVoided(const v1::LabelsVoided& body);

// --- PINs --------------------------------------------------------------------

// A PIN of `digits` (8 to 10) uniformly random decimal digits.
std::string GeneratePin(RandomSource& random, int digits);
// True for 8 to 10 ASCII digits.
bool IsWellFormedPin(std::string_view pin);
// HMAC-SHA256 under `key` of
// "ocoptrace/pin/v1\n" ‖ gtin14 ‖ "/" ‖ serial ‖ "\n" ‖ pin: 32 bytes.
// Binding the label stops one label's HMAC from checking another's PIN.
std::string PinHmac(std::string_view key, std::string_view gtin14,
                    std::string_view serial, std::string_view pin);

// PinHmac for many labels under one key: the key is set up once.
// Thread-safety: Hmac may be called from several threads at once.
class PinHasher {
 public:
  explicit PinHasher(std::string_view key);
  ~PinHasher();
  PinHasher(const PinHasher&) = delete;
  PinHasher& operator=(const PinHasher&) = delete;

  std::string Hmac(std::string_view gtin14, std::string_view serial,
                   std::string_view pin) const;

 private:
  struct State;
  State* state_;
};

// Constant-time comparison of two HMACs.
bool SameHmac(std::string_view a, std::string_view b);

// --- Issuing on several threads -------------------------------------------

// Runs `work(begin, end)` over [0, count) split into contiguous ranges on
// up to `threads` threads (0: one per core; the calling thread takes one
// range). Runs of fewer than 64 items a thread stay on fewer threads.
// Returns the first error of any range, after every range is done.
absl::Status ParallelFor(
    size_t count, int threads,
    const std::function<absl::Status(size_t begin, size_t end)>& work);

// A RandomSource that hands out bytes of `source` drawn in large blocks:
// the same byte stream, far fewer calls into the CSPRNG (GenerateSerial
// asks for 7 bytes at a time). Not thread-safe; `source` must outlive it.
class BlockRandom : public RandomSource {
 public:
  explicit BlockRandom(RandomSource& source, size_t block_bytes = 1 << 16)
      : source_(source), block_bytes_(block_bytes) {}
  void Fill(uint8_t* out, size_t n) override;

 private:
  RandomSource& source_;
  const size_t block_bytes_;
  std::string block_;
  size_t used_ = 0;
};

// Position i is 1 when label `serials[i]` of `gtin14` is in
// Column::kLabels of `view` already. Storage errors as they come.
absl::StatusOr<std::vector<uint8_t>> FindIssued(
    const storage::ReadView& view, std::string_view gtin14,
    const std::vector<std::string>& serials, int threads = 0);

// The label URL of each serial: FormatLabelUrl with the Ed25519 signature
// by `key` over LabelSigningInput(gtin14, lot, serial).
std::vector<std::string> SignLabelUrls(std::string_view resolver_base,
                                       std::string_view gtin14,
                                       std::string_view lot,
                                       const std::vector<std::string>& serials,
                                       const NoteSigner& key, int threads = 0);

// --- State -------------------------------------------------------------------

// The record of the label `serial` of GTIN `gtin14`: NotFound ("no label
// <serial> was issued for GTIN <gtin>") when there is none, DataLoss when
// the stored bytes do not parse.
absl::StatusOr<state::LabelState> ReadLabel(const storage::ReadView& view,
                                            std::string_view gtin14,
                                            std::string_view serial);

// The state-machine steps (state_machine.h DeriveChanges) of labels.issued
// and labels.voided on the batch `subject`: the batch record's counters and
// entry count, and one Column::kLabels record per label. labels.issued
// writes its labels without reading them (the service guarantees fresh
// serials before appending); labels.voided rewrites records of its own
// batch and is FailedPrecondition when one is missing, of another batch or
// already void (the service refuses such entries before appending).
absl::Status ApplyLabelsIssued(const EntryHeader& header,
                               const ParsedSubject& subject,
                               std::string_view body, const StateReader& state,
                               storage::WriteBatch& writes);
absl::Status ApplyLabelsVoided(const EntryHeader& header,
                               const ParsedSubject& subject,
                               std::string_view body, const StateReader& state,
                               storage::WriteBatch& writes);

}  // namespace ocoptrace::trace

#endif  // OCOPTRACE_SERVER_TRACE_LABELS_H_
