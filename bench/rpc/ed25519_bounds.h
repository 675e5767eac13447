// CPU bounds for bench/rpc: how fast this machine verifies (and signs)
// Ed25519 entry signatures with a given number of threads, and the process
// CPU time each operation costs. The server verifies one signature per
// event, so the verify rate with all cores bounds its event rate.
//
// Thread-safety: each function runs its own threads and joins them.

#ifndef OCOPTRACE_BENCH_RPC_ED25519_BOUNDS_H_
#define OCOPTRACE_BENCH_RPC_ED25519_BOUNDS_H_

#include "core/signed_note.h"

namespace ocoptrace::bench {

// User + system CPU time of the whole process so far, in seconds.
double ProcessCpuSeconds();

// A wall-clock rate and the process CPU time spent per operation. On a
// machine shared with other work the rate moves with the load; the CPU
// cost per operation hardly does.
struct Measurement {
  double per_second = 0;
  double cpu_us_per_op = 0;
};

// Ed25519 verifications of entry-sized texts by `threads` threads for
// `seconds`.
Measurement VerifyRate(const NoteSigner& signer, int threads, double seconds);

// The same with a fresh signature made before each verification (what a
// client signing and a server verifying cost together).
Measurement SignVerifyRate(const NoteSigner& signer, int threads,
                           double seconds);

}  // namespace ocoptrace::bench

#endif  // OCOPTRACE_BENCH_RPC_ED25519_BOUNDS_H_
