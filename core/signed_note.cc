#include "core/signed_note.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "core/base64.h"
#include "core/sha256.h"

namespace ocoptrace {
namespace {

// The signature line prefix: U+2014 EM DASH, then a space.
constexpr absl::string_view kSignaturePrefix = "\xE2\x80\x94 ";
constexpr absl::string_view kSkeyPrefix = "PRIVATE+KEY+";

// Decodes the UTF-8 sequence at s[*pos], advancing *pos. Returns the code
// point, or -1 for an invalid, overlong, surrogate or out-of-range sequence.
int32_t DecodeUtf8(std::string_view s, size_t* pos) {
  auto byte = [&](size_t i) { return static_cast<uint8_t>(s[i]); };
  uint8_t lead = byte(*pos);
  if (lead < 0x80) {
    ++*pos;
    return lead;
  }
  int length;
  int32_t code_point;
  int32_t minimum;
  if ((lead & 0xE0) == 0xC0) {
    length = 2, code_point = lead & 0x1F, minimum = 0x80;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3, code_point = lead & 0x0F, minimum = 0x800;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4, code_point = lead & 0x07, minimum = 0x10000;
  } else {
    return -1;
  }
  if (*pos + length > s.size()) return -1;
  for (int i = 1; i < length; ++i) {
    uint8_t next = byte(*pos + i);
    if ((next & 0xC0) != 0x80) return -1;
    code_point = (code_point << 6) | (next & 0x3F);
  }
  if (code_point < minimum || code_point > 0x10FFFF ||
      (code_point >= 0xD800 && code_point <= 0xDFFF)) {
    return -1;
  }
  *pos += length;
  return code_point;
}

// Unicode White_Space (what Go's unicode.IsSpace accepts).
bool IsUnicodeSpace(int32_t c) {
  return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 ||
         c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 ||
         c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
}

// OK when `text` is valid UTF-8 without ASCII control characters other than
// newline. `what` names the input in the error.
absl::Status CheckNoteCharacters(std::string_view text, const char* what) {
  size_t line = 1;
  size_t line_start = 0;
  for (size_t pos = 0; pos < text.size();) {
    size_t start = pos;
    int32_t c = DecodeUtf8(text, &pos);
    if (c < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat(what, ": line ", line, ": invalid UTF-8 at byte ",
                       start - line_start + 1, "; notes must be UTF-8"));
    }
    if (c == '\n') {
      ++line;
      line_start = pos;
    } else if (c < 0x20) {
      return absl::InvalidArgumentError(absl::StrCat(
          what, ": line ", line, ": control character 0x",
          absl::Hex(c, absl::kZeroPad2), " at byte ", start - line_start + 1,
          " is not allowed; notes may contain no control characters other "
          "than newline"));
    }
  }
  return absl::OkStatus();
}

std::string KeyLabel(std::string_view name, uint32_t key_id) {
  return absl::StrCat(std::string(name), "+", FormatKeyId(key_id));
}

// Parses exactly 8 hex digits.
bool ParseKeyIdHex(std::string_view hex, uint32_t* key_id) {
  if (hex.size() != 8) return false;
  uint32_t value = 0;
  for (char c : hex) {
    int digit;
    if (c >= '0' && c <= '9') {
      digit = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      digit = c - 'a' + 10;
    } else if (c >= 'A' && c <= 'F') {
      digit = c - 'A' + 10;
    } else {
      return false;
    }
    value = (value << 4) | static_cast<uint32_t>(digit);
  }
  *key_id = value;
  return true;
}

// The parts shared by vkeys and skeys: "<name>+<hex id>+<base64(0x01 ‖
// key32)>". Returns the 32 key bytes; `what` names the input in errors.
struct KeyText {
  std::string name;
  uint32_t key_id = 0;
  std::string key_bytes;
};

absl::StatusOr<KeyText> ParseKeyText(std::string_view text, const char* what,
                                     const char* key_part) {
  size_t first_plus = text.find('+');
  size_t second_plus = first_plus == std::string_view::npos
                           ? std::string_view::npos
                           : text.find('+', first_plus + 1);
  if (second_plus == std::string_view::npos) {
    return absl::InvalidArgumentError(absl::StrCat(
        what, ": expected <name>+<8 hex digit key id>+<base64 key>"));
  }
  KeyText out;
  out.name = std::string(text.substr(0, first_plus));
  std::string_view hex =
      text.substr(first_plus + 1, second_plus - first_plus - 1);
  std::string_view base64 = text.substr(second_plus + 1);
  if (!IsValidKeyName(out.name)) {
    return absl::InvalidArgumentError(absl::StrCat(
        what, ": key name \"", out.name,
        "\" is not valid; use non-empty UTF-8 without spaces or '+'"));
  }
  if (!ParseKeyIdHex(hex, &out.key_id)) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, ": key id \"", std::string(hex),
                     "\" must be exactly 8 hex digits"));
  }
  absl::StatusOr<std::string> decoded = Base64Decode(base64);
  if (!decoded.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        what, ": ", key_part, " is not valid: ", decoded.status().message()));
  }
  if (decoded->empty() ||
      static_cast<uint8_t>((*decoded)[0]) != kNoteSignatureTypeEd25519) {
    return absl::InvalidArgumentError(absl::StrCat(
        what, ": ", key_part,
        " must start with signature type 0x01 (Ed25519); other key types "
        "are not supported"));
  }
  if (decoded->size() != 33) {
    return absl::InvalidArgumentError(absl::StrCat(
        what, ": ", key_part,
        " must be 33 bytes (0x01 and a 32-byte key), got ", decoded->size()));
  }
  out.key_bytes = decoded->substr(1);
  return out;
}

