#include "core/log_entry.h"

#include <array>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/base64.h"
#include "core/checkpoint.h"

namespace ocoptrace {
namespace {

constexpr size_t kMaxKindLength = 64;
constexpr size_t kMaxSubjectLength = 256;

// The keyword of each line after the header line, in order.
constexpr std::array<absl::string_view, 6> kKeywords = {
    "kind", "subject", "seq", "prev", "time", "body"};

std::string DescribeByte(char c) {
  auto byte = static_cast<uint8_t>(c);
  if (byte > 0x20 && byte < 0x7F)
    return absl::StrCat("'", std::string(1, c), "'");
  if (byte == 0x20) return "' ' (space)";
  return absl::StrCat("byte 0x", absl::Hex(byte, absl::kZeroPad2));
}

// At most 40 bytes of `text`, for quoting input in error messages.
std::string Excerpt(std::string_view text) {
  if (text.size() <= 40) return std::string(text);
  return absl::StrCat(std::string(text.substr(0, 40)), "...");
}

bool IsAllZero(const Hash& hash) {
  for (uint8_t byte : hash) {
    if (byte != 0) return false;
  }
  return true;
}

absl::StatusOr<Hash> ParseBase64Hash(std::string_view value) {
  absl::StatusOr<std::string> bytes = Base64Decode(value);
  if (!bytes.ok()) return bytes.status();
  if (bytes->size() != 32) {
    return absl::InvalidArgumentError(absl::StrCat(
        "decodes to ", bytes->size(), " bytes; a SHA-256 hash is 32 bytes"));
  }
  Hash out;
  std::copy(bytes->begin(), bytes->end(), out.begin());
  return out;
}

}  // namespace

absl::Status ValidateKind(std::string_view kind) {
  if (kind.empty() || kind.size() > kMaxKindLength) {
    return absl::InvalidArgumentError(absl::StrCat(
        "kind: length ", kind.size(),
        " is not in 1-64; use a short name like \"event.shipping\""));
  }
  for (size_t i = 0; i < kind.size(); ++i) {
    char c = kind[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
              c == '_' || c == '-';
    if (!ok) {
      return absl::InvalidArgumentError(absl::StrCat(
          "kind: character ", DescribeByte(c), " at position ", i + 1,
          " is not allowed; use a-z, 0-9, '.', '_' and '-'"));
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateSubject(std::string_view subject) {
  if (subject.empty() || subject.size() > kMaxSubjectLength) {
    return absl::InvalidArgumentError(absl::StrCat(
        "subject: length ", subject.size(),
        " bytes is not in 1-256; e.g. \"batch/08934563123451/LOT1\""));
  }
  for (size_t i = 0; i < subject.size(); ++i) {
    auto byte = static_cast<uint8_t>(subject[i]);
    if (byte <= 0x20 || byte >= 0x7F) {
      return absl::InvalidArgumentError(absl::StrCat(
          "subject: character ", DescribeByte(subject[i]), " at position ",
          i + 1,
          " is not allowed; use printable ASCII without spaces (identifiers, "
          "not names)"));
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateEntryHeader(const EntryHeader& header) {
  if (absl::Status s = ValidateKind(header.kind); !s.ok()) return s;
  if (absl::Status s = ValidateSubject(header.subject); !s.ok()) return s;
  if (header.seq == 0 && !IsAllZero(header.prev)) {
    return absl::InvalidArgumentError(
        "prev: must be 32 zero bytes for seq 0 (the first entry of a subject)");
  }
  if (absl::Status s = ValidateTimestamp(header.time); !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("time: ", s.message()));
  }
  return absl::OkStatus();
}

std::string FormatEntryText(const EntryHeader& header) {
  return absl::StrCat(kEntryTextHeader, "\n",                                 //
                      "kind ", header.kind, "\n",                             //
                      "subject ", header.subject, "\n",                       //
                      "seq ", header.seq, "\n",                               //
                      "prev ", Base64Encode(HashToBytes(header.prev)), "\n",  //
                      "time ", FormatRfc3339(header.time), "\n",              //
                      "body ", Base64Encode(HashToBytes(header.body_hash)),
                      "\n");
}

absl::StatusOr<EntryHeader> ParseEntryText(std::string_view text) {
  constexpr char kWhat[] = "entry text";
  if (text.empty() || text.back() != '\n') {
    return absl::InvalidArgumentError(
        absl::StrCat(kWhat, ": must end in a newline"));
  }
  std::vector<std::string_view> lines;
  for (size_t start = 0; start < text.size();) {
    size_t end = text.find('\n', start);
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  if (lines[0] != kEntryTextHeader) {
    return absl::InvalidArgumentError(
        absl::StrCat(kWhat, ": line 1: expected \"", kEntryTextHeader,
                     "\", got \"", Excerpt(lines[0]), "\""));
  }
  if (lines.size() != 1 + kKeywords.size()) {
    return absl::InvalidArgumentError(absl::StrCat(
        kWhat, ": has ", lines.size(),
        " lines; expected 7: the header line, then kind, subject, seq, prev, "
        "time and body"));
  }
  std::array<std::string_view, 6> values;
  for (size_t i = 0; i < kKeywords.size(); ++i) {
    std::string_view line = lines[i + 1];
    absl::string_view keyword = kKeywords[i];
    if (line.size() <= keyword.size() ||
        line.substr(0, keyword.size()) !=
            std::string_view(keyword.data(), keyword.size()) ||
        line[keyword.size()] != ' ') {
      return absl::InvalidArgumentError(
          absl::StrCat(kWhat, ": line ", i + 2, ": expected \"", keyword, " <",
                       keyword, ">\", got \"", Excerpt(line), "\""));
    }
    values[i] = line.substr(keyword.size() + 1);
  }
  auto bad = [&](size_t index, absl::string_view why) {
    return absl::InvalidArgumentError(absl::StrCat(
        kWhat, ": line ", index + 2, " (", kKeywords[index], "): ", why));
  };

  EntryHeader header;
  if (absl::Status s = ValidateKind(values[0]); !s.ok()) {
    return bad(0, s.message());
  }
  header.kind = std::string(values[0]);
  if (absl::Status s = ValidateSubject(values[1]); !s.ok()) {
    return bad(1, s.message());
  }
  header.subject = std::string(values[1]);
  absl::StatusOr<uint64_t> seq = ParseCanonicalDecimal(values[2]);
  if (!seq.ok()) return bad(2, seq.status().message());
  header.seq = *seq;
  absl::StatusOr<Hash> prev = ParseBase64Hash(values[3]);
  if (!prev.ok()) return bad(3, prev.status().message());
  header.prev = *prev;
  if (header.seq == 0 && !IsAllZero(header.prev)) {
    return bad(
        3, absl::StrCat("must be 32 zero bytes (",
                        Base64Encode(std::string(32, '\0')), ") for seq 0"));
  }
  absl::StatusOr<Timestamp> time = ParseRfc3339(values[4]);
  if (!time.ok()) return bad(4, time.status().message());
  std::string canonical_time = FormatRfc3339(*time);
  if (canonical_time != values[4]) {
    return bad(4, absl::StrCat("\"", std::string(values[4]),
                               "\" is not in canonical form; write \"",
                               canonical_time, "\""));
  }
  header.time = *time;
  absl::StatusOr<Hash> body = ParseBase64Hash(values[5]);
  if (!body.ok()) return bad(5, body.status().message());
  header.body_hash = *body;
  return header;
}

Hash EntryHash(std::string_view entry_note) { return Sha256(entry_note); }

absl::StatusOr<std::string> SignEntry(const EntryHeader& header,
                                      const NoteSigner& signer) {
  if (absl::Status s = ValidateEntryHeader(header); !s.ok()) return s;
  absl::StatusOr<std::string> entry =
      SignNote(FormatEntryText(header), {&signer});
  if (!entry.ok()) return entry.status();
  if (entry->size() > kMaxEntrySize) {
    return absl::InvalidArgumentError(
        absl::StrCat("entry would be ", entry->size(),
                     " bytes, over the limit of ", kMaxEntrySize));
  }
  return entry;
}

absl::StatusOr<ParsedEntry> ParseEntry(std::string_view entry_note) {
  if (entry_note.size() > kMaxEntrySize) {
    return absl::InvalidArgumentError(
        absl::StrCat("entry: ", entry_note.size(),
                     " bytes exceeds the limit of ", kMaxEntrySize));
  }
  absl::StatusOr<Note> note = ParseNote(entry_note);
  if (!note.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("entry: ", note.status().message()));
  }
  absl::StatusOr<EntryHeader> header = ParseEntryText(note->text);
  if (!header.ok()) return header.status();
  return ParsedEntry{*std::move(header), *std::move(note)};
}

}  // namespace ocoptrace
