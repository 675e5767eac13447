#include "epcis/canonical_value.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace ocoptrace::epcis {
namespace {

constexpr std::string_view kBizSteps[] = {"accepting",
                                          "arriving",
                                          "assembling",
                                          "collecting",
                                          "commissioning",
                                          "consigning",
                                          "creating_class_instance",
                                          "cycle_counting",
                                          "decommissioning",
                                          "departing",
                                          "destroying",
                                          "disassembling",
                                          "dispensing",
                                          "encoding",
                                          "entering_exiting",
                                          "holding",
                                          "inspecting",
                                          "installing",
                                          "killing",
                                          "loading",
                                          "other",
                                          "packing",
                                          "picking",
                                          "receiving",
                                          "removing",
                                          "repackaging",
                                          "repairing",
                                          "replacing",
                                          "reserving",
                                          "retail_selling",
                                          "sampling",
                                          "sensor_reporting",
                                          "shipping",
                                          "staging_outbound",
                                          "stock_taking",
                                          "stocking",
                                          "storing",
                                          "transporting",
                                          "unloading",
                                          "unpacking",
                                          "void_shipping"};

constexpr std::string_view kDispositions[] = {"active",
                                              "available",
                                              "completeness_verified",
                                              "completeness_inferred",
                                              "conformant",
                                              "container_closed",
                                              "container_open",
                                              "damaged",
                                              "destroyed",
                                              "dispensed",
                                              "disposed",
                                              "encoded",
                                              "expired",
                                              "in_progress",
                                              "in_transit",
                                              "inactive",
                                              "mismatch_instance",
                                              "mismatch_class",
                                              "mismatch_quantity",
                                              "needs_replacement",
                                              "no_pedigree_match",
                                              "non_conformant",
                                              "non_sellable_other",
                                              "partially_dispensed",
                                              "recalled",
                                              "reserved",
                                              "retail_sold",
                                              "returned",
                                              "sellable_accessible",
                                              "sellable_not_accessible",
                                              "stolen",
                                              "unavailable",
                                              "unknown"};

constexpr std::string_view kBizTransactionTypes[] = {
    "bol",       "cert",   "desadv", "inv",     "pedigree", "po",   "poc",
    "prodorder", "recadv", "rma",    "testprd", "testres",  "upevt"};

constexpr std::string_view kSourceDestTypes[] = {
    "owning_party", "possessing_party", "location"};

constexpr std::string_view kErrorReasons[] = {"did_not_occur",
                                              "incorrect_data"};

constexpr std::string_view kSensorComponents[] = {"x",
                                                  "y",
                                                  "z",
                                                  "axial_distance",
                                                  "azimuth",
                                                  "height",
                                                  "spherical_radius",
                                                  "polar_angle",
                                                  "elevation_angle",
                                                  "easting",
                                                  "northing",
                                                  "latitude",
                                                  "longitude",
                                                  "altitude"};

constexpr std::string_view kMeasurementTypes[] = {
    "AbsoluteHumidity",
    "AbsorbedDose",
    "AbsorbedDoseRate",
    "Acceleration",
    "Radioactivity",
    "Altitude",
    "AmountOfSubstance",
    "AmountOfSubstancePerUnitVolume",
    "Angle",
    "AngularAcceleration",
    "AngularMomentum",
    "AngularVelocity",
    "Area",
    "Capacitance",
    "Conductance",
    "Conductivity",
    "Count",
    "Density",
    "Dimensionless",
    "DoseEquivalent",
    "DoseEquivalentRate",
    "DynamicViscosity",
    "ElectricCharge",
    "ElectricCurrent",
    "ElectricCurrentDensity",
    "ElectricFieldStrength",
    "Energy",
    "Exposure",
    "Force",
    "Frequency",
    "Illuminance",
    "Inductance",
    "Irradiance",
    "KinematicViscosity",
    "Length",
    "LinearMomentum",
    "Luminance",
    "LuminousFlux",
    "LuminousIntensity",
    "MagneticFlux",
    "MagneticFluxDensity",
    "MagneticVectorPotential",
    "Mass",
    "MassConcentration",
    "MassFlowRate",
    "MassPerAreaTime",
    "MemoryCapacity",
    "MolalityOfSolute",
    "MolarEnergy",
    "MolarMass",
    "MolarVolume",
    "Power",
    "Pressure",
    "RadiantFlux",
    "RadiantIntensity",
    "RelativeHumidity",
    "Resistance",
    "Resistivity",
    "SolidAngle",
    "SpecificVolume",
    "Speed",
    "SurfaceDensity",
    "SurfaceTension",
    "Temperature",
    "Time",
    "Torque",
    "Voltage",
    "Volume",
    "VolumeFlowRate",
    "VolumeFraction",
    "VolumetricFlux",
    "Wavenumber"};

constexpr std::string_view kSensorAlertTypes[] = {"ALARM_CONDITION",
                                                  "ERROR_CONDITION"};

constexpr std::string_view kCbv = "https://ref.gs1.org/cbv/";
constexpr std::string_view kGs1Voc = "https://gs1.org/voc/";

template <size_t N>
bool Contains(const std::string_view (&terms)[N], std::string_view term) {
  for (std::string_view t : terms) {
    if (t == term) return true;
  }
  return false;
}

template <size_t N>
std::optional<std::string> Lookup(const std::string_view (&terms)[N],
                                  std::string_view term,
                                  std::string_view prefix,
                                  std::string_view infix) {
  if (!Contains(terms, term)) return std::nullopt;
  return absl::StrCat(std::string(prefix), std::string(infix),
                      std::string(term));
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Python's float() grammar for finite decimals: digits may be separated by
// single underscores. Returns the text without sign and underscores, with
// the sign in `negative`, or nullopt.
std::optional<std::string> DecimalLiteral(std::string_view s, bool* negative) {
  size_t i = 0;
  *negative = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    *negative = s[i] == '-';
    ++i;
  }
  std::string out;
  // Reads digit ('_'? digit)*; returns the number of digits read.
  auto digit_part = [&]() -> size_t {
    size_t count = 0;
    while (i < s.size()) {
      if (IsDigit(s[i])) {
        out += s[i++];
        ++count;
      } else if (s[i] == '_' && count > 0 && i + 1 < s.size() &&
                 IsDigit(s[i + 1])) {
        ++i;
      } else {
        break;
      }
    }
    return count;
  };
  size_t mantissa_digits = digit_part();
  if (i < s.size() && s[i] == '.') {
    out += s[i++];
    mantissa_digits += digit_part();
  }
  if (mantissa_digits == 0) return std::nullopt;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    out += s[i++];
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) out += s[i++];
    if (digit_part() == 0) return std::nullopt;
  }
  if (i != s.size()) return std::nullopt;
  // Spell "5." and ".5" as "5.0" and "0.5" for std::from_chars.
  if (out[0] == '.') out.insert(0, "0");
  if (size_t dot = out.find('.');
      dot != std::string::npos &&
      (dot + 1 == out.size() || !IsDigit(out[dot + 1]))) {
    out.insert(dot + 1, "0");
  }
  return out;
}

