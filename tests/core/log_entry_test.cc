// Log entries ("ocoptrace/entry/v1"): exact text, golden signed entries
// produced independently (Python 'cryptography', see docs/formats.md), the
// hash chain, and the strict parser's rejections.

#include "core/log_entry.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "core/base64.h"

namespace ocoptrace {
namespace {

using ::testing::HasSubstr;

// The key of the golden entries: seed = SHA-256("ocoptrace test producer
// key"), name "producer.example/htx-1".
constexpr char kGoldenVkey[] =
    "producer.example/htx-1+c122f8b0+"
    "AZkMrfhq4WjXb1Nrknbc09Sa7NeYBHeE0iWxbKW/QXnt";
constexpr char kGoldenSkey[] =
    "PRIVATE+KEY+producer.example/htx-1+c122f8b0+"
    "AdmMYgjNxbWY8yR5cOfz92LhJ67XHf3qs6AaiCDbVug/";

constexpr char kGoldenEntry0[] =
    "ocoptrace/entry/v1\n"
    "kind batch.created\n"
    "subject batch/08934563123451/LOT1\n"
    "seq 0\n"
    "prev AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n"
    "time 2024-03-22T08:00:00+07:00\n"
    "body 47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n"
    "\n"
    "— producer.example/htx-1 wSL4sB7xxvwt7ucf3AALQGgy6vnRQbcZ+vmy469+L2QHscaZ"
    "ujVAIThTyq091zFC5XL2xArZYI3Fo2X7eZ2pD2G3JQg=\n";

constexpr char kGoldenEntry1[] =
    "ocoptrace/entry/v1\n"
    "kind event.shipping\n"
    "subject batch/08934563123451/LOT1\n"
    "seq 1\n"
    "prev bux2GKo69a+EoBY+e2KsH1vrWrPt7rBMaud98VuJwME=\n"
    "time 2024-03-23T14:30:05+07:00\n"
    "body PHMp81qYDOte1q2VcuMjwuKC4pTDx9ZqT/DPol3FmDc=\n"
    "\n"
    "— producer.example/htx-1 wSL4sD1j/U3WtFE/NAQslWEiamcFoGUabMqeYHuARGQVzWTq"
    "kLZpy34fY1vAfzZDMhvDyhLcij5ko7lUSoWUgY/63gU=\n";

EntryHeader Header0() {
  EntryHeader h;
  h.kind = "batch.created";
  h.subject = "batch/08934563123451/LOT1";
  h.seq = 0;
  h.time = Timestamp{1711069200, 420};  // 2024-03-22T08:00:00+07:00
  h.body_hash = Sha256("");
  return h;
}

EntryHeader Header1() {
  EntryHeader h;
  h.kind = "event.shipping";
  h.subject = "batch/08934563123451/LOT1";
  h.seq = 1;
  h.prev = EntryHash(kGoldenEntry0);
  h.time = Timestamp{1711179005, 420};  // 2024-03-23T14:30:05+07:00
  h.body_hash = Sha256("shipped to Ha Noi");
  return h;
}

std::string TextOf(const std::string& entry) {
  return entry.substr(0, entry.find("\n\n") + 1);
}

TEST(LogEntry, FormatsExactly) {
  EXPECT_EQ(FormatEntryText(Header0()), TextOf(kGoldenEntry0));
  EXPECT_EQ(FormatEntryText(Header1()), TextOf(kGoldenEntry1));
}

TEST(LogEntry, SignReproducesTheGoldenEntries) {
  absl::StatusOr<NoteSigner> signer = ParseSkey(kGoldenSkey);
  ASSERT_TRUE(signer.ok()) << signer.status();
  EXPECT_EQ(FormatVkey(VerifierOf(*signer)), kGoldenVkey);
  absl::StatusOr<std::string> entry0 = SignEntry(Header0(), *signer);
  ASSERT_TRUE(entry0.ok()) << entry0.status();
  EXPECT_EQ(*entry0, kGoldenEntry0);
  absl::StatusOr<std::string> entry1 = SignEntry(Header1(), *signer);
  ASSERT_TRUE(entry1.ok()) << entry1.status();
  EXPECT_EQ(*entry1, kGoldenEntry1);
}

TEST(LogEntry, HashChain) {
  EXPECT_EQ(Base64Encode(HashToBytes(EntryHash(kGoldenEntry0))),
            "bux2GKo69a+EoBY+e2KsH1vrWrPt7rBMaud98VuJwME=");
  EXPECT_EQ(HashToHex(EntryHash(kGoldenEntry1)),
            "d88bfb3d2b1b3b4e14aabdee84338d7c0a67e24ff1f884c2aa41c02999a9431f");
}

TEST(LogEntry, ParseEntryAndVerify) {
  absl::StatusOr<ParsedEntry> parsed = ParseEntry(kGoldenEntry1);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->header, Header1());
  EXPECT_EQ(parsed->note.text, TextOf(kGoldenEntry1));
  ASSERT_EQ(parsed->note.signatures.size(), 1u);
  EXPECT_EQ(parsed->note.signatures[0].name, "producer.example/htx-1");
  EXPECT_EQ(parsed->note.signatures[0].key_id, 0xc122f8b0u);
  EXPECT_TRUE(OpenNote(kGoldenEntry1, {*ParseVkey(kGoldenVkey)}).ok());
}

TEST(LogEntry, RoundTrips) {
  for (const EntryHeader& h : {Header0(), Header1()}) {
    absl::StatusOr<EntryHeader> parsed = ParseEntryText(FormatEntryText(h));
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    EXPECT_EQ(*parsed, h);
  }
  EntryHeader west = Header1();
  west.time = Timestamp{1711179005, -300};
  west.seq = 18446744073709551615u;
  west.subject = std::string(256, '~');
  west.kind = std::string(64, '-');
  std::string text = FormatEntryText(west);
  absl::StatusOr<EntryHeader> parsed = ParseEntryText(text);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(*parsed, west);
  EXPECT_EQ(FormatEntryText(*parsed), text);
}

TEST(LogEntry, NonCanonicalTextIsRejectedNamingTheLine) {
  const std::string good = TextOf(kGoldenEntry1);
  ASSERT_TRUE(ParseEntryText(good).ok());
  auto replace = [&](const std::string& from, const std::string& to) {
    std::string text = good;
    size_t at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    return text.replace(at, from.size(), to);
  };
  const std::string prev = "bux2GKo69a+EoBY+e2KsH1vrWrPt7rBMaud98VuJwME=";
  struct Bad {
    std::string text;
    const char* message;
  };
  const Bad kBad[] = {
      {replace("kind event", "kind  event"),
       "line 2 (kind): kind: character ' ' (space) at position 1"},
      {replace("kind event.shipping", "kind event.shipping "),
       "line 2 (kind): kind: character ' ' (space) at position 15"},
      {replace("kind event.shipping", "kind Event.Shipping"),
       "line 2 (kind): kind: character 'E' at position 1"},
      {replace("kind ", "kind\t"), "line 2: expected \"kind <kind>\""},
      {replace("subject batch", "subject  batch"),
       "line 3 (subject): subject: character ' ' (space) at position 1"},
      {replace("seq 1", "seq 01"),
       "line 4 (seq): number 01 has a leading zero"},
      {replace("seq 1", "seq +1"), "line 4 (seq)"},
      {replace("seq 1", "seq 1 "), "line 4 (seq)"},
      {replace(prev, prev.substr(0, 43)), "line 5 (prev): base64"},
      {replace(prev, prev.substr(0, 42) + "F="), "line 5 (prev)"},
      {replace(prev, "AAAA"), "line 5 (prev): decodes to 3 bytes"},
      {replace(prev, prev.substr(0, 8) + " " + prev.substr(9)),
       "line 5 (prev): base64: ' ' at position 8"},
      {replace("+07:00\n", "Z\n"),
       "line 6 (time): \"2024-03-23T14:30:05Z\" is not in canonical form; "
       "write \"2024-03-23T14:30:05+00:00\""},
      {replace("14:30:05", "14:30:05.0"), "line 6 (time)"},
      {replace("2024-03-23", "2024-02-30"), "line 6 (time)"},
      {replace("body PHMp", "body  PHMp"), "line 7 (body)"},
      {replace("ocoptrace/entry/v1", "ocoptrace/entry/v2"),
       "line 1: expected \"ocoptrace/entry/v1\""},
      {replace("seq 1\n", ""), "has 6 lines; expected 7"},
      {good + "extra line\n", "has 8 lines; expected 7"},
      {good.substr(0, good.size() - 1), "must end in a newline"},
      {absl::StrReplaceAll(good, {{"\n", "\r\n"}}), "line 1: expected"},
  };
  for (const Bad& bad : kBad) {
    SCOPED_TRACE(absl::CEscape(bad.text));
    absl::StatusOr<EntryHeader> h = ParseEntryText(bad.text);
    ASSERT_FALSE(h.ok());
    EXPECT_EQ(h.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(h.status().message(), HasSubstr(bad.message));
  }

  // Wrong order: subject before kind.
  std::string swapped = absl::StrReplaceAll(
      good, {{"kind event.shipping\nsubject batch/08934563123451/LOT1\n",
              "subject batch/08934563123451/LOT1\nkind event.shipping\n"}});
  ASSERT_NE(swapped, good);
  EXPECT_THAT(ParseEntryText(swapped).status().message(),
              HasSubstr("line 2: expected \"kind <kind>\", got \"subject "
                        "batch/08934563123451/LOT1\""));

  // seq 0 must have an all-zero prev.
  std::string first = absl::StrReplaceAll(good, {{"seq 1\n", "seq 0\n"}});
  EXPECT_THAT(ParseEntryText(first).status().message(),
              HasSubstr("line 5 (prev): must be 32 zero bytes"));
}

TEST(LogEntry, Validation) {
  EXPECT_TRUE(ValidateKind("event.shipping").ok());
  EXPECT_TRUE(ValidateKind("labels_issued-2").ok());
  EXPECT_THAT(ValidateKind("").message(), HasSubstr("length 0 is not in 1-64"));
  EXPECT_THAT(ValidateKind(std::string(65, 'a')).message(),
              HasSubstr("length 65"));
  EXPECT_THAT(ValidateKind("event/shipping").message(),
              HasSubstr("character '/' at position 6"));
  EXPECT_TRUE(ValidateSubject("certificate/BK-2024-0012").ok());
  EXPECT_THAT(ValidateSubject("").message(), HasSubstr("length 0"));
  EXPECT_THAT(ValidateSubject(std::string(257, 'a')).message(),
              HasSubstr("length 257"));
  EXPECT_THAT(ValidateSubject("batch/0893/lô 1").message(),
              HasSubstr("byte 0xc3 at position 13"));

  absl::StatusOr<NoteSigner> signer = ParseSkey(kGoldenSkey);
  ASSERT_TRUE(signer.ok());
  EntryHeader bad_kind = Header0();
  bad_kind.kind = "Batch";
  EXPECT_THAT(SignEntry(bad_kind, *signer).status().message(),
              HasSubstr("kind: character 'B'"));
  EntryHeader bad_prev = Header0();
  bad_prev.prev[0] = 1;
  EXPECT_THAT(SignEntry(bad_prev, *signer).status().message(),
              HasSubstr("prev: must be 32 zero bytes for seq 0"));
  EntryHeader bad_time = Header0();
  bad_time.time.utc_offset_minutes = 24 * 60;
  EXPECT_THAT(SignEntry(bad_time, *signer).status().message(),
              HasSubstr("time: timestamp: UTC offset"));
}

TEST(LogEntry, ParseEntryRejections) {
  EXPECT_THAT(ParseEntry(TextOf(kGoldenEntry0)).status().message(),
              HasSubstr("entry: signed note: no blank line"));
  // A valid note whose text is not an entry.
  NoteSigner signer = *ParseSkey(kGoldenSkey);
  std::string note = *SignNote("hello\n", {&signer});
  EXPECT_THAT(ParseEntry(note).status().message(),
              HasSubstr("line 1: expected \"ocoptrace/entry/v1\""));
  std::string huge(kMaxEntrySize + 1, 'a');
  EXPECT_THAT(ParseEntry(huge).status().message(),
              HasSubstr("exceeds the limit of 65535"));
}

}  // namespace
}  // namespace ocoptrace
