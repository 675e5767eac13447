// Log entries ("ocoptrace/entry/v1"): the signed statements the ledger
// appends. An entry is a signed note whose text is exactly seven lines:
//
//   ocoptrace/entry/v1
//   kind <kind>
//   subject <subject>
//   seq <decimal>
//   prev <base64 SHA-256 of the subject's previous entry; zeros for seq 0>
//   time <RFC 3339, e.g. 2024-03-22T08:00:00+07:00>
//   body <base64 SHA-256 of the body bytes>
//
// signed by the actor who asserts it. The entry's bytes are the whole signed
// note; its hash (EntryHash) is the next entry's `prev`. Only the canonical
// form is accepted, so an entry has exactly one text for a given header.
// docs/formats.md is the normative description.
//
// Thread-safety: all functions are thread-safe. The structs are plain values.

#ifndef OCOPTRACE_CORE_LOG_ENTRY_H_
#define OCOPTRACE_CORE_LOG_ENTRY_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/sha256.h"
#include "core/signed_note.h"
#include "core/timestamp.h"

namespace ocoptrace {

// The first line of every entry text.
inline constexpr char kEntryTextHeader[] = "ocoptrace/entry/v1";

// Entries are served in tlog-tiles entry bundles with a 16-bit length, so a
// signed entry may be at most this many bytes.
inline constexpr size_t kMaxEntrySize = 65535;

struct EntryHeader {
  std::string kind;     // [a-z0-9._-], 1..64 chars, e.g. "event.shipping"
  std::string subject;  // printable ASCII without spaces, 1..256 bytes,
                        // e.g. "batch/08934563123451/LOT1"
  uint64_t seq = 0;     // 0-based position in the subject's chain
  Hash prev{};          // EntryHash of the subject's previous entry; all
                        // zero for seq 0
  Timestamp time;       // when the actor asserts it happened
  Hash body_hash{};     // SHA-256 of the body bytes

  bool operator==(const EntryHeader&) const = default;
};

// OK when `kind` is 1 to 64 characters from a-z, 0-9, '.', '_', '-'.
// InvalidArgument naming the first bad character otherwise.
absl::Status ValidateKind(std::string_view kind);

// OK when `subject` is 1 to 256 bytes of printable ASCII (0x21-0x7E; no
// spaces). InvalidArgument naming the first bad byte otherwise.
absl::Status ValidateSubject(std::string_view subject);

// OK when `header` can be signed as an entry: valid kind and subject, a
// timestamp with an RFC 3339 form, and an all-zero prev when seq is 0.
// InvalidArgument naming the field otherwise.
absl::Status ValidateEntryHeader(const EntryHeader& header);

// The entry text of `header`. Does not validate; SignEntry does.
std::string FormatEntryText(const EntryHeader& header);

// Parses entry text. Strict: exactly the seven lines in order, one space
// after each keyword, canonical values (decimal seq without leading zeros,
// canonical base64 of 32 bytes, the timestamp exactly as FormatRfc3339
// writes it), so FormatEntryText(*ParseEntryText(x)) == x. InvalidArgument
// naming the line and field otherwise, or when ValidateEntryHeader fails.
absl::StatusOr<EntryHeader> ParseEntryText(std::string_view text);

// SHA-256 of the whole signed note bytes; the next entry's `prev`.
Hash EntryHash(std::string_view entry_note);

// The signed entry (the entry bytes). InvalidArgument when the header does
// not validate, the signer is unusable (see SignNote) or the entry would
// exceed kMaxEntrySize.
absl::StatusOr<std::string> SignEntry(const EntryHeader& header,
                                      const NoteSigner& signer);

struct ParsedEntry {
  EntryHeader header;
  Note note;  // note.text is the entry text; signatures are not verified.
};

// Parses an entry without checking signatures: note structure (at least one
// signature line), size at most kMaxEntrySize, and the entry text.
// InvalidArgument otherwise. Verify with OpenNote on the same bytes.
absl::StatusOr<ParsedEntry> ParseEntry(std::string_view entry_note);

}  // namespace ocoptrace

#endif  // OCOPTRACE_CORE_LOG_ENTRY_H_
