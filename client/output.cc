#include "client/output.h"

#include <algorithm>
#include <cstdint>

#include "google/protobuf/util/json_util.h"

namespace ocoptrace::client {
namespace {

// Decodes the UTF-8 sequence at text[*pos]; advances *pos. Returns the code
// point, or the byte itself for an invalid sequence (one column).
uint32_t NextCodePoint(std::string_view text, size_t* pos) {
  auto byte = [&](size_t i) { return static_cast<uint8_t>(text[i]); };
  uint8_t lead = byte(*pos);
  size_t length = lead < 0x80           ? 1
                  : (lead >> 5) == 0x6  ? 2
                  : (lead >> 4) == 0xE  ? 3
                  : (lead >> 3) == 0x1E ? 4
                                        : 0;
  if (length == 0 || *pos + length > text.size()) {
    ++*pos;
    return lead;
  }
  uint32_t code_point = length == 1   ? lead
                        : length == 2 ? (lead & 0x1F)
                        : length == 3 ? (lead & 0x0F)
                                      : (lead & 0x07);
  for (size_t i = 1; i < length; ++i) {
    uint8_t next = byte(*pos + i);
    if ((next >> 6) != 0x2) {
      ++*pos;
      return lead;
    }
    code_point = (code_point << 6) | (next & 0x3F);
  }
  *pos += length;
  return code_point;
}

bool IsZeroWidth(uint32_t c) {
  return (c >= 0x0300 && c <= 0x036F) ||  // combining diacritical marks
         (c >= 0x1AB0 && c <= 0x1AFF) || (c >= 0x1DC0 && c <= 0x1DFF) ||
         (c >= 0x20D0 && c <= 0x20FF) || (c >= 0xFE20 && c <= 0xFE2F) ||
         (c >= 0x200B && c <= 0x200F) ||  // zero-width space, joiners
         (c >= 0xFE00 && c <= 0xFE0F);    // variation selectors
}

bool IsWide(uint32_t c) {
  return (c >= 0x1100 && c <= 0x115F) ||
         (c >= 0x2E80 && c <= 0xA4CF && c != 0x303F) ||
         (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF) ||
         (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF60) ||
         (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x1F300 && c <= 0x1F64F) ||
         (c >= 0x1F900 && c <= 0x1F9FF) || (c >= 0x20000 && c <= 0x3FFFD);
}

size_t CodePointWidth(uint32_t c) {
  if (IsZeroWidth(c)) return 0;
  return IsWide(c) ? 2 : 1;
}

std::string RightTrimmed(std::string line) {
  while (!line.empty() && line.back() == ' ') line.pop_back();
  return line;
}

}  // namespace

size_t DisplayWidth(std::string_view text) {
  size_t width = 0;
  size_t pos = 0;
  while (pos < text.size()) width += CodePointWidth(NextCodePoint(text, &pos));
  return width;
}

std::string PadToWidth(std::string_view text, size_t width) {
  std::string padded(text);
  size_t current = DisplayWidth(text);
  if (current < width) padded.append(width - current, ' ');
  return padded;
}

std::string TruncateToWidth(std::string_view text, size_t width) {
  if (DisplayWidth(text) <= width) return std::string(text);
  if (width == 0) return "";
  // Keep code points (with their combining marks) while they fit in
  // width - 1 columns, then add the ellipsis.
  size_t used = 0;
  size_t pos = 0;
  size_t keep = 0;
  while (pos < text.size()) {
    size_t start = pos;
    size_t w = CodePointWidth(NextCodePoint(text, &pos));
    if (used + w > width - 1) {
      keep = start;
      break;
    }
    used += w;
    keep = pos;
  }
  return std::string(text.substr(0, keep)) + "…";
}

Table::Table(std::vector<std::string> headers, size_t max_cell_width)
    : headers_(std::move(headers)), max_cell_width_(max_cell_width) {}

void Table::AddRow(std::vector<std::string> cells) {
  cells.resize(headers_.size());
  for (std::string& cell : cells) {
    // A cell is one line: newlines would break the alignment.
    std::replace(cell.begin(), cell.end(), '\n', ' ');
    cell = TruncateToWidth(cell, max_cell_width_);
  }
  rows_.push_back(std::move(cells));
}

std::string Table::Render() const {
  std::vector<size_t> widths;
  for (const std::string& header : headers_) {
    widths.push_back(DisplayWidth(header));
  }
  for (const auto& row : rows_) {
    for (size_t i = 0; i < row.size(); ++i) {
      widths[i] = std::max(widths[i], DisplayWidth(row[i]));
    }
  }
  auto render_row = [&](const std::vector<std::string>& cells) {
    std::string line;
    for (size_t i = 0; i < cells.size(); ++i) {
      if (i > 0) line += "  ";
      line += PadToWidth(cells[i], widths[i]);
    }
    return RightTrimmed(std::move(line)) + "\n";
  };
  std::string text = render_row(headers_);
  std::vector<std::string> rules;
  for (size_t width : widths) rules.push_back(std::string(width, '-'));
  text += render_row(rules);
  for (const auto& row : rows_) text += render_row(row);
  return text;
}

std::string RenderFields(
    const std::vector<std::pair<std::string, std::string>>& fields) {
  size_t name_width = 0;
  for (const auto& [name, value] : fields) {
    if (!value.empty()) name_width = std::max(name_width, DisplayWidth(name));
  }
  std::string text;
  for (const auto& [name, value] : fields) {
    if (value.empty()) continue;
    text += PadToWidth(name + ":", name_width + 1) + " " + value + "\n";
  }
  return text;
}

nlohmann::json ProtoToJson(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  std::string text;
  if (!google::protobuf::util::MessageToJsonString(message, &text, options)
           .ok()) {
    return nlohmann::json::object();
  }
  nlohmann::json json = nlohmann::json::parse(text, nullptr, false);
  return json.is_discarded() ? nlohmann::json::object() : json;
}

void Printer::Json(const nlohmann::json& value) {
  out_ << value.dump(2, ' ', /*ensure_ascii=*/false,
                     nlohmann::json::error_handler_t::replace)
       << "\n";
}

void Printer::Text(std::string_view text) { out_ << text; }

}  // namespace ocoptrace::client
