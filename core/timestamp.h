// Timestamps as written in log entries and shown to people: an instant with
// whole-second precision plus the UTC offset of the place it was recorded
// (Vietnam is +07:00), in RFC 3339 text form "2024-03-22T08:00:00+07:00".
// Also plain calendar dates "2024-03-22" (certificate validity, harvest).
//
// Only the canonical form is accepted by entries: seconds precision, a
// numeric offset "±hh:mm" (ParseRfc3339 additionally accepts "Z" for
// "+00:00"), years 0000-9999, offsets strictly between -24:00 and +24:00.
//
// Thread-safety: all functions are thread-safe. Timestamp is a plain value.

#ifndef OCOPTRACE_CORE_TIMESTAMP_H_
#define OCOPTRACE_CORE_TIMESTAMP_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace ocoptrace {

struct Timestamp {
  int64_t unix_seconds = 0;        // The instant, seconds since 1970 UTC.
  int32_t utc_offset_minutes = 0;  // Local time = UTC + this; +420 = +07:00.
  bool operator==(const Timestamp&) const = default;
};

// OK when `t` has an RFC 3339 form: |utc_offset_minutes| < 24 * 60 and the
// local date falls in years 0000-9999. InvalidArgument otherwise.
absl::Status ValidateTimestamp(const Timestamp& t);

// "2024-03-22T08:00:00+07:00": local date and time at the offset, then the
// offset as ±hh:mm (UTC is "+00:00", never "Z"). For a timestamp that fails
// ValidateTimestamp the result is unspecified and will not parse.
std::string FormatRfc3339(const Timestamp& t);

// Parses "YYYY-MM-DDThh:mm:ss" followed by "Z" or "±hh:mm" (upper-case "T"
// and "Z" only). InvalidArgument, saying what to fix, for any other shape:
// missing offset, fractional seconds, an impossible date or time (month 13,
// February 30, hour 24, leap second 60), the offset "-00:00" (RFC 3339's
// "unknown offset") or an offset of 24 hours or more.
absl::StatusOr<Timestamp> ParseRfc3339(std::string_view text);

// The instant `t` denotes (the offset does not change it).
absl::Time ToAbslTime(const Timestamp& t);

// The instant `t`, truncated to whole seconds (toward the past), to be
// shown at `utc_offset_minutes`.
Timestamp TimestampAt(absl::Time t, int32_t utc_offset_minutes);

// "2024-03-22" (four-digit year; years outside 0000-9999 do not parse back).
std::string FormatDate(absl::CivilDay day);

// Parses "YYYY-MM-DD". InvalidArgument for any other shape or an
// impossible date such as 2023-02-29.
absl::StatusOr<absl::CivilDay> ParseDate(std::string_view text);

}  // namespace ocoptrace

#endif  // OCOPTRACE_CORE_TIMESTAMP_H_
