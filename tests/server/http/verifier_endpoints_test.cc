// The verifier endpoints over a real Ledger (MemoryStore): a verifier that
// sees nothing but /checkpoint, /keys and the tiles rebuilds the
// checkpoint's root and checks every entry's signature.
#include "server/http/verifier_endpoints.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>

#include "absl/strings/str_cat.h"
#include "core/base64.h"
#include "core/checkpoint.h"
#include "core/log_entry.h"
#include "core/merkle.h"
#include "core/signed_note.h"
#include "nlohmann/json.hpp"
#include "server/http/site.h"
#include "server/http/tlog_tiles.h"
#include "server/storage/memory_store.h"
#include "tests/server/http/fake_catalog.h"
#include "tests/server/http/http_test_util.h"
#include "tests/server/ledger/ledger_test_util.h"

namespace ocoptrace::http {
namespace {

using ::ocoptrace::ledger::testing::TestActor;
using ::ocoptrace::ledger::testing::TestLogKey;
using ::testing::HasSubstr;
using testing::HeaderOf;
using testing::MakeRequest;

constexpr uint64_t kEntries = 700;

class StaticKeys : public PublicKeySource {
 public:
  PublishedKeys keys;
  PublishedKeys Keys() const override { return keys; }
};

class VerifierEndpointsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    key_resolver_.Add(alice_.verifier());
    key_resolver_.Add(bob_.verifier());
    ledger::LedgerOptions options;
    options.checkpoint_interval = absl::ZeroDuration();
    auto opened = ledger::Ledger::Open(&store_, &key_resolver_, log_key_,
                                       &clock_, options);
    ASSERT_TRUE(opened.ok()) << opened.status();
    ledger_ = std::move(*opened);
    keys_.keys.log = FormatVkey(VerifierOf(log_key_));
    keys_.keys.label = {
        "label.test+01234567+AWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXoxMjM0NTY3OA"};
    keys_.keys.actors = {FormatVkey(alice_.verifier()),
                         FormatVkey(bob_.verifier())};
    SiteDeps deps;
    deps.resolver_data = &catalog_;
    deps.page_data = &catalog_;
    deps.ledger = ledger_.get();
    deps.keys = &keys_;
    deps.clock = &clock_;
    site_ = std::make_unique<Site>(deps, SiteOptions{});
  }

  void Append(uint64_t count) {
    for (uint64_t i = 0; i < count; ++i) {
      const uint64_t n = ledger_->size();
      // Each actor keeps its own subjects (it tracks their heads).
      const bool by_bob = n % 3 == 0;
      TestActor& actor = by_bob ? bob_ : alice_;
      const std::string subject =
          absl::StrCat("batch/", by_bob ? 4 + n % 3 : 1 + n % 3);
      const std::string body = absl::StrCat("body of entry ", n);
      const std::string entry = actor.NextEntry(subject, body);
      auto result = ledger_->Append(entry, body);
      ASSERT_TRUE(result.ok()) << result.status();
      actor.Accept(subject, entry);
      bodies_.push_back(body);
    }
  }

  // GET through the site's router, as a remote verifier would.
  Response Get(const std::string& target) {
    Response out;
    bool answered = false;
    site_->Handle(MakeRequest("GET", target), [&](Response r) {
      out = std::move(r);
      answered = true;
    });
    EXPECT_TRUE(answered) << target;
    return out;
  }

  std::vector<Hash> HashTile(uint8_t level, uint64_t index, uint32_t width) {
    TilePath tile{false, level, index, width};
    Response r = Get("/" + FormatTilePath(tile));
    EXPECT_EQ(r.status, 200) << FormatTilePath(tile) << ": " << r.body;
    EXPECT_EQ(r.body.size(), width * 32u);
    std::vector<Hash> hashes(r.body.size() / 32);
    for (size_t i = 0; i < hashes.size(); ++i) {
      std::copy_n(r.body.data() + i * 32, 32, hashes[i].data());
    }
    return hashes;
  }

  storage::MemoryStore store_;
  ledger::StaticKeyResolver key_resolver_;
  FakeClock clock_{absl::FromUnixSeconds(1700000000)};
  NoteSigner log_key_ = TestLogKey();
  TestActor alice_{"alice.producer"};
  TestActor bob_{"bob.producer"};
  std::unique_ptr<ledger::Ledger> ledger_;
  StaticKeys keys_;
  testing::FakeCatalog catalog_;
  std::unique_ptr<Site> site_;
  std::vector<std::string> bodies_;
};

