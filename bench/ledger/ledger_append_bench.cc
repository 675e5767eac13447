// bench/ledger_append: durable appends per second through the ledger with 1,
// 8 and 64 concurrent appenders on a RocksDB log that already holds
// --prefill entries (default 1 M), printed beside the two limits measured in
// the same run on the same disk: the Ed25519 verify rate (all cores) and a
// raw RocksDB synced-WriteBatch rate (8 writers). Also inclusion and
// consistency proof latency at that size.
//
//   ledger_append_bench [--dir DIR] [--prefill N] [--seconds S] [--trials T]
//
// Entries are signed before timing starts (signing is the client's cost);
// the timed part is what the server pays: parse + verify + chain check +
// Merkle nodes + one synced write per group.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/ed25519.h"
#include "core/log_entry.h"
#include "core/merkle.h"
#include "server/ledger/ledger.h"
#include "server/storage/rocksdb_store.h"

using namespace ocoptrace;
using Clock_ = std::chrono::steady_clock;

namespace {

struct Args {
  std::string dir = "var/bench-ledger";
  uint64_t prefill = 1'000'000;
  double seconds = 3;
  int trials = 3;
};

double Median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  size_t n = values.size();
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

double Percentile(std::vector<double> values, double p) {
  std::sort(values.begin(), values.end());
  size_t i = std::min(values.size() - 1,
                      static_cast<size_t>(p * values.size()));
  return values[i];
}

NoteSigner Signer(const std::string& name) {
  return *MakeNoteSigner(name, Ed25519PrivateKey::Generate());
}

// A chain of pre-signed entries for one subject, continuing from `head`.
struct Chain {
  std::vector<std::string> entries;
  std::vector<std::string> bodies;
};

Chain SignChain(const NoteSigner& signer, const std::string& subject,
                const ledger::SubjectHead& head, size_t count) {
  Chain chain;
  uint64_t seq = head.next_seq;
  Hash prev = head.last_hash;
  int64_t now = absl::ToUnixSeconds(absl::Now());
  for (size_t i = 0; i < count; ++i) {
    std::string body = absl::StrCat(
        "{\"step\":\"shipping\",\"qty\":", i, ",\"to\":\"Co.opmart\"}");
    EntryHeader header{"event.shipping", subject, seq, prev,
                       Timestamp{now, 420}, Sha256(body)};
    std::string entry = *SignEntry(header, signer);
    prev = EntryHash(entry);
    seq++;
    chain.entries.push_back(std::move(entry));
    chain.bodies.push_back(std::move(body));
  }
  return chain;
}

// Appends pre-signed chains from `threads` threads for `seconds`; returns
// appends per second.
double RunAppenders(ledger::Ledger& log, const NoteSigner& signer,
                    int threads, double seconds, uint64_t round) {
  // Enough entries per thread for the run at ~30k/s overall.
  size_t per_thread =
      static_cast<size_t>(std::max(200.0, 30000.0 * seconds / threads + 50));
  std::vector<Chain> chains(threads);
  {
    std::vector<std::thread> signers;
    for (int t = 0; t < threads; ++t) {
      signers.emplace_back([&, t] {
        std::string subject = absl::StrCat("batch/bench", round, "/t", t);
        chains[t] = SignChain(signer, subject, *log.Head(subject), per_thread);
      });
    }
    for (auto& s : signers) s.join();
  }
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> done{0};
  std::vector<std::thread> workers;
  auto start = Clock_::now();
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      Chain& chain = chains[t];
      for (size_t i = 0; i < chain.entries.size() && !stop.load(); ++i) {
        auto result = log.Append(chain.entries[i], chain.bodies[i]);
        if (!result.ok()) {
          std::fprintf(stderr, "append failed: %s\n",
                       result.status().ToString().c_str());
          std::abort();
        }
        done.fetch_add(1, std::memory_order_relaxed);
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  uint64_t count = done.load();
  double elapsed =
      std::chrono::duration<double>(Clock_::now() - start).count();
  for (auto& w : workers) w.join();
  return count / elapsed;
}

double VerifyRate(double seconds) {
  NoteSigner signer = Signer("bench.verify");
  EntryHeader header{"event.shipping", "batch/x", 0, Hash{},
                     Timestamp{1700000000, 420}, Sha256("body")};
  std::string entry = *SignEntry(header, signer);
  auto parsed = ParseEntry(entry);
  std::string text = parsed->note.text;
  std::string signature = parsed->note.signatures[0].signature;
  const Ed25519PublicKey& key = signer.key.public_key();
  int threads = std::max(1u, std::thread::hardware_concurrency());
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> count{0};
  std::vector<std::thread> workers;
  auto start = Clock_::now();
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&] {
      uint64_t local = 0;
      while (!stop.load(std::memory_order_relaxed)) {
        if (!key.Verify(text, signature)) std::abort();
        local++;
      }
      count += local;
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (auto& w : workers) w.join();
  return count.load() /
         std::chrono::duration<double>(Clock_::now() - start).count();
}

// Synced WriteBatches of about one entry's size from 8 writers.
double RawSyncedWriteRate(storage::Store& store, double seconds) {
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> count{0};
  std::vector<std::thread> workers;
  std::string value(520, 'v');
  auto start = Clock_::now();
  for (int t = 0; t < 8; ++t) {
    workers.emplace_back([&, t] {
      uint64_t i = 0;
      while (!stop.load(std::memory_order_relaxed)) {
        storage::WriteBatch batch;
        batch.Put(storage::Column::kScans,
                  absl::StrCat("raw/", t, "/", i++), value);
        batch.Put(storage::Column::kScans, absl::StrCat("raw2/", t, "/", i),
                  std::string(32, 'h'));
        if (!store.Write(batch, {.sync = true}).ok()) std::abort();
        count++;
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (auto& w : workers) w.join();
  return count.load() /
         std::chrono::duration<double>(Clock_::now() - start).count();
}

void Prefill(ledger::Ledger& log, const NoteSigner& signer, uint64_t target) {
  if (log.size() >= target) return;
  std::printf("prefilling the log to %llu entries (once; reused later)...\n",
              static_cast<unsigned long long>(target));
  const int threads = 64;
  std::atomic<uint64_t> next{log.size()};
  std::vector<std::thread> workers;
  auto start = Clock_::now();
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      std::string subject = absl::StrCat("batch/prefill/t", t);
      auto head = *log.Head(subject);
      while (next.fetch_add(1) < target) {
        Chain chain = SignChain(signer, subject, head, 1);
        auto r = log.Append(chain.entries[0], chain.bodies[0]);
        if (!r.ok()) std::abort();
        head = {head.next_seq + 1, r->entry_hash, r->index};
        if (t == 0 && r->index % 50000 < 64) {
          std::printf("  %llu / %llu\r", (unsigned long long)r->index,
                      (unsigned long long)target);
          std::fflush(stdout);
        }
      }
    });
  }
  for (auto& w : workers) w.join();
  std::printf("  prefilled to %llu in %.0f s\n",
              static_cast<unsigned long long>(log.size()),
              std::chrono::duration<double>(Clock_::now() - start).count());
}

}  // namespace

int main(int argc, char** argv) {
  Args args;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--dir") args.dir = argv[i + 1];
    else if (flag == "--prefill") args.prefill = std::stoull(argv[i + 1]);
    else if (flag == "--seconds") args.seconds = std::stod(argv[i + 1]);
    else if (flag == "--trials") args.trials = std::stoi(argv[i + 1]);
    else {
      std::fprintf(stderr, "unknown flag %s\n", argv[i]);
      return 2;
    }
  }
  std::filesystem::create_directories(args.dir);
  auto store = storage::OpenRocksDbStore({.path = args.dir + "/db"});
  if (!store.ok()) {
    std::fprintf(stderr, "%s\n", store.status().ToString().c_str());
    return 1;
  }
  // Fixed keys so that a reused prefilled log opens with the same log key.
  NoteSigner log_key = *MakeNoteSigner(
      "bench.log", *Ed25519PrivateKey::FromSeed(std::string(32, '\x42')));
  NoteSigner actor = *MakeNoteSigner(
      "bench.actor", *Ed25519PrivateKey::FromSeed(std::string(32, '\x43')));
  ledger::StaticKeyResolver keys;
  keys.Add(VerifierOf(actor));
  ledger::LedgerOptions options;
  auto opened =
      ledger::Ledger::Open(store->get(), &keys, log_key, Clock::Real(), options);
  if (!opened.ok()) {
    std::fprintf(stderr, "%s\n", opened.status().ToString().c_str());
    return 1;
  }
  ledger::Ledger& log = **opened;
  Prefill(log, actor, args.prefill);
  const uint64_t older = log.CheckpointNow()->checkpoint.size;

  std::vector<double> verify_rates, raw_rates;
  std::map<int, std::vector<double>> append_rates;
  uint64_t round = static_cast<uint64_t>(absl::ToUnixSeconds(absl::Now()));
  for (int trial = 0; trial < args.trials; ++trial) {
    verify_rates.push_back(VerifyRate(args.seconds / 2));
    raw_rates.push_back(RawSyncedWriteRate(**store, args.seconds / 2));
    for (int threads : {1, 8, 64}) {
      append_rates[threads].push_back(
          RunAppenders(log, actor, threads, args.seconds, round++));
    }
  }
  double verify = Median(verify_rates);
  double raw = Median(raw_rates);
  double limit = std::min(verify, raw);
  std::printf("\nledger_append at %llu entries (%d trials, medians)\n",
              static_cast<unsigned long long>(log.size()), args.trials);
  std::printf("  limit: Ed25519 verify, %u threads   %10.0f /s\n",
              std::max(1u, std::thread::hardware_concurrency()), verify);
  std::printf("  limit: RocksDB synced WriteBatch, 8 %10.0f /s\n", raw);
  for (auto& [threads, rates] : append_rates) {
    double rate = Median(rates);
    std::printf("  durable appends, %2d appenders      %10.0f /s  = %5.1f %% of "
                "the lower limit\n",
                threads, rate, 100.0 * rate / limit);
  }

  // Proof latency at this size.
  auto checkpoint = log.CheckpointNow();
  uint64_t size = checkpoint->checkpoint.size;
  std::mt19937_64 random(7);
  std::vector<double> inclusion_us, consistency_us;
  for (int i = 0; i < 2000; ++i) {
    uint64_t index = random() % size;
    auto t0 = Clock_::now();
    auto proof = log.InclusionProof(index, size);
    auto t1 = Clock_::now();
    if (!proof.ok()) std::abort();
    inclusion_us.push_back(
        std::chrono::duration<double, std::micro>(t1 - t0).count());
  }
  for (int i = 0; i < 500 && older > 0; ++i) {
    auto t0 = Clock_::now();
    auto proof = log.ConsistencyProof(older, size);
    auto t1 = Clock_::now();
    if (!proof.ok()) break;
    consistency_us.push_back(
        std::chrono::duration<double, std::micro>(t1 - t0).count());
  }
  std::printf("  inclusion proof at %llu: median %.1f us, p99 %.1f us\n",
              static_cast<unsigned long long>(size), Median(inclusion_us),
              Percentile(inclusion_us, 0.99));
  if (!consistency_us.empty()) {
    std::printf("  consistency proof %llu -> %llu: median %.1f us, p99 %.1f us\n",
                static_cast<unsigned long long>(older),
                static_cast<unsigned long long>(size), Median(consistency_us),
                Percentile(consistency_us, 0.99));
  }
  return 0;
}
