// What tracectl prints: aligned text tables and "field: value" blocks for
// people, JSON for programs (--json).
//
// Widths count what a terminal shows, not bytes: one column per Unicode
// code point, none for combining marks (Vietnamese typed in decomposed
// form, e.g. "a" + U+0301), two for East Asian wide characters. So
// "Miến dong Tài Hoan" (18 code points, 23 bytes) takes 18 columns.
//
// Thread-safety: Table and Printer are not thread-safe; the free functions
// are.

#ifndef OCOPTRACE_CLIENT_OUTPUT_H_
#define OCOPTRACE_CLIENT_OUTPUT_H_

#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "google/protobuf/message.h"
#include "nlohmann/json.hpp"

namespace ocoptrace::client {

// Columns that `text` (UTF-8) takes on a terminal; invalid bytes count one.
size_t DisplayWidth(std::string_view text);

// `text` followed by spaces up to `width` columns (unchanged when wider).
std::string PadToWidth(std::string_view text, size_t width);

// `text` cut to at most `width` columns, ending in "…" when cut.
std::string TruncateToWidth(std::string_view text, size_t width);

// A text table: a header row, a rule, then rows; columns separated by two
// spaces and padded to the widest cell. Cells longer than `max_cell_width`
// columns are truncated with "…". Trailing spaces are not printed.
class Table {
 public:
  explicit Table(std::vector<std::string> headers, size_t max_cell_width = 48);

  // Adds a row; missing cells are empty, extra cells are dropped.
  void AddRow(std::vector<std::string> cells);
  size_t rows() const { return rows_.size(); }

  std::string Render() const;

 private:
  std::vector<std::string> headers_;
  std::vector<std::vector<std::string>> rows_;
  size_t max_cell_width_;
};

// "name: value" lines with the names padded to the same width; pairs with
// an empty value are skipped.
std::string RenderFields(
    const std::vector<std::pair<std::string, std::string>>& fields);

// A protobuf message as JSON (proto field names, enums by name, bytes in
// base64, default values omitted).
nlohmann::json ProtoToJson(const google::protobuf::Message& message);

// Prints either for people or as JSON, depending on --json.
class Printer {
 public:
  Printer(std::ostream& out, bool json) : out_(out), json_(json) {}
  bool json() const { return json_; }
  std::ostream& out() { return out_; }

  // Prints `value` as pretty JSON followed by a newline.
  void Json(const nlohmann::json& value);
  // Prints `text` as is (people's output).
  void Text(std::string_view text);

 private:
  std::ostream& out_;
  bool json_;
};

}  // namespace ocoptrace::client

#endif  // OCOPTRACE_CLIENT_OUTPUT_H_
