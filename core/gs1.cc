#include "core/gs1.h"

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "core/gs1_code_lists.h"

namespace ocoptrace {
namespace {

constexpr char kCset82Description[] =
    "identifiers allow only A-Z a-z 0-9 and ! \" % & ' ( ) * + , - . / : ; < "
    "= > ? _ (GS1 CSET 82)";

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }
bool IsLower(char c) { return c >= 'a' && c <= 'z'; }

bool AllDigits(std::string_view s) {
  for (char c : s) {
    if (!IsDigit(c)) return false;
  }
  return true;
}

int TwoDigits(std::string_view s, size_t pos) {
  return (s[pos] - '0') * 10 + (s[pos + 1] - '0');
}

absl::Status Invalid(const std::string& message) {
  return absl::InvalidArgumentError(message);
}

// Length in bytes of the UTF-8 sequence that starts with `lead`, or 1 for a
// byte that cannot start one.
size_t Utf8SequenceLength(unsigned char lead) {
  if (lead >= 0xF0 && lead <= 0xF4) return 4;
  if (lead >= 0xE0) return lead <= 0xEF ? 3 : 1;
  if (lead >= 0xC2) return 2;
  return 1;
}

// Describes an ASCII character for an error message: 'x', ' ' (space), or
// a control character as its code.
std::string DescribeAscii(char c) {
  if (c == ' ') return "' ' (space)";
  if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) {
    return absl::StrCat(
        "control character 0x",
        absl::Hex(static_cast<unsigned char>(c), absl::kZeroPad2));
  }
  return absl::StrCat("'", std::string(1, c), "'");
}

// ---- Dates and times ----

bool IsLeapYear(int year) {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int DaysInMonth(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30,
                                  31, 31, 30, 31, 30, 31};
  return month == 2 && IsLeapYear(year) ? 29 : kDays[month - 1];
}

// `date` is YYMMDD or YYYYMMDD (digits already checked by the caller's
// charset). A two-digit year is taken as 20YY for the leap-year rule.
absl::Status CheckDate(std::string_view date, bool allow_day_zero) {
  const bool four_digit_year = date.size() == 8;
  if ((date.size() != 6 && !four_digit_year) || !AllDigits(date)) {
    return Invalid(absl::StrCat("date '", std::string(date), "' must be ",
                                four_digit_year ? "YYYYMMDD" : "YYMMDD",
                                " digits"));
  }
  const int year = four_digit_year
                       ? TwoDigits(date, 0) * 100 + TwoDigits(date, 2)
                       : 2000 + TwoDigits(date, 0);
  const size_t m = four_digit_year ? 4 : 2;
  const int month = TwoDigits(date, m);
  const int day = TwoDigits(date, m + 2);
  if (month < 1 || month > 12) {
    return Invalid(absl::StrCat("date '", std::string(date),
                                "' has an illegal month of the year ",
                                std::string(date.substr(m, 2)), "; use 01-12"));
  }
  if (day == 0 && allow_day_zero) return absl::OkStatus();
  if (day < 1 || day > DaysInMonth(year, month)) {
    return Invalid(absl::StrCat(
        "date '", std::string(date), "' has an illegal day of the month ",
        std::string(date.substr(m + 2, 2)), "; month ", month, " has ",
        DaysInMonth(year, month), " days",
        allow_day_zero ? " (00 means the whole month)" : ""));
  }
  return absl::OkStatus();
}

absl::Status CheckRange(std::string_view value, int max, const char* what) {
  if (value.size() != 2 || !AllDigits(value) || TwoDigits(value, 0) > max) {
    return Invalid(absl::StrCat(what, " '", std::string(value),
                                "' must be two digits 00-", max));
  }
  return absl::OkStatus();
}

// ---- Check characters ----

// The GS1 alphanumeric check character pair (GS1 General Specifications,
// "Check character calculation (for alphanumeric keys)"): the characters
// before the pair are valued by their index in CSET 82 order, weighted by
// the primes 2, 3, 5, 7... from the right, summed mod 1021; the pair is
// CSET 32 [sum / 32] and [sum mod 32].
constexpr std::string_view kCset82Ordered =
    "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_"
    "abcdefghijklmnopqrstuvwxyz";
