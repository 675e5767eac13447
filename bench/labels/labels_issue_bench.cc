// bench/labels_issue: labels issued per second through trace::Service on a
// RocksDB store, for one request of --count labels (default 100 000):
// fresh serials (uniqueness checked against the store), the Ed25519
// signature of each in its URL, the labels.issued entry and the durable
// write of every label record. Printed beside the bound measured in the
// same run: the Ed25519 sign rate of the label signing input on all cores.
// Goal: issuing at >= 80 % of that rate. With --pins, every label also gets
// a scratch PIN and its HMAC.
//
//   labels_issue_bench [--dir DIR] [--count N] [--trials T] [--pins]
//
// Trials alternate between the bound and the service so that load from
// other processes hits both alike; medians are printed.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/ed25519.h"
#include "core/label_payload.h"
#include "core/log_entry.h"
#include "core/random.h"
#include "server/storage/rocksdb_store.h"
#include "server/trace/kinds.h"
#include "server/trace/service.h"
#include "server/trace/subjects.h"

using namespace ocoptrace;
using SteadyClock = std::chrono::steady_clock;

namespace {

constexpr char kProducer[] = "htx-bench";
constexpr char kGtin[] = "08934563123451";
constexpr char kLot[] = "BENCH-LOT-1";

struct Args {
  std::string dir = "var/bench-labels";
  uint32_t count = 100000;
  int trials = 5;
  bool pins = false;
};

double Median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const size_t n = values.size();
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

double SecondsSince(SteadyClock::time_point start) {
  return std::chrono::duration<double>(SteadyClock::now() - start).count();
}

// CPU seconds used by the whole process (every thread) so far.
double ProcessCpuSeconds() {
  timespec now{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
  return now.tv_sec + now.tv_nsec * 1e-9;
}

// Labels per second and CPU microseconds per label of one timed run.
struct Rate {
  double per_second = 0;
  double cpu_us_per_label = 0;
};

[[noreturn]] void Die(const std::string& what, const absl::Status& status) {
  std::fprintf(stderr, "labels_issue_bench: %s: %s\n", what.c_str(),
               status.ToString().c_str());
  std::exit(1);
}

template <typename T>
T Check(absl::StatusOr<T> result, const std::string& what) {
  if (!result.ok()) Die(what, result.status());
  return *std::move(result);
}

NoteSigner Signer(const std::string& name) {
  return Check(MakeNoteSigner(name, Ed25519PrivateKey::Generate()), name);
}

template <typename T, typename F>
absl::StatusOr<T> Await(F&& start) {
  std::promise<absl::StatusOr<T>> promise;
  auto future = promise.get_future();
  start([&promise](absl::StatusOr<T> result) {
    promise.set_value(std::move(result));
  });
  return future.get();
}

// A client-signed entry on `subject` at its head.
v1::SignedEntry SignAtHead(trace::Service& service, const NoteSigner& key,
                           const std::string& kind, const std::string& subject,
                           const std::string& body) {
  auto head = Check(service.ledger().Head(subject), "head");
  EntryHeader header;
  header.kind = kind;
  header.subject = subject;
  header.seq = head.next_seq;
  header.prev = head.last_hash;
  header.time = TimestampAt(absl::Now(), 420);
  header.body_hash = Sha256(body);
  v1::SignedEntry signed_entry;
  signed_entry.set_entry(Check(SignEntry(header, key), "sign entry"));
  signed_entry.set_body(body);
  return signed_entry;
}

// A producer with a key, a principal, a product and a batch.
trace::Caller SetUpBatch(trace::Service& service) {
  auto token = Check(service.BootstrapAdmin("bench.admin"), "bootstrap");
  trace::Caller admin = Check(service.Authenticate(token.token()), "admin");
  v1::RegisterProducerRequest producer;
  producer.mutable_producer()->set_id(kProducer);
  producer.mutable_producer()->set_name("HTX Bench");
  producer.mutable_producer()->set_legal_form(v1::LEGAL_FORM_COOPERATIVE);
  producer.mutable_producer()->set_tax_code("4700123456");
  producer.mutable_producer()->mutable_address()->set_text_as_recorded(
      "xã Côn Minh, tỉnh Thái Nguyên");
  Check(Await<v1::EntryReceipt>([&](auto done) {
          service.RegisterProducer(admin, producer, std::move(done));
        }),
        "register producer");
  const NoteSigner key = Signer("htx-bench-key");
  v1::AddKeyRequest add_key;
  add_key.mutable_key()->set_vkey(FormatVkey(VerifierOf(key)));
  add_key.mutable_key()->set_role(v1::KEY_ROLE_PRODUCER);
  add_key.mutable_key()->set_producer_id(kProducer);
  Check(Await<v1::EntryReceipt>([&](auto done) {
          service.AddKey(admin, add_key, std::move(done));
        }),
        "add key");
  v1::CreatePrincipalRequest principal;
  principal.mutable_principal()->set_name("htx-bench-app");
  principal.mutable_principal()->set_role(v1::ROLE_PRODUCER);
  principal.mutable_principal()->set_producer_id(kProducer);
  auto created = Check(service.CreatePrincipal(admin, principal), "principal");
  trace::Caller caller =
      Check(service.Authenticate(created.token()), "authenticate");

  v1::ProductRecord product;
  product.set_gtin(kGtin);
  product.set_name("Miến dong (bench)");
  product.set_producer_id(kProducer);
  product.set_group(v1::OCOP_GROUP_FOOD);
  v1::RegisterProductRequest register_product;
  *register_product.mutable_signed_() =
      SignAtHead(service, key, std::string(trace::kinds::kProductRegistered),
                 trace::ProductSubject(kGtin), product.SerializeAsString());
  Check(Await<v1::EntryReceipt>([&](auto done) {
          service.RegisterProduct(caller, register_product, std::move(done));
        }),
        "register product");
  v1::BatchRecord batch;
  batch.set_gtin(kGtin);
  batch.set_lot(kLot);
  batch.mutable_production_date()->set_iso_date("2024-03-20");
  batch.mutable_quantity()->set_amount(1000);
  batch.mutable_quantity()->set_unit("KGM");
  v1::CreateBatchRequest create_batch;
  *create_batch.mutable_signed_() =
      SignAtHead(service, key, std::string(trace::kinds::kBatchCreated),
                 trace::BatchSubject(kGtin, kLot), batch.SerializeAsString());
  Check(Await<v1::EntryReceipt>([&](auto done) {
          service.CreateBatch(caller, create_batch, std::move(done));
        }),
        "create batch");
  return caller;
}

// Ed25519 signatures per second over label signing inputs, on `threads`
// threads, `count` signatures in all.
Rate SignRate(const NoteSigner& key, uint32_t count, int threads) {
  SeededRandom random(1);
  std::vector<std::string> inputs;
  inputs.reserve(count);
  for (uint32_t i = 0; i < count; ++i) {
    inputs.push_back(LabelSigningInput(kGtin, kLot, GenerateSerial(random)));
  }
  const auto start = SteadyClock::now();
  const double cpu_start = ProcessCpuSeconds();
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      for (size_t i = t; i < inputs.size(); i += threads) {
        const std::string signature = key.key.Sign(inputs[i]);
        if (signature.size() != 64) std::abort();
      }
    });
  }
  for (std::thread& thread : pool) thread.join();
  return {count / SecondsSince(start),
          (ProcessCpuSeconds() - cpu_start) * 1e6 / count};
}

}  // namespace

