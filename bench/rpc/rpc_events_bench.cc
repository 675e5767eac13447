// bench/rpc_events: supply-chain events recorded per second through gRPC
// (Trace.RecordEvent) by 64 concurrent clients against a real traced
// (app::Daemon on RocksDB, durable: every receipt follows a synced WAL
// write), each client appending to its own batch so chains never contend.
// Every event is a TraceEvent body signed as an entry with the producer's
// Ed25519 key and verified by the server.
//
// The server and the clients are two processes (fork), so that the CPU
// time each spends per event is measured separately; they share the
// machine's cores as they would on a one-box installation.
//
// The bound, measured in the same run on the same machine: the server must
// verify one Ed25519 signature per event, so with C cores it can never
// record more than C x (verify rate of one core) events per second.
//   A  pre-signed: clients sign their chains before the timed window (the
//      signing a real client does on its own machine); compared with the
//      Ed25519 verify rate using all cores (bound A).
//   B  signed in the loop: each client signs each event just before
//      sending it; compared with the sign+verify rate using all cores
//      (bound B), since both costs land on the same cores here.
// Besides the wall-clock rates, the CPU time per event says what the rates
// would be on an otherwise idle machine: the server's share of the bound
// is (verify CPU per signature) / (server CPU per event).
//
//   rpc_events_bench [--dir DIR] [--clients N] [--seconds S] [--trials T]
//
// Prints every trial and the medians. Not a test: numbers depend on the
// machine and on whatever else runs on it.

#include <grpcpp/grpcpp.h>

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "bench/rpc/bench_client.h"
#include "bench/rpc/ed25519_bounds.h"
#include "core/ed25519.h"
#include "core/log_entry.h"
#include "core/sha256.h"
#include "core/signed_note.h"
#include "ocoptrace/v1/admin.grpc.pb.h"
#include "ocoptrace/v1/registry.grpc.pb.h"
#include "ocoptrace/v1/trace.grpc.pb.h"
#include "ocoptrace/v1/verify.grpc.pb.h"
#include "server/app/daemon.h"
#include "server/trace/subjects.h"

