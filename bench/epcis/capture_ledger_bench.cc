// bench/epcis capture_ledger_bench: EPCIS 2.0 events captured per second
// into a real traced (app::Daemon on RocksDB, durable: every entry is in a
// synced WAL write before the job reports it) from a synthetic 10 000-event
// document (epcis/synthetic_document.h) through Trace.CaptureEpcis: the
// server parses, validates, hashes and maps the document, checks every
// entry, signs it with the principal's integration key, verifies it like a
// client's entry and appends it (2 500 new batches: 12 500 entries).
//
// Beside it, in the same run on the same machine: events recorded per
// second through the plain Trace.RecordEvent path by 64 concurrent clients
// (each signing its entries in the loop, one batch per client), PlanCapture
// alone (no ledger), and the Ed25519 bounds of bench/rpc (sign+verify and
// verify rates with every core): the capture path signs and verifies each
// entry on the server, so the sign+verify rate bounds its entry rate.
//
// Server and clients share one process (and the machine's cores), so the
// CPU time per event is the sum of both sides.
//
//   capture_ledger_bench [--dir DIR] [--events N] [--trials T]
//                        [--clients C] [--seconds S]

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
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
#include "epcis/capture.h"
#include "epcis/synthetic_document.h"
#include "ocoptrace/v1/admin.grpc.pb.h"
#include "ocoptrace/v1/registry.grpc.pb.h"
#include "ocoptrace/v1/trace.grpc.pb.h"
#include "server/app/daemon.h"
#include "server/trace/subjects.h"

