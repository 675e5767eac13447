#include "client/cli.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "client/arguments.h"
#include "core/ed25519.h"

namespace ocoptrace::client {

namespace {
constexpr char kExitCodePayload[] = "ocoptrace.vn/tracectl/exit-code";
}  // namespace

absl::Status WithExitCode(absl::Status status, int exit_code) {
  status.SetPayload(kExitCodePayload, absl::Cord(std::to_string(exit_code)));
  return status;
}

int ExitCodeFor(const absl::Status& status) {
  if (auto code = status.GetPayload(kExitCodePayload)) {
    return std::stoi(std::string(*code));
  }
  switch (status.code()) {
    case absl::StatusCode::kOk:
      return kExitOk;
    case absl::StatusCode::kNotFound:
    case absl::StatusCode::kPermissionDenied:
    case absl::StatusCode::kUnauthenticated:
      return kExitNotFound;
    case absl::StatusCode::kDataLoss:
      return kExitVerification;
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kDeadlineExceeded:
      return kExitUnreachable;
    default:
      return kExitRefused;
  }
}

absl::Status VerificationError(std::string message) {
  return absl::DataLossError(std::move(message));
}

Cli::Cli(std::ostream& out, std::ostream& err, Clock* clock, EnvLookup env)
    : out_(out), err_(err), clock_(clock), env_(std::move(env)) {}

absl::StatusOr<std::string> Cli::ConfigPath() {
  if (!config_path_) {
    absl::StatusOr<std::string> path = ConfigFilePath(flags.config, env_);
    if (!path.ok()) return path.status();
    config_path_ = *path;
  }
  return *config_path_;
}

absl::StatusOr<Settings> Cli::FileSettings() {
  absl::StatusOr<std::string> path = ConfigPath();
  if (!path.ok()) return path.status();
  return LoadConfigFile(*path);
}

absl::Status Cli::SaveFileSettings(const Settings& settings) {
  absl::StatusOr<std::string> path = ConfigPath();
  if (!path.ok()) return path.status();
  settings_.reset();  // Re-merge on next use.
  return SaveConfigFile(*path, settings);
}

absl::StatusOr<Settings> Cli::EffectiveSettings() {
  if (!settings_) {
    absl::StatusOr<Settings> file = FileSettings();
    if (!file.ok()) return file.status();
    settings_ = MergeSettings(*file, env_, flags.overrides);
  }
  return *settings_;
}

absl::StatusOr<std::string> Cli::LastCheckpointPath() {
  absl::StatusOr<std::string> path = ConfigPath();
  if (!path.ok()) return path.status();
  return ConfigDirectory(*path) + "/last-checkpoint.txt";
}

absl::StatusOr<Connection*> Cli::connection() {
  if (connection_ == nullptr) {
    absl::StatusOr<Settings> settings = EffectiveSettings();
    if (!settings.ok()) return settings.status();
    ConnectionOptions options;
    options.server = settings->server;
    options.token = settings->token;
    options.ca_cert = settings->ca_cert;
    options.timeout = absl::Seconds(flags.timeout_seconds);
    absl::StatusOr<std::unique_ptr<Connection>> opened =
        Connection::Open(std::move(options));
    if (!opened.ok()) return opened.status();
    connection_ = *std::move(opened);
  }
  return connection_.get();
}

absl::StatusOr<std::vector<NoteVerifier>> Cli::ActorKeys() {
  absl::StatusOr<Connection*> conn = connection();
  if (!conn.ok()) return conn.status();
  absl::StatusOr<v1::GetKeysResponse> keys = (*conn)->Call(
      (*conn)->verify(), &v1::Verify::Stub::GetKeys, v1::GetKeysRequest());
  if (!keys.ok()) return keys.status();
  std::vector<NoteVerifier> verifiers;
  auto add = [&verifiers](const std::string& vkey) {
    absl::StatusOr<NoteVerifier> verifier = ParseVkey(vkey);
    // A key this client cannot parse cannot verify anything: skip it.
    if (verifier.ok()) verifiers.push_back(*std::move(verifier));
  };
  for (const std::string& vkey : keys->actors()) add(vkey);
  // Label keys sign labels.issued entries on batch chains.
  for (const std::string& vkey : keys->label()) add(vkey);
  for (const std::string& vkey : keys->revoked()) add(vkey);
  return verifiers;
}

absl::StatusOr<NoteSigner> Cli::Signer() {
  absl::StatusOr<Settings> settings = EffectiveSettings();
  if (!settings.ok()) return settings.status();
  if (settings->key.empty()) {
    return absl::FailedPreconditionError(
        "no signing key configured: run `tracectl init` to make one, or "
        "pass --key FILE / set OCOPTRACE_KEY");
  }
  absl::StatusOr<std::string> pem = ReadFile(settings->key);
  if (!pem.ok()) {
    return absl::Status(pem.status().code(),
                        absl::StrCat("signing key: ", pem.status().message()));
  }
  absl::StatusOr<Ed25519PrivateKey> key = Ed25519PrivateKey::FromPem(*pem);
  if (!key.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "signing key ", settings->key, ": ", key.status().message()));
  }
  std::string name = settings->key_name;
  if (name.empty()) {
    // Find the name the log knows this public key by.
    absl::StatusOr<std::vector<NoteVerifier>> actors = ActorKeys();
    if (!actors.ok()) return actors.status();
    for (const NoteVerifier& actor : *actors) {
      if (actor.key == key->public_key()) name = actor.name;
    }
    if (name.empty()) {
      return absl::NotFoundError(absl::StrCat(
          "the server does not know the key in ", settings->key,
          " and no key name is configured: ask an admin to add it "
          "(`tracectl key add --vkey ...`) or set `tracectl config set "
          "key-name NAME`"));
    }
  }
  return MakeNoteSigner(name, *key);
}