// The exact decimal integer of an integral double.
std::string IntegralDoubleToText(double value) {
  if (std::fabs(value) < 9.0e18) {
    return std::to_string(static_cast<int64_t>(value));
  }
  char buffer[400];
  std::snprintf(buffer, sizeof(buffer), "%.0f", value);
  return buffer;
}

// Parses exactly `count` digits at `*pos`.
bool ReadDigits(std::string_view s, size_t* pos, size_t count, int* value) {
  if (*pos + count > s.size()) return false;
  int v = 0;
  for (size_t k = 0; k < count; ++k) {
    char c = s[*pos + k];
    if (!IsDigit(c)) return false;
    v = v * 10 + (c - '0');
  }
  *pos += count;
  *value = v;
  return true;
}

bool ReadChar(std::string_view s, size_t* pos, char c) {
  if (*pos >= s.size() || s[*pos] != c) return false;
  ++*pos;
  return true;
}

struct ParsedTimestamp {
  absl::CivilSecond local;
  int64_t milliseconds = 0;  // 0..1000 (1000 after rounding up .9995).
  int offset_minutes = 0;    // Local time minus UTC.
};

std::optional<ParsedTimestamp> ParseTimestamp(std::string_view s) {
  size_t pos = 0;
  int year, month, day, hour, minute, second = 0;
  if (!ReadDigits(s, &pos, 4, &year) || !ReadChar(s, &pos, '-') ||
      !ReadDigits(s, &pos, 2, &month) || !ReadChar(s, &pos, '-') ||
      !ReadDigits(s, &pos, 2, &day)) {
    return std::nullopt;
  }
  if (pos >= s.size() || (s[pos] != 'T' && s[pos] != 't' && s[pos] != ' ')) {
    return std::nullopt;
  }
  ++pos;
  if (!ReadDigits(s, &pos, 2, &hour) || !ReadChar(s, &pos, ':') ||
      !ReadDigits(s, &pos, 2, &minute)) {
    return std::nullopt;
  }
  ParsedTimestamp result;
  if (ReadChar(s, &pos, ':')) {
    if (!ReadDigits(s, &pos, 2, &second)) return std::nullopt;
    if (ReadChar(s, &pos, '.') || ReadChar(s, &pos, ',')) {
      size_t start = pos;
      while (pos < s.size() && IsDigit(s[pos])) ++pos;
      std::string_view fraction = s.substr(start, pos - start);
      if (fraction.empty()) return std::nullopt;
      for (size_t k = 0; k < 3; ++k) {
        result.milliseconds = result.milliseconds * 10 +
                              (k < fraction.size() ? fraction[k] - '0' : 0);
      }
      if (fraction.size() > 3 && fraction[3] >= '5') ++result.milliseconds;
    }
  }
  if (pos >= s.size()) return std::nullopt;  // The offset is required.
  if (s[pos] == 'Z' || s[pos] == 'z') {
    ++pos;
  } else if (s[pos] == '+' || s[pos] == '-') {
    int sign = s[pos] == '-' ? -1 : 1;
    ++pos;
    int offset_hours, offset_minutes = 0;
    if (!ReadDigits(s, &pos, 2, &offset_hours)) return std::nullopt;
    if (pos < s.size()) {
      ReadChar(s, &pos, ':');
      if (!ReadDigits(s, &pos, 2, &offset_minutes)) return std::nullopt;
    }
    if (offset_hours > 23 || offset_minutes > 59) return std::nullopt;
    result.offset_minutes = sign * (offset_hours * 60 + offset_minutes);
  } else {
    return std::nullopt;
  }
  if (pos != s.size()) return std::nullopt;
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 ||
      second > 59) {
    return std::nullopt;
  }
  result.local = absl::CivilSecond(year, month, day, hour, minute, second);
  // CivilSecond normalises out-of-range days (Feb 30 → Mar 2): refuse them.
  if (result.local.day() != day) return std::nullopt;
  return result;
}

}  // namespace

