#include "core/sha256.h"

#include <gtest/gtest.h>

namespace ocoptrace {
namespace {

TEST(Sha256, EmptyAndAbc) {
  EXPECT_EQ(HashToHex(Sha256("")),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(HashToHex(Sha256("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Sha256, IncrementalMatchesOneShot) {
  Sha256Hasher hasher;
  hasher.Update("a");
  hasher.Update("bc");
  EXPECT_EQ(hasher.Finish(), Sha256("abc"));
}

TEST(Sha256, HashFromBytesChecksLength) {
  EXPECT_FALSE(HashFromBytes("short").ok());
  auto h = HashFromBytes(HashToBytes(Sha256("x")));
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(*h, Sha256("x"));
}

}  // namespace
}  // namespace ocoptrace