// A verifier that trusts only the log's key rebuilds everything from
// /checkpoint, /keys and the tiles.
TEST_F(VerifierEndpointsTest, RebuildsTheCheckpointRootFromTilesAlone) {
  Append(kEntries);
  ASSERT_TRUE(ledger_->CheckpointNow().ok());
  Append(37);  // Beyond the checkpoint: must not matter.

  nlohmann::json keys = nlohmann::json::parse(Get("/keys").body);
  absl::StatusOr<NoteVerifier> log_key =
      ParseVkey(keys["log"].get<std::string>());
  ASSERT_TRUE(log_key.ok()) << log_key.status();
  std::vector<NoteVerifier> actors;
  for (const auto& vkey : keys["actors"]) {
    absl::StatusOr<NoteVerifier> actor = ParseVkey(vkey.get<std::string>());
    ASSERT_TRUE(actor.ok()) << actor.status();
    actors.push_back(*actor);
  }
  Response checkpoint_response = Get("/checkpoint");
  ASSERT_EQ(checkpoint_response.status, 200);
  absl::StatusOr<Checkpoint> checkpoint =
      OpenCheckpoint(checkpoint_response.body, *log_key);
  ASSERT_TRUE(checkpoint.ok()) << checkpoint.status();
  const uint64_t size = checkpoint->size;
  ASSERT_EQ(size, kEntries);

  // Entry bundles: every entry parses, is signed by a published actor key,
  // and hashes to the level-0 tile.
  std::vector<Hash> leaves;
  for (uint64_t n = 0; n * kTileWidth < size; ++n) {
    const uint32_t width = static_cast<uint32_t>(
        std::min<uint64_t>(kTileWidth, size - n * kTileWidth));
    Response bundle = Get("/" + FormatTilePath({true, 0, n, width}));
    ASSERT_EQ(bundle.status, 200) << bundle.body;
    std::string_view data = bundle.body;
    uint32_t count = 0;
    while (!data.empty()) {
      ASSERT_GE(data.size(), 2u);
      const size_t length =
          static_cast<uint8_t>(data[0]) << 8 | static_cast<uint8_t>(data[1]);
      ASSERT_GE(data.size(), 2 + length);
      const std::string_view entry = data.substr(2, length);
      data.remove_prefix(2 + length);
      absl::StatusOr<OpenedNote> opened = OpenNote(entry, actors);
      EXPECT_TRUE(opened.ok())
          << "entry " << leaves.size() << ": " << opened.status();
      EXPECT_TRUE(ParseEntry(entry).ok());
      leaves.push_back(LeafHash(entry));
      ++count;
    }
    EXPECT_EQ(count, width);
    EXPECT_EQ(HashTile(0, n, width),
              std::vector<Hash>(leaves.end() - width, leaves.end()));
  }
  ASSERT_EQ(leaves.size(), size);

  // The tree node at `height` and `index`, from the tiles: stored nodes at
  // tree level 8L, hashed up the remaining height % 8 levels.
  std::map<std::pair<int, uint64_t>, std::vector<Hash>> tiles;
  auto node = [&](unsigned height, uint64_t index) {
    const uint8_t level = static_cast<uint8_t>(height / 8);
    const unsigned rest = height % 8;
    const uint64_t first = index << rest;
    const uint64_t stored_at_level = size >> (8 * level);
    std::vector<Hash> span;
    for (uint64_t j = first; j < first + (uint64_t{1} << rest); ++j) {
      const uint64_t t = j / kTileWidth;
      auto& tile = tiles[{level, t}];
      if (tile.empty()) {
        const uint32_t width = static_cast<uint32_t>(
            std::min<uint64_t>(kTileWidth, stored_at_level - t * kTileWidth));
        tile = HashTile(level, t, width);
      }
      span.push_back(tile.at(j % kTileWidth));
    }
    return RootOfLeafHashes(span);
  };
  // The root: the perfect subtrees of size's binary decomposition, folded
  // from the right (RFC 9162 §2.1.1).
  std::vector<Hash> subtrees;
  uint64_t start = 0;
  for (int bit = 63; bit >= 0; --bit) {
    const uint64_t span = uint64_t{1} << bit;
    if (size & span) {
      subtrees.push_back(node(bit, start >> bit));
      start += span;
    }
  }
  Hash root = subtrees.back();
  for (size_t i = subtrees.size() - 1; i-- > 0;)
    root = NodeHash(subtrees[i], root);
  EXPECT_EQ(HashToHex(root), HashToHex(checkpoint->root));
  // The level-1 tile is made of the level-0 tiles' roots.
  EXPECT_EQ(HashTile(1, 0, 2)[1],
            RootOfLeafHashes({leaves.begin() + 256, leaves.begin() + 512}));
  EXPECT_EQ(RootOfLeafHashes(leaves), checkpoint->root);
}

