// Signed notes and note keys against tests/data/signed-note/vectors.txt
// (C2SP, golang.org/x/mod and transparency-dev vectors), plus the rules
// for unknown keys, bad signatures and malformed notes.

#include "core/signed_note.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "core/base64.h"

namespace ocoptrace {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// One "[section]" of vectors.txt: its "key: value" lines, its other lines,
// and the notes between BEGIN/END NOTE markers (exact bytes).
struct Section {
  std::map<std::string, std::string> fields;
  std::vector<std::string> lines;
  std::vector<std::string> notes;
};

std::map<std::string, Section> LoadVectors() {
  std::ifstream in(std::string(OCOPTRACE_TEST_DATA_DIR) +
                   "/signed-note/vectors.txt");
  EXPECT_TRUE(in.good()) << "missing tests/data/signed-note/vectors.txt";
  std::map<std::string, Section> out;
  Section* section = nullptr;
  std::string* note = nullptr;
  std::string line;
  while (std::getline(in, line)) {
    if (note != nullptr) {
      if (line == "-----END NOTE-----") {
        note = nullptr;
      } else {
        absl::StrAppend(note, line, "\n");
      }
    } else if (line == "-----BEGIN NOTE-----" && section != nullptr) {
      section->notes.emplace_back();
      note = &section->notes.back();
    } else if (!line.empty() && line[0] == '[') {
      section = &out[line.substr(1, line.size() - 2)];
    } else if (section != nullptr && !line.empty() && line[0] != '#') {
      section->lines.push_back(line);
      size_t colon = line.find(": ");
      if (colon != std::string::npos) {
        section->fields[line.substr(0, colon)] = line.substr(colon + 2);
      }
    }
  }
  return out;
}

std::string Hex(std::string_view bytes) {
  return absl::BytesToHexString(absl::string_view(bytes.data(), bytes.size()));
}

class SignedNoteVectors : public ::testing::Test {
 protected:
  void SetUp() override {
    vectors_ = LoadVectors();
    ASSERT_EQ(vectors_["c2sp-signed-note-example"].notes.size(), 1u);
    ASSERT_EQ(vectors_["go-x-mod-sumdb-note-example"].notes.size(), 1u);
  }
  const Section& c2sp() { return vectors_["c2sp-signed-note-example"]; }
  const Section& go() { return vectors_["go-x-mod-sumdb-note-example"]; }
  NoteSigner PeterNeumann() {
    absl::StatusOr<NoteSigner> signer = ParseSkey(go().fields.at("skey"));
    EXPECT_TRUE(signer.ok()) << signer.status();
    return *signer;
  }