std::optional<std::string> ExpandVocabularyTerm(Vocabulary vocabulary,
                                                std::string_view term) {
  switch (vocabulary) {
    case Vocabulary::kNone:
      return std::nullopt;
    case Vocabulary::kBizStep:
      return Lookup(kBizSteps, term, kCbv, "BizStep-");
    case Vocabulary::kDisposition:
      return Lookup(kDispositions, term, kCbv, "Disp-");
    case Vocabulary::kBizTransactionType:
      return Lookup(kBizTransactionTypes, term, kCbv, "BTT-");
    case Vocabulary::kSourceDestType:
      return Lookup(kSourceDestTypes, term, kCbv, "SDT-");
    case Vocabulary::kErrorReason:
      return Lookup(kErrorReasons, term, kCbv, "ER-");
    case Vocabulary::kSensorComponent:
      return Lookup(kSensorComponents, term, kCbv, "Comp-");
    case Vocabulary::kMeasurementType:
      return Lookup(kMeasurementTypes, term, kGs1Voc, "");
    case Vocabulary::kSensorAlertType:
      return Lookup(kSensorAlertTypes, term, kGs1Voc, "");
  }
  return std::nullopt;
}

std::string CbvUrnToWebUri(std::string_view value) {
  static constexpr std::pair<std::string_view, std::string_view> kUrns[] = {
      {"urn:epcglobal:cbv:bizstep:", "BizStep-"},
      {"urn:epcglobal:cbv:disp:", "Disp-"},
      {"urn:epcglobal:cbv:btt:", "BTT-"},
      {"urn:epcglobal:cbv:sdt:", "SDT-"},
      {"urn:epcglobal:cbv:er:", "ER-"},
  };
  for (const auto& [urn, infix] : kUrns) {
    if (value.starts_with(urn)) {
      return absl::StrCat(std::string(kCbv), std::string(infix),
                          std::string(value.substr(urn.size())));
    }
  }
  return std::string(value);
}

