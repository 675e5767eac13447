// Labels in server/trace: the building blocks of issuing and voiding
// serialised, signed QR labels (docs/labels.md "Issuing on the server"),
// apart from the Service methods that use them (service_labels.cc):
//
//   - the compact serial list of a labels.issued body (7 bytes a serial),
//   - validation of the labels.issued and labels.voided bodies,
//   - scratch PINs: generation and their HMAC,
//   - signing a run of labels on several threads,
//   - the state-machine steps of the two kinds, and reading label records.
//
// Thread-safety: pure functions, thread-safe (GeneratePin as far as the
// RandomSource given to it is; SignLabelRun uses threads internally and
// returns when they are done).

#ifndef OCOPTRACE_SERVER_TRACE_LABELS_H_
#define OCOPTRACE_SERVER_TRACE_LABELS_H_

#include <cstddef>
#include <cstdint>
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
// Constant-time comparison of two HMACs.
bool SameHmac(std::string_view a, std::string_view b);

// --- Signing -----------------------------------------------------------------

// What SignLabelRun produces for the label at the same position.
struct SignedLabel {
  std::string url;        // The label URL with ?s=<155 digits>.
  std::string pin_hmac;   // PinHmac of its PIN; empty without PINs.
  bool collides = false;  // Already in `existing` (see SignLabelRun).
};

struct LabelRun {
  std::string resolver_base;  // Scheme and host of the URLs.
  std::string gtin14;
  std::string lot;
  const std::vector<std::string>* serials = nullptr;
  // Same size as serials, or null for labels without PINs.
  const std::vector<std::string>* pins = nullptr;
  std::string pin_key;  // The HMAC key; used only with pins.
  // When set, each serial is first looked up in Column::kLabels of this
  // view; one found there is marked `collides` and not signed.
  const storage::ReadView* existing = nullptr;
};

// Signs every label of `run` with `key`: the Ed25519 signature over
// LabelSigningInput(gtin14, lot, serial) in a URL, and the PIN's HMAC.
// Uses up to `threads` threads (0: one per core); small runs stay on the
// calling thread. Position i of the result is serial i. An error only when
// a lookup in `existing` fails (the storage error).
absl::StatusOr<std::vector<SignedLabel>> SignLabelRun(const LabelRun& run,
                                                      const NoteSigner& key,
                                                      int threads = 0);

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
