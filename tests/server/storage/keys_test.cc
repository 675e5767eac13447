// Tests of server/storage/keys: round trips, byte layouts and the ordering
// properties that scans rely on.

#include "server/storage/keys.h"

#include <cstdint>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace ocoptrace::storage {
namespace {

using ::testing::HasSubstr;

const uint64_t kSampleIntegers[] = {0,
                                    1,
                                    255,
                                    256,
                                    0x0102030405060708ULL,
                                    (1ULL << 32) - 1,
                                    1ULL << 32,
                                    (1ULL << 63),
                                    UINT64_MAX - 1,
                                    UINT64_MAX};

TEST(KeysTest, Uint64IsEightBytesBigEndian) {
  EXPECT_EQ(EncodeUint64(0x0102030405060708ULL),
            std::string("\x01\x02\x03\x04\x05\x06\x07\x08", 8));
  EXPECT_EQ(EncodeUint64(0), std::string(8, '\0'));
  EXPECT_EQ(EncodeUint64(UINT64_MAX), std::string(8, '\xFF'));
  for (uint64_t value : kSampleIntegers) {
    ASSERT_EQ(EncodeUint64(value).size(), 8u);
    EXPECT_EQ(*DecodeUint64(EncodeUint64(value)), value);
  }
}

TEST(KeysTest, DecodeUint64RejectsWrongLengths) {
  for (size_t length : {0, 1, 7, 9, 16}) {
    absl::StatusOr<uint64_t> decoded = DecodeUint64(std::string(length, 'a'));
    EXPECT_EQ(decoded.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(decoded.status().message(), HasSubstr("must be 8"));
  }
}

TEST(KeysTest, IntegerKeysSortNumerically) {
  for (uint64_t i : std::vector<uint64_t>{0, 1, 254, 255, 65535, 1ULL << 40}) {
    EXPECT_LT(EntryKey(i), EntryKey(i + 1)) << i;
    EXPECT_LT(CheckpointKey(i), CheckpointKey(i + 1)) << i;
  }
  for (size_t a = 0; a < std::size(kSampleIntegers); ++a) {
    for (size_t b = 0; b < std::size(kSampleIntegers); ++b) {
      EXPECT_EQ(EntryKey(kSampleIntegers[a]) < EntryKey(kSampleIntegers[b]),
                kSampleIntegers[a] < kSampleIntegers[b]);
    }
  }
}

TEST(KeysTest, EntryAndCheckpointKeysRoundTrip) {
  for (uint64_t value : kSampleIntegers) {
    EXPECT_EQ(*ParseEntryKey(EntryKey(value)), value);
    EXPECT_EQ(*ParseCheckpointKey(CheckpointKey(value)), value);
  }
  absl::StatusOr<uint64_t> bad = ParseEntryKey("short");
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(bad.status().message(), HasSubstr("entry key"));
  bad = ParseCheckpointKey(std::string(9, '\0'));
  EXPECT_THAT(bad.status().message(), HasSubstr("checkpoint key"));
}

TEST(KeysTest, SubjectKeysLayout) {
  EXPECT_EQ(SubjectHeadKey("batch/08935000000014/L1"),
            "batch/08935000000014/L1");
  EXPECT_EQ(SubjectIndexPrefix("a"), std::string("a\0", 2));
  EXPECT_EQ(SubjectIndexKey("a", 0x0102),
            std::string("a\0\0\0\0\0\0\0\x01\x02", 10));
}

TEST(KeysTest, SubjectIndexKeysRoundTrip) {
  for (const std::string& subject : std::vector<std::string>{
           "a", "a/b", "producer/42", "batch/08935000000014/LOT-7",
           std::string("\xFF\x01", 2), std::string("ph\xE1\xBB\x9F", 5)}) {
    for (uint64_t seq : kSampleIntegers) {
      const std::string key = SubjectIndexKey(subject, seq);
      EXPECT_TRUE(key.starts_with(SubjectIndexPrefix(subject)));
      absl::StatusOr<SubjectIndexKeyParts> parts = ParseSubjectIndexKey(key);
      ASSERT_TRUE(parts.ok()) << parts.status();
      EXPECT_EQ(parts->subject, subject);
      EXPECT_EQ(parts->seq, seq);
    }
  }
}

TEST(KeysTest, SubjectIndexKeysSortBySeqWithinSubject) {
  for (uint64_t seq : std::vector<uint64_t>{0, 1, 255, 256, UINT64_MAX - 1}) {
    EXPECT_LT(SubjectIndexKey("product/08935000000014", seq),
              SubjectIndexKey("product/08935000000014", seq + 1));
  }
}

TEST(KeysTest, NoPrefixCollisionBetweenNestedSubjects) {
  const std::string prefix_a = SubjectIndexPrefix("a");
  const std::string prefix_ab = SubjectIndexPrefix("a/b");
  for (uint64_t seq : kSampleIntegers) {
    EXPECT_FALSE(SubjectIndexKey("a/b", seq).starts_with(prefix_a));
    EXPECT_FALSE(SubjectIndexKey("a", seq).starts_with(prefix_ab));
    EXPECT_FALSE(SubjectIndexKey("ab", seq).starts_with(prefix_a));
    // Every key of "a" is inside [prefix_a, PrefixEnd(prefix_a)); none of
    // "a/b" or "ab" is.
    const std::string end_a = PrefixEnd(prefix_a);
    EXPECT_GE(SubjectIndexKey("a", seq), prefix_a);
    EXPECT_LT(SubjectIndexKey("a", seq), end_a);
    EXPECT_GE(SubjectIndexKey("a/b", seq), end_a);
    EXPECT_GE(SubjectIndexKey("ab", seq), end_a);
  }
  // A whole chain of "a" sorts before any key of "a/b".
  EXPECT_LT(SubjectIndexKey("a", UINT64_MAX), SubjectIndexKey("a/b", 0));
}

TEST(KeysTest, ParseSubjectIndexKeyRejectsForeignBytes) {
  for (const std::string& bad : std::vector<std::string>{
           std::string(), std::string("a"), std::string(9, '\0'),
           std::string("a\x01\0\0\0\0\0\0\0\0", 10),
           std::string("\0\0\0\0\0\0\0\0\0\0", 10),
           std::string("a\0b\0\0\0\0\0\0\0\0\x01", 12)}) {
    absl::StatusOr<SubjectIndexKeyParts> parts = ParseSubjectIndexKey(bad);
    EXPECT_EQ(parts.status().code(), absl::StatusCode::kInvalidArgument)
        << testing::PrintToString(bad);
    EXPECT_THAT(parts.status().message(), HasSubstr("subject index key"));
  }
}

TEST(KeysTest, CheckKeySubject) {
  EXPECT_TRUE(CheckKeySubject("certificate/BK-2024-001").ok());
  EXPECT_EQ(CheckKeySubject("").code(), absl::StatusCode::kInvalidArgument);
  absl::Status status = CheckKeySubject(std::string("ab\0c", 4));
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("0x00 at position 2"));
}

TEST(KeysTest, TreeNodeKeys) {
  EXPECT_EQ(TreeNodeKey(3, 5), std::string("\x03\0\0\0\0\0\0\0\x05", 9));
  for (uint8_t level : {0, 1, 7, 63}) {
    for (uint64_t index : kSampleIntegers) {
      absl::StatusOr<TreeNodeKeyParts> parts =
          ParseTreeNodeKey(TreeNodeKey(level, index));
      ASSERT_TRUE(parts.ok()) << parts.status();
      EXPECT_EQ(parts->level, level);
      EXPECT_EQ(parts->index, index);
    }
  }
  // One level's nodes are contiguous and ordered by index.
  EXPECT_LT(TreeNodeKey(0, UINT64_MAX), TreeNodeKey(1, 0));
  EXPECT_LT(TreeNodeKey(2, 9), TreeNodeKey(2, 10));
  EXPECT_EQ(ParseTreeNodeKey("x").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(ParseTreeNodeKey(TreeNodeKey(64, 0)).status().message(),
              HasSubstr("level 64"));
}

TEST(KeysTest, PrefixEnd) {
  EXPECT_EQ(PrefixEnd("abc"), "abd");
  EXPECT_EQ(PrefixEnd(std::string("a\xFF", 2)), "b");
  EXPECT_EQ(PrefixEnd(std::string("a\0", 2)), std::string("a\x01", 2));
  EXPECT_EQ(PrefixEnd(std::string("\xFF\xFF", 2)), "");
  EXPECT_EQ(PrefixEnd(""), "");
}

TEST(KeysTest, MetaKeysAreNamed) { EXPECT_EQ(kMetaTreeSize, "tree_size"); }

// Derived-state keys (builders added by server/trace).

TEST(KeysTest, StateAndKeyRecordKeysRoundTrip) {
  EXPECT_EQ(StateRecordKey("producer/htx-a"), "s/producer/htx-a");
  EXPECT_EQ(*ParseStateRecordKey(StateRecordKey("batch/08934563123451/L1")),
            "batch/08934563123451/L1");
  EXPECT_EQ(KeyRecordKey("htx-a.example/key"), "k/htx-a.example/key");
  EXPECT_EQ(*ParseKeyRecordKey(KeyRecordKey("htx-a.example/key")),
            "htx-a.example/key");
  // One kind of subject is one contiguous prefix range.
  const std::string products = StateRecordKey("product/");
  EXPECT_TRUE(StateRecordKey("product/08934563123451").starts_with(products));
  EXPECT_FALSE(StateRecordKey("producer/htx-a").starts_with(products));
  EXPECT_LT(StateRecordKey("product/08934563123451"), PrefixEnd(products));
  // State records and key records never share a key.
  EXPECT_FALSE(ParseStateRecordKey(KeyRecordKey("x")).ok());
  EXPECT_FALSE(ParseKeyRecordKey(StateRecordKey("x")).ok());
  for (const std::string& bad :
       std::vector<std::string>{"", "s/", "s", std::string("s/a\0b", 5)}) {
    EXPECT_EQ(ParseStateRecordKey(bad).status().code(),
              absl::StatusCode::kInvalidArgument)
        << testing::PrintToString(bad);
  }
}

TEST(KeysTest, IndexKeysRoundTripAndPrefixesDoNotCollide) {
  const std::string key =
      IndexKey(kIndexProducerBatches, {"htx-a", "08934563123451", "L1"});
  EXPECT_EQ(key, std::string("producer-batch\0htx-a\0"
                             "08934563123451\0L1",
                             38));
  absl::StatusOr<IndexKeyParts> parts = ParseIndexKey(key);
  ASSERT_TRUE(parts.ok()) << parts.status();
  EXPECT_EQ(parts->index_name, kIndexProducerBatches);
  EXPECT_EQ(parts->parts,
            (std::vector<std::string>{"htx-a", "08934563123451", "L1"}));

  EXPECT_TRUE(key.starts_with(IndexPrefix(kIndexProducerBatches)));
  EXPECT_TRUE(key.starts_with(IndexPrefix(kIndexProducerBatches, {"htx-a"})));
  // "htx" is a prefix of "htx-a" as text, but not as an index part.
  EXPECT_FALSE(key.starts_with(IndexPrefix(kIndexProducerBatches, {"htx"})));
  // Index names that are prefixes of each other stay apart.
  EXPECT_FALSE(IndexKey(kIndexProducerCertificates, {"x"})
                   .starts_with(IndexPrefix("producer")));

  for (const std::string& bad : std::vector<std::string>{
           "", "no-separator", std::string("\0a", 2), std::string("name\0", 5),
           std::string("name\0a\0\0b", 9)}) {
    EXPECT_EQ(ParseIndexKey(bad).status().code(),
              absl::StatusCode::kInvalidArgument)
        << testing::PrintToString(bad);
  }
}

TEST(KeysTest, PrincipalKeys) {
  const std::string hash(32, '\0');
  EXPECT_EQ(PrincipalTokenKey(hash), "t/" + hash);
  EXPECT_EQ(PrincipalNameKey("inspector-1"), "n/inspector-1");
  EXPECT_EQ(*ParsePrincipalNameKey(PrincipalNameKey("inspector-1")),
            "inspector-1");
  EXPECT_FALSE(ParsePrincipalNameKey(PrincipalTokenKey(hash)).ok());
}

}  // namespace
}  // namespace ocoptrace::storage