int main(int argc, char** argv) {
  Args args;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&] { return i + 1 < argc ? std::string(argv[++i]) : ""; };
    if (arg == "--dir") {
      args.dir = value();
    } else if (arg == "--count") {
      args.count = static_cast<uint32_t>(std::stoul(value()));
    } else if (arg == "--trials") {
      args.trials = std::stoi(value());
    } else if (arg == "--pins") {
      args.pins = true;
    } else {
      std::fprintf(stderr,
                   "usage: labels_issue_bench [--dir DIR] [--count N] "
                   "[--trials T] [--pins]\n");
      return 2;
    }
  }
  const int cores =
      static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  std::filesystem::remove_all(args.dir);
  storage::RocksDbOptions store_options;
  store_options.path = args.dir;
  auto store = Check(storage::OpenRocksDbStore(store_options), "open store");

  trace::ServiceKeys keys;
  keys.log = Signer("bench.log");
  keys.authority = Signer("bench.log/authority");
  keys.labels = {Signer("bench.log/label-1")};
  if (args.pins) keys.pin_hmac_key = std::string(32, 'k');
  const NoteSigner label_key = keys.labels[0];
  trace::ServiceOptions options;
  options.resolver_base = "https://tx.ocop.thainguyen.gov.vn";
  options.max_labels_per_request = std::max<uint32_t>(args.count, 100000);
  auto service = Check(trace::Service::Open(store.get(), keys, Clock::Real(),
                                            SecureRandom(), options),
                       "open service");
  const trace::Caller caller = SetUpBatch(*service);

  std::printf(
      "labels_issue_bench: %u labels per request%s, %d cores, "
      "RocksDB at %s, %d trials\n",
      args.count, args.pins ? " with PINs" : "", cores, args.dir.c_str(),
      args.trials);
  std::vector<double> sign_rates, sign_cpu, issue_rates, issue_cpu;
  for (int trial = 0; trial < args.trials; ++trial) {
    const Rate sign = SignRate(label_key, args.count, cores);
    sign_rates.push_back(sign.per_second);
    sign_cpu.push_back(sign.cpu_us_per_label);
    v1::IssueLabelsRequest request;
    request.mutable_batch()->set_gtin(kGtin);
    request.mutable_batch()->set_lot(kLot);
    request.set_count(args.count);
    request.set_with_pins(args.pins);
    const auto start = SteadyClock::now();
    const double cpu_start = ProcessCpuSeconds();
    auto issued =
        Check(Await<trace::IssuedLabels>([&](auto done) {
                service->IssueLabels(caller, request, std::move(done));
              }),
              "issue labels");
    const double seconds = SecondsSince(start);
    if (issued.labels.size() != args.count) std::abort();
    issue_rates.push_back(args.count / seconds);
    issue_cpu.push_back((ProcessCpuSeconds() - cpu_start) * 1e6 / args.count);
    std::printf(
        "  trial %d: sign %.0f/s (%.1f us CPU each), issue %.0f/s (%.1f us "
        "CPU each; %.2f s for %u)\n",
        trial + 1, sign.per_second, sign.cpu_us_per_label, issue_rates.back(),
        issue_cpu.back(), seconds, args.count);
  }
  const double sign = Median(sign_rates);
  const double issue = Median(issue_rates);
  std::printf(
      "Ed25519 sign (label input, %d threads): %10.0f /s, %6.1f us CPU per "
      "label (medians)\n",
      cores, sign, Median(sign_cpu));
  std::printf(
      "labels issued (serial+sign+store):     %10.0f /s, %6.1f us CPU per "
      "label (medians)\n",
      issue, Median(issue_cpu));
  std::printf(
      "ratio: %.1f %% of the sign bound (goal >= 80 %%); by CPU "
      "time: %.1f %%\n",
      100.0 * issue / sign, 100.0 * Median(sign_cpu) / Median(issue_cpu));
  service.reset();
  store.reset();
  std::filesystem::remove_all(args.dir);
  return 0;
}
