#include "client/proof_bundle.h"

#include <map>

#include "absl/strings/str_cat.h"
#include "core/base64.h"
#include "core/merkle.h"
#include "ocoptrace/v1/registry.pb.h"

namespace ocoptrace::client {
namespace {

constexpr std::string_view kAuthoritySubject = "service/authority";

std::string HashBase64(const Hash& hash) {
  return Base64Encode(std::string_view(
      reinterpret_cast<const char*>(hash.data()), hash.size()));
}

void AppendSection(const ProvenLogEntry& entry, std::string& out) {
  absl::StrAppend(&out, "index ", entry.index, "\n", "entry ",
                  Base64Encode(entry.entry), "\n", "body ",
                  Base64Encode(entry.body), "\n");
  for (const Hash& hash : entry.proof)
    absl::StrAppend(&out, HashBase64(hash), "\n");
  out += "\n";
}

// Reads the text line by line, keeping line numbers for errors.
class LineReader {
 public:
  explicit LineReader(std::string_view text) : text_(text) {}

  int line_number() const { return line_; }
  size_t offset() const { return pos_; }

  absl::Status Error(std::string_view problem) const {
    return absl::InvalidArgumentError(
        absl::StrCat("line ", line_, ": ", std::string(problem)));
  }

  // The next line without its '\n'. InvalidArgument at the end of the text
  // or for a last line without '\n'.
  absl::StatusOr<std::string_view> Next() {
    ++line_;
    if (pos_ >= text_.size()) return Error("unexpected end of the file");
    const size_t end = text_.find('\n', pos_);
    if (end == std::string_view::npos)
      return Error("line does not end in a newline");
    std::string_view line = text_.substr(pos_, end - pos_);
    pos_ = end + 1;
    return line;
  }

  // The value of a "<keyword> <value>" line.
  absl::StatusOr<std::string_view> Field(std::string_view keyword) {
    auto line = Next();
    if (!line.ok()) return line.status();
    const std::string prefix = absl::StrCat(std::string(keyword), " ");
    if (line->substr(0, prefix.size()) != prefix) {
      return Error(absl::StrCat("expected \"", prefix, "...\""));
    }
    return line->substr(prefix.size());
  }

  absl::StatusOr<uint64_t> Number(std::string_view keyword) {
    auto value = Field(keyword);
    if (!value.ok()) return value.status();
    auto number = ParseCanonicalDecimal(*value);
    if (!number.ok()) {
      return Error(
          absl::StrCat(std::string(keyword), ": ", number.status().message()));
    }
    return *number;
  }

  absl::StatusOr<std::string> Base64(std::string_view keyword) {
    auto value = Field(keyword);
    if (!value.ok()) return value.status();
    auto bytes = Base64Decode(*value);
    if (!bytes.ok()) {
      return Error(
          absl::StrCat(std::string(keyword), ": not canonical base64"));
    }
    return *bytes;
  }

  std::string_view Rest() const { return text_.substr(pos_); }

