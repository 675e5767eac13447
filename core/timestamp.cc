#include "core/timestamp.h"

#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace ocoptrace {
namespace {

// 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z.
constexpr int64_t kMinLocalSeconds = -62167219200;
constexpr int64_t kMaxLocalSeconds = 253402300799;
constexpr int32_t kMaxOffsetMinutes = 24 * 60 - 1;

// Reads `count` ASCII digits at text[pos...]; false if any is not a digit.
bool ReadDigits(std::string_view text, size_t pos, size_t count, int* value) {
  if (pos + count > text.size()) return false;
  int result = 0;
  for (size_t i = pos; i < pos + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
    result = result * 10 + (text[i] - '0');
  }
  *value = result;
  return true;
}

absl::Status Invalid(std::string_view what, std::string_view text,
                     const std::string& why) {
  return absl::InvalidArgumentError(
      absl::StrCat(std::string(what), " \"", std::string(text), "\": ", why));
}

// Parses and checks the "YYYY-MM-DD" at the start of `text`.
absl::StatusOr<absl::CivilDay> ParseDatePrefix(std::string_view what,
                                               std::string_view text) {
  int year, month, day;
  if (!ReadDigits(text, 0, 4, &year) || text.size() < 5 || text[4] != '-' ||
      !ReadDigits(text, 5, 2, &month) || text.size() < 8 || text[7] != '-' ||
      !ReadDigits(text, 8, 2, &day)) {
    return Invalid(what, text,
                   "expected the date as YYYY-MM-DD, e.g. 2024-03-22");
  }
  if (month < 1 || month > 12) {
    return Invalid(what, text,
                   absl::StrFormat("month %02d is not in 01-12", month));
  }
  absl::CivilDay civil(year, month, day);
  if (day < 1 || civil.day() != day || civil.month() != month) {
    return Invalid(what, text,
                   absl::StrFormat("day %02d does not exist in %04d-%02d", day,
                                   year, month));
  }
  return civil;
}

}  // namespace

absl::Status ValidateTimestamp(const Timestamp& t) {
  if (t.utc_offset_minutes < -kMaxOffsetMinutes ||
      t.utc_offset_minutes > kMaxOffsetMinutes) {
    return absl::InvalidArgumentError(
        absl::StrCat("timestamp: UTC offset of ", t.utc_offset_minutes,
                     " minutes is out of range; it must be within ±23:59"));
  }
  // The bound keeps the addition below from overflowing.
  bool in_range = t.unix_seconds > kMinLocalSeconds - 86400 &&
                  t.unix_seconds < kMaxLocalSeconds + 86400;
  int64_t local =
      in_range ? t.unix_seconds + int64_t{t.utc_offset_minutes} * 60 : 0;
  if (!in_range || local < kMinLocalSeconds || local > kMaxLocalSeconds) {
    return absl::InvalidArgumentError(
        absl::StrCat("timestamp: unix time ", t.unix_seconds,
                     " is outside years 0000-9999 and has no RFC 3339 form"));
  }
  return absl::OkStatus();
}

std::string FormatRfc3339(const Timestamp& t) {
  // absl::Time saturates, so out-of-range input cannot overflow.
  absl::Time local = absl::FromUnixSeconds(t.unix_seconds) +
                     absl::Minutes(t.utc_offset_minutes);
  absl::CivilSecond civil = absl::ToCivilSecond(local, absl::UTCTimeZone());
  int64_t offset = std::abs(int64_t{t.utc_offset_minutes});
  return absl::StrFormat(
      "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", civil.year(), civil.month(),
      civil.day(), civil.hour(), civil.minute(), civil.second(),
      t.utc_offset_minutes < 0 ? '-' : '+', offset / 60, offset % 60);
}

absl::StatusOr<Timestamp> ParseRfc3339(std::string_view text) {
  constexpr std::string_view kWhat = "timestamp";
  absl::StatusOr<absl::CivilDay> day = ParseDatePrefix(kWhat, text);
  if (!day.ok()) return day.status();
  if (text.size() < 11 || text[10] != 'T') {
    return Invalid(kWhat, text,
                   "expected 'T' between date and time, e.g. "
                   "2024-03-22T08:00:00+07:00");
  }
  int hour, minute, second;
  if (!ReadDigits(text, 11, 2, &hour) || text.size() < 14 || text[13] != ':' ||
      !ReadDigits(text, 14, 2, &minute) || text.size() < 17 ||
      text[16] != ':' || !ReadDigits(text, 17, 2, &second)) {
    return Invalid(kWhat, text, "expected the time as hh:mm:ss after 'T'");
  }
  if (hour > 23 || minute > 59) {
    return Invalid(kWhat, text,
                   absl::StrFormat("time %02d:%02d does not exist; use "
                                   "00:00-23:59",
                                   hour, minute));
  }
  if (second > 59) {
    return Invalid(kWhat, text,
                   "second 60 (leap second) and above are not supported");
  }
  std::string_view zone = text.substr(19);
  int32_t offset_minutes = 0;
  if (zone.empty()) {
    return Invalid(kWhat, text,
                   "missing UTC offset; append one such as +07:00 or Z");
  }
  if (zone[0] == '.' || zone[0] == ',') {
    return Invalid(kWhat, text,
                   "fractional seconds are not allowed; give whole seconds");
  }
  if (zone == "Z") {
    offset_minutes = 0;
  } else if (zone[0] == '+' || zone[0] == '-') {
    int offset_hours, offset_mins;
    if (zone.size() != 6 || !ReadDigits(zone, 1, 2, &offset_hours) ||
        zone[3] != ':' || !ReadDigits(zone, 4, 2, &offset_mins)) {
      return Invalid(kWhat, text, "UTC offset must be ±hh:mm, e.g. +07:00");
    }
    if (offset_hours > 23 || offset_mins > 59) {
      return Invalid(kWhat, text,
                     "UTC offset must be at most 23:59 in either direction");
    }
    offset_minutes = offset_hours * 60 + offset_mins;
    if (zone[0] == '-') {
      if (offset_minutes == 0) {
        return Invalid(kWhat, text,
                       "offset -00:00 (unknown local offset) is not "
                       "accepted; use +00:00 or Z for UTC");
      }
      offset_minutes = -offset_minutes;
    }
  } else {
    return Invalid(kWhat, text,
                   "after the seconds expected 'Z' or an offset ±hh:mm "
                   "(upper-case Z; no fractions or spaces)");
  }
  absl::CivilSecond local(day->year(), day->month(), day->day(), hour, minute,
                          second);
  int64_t local_seconds =
      absl::ToUnixSeconds(absl::FromCivil(local, absl::UTCTimeZone()));
  Timestamp out{local_seconds - int64_t{offset_minutes} * 60, offset_minutes};
  return out;
}

absl::Time ToAbslTime(const Timestamp& t) {
  return absl::FromUnixSeconds(t.unix_seconds);
}

Timestamp TimestampAt(absl::Time t, int32_t utc_offset_minutes) {
  return Timestamp{absl::ToUnixSeconds(t), utc_offset_minutes};
}

std::string FormatDate(absl::CivilDay day) {
  return absl::StrFormat("%04d-%02d-%02d", day.year(), day.month(), day.day());
}

absl::StatusOr<absl::CivilDay> ParseDate(std::string_view text) {
  absl::StatusOr<absl::CivilDay> day = ParseDatePrefix("date", text);
  if (!day.ok()) return day;
  if (text.size() != 10) {
    return Invalid("date", text,
                   "unexpected characters after YYYY-MM-DD; give the date "
                   "only, e.g. 2024-03-22");
  }
  return day;
}

}  // namespace ocoptrace
