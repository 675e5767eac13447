#include "core/checkpoint.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "core/base64.h"

namespace ocoptrace {
namespace {

const char* const kLineNames[] = {"origin", "tree size", "root hash"};

std::string LineLabel(size_t index) {
  return index < 3
             ? absl::StrCat("line ", index + 1, " (", kLineNames[index], ")")
             : absl::StrCat("line ", index + 1, " (extension)");
}

}  // namespace

absl::StatusOr<uint64_t> ParseCanonicalDecimal(std::string_view text) {
  if (text.empty()) {
    return absl::InvalidArgumentError("expected a decimal number, got nothing");
  }
  uint64_t value = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c < '0' || c > '9') {
      return absl::InvalidArgumentError(absl::StrCat(
          "character '", std::string(1, c), "' at position ", i + 1,
          " is not a decimal digit; write the number with digits 0-9 only"));
    }
    uint64_t digit = static_cast<uint64_t>(c - '0');
    if (value > (UINT64_MAX - digit) / 10) {
      return absl::InvalidArgumentError(absl::StrCat(
          "number ", std::string(text), " does not fit in 64 bits"));
    }
    value = value * 10 + digit;
  }
  if (text.size() > 1 && text[0] == '0') {
    return absl::InvalidArgumentError(
        absl::StrCat("number ", std::string(text),
                     " has a leading zero; write it without leading zeros"));
  }
  return value;
}

std::string FormatCheckpointText(const Checkpoint& checkpoint) {
  std::string text =
      absl::StrCat(checkpoint.origin, "\n", checkpoint.size, "\n",
                   Base64Encode(HashToBytes(checkpoint.root)), "\n");
  for (const std::string& extension : checkpoint.extensions) {
    absl::StrAppend(&text, extension, "\n");
  }
  return text;
}

absl::StatusOr<Checkpoint> ParseCheckpointText(std::string_view text) {
  auto malformed = [](size_t index, const std::string& why) {
    return absl::InvalidArgumentError(
        absl::StrCat("checkpoint: ", LineLabel(index), ": ", why));
  };
  if (text.empty() || text.back() != '\n') {
    return absl::InvalidArgumentError("checkpoint: text must end in a newline");
  }
  std::vector<std::string_view> lines;
  for (size_t start = 0; start < text.size();) {
    size_t end = text.find('\n', start);
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  if (lines.size() < 3) {
    return absl::InvalidArgumentError(
        absl::StrCat("checkpoint: has ", lines.size(),
                     " lines; expected origin, tree size and root hash"));
  }
  for (size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].empty()) return malformed(i, "must not be empty");
  }
  Checkpoint out;
  out.origin = std::string(lines[0]);
  absl::StatusOr<uint64_t> size = ParseCanonicalDecimal(lines[1]);
  if (!size.ok()) return malformed(1, std::string(size.status().message()));
  out.size = *size;
  absl::StatusOr<std::string> root = Base64Decode(lines[2]);
  if (!root.ok()) return malformed(2, std::string(root.status().message()));
  absl::StatusOr<Hash> root_hash = HashFromBytes(*root, "root hash");
  if (!root_hash.ok()) {
    return malformed(2, std::string(root_hash.status().message()));
  }
  out.root = *root_hash;
  for (size_t i = 3; i < lines.size(); ++i) {
    out.extensions.push_back(std::string(lines[i]));
  }
  return out;
}

absl::StatusOr<std::string> SignCheckpoint(const Checkpoint& checkpoint,
                                           const NoteSigner& log_key) {
  if (log_key.name != checkpoint.origin) {
    return absl::InvalidArgumentError(
        absl::StrCat("checkpoint origin \"", checkpoint.origin,
                     "\" must equal the log key name \"", log_key.name, "\""));
  }
  std::string text = FormatCheckpointText(checkpoint);
  // Whatever FormatCheckpointText cannot represent does not parse back.
  absl::StatusOr<Checkpoint> reparsed = ParseCheckpointText(text);
  if (!reparsed.ok()) return reparsed.status();
  if (*reparsed != checkpoint) {
    return absl::InvalidArgumentError(
        "checkpoint: origin and extension lines must not contain newlines");
  }
  return SignNote(text, {&log_key});
}

absl::StatusOr<Checkpoint> OpenCheckpoint(std::string_view note,
                                          const NoteVerifier& log_key) {
  absl::StatusOr<OpenedNote> opened = OpenNote(note, {log_key});
  if (!opened.ok()) return opened.status();
  absl::StatusOr<Checkpoint> checkpoint = ParseCheckpointText(opened->text);
  if (!checkpoint.ok()) return checkpoint.status();
  if (checkpoint->origin != log_key.name) {
    return absl::UnauthenticatedError(absl::StrCat(
        "checkpoint origin \"", checkpoint->origin, "\" is not the log \"",
        log_key.name, "\" whose key signed it"));
  }
  return checkpoint;
}

}  // namespace ocoptrace
