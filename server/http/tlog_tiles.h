// C2SP tlog-tiles resource paths (https://c2sp.org/tlog-tiles):
//
//   tile/<L>/<N>[.p/<W>]        hash tile: tree level 8L, hashes
//                               [N*256, N*256+W) of that level
//   tile/entries/<N>[.p/<W>]    entry bundle: entries [N*256, N*256+W)
//
// <N> is written in zero-padded 3-digit path elements, all but the last
// prefixed with 'x' (1234067 -> "x001/x234/067"); <L> is 0..63 and <W>
// 1..255, both decimal without leading zeros; full tiles (W = 256) have no
// ".p/" suffix. Parsing accepts only the canonical form, so every resource
// has exactly one URL (important for caches).
//
// Thread-safety: pure functions.

#ifndef OCOPTRACE_SERVER_HTTP_TLOG_TILES_H_
#define OCOPTRACE_SERVER_HTTP_TLOG_TILES_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace ocoptrace::http {

inline constexpr uint32_t kTileWidth = 256;

struct TilePath {
  bool entries = false;         // An entry bundle rather than a hash tile.
  uint8_t level = 0;            // Tile level L (hash tiles only).
  uint64_t index = 0;           // N
  uint32_t width = kTileWidth;  // W; kTileWidth for a full tile.

  bool full() const { return width == kTileWidth; }
  friend bool operator==(const TilePath&, const TilePath&) = default;
};

// Parses the part of a tile URL after "tile/" ("0/x001/234/067.p/12",
// "entries/005"). InvalidArgument, saying which element is wrong, for
// anything but the canonical form.
absl::StatusOr<TilePath> ParseTilePath(std::string_view path);

// "tile/0/x001/234/067.p/12" or "tile/entries/005" for `tile` (no leading
// '/'). Requires 1 <= width <= 256 and level <= 63.
std::string FormatTilePath(const TilePath& tile);

// "x001/x234/067" for 1234067.
std::string FormatTileIndex(uint64_t index);

}  // namespace ocoptrace::http

#endif  // OCOPTRACE_SERVER_HTTP_TLOG_TILES_H_
