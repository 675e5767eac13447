// VerifierEndpoints: the log published for independent verifiers
// (DESIGN.md §6, normative), read straight from the ledger:
//
//   GET /checkpoint              latest signed checkpoint, text/plain
//   GET /tile/<L>/<N>[.p/<W>]    C2SP tlog-tiles hash tile (tlog_tiles.h)
//   GET /tile/entries/<N>[.p/<W>]  entry bundle: per entry a big-endian
//                                uint16 length, then the entry bytes
//   GET /body/<index>            the body stored with entry <index>
//   GET /entries/<index>         one entry as JSON with its body and an
//                                inclusion proof to the latest checkpoint
//   GET /keys                    {"log", "label", "actors", "revoked"} vkeys
//   GET /healthz                 "ok" while the ledger accepts writes
//
// Tiles are served only inside the latest checkpoint (404 beyond it). Full
// tiles, bundles and bodies never change and are served with
// "Cache-Control: public, max-age=31536000, immutable" so a CDN can carry
// the load; partial tiles and the checkpoint get short max-ages.
//
// Thread-safety: thread-safe (the ledger's reads are).

#ifndef OCOPTRACE_SERVER_HTTP_VERIFIER_ENDPOINTS_H_
#define OCOPTRACE_SERVER_HTTP_VERIFIER_ENDPOINTS_H_

#include <string>
#include <string_view>
#include <vector>

#include "server/http/http_server.h"
#include "server/ledger/ledger.h"

namespace ocoptrace::http {

// The published keys, as signed-note vkeys (FormatVkey).
struct PublishedKeys {
  std::string log;                   // Signs checkpoints.
  std::vector<std::string> label;    // Sign labels (try each).
  std::vector<std::string> actors;   // Active keys that sign entries.
  std::vector<std::string> revoked;  // Revoked actor and label keys.
};

// Implemented by the trace service (its key registry). Thread-safe.
class PublicKeySource {
 public:
  virtual ~PublicKeySource() = default;
  virtual PublishedKeys Keys() const = 0;
};

inline constexpr std::string_view kImmutableCache =
    "public, max-age=31536000, immutable";

class VerifierEndpoints {
 public:
  // Both must outlive this object.
  VerifierEndpoints(const ledger::Ledger* ledger, const PublicKeySource* keys);

  // 200 with the latest checkpoint note; 404 before the first checkpoint.
  Response Checkpoint() const;

  // `path` is what follows "/tile/". 200 with the tile or bundle; 400 for a
  // non-canonical path; 404 when the tile reaches beyond the latest
  // checkpoint (or there is none).
  Response Tile(std::string_view path) const;

  // `index` is the decimal index (canonical, no leading zeros). 200 with
  // the body bytes (application/octet-stream); 404 beyond the log.
  Response Body(std::string_view index) const;

  // 200 with {"index", "entry", "body_base64", "leaf_hash", and, when the
  // latest checkpoint covers the entry, "checkpoint", "tree_size",
  // "inclusion_proof" (base64 hashes, leaf level first)}; 404 beyond the
  // log.
  Response EntryJson(std::string_view index) const;

  // 200 with the keys JSON.
  Response Keys() const;

  // 200 "ok" while the ledger is healthy; 503 with its error otherwise.
  Response Health() const;

 private:
  const ledger::Ledger* const ledger_;
  const PublicKeySource* const keys_;
};

}  // namespace ocoptrace::http

#endif  // OCOPTRACE_SERVER_HTTP_VERIFIER_ENDPOINTS_H_