constexpr std::string_view kCset32 = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
constexpr int kPrimes[] = {2,  3,  5,  7,  11, 13, 17, 19, 23, 29, 31, 37,
                           41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83};

absl::Status CheckAlphanumericCheckPair(std::string_view value) {
  if (value.size() < 3) {
    return Invalid("is too short to hold the two check characters");
  }
  const std::string_view body = value.substr(0, value.size() - 2);
  if (body.size() > std::size(kPrimes)) {
    return Invalid("is too long for the alphanumeric check characters");
  }
  int sum = 0;
  for (size_t i = 0; i < body.size(); ++i) {
    const size_t index = kCset82Ordered.find(body[body.size() - 1 - i]);
    if (index == std::string_view::npos) {
      return Invalid("has a character outside CSET 82");
    }
    sum += static_cast<int>(index) * kPrimes[i];
  }
  sum %= 1021;
  const std::string expected = {kCset32[sum >> 5], kCset32[sum & 31]};
  if (value.substr(value.size() - 2) != expected) {
    return Invalid(absl::StrCat("check characters should be ", expected,
                                ", not ",
                                std::string(value.substr(value.size() - 2))));
  }
  return absl::OkStatus();
}

absl::Status CheckIban(std::string_view iban) {
  if (iban.size() < 5 || !IsUpper(iban[0]) || !IsUpper(iban[1]) ||
      !IsDigit(iban[2]) || !IsDigit(iban[3])) {
    return Invalid(
        "IBAN must start with a two-letter country code and two check "
        "digits");
  }
  if (!IsInSortedList(kIso3166Alpha2, iban.substr(0, 2))) {
    return Invalid(absl::StrCat("IBAN country code '",
                                std::string(iban.substr(0, 2)),
                                "' is not an ISO 3166 alpha-2 code"));
  }
  // Move the first four characters to the end, letters become 10..35, and
  // the number must be 1 mod 97.
  int remainder = 0;
  for (size_t i = 0; i < iban.size(); ++i) {
    const char c = iban[(i + 4) % iban.size()];
    if (IsDigit(c)) {
      remainder = (remainder * 10 + (c - '0')) % 97;
    } else if (IsUpper(c)) {
      remainder = (remainder * 100 + (c - 'A' + 10)) % 97;
    } else {
      return Invalid(absl::StrCat("IBAN has ", DescribeAscii(c),
                                  "; use only A-Z and 0-9"));
    }
  }
  if (remainder != 1) return Invalid("IBAN check digits are incorrect");
  return absl::OkStatus();
}

absl::Status CheckNumericAtMost(std::string_view value, uint64_t max,
                                const char* what) {
  uint64_t n = 0;
  for (char c : value) n = n * 10 + static_cast<uint64_t>(c - '0');
  if (!AllDigits(value) || n > max) {
    return Invalid(absl::StrCat(what, " '", std::string(value),
                                "' is out of range (at most ", max, ")"));
  }
  return absl::OkStatus();
}

absl::Status CheckPieceOfTotal(std::string_view value) {
  if (value.size() != 4 || !AllDigits(value)) {
    return Invalid("piece/total must be four digits PPTT");
  }
  const int piece = TwoDigits(value, 0);
  const int total = TwoDigits(value, 2);
  if (piece < 1 || total < 1 || piece > total) {
    return Invalid(absl::StrCat("piece ", piece, " of total ", total,
                                " is not valid; need 1 <= piece <= total"));
  }
  return absl::OkStatus();
}

absl::Status CheckPositionInSequence(std::string_view value) {
  if (value.size() != 3 || !IsDigit(value[0]) || value[1] != '/' ||
      !IsDigit(value[2]) || value[0] == '0' || value[0] > value[2]) {
    return Invalid(absl::StrCat("'", std::string(value),
                                "' must be <position>/<total> with digits "
                                "1-9 and position <= total"));
  }
  return absl::OkStatus();
}

