#include "core/gs1_ai_table.h"

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "core/gs1.h"

namespace ocoptrace {

// Defined in the source file that the build generates from
// core/gs1-syntax-dictionary.txt (core/embed_text.cmake).
extern const char kGs1SyntaxDictionary[];

namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsLetter(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

// Splits on any run of spaces or tabs.
std::vector<std::string_view> SplitWhitespace(std::string_view s) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
    size_t j = i;
    while (j < s.size() && s[j] != ' ' && s[j] != '\t') ++j;
    if (j > i) out.push_back(s.substr(i, j - i));
    i = j;
  }
  return out;
}

std::vector<std::string> Split(std::string_view s, char separator) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    const size_t end = s.find(separator, start);
    out.emplace_back(s.substr(start, end - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
    s.remove_prefix(1);
  }
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

bool ParseSize(std::string_view digits, size_t& out) {
  if (digits.empty() || digits.size() > 3) return false;
  out = 0;
  for (char c : digits) {
    if (!IsDigit(c)) return false;
    out = out * 10 + static_cast<size_t>(c - '0');
  }
  return true;
}

// A flags token has no letters or digits ("*?", "?", "*").
bool IsFlagsToken(std::string_view token) {
  for (char c : token) {
    if (IsLetter(c) || IsDigit(c)) return false;
  }
  return true;
}

bool IsSpecToken(std::string_view token) {
  if (!token.empty() && token[0] == '[') token.remove_prefix(1);
  return !token.empty() && (token[0] == 'N' || token[0] == 'X' ||
                            token[0] == 'Y' || token[0] == 'Z');
}

// Parses one specification component: "N14,csum,gcppos2", "X..20",
// "[N3],iso3166", "[X..17]".
absl::StatusOr<AiComponent> ParseComponent(std::string_view token) {
  AiComponent component;
  std::vector<std::string> parts = Split(token, ',');
  std::string_view type = parts[0];
  if (!type.empty() && type.front() == '[') {
    if (type.back() != ']') {
      return absl::InvalidArgumentError(
          absl::StrCat("unbalanced '[' in '", std::string(token), "'"));
    }
    component.optional = true;
    type = type.substr(1, type.size() - 2);
  }
  if (type.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("empty component in '", std::string(token), "'"));
  }
  switch (type[0]) {
    case 'N':
      component.charset = AiCharset::kNumeric;
      break;
    case 'X':
      component.charset = AiCharset::kCset82;
      break;
    case 'Y':
      component.charset = AiCharset::kCset39;
      break;
    case 'Z':
      component.charset = AiCharset::kBase64Url;
      break;
    default:
      return absl::InvalidArgumentError(
          absl::StrCat("unknown type in '", std::string(token), "'"));
  }
  std::string_view length = type.substr(1);
  bool ok;
  if (length.substr(0, 2) == "..") {
    component.min_length = 1;
    ok = ParseSize(length.substr(2), component.max_length);
  } else {
    ok = ParseSize(length, component.max_length);
    component.min_length = component.max_length;
  }
  if (!ok || component.max_length == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("bad length in '", std::string(token), "'"));
  }
  for (size_t i = 1; i < parts.size(); ++i) {
    if (!IsKnownGs1Linter(parts[i])) {
      return absl::InvalidArgumentError(absl::StrCat(
          "unknown linter '", parts[i], "' in '", std::string(token), "'"));
    }
    component.linters.push_back(parts[i]);
  }
  return component;
}

