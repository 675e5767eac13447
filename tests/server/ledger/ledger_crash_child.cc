// A ledger process for the crash test: appends forever from several threads
// to a RocksDB ledger and reports every acknowledged entry on stdout as
//   ACK <subject> <seq> <index> <entry hash hex>
// and every new checkpoint as
//   CKPT <size> <root hex>
// until it is killed. Restarting it on the same directory continues each
// subject's chain from its stored head.
//
// usage: ledger_crash_child <dir> <threads>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "server/ledger/ledger.h"
#include "server/storage/rocksdb_store.h"
#include "tests/server/ledger/ledger_crash_common.h"

using namespace ocoptrace;

namespace {

std::mutex output_mutex;

void Emit(const std::string& line) {
  std::lock_guard<std::mutex> lock(output_mutex);
  // One write(2) per line: the parent sees whole lines only.
  std::string with_newline = line + "\n";
  if (write(STDOUT_FILENO, with_newline.data(), with_newline.size()) < 0) {
    std::abort();
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s <dir> <threads>\n", argv[0]);
    return 2;
  }
  const std::string dir = argv[1];
  const int threads = std::atoi(argv[2]);
  auto store = storage::OpenRocksDbStore({.path = dir});
  if (!store.ok()) {
    std::fprintf(stderr, "open: %s\n", store.status().ToString().c_str());
    return 1;
  }
  ledger::StaticKeyResolver keys;
  std::vector<NoteSigner> actors;
  for (int t = 0; t < threads; ++t) {
    actors.push_back(ledger::crash_test::ActorKey(t));
    keys.Add(VerifierOf(actors.back()));
  }
  ledger::LedgerOptions options;
  options.checkpoint_interval = absl::Milliseconds(50);
  auto opened = ledger::Ledger::Open(store->get(), &keys,
                                     ledger::crash_test::LogKey(),
                                     Clock::Real(), options);
  if (!opened.ok()) {
    std::fprintf(stderr, "ledger: %s\n", opened.status().ToString().c_str());
    return 1;
  }
  ledger::Ledger& log = **opened;
  Emit("READY");

  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      const std::string subject = ledger::crash_test::Subject(t);
      auto head = log.Head(subject);
      if (!head.ok()) std::abort();
      uint64_t seq = head->next_seq;
      Hash prev = head->last_hash;
      for (;;) {
        std::string body = absl::StrCat("payload ", t, " ", seq);
        EntryHeader header;
        header.kind = "crash.test";
        header.subject = subject;
        header.seq = seq;
        header.prev = prev;
        header.time = TimestampAt(absl::Now(), 420);
        header.body_hash = Sha256(body);
        auto entry = SignEntry(header, actors[t]);
        auto result = log.Append(*entry, body);
        if (!result.ok()) {
          std::fprintf(stderr, "append: %s\n",
                       result.status().ToString().c_str());
          std::abort();
        }
        Emit(absl::StrCat("ACK ", subject, " ", seq, " ", result->index, " ",
                          HashToHex(result->entry_hash)));
        seq++;
        prev = result->entry_hash;
      }
    });
  }
  uint64_t last_size = 0;
  for (;;) {
    auto checkpoint = log.LatestCheckpoint();
    if (checkpoint.ok() && checkpoint->checkpoint.size != last_size) {
      last_size = checkpoint->checkpoint.size;
      Emit(absl::StrCat("CKPT ", last_size, " ",
                        HashToHex(checkpoint->checkpoint.root)));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}
