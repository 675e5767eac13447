#include "server/http/tlog_tiles.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace ocoptrace::http {
namespace {

// A decimal without leading zeros in [min, max].
bool ParseSmallDecimal(std::string_view text, uint32_t min, uint32_t max,
                       uint32_t* out) {
  if (text.empty() || text.size() > 3) return false;
  if (text.size() > 1 && text[0] == '0') return false;
  uint32_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + static_cast<uint32_t>(c - '0');
  }
  if (value < min || value > max) return false;
  *out = value;
  return true;
}

bool ThreeDigits(std::string_view text, uint64_t* out) {
  if (text.size() != 3) return false;
  uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + static_cast<uint64_t>(c - '0');
  }
  *out = value;
  return true;
}

}  // namespace

std::string FormatTileIndex(uint64_t index) {
  std::vector<uint64_t> groups;
  do {
    groups.push_back(index % 1000);
    index /= 1000;
  } while (index > 0);
  std::string out;
  for (size_t i = groups.size(); i-- > 0;) {
    absl::StrAppend(&out, i > 0 ? "x" : "", absl::StrFormat("%03d", groups[i]),
                    i > 0 ? "/" : "");
  }
  return out;
}

std::string FormatTilePath(const TilePath& tile) {
  std::string out = "tile/";
  if (tile.entries) {
    out += "entries/";
  } else {
    absl::StrAppend(&out, tile.level, "/");
  }
  out += FormatTileIndex(tile.index);
  if (!tile.full()) absl::StrAppend(&out, ".p/", tile.width);
  return out;
}

absl::StatusOr<TilePath> ParseTilePath(std::string_view path) {
  std::vector<std::string_view> parts;
  while (true) {
    size_t slash = path.find('/');
    parts.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
    if (parts.size() > 12) {
      return absl::InvalidArgumentError("tile path: too many elements");
    }
  }
  TilePath tile;
  size_t i = 0;
  if (parts[0] == "entries") {
    tile.entries = true;
  } else {
    uint32_t level;
    if (!ParseSmallDecimal(parts[0], 0, 63, &level)) {
      return absl::InvalidArgumentError(
          "tile path: the level must be 0..63 without leading zeros, or "
          "'entries'");
    }
    tile.level = static_cast<uint8_t>(level);
  }
  ++i;
  // Index elements: "xDDD"* then "DDD" (optionally followed by ".p").
  uint64_t index = 0;
  size_t groups = 0;
  bool partial = false;
  for (; i < parts.size(); ++i) {
    std::string_view element = parts[i];
    const bool last_index_element = !element.starts_with("x");
    if (!last_index_element) element.remove_prefix(1);
    if (last_index_element && element.ends_with(".p")) {
      element.remove_suffix(2);
      partial = true;
    }
    uint64_t group;
    if (!ThreeDigits(element, &group)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "tile path: index element '", std::string(parts[i]),
          "' must be three digits (all but the last prefixed with 'x')"));
    }
    if (groups == 6) {
      return absl::InvalidArgumentError("tile path: index too large");
    }
    index = index * 1000 + group;
    ++groups;
    if (last_index_element) break;
  }
  if (i >= parts.size()) {
    return absl::InvalidArgumentError("tile path: the index is incomplete");
  }
  ++i;
  if (partial) {
    uint32_t width;
    if (i + 1 != parts.size() ||
        !ParseSmallDecimal(parts[i], 1, kTileWidth - 1, &width)) {
      return absl::InvalidArgumentError(
          "tile path: '.p/' must be followed by the width 1..255 without "
          "leading zeros, and nothing else");
    }
    tile.width = width;
  } else if (i != parts.size()) {
    return absl::InvalidArgumentError("tile path: extra elements after index");
  }
  tile.index = index;
  // Canonical: no superfluous leading "x000/" groups.
  if (FormatTileIndex(index).size() != groups * 5 - 2) {
    return absl::InvalidArgumentError(
        "tile path: the index has leading zero groups");
  }
  return tile;
}

}  // namespace ocoptrace::http