absl::Status ApplyAttribute(std::string_view token, AiEntry& entry) {
  if (token == "dlpkey") {
    entry.dl_primary_key = true;
    entry.dl_qualifier_alternatives.push_back({});
    return absl::OkStatus();
  }
  const size_t eq = token.find('=');
  if (eq == std::string_view::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown attribute '", std::string(token), "'"));
  }
  const std::string_view key = token.substr(0, eq);
  const std::string_view value = token.substr(eq + 1);
  if (key == "dlpkey") {
    entry.dl_primary_key = true;
    for (const std::string& alternative : Split(value, '|')) {
      entry.dl_qualifier_alternatives.push_back(Split(alternative, ','));
    }
  } else if (key == "req") {
    std::vector<std::vector<std::string>> alternatives;
    for (const std::string& alternative : Split(value, ',')) {
      alternatives.push_back(Split(alternative, '+'));
    }
    entry.requires_any_of.push_back(std::move(alternatives));
  } else if (key == "ex") {
    for (std::string& pattern : Split(value, ',')) {
      entry.excludes.push_back(std::move(pattern));
    }
  } else {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown attribute '", std::string(token), "'"));
  }
  return absl::OkStatus();
}

// Expands "3100-3105" into {"3100", ..., "3105"}; "01" into {"01"}.
absl::StatusOr<std::vector<std::string>> ExpandAiRange(std::string_view ais) {
  const size_t dash = ais.find('-');
  const std::string_view first = ais.substr(0, dash);
  const std::string_view last =
      dash == std::string_view::npos ? first : ais.substr(dash + 1);
  size_t from, to;
  if (first.size() < 2 || first.size() > 4 || first.size() != last.size() ||
      !ParseSize(first.substr(first.size() - 1), from) ||
      !ParseSize(last.substr(last.size() - 1), to) ||
      first.substr(0, first.size() - 1) != last.substr(0, last.size() - 1) ||
      from > to) {
    return absl::InvalidArgumentError(
        absl::StrCat("bad AI or AI range '", std::string(ais), "'"));
  }
  for (char c : first) {
    if (!IsDigit(c)) {
      return absl::InvalidArgumentError(
          absl::StrCat("bad AI '", std::string(ais), "'"));
    }
  }
  std::vector<std::string> out;
  const std::string prefix(first.substr(0, first.size() - 1));
  for (size_t d = from; d <= to; ++d) out.push_back(prefix + char('0' + d));
  return out;
}

absl::Status ParseLine(std::string_view line,
                       std::map<std::string, AiEntry, std::less<>>& entries) {
  const size_t hash = line.find('#');
  const std::string_view title =
      hash == std::string_view::npos ? "" : Trim(line.substr(hash + 1));
  const std::vector<std::string_view> tokens =
      SplitWhitespace(line.substr(0, hash));
  if (tokens.empty()) return absl::OkStatus();

  AiEntry entry;
  entry.title = std::string(title);
  size_t i = 1;
  if (i < tokens.size() && IsFlagsToken(tokens[i])) {
    entry.predefined_length = tokens[i].find('*') != std::string_view::npos;
    entry.dl_data_attribute = tokens[i].find('?') != std::string_view::npos;
    ++i;
  }
  for (; i < tokens.size() && IsSpecToken(tokens[i]); ++i) {
    absl::StatusOr<AiComponent> component = ParseComponent(tokens[i]);
    if (!component.ok()) return component.status();
    if (!entry.components.empty() && entry.components.back().optional &&
        !component->optional) {
      return absl::InvalidArgumentError(
          "a mandatory component follows an optional one");
    }
    entry.components.push_back(*std::move(component));
  }
  if (entry.components.empty()) {
    return absl::InvalidArgumentError("no value specification");
  }
  for (; i < tokens.size(); ++i) {
    if (absl::Status s = ApplyAttribute(tokens[i], entry); !s.ok()) return s;
  }
  absl::StatusOr<std::vector<std::string>> ais = ExpandAiRange(tokens[0]);
  if (!ais.ok()) return ais.status();
  for (const std::string& ai : *ais) {
    AiEntry copy = entry;
    copy.ai = ai;
    if (!entries.emplace(ai, std::move(copy)).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("AI ", ai, " is defined twice"));
    }
  }
  return absl::OkStatus();
}

// True when AI `ai` matches `pattern` ("31nn": n is any digit).
bool MatchesPattern(std::string_view ai, std::string_view pattern) {
  if (ai.size() != pattern.size()) return false;
  for (size_t i = 0; i < ai.size(); ++i) {
    if (pattern[i] == 'n' ? !IsDigit(ai[i]) : pattern[i] != ai[i]) {
      return false;
    }
  }
  return true;
}

