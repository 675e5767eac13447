// Signed notes (C2SP signed-note, https://c2sp.org/signed-note) with Ed25519
// keys, and the text forms of note keys: verifier keys ("vkeys") and signer
// keys ("skeys") as used by Go's golang.org/x/mod/sumdb/note.
//
// A signed note is UTF-8 text ending in a newline, a blank line, then one or
// more signature lines "— <key name> <base64(key id ‖ signature)>\n". The
// signature covers the text only. A key is identified by the pair (name,
// 32-bit id), where id = SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key)[:4] read
// big-endian. docs/formats.md is the normative description.
//
// Thread-safety: all functions are thread-safe. The structs are plain values.

#ifndef OCOPTRACE_CORE_SIGNED_NOTE_H_
#define OCOPTRACE_CORE_SIGNED_NOTE_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/ed25519.h"

namespace ocoptrace {

// Limits applied when parsing and signing notes.
inline constexpr size_t kMaxNoteSize = 1 << 20;    // bytes, whole note
inline constexpr size_t kMaxNoteSignatures = 100;  // signature lines

// The signature type byte of Ed25519 note keys.
inline constexpr uint8_t kNoteSignatureTypeEd25519 = 0x01;

// SHA-256(name ‖ 0x0A ‖ 0x01 ‖ key.bytes())[:4], big-endian.
uint32_t NoteKeyId(std::string_view name, const Ed25519PublicKey& key);

// True iff `name` can name a note key: non-empty valid UTF-8 without '+',
// Unicode white space or ASCII control characters.
bool IsValidKeyName(std::string_view name);

// The key id as 8 lower-case hex digits, e.g. "530d903a".
std::string FormatKeyId(uint32_t key_id);

// A key that checks signatures. `key_id` is always NoteKeyId(name, key)
// for verifiers made by this file.
struct NoteVerifier {
  std::string name;
  uint32_t key_id = 0;
  Ed25519PublicKey key;
};

// A key that signs. `key_id` is always NoteKeyId(name, key.public_key())
// for signers made by this file.
struct NoteSigner {
  std::string name;
  uint32_t key_id = 0;
  Ed25519PrivateKey key;
};

// Names `key`. InvalidArgument when the name is not a valid key name
// (see IsValidKeyName) or `key` is empty.
absl::StatusOr<NoteSigner> MakeNoteSigner(std::string_view name,
                                          const Ed25519PrivateKey& key);

// The verifier matching `signer`.
NoteVerifier VerifierOf(const NoteSigner& signer);

// "<name>+<8 hex id>+<base64(0x01 ‖ pub32)>", e.g.
// "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW".
std::string FormatVkey(const NoteVerifier& verifier);

// Inverse of FormatVkey (the hex id may be upper or lower case).
// InvalidArgument, naming the part, when the text is malformed, the key is
// not an Ed25519 (type 0x01) key, or the id does not match name and key.
absl::StatusOr<NoteVerifier> ParseVkey(std::string_view vkey);

// "PRIVATE+KEY+<name>+<8 hex id>+<base64(0x01 ‖ seed32)>". Secret.
std::string FormatSkey(const NoteSigner& signer);

// Inverse of FormatSkey, with the same checks as ParseVkey.
absl::StatusOr<NoteSigner> ParseSkey(std::string_view skey);

// One signature line of a note. `signature` holds the decoded bytes after
// the 4-byte key id (64 bytes for Ed25519; other algorithms differ).
struct NoteSignature {
  std::string name;
  uint32_t key_id = 0;
  std::string signature;
};

// A parsed note: the signed text (including its final newline, excluding
// the blank separator line) and its signature lines in order.
struct Note {
  std::string text;
  std::vector<NoteSignature> signatures;
};

// Splits `note` into text and signature lines without checking any
// signature. InvalidArgument, naming the line, when the note is larger than
// kMaxNoteSize, is not valid UTF-8, contains an ASCII control character
// other than newline, has no blank line, does not end in a newline, or when
// a line after the last blank line is not a signature line (bad prefix,
// invalid key name, non-canonical base64, fewer than 5 decoded bytes), or
// there are more than kMaxNoteSignatures lines. The text is everything up
// to the LAST blank line, so text lines that start with "— " are text.
absl::StatusOr<Note> ParseNote(std::string_view note);

// Signs `text` with every signer, in order. `text` must be non-empty, end
// in a newline, and be valid UTF-8 without control characters other than
// newline. InvalidArgument when the text is not acceptable, `signers` is
// empty or holds null, a signer's name is invalid, its key is empty or its
// key_id does not match name and key, or the note would exceed the limits.
absl::StatusOr<std::string> SignNote(
    std::string_view text, const std::vector<const NoteSigner*>& signers);

// Looks up a verifier by (name, key id); returns nullptr when unknown. The
// returned pointer must stay valid until OpenNote returns.
using NoteVerifierLookup =
    std::function<const NoteVerifier*(std::string_view name, uint32_t key_id)>;

// A note whose signatures were checked: the text, and the signatures by
// known keys that verified, in note order (each key at most once).
struct OpenedNote {
  std::string text;
  std::vector<NoteSignature> verified;
};

// Parses `note` and verifies every signature line whose (name, id) the
// lookup knows; lines by unknown keys are ignored.
// OK: at least one known key's signature verified and none failed.
// InvalidArgument: malformed note (see ParseNote).
// Unauthenticated: a known key's signature does not verify ("signature by
// <name>+<id> does not verify"), or no line is by a known key ("note is not
// signed by any known key; signed by: <name>+<id>, ...").
// Internal: the lookup returned a verifier with another name or id.
absl::StatusOr<OpenedNote> OpenNote(std::string_view note,
                                    const NoteVerifierLookup& lookup);

// As above, with the known keys given as a list.
absl::StatusOr<OpenedNote> OpenNote(std::string_view note,
                                    const std::vector<NoteVerifier>& known);

}  // namespace ocoptrace

#endif  // OCOPTRACE_CORE_SIGNED_NOTE_H_
