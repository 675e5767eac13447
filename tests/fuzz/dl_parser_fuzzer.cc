// libFuzzer target: the GS1 Digital Link parser and the other parsers the
// consumers' door runs on untrusted input (tile paths, label URLs, query
// strings, weighted header lists). Besides "no crash, no sanitizer report",
// it checks the parser's round-trip property: a link that parses formats
// back to text that parses to the same link.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/digital_link.h"
#include "core/label_payload.h"
#include "server/http/negotiation.h"
#include "server/http/query.h"
#include "server/http/tlog_tiles.h"

namespace {

void Check(bool condition) {
  if (!condition) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  // A whole URI.
  absl::StatusOr<ocoptrace::DigitalLink> link =
      ocoptrace::ParseDigitalLink(input);
  if (link.ok()) {
    const std::string formatted = ocoptrace::FormatDigitalLink(*link);
    absl::StatusOr<ocoptrace::DigitalLink> again =
        ocoptrace::ParseDigitalLink(formatted);
    Check(again.ok());
    Check(*again == *link);
    (void)ocoptrace::CanonicalGs1Uri(*link);
    (void)ocoptrace::ElementString(*link);
  }
  (void)ocoptrace::ParseLabelUrl(input);

  // As an HTTP server sees it: path and query split at the first '?'.
  const size_t q = input.find('?');
  const std::string_view path = input.substr(0, q);
  const std::string_view query =
      q == std::string_view::npos ? std::string_view() : input.substr(q + 1);
  absl::StatusOr<ocoptrace::DigitalLink> split =
      ocoptrace::ParseDigitalLinkPath(path, query);
  if (split.ok()) {
    const std::string formatted = ocoptrace::FormatDigitalLink(*split);
    const size_t fq = formatted.find('?');
    absl::StatusOr<ocoptrace::DigitalLink> again =
        ocoptrace::ParseDigitalLinkPath(
            std::string_view(formatted).substr(0, fq),
            fq == std::string::npos
                ? std::string_view()
                : std::string_view(formatted).substr(fq + 1));
    Check(again.ok());
    Check(again->path == split->path);
    Check(again->attributes == split->attributes);
  }

  // Tile paths: canonical in, canonical out.
  absl::StatusOr<ocoptrace::http::TilePath> tile =
      ocoptrace::http::ParseTilePath(input);
  if (tile.ok()) {
    Check(ocoptrace::http::FormatTilePath(*tile) ==
          "tile/" + std::string(input));
  }
  (void)ocoptrace::http::ParseQuery(input);
  (void)ocoptrace::http::PreferredMediaType(
      input, {"text/html", "application/linkset+json", "application/json"});
  (void)ocoptrace::http::PreferredLanguage(input, {"vi", "en"});
  return 0;
}