bool AnyMatches(const std::vector<const AiEntry*>& ais,
                std::string_view pattern) {
  for (const AiEntry* entry : ais) {
    if (MatchesPattern(entry->ai, pattern)) return true;
  }
  return false;
}

const char* CharsetName(AiCharset charset) {
  switch (charset) {
    case AiCharset::kNumeric:
      return "digits 0-9";
    case AiCharset::kCset82:
      return "GS1 CSET 82";
    case AiCharset::kCset39:
      return "GS1 CSET 39 (A-Z 0-9 # - /)";
    case AiCharset::kBase64Url:
      return "base64url (A-Z a-z 0-9 - _)";
  }
  return "";
}

// Checks one component's characters; `offset` is its position in the whole
// value, for the message.
absl::Status CheckCharset(const AiEntry& entry, const AiComponent& component,
                          std::string_view text, size_t offset) {
  if (component.charset == AiCharset::kCset82) {
    absl::Status s = ValidateCset82(entry.DisplayName(), text, text.size());
    if (s.ok() || offset == 0) return s;
    // The position in `s` counts from the start of this component.
    return absl::InvalidArgumentError(absl::StrCat(
        s.message(), " (in the part starting at position ", offset + 1, ")"));
  }
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    bool ok = false;
    switch (component.charset) {
      case AiCharset::kNumeric:
        ok = IsDigit(c);
        break;
      case AiCharset::kCset39:
        ok = IsCset39(c);
        break;
      case AiCharset::kBase64Url:
        ok = IsBase64UrlChar(c) ||
             (c == '=' &&
              text.find_first_not_of('=', i) == std::string_view::npos);
        break;
      case AiCharset::kCset82:
        break;
    }
    if (!ok) {
      return absl::InvalidArgumentError(absl::StrCat(
          entry.DisplayName(), ": character '", std::string(1, c),
          "' at position ", offset + i + 1, " is not allowed; use ",
          CharsetName(component.charset)));
    }
  }
  return absl::OkStatus();
}

bool HasNonAscii(std::string_view value) {
  for (char c : value) {
    if (static_cast<unsigned char>(c) >= 0x80) return true;
  }
  return false;
}

}  // namespace

size_t AiEntry::min_length() const {
  size_t n = 0;
  for (const AiComponent& c : components) n += c.optional ? 0 : c.min_length;
  return n;
}

size_t AiEntry::max_length() const {
  size_t n = 0;
  for (const AiComponent& c : components) n += c.max_length;
  return n;
}

std::string AiEntry::DisplayName() const {
  return title.empty() ? absl::StrCat("AI (", ai, ")")
                       : absl::StrCat("AI (", ai, ") ", title);
}

bool AiEntry::IsValidQualifierSequence(
    const std::vector<std::string>& qualifiers) const {
  for (const std::vector<std::string>& alternative :
       dl_qualifier_alternatives) {
    size_t next = 0;  // position in `alternative` still available
    bool ok = true;
    for (const std::string& q : qualifiers) {
      while (next < alternative.size() && alternative[next] != q) ++next;
      if (next == alternative.size()) {
        ok = false;
        break;
      }
      ++next;
    }
    if (ok) return true;
  }
  return false;
}

const Gs1AiTable& Gs1AiTable::Get() {
  static const Gs1AiTable* const table = [] {
    absl::StatusOr<Gs1AiTable> parsed = Parse(Gs1SyntaxDictionaryText());
    if (!parsed.ok()) {
      std::fprintf(stderr, "compiled-in GS1 syntax dictionary: %s\n",
                   std::string(parsed.status().message()).c_str());
      std::abort();
    }
    return new Gs1AiTable(*std::move(parsed));
  }();
  return *table;
}

