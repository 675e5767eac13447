#include "tests/server/rpc/test_client.h"

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "core/checkpoint.h"
#include "core/log_entry.h"
#include "core/merkle.h"
#include "core/sha256.h"
#include "gtest/gtest.h"
#include "server/rpc/status.h"

namespace ocoptrace::rpctest {
namespace {

absl::Status ItemError(size_t i, absl::string_view what) {
  return absl::FailedPreconditionError(
      absl::StrCat("history item ", i, ": ", what));
}

}  // namespace

absl::Time TestStartTime() {
  return absl::FromCivil(absl::CivilSecond(2024, 6, 1, 8, 0, 0),
                         absl::FixedTimeZone(7 * 3600));
}

TempDir::TempDir() {
  static std::atomic<int> counter{0};
  std::string name = absl::StrCat("ocoptrace_rpc_", getpid(), "_", counter++);
  if (const auto* test =
          ::testing::UnitTest::GetInstance()->current_test_info()) {
    name += absl::StrCat("_", test->name());
  }
  for (char& c : name) {
    if (c == '/') c = '_';
  }
  path_ = (std::filesystem::path(::testing::TempDir()) / name).string();
  std::filesystem::remove_all(path_);
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::unique_ptr<TestServer> TestServer::Start(TestServerOptions options) {
  std::unique_ptr<TestServer> server(new TestServer());
  app::InitOptions init;
  init.data_dir = server->dir_.path();
  init.origin = options.origin;
  init.admin_name = "admin";
  init.clock = &server->clock_;
  absl::StatusOr<app::InitResult> initialised = app::InitDataDir(init);
  if (!initialised.ok()) {
    ADD_FAILURE() << "InitDataDir: " << initialised.status();
    return nullptr;
  }
  server->admin_token_ = initialised->admin_token;

  absl::StatusOr<app::DaemonConfig> config =
      app::ConfigFromDataDir(server->dir_.path());
  if (!config.ok()) {
    ADD_FAILURE() << "ConfigFromDataDir: " << config.status();
    return nullptr;
  }
  config->rpc = options.rpc;
  config->clock = &server->clock_;
  config->ledger.checkpoint_interval = absl::ZeroDuration();
  server->config_ = *config;
  absl::StatusOr<std::unique_ptr<app::Daemon>> daemon =
      app::Daemon::Open(*config);
  if (!daemon.ok()) {
    ADD_FAILURE() << "Daemon::Open: " << daemon.status();
    return nullptr;
  }
  server->daemon_ = *std::move(daemon);
  absl::Status started = server->daemon_->Start();
  if (!started.ok()) {
    ADD_FAILURE() << "Daemon::Start: " << started;
    return nullptr;
  }
  return server;
}

TestServer::~TestServer() { Stop(); }

std::string TestServer::target() const {
  return absl::StrCat("127.0.0.1:", daemon_->rpc_port());
}

void TestServer::Stop() {
  if (daemon_ == nullptr) return;
  daemon_->Shutdown(absl::Seconds(5));
  daemon_.reset();
}

TestIdentity NewIdentity(const std::string& key_name) {
  TestIdentity identity;
  identity.signer = *MakeNoteSigner(key_name, Ed25519PrivateKey::Generate());
  identity.vkey = FormatVkey(VerifierOf(identity.signer));
  return identity;
}

TestClient::TestClient(const std::string& target, std::string token)
    : TestClient(
          grpc::CreateChannel(target, grpc::InsecureChannelCredentials()),
          std::move(token)) {}

TestClient::TestClient(std::shared_ptr<grpc::Channel> channel,
                       std::string token)
    : channel_(std::move(channel)),
      token_(std::move(token)),
      registry_(v1::Registry::NewStub(channel_)),
      certificates_(v1::Certificates::NewStub(channel_)),
      trace_(v1::Trace::NewStub(channel_)),
      labels_(v1::Labels::NewStub(channel_)),
      verify_(v1::Verify::NewStub(channel_)),
      admin_(v1::Admin::NewStub(channel_)) {}

std::unique_ptr<grpc::ClientContext> TestClient::Context() const {
  auto context = std::make_unique<grpc::ClientContext>();
  if (!token_.empty()) {
    context->AddMetadata("authorization", "Bearer " + token_);
  }
  context->set_deadline(std::chrono::system_clock::now() +
                        std::chrono::seconds(30));
  return context;
}

absl::StatusOr<v1::SubjectHead> TestClient::Head(const std::string& subject) {
  v1::GetHeadRequest request;
  request.set_subject(subject);
  v1::SubjectHead head;
  // A public read: no token, so that a write's outcome depends only on the
  // token sent with the write itself.
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(30));
  grpc::Status status = verify_->GetHead(&context, request, &head);
  if (!status.ok()) return rpc::FromGrpcStatus(status);
  return head;
}

absl::StatusOr<v1::SignedEntry> TestClient::Sign(
    const NoteSigner& signer, const std::string& kind,
    const std::string& subject, const google::protobuf::Message& body,
    absl::Time time) {
  absl::StatusOr<v1::SubjectHead> head = Head(subject);
  if (!head.ok()) return head.status();
  return SignAt(signer, kind, subject, body.SerializeAsString(),
                head->next_seq(), head->prev(), time);
}

absl::StatusOr<v1::SignedEntry> SignAt(const NoteSigner& signer,
                                       const std::string& kind,
                                       const std::string& subject,
                                       const std::string& body_bytes,
                                       uint64_t seq, const std::string& prev,
                                       absl::Time time) {
  EntryHeader header;
  header.kind = kind;
  header.subject = subject;
  header.seq = seq;
  absl::StatusOr<Hash> prev_hash = HashFromBytes(prev, "prev");
  if (!prev_hash.ok()) return prev_hash.status();
  header.prev = *prev_hash;
  header.time = VietnamTime(time);
  header.body_hash = Sha256(body_bytes);
  absl::StatusOr<std::string> entry = SignEntry(header, signer);
  if (!entry.ok()) return entry.status();
  v1::SignedEntry signed_entry;
  signed_entry.set_entry(*entry);
  signed_entry.set_body(body_bytes);
  return signed_entry;
}

Timestamp VietnamTime(absl::Time time) { return TimestampAt(time, 420); }

v1::Timestamp VietnamTimeProto(absl::Time time) {
  const Timestamp t = VietnamTime(time);
  v1::Timestamp proto;
  proto.set_unix_seconds(t.unix_seconds);
  proto.set_utc_offset_minutes(t.utc_offset_minutes);
  return proto;
}

absl::Status VerifyHistory(const v1::GetHistoryResponse& history,
                           const std::string& log_vkey,
                           const std::vector<std::string>& actor_vkeys) {
  absl::StatusOr<NoteVerifier> log_key = ParseVkey(log_vkey);
  if (!log_key.ok()) return log_key.status();
  absl::StatusOr<Checkpoint> checkpoint =
      OpenCheckpoint(history.checkpoint(), *log_key);
  if (!checkpoint.ok()) return checkpoint.status();
  std::vector<NoteVerifier> actors;
  for (const std::string& vkey : actor_vkeys) {
    absl::StatusOr<NoteVerifier> verifier = ParseVkey(vkey);
    if (!verifier.ok()) return verifier.status();
    actors.push_back(*verifier);
  }
  Hash previous{};  // All zero before seq 0.
  for (int i = 0; i < history.items_size(); ++i) {
    const v1::ProvenEntry& proven = history.items(i).proven();
    const std::string& entry = proven.entry().entry();
    absl::StatusOr<OpenedNote> opened = OpenNote(entry, actors);
    if (!opened.ok()) return ItemError(i, opened.status().message());
    absl::StatusOr<ParsedEntry> parsed = ParseEntry(entry);
    if (!parsed.ok()) return ItemError(i, parsed.status().message());
    if (parsed->header.body_hash != Sha256(proven.entry().body())) {
      return ItemError(i, "body does not match the entry's body hash");
    }
    if (parsed->header.seq != static_cast<uint64_t>(i)) {
      return ItemError(i, absl::StrCat("seq is ", parsed->header.seq));
    }
    if (parsed->header.prev != previous) {
      return ItemError(i, "prev is not the hash of the previous entry");
    }
    previous = EntryHash(entry);
    if (proven.tree_size() != checkpoint->size) {
      return ItemError(
          i, absl::StrCat("proof is for tree size ", proven.tree_size(),
                          ", checkpoint has ", checkpoint->size));
    }
    std::vector<Hash> proof;
    for (const std::string& node : proven.inclusion_proof()) {
      absl::StatusOr<Hash> hash = HashFromBytes(node, "proof node");
      if (!hash.ok()) return ItemError(i, hash.status().message());
      proof.push_back(*hash);
    }
    absl::Status included =
        VerifyInclusion(proven.entry().index(), checkpoint->size,
                        LeafHash(entry), proof, checkpoint->root);
    if (!included.ok()) return ItemError(i, included.message());
  }
  return absl::OkStatus();
}

}  // namespace ocoptrace::rpctest
