#include "server/trace/subjects.h"

#include "absl/strings/str_cat.h"

namespace ocoptrace::trace {
namespace {

constexpr char kHexDigits[] = "0123456789ABCDEF";

bool IsUnreserved(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
         (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '~' || c == '-';
}

int UpperHexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

absl::Status BadSubject(std::string_view subject, std::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat("subject '", std::string(subject), "': ", std::string(why)));
}

bool StartsWith(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

// Decodes one encoded part of `subject`, naming `what` in errors.
absl::StatusOr<std::string> DecodePart(std::string_view subject,
                                       std::string_view encoded,
                                       std::string_view what) {
  if (encoded.empty()) {
    return BadSubject(subject, absl::StrCat(std::string(what), " is empty"));
  }
  auto decoded = PercentDecode(encoded);
  if (!decoded.ok()) {
    return BadSubject(subject, absl::StrCat(std::string(what), ": ",
                                            decoded.status().message()));
  }
  return decoded;
}

// A plain part (id, GTIN, name) must not need encoding at all.
absl::Status CheckPlainPart(std::string_view subject, std::string_view part,
                            std::string_view what) {
  if (part.empty()) {
    return BadSubject(subject, absl::StrCat(std::string(what), " is empty"));
  }
  for (char c : part) {
    if (!IsUnreserved(c)) {
      return BadSubject(
          subject,
          absl::StrCat(std::string(what), " contains '", std::string(1, c),
                       "'; use letters, digits, '.', '_', '~', '-'"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

std::string PercentEncode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (IsUnreserved(c)) {
      out.push_back(c);
    } else {
      const auto byte = static_cast<uint8_t>(c);
      out.push_back('%');
      out.push_back(kHexDigits[byte >> 4]);
      out.push_back(kHexDigits[byte & 0x0F]);
    }
  }
  return out;
}

absl::StatusOr<std::string> PercentDecode(std::string_view encoded) {
  std::string out;
  out.reserve(encoded.size());
  for (size_t i = 0; i < encoded.size(); ++i) {
    const char c = encoded[i];
    if (c != '%') {
      if (!IsUnreserved(c)) {
        return absl::InvalidArgumentError(
            absl::StrCat("character '", std::string(1, c), "' at position ",
                         i + 1, " must be percent-encoded (",
                         PercentEncode(std::string_view(&c, 1)), ")"));
      }
      out.push_back(c);
      continue;
    }
    if (i + 2 >= encoded.size()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "'%' at position ", i + 1, " is not followed by two hex digits"));
    }
    const int high = UpperHexValue(encoded[i + 1]);
    const int low = UpperHexValue(encoded[i + 2]);
    if (high < 0 || low < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("'%' at position ", i + 1,
                       " must be followed by two upper-case hex digits"));
    }
    const char decoded = static_cast<char>(high * 16 + low);
    if (IsUnreserved(decoded)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "'%", std::string(encoded.substr(i + 1, 2)), "' at position ", i + 1,
          " encodes '", std::string(1, decoded),
          "', which must be written as is"));
    }
    out.push_back(decoded);
    i += 2;
  }
  return out;
}

std::string ProducerSubject(std::string_view producer_id) {
  return absl::StrCat("producer/", std::string(producer_id));
}

std::string ProductSubject(std::string_view gtin14) {
  return absl::StrCat("product/", std::string(gtin14));
}

std::string CertificateSubject(std::string_view number) {
  return absl::StrCat("certificate/", PercentEncode(number));
}

std::string BatchSubject(std::string_view gtin14, std::string_view lot) {
  return absl::StrCat("batch/", std::string(gtin14), "/", PercentEncode(lot));
}

std::string PrincipalSubject(std::string_view principal_name) {
  return absl::StrCat("principal/", std::string(principal_name));
}

std::string_view SubjectTypeName(SubjectType type) {
  switch (type) {
    case SubjectType::kProducer:
      return "producer";
    case SubjectType::kProduct:
      return "product";
    case SubjectType::kCertificate:
      return "certificate";
    case SubjectType::kBatch:
      return "batch";
    case SubjectType::kPrincipal:
      return "principal";
    case SubjectType::kServiceAuthority:
      return kAuthoritySubject;
    case SubjectType::kServiceLabels:
      return kLabelsSubject;
  }
  return "unknown";
}

absl::StatusOr<ParsedSubject> ParseSubject(std::string_view subject) {
  ParsedSubject parsed;
  if (subject == kAuthoritySubject) {
    parsed.type = SubjectType::kServiceAuthority;
    return parsed;
  }
  if (subject == kLabelsSubject) {
    parsed.type = SubjectType::kServiceLabels;
    return parsed;
  }
  struct Prefix {
    std::string_view text;
    SubjectType type;
  };
  static constexpr Prefix kPrefixes[] = {
      {"producer/", SubjectType::kProducer},
      {"product/", SubjectType::kProduct},
      {"certificate/", SubjectType::kCertificate},
      {"batch/", SubjectType::kBatch},
      {"principal/", SubjectType::kPrincipal},
  };
  for (const Prefix& prefix : kPrefixes) {
    if (!StartsWith(subject, prefix.text)) continue;
    std::string_view rest = subject.substr(prefix.text.size());
    parsed.type = prefix.type;
    switch (prefix.type) {
      case SubjectType::kCertificate: {
        auto number = DecodePart(subject, rest, "certificate number");
        if (!number.ok()) return number.status();
        parsed.id = std::move(*number);
        return parsed;
      }
      case SubjectType::kBatch: {
        const size_t slash = rest.find('/');
        if (slash == std::string_view::npos) {
          return BadSubject(subject, "must be batch/<GTIN14>/<lot>");
        }
        std::string_view gtin = rest.substr(0, slash);
        if (auto status = CheckPlainPart(subject, gtin, "GTIN"); !status.ok()) {
          return status;
        }
        auto lot = DecodePart(subject, rest.substr(slash + 1), "lot");
        if (!lot.ok()) return lot.status();
        parsed.id = std::string(gtin);
        parsed.lot = std::move(*lot);
        return parsed;
      }
      default: {
        const std::string what(SubjectTypeName(prefix.type));
        if (auto status = CheckPlainPart(subject, rest, what + " id");
            !status.ok()) {
          return status;
        }
        parsed.id = std::string(rest);
        return parsed;
      }
    }
  }
  return BadSubject(
      subject,
      "unknown subject type; use producer/, product/, certificate/, batch/, "
      "principal/ or service/");
}

}  // namespace ocoptrace::trace