absl::Status CheckPercentEncoding(std::string_view value) {
  for (size_t i = 0; i < value.size(); ++i) {
    if (value[i] != '%') continue;
    auto is_hex = [](char c) {
      return IsDigit(c) || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f');
    };
    if (i + 2 >= value.size() || !is_hex(value[i + 1]) ||
        !is_hex(value[i + 2])) {
      return Invalid(
          absl::StrCat("'%' at position ", i + 1, " must start a %XX escape"));
    }
  }
  return absl::OkStatus();
}

absl::Status OneOf(std::string_view value, std::string_view allowed,
                   const char* what) {
  if (value.size() != 1 || allowed.find(value[0]) == std::string_view::npos) {
    return Invalid(absl::StrCat(what, " '", std::string(value),
                                "' must be one of ", std::string(allowed)));
  }
  return absl::OkStatus();
}

absl::Status InList(bool found, std::string_view value, const char* what) {
  if (found) return absl::OkStatus();
  return Invalid(absl::StrCat("'", std::string(value), "' is not ", what));
}

absl::Status CheckCompanyPrefixAt(std::string_view value, size_t offset) {
  constexpr size_t kMinPrefix = 4;
  if (value.size() < offset + kMinPrefix ||
      !AllDigits(value.substr(offset, kMinPrefix))) {
    return Invalid(absl::StrCat("must have a GS1 Company Prefix (at least ",
                                kMinPrefix, " digits) at position ",
                                offset + 1));
  }
  return absl::OkStatus();
}

}  // namespace

int Gs1CheckDigit(std::string_view digits) {
  if (digits.empty()) return -1;
  int sum = 0;
  int weight = 3;
  for (size_t i = digits.size(); i-- > 0;) {
    if (!IsDigit(digits[i])) return -1;
    sum += (digits[i] - '0') * weight;
    weight = 4 - weight;
  }
  return (10 - sum % 10) % 10;
}

bool HasValidGs1CheckDigit(std::string_view digits) {
  if (digits.size() < 2 || !AllDigits(digits)) return false;
  return Gs1CheckDigit(digits.substr(0, digits.size() - 1)) ==
         digits.back() - '0';
}