absl::StatusOr<NoteVerifier> Cli::LogKey() {
  if (log_key_) return *log_key_;
  absl::StatusOr<Settings> settings = EffectiveSettings();
  if (!settings.ok()) return settings.status();
  if (!settings->log_key.empty()) {
    absl::StatusOr<NoteVerifier> pinned = ParseVkey(settings->log_key);
    if (!pinned.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "pinned log key (config log-key): ", pinned.status().message()));
    }
    log_key_ = *pinned;
    return *log_key_;
  }
  absl::StatusOr<Connection*> conn = connection();
  if (!conn.ok()) return conn.status();
  absl::StatusOr<v1::GetKeysResponse> keys = (*conn)->Call(
      (*conn)->verify(), &v1::Verify::Stub::GetKeys, v1::GetKeysRequest());
  if (!keys.ok()) return keys.status();
  absl::StatusOr<NoteVerifier> served = ParseVkey(keys->log());
  if (!served.ok()) {
    return VerificationError(
        absl::StrCat("the server's log key '", keys->log(),
                     "' is malformed: ", served.status().message()));
  }
  absl::StatusOr<Settings> file = FileSettings();
  if (!file.ok()) return file.status();
  file->log_key = keys->log();
  if (absl::Status saved = SaveFileSettings(*file); !saved.ok()) return saved;
  err_ << "!!! TRUST ON FIRST USE: pinned the log key served by "
       << settings->server << ":\n!!!   " << keys->log()
       << "\n!!! Compare it with the key the OCOP office publishes; if it "
          "differs, run\n!!!   tracectl config set log-key <published vkey>\n";
  log_key_ = *served;
  return *log_key_;
}

absl::StatusOr<v1::Principal> Cli::Me() {
  if (!me_) {
    absl::StatusOr<Connection*> conn = connection();
    if (!conn.ok()) return conn.status();
    absl::StatusOr<v1::Principal> me = (*conn)->Call(
        (*conn)->admin(), &v1::Admin::Stub::WhoAmI, v1::WhoAmIRequest());
    if (!me.ok()) return me.status();
    me_ = *me;
  }
  return *me_;
}