namespace {

using namespace ocoptrace;
namespace v1 = ::ocoptrace::v1;
using SteadyClock = std::chrono::steady_clock;
using bench::CheckGrpc;
using bench::Context;
using bench::Cores;
using bench::Die;
using bench::Measurement;
using bench::Median;
using bench::NewChannel;
using bench::ProcessCpuSeconds;
using bench::SignVerifyRate;
using bench::VerifyRate;

constexpr const char* kProducer = bench::kBenchProducer;
constexpr char kGtin[] = "08934563123451";

struct Args {
  std::string dir = "var/bench-rpc";
  int clients = 64;
  double seconds = 3;
  int trials = 5;
};

// One client's batch chain: where the next entry goes.
struct ChainHead {
  std::string lot;
  uint64_t next_seq = 0;
  Hash prev{};
};

v1::SignedEntry SignEvent(const NoteSigner& key, ChainHead& head,
                          uint64_t counter) {
  v1::TraceEvent event;
  event.set_business_step("storing");
  const Timestamp now = TimestampAt(absl::Now(), 420);
  event.mutable_event_time()->set_unix_seconds(now.unix_seconds - 1);
  event.mutable_event_time()->set_utc_offset_minutes(420);
  event.mutable_location()->set_description(
      "Kho thành phẩm HTX Tài Hoan, thôn Chè Cọ");
  event.mutable_quantity()->set_amount(static_cast<double>(counter % 500 + 1));
  event.mutable_quantity()->set_unit("XBX");
  event.set_performed_by("Tổ kho");
  const std::string body = event.SerializeAsString();
  EntryHeader header;
  header.kind = "event.storing";
  header.subject = trace::BatchSubject(kGtin, head.lot);
  header.seq = head.next_seq;
  header.prev = head.prev;
  header.time = now;
  header.body_hash = Sha256(body);
  absl::StatusOr<std::string> entry = SignEntry(header, key);
  if (!entry.ok()) Die(std::string(entry.status().message()));
  head.prev = EntryHash(*entry);
  head.next_seq++;
  v1::SignedEntry signed_entry;
  signed_entry.set_entry(*entry);
  signed_entry.set_body(body);
  return signed_entry;
}

struct Cast {
  std::string token;
  NoteSigner key;
  std::vector<ChainHead> chains;
};

// Registers the producer, its key and principal, the product and one batch
// per client, over gRPC as the bootstrap admin.
Cast SetUp(const std::string& target, const std::string& admin_token,
           int clients) {
  Cast cast;
  auto channel = NewChannel(target);
  auto registry = v1::Registry::NewStub(channel);
  auto trace_stub = v1::Trace::NewStub(channel);
  v1::EntryReceipt receipt;

  bench::BenchProducer producer =
      bench::RegisterBenchProducer(channel, admin_token);
  cast.token = producer.token;
  cast.key = producer.key;

  auto sign = [&](const std::string& kind, const std::string& subject,
                  const google::protobuf::Message& body) {
    return bench::SignEntryFor(cast.key, kind, subject, 0, Hash{},
                               body.SerializeAsString());
  };
  v1::ProductRecord product;
  product.set_gtin(kGtin);
  product.set_name("Miến dong Tài Hoan");
  product.set_producer_id(kProducer);
  product.set_group(v1::OCOP_GROUP_FOOD);
  product.set_demo(true);
  v1::RegisterProductRequest register_product;
  *register_product.mutable_signed_() =
      sign("product.registered", trace::ProductSubject(kGtin), product);
  CheckGrpc(registry->RegisterProduct(Context(cast.token).get(),
                                      register_product, &receipt),
            "RegisterProduct");

  for (int c = 0; c < clients; ++c) {
    ChainHead head;
    head.lot = absl::StrCat("BENCH-", c);
    v1::BatchRecord batch;
    batch.set_gtin(kGtin);
    batch.set_lot(head.lot);
    batch.mutable_production_date()->set_iso_date("2024-05-30");
    batch.mutable_quantity()->set_amount(1000);
    batch.mutable_quantity()->set_unit("XBX");
    batch.set_demo(true);
    v1::CreateBatchRequest create;
    *create.mutable_signed_() =
        sign("batch.created", trace::BatchSubject(kGtin, head.lot), batch);
    CheckGrpc(
        trace_stub->CreateBatch(Context(cast.token).get(), create, &receipt),
        "CreateBatch");
    head.next_seq = 1;
    head.prev = *HashFromBytes(receipt.entry_hash());
    cast.chains.push_back(head);
  }
  return cast;
}

// What one client run reports.
struct RunResult {
  double per_second = 0;      // Events recorded per second (window).
  double client_cpu_us = 0;   // Client process CPU per event (window).
  uint64_t total_events = 0;  // Events recorded in the whole run.
  int ran_out = 0;            // Clients that ran out of pre-signed events.
};

// Runs the clients against `target` for a warm-up, a timed window of
// `seconds`, and the calls in flight at its end. With `presign`, each
// client first signs `presign_count` events (not timed).
RunResult RecordEvents(const std::string& target, Cast& cast, double seconds,
                       bool presign, size_t presign_count) {
  const int clients = static_cast<int>(cast.chains.size());
  std::vector<std::vector<v1::RecordEventRequest>> presigned(clients);
  if (presign) {
    std::vector<std::thread> signers;
    for (int t = 0; t < Cores(); ++t) {
      signers.emplace_back([&, t] {
        for (int c = t; c < clients; c += Cores()) {
          for (size_t i = 0; i < presign_count; ++i) {
            v1::RecordEventRequest request;
            *request.mutable_signed_() = SignEvent(cast.key, cast.chains[c], i);
            presigned[c].push_back(std::move(request));
          }
        }
      });
    }
    for (auto& s : signers) s.join();
  }

  enum Phase { kWarmUp, kMeasure, kStop };
  std::atomic<int> phase{kWarmUp};
  std::atomic<uint64_t> measured{0}, total{0};
  std::atomic<int> ran_out{0};
  std::vector<std::thread> workers;
  for (int c = 0; c < clients; ++c) {
    workers.emplace_back([&, c] {
      auto stub = v1::Trace::NewStub(NewChannel(target));
      uint64_t in_window = 0, sent_total = 0;
      size_t next = 0;
      v1::RecordEventRequest request;
      v1::EntryReceipt receipt;
      while (phase.load() != kStop) {
        if (presign && next == presigned[c].size()) {
          ran_out++;
          break;
        }
        if (!presign) {
          *request.mutable_signed_() =
              SignEvent(cast.key, cast.chains[c], next);
        }
        const v1::RecordEventRequest& sent =
            presign ? presigned[c][next] : request;
        ++next;
        CheckGrpc(stub->RecordEvent(Context(cast.token).get(), sent, &receipt),
                  "RecordEvent");
        ++sent_total;
        if (phase.load() == kMeasure) ++in_window;
      }
      measured += in_window;
      total += sent_total;
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const double cpu_start = ProcessCpuSeconds();
  phase = kMeasure;
  const auto start = SteadyClock::now();
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  phase = kStop;
  const double cpu_seconds = ProcessCpuSeconds() - cpu_start;
  const double elapsed =
      std::chrono::duration<double>(SteadyClock::now() - start).count();
  for (auto& w : workers) w.join();
  const double events = static_cast<double>(measured.load());
  return {events / elapsed, 1e6 * cpu_seconds / events, total.load(),
          ran_out.load()};
}

// Takes the chain heads from the server (after a pre-signed run, the
// events that were not sent are dropped).
void ResyncHeads(const std::string& target, Cast& cast) {
  auto verify = v1::Verify::NewStub(NewChannel(target));
  for (ChainHead& head : cast.chains) {
    v1::GetHeadRequest request;
    request.set_subject(trace::BatchSubject(kGtin, head.lot));
    v1::SubjectHead subject_head;
    CheckGrpc(
        verify->GetHead(Context(cast.token).get(), request, &subject_head),
        "GetHead");
    head.next_seq = subject_head.next_seq();
    head.prev = *HashFromBytes(subject_head.prev());
  }
}

// One line over a pipe between the two processes.
void SendLine(int fd, const std::string& line) {
  const std::string data = line + "\n";
  size_t written = 0;
  while (written < data.size()) {
    const ssize_t n = write(fd, data.data() + written, data.size() - written);
    if (n <= 0) Die("pipe write failed");
    written += static_cast<size_t>(n);
  }
}

std::string ReadLine(int fd) {
  std::string line;
  char c;
  while (true) {
    const ssize_t n = read(fd, &c, 1);
    if (n <= 0) Die("the other process went away");
    if (c == '\n') return line;
    line.push_back(c);
  }
}

// The client process: sets up the cast, then runs what the server process
// asks for ("presigned <count> <seconds>", "inloop <seconds>", "quit").
void ClientProcess(const Args& args, int from_server, int to_server) {
  std::istringstream hello(ReadLine(from_server));
  std::string target, admin_token;
  hello >> target >> admin_token;
  Cast cast = SetUp(target, admin_token, args.clients);
  SendLine(to_server, "ready");
  while (true) {
    std::istringstream command(ReadLine(from_server));
    std::string what;
    command >> what;
    if (what == "quit") return;
    size_t count = 0;
    double seconds = 0;
    if (what == "presigned") command >> count;
    command >> seconds;
    const RunResult r =
        RecordEvents(target, cast, seconds, what == "presigned", count);
    SendLine(to_server, absl::StrCat(r.per_second, " ", r.client_cpu_us, " ",
                                     r.total_events, " ", r.ran_out));
    if (what == "presigned") ResyncHeads(target, cast);
  }
}

// A run as the server process sees it.
struct Run {
  double per_second = 0;
  double server_cpu_us = 0;  // Server process CPU per event.
  double client_cpu_us = 0;
};

Run AskForRun(int to_client, int from_client, const std::string& command) {
  const double cpu_start = ProcessCpuSeconds();
  SendLine(to_client, command);
  std::istringstream reply(ReadLine(from_client));
  const double server_cpu = ProcessCpuSeconds() - cpu_start;
  Run run;
  uint64_t total = 0;
  int ran_out = 0;
  reply >> run.per_second >> run.client_cpu_us >> total >> ran_out;
  run.server_cpu_us = 1e6 * server_cpu / static_cast<double>(total);
  if (ran_out > 0) {
    std::fprintf(stderr,
                 "  (warning: %d clients ran out of pre-signed events; the "
                 "rate is a lower bound)\n",
                 ran_out);
  }
  return run;
}

Args ParseArgs(int argc, char** argv) {
  Args args;
  bench::ParseFlags(
      argc, argv,
      "rpc_events_bench [--dir DIR] [--clients N] [--seconds S] [--trials T]",
      {{"--dir", [&](const std::string& v) { args.dir = v; }},
       {"--clients",
        [&](const std::string& v) { args.clients = std::stoi(v); }},
       {"--seconds",
        [&](const std::string& v) { args.seconds = std::stod(v); }},
       {"--trials",
        [&](const std::string& v) { args.trials = std::stoi(v); }}});
  return args;
}

}  // namespace

int main(int argc, char** argv) {
  const Args args = ParseArgs(argc, argv);
  // As traced does (server/main.cc).
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  int to_client[2], to_server[2];
  if (pipe(to_client) != 0 || pipe(to_server) != 0) Die("pipe failed");
  // Fork before either side starts a thread.
  const pid_t child = fork();
  if (child < 0) Die("fork failed");
  if (child == 0) {
    close(to_client[1]);
    close(to_server[0]);
    ClientProcess(args, to_client[0], to_server[1]);
    _exit(0);
  }
  close(to_client[0]);
  close(to_server[1]);
  const int to_clients = to_client[1], from_clients = to_server[0];

  bench::BenchDaemon started = bench::StartBenchDaemon(args.dir);
  std::unique_ptr<app::Daemon>& daemon = started.daemon;
  SendLine(to_clients, daemon->rpc_address() + " " + started.admin_token);
  if (ReadLine(from_clients) != "ready") Die("client set-up failed");

  // A key for the bound measurements (the server's own work is the same
  // Ed25519 verify through core/ed25519).
  const NoteSigner key =
      *MakeNoteSigner("bench-bound", Ed25519PrivateKey::Generate());
  const int cores = Cores();
  std::printf(
      "rpc_events_bench: %d clients (one batch each, own connection) in one "
      "process, traced in another; %d trials x %.1f s; %d cores shared; "
      "durable (synced WAL)\n",
      args.clients, args.trials, args.seconds, cores);

  std::vector<double> verify1, verify_rate, verify_us, sign_verify_rate,
      sign_verify_us, a_rate, a_server, a_client, b_rate, b_server, b_client;
  for (int trial = 0; trial < args.trials; ++trial) {
    verify1.push_back(VerifyRate(key, 1, args.seconds / 3).per_second);
    const Measurement verify = VerifyRate(key, cores, args.seconds / 3);
    const Measurement sign_verify =
        SignVerifyRate(key, cores, args.seconds / 3);
    verify_rate.push_back(verify.per_second);
    verify_us.push_back(verify.cpu_us_per_op);
    sign_verify_rate.push_back(sign_verify.per_second);
    sign_verify_us.push_back(sign_verify.cpu_us_per_op);
    const size_t presign_count = static_cast<size_t>(
        verify.per_second * (args.seconds + 1) / args.clients + 20);
    const Run a =
        AskForRun(to_clients, from_clients,
                  absl::StrCat("presigned ", presign_count, " ", args.seconds));
    const Run b = AskForRun(to_clients, from_clients,
                            absl::StrCat("inloop ", args.seconds));
    a_rate.push_back(a.per_second);
    a_server.push_back(a.server_cpu_us);
    a_client.push_back(a.client_cpu_us);
    b_rate.push_back(b.per_second);
    b_server.push_back(b.server_cpu_us);
    b_client.push_back(b.client_cpu_us);
    std::printf(
        "  trial %d: verify x%d %6.0f/s (%5.1f us) | sign+verify x%d %6.0f/s "
        "(%5.1f us) | A pre-signed %6.0f/s (server %5.1f us, clients %5.1f "
        "us) | B signed in loop %6.0f/s (server %5.1f us, clients %5.1f "
        "us)\n",
        trial + 1, cores, verify.per_second, verify.cpu_us_per_op, cores,
        sign_verify.per_second, sign_verify.cpu_us_per_op, a.per_second,
        a.server_cpu_us, a.client_cpu_us, b.per_second, b.server_cpu_us,
        b.client_cpu_us);
    std::fflush(stdout);
  }
  SendLine(to_clients, "quit");
  waitpid(child, nullptr, 0);

  const double bound_a = Median(verify_rate),
               bound_b = Median(sign_verify_rate);
  const double verify_cpu = Median(verify_us);
  std::printf("medians of %d trials (CPU time per operation in brackets):\n",
              args.trials);
  std::printf("  Ed25519 verify, 1 thread                  %8.0f /s\n",
              Median(verify1));
  std::printf(
      "  bound A: Ed25519 verify, %d threads        %8.0f /s (%5.1f us)\n",
      cores, bound_a, verify_cpu);
  std::printf(
      "  bound B: Ed25519 sign+verify, %d threads   %8.0f /s (%5.1f us)\n",
      cores, bound_b, Median(sign_verify_us));
  std::printf(
      "  A: RecordEvent, pre-signed        %8.0f /s = %5.1f %% of bound A; "
      "server %5.1f us + clients %5.1f us CPU per event\n",
      Median(a_rate), 100 * Median(a_rate) / bound_a, Median(a_server),
      Median(a_client));
  std::printf(
      "  B: RecordEvent, signed in loop    %8.0f /s = %5.1f %% of bound B; "
      "server %5.1f us + clients %5.1f us CPU per event\n",
      Median(b_rate), 100 * Median(b_rate) / bound_b, Median(b_server),
      Median(b_client));
  std::printf(
      "  server alone (idle machine, all cores for traced): %5.1f %% of the "
      "verify bound (verify %5.1f us of %5.1f us per event)\n",
      100 * verify_cpu / Median(a_server), verify_cpu, Median(a_server));
  std::printf("  goal: >= 80 %% of the bound\n");

  daemon->Shutdown(absl::Seconds(5));
  daemon.reset();
  std::filesystem::remove_all(args.dir);
  return 0;
}
