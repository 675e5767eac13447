// Signing log entries on the user's machine and submitting them, with the
// optimistic-concurrency retry the log asks for.
//
// An entry is built from the body message's exact bytes and the subject's
// chain head: EntryHeader{kind, subject, seq = head.next_seq, prev =
// head.prev, time, body = SHA-256(body)} is signed with the user's key
// (core SignEntry) and sent as a SignedEntry{entry, body}. The private key
// never leaves the process. When the server answers ABORTED (someone else
// appended to the subject first), the head is read again, the entry
// re-signed and resent, a few times.
//
// Also the subject names of DESIGN.md section 4, which client and server
// must spell identically.
//
// Thread-safety: pure functions, except that SignAndSubmit calls the
// injected functions (from the calling thread only).

#ifndef OCOPTRACE_CLIENT_SIGNING_H_
#define OCOPTRACE_CLIENT_SIGNING_H_

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "core/clock.h"
#include "core/signed_note.h"
#include "core/timestamp.h"
#include "ocoptrace/v1/common.pb.h"

namespace ocoptrace::client {

namespace v1 = ::ocoptrace::v1;

// Percent-encodes every byte outside [A-Za-z0-9._~-] as %XX (upper-case
// hex, UTF-8 bytes), so ids with '/', spaces or Vietnamese letters can be
// one segment of a subject: "2890/QĐ-BNN" -> "2890%2FQ%C4%90-BNN".
std::string EncodeSubjectSegment(std::string_view segment);

// "producer/<id>".
std::string ProducerSubject(std::string_view producer_id);
// "product/<GTIN14>" (the GTIN must already be normalised).
std::string ProductSubject(std::string_view gtin14);
// "certificate/<encoded number>".
std::string CertificateSubject(std::string_view number);
// "batch/<GTIN14>/<encoded lot>".
std::string BatchSubject(std::string_view gtin14, std::string_view lot);

// What to sign: the kind, the subject and the exact body bytes. `time` is
// when the actor asserts it happened; unset means "now" at +07:00.
struct EntryToSign {
  std::string kind;
  std::string subject;
  std::string body;
  std::optional<Timestamp> time;
};

// Signs `entry` as the next entry after `head` (whose subject must match).
// InvalidArgument when the subject differs from the head's, the head's
// prev is not 32 bytes, or core SignEntry refuses the header.
absl::StatusOr<v1::SignedEntry> SignForHead(const EntryToSign& entry,
                                            const v1::SubjectHead& head,
                                            const NoteSigner& signer,
                                            absl::Time now);

// Reads a subject's chain head (Verify.GetHead).
using HeadReader =
    std::function<absl::StatusOr<v1::SubjectHead>(const std::string& subject)>;
// Sends one signed entry (e.g. Trace.RecordEvent).
using EntrySubmitter =
    std::function<absl::StatusOr<v1::EntryReceipt>(const v1::SignedEntry&)>;

// Reads the head, signs, submits; on Aborted waits a few milliseconds
// (growing, jittered) and repeats, at most `max_attempts` times in all. Returns
// the receipt, the last Aborted error (with "gave up after N attempts" added)
// or the first other error, as the server gave it.
absl::StatusOr<v1::EntryReceipt> SignAndSubmit(const EntryToSign& entry,
                                               const NoteSigner& signer,
                                               const HeadReader& read_head,
                                               const EntrySubmitter& submit,
                                               const Clock& clock,
                                               int max_attempts = 10);

}  // namespace ocoptrace::client

#endif  // OCOPTRACE_CLIENT_SIGNING_H_