absl::StatusOr<v1::EntryReceipt> Cli::SignAndSend(
    const EntryToSign& entry, const EntrySubmitter& submit) {
  absl::StatusOr<NoteSigner> signer = Signer();
  if (!signer.ok()) return signer.status();
  absl::StatusOr<Connection*> conn = connection();
  if (!conn.ok()) return conn.status();
  Connection* connection = *conn;
  HeadReader read_head = [connection](const std::string& subject) {
    v1::GetHeadRequest request;
    request.set_subject(subject);
    return connection->Call(connection->verify(), &v1::Verify::Stub::GetHead,
                            request);
  };
  return SignAndSubmit(entry, *signer, read_head, submit, clock());
}

void Cli::PrintReceipt(const v1::EntryReceipt& receipt) {
  Printer print = printer();
  if (print.json()) {
    print.Json(ProtoToJson(receipt));
    return;
  }
  print.Text(absl::StrCat("recorded ", receipt.kind(), " on ",
                          receipt.subject(), " (seq ", receipt.seq(),
                          ", log index ", receipt.index(), ")\n"));
}

void AddGlobalFlags(CLI::App& app, GlobalFlags& flags) {
  app.add_option("--config", flags.config,
                 "Config file (default $OCOPTRACE_CONFIG or "
                 "~/.config/ocoptrace/config.json)");
  app.add_option("--server", flags.overrides.server,
                 "traced address HOST:PORT (env OCOPTRACE_SERVER)");
  app.add_option("--token", flags.overrides.token,
                 "Bearer token (env OCOPTRACE_TOKEN)");
  app.add_option("--key", flags.overrides.key,
                 "Private key PEM file (env OCOPTRACE_KEY)");
  app.add_option("--key-name", flags.overrides.key_name,
                 "Name of that key in the log (env OCOPTRACE_KEY_NAME)");
  app.add_option("--ca-cert", flags.overrides.ca_cert,
                 "CA certificate PEM for TLS (env OCOPTRACE_CA_CERT)");
  app.add_flag("--json", flags.json, "Print JSON instead of tables");
  app.add_option("--timeout", flags.timeout_seconds,
                 "Seconds to wait for each server call")
      ->default_val(30);
}

void BuildCommandTree(CLI::App& app, Cli& cli) {
  app.fallthrough();
  app.require_subcommand(1);
  AddGlobalFlags(app, cli.flags);
  AddConfigCommands(app, cli);
  AddAdminCommands(app, cli);
  AddRegistryCommands(app, cli);
  AddProductCommands(app, cli);
  AddCertificateCommands(app, cli);
  AddTraceCommands(app, cli);
  AddLogCommands(app, cli);
  AddEpcisCommands(app, cli);
  AddTrustCommands(app, cli);
  AddVerifyCommands(app, cli);
  AddProofCommands(app, cli);
  AddStatsCommands(app, cli);
  AddReportsCommands(app, cli);
  AddDemoCommands(app, cli);
  AddLabelCommands(app, cli);
}

int RunTracectl(int argc, const char* const* argv, Cli& cli) {
  CLI::App app(
      "tracectl: the ocoptrace client. Producers register products, "
      "batches and events; OCOP officers issue certificates; anyone "
      "verifies the log. Entries are signed locally with your key.",
      "tracectl");
  BuildCommandTree(app, cli);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    int code = app.exit(error, cli.out(), cli.err());
    return code == 0 ? kExitOk : kExitUsage;
  }
  if (!cli.action) {
    cli.err() << app.help();
    return kExitUsage;
  }
  absl::Status status = cli.action();
  if (!status.ok()) cli.err() << "error: " << status.message() << "\n";
  return ExitCodeFor(status);
}

}  // namespace ocoptrace::client