absl::StatusOr<Gs1AiTable> Gs1AiTable::Parse(std::string_view text) {
  Gs1AiTable table;
  size_t line_number = 0;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = text.substr(start, end - start);
    start = end + 1;
    ++line_number;
    if (Trim(line).empty() || Trim(line).front() == '#') continue;
    if (absl::Status s = ParseLine(line, table.entries_); !s.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("GS1 syntax dictionary line ", line_number, ": ",
                       s.message(), ": ", std::string(line)));
    }
  }
  if (table.entries_.empty()) {
    return absl::InvalidArgumentError("GS1 syntax dictionary has no AIs");
  }
  return table;
}

const AiEntry* Gs1AiTable::Find(std::string_view ai) const {
  auto it = entries_.find(ai);
  return it == entries_.end() ? nullptr : &it->second;
}

std::string_view Gs1SyntaxDictionaryText() { return kGs1SyntaxDictionary; }

absl::Status CheckAiValueLength(const AiEntry& entry, std::string_view value) {
  if (HasNonAscii(value)) {
    return ValidateCset82(entry.DisplayName(), value, entry.max_length());
  }
  if (value.size() < entry.min_length()) {
    return absl::InvalidArgumentError(absl::StrCat(
        entry.DisplayName(), ": value is too short: ", value.size(),
        " characters, at least ", entry.min_length(), " needed"));
  }
  if (value.size() > entry.max_length()) {
    return absl::InvalidArgumentError(
        absl::StrCat(entry.DisplayName(), ": value is too long: ", value.size(),
                     " characters, at most ", entry.max_length(), " allowed"));
  }
  return absl::OkStatus();
}

absl::Status ValidateAiValue(const AiEntry& entry, std::string_view value) {
  if (absl::Status s = CheckAiValueLength(entry, value); !s.ok()) return s;
  size_t offset = 0;
  for (const AiComponent& component : entry.components) {
    const size_t remaining = value.size() - offset;
    if (remaining == 0 && component.optional) break;
    const bool fixed = component.min_length == component.max_length;
    if (remaining < component.min_length) {
      return absl::InvalidArgumentError(absl::StrCat(
          entry.DisplayName(), ": value is too short: the part at position ",
          offset + 1, " needs ", component.min_length, " characters"));
    }
    const size_t length = fixed ? component.min_length
                                : std::min(remaining, component.max_length);
    const std::string_view text = value.substr(offset, length);
    if (absl::Status s = CheckCharset(entry, component, text, offset);
        !s.ok()) {
      return s;
    }
    for (const std::string& linter : component.linters) {
      absl::Status s = RunGs1Linter(linter, text);
      if (!s.ok()) {
        return absl::Status(
            s.code(), absl::StrCat(entry.DisplayName(), ": ", s.message()));
      }
    }
    offset += length;
  }
  if (offset != value.size()) {
    return absl::InvalidArgumentError(
        absl::StrCat(entry.DisplayName(), ": value is too long"));
  }
  return absl::OkStatus();
}

absl::Status ValidateAiAssociations(const std::vector<const AiEntry*>& ais) {
  for (const AiEntry* entry : ais) {
    for (const std::string& pattern : entry->excludes) {
      for (const AiEntry* other : ais) {
        if (other->ai != entry->ai && MatchesPattern(other->ai, pattern)) {
          return absl::InvalidArgumentError(
              absl::StrCat(entry->DisplayName(),
                           " cannot be used together "
                           "with AI (",
                           other->ai, "); remove one of them"));
        }
      }
    }
    for (const auto& alternatives : entry->requires_any_of) {
      bool satisfied = false;
      std::vector<std::string> wanted;
      for (const std::vector<std::string>& all_of : alternatives) {
        bool all = true;
        for (const std::string& pattern : all_of) {
          all = all && AnyMatches(ais, pattern);
        }
        satisfied = satisfied || all;
        wanted.push_back(absl::StrCat("(", absl::StrJoin(all_of, ")+("), ")"));
      }
      if (!satisfied) {
        return absl::InvalidArgumentError(absl::StrCat(
            entry->DisplayName(), " needs AI ", absl::StrJoin(wanted, " or "),
            " in the same data; add it or remove AI (", entry->ai, ")"));
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace ocoptrace
