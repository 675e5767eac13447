#include "epcis/xml_reader.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace ocoptrace::epcis {
namespace {

constexpr int kMaxDepth = 256;
constexpr std::string_view kXmlNamespace =
    "http://www.w3.org/XML/1998/namespace";

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

bool IsNameChar(char c) {
  return !IsSpace(c) && c != '/' && c != '>' && c != '<' && c != '=' &&
         c != '"' && c != '\'' && c != '&';
}

void AppendUtf8(uint32_t code_point, std::string* out) {
  if (code_point < 0x80) {
    *out += static_cast<char>(code_point);
  } else if (code_point < 0x800) {
    *out += static_cast<char>(0xC0 | (code_point >> 6));
    *out += static_cast<char>(0x80 | (code_point & 0x3F));
  } else if (code_point < 0x10000) {
    *out += static_cast<char>(0xE0 | (code_point >> 12));
    *out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
    *out += static_cast<char>(0x80 | (code_point & 0x3F));
  } else {
    *out += static_cast<char>(0xF0 | (code_point >> 18));
    *out += static_cast<char>(0x80 | ((code_point >> 12) & 0x3F));
    *out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
    *out += static_cast<char>(0x80 | (code_point & 0x3F));
  }
}

// An element's name and attributes before namespace resolution.
struct RawName {
  std::string prefix;
  std::string local;
};

RawName SplitQualifiedName(std::string_view name) {
  size_t colon = name.find(':');
  if (colon == std::string_view::npos) return {"", std::string(name)};
  return {std::string(name.substr(0, colon)),
          std::string(name.substr(colon + 1))};
}

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  absl::StatusOr<XmlElement> Document() {
    if (text_.starts_with("\xEF\xBB\xBF")) pos_ = 3;  // Byte order mark.
    absl::Status status = SkipMisc();
    if (!status.ok()) return status;
    if (!Peek("<")) return Error("expected the root element");
    XmlElement root;
    status = Element(0, &root);
    if (!status.ok()) return status;
    status = SkipMisc();
    if (!status.ok()) return status;
    if (pos_ != text_.size()) return Error("content after the root element");
    return root;
  }

 private:
  absl::Status Error(std::string_view what) const {
    size_t line = 1 + std::count(text_.begin(), text_.begin() + pos_, '\n');
    return absl::InvalidArgumentError(
        absl::StrCat("XML line ", line, ": ", std::string(what)));
  }

  bool Peek(std::string_view s) const {
    return text_.substr(pos_).starts_with(s);
  }

  void SkipSpace() {
    while (pos_ < text_.size() && IsSpace(text_[pos_])) ++pos_;
  }

  // Skips up to and including `terminator`.
  absl::Status SkipPast(std::string_view terminator, std::string_view what) {
    size_t end = text_.find(terminator, pos_);
    if (end == std::string_view::npos) {
      return Error(absl::StrCat("unterminated ", std::string(what)));
    }
    pos_ = end + terminator.size();
    return absl::OkStatus();
  }

  // Whitespace, comments and processing instructions outside the root.
  absl::Status SkipMisc() {
    while (true) {
      SkipSpace();
      if (Peek("<?")) {
        absl::Status s = SkipPast("?>", "processing instruction");
        if (!s.ok()) return s;
      } else if (Peek("<!--")) {
        absl::Status s = SkipPast("-->", "comment");
        if (!s.ok()) return s;
      } else if (Peek("<!")) {
        return Error("document type declarations (DTDs) are not supported");
      } else {
        return absl::OkStatus();
      }
    }
  }

  std::string_view Name() {
    size_t start = pos_;
    while (pos_ < text_.size() && IsNameChar(text_[pos_])) ++pos_;
    return text_.substr(start, pos_ - start);
  }

  // Character data up to `end`, with references decoded. `attribute`
  // applies attribute-value normalisation (whitespace becomes a space).
  absl::Status CharacterData(std::string_view data, bool attribute,
                             std::string* out) {
    for (size_t i = 0; i < data.size(); ++i) {
      char c = data[i];
      if (c != '&') {
        *out += attribute && IsSpace(c) ? ' ' : c;
        continue;
      }
      size_t semicolon = data.find(';', i);
      if (semicolon == std::string_view::npos) {
        return Error("'&' without ';': write &amp; for a literal '&'");
      }
      std::string_view ref = data.substr(i + 1, semicolon - i - 1);
      if (ref == "lt") {
        *out += '<';
      } else if (ref == "gt") {
        *out += '>';
      } else if (ref == "amp") {
        *out += '&';
      } else if (ref == "quot") {
        *out += '"';
      } else if (ref == "apos") {
        *out += '\'';
      } else if (ref.starts_with('#') && ref.size() > 1) {
        bool hex = ref[1] == 'x';
        std::string_view digits = ref.substr(hex ? 2 : 1);
        uint32_t code_point = 0;
        if (digits.empty() || digits.size() > 8) {
          return Error("malformed character reference");
        }
        for (char d : digits) {
          int v;
          if (d >= '0' && d <= '9') {
            v = d - '0';
          } else if (hex && d >= 'a' && d <= 'f') {
            v = d - 'a' + 10;
          } else if (hex && d >= 'A' && d <= 'F') {
            v = d - 'A' + 10;
          } else {
            return Error("malformed character reference");
          }
          code_point = code_point * (hex ? 16 : 10) + v;
        }
        if (code_point == 0 || code_point > 0x10FFFF) {
          return Error("character reference out of range");
        }
        AppendUtf8(code_point, out);
      } else {
        return Error(absl::StrCat("unknown entity '&", std::string(ref),
                                  ";' (only the five XML entities exist "
                                  "without a DTD)"));
      }
      i = semicolon;
    }
    return absl::OkStatus();
  }