absl::Status CheckKeyIdMatches(const char* what, const std::string& name,
                               uint32_t given, uint32_t computed) {
  if (given == computed) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(
      what, ": key id ", FormatKeyId(given), " does not match name \"", name,
      "\" and the key (expected ", FormatKeyId(computed),
      "); the key text is corrupted or was edited"));
}

absl::Status CheckSigner(const NoteSigner* signer, size_t index) {
  if (signer == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("signer ", index, " is null"));
  }
  if (!IsValidKeyName(signer->name)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "signer ", index, ": key name \"", signer->name,
        "\" is not valid; use non-empty UTF-8 without spaces or '+'"));
  }
  if (signer->key.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("signer ", index, " (", signer->name, ") has no key"));
  }
  uint32_t expected = NoteKeyId(signer->name, signer->key.public_key());
  if (signer->key_id != expected) {
    return absl::InvalidArgumentError(absl::StrCat(
        "signer ", index, " (", signer->name, "): key id ",
        FormatKeyId(signer->key_id), " does not match the key (expected ",
        FormatKeyId(expected), "); build signers with MakeNoteSigner"));
  }
  return absl::OkStatus();
}

}  // namespace

uint32_t NoteKeyId(std::string_view name, const Ed25519PublicKey& key) {
  Sha256Hasher hasher;
  hasher.Update(name);
  hasher.Update(std::string_view("\n\x01", 2));
  hasher.Update(key.bytes());
  Hash hash = hasher.Finish();
  return uint32_t{hash[0]} << 24 | uint32_t{hash[1]} << 16 |
         uint32_t{hash[2]} << 8 | uint32_t{hash[3]};
}

bool IsValidKeyName(std::string_view name) {
  if (name.empty()) return false;
  for (size_t pos = 0; pos < name.size();) {
    int32_t c = DecodeUtf8(name, &pos);
    if (c < 0 || c < 0x20 || c == 0x7F || c == '+' || IsUnicodeSpace(c)) {
      return false;
    }
  }
  return true;
}

std::string FormatKeyId(uint32_t key_id) {
  return absl::StrCat(absl::Hex(key_id, absl::kZeroPad8));
}

absl::StatusOr<NoteSigner> MakeNoteSigner(std::string_view name,
                                          const Ed25519PrivateKey& key) {
  if (!IsValidKeyName(name)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "key name \"", std::string(name),
        "\" is not valid; use non-empty UTF-8 without spaces or '+', e.g. "
        "\"trace.example.vn/log\""));
  }
  if (key.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("key for \"", std::string(name), "\" is empty"));
  }
  return NoteSigner{std::string(name), NoteKeyId(name, key.public_key()), key};
}

NoteVerifier VerifierOf(const NoteSigner& signer) {
  return NoteVerifier{signer.name, signer.key_id, signer.key.public_key()};
}

std::string FormatVkey(const NoteVerifier& verifier) {
  std::string key(1, static_cast<char>(kNoteSignatureTypeEd25519));
  key += verifier.key.bytes();
  return absl::StrCat(verifier.name, "+", FormatKeyId(verifier.key_id), "+",
                      Base64Encode(key));
}

