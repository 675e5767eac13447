// RFC 3339 timestamps with offsets and plain dates: round trips and the
// strict rejections.

#include "core/timestamp.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace ocoptrace {
namespace {

using ::testing::HasSubstr;

// 2024-03-22T01:00:00Z.
constexpr int64_t kMorning = 1711069200;

TEST(Timestamp, FormatsWithTheOffset) {
  EXPECT_EQ(FormatRfc3339({kMorning, 7 * 60}), "2024-03-22T08:00:00+07:00");
  EXPECT_EQ(FormatRfc3339({kMorning, 0}), "2024-03-22T01:00:00+00:00");
  EXPECT_EQ(FormatRfc3339({kMorning, -(3 * 60 + 30)}),
            "2024-03-21T21:30:00-03:30");
  EXPECT_EQ(FormatRfc3339({0, 0}), "1970-01-01T00:00:00+00:00");
  EXPECT_EQ(FormatRfc3339({-1, 0}), "1969-12-31T23:59:59+00:00");
  EXPECT_EQ(FormatRfc3339({kMorning + 59, 5 * 60 + 45}),
            "2024-03-22T06:45:59+05:45");
}

TEST(Timestamp, ParsesWhatItFormats) {
  const Timestamp kCases[] = {
      {kMorning, 420},
      {kMorning, 0},
      {kMorning, -210},
      {0, 0},
      {-1, 0},
      {951782400, 420},  // 2000-02-29
      {253402300799, 0},
      {-62167219200, 0},  // 9999 / 0000
      {kMorning, 23 * 60 + 59},
      {kMorning, -(23 * 60 + 59)},
  };
  for (const Timestamp& t : kCases) {
    std::string text = FormatRfc3339(t);
    SCOPED_TRACE(text);
    EXPECT_TRUE(ValidateTimestamp(t).ok());
    absl::StatusOr<Timestamp> parsed = ParseRfc3339(text);
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    EXPECT_EQ(*parsed, t);
  }
}

TEST(Timestamp, AcceptsZAsUtc) {
  absl::StatusOr<Timestamp> z = ParseRfc3339("2024-03-22T01:00:00Z");
  ASSERT_TRUE(z.ok()) << z.status();
  EXPECT_EQ(*z, (Timestamp{kMorning, 0}));
  EXPECT_EQ(FormatRfc3339(*z), "2024-03-22T01:00:00+00:00");
  // Same instant at different offsets: equal instants, different values.
  absl::StatusOr<Timestamp> hanoi = ParseRfc3339("2024-03-22T08:00:00+07:00");
  ASSERT_TRUE(hanoi.ok());
  EXPECT_EQ(ToAbslTime(*hanoi), ToAbslTime(*z));
  EXPECT_NE(*hanoi, *z);
}

TEST(Timestamp, Rejections) {
  struct Bad {
    const char* text;
    const char* message;
  };
  const Bad kBad[] = {
      {"2024-13-01T00:00:00+07:00", "month 13 is not in 01-12"},
      {"2024-00-10T00:00:00+07:00", "month 00"},
      {"2023-02-29T00:00:00+07:00", "day 29 does not exist in 2023-02"},
      {"2024-04-31T00:00:00+07:00", "day 31 does not exist"},
      {"2024-04-00T00:00:00+07:00", "day 00 does not exist"},
      {"2024-03-22T24:00:00+07:00", "time 24:00 does not exist"},
      {"2024-03-22T23:60:00+07:00", "time 23:60 does not exist"},
      {"2024-03-22T23:59:60+07:00", "leap second"},
      {"2024-03-22T08:00:00", "missing UTC offset"},
      {"2024-03-22T08:00:00.5+07:00", "fractional seconds are not allowed"},
      {"2024-03-22T08:00:00.000Z", "fractional seconds"},
      {"2024-03-22T08:00:00+0700", "±hh:mm"},
      {"2024-03-22T08:00:00+07", "±hh:mm"},
      {"2024-03-22T08:00:00+07:00 ", "±hh:mm"},
      {"2024-03-22T08:00:00+24:00", "at most 23:59"},
      {"2024-03-22T08:00:00+07:60", "at most 23:59"},
      {"2024-03-22T08:00:00-00:00", "-00:00"},
      {"2024-03-22T08:00:00z", "upper-case Z"},
      {"2024-03-22t08:00:00Z", "expected 'T'"},
      {"2024-03-22 08:00:00Z", "expected 'T'"},
      {"2024-3-22T08:00:00Z", "YYYY-MM-DD"},
      {"24-03-22T08:00:00Z", "YYYY-MM-DD"},
      {"2024-03-22T8:00:00Z", "hh:mm:ss"},
      {"", "YYYY-MM-DD"},
  };
  for (const Bad& bad : kBad) {
    SCOPED_TRACE(bad.text);
    absl::StatusOr<Timestamp> t = ParseRfc3339(bad.text);
    ASSERT_FALSE(t.ok());
    EXPECT_EQ(t.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(t.status().message(), HasSubstr(bad.message));
    EXPECT_THAT(t.status().message(), HasSubstr("timestamp"));
  }
}

TEST(Timestamp, Validate) {
  EXPECT_TRUE(ValidateTimestamp({kMorning, 420}).ok());
  EXPECT_THAT(ValidateTimestamp({kMorning, 24 * 60}).message(),
              HasSubstr("UTC offset of 1440 minutes is out of range"));
  EXPECT_FALSE(ValidateTimestamp({253402300800, 0}).ok());  // year 10000
  EXPECT_FALSE(ValidateTimestamp({253402300799, 1}).ok());  // local 10000
  EXPECT_FALSE(ValidateTimestamp({-62167219201, 0}).ok());  // year -1
  EXPECT_FALSE(ValidateTimestamp({INT64_MAX, 0}).ok());
  EXPECT_FALSE(ValidateTimestamp({INT64_MIN, -60}).ok());
}

TEST(Timestamp, AbslConversions) {
  absl::Time t = absl::FromUnixSeconds(kMorning) + absl::Milliseconds(900);
  Timestamp at = TimestampAt(t, 420);
  EXPECT_EQ(at, (Timestamp{kMorning, 420}));  // truncated, not rounded
  EXPECT_EQ(ToAbslTime(at), absl::FromUnixSeconds(kMorning));
  EXPECT_EQ(TimestampAt(absl::FromUnixMillis(-1500), 0).unix_seconds, -2);
}

TEST(Date, FormatAndParse) {
  EXPECT_EQ(FormatDate(absl::CivilDay(2024, 3, 22)), "2024-03-22");
  EXPECT_EQ(FormatDate(absl::CivilDay(987, 1, 2)), "0987-01-02");
  absl::StatusOr<absl::CivilDay> day = ParseDate("2024-02-29");
  ASSERT_TRUE(day.ok()) << day.status();
  EXPECT_EQ(*day, absl::CivilDay(2024, 2, 29));

  EXPECT_THAT(ParseDate("2023-02-29").status().message(),
              HasSubstr("date \"2023-02-29\": day 29 does not exist"));
  EXPECT_THAT(ParseDate("2024-13-01").status().message(),
              HasSubstr("month 13"));
  EXPECT_THAT(ParseDate("2024-03-22T00:00:00Z").status().message(),
              HasSubstr("unexpected characters"));
  EXPECT_THAT(ParseDate("22/03/2024").status().message(),
              HasSubstr("YYYY-MM-DD"));
  EXPECT_FALSE(ParseDate("").ok());
}

}  // namespace
}  // namespace ocoptrace
