#include "core/digital_link.h"

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "core/gs1_ai_table.h"

namespace ocoptrace {
namespace {

constexpr char kHex[] = "0123456789ABCDEF";

absl::Status Invalid(const std::string& message) {
  return absl::InvalidArgumentError(message);
}

bool IsUnreserved(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
         (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
}

// RFC 3986 characters (unreserved, reserved and '%').
bool IsUriChar(char c) {
  return IsUnreserved(c) || std::string_view(":/?#[]@!$&'()*+,;=%").find(c) !=
                                std::string_view::npos;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// Every character of `text` must be a URI character. `what` names the part
// for the message.
absl::Status CheckUriCharacters(std::string_view text, const char* what) {
  for (size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      return Invalid(absl::StrCat(
          what, ": non-ASCII byte 0x", absl::Hex(c, absl::kZeroPad2),
          " at position ", i + 1,
          " must be percent-encoded, and GS1 identifiers do not allow "
          "Vietnamese/non-ASCII letters at all (GS1 CSET 82)"));
    }
    if (!IsUriChar(text[i])) {
      return Invalid(absl::StrCat(
          what, ": character '", std::string(1, text[i]), "' at position ",
          i + 1, " is not allowed in a URI; percent-encode it as %",
          std::string(1, kHex[c >> 4]), std::string(1, kHex[c & 15])));
    }
  }
  return absl::OkStatus();
}

// Decodes %XX escapes (a '%' not followed by two hex digits stays as is);
// in the query, '+' is a space. Fails on an escaped NUL.
absl::StatusOr<std::string> Unescape(std::string_view text, bool query,
                                     const std::string& what) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && HexValue(text[i + 1]) >= 0 &&
        HexValue(text[i + 2]) >= 0) {
      const char c =
          static_cast<char>(HexValue(text[i + 1]) * 16 + HexValue(text[i + 2]));
      if (c == '\0') {
        return Invalid(absl::StrCat(what, ": the value contains %00"));
      }
      out.push_back(c);
      i += 2;
    } else if (query && text[i] == '+') {
      out.push_back(' ');
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

std::string AiName(std::string_view ai) {
  const AiEntry* entry = Gs1AiTable::Get().Find(ai);
  return entry ? entry->DisplayName()
               : absl::StrCat("AI (", std::string(ai), ")");
}

std::string JoinAis(const std::vector<AiValue>& values) {
  std::vector<std::string> ais;
  for (const AiValue& v : values) ais.push_back(v.ai);
  return absl::StrJoin(ais, ", ");
}

// Encodes a non-AI parameter name or value: like PercentEncodeDlValue but
// keeps the characters that are harmless inside a query value, so that
// "linkType=gs1:certificationInfo" stays readable.
std::string EncodeOtherParam(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (IsUnreserved(c) ||
        std::string_view(":@/?!$'()*,;").find(c) != std::string_view::npos) {
      out.push_back(c);
    } else {
      const unsigned char u = static_cast<unsigned char>(c);
      out += {'%', kHex[u >> 4], kHex[u & 15]};
    }
  }
  return out;
}

// The path: find the primary key (rightmost "/<AI>/<value>" pair whose AI
// is a DL primary key, walking left over known AIs), the stem before it,
// and the decoded AI values.
absl::Status ParsePath(std::string_view path, DigitalLink& dl) {
  if (path.empty() || path[0] != '/') {
    return Invalid(
        "the path must start with '/', as in /01/<GTIN>/10/<lot>/21/<serial>");
  }
  std::vector<std::string_view> segments;
  for (size_t start = 1;;) {
    const size_t slash = path.find('/', start);
    segments.push_back(path.substr(start, slash - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  const Gs1AiTable& table = Gs1AiTable::Get();
  size_t key_index = segments.size();
  for (size_t value_index = segments.size() - 1; value_index >= 1;
       value_index -= 2) {
    const AiEntry* entry = table.Find(segments[value_index - 1]);
    if (entry == nullptr) break;
    if (entry->dl_primary_key) {
      key_index = value_index - 1;
      break;
    }
    if (value_index < 3) break;
  }
  if (key_index == segments.size()) {
    return Invalid(
        absl::StrCat("the path '", std::string(path),
                     "' has no GS1 Digital Link primary key: it must end in "
                     "/<key AI>/<value>[/<qualifier AI>/<value>...], e.g. "
                     "/01/<GTIN-14>/10/<lot>",
                     path.back() == '/' ? "; remove the trailing '/'" : ""));
  }
  for (size_t i = 0; i < key_index; ++i) {
    dl.path_stem += "/";
    dl.path_stem += segments[i];
  }
  for (size_t i = key_index; i + 1 < segments.size(); i += 2) {
    const std::string ai(segments[i]);
    const std::string name = AiName(ai);
    if (segments[i + 1].empty()) {
      return Invalid(absl::StrCat(name, ": the value in the path is empty"));
    }
    absl::StatusOr<std::string> value =
        Unescape(segments[i + 1], /*query=*/false, name);
    if (!value.ok()) return value.status();
    if (absl::Status s = CheckAiValueLength(*table.Find(ai), *value); !s.ok()) {
      return s;
    }
    dl.path.push_back({ai, *std::move(value)});
  }
  return absl::OkStatus();
}

absl::Status ParseQuery(std::string_view query, DigitalLink& dl) {
  const Gs1AiTable& table = Gs1AiTable::Get();
  size_t start = 0;
  while (start <= query.size()) {
    size_t end = query.find('&', start);
    if (end == std::string_view::npos) end = query.size();
    const std::string_view param = query.substr(start, end - start);
    start = end + 1;
    if (param.empty()) continue;
    const size_t eq = param.find('=');
    const std::string_view key = param.substr(0, eq);
    const std::string_view raw_value =
        eq == std::string_view::npos ? "" : param.substr(eq + 1);
    // The name is decoded before deciding: "%31%37=..." is AI 17.
    absl::StatusOr<std::string> name = Unescape(key, true, "query");
    if (!name.ok()) return name.status();
    // An all-digit key is an AI, with or without '=': the DL grammar's
    // extension parameters need a non-digit in the key and an '=', so
    // "?17" can only be AI 17 with an empty value (refused below), never a
    // non-AI parameter (which would format back as "?17=").
    const bool numeric_key =
        !name->empty() &&
        name->find_first_not_of("0123456789") == std::string::npos;
    if (!numeric_key) {
      absl::StatusOr<std::string> value =
          Unescape(raw_value, true, absl::StrCat("query parameter ", *name));
      if (!value.ok()) return value.status();
      dl.other_params.emplace_back(*std::move(name), *std::move(value));
      continue;
    }
    const AiEntry* entry = table.Find(*name);
    if (entry == nullptr) {
      return Invalid(absl::StrCat("query parameter AI (", *name,
                                  ") is not a known GS1 Application "
                                  "Identifier"));
    }
    if (raw_value.empty()) {
      return Invalid(absl::StrCat(entry->DisplayName(),
                                  ": the value in the query is empty"));
    }
    absl::StatusOr<std::string> value =
        Unescape(raw_value, /*query=*/true, entry->DisplayName());
    if (!value.ok()) return value.status();
    if (absl::Status s = CheckAiValueLength(*entry, *value); !s.ok()) return s;
    dl.attributes.push_back({*std::move(name), *std::move(value)});
  }
  return absl::OkStatus();
}

std::vector<std::string> QualifierAis(const std::vector<AiValue>& path) {
  std::vector<std::string> out;
  for (size_t i = 1; i < path.size(); ++i) out.push_back(path[i].ai);
  return out;
}

absl::StatusOr<DigitalLink> ParsePathAndQuery(std::string scheme_host,
                                              std::string_view path,
                                              std::string_view query) {
  DigitalLink dl;
  dl.scheme_host = std::move(scheme_host);
  if (absl::Status s = ParsePath(path, dl); !s.ok()) return s;
  if (absl::Status s = ParseQuery(query, dl); !s.ok()) return s;
  if (absl::Status s = ValidateDigitalLink(dl); !s.ok()) return s;
  return dl;
}

}  // namespace

const std::string* DigitalLink::Find(std::string_view ai) const {
  for (const std::vector<AiValue>* list : {&path, &attributes}) {
    for (const AiValue& v : *list) {
      if (v.ai == ai) return &v.value;
    }
  }
  return nullptr;
}

const std::string* DigitalLink::FindParam(std::string_view name) const {
  for (const auto& [key, value] : other_params) {
    if (key == name) return &value;
  }
  return nullptr;
}

std::string DigitalLink::gtin() const {
  const std::string* v = Find("01");
  return v ? *v : "";
}
std::string DigitalLink::lot() const {
  const std::string* v = Find("10");
  return v ? *v : "";
}
std::string DigitalLink::serial() const {
  const std::string* v = Find("21");
  return v ? *v : "";
}

absl::Status ValidateDigitalLink(const DigitalLink& dl) {
  const Gs1AiTable& table = Gs1AiTable::Get();
  if (dl.path.empty()) {
    return Invalid("the Digital Link has no primary key in its path");
  }
  std::vector<const AiEntry*> entries;
  for (const std::vector<AiValue>* list : {&dl.path, &dl.attributes}) {
    for (const AiValue& v : *list) {
      const AiEntry* entry = table.Find(v.ai);
      if (entry == nullptr) {
        return Invalid(absl::StrCat("AI (", v.ai,
                                    ") is not a known GS1 Application "
                                    "Identifier"));
      }
      entries.push_back(entry);
    }
  }
  const AiEntry& key = *entries[0];
  if (!key.dl_primary_key) {
    return Invalid(absl::StrCat(key.DisplayName(),
                                " is not a GS1 Digital Link primary key"));
  }
  const std::vector<std::string> qualifiers = QualifierAis(dl.path);
  if (!key.IsValidQualifierSequence(qualifiers)) {
    std::vector<std::string> allowed;
    for (const auto& alternative : key.dl_qualifier_alternatives) {
      allowed.push_back(absl::StrJoin(alternative, ", "));
    }
    return Invalid(absl::StrCat("the AIs in the path (", JoinAis(dl.path),
                                ") are not a valid key-qualifier sequence for ",
                                key.DisplayName(),
                                "; after the key use, in this order, any of: ",
                                absl::StrJoin(allowed, " | or | ")));
  }
  for (size_t i = 0; i < dl.attributes.size(); ++i) {
    const AiValue& attribute = dl.attributes[i];
    const AiEntry& entry = *entries[dl.path.size() + i];
    for (size_t j = 0; j < dl.path.size() + i; ++j) {
      if (entries[j]->ai == attribute.ai) {
        return Invalid(absl::StrCat("AI (", attribute.ai,
                                    ") is duplicated; give each AI once"));
      }
    }
    // Would the AI fit as a qualifier somewhere after the key?
    for (size_t position = 1; position <= dl.path.size(); ++position) {
      std::vector<std::string> trial = qualifiers;
      trial.insert(trial.begin() + static_cast<long>(position - 1),
                   attribute.ai);
      if (key.IsValidQualifierSequence(trial)) {
        return Invalid(absl::StrCat(
            entry.DisplayName(),
            " from the query should be in the path: write /", attribute.ai,
            "/<value> after /", key.ai, "/<value> in qualifier order"));
      }
    }
    if (!entry.dl_data_attribute) {
      return Invalid(absl::StrCat(entry.DisplayName(),
                                  " is not allowed as a Digital Link query "
                                  "attribute"));
    }
  }
  size_t index = 0;
  for (const std::vector<AiValue>* list : {&dl.path, &dl.attributes}) {
    for (const AiValue& v : *list) {
      if (absl::Status s = ValidateAiValue(*entries[index++], v.value);
          !s.ok()) {
        return s;
      }
    }
  }
  return ValidateAiAssociations(entries);
}

absl::StatusOr<DigitalLink> ParseDigitalLink(std::string_view uri) {
  if (absl::Status s = CheckUriCharacters(uri, "URI"); !s.ok()) return s;
  size_t scheme_length = 0;
  auto has_prefix = [&](std::string_view prefix) {
    if (uri.size() < prefix.size()) return false;
    for (size_t i = 0; i < prefix.size(); ++i) {
      const char c = uri[i];
      const char lower = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
      if (lower != prefix[i]) return false;
    }
    return true;
  };
  if (has_prefix("https://")) {
    scheme_length = 8;
  } else if (has_prefix("http://")) {
    scheme_length = 7;
  } else {
    return Invalid("a Digital Link URI must start with https:// (or http://)");
  }
  std::string_view rest = uri.substr(scheme_length);
  const size_t host_end = rest.find_first_of("/?#");
  const std::string_view host = rest.substr(0, host_end);
  if (host.empty()) return Invalid("the URI has no host after the scheme");
  const size_t bad = host.find_first_of("_~@!$&'()*+,;=%");
  if (bad != std::string_view::npos) {
    return Invalid(absl::StrCat("host '", std::string(host), "': character '",
                                std::string(1, host[bad]),
                                "' is not allowed in a host name"));
  }
  if (host_end == std::string_view::npos || rest[host_end] != '/') {
    return Invalid(
        "the URI has no path; a Digital Link looks like "
        "https://<host>/01/<GTIN-14>");
  }
  std::string scheme_host(uri.substr(0, scheme_length + host.size()));
  for (char& c : scheme_host) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  }
  rest.remove_prefix(host.size());
  rest = rest.substr(0, rest.find('#'));  // the fragment is not data
  const size_t question = rest.find('?');
  const std::string_view path = rest.substr(0, question);
  const std::string_view query =
      question == std::string_view::npos ? "" : rest.substr(question + 1);
  return ParsePathAndQuery(std::move(scheme_host), path, query);
}

absl::StatusOr<DigitalLink> ParseDigitalLinkPath(std::string_view path,
                                                 std::string_view query) {
  if (absl::Status s = CheckUriCharacters(path, "path"); !s.ok()) return s;
  if (absl::Status s = CheckUriCharacters(query, "query"); !s.ok()) return s;
  return ParsePathAndQuery("", path, query);
}

std::string PercentEncodeDlValue(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (IsUnreserved(c)) {
      out.push_back(c);
    } else {
      const unsigned char u = static_cast<unsigned char>(c);
      out += {'%', kHex[u >> 4], kHex[u & 15]};
    }
  }
  return out;
}

std::string ElementString(const DigitalLink& dl) {
  std::string out;
  for (const std::vector<AiValue>* list : {&dl.path, &dl.attributes}) {
    for (const AiValue& v : *list) {
      absl::StrAppend(&out, "(", v.ai, ")");
      for (char c : v.value) {
        if (c == '(') out.push_back('\\');
        out.push_back(c);
      }
    }
  }
  return out;
}

std::string CanonicalGs1Uri(const DigitalLink& dl) {
  std::string out = "https://id.gs1.org";
  for (const AiValue& v : dl.path) {
    absl::StrAppend(&out, "/", v.ai, "/", PercentEncodeDlValue(v.value));
  }
  const Gs1AiTable& table = Gs1AiTable::Get();
  char separator = '?';
  for (bool fixed_length : {true, false}) {
    for (const AiValue& v : dl.attributes) {
      const AiEntry* entry = table.Find(v.ai);
      if ((entry != nullptr && entry->predefined_length) != fixed_length) {
        continue;
      }
      absl::StrAppend(&out, std::string(1, separator), v.ai, "=",
                      PercentEncodeDlValue(v.value));
      separator = '&';
    }
  }
  return out;
}

std::string FormatDigitalLink(const DigitalLink& dl) {
  std::string out = dl.scheme_host + dl.path_stem;
  for (const AiValue& v : dl.path) {
    absl::StrAppend(&out, "/", v.ai, "/", PercentEncodeDlValue(v.value));
  }
  char separator = '?';
  for (const AiValue& v : dl.attributes) {
    absl::StrAppend(&out, std::string(1, separator), v.ai, "=",
                    PercentEncodeDlValue(v.value));
    separator = '&';
  }
  for (const auto& [name, value] : dl.other_params) {
    absl::StrAppend(&out, std::string(1, separator), EncodeOtherParam(name),
                    "=", EncodeOtherParam(value));
    separator = '&';
  }
  return out;
}

}  // namespace ocoptrace
