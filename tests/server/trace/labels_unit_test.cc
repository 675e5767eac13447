// The label building blocks of server/trace/labels.h: the serial packing
// of labels.issued bodies, the label key layouts, PINs and their HMACs,
// BlockRandom and ParallelFor.
#include <algorithm>
#include <string>
#include <vector>

#include "core/random.h"
#include "core/sha256.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/storage/keys.h"
#include "server/trace/labels.h"

namespace ocoptrace::trace {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(LabelSerialPackingTest, SevenBigEndianBytesOfTheFiftyBitValue) {
  std::string packed;
  AppendPackedSerial("0123456789", packed);
  AppendPackedSerial("ZZZZZZZZZZ", packed);
  AppendPackedSerial("0000000000", packed);
  EXPECT_EQ(packed, std::string("\x00\x01\x10\xC8\x53\x1D\x09"
                                "\x03\xFF\xFF\xFF\xFF\xFF\xFF"
                                "\x00\x00\x00\x00\x00\x00\x00",
                                21));
  auto serials = UnpackSerials(packed);
  ASSERT_TRUE(serials.ok()) << serials.status();
  EXPECT_THAT(*serials, ElementsAre("0123456789", "ZZZZZZZZZZ", "0000000000"));
  EXPECT_THAT(std::string(UnpackSerials(packed.substr(1)).status().message()),
              HasSubstr("multiple of 7"));
  EXPECT_THAT(
      std::string(
          UnpackSerials(std::string("\x04\0\0\0\0\0\0", 7)).status().message()),
      HasSubstr("more than 50 bits"));
  EXPECT_EQ(SerialValue("0000000011"), 33u);
  EXPECT_FALSE(SerialValue("000000001I").has_value());
  EXPECT_EQ(LabelsIssuedBodyLimit(100000), 704096u);
}

TEST(LabelSerialPackingTest, LabelKeysSortByGtinThenSerial) {
  const std::string key = storage::LabelKey("08934563123451", "0123456789");
  EXPECT_EQ(key, std::string("08934563123451\0"
                             "0123456789",
                             25));
  auto parts = storage::ParseLabelKey(key);
  ASSERT_TRUE(parts.ok()) << parts.status();
  EXPECT_EQ(parts->gtin14, "08934563123451");
  EXPECT_EQ(parts->serial, "0123456789");
  EXPECT_TRUE(key.starts_with(storage::LabelPrefix("08934563123451")));
  EXPECT_FALSE(storage::ParseLabelKey("08934563123451").ok());
  EXPECT_EQ(storage::PinSecretKey("1", "2"), std::string("pin/1\0"
                                                         "2",
                                                         7));
}

TEST(LabelIssuingHelpersTest, BlockRandomKeepsTheStreamAndParallelForAll) {
  SeededRandom direct(5);
  SeededRandom source(5);
  BlockRandom blocks(source, 10);
  for (size_t n : {1, 7, 3, 25, 9}) {
    std::string a(n, '\0');
    std::string b(n, '\0');
    direct.Fill(reinterpret_cast<uint8_t*>(a.data()), n);
    blocks.Fill(reinterpret_cast<uint8_t*>(b.data()), n);
    EXPECT_EQ(a, b) << n;
  }
  std::vector<int> seen(1000, 0);
  ASSERT_TRUE(ParallelFor(seen.size(), 4, [&](size_t begin, size_t end) {
                for (size_t i = begin; i < end; ++i) ++seen[i];
                return absl::OkStatus();
              }).ok());
  EXPECT_EQ(std::count(seen.begin(), seen.end(), 1), 1000);
  EXPECT_EQ(ParallelFor(1000, 4,
                        [](size_t begin, size_t) {
                          return begin == 0 ? absl::OkStatus()
                                            : absl::InternalError("range");
                        })
                .code(),
            absl::StatusCode::kInternal);
}

TEST(LabelPinTest, PinsAreDigitsAndHmacsBindTheLabel) {
  SeededRandom random(1);
  for (int digits : {8, 9, 10}) {
    const std::string pin = GeneratePin(random, digits);
    EXPECT_EQ(pin.size(), static_cast<size_t>(digits));
    EXPECT_TRUE(IsWellFormedPin(pin)) << pin;
  }
  EXPECT_FALSE(IsWellFormedPin("1234567"));
  EXPECT_FALSE(IsWellFormedPin("12345678a"));
  const std::string mac =
      PinHmac("k", "08934563123451", "0123456789", "12345678");
  EXPECT_EQ(mac.size(), 32u);
  // As Python's hmac.new(b"k", b"ocoptrace/pin/v1\n08934563123451/"
  // b"0123456789\n12345678", hashlib.sha256) computes it.
  EXPECT_EQ(HashToHex(*HashFromBytes(mac)),
            "b0fa6961856a0466b29ba68ddd741ad2f5fc9e510b8157da0dec16a51448d066");
  EXPECT_EQ(PinHasher("k").Hmac("08934563123451", "0123456789", "12345678"),
            mac);
  EXPECT_NE(mac, PinHmac("k", "08934563123451", "0123456788", "12345678"));
  EXPECT_NE(mac, PinHmac("k2", "08934563123451", "0123456789", "12345678"));
  EXPECT_TRUE(SameHmac(mac, mac));
  EXPECT_FALSE(SameHmac(mac, mac.substr(1)));
}

}  // namespace
}  // namespace ocoptrace::trace
