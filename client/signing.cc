#include "client/signing.h"

#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "client/arguments.h"
#include "core/log_entry.h"
#include "core/sha256.h"

namespace ocoptrace::client {
namespace {

bool IsUnreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
         (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '~' || c == '-';
}

}  // namespace

std::string EncodeSubjectSegment(std::string_view segment) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string encoded;
  encoded.reserve(segment.size());
  for (unsigned char c : segment) {
    if (IsUnreserved(c)) {
      encoded.push_back(static_cast<char>(c));
    } else {
      encoded.push_back('%');
      encoded.push_back(kHex[c >> 4]);
      encoded.push_back(kHex[c & 0x0F]);
    }
  }
  return encoded;
}

std::string ProducerSubject(std::string_view producer_id) {
  return "producer/" + EncodeSubjectSegment(producer_id);
}

std::string ProductSubject(std::string_view gtin14) {
  return "product/" + std::string(gtin14);
}

std::string CertificateSubject(std::string_view number) {
  return "certificate/" + EncodeSubjectSegment(number);
}

std::string BatchSubject(std::string_view gtin14, std::string_view lot) {
  return "batch/" + std::string(gtin14) + "/" + EncodeSubjectSegment(lot);
}

absl::StatusOr<v1::SignedEntry> SignForHead(const EntryToSign& entry,
                                            const v1::SubjectHead& head,
                                            const NoteSigner& signer,
                                            absl::Time now) {
  if (head.subject() != entry.subject) {
    return absl::InvalidArgumentError(
        absl::StrCat("the server returned the head of '", head.subject(),
                     "' when asked for '", entry.subject, "'"));
  }
  absl::StatusOr<Hash> prev = HashFromBytes(head.prev(), "head prev");
  if (!prev.ok()) return prev.status();
  EntryHeader header;
  header.kind = entry.kind;
  header.subject = entry.subject;
  header.seq = head.next_seq();
  header.prev = *prev;
  header.time =
      entry.time ? *entry.time : TimestampAt(now, kVietnamOffsetMinutes);
  header.body_hash = Sha256(entry.body);
  absl::StatusOr<std::string> signed_entry = SignEntry(header, signer);
  if (!signed_entry.ok()) return signed_entry.status();
  v1::SignedEntry result;
  result.set_entry(*std::move(signed_entry));
  result.set_body(entry.body);
  return result;
}

absl::StatusOr<v1::EntryReceipt> SignAndSubmit(const EntryToSign& entry,
                                               const NoteSigner& signer,
                                               const HeadReader& read_head,
                                               const EntrySubmitter& submit,
                                               const Clock& clock,
                                               int max_attempts) {
  absl::Status last_error =
      absl::AbortedError("no attempt made (max_attempts < 1)");
  absl::BitGen jitter;
  for (int attempt = 1; attempt <= max_attempts; ++attempt) {
    absl::StatusOr<v1::SubjectHead> head = read_head(entry.subject);
    if (!head.ok()) return head.status();
    absl::StatusOr<v1::SignedEntry> signed_entry =
        SignForHead(entry, *head, signer, clock.Now());
    if (!signed_entry.ok()) return signed_entry.status();
    absl::StatusOr<v1::EntryReceipt> receipt = submit(*signed_entry);
    if (!absl::IsAborted(receipt.status())) return receipt;
    last_error = receipt.status();
    // Someone else appended first; let the racing writers spread out.
    if (attempt < max_attempts) {
      absl::SleepFor(absl::Milliseconds(10 * attempt) +
                     absl::Milliseconds(absl::Uniform(jitter, 0, 20)));
    }
  }
  return absl::AbortedError(absl::StrCat(
      last_error.message(), " (gave up after ", max_attempts,
      " attempts: others keep appending to ", entry.subject, "; try again)"));
}

}  // namespace ocoptrace::client
