#include "bench/rpc/ed25519_bounds.h"

#include <sys/resource.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "core/log_entry.h"
#include "core/sha256.h"
#include "core/timestamp.h"

namespace ocoptrace::bench {
namespace {

using SteadyClock = std::chrono::steady_clock;

// Runs `work(thread)` on `threads` threads for `seconds`; `work` returns
// how many operations it did in one call.
template <typename Work>
Measurement RateOf(int threads, double seconds, Work work) {
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> done{0};
  std::vector<std::thread> workers;
  const double cpu_start = ProcessCpuSeconds();
  const auto start = SteadyClock::now();
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      uint64_t local = 0;
      while (!stop.load(std::memory_order_relaxed)) local += work(t);
      done += local;
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (auto& w : workers) w.join();
  const double elapsed =
      std::chrono::duration<double>(SteadyClock::now() - start).count();
  const double ops = static_cast<double>(done.load());
  return {ops / elapsed, 1e6 * (ProcessCpuSeconds() - cpu_start) / ops};
}

// A representative entry text (what the server verifies).
std::string SampleEntryText(uint64_t i) {
  EntryHeader header;
  header.kind = "event.storing";
  header.subject = "batch/08934563123451/LOT-BENCH";
  header.seq = i + 1;
  header.prev = Sha256(absl::StrCat(i));
  header.time = TimestampAt(absl::Now(), 420);
  header.body_hash = Sha256(absl::StrCat("body", i));
  return FormatEntryText(header);
}

}  // namespace

double ProcessCpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec +
         1e-6 * (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec);
}

Measurement VerifyRate(const NoteSigner& signer, int threads, double seconds) {
  std::vector<std::string> texts, signatures;
  for (int i = 0; i < 64; ++i) {
    texts.push_back(SampleEntryText(i));
    signatures.push_back(signer.key.Sign(texts.back()));
  }
  const Ed25519PublicKey& key = signer.key.public_key();
  return RateOf(threads, seconds, [&](int t) -> uint64_t {
    for (int i = 0; i < 64; ++i) {
      if (!key.Verify(texts[i], signatures[i])) std::abort();
    }
    return 64;
  });
}

Measurement SignVerifyRate(const NoteSigner& signer, int threads,
                           double seconds) {
  std::vector<std::string> texts;
  for (int i = 0; i < 64; ++i) texts.push_back(SampleEntryText(i));
  const Ed25519PublicKey& key = signer.key.public_key();
  return RateOf(threads, seconds, [&](int t) -> uint64_t {
    for (int i = 0; i < 64; ++i) {
      const std::string signature = signer.key.Sign(texts[i]);
      if (!key.Verify(texts[i], signature)) std::abort();
    }
    return 64;
  });
}

}  // namespace ocoptrace::bench
