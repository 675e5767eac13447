#include "server/storage/keys.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace ocoptrace::storage {
namespace {

constexpr char kSubjectSeparator = '\0';
constexpr size_t kUint64Size = 8;

void AppendUint64(uint64_t value, std::string& out) {
  for (int shift = 56; shift >= 0; shift -= 8) {
    out.push_back(static_cast<char>((value >> shift) & 0xFF));
  }
}

uint64_t ReadUint64(std::string_view bytes) {
  uint64_t value = 0;
  for (size_t i = 0; i < kUint64Size; ++i) {
    value = (value << 8) | static_cast<uint8_t>(bytes[i]);
  }
  return value;
}

absl::StatusOr<uint64_t> ParseUint64Key(std::string_view key,
                                        const char* what) {
  if (key.size() != kUint64Size) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, " key: has ", key.size(),
                     " bytes; it must be 8 (a big-endian integer)"));
  }
  return ReadUint64(key);
}

}  // namespace

std::string EncodeUint64(uint64_t value) {
  std::string out;
  out.reserve(kUint64Size);
  AppendUint64(value, out);
  return out;
}

absl::StatusOr<uint64_t> DecodeUint64(std::string_view bytes) {
  if (bytes.size() != kUint64Size) {
    return absl::InvalidArgumentError(absl::StrCat(
        "integer: has ", bytes.size(), " bytes; it must be 8 (big-endian)"));
  }
  return ReadUint64(bytes);
}

std::string EntryKey(uint64_t index) { return EncodeUint64(index); }

absl::StatusOr<uint64_t> ParseEntryKey(std::string_view key) {
  return ParseUint64Key(key, "entry");
}

absl::Status CheckKeySubject(std::string_view subject) {
  if (subject.empty()) {
    return absl::InvalidArgumentError("subject: is empty; give a subject");
  }
  const size_t zero = subject.find(kSubjectSeparator);
  if (zero != std::string_view::npos) {
    return absl::InvalidArgumentError(absl::StrCat(
        "subject: byte 0x00 at position ", zero, " is not allowed"));
  }
  return absl::OkStatus();
}

std::string SubjectHeadKey(std::string_view subject) {
  return std::string(subject);
}

std::string SubjectIndexKey(std::string_view subject, uint64_t seq) {
  std::string key = SubjectIndexPrefix(subject);
  AppendUint64(seq, key);
  return key;
}

std::string SubjectIndexPrefix(std::string_view subject) {
  std::string prefix;
  prefix.reserve(subject.size() + 1 + kUint64Size);
  prefix.append(subject);
  prefix.push_back(kSubjectSeparator);
  return prefix;
}

absl::StatusOr<SubjectIndexKeyParts> ParseSubjectIndexKey(
    std::string_view key) {
  // subject (at least one byte, no 0x00) ‖ 0x00 ‖ 8 bytes.
  if (key.size() < 1 + 1 + kUint64Size ||
      key[key.size() - kUint64Size - 1] != kSubjectSeparator) {
    return absl::InvalidArgumentError(
        "subject index key: must be a subject, a 0x00 byte and an 8-byte "
        "sequence number");
  }
  std::string_view subject = key.substr(0, key.size() - kUint64Size - 1);
  if (absl::Status status = CheckKeySubject(subject); !status.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("subject index key: ", status.message()));
  }
  return SubjectIndexKeyParts{std::string(subject),
                              ReadUint64(key.substr(subject.size() + 1))};
}

std::string TreeNodeKey(uint8_t level, uint64_t index) {
  std::string key;
  key.reserve(1 + kUint64Size);
  key.push_back(static_cast<char>(level));
  AppendUint64(index, key);
  return key;
}

absl::StatusOr<TreeNodeKeyParts> ParseTreeNodeKey(std::string_view key) {
  if (key.size() != 1 + kUint64Size) {
    return absl::InvalidArgumentError(
        absl::StrCat("tree node key: has ", key.size(),
                     " bytes; it must be 9 (level, then a big-endian index)"));
  }
  const uint8_t level = static_cast<uint8_t>(key[0]);
  if (level > 63) {
    return absl::InvalidArgumentError(absl::StrCat(
        "tree node key: level ", level,
        " is above 63, the highest level of a tree of fewer than 2^64 leaves"));
  }
  return TreeNodeKeyParts{level, ReadUint64(key.substr(1))};
}

