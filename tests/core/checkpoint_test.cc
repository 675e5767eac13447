// Checkpoints (C2SP tlog-checkpoint): the published examples in
// tests/data/signed-note/vectors.txt, signing and opening, and rejections.

#include "core/checkpoint.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "core/base64.h"

namespace ocoptrace {
namespace {

using ::testing::HasSubstr;

// Returns the lines of `section` in vectors.txt (without the header).
std::vector<std::string> SectionLines(const std::string& section) {
  std::ifstream in(std::string(OCOPTRACE_TEST_DATA_DIR) +
                   "/signed-note/vectors.txt");
  EXPECT_TRUE(in.good()) << "missing tests/data/signed-note/vectors.txt";
  std::vector<std::string> out;
  bool inside = false;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line[0] == '[') {
      inside = line == "[" + section + "]";
    } else if (inside) {
      out.push_back(line);
    }
  }
  return out;
}

// The note between the BEGIN/END NOTE markers of `section`.
std::string SectionNote(const std::string& section) {
  std::string note;
  bool inside = false;
  for (const std::string& line : SectionLines(section)) {
    if (line == "-----BEGIN NOTE-----") {
      inside = true;
    } else if (line == "-----END NOTE-----") {
      inside = false;
    } else if (inside) {
      absl::StrAppend(&note, line, "\n");
    }
  }
  return note;
}

Hash RootOf(const std::string& label) { return Sha256(label); }

NoteSigner LogKey(const std::string& name) {
  absl::StatusOr<NoteSigner> signer =
      MakeNoteSigner(name, Ed25519PrivateKey::Generate());
  EXPECT_TRUE(signer.ok()) << signer.status();
  return *signer;
}

TEST(Checkpoint, GoSumdbTreeNoteFormatsExactly) {
  std::string expected;
  for (const std::string& line : SectionLines("go-sumdb-tree-note-format")) {
    constexpr char kPrefix[] = "expected text: \"";
    if (absl::StartsWith(line, kPrefix)) {
      std::string quoted = line.substr(sizeof(kPrefix) - 1);
      ASSERT_TRUE(absl::EndsWith(quoted, "\""));
      quoted.pop_back();
      ASSERT_TRUE(absl::CUnescape(quoted, &expected));
    }
  }
  ASSERT_FALSE(expected.empty());
  Checkpoint tree;
  tree.origin = "go.sum database tree";
  tree.size = 123456789012;
  tree.root = Sha256(std::string("\0hello world", 12));  // RFC 6962 leaf hash
  EXPECT_EQ(FormatCheckpointText(tree), expected);
  absl::StatusOr<Checkpoint> parsed = ParseCheckpointText(expected);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(*parsed, tree);
}