absl::StatusOr<NoteVerifier> ParseVkey(std::string_view vkey) {
  constexpr char kWhat[] = "vkey";
  absl::StatusOr<KeyText> parts = ParseKeyText(vkey, kWhat, "public key");
  if (!parts.ok()) return parts.status();
  absl::StatusOr<Ed25519PublicKey> key =
      Ed25519PublicKey::FromBytes(parts->key_bytes);
  if (!key.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(kWhat, ": ", key.status().message()));
  }
  absl::Status id_check = CheckKeyIdMatches(kWhat, parts->name, parts->key_id,
                                            NoteKeyId(parts->name, *key));
  if (!id_check.ok()) return id_check;
  return NoteVerifier{std::move(parts->name), parts->key_id, *std::move(key)};
}

std::string FormatSkey(const NoteSigner& signer) {
  std::string key(1, static_cast<char>(kNoteSignatureTypeEd25519));
  key += signer.key.seed();
  return absl::StrCat(kSkeyPrefix, signer.name, "+", FormatKeyId(signer.key_id),
                      "+", Base64Encode(key));
}

absl::StatusOr<NoteSigner> ParseSkey(std::string_view skey) {
  constexpr char kWhat[] = "skey";
  if (!skey.starts_with(
          std::string_view(kSkeyPrefix.data(), kSkeyPrefix.size()))) {
    return absl::InvalidArgumentError("skey: must start with \"PRIVATE+KEY+\"");
  }
  absl::StatusOr<KeyText> parts =
      ParseKeyText(skey.substr(kSkeyPrefix.size()), kWhat, "private key");
  if (!parts.ok()) return parts.status();
  absl::StatusOr<Ed25519PrivateKey> key =
      Ed25519PrivateKey::FromSeed(parts->key_bytes);
  if (!key.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(kWhat, ": ", key.status().message()));
  }
  absl::Status id_check =
      CheckKeyIdMatches(kWhat, parts->name, parts->key_id,
                        NoteKeyId(parts->name, key->public_key()));
  if (!id_check.ok()) return id_check;
  return NoteSigner{std::move(parts->name), parts->key_id, *std::move(key)};
}

absl::StatusOr<Note> ParseNote(std::string_view note) {
  constexpr char kWhat[] = "signed note";
  if (note.size() > kMaxNoteSize) {
    return absl::InvalidArgumentError(
        absl::StrCat(kWhat, ": ", note.size(), " bytes exceeds the limit of ",
                     kMaxNoteSize));
  }
  if (absl::Status s = CheckNoteCharacters(note, kWhat); !s.ok()) return s;
  size_t split = note.rfind("\n\n");
  if (split == std::string_view::npos) {
    return absl::InvalidArgumentError(absl::StrCat(
        kWhat, ": no blank line between the text and the signature lines"));
  }
  Note out;
  out.text = std::string(note.substr(0, split + 1));
  std::string_view signatures = note.substr(split + 2);
  if (signatures.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(kWhat, ": no signature lines after the last blank line"));
  }
  if (signatures.back() != '\n') {
    return absl::InvalidArgumentError(
        absl::StrCat(kWhat, ": does not end in a newline"));
  }
  // Line numbers in errors count from the top of the whole note.
  size_t line_number = 1;
  for (char c : out.text) line_number += c == '\n';
  while (!signatures.empty()) {
    ++line_number;
    size_t end = signatures.find('\n');
    std::string_view line = signatures.substr(0, end);
    signatures.remove_prefix(end + 1);
    auto malformed = [&](const std::string& why) {
      return absl::InvalidArgumentError(absl::StrCat(
          kWhat, ": line ", line_number, " (signature line): ", why));
    };
    if (out.signatures.size() == kMaxNoteSignatures) {
      return malformed(
          absl::StrCat("more than ", kMaxNoteSignatures, " signature lines"));
    }
    if (!line.starts_with(std::string_view(kSignaturePrefix.data(),
                                           kSignaturePrefix.size()))) {
      return malformed(
          "must start with an em dash (U+2014) and a space; text lines "
          "cannot follow the last blank line");
    }
    line.remove_prefix(kSignaturePrefix.size());
    size_t space = line.find(' ');
    if (space == std::string_view::npos) {
      return malformed("expected \"— <key name> <base64 signature>\"");
    }
    std::string_view name = line.substr(0, space);
    if (!IsValidKeyName(name)) {
      return malformed(
          absl::StrCat("key name \"", std::string(name), "\" is not valid"));
    }
    absl::StatusOr<std::string> decoded = Base64Decode(line.substr(space + 1));
    if (!decoded.ok()) {
      return malformed(absl::StrCat("signature of ", std::string(name), ": ",
                                    decoded.status().message()));
    }
    if (decoded->size() < 5) {
      return malformed(absl::StrCat(
          "signature of ", std::string(name), " is ", decoded->size(),
          " bytes; expected a 4-byte key id and a signature"));
    }
    const auto* bytes = reinterpret_cast<const uint8_t*>(decoded->data());
    uint32_t key_id = uint32_t{bytes[0]} << 24 | uint32_t{bytes[1]} << 16 |
                      uint32_t{bytes[2]} << 8 | uint32_t{bytes[3]};
    out.signatures.push_back(
        NoteSignature{std::string(name), key_id, decoded->substr(4)});
  }
  return out;
}

