// event_load_tool SERVER TOKEN KEY_PEM KEY_NAME GTIN LOT_PREFIX BATCHES
//                 THREADS
//
// Load for tests/e2e/kill_traced.sh: creates BATCHES batches
// (LOT_PREFIX1, LOT_PREFIX2, ...) of the producer's product GTIN, then
// records `storing` events on them from THREADS threads (each thread owns
// its batches, so chain heads never race) until the server stops
// answering. Every acknowledged entry is printed, flushed, as one line
//   ack <subject> <seq> <index>
// the moment its receipt arrives, so that a test that kill -9s the server
// knows exactly what was acknowledged. Exits 0 once every thread has seen
// the server go away (or 1 when the setup itself fails).

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "core/ed25519.h"
#include "core/signed_note.h"
#include "tests/server/rpc/story.h"
#include "tests/server/rpc/test_client.h"

namespace {

using namespace ocoptrace;

std::mutex output_mutex;

void PrintAck(const std::string& subject, const v1::EntryReceipt& receipt) {
  std::lock_guard<std::mutex> lock(output_mutex);
  std::printf("ack %s %llu %llu\n", subject.c_str(),
              static_cast<unsigned long long>(receipt.seq()),
              static_cast<unsigned long long>(receipt.index()));
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 9) {
    std::cerr << "usage: event_load_tool SERVER TOKEN KEY_PEM KEY_NAME GTIN "
                 "LOT_PREFIX BATCHES THREADS\n";
    return 2;
  }
  const std::string server = argv[1];
  const std::string token = argv[2];
  const std::string gtin = argv[5];
  const std::string lot_prefix = argv[6];
  const int batches = std::atoi(argv[7]);
  const int threads = std::atoi(argv[8]);
  std::ifstream pem_file(argv[3]);
  std::stringstream pem;
  pem << pem_file.rdbuf();
  auto key = Ed25519PrivateKey::FromPem(pem.str());
  if (!key.ok()) {
    std::cerr << "event_load_tool: " << key.status() << "\n";
    return 1;
  }
  auto signer = MakeNoteSigner(argv[4], *key);
  if (!signer.ok()) {
    std::cerr << "event_load_tool: " << signer.status() << "\n";
    return 1;
  }

  rpctest::TestClient setup(server, token);
  for (int b = 1; b <= batches; ++b) {
    const std::string lot = absl::StrCat(lot_prefix, b);
    v1::BatchRecord record = rpctest::BatchRecordFor(gtin, lot);
    const absl::CivilDay today =
        absl::ToCivilDay(absl::Now(), absl::UTCTimeZone());
    record.mutable_production_date()->set_iso_date(
        absl::FormatCivilTime(today - 1));
    record.mutable_expiry_date()->set_iso_date(
        absl::FormatCivilTime(today + 365));
    auto receipt = rpctest::CreateBatch(setup, *signer, record, absl::Now());
    if (!receipt.ok()) {
      std::cerr << "event_load_tool: CreateBatch " << lot << ": "
                << receipt.status() << "\n";
      return 1;
    }
    PrintAck(absl::StrCat("batch/", gtin, "/", lot), *receipt);
  }

  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      rpctest::TestClient client(server, token);
      for (uint64_t round = 0;; ++round) {
        for (int b = 1 + t; b <= batches; b += threads) {
          const std::string lot = absl::StrCat(lot_prefix, b);
          const absl::Time now = absl::Now();
          auto receipt =
              rpctest::RecordEvent(client, *signer, gtin, lot,
                                   rpctest::EventFor("storing", now), now);
          if (!receipt.ok()) {
            if (absl::IsUnavailable(receipt.status()) ||
                absl::IsDeadlineExceeded(receipt.status()) ||
                absl::IsInternal(receipt.status())) {
              return;  // The server went away.
            }
            std::cerr << "event_load_tool: " << lot << ": " << receipt.status()
                      << "\n";
            return;
          }
          PrintAck(absl::StrCat("batch/", gtin, "/", lot), *receipt);
        }
      }
    });
  }
  for (std::thread& worker : workers) worker.join();
  return 0;
}