 private:
  std::string_view text_;
  size_t pos_ = 0;
  int line_ = 0;
};

absl::StatusOr<ProvenLogEntry> ParseSection(LineReader& reader) {
  ProvenLogEntry entry;
  auto index = reader.Number("index");
  if (!index.ok()) return index.status();
  entry.index = *index;
  auto bytes = reader.Base64("entry");
  if (!bytes.ok()) return bytes.status();
  entry.entry = *bytes;
  auto body = reader.Base64("body");
  if (!body.ok()) return body.status();
  entry.body = *body;
  while (true) {
    auto line = reader.Next();
    if (!line.ok()) return line.status();
    if (line->empty()) break;
    auto hash = Base64Decode(*line);
    if (!hash.ok() || hash->size() != 32) {
      return reader.Error("proof hash is not canonical base64 of 32 bytes");
    }
    entry.proof.push_back(*HashFromBytes(*hash));
  }
  return entry;
}

absl::Status Broken(std::string message) {
  return absl::DataLossError(absl::StrCat("proof bundle: ", message));
}

// Checks inclusion and parses the entry; `what` names it in errors.
absl::StatusOr<ParsedEntry> CheckIncluded(const ProvenLogEntry& proven,
                                          const Checkpoint& checkpoint,
                                          const std::string& what) {
  if (proven.index >= checkpoint.size) {
    return Broken(absl::StrCat(what, ": index ", proven.index,
                               " is beyond the checkpoint's ", checkpoint.size,
                               " entries"));
  }
  if (absl::Status included =
          VerifyInclusion(proven.index, checkpoint.size, LeafHash(proven.entry),
                          proven.proof, checkpoint.root);
      !included.ok()) {
    return Broken(absl::StrCat(what,
                               ": inclusion proof does not lead to the "
                               "checkpoint's root: ",
                               included.message()));
  }
  auto parsed = ParseEntry(proven.entry);
  if (!parsed.ok()) {
    return Broken(absl::StrCat(
        what, ": entry does not parse: ", parsed.status().message()));
  }
  if (Sha256(proven.body) != parsed->header.body_hash) {
    return Broken(absl::StrCat(
        what, ": body does not hash to the entry's body line (altered body)"));
  }
  return parsed;
}

}  // namespace

std::string FormatProofBundle(const ProofBundle& bundle) {
  std::string out = absl::StrCat(
      kProofBundleHeader, "\n", "subject ", bundle.subject, "\n", "entries ",
      bundle.entries.size(), "\n", "keys ", bundle.keys.size(), "\n\n");
  for (const ProvenLogEntry& entry : bundle.entries) AppendSection(entry, out);
  for (const ProvenLogEntry& key : bundle.keys) AppendSection(key, out);
  out += bundle.checkpoint;
  return out;
}

absl::StatusOr<ProofBundle> ParseProofBundle(std::string_view text) {
  LineReader reader(text);
  auto header = reader.Next();
  if (!header.ok()) return header.status();
  if (*header != kProofBundleHeader) {
    return reader.Error(absl::StrCat("expected \"", kProofBundleHeader, "\""));
  }
  ProofBundle bundle;
  auto subject = reader.Field("subject");
  if (!subject.ok()) return subject.status();
  if (absl::Status valid = ValidateSubject(*subject); !valid.ok()) {
    return reader.Error(absl::StrCat("subject: ", valid.message()));
  }
  bundle.subject = std::string(*subject);
  auto entries = reader.Number("entries");
  if (!entries.ok()) return entries.status();
  auto keys = reader.Number("keys");
  if (!keys.ok()) return keys.status();
  if (*entries == 0 || *entries > 100000 || *keys > 10000) {
    return reader.Error("entries must be 1 to 100000 and keys at most 10000");
  }
  auto blank = reader.Next();
  if (!blank.ok()) return blank.status();
  if (!blank->empty()) return reader.Error("expected a blank line");
  for (uint64_t i = 0; i < *entries + *keys; ++i) {
    auto section = ParseSection(reader);
    if (!section.ok()) return section.status();
    (i < *entries ? bundle.entries : bundle.keys)
        .push_back(*std::move(section));
  }
  bundle.checkpoint = std::string(reader.Rest());
  if (bundle.checkpoint.empty()) {
    return reader.Error("the checkpoint note is missing");
  }
  return bundle;
}

absl::StatusOr<VerifiedProofBundle> VerifyProofBundle(
    std::string_view text, const NoteVerifier& log_key) {
  auto bundle = ParseProofBundle(text);
  if (!bundle.ok()) return Broken(std::string(bundle.status().message()));
  VerifiedProofBundle verified;
  verified.subject = bundle->subject;
  auto checkpoint = OpenCheckpoint(bundle->checkpoint, log_key);
  if (!checkpoint.ok()) {
    return Broken(absl::StrCat("checkpoint: not signed by the pinned log key ",
                               log_key.name, ": ",
                               checkpoint.status().message()));
  }
  verified.checkpoint = *checkpoint;

  // Keys: the authority's self-signed key.added first, then keys it added.
  std::vector<ParsedEntry> key_entries;
  for (size_t i = 0; i < bundle->keys.size(); ++i) {
    auto parsed = CheckIncluded(
        bundle->keys[i], *checkpoint,
        absl::StrCat("key ", i, " (log index ", bundle->keys[i].index, ")"));
    if (!parsed.ok()) return parsed.status();
    key_entries.push_back(*std::move(parsed));
  }
  std::vector<NoteVerifier> records(bundle->keys.size());
  int authority = -1;
  for (size_t i = 0; i < bundle->keys.size(); ++i) {
    const EntryHeader& header = key_entries[i].header;
    v1::KeyRecord record;
    if (header.kind != "key.added" ||
        !record.ParseFromString(bundle->keys[i].body)) {
      return Broken(absl::StrCat("key ", i, ": not a key.added entry"));
    }
    auto vkey = ParseVkey(record.vkey());
    if (!vkey.ok()) {
      return Broken(absl::StrCat("key ", i, ": ", vkey.status().message()));
    }
    records[i] = *vkey;
    if (header.subject == kAuthoritySubject && header.seq == 0 &&
        record.role() == v1::KEY_ROLE_AUTHORITY) {
      authority = static_cast<int>(i);
    }
  }
  if (authority < 0) {
    return Broken(
        "keys: the authority key's key.added entry (seq 0 of "
        "service/authority) is missing, so no key can be trusted");
  }
  const NoteVerifier& authority_key = records[authority];
  verified.keys.push_back(authority_key);
  for (size_t i = 0; i < bundle->keys.size(); ++i) {
    if (auto opened = OpenNote(bundle->keys[i].entry,
                               std::vector<NoteVerifier>{authority_key});
        !opened.ok()) {
      return Broken(absl::StrCat("key ", i, " (", records[i].name,
                                 "): its key.added entry is not signed by the "
                                 "authority key ",
                                 authority_key.name, ": ",
                                 opened.status().message()));
    }
    if (static_cast<int>(i) != authority) verified.keys.push_back(records[i]);
  }

  // The chain.
  Hash prev{};
  for (size_t i = 0; i < bundle->entries.size(); ++i) {
    const ProvenLogEntry& proven = bundle->entries[i];
    const std::string what =
        absl::StrCat("entry ", i, " (log index ", proven.index, ")");
    auto parsed = CheckIncluded(proven, *checkpoint, what);
    if (!parsed.ok()) return parsed.status();
    const EntryHeader& header = parsed->header;
    if (header.subject != bundle->subject || header.seq != i ||
        header.prev != prev) {
      return Broken(absl::StrCat(
          what, ": expected seq ", i, " of ", bundle->subject,
          " linked to the entry before it; found seq ", header.seq, " of ",
          header.subject, (header.prev != prev ? " with another prev" : "")));
    }
    auto opened = OpenNote(proven.entry, verified.keys);
    if (!opened.ok()) {
      return Broken(absl::StrCat(what,
                                 ": not signed by any key proven in the "
                                 "bundle: ",
                                 opened.status().message()));
    }
    verified.entries.push_back(header);
    verified.signers.push_back(opened->verified.front().name);
    prev = EntryHash(proven.entry);
  }
  return verified;
}

}  // namespace ocoptrace::client
