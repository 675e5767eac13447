#include "bench/rpc/bench_client.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "absl/time/clock.h"
#include "core/ed25519.h"
#include "core/log_entry.h"
#include "ocoptrace/v1/admin.grpc.pb.h"
#include "ocoptrace/v1/registry.grpc.pb.h"

namespace ocoptrace::bench {

void Die(const std::string& what) {
  std::fprintf(stderr, "benchmark: %s\n", what.c_str());
  std::exit(1);
}

void CheckGrpc(const grpc::Status& status, const std::string& what) {
  if (!status.ok()) Die(what + ": " + status.error_message());
}

double Median(std::vector<double> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const size_t n = values.size();
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

void ParseFlags(
    int argc, char** argv, const std::string& usage,
    const std::map<std::string, std::function<void(const std::string&)>>&
        setters) {
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    auto setter = setters.find(flag);
    if (setter == setters.end())
      Die("unknown flag " + flag + "; usage: " + usage);
    if (i + 1 >= argc) Die("missing value for " + flag);
    setter->second(argv[++i]);
  }
}

BenchDaemon StartBenchDaemon(const std::string& dir) {
  std::filesystem::remove_all(dir);
  app::InitOptions init;
  init.data_dir = dir;
  init.origin = "bench.ocoptrace.example";
  absl::StatusOr<app::InitResult> initialised = app::InitDataDir(init);
  if (!initialised.ok()) Die(std::string(initialised.status().message()));
  absl::StatusOr<app::DaemonConfig> config = app::ConfigFromDataDir(dir);
  if (!config.ok()) Die(std::string(config.status().message()));
  config->rpc.listen_address = "127.0.0.1:0";
  absl::StatusOr<std::unique_ptr<app::Daemon>> daemon =
      app::Daemon::Open(*config);
  if (!daemon.ok()) Die(std::string(daemon.status().message()));
  if (absl::Status started = (*daemon)->Start(); !started.ok()) {
    Die(std::string(started.message()));
  }
  return BenchDaemon{*std::move(daemon), initialised->admin_token};
}

int Cores() {
  return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

std::unique_ptr<grpc::ClientContext> Context(const std::string& token,
                                             int seconds) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->AddMetadata("authorization", "Bearer " + token);
  context->set_deadline(std::chrono::system_clock::now() +
                        std::chrono::seconds(seconds));
  return context;
}

std::shared_ptr<grpc::Channel> NewChannel(const std::string& target,
                                          int max_message_bytes) {
  grpc::ChannelArguments arguments;
  arguments.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  arguments.SetMaxReceiveMessageSize(max_message_bytes);
  arguments.SetMaxSendMessageSize(max_message_bytes);
  return grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(),
                                   arguments);
}

v1::SignedEntry SignEntryFor(const NoteSigner& key, const std::string& kind,
                             const std::string& subject, uint64_t seq,
                             const Hash& prev, const std::string& body) {
  EntryHeader header{
      kind, subject, seq, prev, TimestampAt(absl::Now(), 420), Sha256(body)};
  absl::StatusOr<std::string> entry = SignEntry(header, key);
  if (!entry.ok()) Die(std::string(entry.status().message()));
  v1::SignedEntry signed_entry;
  signed_entry.set_entry(*entry);
  signed_entry.set_body(body);
  return signed_entry;
}

BenchProducer RegisterBenchProducer(
    const std::shared_ptr<grpc::Channel>& channel,
    const std::string& admin_token) {
  auto registry = v1::Registry::NewStub(channel);
  auto admin = v1::Admin::NewStub(channel);
  v1::EntryReceipt receipt;
  v1::RegisterProducerRequest producer;
  producer.mutable_producer()->set_id(kBenchProducer);
  producer.mutable_producer()->set_name("HTX Tài Hoan (benchmark)");
  producer.mutable_producer()->set_legal_form(v1::LEGAL_FORM_COOPERATIVE);
  producer.mutable_producer()->set_tax_code("4700123456");
  producer.mutable_producer()->mutable_address()->set_text_as_recorded(
      "thôn Chè Cọ, xã Côn Minh, huyện Na Rì, tỉnh Bắc Kạn");
  producer.mutable_producer()->set_demo(true);
  CheckGrpc(registry->RegisterProducer(Context(admin_token).get(), producer,
                                       &receipt),
            "RegisterProducer");

  BenchProducer cast{
      "", *MakeNoteSigner("htx-bench-1", Ed25519PrivateKey::Generate())};
  v1::AddKeyRequest add_key;
  add_key.mutable_key()->set_vkey(FormatVkey(VerifierOf(cast.key)));
  add_key.mutable_key()->set_role(v1::KEY_ROLE_PRODUCER);
  add_key.mutable_key()->set_producer_id(kBenchProducer);
  CheckGrpc(registry->AddKey(Context(admin_token).get(), add_key, &receipt),
            "AddKey");

  v1::CreatePrincipalRequest principal;
  principal.mutable_principal()->set_name(kBenchProducer);
  principal.mutable_principal()->set_role(v1::ROLE_PRODUCER);
  principal.mutable_principal()->set_producer_id(kBenchProducer);
  v1::CreatePrincipalResponse created;
  CheckGrpc(
      admin->CreatePrincipal(Context(admin_token).get(), principal, &created),
      "CreatePrincipal");
  cast.token = created.token();
  return cast;
}

}  // namespace ocoptrace::bench