  std::map<std::string, Section> vectors_;
};

TEST_F(SignedNoteVectors, EveryNoteVerifiesWithItsVkey) {
  for (const Section* section : {&c2sp(), &go()}) {
    absl::StatusOr<NoteVerifier> verifier =
        ParseVkey(section->fields.at("vkey"));
    ASSERT_TRUE(verifier.ok()) << verifier.status();
    EXPECT_EQ(Hex(verifier->key.bytes()),
              section->fields.at("public key (hex)"));
    absl::StatusOr<OpenedNote> opened =
        OpenNote(section->notes[0], {*verifier});
    ASSERT_TRUE(opened.ok()) << opened.status();
    ASSERT_EQ(opened->verified.size(), 1u);
    EXPECT_EQ(opened->verified[0].name, verifier->name);
    EXPECT_EQ(opened->verified[0].key_id, verifier->key_id);
    EXPECT_EQ(opened->verified[0].signature.size(), 64u);
  }
  absl::StatusOr<OpenedNote> example =
      OpenNote(c2sp().notes[0], {*ParseVkey(c2sp().fields.at("vkey"))});
  ASSERT_TRUE(example.ok());
  EXPECT_EQ(example->text, "This is an example message.\n");
}

TEST_F(SignedNoteVectors, KeyIdsRecompute) {
  NoteVerifier example = *ParseVkey(c2sp().fields.at("vkey"));
  EXPECT_EQ(example.name, "example.com/foo");
  EXPECT_EQ(example.key_id, 0x530d903au);
  EXPECT_EQ(NoteKeyId("example.com/foo", example.key), 0x530d903au);
  EXPECT_EQ(FormatKeyId(example.key_id), "530d903a");
  EXPECT_EQ(FormatVkey(example), c2sp().fields.at("vkey"));

  NoteVerifier peter = *ParseVkey(go().fields.at("vkey"));
  EXPECT_EQ(NoteKeyId("PeterNeumann", peter.key), 0xc74f20a3u);
  // The id depends on the name: another name gives another id.
  EXPECT_NE(NoteKeyId("PeterNeumann2", peter.key), 0xc74f20a3u);
}

TEST_F(SignedNoteVectors, PeterNeumannSkeyReproducesTheSignatureLine) {
  NoteSigner signer = PeterNeumann();
  EXPECT_EQ(signer.name, "PeterNeumann");
  EXPECT_EQ(signer.key_id, 0xc74f20a3u);
  EXPECT_EQ(Hex(signer.key.seed()), go().fields.at("seed (hex)"));
  EXPECT_EQ(Hex(signer.key.public_key().bytes()),
            go().fields.at("public key (hex)"));
  EXPECT_EQ(FormatSkey(signer), go().fields.at("skey"));
  EXPECT_EQ(FormatVkey(VerifierOf(signer)), go().fields.at("vkey"));

  absl::StatusOr<Note> note = ParseNote(go().notes[0]);
  ASSERT_TRUE(note.ok()) << note.status();
  absl::StatusOr<std::string> signed_note = SignNote(note->text, {&signer});
  ASSERT_TRUE(signed_note.ok()) << signed_note.status();
  EXPECT_EQ(*signed_note, go().notes[0]);
}

TEST_F(SignedNoteVectors, TransparencyDevSkeysDeriveTheirVkeys) {
  const Section& keys = vectors_["transparency-dev-formats-test-keys"];
  int checked = 0;
  for (const std::string& line : keys.lines) {
    size_t open = line.find("(skey ");
    if (open == std::string::npos) continue;
    std::string vkey = line.substr(0, line.find(' '));
    std::string skey = line.substr(open + 6, line.rfind(')') - open - 6);
    SCOPED_TRACE(vkey);
    absl::StatusOr<NoteSigner> signer = ParseSkey(skey);
    ASSERT_TRUE(signer.ok()) << signer.status();
    absl::StatusOr<NoteVerifier> verifier = ParseVkey(vkey);
    ASSERT_TRUE(verifier.ok()) << verifier.status();
    EXPECT_EQ(signer->key.public_key().bytes(), verifier->key.bytes());
    EXPECT_EQ(NoteKeyId(verifier->name, verifier->key), verifier->key_id);
    EXPECT_EQ(FormatVkey(VerifierOf(*signer)), vkey);
    EXPECT_EQ(FormatSkey(*signer), skey);
    ++checked;
  }
  EXPECT_EQ(checked, 2);
}

TEST_F(SignedNoteVectors, CheckpointExampleParsesAsANote) {
  const Section& checkpoint = vectors_["c2sp-tlog-checkpoint-example"];
  ASSERT_EQ(checkpoint.notes.size(), 1u);
  absl::StatusOr<Note> note = ParseNote(checkpoint.notes[0]);
  ASSERT_TRUE(note.ok()) << note.status();
  EXPECT_EQ(note->text,
            "example.com/behind-the-sofa\n20852163\n"
            "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n");
  ASSERT_EQ(note->signatures.size(), 1u);
  EXPECT_EQ(note->signatures[0].name, "example.com/behind-the-sofa");
  EXPECT_EQ(FormatKeyId(note->signatures[0].key_id), "033de0ae");
}

TEST_F(SignedNoteVectors, UnknownKeyLinesAreIgnored) {
  NoteSigner peter = PeterNeumann();
  NoteSigner stranger =
      *MakeNoteSigner("stranger.example", Ed25519PrivateKey::Generate());
  // Same name as a known key but another key (so another id): unknown too.
  NoteSigner impostor =
      *MakeNoteSigner("PeterNeumann", Ed25519PrivateKey::Generate());
  absl::StatusOr<std::string> note =
      SignNote("hello\n", {&stranger, &impostor, &peter});
  ASSERT_TRUE(note.ok()) << note.status();
  absl::StatusOr<OpenedNote> opened = OpenNote(*note, {VerifierOf(peter)});
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(opened->text, "hello\n");
  ASSERT_EQ(opened->verified.size(), 1u);
  EXPECT_EQ(opened->verified[0].key_id, 0xc74f20a3u);

  absl::StatusOr<OpenedNote> none = OpenNote(
      *note,
      {VerifierOf(*MakeNoteSigner("other", Ed25519PrivateKey::Generate()))});
  EXPECT_EQ(none.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(none.status().message(),
              HasSubstr("not signed by any known key; signed by: "
                        "stranger.example+"));
  EXPECT_THAT(none.status().message(), HasSubstr("PeterNeumann+c74f20a3"));
}

TEST_F(SignedNoteVectors, KnownKeyWithBadSignatureIsUnauthenticated) {
  std::string note = go().notes[0];
  // Change one signature byte and re-encode, keeping the base64 canonical.
  size_t start =
      note.find("— PeterNeumann ") + std::string("— PeterNeumann ").size();
  size_t end = note.find('\n', start);
  std::string bytes = *Base64Decode(note.substr(start, end - start));
  bytes[20] ^= 0x40;
  note.replace(start, end - start, Base64Encode(bytes));
  ASSERT_TRUE(ParseNote(note).ok());
  absl::StatusOr<OpenedNote> opened =
      OpenNote(note, {*ParseVkey(go().fields.at("vkey"))});
  EXPECT_EQ(opened.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(opened.status().message(),
            "signature by PeterNeumann+c74f20a3 does not verify");

  // A valid signature over different text fails the same way.
  std::string edited =
      absl::StrReplaceAll(go().notes[0], {{"answer", "Answer"}});
  EXPECT_EQ(
      OpenNote(edited, {*ParseVkey(go().fields.at("vkey"))}).status().code(),
      absl::StatusCode::kUnauthenticated);
}

TEST_F(SignedNoteVectors, LookupFunctionIsConsulted) {
  NoteVerifier peter = *ParseVkey(go().fields.at("vkey"));
  std::vector<std::string> asked;
  absl::StatusOr<OpenedNote> opened =
      OpenNote(go().notes[0], [&](std::string_view name, uint32_t key_id) {
        asked.push_back(
            absl::StrCat(std::string(name), "+", FormatKeyId(key_id)));
        return name == "PeterNeumann" ? &peter : nullptr;
      });
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_THAT(asked, ElementsAre("PeterNeumann+c74f20a3"));
}

TEST(SignedNote, MultipleSignersInOrder) {
  NoteSigner a =
      *MakeNoteSigner("a.example/log", Ed25519PrivateKey::Generate());
  NoteSigner b =
      *MakeNoteSigner("b.example/witness", Ed25519PrivateKey::Generate());
  absl::StatusOr<std::string> note =
      SignNote("line one\n\nline three\n", {&a, &b});
  ASSERT_TRUE(note.ok()) << note.status();
  absl::StatusOr<OpenedNote> opened =
      OpenNote(*note, {VerifierOf(b), VerifierOf(a)});
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(opened->text, "line one\n\nline three\n");
  ASSERT_EQ(opened->verified.size(), 2u);
  EXPECT_EQ(opened->verified[0].name, "a.example/log");
  EXPECT_EQ(opened->verified[1].name, "b.example/witness");
}

TEST(SignedNote, EmDashLinesInTheTextAreText) {
  // The text ends at the LAST blank line, so a text line that looks like a
  // signature line is still text and is covered by the signature.
  NoteSigner signer =
      *MakeNoteSigner("example.com/log", Ed25519PrivateKey::Generate());
  const std::string text = "header\n\n— fake.example AAAAAAAA\n";
  absl::StatusOr<std::string> note = SignNote(text, {&signer});
  ASSERT_TRUE(note.ok()) << note.status();
  absl::StatusOr<Note> parsed = ParseNote(*note);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->text, text);
  ASSERT_EQ(parsed->signatures.size(), 1u);
  EXPECT_EQ(parsed->signatures[0].name, "example.com/log");
  EXPECT_TRUE(OpenNote(*note, {VerifierOf(signer)}).ok());

  // But a signature line directly after text (no blank line) makes the
  // note malformed, and so does text after the last blank line.
  EXPECT_EQ(ParseNote("header\n— example.com/log AAAAAAAA\n").status().code(),
            absl::StatusCode::kInvalidArgument);
  absl::StatusOr<Note> trailing_text =
      ParseNote("header\n\n— example.com/log AAAAAAAA\nmore text\n");
  EXPECT_EQ(trailing_text.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(trailing_text.status().message(), HasSubstr("line 4"));
}

TEST(SignedNote, MalformedNotesAreInvalidArgument) {
  const std::string sig = "— k AAAAAAAA\n";  // 6 bytes: id + 2 signature bytes
  ASSERT_TRUE(ParseNote("text\n\n" + sig).ok());
  struct Bad {
    std::string note;
    const char* message;
  };
  const Bad kBad[] = {
      {"text\n" + sig, "no blank line"},
      {"text\n\n— k AAAAAAAA", "does not end in a newline"},
      {"text\n\n", "no signature lines"},
      {"text\n\n" + sig + "\n", "no signature lines"},
      {"text\n\n— k AAAAAAB=\n", "non-zero unused bits"},
      {"text\n\n— k AAAA*AAA\n", "'*' at position 4"},
      {"text\n\n— k AAAAAA==\n", "4 bytes; expected a 4-byte key id"},
      {"text\n\n— k\n", "expected \"— <key name> <base64 signature>\""},
      {"text\n\n— k \n", "is 0 bytes"},
      {"text\n\n—  AAAAAAAA\n", "key name \"\" is not valid"},
      {"text\n\n- k AAAAAAAA\n", "must start with an em dash"},
      {"text\n\n—k AAAAAAAA\n", "must start with an em dash"},
      {"te\txt\n\n" + sig, "control character 0x09"},
      {"text\r\n\n" + sig, "control character 0x0d"},
      {"t\xff\n\n" + sig, "invalid UTF-8"},
      {"t\xc0\xaf\n\n" + sig, "invalid UTF-8"},  // overlong '/'
  };
  for (const Bad& bad : kBad) {
    SCOPED_TRACE(absl::CEscape(bad.note));
    absl::StatusOr<Note> note = ParseNote(bad.note);
    ASSERT_FALSE(note.ok());
    EXPECT_EQ(note.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(note.status().message(), HasSubstr(bad.message));
    EXPECT_EQ(OpenNote(bad.note, std::vector<NoteVerifier>{}).status().code(),
              absl::StatusCode::kInvalidArgument);
  }
}

TEST(SignedNote, Limits) {
  std::string sigs;
  for (size_t i = 0; i < kMaxNoteSignatures; ++i) sigs += "— k AAAAAAAA\n";
  EXPECT_TRUE(ParseNote("text\n\n" + sigs).ok());
  absl::StatusOr<Note> too_many =
      ParseNote("text\n\n" + sigs + "— k AAAAAAAA\n");
  EXPECT_EQ(too_many.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(too_many.status().message(), HasSubstr("more than 100"));

  std::string big(kMaxNoteSize, 'a');
  absl::StatusOr<Note> too_big = ParseNote(big + "\n\n— k AAAAAAAA\n");
  EXPECT_THAT(too_big.status().message(), HasSubstr("exceeds the limit"));
}

TEST(SignedNote, SignNoteRejections) {
  NoteSigner signer =
      *MakeNoteSigner("example.com/log", Ed25519PrivateKey::Generate());
  EXPECT_THAT(SignNote("no newline", {&signer}).status().message(),
              HasSubstr("end in a newline"));
  EXPECT_THAT(SignNote("", {&signer}).status().message(),
              HasSubstr("end in a newline"));
  EXPECT_THAT(SignNote("tab\there\n", {&signer}).status().message(),
              HasSubstr("control character 0x09"));
  EXPECT_THAT(SignNote("ok\n", {}).status().message(),
              HasSubstr("at least one signer"));
  EXPECT_THAT(SignNote("ok\n", {nullptr}).status().message(),
              HasSubstr("signer 0 is null"));
  NoteSigner wrong_id = signer;
  wrong_id.key_id ^= 1;
  EXPECT_THAT(SignNote("ok\n", {&wrong_id}).status().message(),
              HasSubstr("does not match the key"));
  NoteSigner no_key{"example.com/log", 0, Ed25519PrivateKey()};
  EXPECT_THAT(SignNote("ok\n", {&no_key}).status().message(),
              HasSubstr("has no key"));
  // Unicode text is fine.
  EXPECT_TRUE(SignNote("Mật ong bạc hà Bắc Kạn\n", {&signer}).ok());
}

TEST(SignedNote, KeyNames) {
  EXPECT_TRUE(IsValidKeyName("example.com/foo"));
  EXPECT_TRUE(IsValidKeyName("bac-kan.ocop.vn/log"));
  EXPECT_TRUE(IsValidKeyName("hợp-tác-xã"));
  EXPECT_FALSE(IsValidKeyName(""));
  EXPECT_FALSE(IsValidKeyName("a b"));
  EXPECT_FALSE(IsValidKeyName("a+b"));
  EXPECT_FALSE(IsValidKeyName("a\tb"));
  EXPECT_FALSE(
      IsValidKeyName("a\xc2\xa0"
                     "b"));  // U+00A0 no-break space
  EXPECT_FALSE(
      IsValidKeyName("a\xe3\x80\x80"
                     "b"));  // U+3000 ideographic
  EXPECT_FALSE(IsValidKeyName("a\xff"));
  EXPECT_EQ(
      MakeNoteSigner("a b", Ed25519PrivateKey::Generate()).status().code(),
      absl::StatusCode::kInvalidArgument);
}

TEST(SignedNote, VkeyAndSkeyRejections) {
  struct Bad {
    const char* text;
    const char* message;
  };
  const Bad kVkeys[] = {
      {"PeterNeumann", "expected <name>+<8 hex digit key id>+<base64 key>"},
      {"PeterNeumann+c74f20a3", "expected <name>"},
      {"+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
       "key name \"\" is not valid"},
      {"PeterNeumann+c74f20a+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
       "exactly 8 hex digits"},
      {"PeterNeumann+c74f20ag+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
       "exactly 8 hex digits"},
      {"PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
       "key id c74f20a4 does not match name \"PeterNeumann\""},
      {"PeterNeuman+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
       "does not match"},
      {"PeterNeumann+c74f20a3+AhpcQA==", "signature type 0x01 (Ed25519)"},
      {"PeterNeumann+c74f20a3+ARpc", "must be 33 bytes"},
      {"PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10T",
       "not a multiple of 4"},
  };
  for (const Bad& bad : kVkeys) {
    SCOPED_TRACE(bad.text);
    absl::StatusOr<NoteVerifier> v = ParseVkey(bad.text);
    ASSERT_FALSE(v.ok());
    EXPECT_EQ(v.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(v.status().message(), HasSubstr(bad.message));
  }
  // Upper-case hex is accepted; it formats back in lower case.
  absl::StatusOr<NoteVerifier> upper = ParseVkey(
      "PeterNeumann+C74F20A3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW");
  ASSERT_TRUE(upper.ok()) << upper.status();
  EXPECT_EQ(
      FormatVkey(*upper),
      "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW");

  EXPECT_THAT(
      ParseSkey(
          "PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz")
          .status()
          .message(),
      HasSubstr("must start with \"PRIVATE+KEY+\""));
  EXPECT_THAT(ParseSkey("PRIVATE+KEY+PeterNeumann+c74f20a4+"
                        "AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz")
                  .status()
                  .message(),
              HasSubstr("skey: key id c74f20a4 does not match"));
  // A vkey is not an skey: the public key bytes give another id.
  EXPECT_FALSE(ParseSkey("PRIVATE+KEY+PeterNeumann+c74f20a3+"
                         "ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")
                   .ok());
}

}  // namespace
}  // namespace ocoptrace