std::string CheckpointKey(uint64_t size) { return EncodeUint64(size); }

absl::StatusOr<uint64_t> ParseCheckpointKey(std::string_view key) {
  return ParseUint64Key(key, "checkpoint");
}

std::string PrefixEnd(std::string_view prefix) {
  std::string end(prefix);
  while (!end.empty()) {
    const uint8_t last = static_cast<uint8_t>(end.back());
    if (last != 0xFF) {
      end.back() = static_cast<char>(last + 1);
      return end;
    }
    end.pop_back();
  }
  return end;
}

// ---------------------------------------------------------------------------
// Derived state.

namespace {

constexpr std::string_view kStateRecordPrefix = "s/";
constexpr std::string_view kKeyRecordPrefix = "k/";
constexpr std::string_view kPrincipalTokenPrefix = "t/";
constexpr std::string_view kPrincipalNamePrefix = "n/";
constexpr std::string_view kPinSecretPrefix = "pin/";
constexpr char kIndexSeparator = '\0';

absl::StatusOr<std::string> ParsePrefixedKey(std::string_view key,
                                             std::string_view prefix,
                                             const char* what) {
  if (key.size() <= prefix.size() || key.substr(0, prefix.size()) != prefix) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, " key: must be \"", std::string(prefix),
                     "\" followed by at least one byte"));
  }
  std::string_view rest = key.substr(prefix.size());
  if (rest.find(kIndexSeparator) != std::string_view::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, " key: contains a 0x00 byte"));
  }
  return std::string(rest);
}

}  // namespace

std::string StateRecordKey(std::string_view subject) {
  return absl::StrCat(std::string(kStateRecordPrefix), std::string(subject));
}

absl::StatusOr<std::string> ParseStateRecordKey(std::string_view key) {
  return ParsePrefixedKey(key, kStateRecordPrefix, "state record");
}

std::string KeyRecordKey(std::string_view key_name) {
  return absl::StrCat(std::string(kKeyRecordPrefix), std::string(key_name));
}

absl::StatusOr<std::string> ParseKeyRecordKey(std::string_view key) {
  return ParsePrefixedKey(key, kKeyRecordPrefix, "key record");
}

std::string IndexPrefix(std::string_view index_name,
                        std::initializer_list<std::string_view> parts) {
  std::string key(index_name);
  key.push_back(kIndexSeparator);
  for (std::string_view part : parts) {
    key.append(part);
    key.push_back(kIndexSeparator);
  }
  return key;
}

std::string IndexKey(std::string_view index_name,
                     std::initializer_list<std::string_view> parts) {
  std::string key = IndexPrefix(index_name, parts);
  if (parts.size() > 0) key.pop_back();  // No separator after the last part.
  return key;
}

absl::StatusOr<IndexKeyParts> ParseIndexKey(std::string_view key) {
  const size_t first = key.find(kIndexSeparator);
  if (first == std::string_view::npos || first == 0) {
    return absl::InvalidArgumentError(
        "index key: must be an index name, a 0x00 byte and the parts");
  }
  IndexKeyParts parsed;
  parsed.index_name = std::string(key.substr(0, first));
  std::string_view rest = key.substr(first + 1);
  for (;;) {
    const size_t end = rest.find(kIndexSeparator);
    std::string_view part = rest.substr(0, end);
    if (part.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("index key of ", parsed.index_name, ": part ",
                       parsed.parts.size() + 1, " is empty"));
    }
    parsed.parts.emplace_back(part);
    if (end == std::string_view::npos) break;
    rest = rest.substr(end + 1);
  }
  return parsed;
}

std::string LabelPrefix(std::string_view gtin14) {
  std::string prefix(gtin14);
  prefix.push_back(kIndexSeparator);
  return prefix;
}

std::string LabelKey(std::string_view gtin14, std::string_view serial) {
  std::string key = LabelPrefix(gtin14);
  key.append(serial);
  return key;
}

absl::StatusOr<LabelKeyParts> ParseLabelKey(std::string_view key) {
  const size_t separator = key.find(kIndexSeparator);
  if (separator == std::string_view::npos || separator == 0 ||
      separator + 1 == key.size() ||
      key.find(kIndexSeparator, separator + 1) != std::string_view::npos) {
    return absl::InvalidArgumentError(
        "label key: must be a GTIN, one 0x00 byte and a serial");
  }
  return LabelKeyParts{std::string(key.substr(0, separator)),
                       std::string(key.substr(separator + 1))};
}

