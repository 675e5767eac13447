// What the gRPC benchmarks (bench/rpc, bench/epcis) share: flag parsing, a
// fresh traced to measure, and as its clients channels and call contexts,
// the benchmark producer they register as the bootstrap admin, signing an
// entry, and small statistics.
//
// Thread-safety: plain functions; a channel may be shared by threads.

#ifndef OCOPTRACE_BENCH_RPC_BENCH_CLIENT_H_
#define OCOPTRACE_BENCH_RPC_BENCH_CLIENT_H_

#include <grpcpp/grpcpp.h>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/sha256.h"
#include "core/signed_note.h"
#include "ocoptrace/v1/common.pb.h"
#include "server/app/daemon.h"

namespace ocoptrace::bench {

// Parses "--flag value" pairs: the setter of each flag gets its value.
// Dies naming `usage` on an unknown flag or a missing value.
void ParseFlags(
    int argc, char** argv, const std::string& usage,
    const std::map<std::string, std::function<void(const std::string&)>>&
        setters);

// A traced on a fresh data directory (`dir`, removed first), serving gRPC
// on a free loopback port; dies when it cannot start.
struct BenchDaemon {
  std::unique_ptr<app::Daemon> daemon;
  std::string admin_token;  // The bootstrap admin's.
};
BenchDaemon StartBenchDaemon(const std::string& dir);

// The producer every benchmark registers (id, principal name).
inline constexpr char kBenchProducer[] = "htx-bench";

// Prints "<what>" on stderr and exits 1: a benchmark cannot go on.
[[noreturn]] void Die(const std::string& what);

// Dies with "<what>: <message>" unless `status` is OK.
void CheckGrpc(const grpc::Status& status, const std::string& what);

double Median(std::vector<double> values);

// The machine's cores (at least 1).
int Cores();

// A call context with "Bearer <token>" and a deadline `seconds` away.
std::unique_ptr<grpc::ClientContext> Context(const std::string& token,
                                             int seconds = 60);

// A plaintext channel of its own (not shared with other channels to the
// same target, as separate machines would have) taking messages of up to
// `max_message_bytes` both ways.
std::shared_ptr<grpc::Channel> NewChannel(const std::string& target,
                                          int max_message_bytes = 4 << 20);

// The signed entry for `body` at (`subject`, `seq`, `prev`), timed now in
// Vietnam (+07:00), signed by `key`.
v1::SignedEntry SignEntryFor(const NoteSigner& key, const std::string& kind,
                             const std::string& subject, uint64_t seq,
                             const Hash& prev, const std::string& body);

struct BenchProducer {
  std::string token;  // The producer principal's bearer token.
  NoteSigner key;     // Its registered signing key ("htx-bench-1").
};

// Registers the cooperative kBenchProducer (marked demo), a fresh producer
// key for it and its producer principal, as the admin whose token is
// `admin_token`. Dies on any refusal.
BenchProducer RegisterBenchProducer(
    const std::shared_ptr<grpc::Channel>& channel,
    const std::string& admin_token);

}  // namespace ocoptrace::bench

#endif  // OCOPTRACE_BENCH_RPC_BENCH_CLIENT_H_
