#include "server/http/verifier_endpoints.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "core/base64.h"
#include "core/checkpoint.h"
#include "core/merkle.h"
#include "core/sha256.h"
#include "nlohmann/json.hpp"
#include "server/http/tlog_tiles.h"

namespace ocoptrace::http {
namespace {

using Json = nlohmann::ordered_json;

Response Text(int status, std::string body) {
  Response response;
  response.status = status;
  response.content_type = "text/plain; charset=utf-8";
  response.body = std::move(body);
  response.body += '\n';
  response.AddHeader("Access-Control-Allow-Origin", "*");
  if (status != 200) response.AddHeader("Cache-Control", "no-store");
  return response;
}

Response Binary(std::string body, std::string_view cache_control) {
  Response response;
  response.content_type = "application/octet-stream";
  response.body = std::move(body);
  response.AddHeader("Cache-Control", std::string(cache_control));
  response.AddHeader("Access-Control-Allow-Origin", "*");
  return response;
}

// Whether the first `count` nodes at tree level `height` starting at node
// `first` are complete in a tree of `size` leaves: (first + count) << height
// <= size, without overflow.
bool CoveredBy(uint64_t first, uint64_t count, unsigned height, uint64_t size) {
  if (height >= 64) return false;
  const uint64_t end = first + count;
  if (end < first) return false;
  if (end > (size >> height)) return false;
  return true;
}

}  // namespace

VerifierEndpoints::VerifierEndpoints(const ledger::Ledger* ledger,
                                     const PublicKeySource* keys)
    : ledger_(ledger), keys_(keys) {}

Response VerifierEndpoints::Checkpoint() const {
  absl::StatusOr<ledger::SignedCheckpoint> latest = ledger_->LatestCheckpoint();
  if (!latest.ok()) {
    return Text(404,
                absl::StrCat("no checkpoint yet: ", latest.status().message()));
  }
  Response response = Text(200, "");
  response.body = latest->note;
  response.AddHeader("Cache-Control", "public, max-age=2");
  return response;
}

Response VerifierEndpoints::Tile(std::string_view path) const {
  absl::StatusOr<TilePath> tile = ParseTilePath(path);
  if (!tile.ok()) return Text(400, std::string(tile.status().message()));
  absl::StatusOr<ledger::SignedCheckpoint> latest = ledger_->LatestCheckpoint();
  if (!latest.ok()) return Text(404, "no checkpoint yet");
  const uint64_t size = latest->checkpoint.size;
  const unsigned height = tile->entries ? 0u : 8u * tile->level;
  if (tile->index > (UINT64_MAX - kTileWidth) / kTileWidth ||
      !CoveredBy(tile->index * kTileWidth, tile->width, height, size)) {
    return Text(404, absl::StrCat(FormatTilePath(*tile),
                                  " reaches beyond the latest checkpoint "
                                  "(tree size ",
                                  size, ")"));
  }
  const uint64_t first = tile->index * kTileWidth;
  const std::string_view cache =
      tile->full() ? kImmutableCache : std::string_view("public, max-age=60");
  std::string body;
  if (tile->entries) {
    absl::Status error;
    uint64_t seen = 0;
    absl::Status status =
        ledger_->ForEachEntry(first, [&](const ledger::StoredEntry& entry) {
          if (entry.entry.size() > 0xFFFF) {
            error = absl::InternalError(
                absl::StrCat("entry ", entry.index, " exceeds 65535 bytes"));
            return false;
          }
          body += static_cast<char>(entry.entry.size() >> 8);
          body += static_cast<char>(entry.entry.size() & 0xFF);
          body += entry.entry;
          return ++seen < tile->width;
        });
    if (status.ok()) status = error;
    if (status.ok() && seen != tile->width) {
      status = absl::InternalError("the log ended inside a checkpoint");
    }
    if (!status.ok()) return Text(500, std::string(status.message()));
    return Binary(std::move(body), cache);
  }
  absl::StatusOr<std::vector<Hash>> nodes =
      ledger_->Nodes(static_cast<uint8_t>(height), first, tile->width);
  if (!nodes.ok()) return Text(500, std::string(nodes.status().message()));
  body.reserve(nodes->size() * 32);
  for (const Hash& hash : *nodes) {
    body.append(reinterpret_cast<const char*>(hash.data()), hash.size());
  }
  return Binary(std::move(body), cache);
}

Response VerifierEndpoints::Body(std::string_view index_text) const {
  absl::StatusOr<uint64_t> index = ParseCanonicalDecimal(index_text);
  if (!index.ok()) {
    return Text(400, "body index: a decimal number without leading zeros");
  }
  absl::StatusOr<ledger::StoredEntry> entry = ledger_->Entry(*index);
  if (!entry.ok()) {
    return Text(absl::IsNotFound(entry.status()) ? 404 : 500,
                std::string(entry.status().message()));
  }
  return Binary(std::move(entry->body), kImmutableCache);
}

Response VerifierEndpoints::EntryJson(std::string_view index_text) const {
  absl::StatusOr<uint64_t> index = ParseCanonicalDecimal(index_text);
  if (!index.ok()) {
    return Text(400, "entry index: a decimal number without leading zeros");
  }
  absl::StatusOr<ledger::StoredEntry> entry = ledger_->Entry(*index);
  if (!entry.ok()) {
    return Text(absl::IsNotFound(entry.status()) ? 404 : 500,
                std::string(entry.status().message()));
  }
  Json out = Json::object();
  out["index"] = *index;
  out["entry"] = entry->entry;
  out["body_base64"] = Base64Encode(entry->body);
  out["leaf_hash"] = Base64Encode(HashToBytes(LeafHash(entry->entry)));
  absl::StatusOr<ledger::SignedCheckpoint> latest = ledger_->LatestCheckpoint();
  if (latest.ok() && *index < latest->checkpoint.size) {
    absl::StatusOr<std::vector<Hash>> proof =
        ledger_->InclusionProof(*index, latest->checkpoint.size);
    if (proof.ok()) {
      out["checkpoint"] = latest->note;
      out["tree_size"] = latest->checkpoint.size;
      Json hashes = Json::array();
      for (const Hash& h : *proof)
        hashes.push_back(Base64Encode(HashToBytes(h)));
      out["inclusion_proof"] = std::move(hashes);
    }
  }
  Response response;
  response.content_type = "application/json";
  response.body = out.dump(2, ' ', false, Json::error_handler_t::replace);
  response.AddHeader("Cache-Control", "public, max-age=60");
  response.AddHeader("Access-Control-Allow-Origin", "*");
  return response;
}

Response VerifierEndpoints::Keys() const {
  const PublishedKeys keys = keys_->Keys();
  Json out = Json::object();
  out["log"] = keys.log;
  out["label"] = keys.label;
  out["actors"] = keys.actors;
  out["revoked"] = keys.revoked;
  Response response;
  response.content_type = "application/json";
  response.body = out.dump(2, ' ', false, Json::error_handler_t::replace);
  response.AddHeader("Cache-Control", "public, max-age=60");
  response.AddHeader("Access-Control-Allow-Origin", "*");
  return response;
}

Response VerifierEndpoints::Health() const {
  absl::Status health = ledger_->health();
  if (!health.ok()) return Text(503, std::string(health.message()));
  Response response = Text(200, "ok");
  response.AddHeader("Cache-Control", "no-store");
  return response;
}

}  // namespace ocoptrace::http