absl::StatusOr<std::string> SignNote(
    std::string_view text, const std::vector<const NoteSigner*>& signers) {
  constexpr char kWhat[] = "note text";
  if (text.empty() || text.back() != '\n') {
    return absl::InvalidArgumentError(
        absl::StrCat(kWhat, ": must be non-empty and end in a newline"));
  }
  if (absl::Status s = CheckNoteCharacters(text, kWhat); !s.ok()) return s;
  if (signers.empty()) {
    return absl::InvalidArgumentError("a note needs at least one signer");
  }
  if (signers.size() > kMaxNoteSignatures) {
    return absl::InvalidArgumentError(absl::StrCat(
        signers.size(), " signers exceeds the limit of ", kMaxNoteSignatures));
  }
  std::string note(text);
  note += '\n';
  for (size_t i = 0; i < signers.size(); ++i) {
    if (absl::Status s = CheckSigner(signers[i], i); !s.ok()) return s;
    const NoteSigner& signer = *signers[i];
    std::string payload(4, '\0');
    for (int b = 0; b < 4; ++b) {
      payload[b] = static_cast<char>(signer.key_id >> (24 - 8 * b));
    }
    payload += signer.key.Sign(text);
    absl::StrAppend(&note, kSignaturePrefix, signer.name, " ",
                    Base64Encode(payload), "\n");
  }
  if (note.size() > kMaxNoteSize) {
    return absl::InvalidArgumentError(
        absl::StrCat("signed note would be ", note.size(),
                     " bytes, over the limit of ", kMaxNoteSize));
  }
  return note;
}

absl::StatusOr<OpenedNote> OpenNote(std::string_view note,
                                    const NoteVerifierLookup& lookup) {
  absl::StatusOr<Note> parsed = ParseNote(note);
  if (!parsed.ok()) return parsed.status();
  OpenedNote out;
  std::vector<std::string> unknown;
  for (NoteSignature& signature : parsed->signatures) {
    const NoteVerifier* verifier = lookup(signature.name, signature.key_id);
    if (verifier == nullptr) {
      unknown.push_back(KeyLabel(signature.name, signature.key_id));
      continue;
    }
    if (verifier->name != signature.name ||
        verifier->key_id != signature.key_id) {
      return absl::InternalError(absl::StrCat(
          "verifier lookup for ", KeyLabel(signature.name, signature.key_id),
          " returned the key ", KeyLabel(verifier->name, verifier->key_id)));
    }
    if (!verifier->key.Verify(parsed->text, signature.signature)) {
      return absl::UnauthenticatedError(absl::StrCat(
          "signature by ", KeyLabel(signature.name, signature.key_id),
          " does not verify"));
    }
    bool repeated = false;
    for (const NoteSignature& seen : out.verified) {
      repeated |=
          seen.name == signature.name && seen.key_id == signature.key_id;
    }
    if (!repeated) out.verified.push_back(std::move(signature));
  }
  if (out.verified.empty()) {
    return absl::UnauthenticatedError(
        absl::StrCat("note is not signed by any known key; signed by: ",
                     absl::StrJoin(unknown, ", ")));
  }
  out.text = std::move(parsed->text);
  return out;
}

absl::StatusOr<OpenedNote> OpenNote(std::string_view note,
                                    const std::vector<NoteVerifier>& known) {
  return OpenNote(
      note,
      [&known](std::string_view name, uint32_t key_id) -> const NoteVerifier* {
        for (const NoteVerifier& verifier : known) {
          if (verifier.key_id == key_id && verifier.name == name)
            return &verifier;
        }
        return nullptr;
      });
}

}  // namespace ocoptrace