std::string PinSecretKey(std::string_view gtin14, std::string_view serial) {
  return absl::StrCat(std::string(kPinSecretPrefix), LabelKey(gtin14, serial));
}

std::string IntegrationKeySecretKey(std::string_view principal) {
  return absl::StrCat("epcis-key/", std::string(principal));
}

std::string PrincipalTokenKey(std::string_view token_hash32) {
  return absl::StrCat(std::string(kPrincipalTokenPrefix),
                      std::string(token_hash32));
}

std::string PrincipalNameKey(std::string_view name) {
  return absl::StrCat(std::string(kPrincipalNamePrefix), std::string(name));
}

absl::StatusOr<std::string> ParsePrincipalNameKey(std::string_view key) {
  return ParsePrefixedKey(key, kPrincipalNamePrefix, "principal name");
}

// --- Scan telemetry ----------------------------------------------------------

namespace {

constexpr std::string_view kLabelScansPrefix = "l/";
constexpr std::string_view kProductReportPrefix = "rp/";

std::string TelemetryTimeKey(std::string_view prefix, int64_t unix_micros,
                             uint64_t sequence) {
  std::string key(prefix);
  AppendUint64(static_cast<uint64_t>(std::max<int64_t>(0, unix_micros)), key);
  AppendUint64(sequence, key);
  return key;
}

}  // namespace

std::string ScanEventKey(int64_t unix_micros, uint64_t sequence) {
  return TelemetryTimeKey(kScanEventPrefix, unix_micros, sequence);
}

std::string ScanAnomalyKey(int64_t unix_micros, uint64_t sequence) {
  return TelemetryTimeKey(kScanAnomalyPrefix, unix_micros, sequence);
}

std::string SuspectReportKey(int64_t unix_micros, uint64_t sequence) {
  return TelemetryTimeKey(kSuspectReportPrefix, unix_micros, sequence);
}

std::string ProductReportPrefix(std::string_view gtin14) {
  std::string key(kProductReportPrefix);
  key.append(gtin14);
  key.push_back(kIndexSeparator);
  return key;
}

std::string ProductReportKey(std::string_view gtin14, int64_t unix_micros,
                             uint64_t sequence) {
  return TelemetryTimeKey(ProductReportPrefix(gtin14), unix_micros, sequence);
}

absl::StatusOr<TelemetryTimeKeyParts> ParseTelemetryTimeKey(
    std::string_view key, std::string_view prefix) {
  if (key.size() != prefix.size() + 2 * kUint64Size ||
      key.substr(0, prefix.size()) != prefix) {
    return absl::InvalidArgumentError(absl::StrCat(
        "telemetry key: must be \"", std::string(prefix),
        "\" followed by 16 bytes (time and sequence, big-endian)"));
  }
  TelemetryTimeKeyParts parts;
  parts.unix_micros =
      static_cast<int64_t>(ReadUint64(key.substr(prefix.size())));
  parts.sequence = ReadUint64(key.substr(prefix.size() + kUint64Size));
  return parts;
}

std::string LabelScansPrefix(std::string_view gtin14) {
  std::string key(kLabelScansPrefix);
  if (gtin14.empty()) return key;
  key.append(gtin14);
  key.push_back(kIndexSeparator);
  return key;
}

std::string LabelScansKey(std::string_view gtin14, std::string_view serial) {
  std::string key = LabelScansPrefix(gtin14);
  key.append(serial);
  return key;
}

absl::StatusOr<LabelKeyParts> ParseLabelScansKey(std::string_view key) {
  if (key.substr(0, kLabelScansPrefix.size()) != kLabelScansPrefix) {
    return absl::InvalidArgumentError(
        "label scans key: must start with \"l/\"");
  }
  auto parts = ParseLabelKey(key.substr(kLabelScansPrefix.size()));
  if (!parts.ok()) {
    return absl::InvalidArgumentError(
        "label scans key: must be \"l/\", a GTIN, one 0x00 byte and a serial");
  }
  return parts;
}

}  // namespace ocoptrace::storage