TEST(Checkpoint, TlogCheckpointExampleParses) {
  std::string note = SectionNote("c2sp-tlog-checkpoint-example");
  absl::StatusOr<Note> parsed_note = ParseNote(note);
  ASSERT_TRUE(parsed_note.ok()) << parsed_note.status();
  absl::StatusOr<Checkpoint> checkpoint =
      ParseCheckpointText(parsed_note->text);
  ASSERT_TRUE(checkpoint.ok()) << checkpoint.status();
  EXPECT_EQ(checkpoint->origin, "example.com/behind-the-sofa");
  EXPECT_EQ(checkpoint->size, 20852163u);
  EXPECT_EQ(Base64Encode(HashToBytes(checkpoint->root)),
            "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=");
  EXPECT_TRUE(checkpoint->extensions.empty());
  EXPECT_EQ(FormatCheckpointText(*checkpoint), parsed_note->text);

  // No public key is published for it: a key of the same name is another
  // key (another id), so the note is not signed by any known key.
  absl::StatusOr<Checkpoint> opened =
      OpenCheckpoint(note, VerifierOf(LogKey("example.com/behind-the-sofa")));
  EXPECT_EQ(opened.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(opened.status().message(),
              HasSubstr("signed by: example.com/behind-the-sofa+033de0ae"));
}

TEST(Checkpoint, SignAndOpen) {
  NoteSigner log = LogKey("trace.ocop.example/log");
  Checkpoint checkpoint{"trace.ocop.example/log",
                        42,
                        RootOf("root"),
                        {"extension one", "ext two"}};
  absl::StatusOr<std::string> note = SignCheckpoint(checkpoint, log);
  ASSERT_TRUE(note.ok()) << note.status();
  EXPECT_TRUE(absl::StartsWith(
      *note, absl::StrCat("trace.ocop.example/log\n42\n",
                          Base64Encode(HashToBytes(RootOf("root"))),
                          "\nextension one\next two\n\n— "
                          "trace.ocop.example/log ")));
  absl::StatusOr<Checkpoint> opened = OpenCheckpoint(*note, VerifierOf(log));
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(*opened, checkpoint);

  // Another key of the same name does not open it.
  EXPECT_EQ(OpenCheckpoint(*note, VerifierOf(LogKey("trace.ocop.example/log")))
                .status()
                .code(),
            absl::StatusCode::kUnauthenticated);
}

TEST(Checkpoint, OriginMustBeTheLogKeyName) {
  NoteSigner log = LogKey("trace.ocop.example/log");
  Checkpoint other{"other.example/log", 1, RootOf("x"), {}};
  absl::StatusOr<std::string> refused = SignCheckpoint(other, log);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(refused.status().message(),
              HasSubstr("must equal the log key name"));

  // Signed by the log key anyway (by hand): opening still refuses it.
  absl::StatusOr<std::string> note =
      SignNote(FormatCheckpointText(other), {&log});
  ASSERT_TRUE(note.ok());
  absl::StatusOr<Checkpoint> opened = OpenCheckpoint(*note, VerifierOf(log));
  EXPECT_EQ(opened.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(opened.status().message(),
              HasSubstr("origin \"other.example/log\" is not the log"));
}

TEST(Checkpoint, SignRefusesUnrepresentableCheckpoints) {
  NoteSigner log = LogKey("log");
  EXPECT_FALSE(SignCheckpoint({"log", 1, RootOf("x"), {""}}, log).ok());
  EXPECT_FALSE(SignCheckpoint({"log", 1, RootOf("x"), {"a\nb"}}, log).ok());
}

TEST(Checkpoint, ParseRejections) {
  const std::string root = Base64Encode(HashToBytes(RootOf("r")));
  struct Bad {
    std::string text;
    const char* message;
  };
  const Bad kBad[] = {
      {"log\n5\n" + root, "must end in a newline"},
      {"log\n5\n", "has 2 lines"},
      {"\n5\n" + root + "\n", "line 1 (origin): must not be empty"},
      {"log\n\n" + root + "\n", "line 2 (tree size): must not be empty"},
      {"log\n05\n" + root + "\n", "leading zero"},
      {"log\n+5\n" + root + "\n", "'+' at position 1 is not a decimal digit"},
      {"log\n-1\n" + root + "\n", "not a decimal digit"},
      {"log\n 5\n" + root + "\n", "not a decimal digit"},
      {"log\n18446744073709551616\n" + root + "\n", "does not fit in 64 bits"},
      {"log\n5\nAAAA\n", "line 3 (root hash): root hash must be 32 bytes"},
      {"log\n5\n" + root.substr(1) + "\n", "line 3 (root hash)"},
      {"log\n5\n" + root + "\n\n", "line 4 (extension): must not be empty"},
  };
  for (const Bad& bad : kBad) {
    SCOPED_TRACE(absl::CEscape(bad.text));
    absl::StatusOr<Checkpoint> checkpoint = ParseCheckpointText(bad.text);
    ASSERT_FALSE(checkpoint.ok());
    EXPECT_EQ(checkpoint.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(checkpoint.status().message(), HasSubstr(bad.message));
  }
  absl::StatusOr<Checkpoint> biggest =
      ParseCheckpointText("log\n18446744073709551615\n" + root + "\n");
  ASSERT_TRUE(biggest.ok()) << biggest.status();
  EXPECT_EQ(biggest->size, UINT64_MAX);
  absl::StatusOr<Checkpoint> empty_tree =
      ParseCheckpointText("log\n0\n" + root + "\n");
  ASSERT_TRUE(empty_tree.ok()) << empty_tree.status();
  EXPECT_EQ(empty_tree->size, 0u);
}

TEST(Checkpoint, CanonicalDecimal) {
  EXPECT_EQ(*ParseCanonicalDecimal("0"), 0u);
  EXPECT_EQ(*ParseCanonicalDecimal("20852163"), 20852163u);
  EXPECT_FALSE(ParseCanonicalDecimal("").ok());
  EXPECT_FALSE(ParseCanonicalDecimal("00").ok());
  EXPECT_FALSE(ParseCanonicalDecimal("1e3").ok());
  EXPECT_FALSE(ParseCanonicalDecimal("99999999999999999999").ok());
}

}  // namespace
}  // namespace ocoptrace