TEST_F(VerifierEndpointsTest, TilesBeyondTheLatestCheckpointAre404) {
  EXPECT_EQ(Get("/checkpoint").status, 404);
  EXPECT_EQ(Get("/tile/0/000.p/1").status, 404);
  Append(kEntries);
  ASSERT_TRUE(ledger_->CheckpointNow().ok());
  Append(100);  // Size 800; the checkpoint stays at 700 = 2*256 + 188.
  EXPECT_EQ(Get("/tile/0/001").status, 200);
  EXPECT_EQ(Get("/tile/0/002").status, 404);
  EXPECT_EQ(Get("/tile/0/002.p/188").status, 200);
  EXPECT_EQ(Get("/tile/0/002.p/189").status, 404);
  EXPECT_EQ(Get("/tile/0/003.p/1").status, 404);
  EXPECT_EQ(Get("/tile/entries/002.p/188").status, 200);
  EXPECT_EQ(Get("/tile/entries/002").status, 404);
  EXPECT_EQ(Get("/tile/1/000.p/2").status, 200);
  EXPECT_EQ(Get("/tile/1/000.p/3").status, 404);
  EXPECT_EQ(Get("/tile/1/000").status, 404);
  EXPECT_EQ(Get("/tile/2/000.p/1").status, 404);
  EXPECT_EQ(Get("/tile/63/x999/x999/x999/x999/x999/999").status, 404);
  Response beyond = Get("/tile/0/002");
  EXPECT_THAT(beyond.body, HasSubstr("tree size 700"));
}

TEST_F(VerifierEndpointsTest, CacheHeadersAndContentTypes) {
  Append(300);
  ASSERT_TRUE(ledger_->CheckpointNow().ok());
  Response full = Get("/tile/0/000");
  EXPECT_EQ(full.content_type, "application/octet-stream");
  EXPECT_EQ(HeaderOf(full, "Cache-Control"),
            "public, max-age=31536000, immutable");
  EXPECT_EQ(HeaderOf(Get("/tile/entries/000"), "Cache-Control"),
            "public, max-age=31536000, immutable");
  Response partial = Get("/tile/0/001.p/44");
  EXPECT_EQ(partial.status, 200);
  EXPECT_EQ(HeaderOf(partial, "Cache-Control"), "public, max-age=60");
  Response checkpoint = Get("/checkpoint");
  EXPECT_EQ(checkpoint.content_type, "text/plain; charset=utf-8");
  EXPECT_EQ(HeaderOf(checkpoint, "Cache-Control"), "public, max-age=2");
  EXPECT_THAT(checkpoint.body, HasSubstr("log.test.ocoptrace\n300\n"));
  EXPECT_EQ(HeaderOf(full, "Access-Control-Allow-Origin"), "*");
}

TEST_F(VerifierEndpointsTest, NonCanonicalTilePathsAre400) {
  Append(10);
  ASSERT_TRUE(ledger_->CheckpointNow().ok());
  for (const char* path :
       {"/tile/0/0", "/tile/00/000.p/10", "/tile/0/x000/000.p/10",
        "/tile/0/000.p/0", "/tile/0/000.p/256", "/tile/0/000.p/010",
        "/tile/0/000.p/10/x", "/tile/64/000", "/tile/0/", "/tile/",
        "/tile/entries/000.p", "/tile/0/x001", "/tile/0/0a0", "/tile/-1/000"}) {
    EXPECT_EQ(Get(path).status, 400) << path;
  }
}