namespace {

using namespace ocoptrace;
namespace v1 = ::ocoptrace::v1;
using nlohmann::json;
using SteadyClock = std::chrono::steady_clock;
using bench::CheckGrpc;
using bench::Context;
using bench::Cores;
using bench::Die;
using bench::Median;
using bench::SignEntryFor;

constexpr const char* kProducer = bench::kBenchProducer;
constexpr char kGtin[] = "08934563123451";

struct Args {
  std::string dir = "var/bench-epcis";
  size_t events = 10000;
  int trials = 3;
  int clients = 64;
  double seconds = 3;
};

struct Cast {
  std::string token;  // The producer principal (also has the integration key).
  NoteSigner key;     // The producer's own key (RecordEvent clients).
};

Cast SetUp(const std::string& target, const std::string& admin_token) {
  Cast cast;
  auto channel = bench::NewChannel(target, 64 << 20);
  auto registry = v1::Registry::NewStub(channel);
  auto trace_stub = v1::Trace::NewStub(channel);
  v1::EntryReceipt receipt;
  bench::BenchProducer producer =
      bench::RegisterBenchProducer(channel, admin_token);
  cast.token = producer.token;
  cast.key = producer.key;
  v1::CreateIntegrationKeyRequest integration;
  integration.set_principal(kProducer);
  v1::CreateIntegrationKeyResponse integration_key;
  CheckGrpc(trace_stub->CreateIntegrationKey(Context(admin_token).get(),
                                             integration, &integration_key),
            "CreateIntegrationKey");
  std::vector<std::string> gtins = {kGtin};
  for (int i = 0; i < 10; ++i) gtins.push_back(epcis::SyntheticGtin(i));
  for (const std::string& gtin : gtins) {
    v1::ProductRecord product;
    product.set_gtin(gtin);
    product.set_name(absl::StrCat("Sản phẩm thử ", gtin));
    product.set_producer_id(kProducer);
    product.set_group(v1::OCOP_GROUP_FOOD);
    product.set_demo(true);
    v1::RegisterProductRequest request;
    *request.mutable_signed_() = SignEntryFor(
        cast.key, "product.registered", trace::ProductSubject(gtin), 0, Hash{},
        product.SerializeAsString());
    CheckGrpc(
        registry->RegisterProduct(Context(cast.token).get(), request, &receipt),
        "RegisterProduct");
  }
  return cast;
}

// The synthetic document with every lot renamed for trial `trial` (each
// trial captures new events: the same ones again would be stored once).
std::string TrialDocument(size_t events, int trial) {
  json document = epcis::SyntheticEpcisDocument(events);
  const std::string tag = absl::StrCat("T", trial);
  for (json& event : document["epcisBody"]["eventList"]) {
    for (json& element : event["quantityList"]) {
      std::string id = element["epcClass"];
      const size_t at =
          id.starts_with("urn:") ? id.rfind('.') + 1 : id.rfind("/10/") + 4;
      id.insert(at, tag);
      element["epcClass"] = id;
    }
    if (event.contains("ilmd")) {
      event["ilmd"]["cbvmda:lotNumber"] =
          tag + event["ilmd"]["cbvmda:lotNumber"].get<std::string>();
    }
  }
  return document.dump();
}

struct Rate {
  double per_second = 0;
  double cpu_us = 0;  // Process CPU time per event.
  double entries_per_second = 0;
};

Rate Capture(const std::string& target, const Cast& cast, size_t events,
             int trial) {
  const std::string document = TrialDocument(events, trial);
  auto stub = v1::Trace::NewStub(bench::NewChannel(target, 64 << 20));
  v1::CaptureEpcisRequest request;
  request.set_document(document);
  v1::CaptureEpcisResponse response;
  const double cpu = bench::ProcessCpuSeconds();
  const auto start = SteadyClock::now();
  CheckGrpc(
      stub->CaptureEpcis(Context(cast.token, 600).get(), request, &response),
      "CaptureEpcis");
  const double elapsed =
      std::chrono::duration<double>(SteadyClock::now() - start).count();
  const double cpu_seconds = bench::ProcessCpuSeconds() - cpu;
  const v1::EpcisCaptureJob& job = response.job();
  if (!job.success() || job.events_stored() != events) {
    Die(absl::StrCat("capture job stored ", job.events_stored(), " of ", events,
                     " events; first problem: ",
                     job.problems().empty() ? "" : job.problems(0).detail()));
  }
  return {events / elapsed, 1e6 * cpu_seconds / events,
          job.entries_appended() / elapsed};
}

// `clients` threads, each appending events to its own batch (created
// first), signing each in the loop, for `seconds`.
Rate RecordEvents(const std::string& target, const Cast& cast, int clients,
                  double seconds, int trial) {
  std::atomic<bool> measure{false}, stop{false};
  std::atomic<uint64_t> measured{0};
  std::vector<std::thread> workers;
  std::atomic<int> ready{0};
  for (int c = 0; c < clients; ++c) {
    workers.emplace_back([&, c] {
      auto stub = v1::Trace::NewStub(bench::NewChannel(target, 64 << 20));
      const std::string lot = absl::StrCat("R", trial, "-", c);
      const std::string subject = trace::BatchSubject(kGtin, lot);
      v1::BatchRecord batch;
      batch.set_gtin(kGtin);
      batch.set_lot(lot);
      batch.mutable_production_date()->set_iso_date("2024-05-30");
      batch.mutable_quantity()->set_amount(1000);
      batch.mutable_quantity()->set_unit("XBX");
      batch.set_demo(true);
      v1::CreateBatchRequest create;
      *create.mutable_signed_() =
          SignEntryFor(cast.key, "batch.created", subject, 0, Hash{},
                       batch.SerializeAsString());
      v1::EntryReceipt receipt;
      CheckGrpc(stub->CreateBatch(Context(cast.token).get(), create, &receipt),
                "CreateBatch");
      uint64_t seq = 1;
      Hash prev = *HashFromBytes(receipt.entry_hash());
      ++ready;
      uint64_t in_window = 0;
      while (!stop.load()) {
        v1::TraceEvent event;
        event.set_business_step("storing");
        const Timestamp now = TimestampAt(absl::Now(), 420);
        event.mutable_event_time()->set_unix_seconds(now.unix_seconds - 1);
        event.mutable_event_time()->set_utc_offset_minutes(420);
        event.mutable_location()->set_description("Kho HTX Tài Hoan");
        event.mutable_quantity()->set_amount(static_cast<double>(seq % 500));
        event.mutable_quantity()->set_unit("XBX");
        v1::RecordEventRequest request;
        *request.mutable_signed_() =
            SignEntryFor(cast.key, "event.storing", subject, seq, prev,
                         event.SerializeAsString());
        CheckGrpc(
            stub->RecordEvent(Context(cast.token).get(), request, &receipt),
            "RecordEvent");
        prev = *HashFromBytes(receipt.entry_hash());
        ++seq;
        if (measure.load()) ++in_window;
      }
      measured += in_window;
    });
  }
  while (ready.load() < clients) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const double cpu = bench::ProcessCpuSeconds();
  measure = true;
  const auto start = SteadyClock::now();
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  measure = false;
  const double elapsed =
      std::chrono::duration<double>(SteadyClock::now() - start).count();
  const double cpu_seconds = bench::ProcessCpuSeconds() - cpu;
  stop = true;
  for (std::thread& worker : workers) worker.join();
  const double events = static_cast<double>(measured.load());
  return {events / elapsed, 1e6 * cpu_seconds / events};
}

double PlanOnly(size_t events) {
  const std::string text = TrialDocument(events, 0);
  epcis::CaptureContext context;
  context.product_known = [](const std::string&) { return true; };
  context.batch_known = [](const v1::BatchRef&) { return false; };
  context.may_create_batches = true;
  const auto start = SteadyClock::now();
  absl::StatusOr<epcis::CapturePlan> plan =
      epcis::PlanCaptureText(text, context);
  if (!plan.ok() || !plan->problems.empty()) Die("PlanCapture failed");
  return events /
         std::chrono::duration<double>(SteadyClock::now() - start).count();
}

Args ParseArgs(int argc, char** argv) {
  Args args;
  bench::ParseFlags(
      argc, argv,
      "capture_ledger_bench [--dir DIR] [--events N] [--trials T] "
      "[--clients C] [--seconds S]",
      {{"--dir", [&](const std::string& v) { args.dir = v; }},
       {"--events", [&](const std::string& v) { args.events = std::stoul(v); }},
       {"--trials", [&](const std::string& v) { args.trials = std::stoi(v); }},
       {"--clients",
        [&](const std::string& v) { args.clients = std::stoi(v); }},
       {"--seconds",
        [&](const std::string& v) { args.seconds = std::stod(v); }}});
  return args;
}

}  // namespace