std::string JsonDoubleToText(double value) {
  if (!std::isfinite(value))
    return value > 0 ? "inf" : (value < 0 ? "-inf" : "nan");
  char buffer[64];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof(buffer), value,
                                 std::chars_format::scientific);
  std::string_view sci(buffer, end - buffer);  // "-d.ddde+XX"
  std::string sign;
  if (sci.starts_with('-')) {
    sign = "-";
    sci.remove_prefix(1);
  }
  size_t e = sci.find('e');
  std::string digits(sci.substr(0, e));
  if (digits.size() > 1) digits.erase(1, 1);  // Drop the decimal point.
  int exponent = 0;
  std::from_chars(sci.data() + e + 1 + (sci[e + 1] == '+' ? 1 : 0),
                  sci.data() + sci.size(), exponent);
  if (exponent < -4 || exponent >= 16) {  // Exponent notation, as Python.
    std::string mantissa = digits.substr(0, 1);
    if (digits.size() > 1) mantissa += "." + digits.substr(1);
    return absl::StrFormat("%s%se%c%02d", sign, mantissa,
                           exponent < 0 ? '-' : '+', std::abs(exponent));
  }
  std::string out;
  if (exponent < 0) {
    out = "0." + std::string(-exponent - 1, '0') + digits;
  } else {
    size_t integer_digits = static_cast<size_t>(exponent) + 1;
    if (digits.size() <= integer_digits) {
      out = digits + std::string(integer_digits - digits.size(), '0') + ".0";
    } else {
      out = digits.substr(0, integer_digits) + "." +
            digits.substr(integer_digits);
    }
  }
  return sign + out;
}

std::optional<std::string> CanonicalNumber(std::string_view text) {
  bool negative = false;
  std::optional<std::string> literal = DecimalLiteral(text, &negative);
  if (!literal) return std::nullopt;
  double value = 0;
  auto [ptr, ec] = std::from_chars(literal->data(),
                                   literal->data() + literal->size(), value);
  if (ec != std::errc() || ptr != literal->data() + literal->size() ||
      !std::isfinite(value)) {
    return std::nullopt;
  }
  if (negative) value = -value;
  if (std::trunc(value) == value) return IntegralDoubleToText(value);
  return JsonDoubleToText(value);
}

absl::StatusOr<std::string> CanonicalTimestamp(std::string_view text,
                                               std::string_view field) {
  std::optional<ParsedTimestamp> parsed = ParseTimestamp(text);
  if (!parsed) {
    return absl::InvalidArgumentError(absl::StrCat(
        std::string(field), ": '", std::string(text),
        "' is not a date-time with a UTC offset; use RFC 3339, e.g. "
        "2020-03-04T11:00:30.000+01:00"));
  }
  absl::TimeZone utc = absl::UTCTimeZone();
  absl::Time instant = absl::FromCivil(parsed->local, utc) -
                       absl::Minutes(parsed->offset_minutes) +
                       absl::Milliseconds(parsed->milliseconds);
  absl::CivilSecond second = absl::ToCivilSecond(instant, utc);
  int64_t millis =
      absl::ToInt64Milliseconds(instant - absl::FromCivil(second, utc));
  if (second.year() < 0 || second.year() > 9999) {
    return absl::InvalidArgumentError(
        absl::StrCat(std::string(field), ": '", std::string(text),
                     "' is outside years 0000-9999"));
  }
  return absl::StrFormat("%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", second.year(),
                         second.month(), second.day(), second.hour(),
                         second.minute(), second.second(), millis);
}

std::string_view TrimWhitespace(std::string_view text) {
  constexpr std::string_view kWhitespace = " \t\n\r\f\v";
  size_t start = text.find_first_not_of(kWhitespace);
  if (start == std::string_view::npos) return {};
  size_t end = text.find_last_not_of(kWhitespace);
  return text.substr(start, end - start + 1);
}

}  // namespace ocoptrace::epcis