TEST_F(VerifierEndpointsTest, BodiesAndEntries) {
  Append(20);
  ASSERT_TRUE(ledger_->CheckpointNow().ok());
  Append(1);
  Response body = Get("/body/5");
  EXPECT_EQ(body.status, 200);
  EXPECT_EQ(body.body, bodies_[5]);
  EXPECT_EQ(HeaderOf(body, "Cache-Control"),
            "public, max-age=31536000, immutable");
  EXPECT_EQ(Get("/body/05").status, 400);
  EXPECT_EQ(Get("/body/x").status, 400);
  EXPECT_EQ(Get("/body/999").status, 404);

  nlohmann::json entry = nlohmann::json::parse(Get("/entries/7").body);
  EXPECT_EQ(entry["index"], 7);
  EXPECT_EQ(entry["tree_size"], 20);
  absl::StatusOr<Checkpoint> checkpoint = OpenCheckpoint(
      entry["checkpoint"].get<std::string>(), VerifierOf(log_key_));
  ASSERT_TRUE(checkpoint.ok());
  std::vector<Hash> proof;
  for (const auto& h : entry["inclusion_proof"]) {
    absl::StatusOr<std::string> bytes = Base64Decode(h.get<std::string>());
    ASSERT_TRUE(bytes.ok());
    proof.push_back(*HashFromBytes(*bytes, "proof hash"));
  }
  EXPECT_TRUE(VerifyInclusion(7, 20,
                              LeafHash(entry["entry"].get<std::string>()),
                              proof, checkpoint->root)
                  .ok());
  // Past the checkpoint: the entry, without a proof yet.
  nlohmann::json pending = nlohmann::json::parse(Get("/entries/20").body);
  EXPECT_FALSE(pending.contains("inclusion_proof"));
  EXPECT_EQ(Get("/entries/21").status, 404);
}

TEST_F(VerifierEndpointsTest, KeysAndHealth) {
  nlohmann::json keys = nlohmann::json::parse(Get("/keys").body);
  EXPECT_EQ(keys["log"], FormatVkey(VerifierOf(log_key_)));
  EXPECT_EQ(keys["label"].size(), 1u);
  EXPECT_EQ(keys["actors"].size(), 2u);
  EXPECT_TRUE(keys["revoked"].is_array());
  Response health = Get("/healthz");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.body, "ok\n");
  store_.FailWritesWith(absl::DataLossError("disk on fire"));
  TestActor& actor = alice_;
  const std::string entry = actor.NextEntry("batch/x", "b");
  EXPECT_FALSE(ledger_->Append(entry, "b").ok());
  health = Get("/healthz");
  EXPECT_EQ(health.status, 503);
  EXPECT_THAT(health.body, HasSubstr("disk on fire"));
  EXPECT_THAT(Get("/metrics").body, HasSubstr("ocoptrace_ledger_healthy 0\n"));
}

TEST(TlogTilesTest, IndexEncoding) {
  EXPECT_EQ(FormatTileIndex(0), "000");
  EXPECT_EQ(FormatTileIndex(5), "005");
  EXPECT_EQ(FormatTileIndex(1000), "x001/000");
  EXPECT_EQ(FormatTileIndex(1234067), "x001/x234/067");
  EXPECT_EQ(FormatTilePath({false, 0, 1234067, 256}), "tile/0/x001/x234/067");
  EXPECT_EQ(FormatTilePath({false, 2, 1, 17}), "tile/2/001.p/17");
  EXPECT_EQ(FormatTilePath({true, 0, 3, 112}), "tile/entries/003.p/112");
  for (uint64_t index :
       {0ull, 7ull, 999ull, 1000ull, 1234067ull, 999999999999ull}) {
    for (uint32_t width : {1u, 255u, 256u}) {
      TilePath tile{index % 2 == 0, static_cast<uint8_t>(index % 64), index,
                    width};
      if (tile.entries) tile.level = 0;
      std::string path = FormatTilePath(tile).substr(5);
      absl::StatusOr<TilePath> parsed = ParseTilePath(path);
      ASSERT_TRUE(parsed.ok()) << path << ": " << parsed.status();
      EXPECT_EQ(*parsed, tile) << path;
    }
  }
}

}  // namespace
}  // namespace ocoptrace::http