  absl::StatusOr<std::string> ResolvePrefix(const std::string& prefix) const {
    if (prefix == "xml") return std::string(kXmlNamespace);
    for (auto it = scope_.rbegin(); it != scope_.rend(); ++it) {
      if (it->first == prefix) return it->second;
    }
    if (prefix.empty()) return std::string();
    return Error(absl::StrCat("namespace prefix '", prefix,
                              "' is not declared (add xmlns:", prefix,
                              "=\"...\")"));
  }

  absl::Status Element(int depth, XmlElement* element) {
    if (depth >= kMaxDepth) return Error("elements nested too deeply");
    ++pos_;  // '<'
    std::string_view qualified = Name();
    if (qualified.empty()) return Error("expected an element name");
    std::vector<std::pair<std::string_view, std::string>> raw_attributes;
    size_t scope_size = scope_.size();
    while (true) {
      SkipSpace();
      if (pos_ >= text_.size()) return Error("unterminated start tag");
      if (Peek("/>") || Peek(">")) break;
      std::string_view name = Name();
      if (name.empty()) return Error("expected an attribute name");
      SkipSpace();
      if (!Peek("=")) return Error("expected '=' after an attribute name");
      ++pos_;
      SkipSpace();
      if (pos_ >= text_.size() || (text_[pos_] != '"' && text_[pos_] != '\'')) {
        return Error("attribute values must be quoted");
      }
      char quote = text_[pos_++];
      size_t end = text_.find(quote, pos_);
      if (end == std::string_view::npos) return Error("unterminated attribute");
      std::string value;
      absl::Status s =
          CharacterData(text_.substr(pos_, end - pos_), true, &value);
      if (!s.ok()) return s;
      pos_ = end + 1;
      if (name == "xmlns") {
        scope_.emplace_back("", value);
      } else if (name.starts_with("xmlns:")) {
        std::string prefix(name.substr(6));
        scope_.emplace_back(prefix, value);
        element->prefix_declarations.emplace_back(prefix, value);
      } else {
        raw_attributes.emplace_back(name, std::move(value));
      }
    }
    RawName raw = SplitQualifiedName(qualified);
    absl::StatusOr<std::string> ns = ResolvePrefix(raw.prefix);
    if (!ns.ok()) return ns.status();
    element->namespace_uri = *std::move(ns);
    element->local_name = raw.local;
    for (auto& [name, value] : raw_attributes) {
      RawName attribute = SplitQualifiedName(name);
      std::string attribute_ns;
      if (!attribute.prefix.empty()) {
        absl::StatusOr<std::string> resolved = ResolvePrefix(attribute.prefix);
        if (!resolved.ok()) return resolved.status();
        attribute_ns = *std::move(resolved);
      }
      element->attributes.push_back(
          {std::move(attribute_ns), attribute.local, std::move(value)});
    }
    absl::Status status = absl::OkStatus();
    if (Peek("/>")) {
      pos_ += 2;
    } else {
      ++pos_;  // '>'
      status = Content(depth, qualified, element);
    }
    scope_.resize(scope_size);
    return status;
  }

  absl::Status Content(int depth, std::string_view qualified,
                       XmlElement* element) {
    while (true) {
      size_t lt = text_.find('<', pos_);
      if (lt == std::string_view::npos) {
        return Error(absl::StrCat("element '", std::string(qualified),
                                  "' is not closed"));
      }
      absl::Status s =
          CharacterData(text_.substr(pos_, lt - pos_), false, &element->text);
      if (!s.ok()) return s;
      pos_ = lt;
      if (Peek("</")) {
        pos_ += 2;
        std::string_view closing = Name();
        SkipSpace();
        if (closing != qualified || !Peek(">")) {
          return Error(
              absl::StrCat("expected </", std::string(qualified), ">"));
        }
        ++pos_;
        return absl::OkStatus();
      }
      if (Peek("<!--")) {
        s = SkipPast("-->", "comment");
      } else if (Peek("<![CDATA[")) {
        size_t start = pos_ + 9;
        size_t end = text_.find("]]>", start);
        if (end == std::string_view::npos) return Error("unterminated CDATA");
        element->text += text_.substr(start, end - start);
        pos_ = end + 3;
      } else if (Peek("<?")) {
        s = SkipPast("?>", "processing instruction");
      } else if (Peek("<!")) {
        return Error("unexpected markup declaration");
      } else {
        element->children.emplace_back();
        s = Element(depth + 1, &element->children.back());
      }
      if (!s.ok()) return s;
    }
  }

  std::string_view text_;
  size_t pos_ = 0;
  // In-scope namespace declarations, innermost last ("" is the default).
  std::vector<std::pair<std::string, std::string>> scope_;
};

}  // namespace

absl::StatusOr<XmlElement> ParseXml(std::string_view text) {
  return Parser(text).Document();
}

}  // namespace ocoptrace::epcis