int main(int argc, char** argv) {
  const Args args = ParseArgs(argc, argv);
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  bench::BenchDaemon started = bench::StartBenchDaemon(args.dir);
  std::unique_ptr<app::Daemon>& daemon = started.daemon;
  const std::string target = daemon->rpc_address();
  const Cast cast = SetUp(target, started.admin_token);
  const NoteSigner key =
      *MakeNoteSigner("bench-bound", Ed25519PrivateKey::Generate());
  const int cores = Cores();
  std::printf(
      "capture_ledger_bench: %zu-event document (%zu bytes), %d RecordEvent "
      "clients, %d trials; %d cores shared by server and clients; durable "
      "(synced WAL)\n",
      args.events, TrialDocument(args.events, 0).size(), args.clients,
      args.trials, cores);
  std::vector<double> plan, capture, capture_us, capture_entries, record,
      record_us, bound, bound_us, verify;
  for (int trial = 1; trial <= args.trials; ++trial) {
    plan.push_back(PlanOnly(args.events));
    const Rate captured = Capture(target, cast, args.events, trial);
    const Rate recorded =
        RecordEvents(target, cast, args.clients, args.seconds, trial);
    const bench::Measurement sign_verify =
        bench::SignVerifyRate(key, cores, args.seconds / 3);
    const bench::Measurement verify_all =
        bench::VerifyRate(key, cores, args.seconds / 3);
    capture.push_back(captured.per_second);
    capture_us.push_back(captured.cpu_us);
    capture_entries.push_back(captured.entries_per_second);
    record.push_back(recorded.per_second);
    record_us.push_back(recorded.cpu_us);
    bound.push_back(sign_verify.per_second);
    bound_us.push_back(sign_verify.cpu_us_per_op);
    verify.push_back(verify_all.per_second);
    std::printf(
        "  trial %d: plan only %6.0f ev/s | CaptureEpcis %6.0f ev/s (%5.1f "
        "us CPU/ev) | RecordEvent x%d %6.0f ev/s (%5.1f us CPU/ev) | "
        "sign+verify x%d %6.0f/s\n",
        trial, plan.back(), captured.per_second, captured.cpu_us, args.clients,
        recorded.per_second, recorded.cpu_us, cores, sign_verify.per_second);
    std::fflush(stdout);
  }
  std::printf("medians of %d trials:\n", args.trials);
  std::printf("  PlanCapture alone (no ledger)          %8.0f events/s\n",
              Median(plan));
  std::printf(
      "  CaptureEpcis into the ledger           %8.0f events/s (%8.0f "
      "entries/s; %5.1f us CPU per event)\n",
      Median(capture), Median(capture_entries), Median(capture_us));
  std::printf(
      "  RecordEvent, %d clients signing        %8.0f events/s (%5.1f us CPU "
      "per event, server and clients)\n",
      args.clients, Median(record), Median(record_us));
  std::printf(
      "  bound: Ed25519 sign+verify, %d threads  %8.0f /s (%5.1f us); "
      "verify alone %8.0f /s\n",
      cores, Median(bound), Median(bound_us), Median(verify));
  std::printf(
      "  capture = %5.1f %% of RecordEvent's event rate, entries at %5.1f %% "
      "of the sign+verify bound\n",
      100 * Median(capture) / Median(record),
      100 * Median(capture_entries) / Median(bound));
  daemon->Shutdown(absl::Seconds(5));
  daemon.reset();
  std::filesystem::remove_all(args.dir);
  return 0;
}