namespace {

// Shared by GTIN and GLN: digits only and a correct check digit.
absl::Status CheckKeyDigits(const char* name, std::string_view key) {
  for (size_t i = 0; i < key.size(); ++i) {
    if (!IsDigit(key[i])) {
      return Invalid(absl::StrCat(name, " '", std::string(key), "': character ",
                                  static_cast<unsigned char>(key[i]) < 0x80
                                      ? DescribeAscii(key[i])
                                      : "(non-ASCII)",
                                  " at position ", i + 1, " is not a digit"));
    }
  }
  const int expected = Gs1CheckDigit(key.substr(0, key.size() - 1));
  if (expected != key.back() - '0') {
    return Invalid(absl::StrCat(name, " ", std::string(key),
                                ": check digit should be ", expected, ", not ",
                                std::string(1, key.back())));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::string> NormalizeGtin(std::string_view gtin) {
  if (gtin.size() != 8 && gtin.size() != 12 && gtin.size() != 13 &&
      gtin.size() != 14) {
    return Invalid(absl::StrCat("GTIN '", std::string(gtin),
                                "' must be 8, 12, 13 or 14 digits, not ",
                                gtin.size()));
  }
  if (absl::Status s = CheckKeyDigits("GTIN", gtin); !s.ok()) return s;
  return std::string(14 - gtin.size(), '0') + std::string(gtin);
}

absl::Status ValidateGln(std::string_view gln) {
  if (gln.size() != 13) {
    return Invalid(absl::StrCat("GLN '", std::string(gln),
                                "' must be 13 digits, not ", gln.size()));
  }
  return CheckKeyDigits("GLN", gln);
}

bool IsCset82(char c) {
  if (IsDigit(c) || IsUpper(c) || IsLower(c)) return true;
  switch (c) {
    case '!':
    case '"':
    case '%':
    case '&':
    case '\'':
    case '(':
    case ')':
    case '*':
    case '+':
    case ',':
    case '-':
    case '.':
    case '/':
    case ':':
    case ';':
    case '<':
    case '=':
    case '>':
    case '?':
    case '_':
      return true;
    default:
      return false;
  }
}

bool IsCset39(char c) {
  return IsDigit(c) || IsUpper(c) || c == '#' || c == '-' || c == '/';
}

bool IsBase64UrlChar(char c) {
  return IsDigit(c) || IsUpper(c) || IsLower(c) || c == '-' || c == '_';
}

absl::Status ValidateCset82(std::string_view field_name, std::string_view value,
                            size_t max_length) {
  const std::string field(field_name);
  if (value.empty()) return Invalid(absl::StrCat(field, ": must not be empty"));
  size_t characters = 0;
  for (size_t i = 0; i < value.size(); ++characters) {
    const unsigned char c = static_cast<unsigned char>(value[i]);
    if (c >= 0x80) {
      const size_t n = std::min(Utf8SequenceLength(c), value.size() - i);
      return Invalid(absl::StrCat(
          field, ": '", std::string(value.substr(i, n)), "' at position ",
          characters + 1, " is a Vietnamese/non-ASCII letter; ",
          kCset82Description, "; put Vietnamese text in names, not codes"));
    }
    if (!IsCset82(value[i])) {
      return Invalid(absl::StrCat(
          field, ": character ", DescribeAscii(value[i]), " at position ",
          characters + 1, " is not allowed; ", kCset82Description));
    }
    ++i;
  }
  if (characters > max_length) {
    return Invalid(absl::StrCat(field, ": ", characters,
                                " characters is too long; at most ", max_length,
                                " are allowed"));
  }
  return absl::OkStatus();
}

absl::Status ValidateLot(std::string_view lot) {
  return ValidateCset82("lot (AI 10)", lot, 20);
}

absl::Status ValidateSerial(std::string_view serial) {
  return ValidateCset82("serial (AI 21)", serial, 20);
}

bool IsUncheckedGs1Linter(std::string_view linter) {
  return linter == "packagetype" || linter == "couponcode" ||
         linter == "couponposoffer";
}

bool IsKnownGs1Linter(std::string_view linter) {
  static constexpr std::string_view kKnown[] = {"csum",
                                                "csumalpha",
                                                "gcppos1",
                                                "gcppos2",
                                                "hasnondigit",
                                                "hh",
                                                "hhmi",
                                                "hyphen",
                                                "iban",
                                                "importeridx",
                                                "iso3166",
                                                "iso3166999",
                                                "iso3166alpha2",
                                                "iso4217",
                                                "iso5218",
                                                "latitude",
                                                "longitude",
                                                "mediatype",
                                                "mi",
                                                "nonzero",
                                                "nozeroprefix",
                                                "pcenc",
                                                "pieceoftotal",
                                                "posinseqslash",
                                                "ss",
                                                "winding",
                                                "yesno",
                                                "yymmd0",
                                                "yymmdd",
                                                "yyyymmdd",
                                                "zero"};
  for (std::string_view known : kKnown) {
    if (known == linter) return true;
  }
  return IsUncheckedGs1Linter(linter);
}

absl::Status RunGs1Linter(std::string_view linter, std::string_view v) {
  if (IsUncheckedGs1Linter(linter)) return absl::OkStatus();
  if (linter == "csum") {
    if (!AllDigits(v) || v.size() < 2) return Invalid("must be digits");
    const int expected = Gs1CheckDigit(v.substr(0, v.size() - 1));
    if (expected != v.back() - '0') {
      return Invalid(absl::StrCat("check digit should be ", expected, ", not ",
                                  std::string(1, v.back())));
    }
    return absl::OkStatus();
  }
  if (linter == "csumalpha") return CheckAlphanumericCheckPair(v);
  if (linter == "gcppos1") return CheckCompanyPrefixAt(v, 0);
  if (linter == "gcppos2") return CheckCompanyPrefixAt(v, 1);
  if (linter == "yymmd0") return CheckDate(v, /*allow_day_zero=*/true);
  if (linter == "yymmdd" || linter == "yyyymmdd") {
    return CheckDate(v, /*allow_day_zero=*/false);
  }
  if (linter == "hhmi") {
    if (v.size() != 4) return Invalid("time must be HHMM");
    if (absl::Status s = CheckRange(v.substr(0, 2), 23, "hour"); !s.ok()) {
      return s;
    }
    return CheckRange(v.substr(2, 2), 59, "minute");
  }
  if (linter == "hh") return CheckRange(v, 23, "hour");
  if (linter == "mi") return CheckRange(v, 59, "minute");
  if (linter == "ss") return CheckRange(v, 59, "second");
  if (linter == "iso3166") {
    return InList(IsInSortedList(kIso3166Numeric, v), v,
                  "an ISO 3166 numeric country code (Viet Nam is 704)");
  }
  if (linter == "iso3166999") {
    return InList(v == "999" || IsInSortedList(kIso3166Numeric, v), v,
                  "an ISO 3166 numeric country code or 999");
  }
  if (linter == "iso3166alpha2") {
    return InList(IsInSortedList(kIso3166Alpha2, v), v,
                  "an ISO 3166 alpha-2 country code (Viet Nam is VN)");
  }
  if (linter == "iso4217") {
    return InList(IsInSortedList(kIso4217Numeric, v), v,
                  "an ISO 4217 numeric currency code (VND is 704)");
  }
  if (linter == "iso5218") return OneOf(v, "0129", "ISO 5218 sex code");
  if (linter == "yesno") return OneOf(v, "01", "yes/no flag");
  if (linter == "zero") return OneOf(v, "0", "digit");
  if (linter == "winding") return OneOf(v, "019", "winding direction");
  if (linter == "nonzero") {
    if (v.find_first_not_of('0') == std::string_view::npos) {
      return Invalid("must not be zero");
    }
    return absl::OkStatus();
  }
  if (linter == "nozeroprefix") {
    if (v.size() > 1 && v[0] == '0') {
      return Invalid("must not start with 0");
    }
    return absl::OkStatus();
  }
  if (linter == "hasnondigit") {
    if (AllDigits(v))
      return Invalid("must contain a character that is not a digit");
    return absl::OkStatus();
  }
  if (linter == "hyphen") {
    if (v.find_first_not_of('-') != std::string_view::npos) {
      return Invalid("may only be '-'");
    }
    return absl::OkStatus();
  }
  if (linter == "pcenc") return CheckPercentEncoding(v);
  if (linter == "latitude") {
    return CheckNumericAtMost(v, 1800000000, "latitude");
  }
  if (linter == "longitude") {
    return CheckNumericAtMost(v, 3600000000, "longitude");
  }
  if (linter == "importeridx") {
    if (v.size() != 1 || !(IsDigit(v[0]) || IsUpper(v[0]) || IsLower(v[0]) ||
                           v[0] == '-' || v[0] == '_')) {
      return Invalid("importer index must be one of 0-9 A-Z a-z - _");
    }
    return absl::OkStatus();
  }
  if (linter == "mediatype") {
    const bool ok = v.size() == 2 && AllDigits(v) &&
                    ((TwoDigits(v, 0) >= 1 && TwoDigits(v, 0) <= 10) ||
                     TwoDigits(v, 0) >= 80);
    if (!ok) return Invalid("AIDC media type must be 01-10 or 80-99");
    return absl::OkStatus();
  }
  if (linter == "pieceoftotal") return CheckPieceOfTotal(v);
  if (linter == "posinseqslash") return CheckPositionInSequence(v);
  if (linter == "iban") return CheckIban(v);
  return absl::UnimplementedError(absl::StrCat(
      "GS1 linter '", std::string(linter), "' is not implemented"));
}

}  // namespace ocoptrace
