// traced: the ocoptrace server. Parses flags and calls into server/app;
// all behaviour lives there (docs/operations.md explains the flags).

#include <csignal>
#include <cstdio>
#include <iostream>
#include <string>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "core/sha256.h"
#include "server/app/config.h"
#include "server/app/daemon.h"
#include "server/app/signals.h"

namespace {

namespace app = ::ocoptrace::app;

int Fail(const absl::Status& status) {
  std::cerr << "traced: " << status.message() << std::endl;
  return 1;
}

struct Flags {
  std::string data;
  bool init = false;
  std::string origin;
  std::string admin = "admin";
  bool rebuild_state = false;
  bool add_label_key = false;
  std::string listen;
  std::string http;
  std::string tls_cert;
  std::string tls_key;
  bool allow_insecure_remote = false;
  std::string resolver_base;
  double shutdown_grace_seconds = 10;
};

int RunInit(const Flags& flags, const CLI::App& cli) {
  app::InitOptions options;
  options.data_dir = flags.data;
  options.origin = flags.origin;
  options.admin_name = flags.admin;
  if (cli.count("--listen")) options.settings.listen = flags.listen;
  if (cli.count("--http")) options.settings.http = flags.http;
  if (cli.count("--resolver-base")) {
    options.settings.resolver_base = flags.resolver_base;
  }
  options.settings.tls_cert = flags.tls_cert;
  options.settings.tls_key = flags.tls_key;
  options.settings.allow_insecure_remote = flags.allow_insecure_remote;
  absl::StatusOr<app::InitResult> result = app::InitDataDir(options);
  if (!result.ok()) return Fail(result.status());
  for (const std::string& path : result->created) {
    std::cout << "traced: created " << path << "\n";
  }
  std::cout << "traced: data directory " << flags.data << " holds the log "
            << result->origin << "\n";
  if (result->admin_token.empty()) {
    std::cout << "traced: an admin principal already exists; nothing else to "
                 "do (create more principals with `tracectl principal "
                 "create`)\n";
    return 0;
  }
  std::cout << "\nAdmin principal '" << result->admin_name
            << "' created. Its bearer token is shown only this once and "
               "cannot be recovered; store it now:\n\n"
            << "  tracectl config set token " << result->admin_token << "\n\n"
            << "(or export OCOPTRACE_TOKEN=<token>; anyone holding the token "
               "can act as this admin).\n";
  return 0;
}

int RunServe(app::DaemonConfig config, const Flags& flags) {
  config.log = &std::cerr;
  absl::StatusOr<std::unique_ptr<app::Daemon>> daemon =
      app::Daemon::Open(std::move(config));
  if (!daemon.ok()) return Fail(daemon.status());
  absl::Status status = (*daemon)->Start();
  if (!status.ok()) return Fail(status);
  const int signal_number = app::WaitForTerminationSignal();
  std::cerr << "traced: " << (signal_number == SIGINT ? "SIGINT" : "SIGTERM")
            << " received; finishing calls in flight (up to "
            << flags.shutdown_grace_seconds << " s) and stopping" << std::endl;
  (*daemon)->Shutdown(absl::Seconds(flags.shutdown_grace_seconds));
  daemon->reset();
  std::cerr << "traced: stopped" << std::endl;
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  // Before any thread starts, so that every thread inherits the mask.
  app::BlockTerminationSignals();
  // Debian's abseil is built with mutex deadlock detection on; in gRPC's
  // mutexes it costs a few per cent of the CPU per call. It is a debugging
  // aid, not a safety net, so traced runs without it.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);

  CLI::App cli(
      "traced: the ocoptrace server (OCOP product traceability and label "
      "verification). Serves the ocoptrace.v1 gRPC API over a signed, "
      "append-only log kept in RocksDB under --data.",
      "traced");
  cli.footer(
      "Typical use:\n"
      "  traced --init --data /var/lib/ocoptrace --origin tx.ocop.example.vn\n"
      "  traced --data /var/lib/ocoptrace --tls-cert cert.pem --tls-key "
      "key.pem --listen 0.0.0.0:7443 --http 127.0.0.1:8080\n"
      "Flags given with --init are saved in <data>/traced.json; flags given "
      "when serving override that file for one run. See docs/operations.md.");
  Flags flags;
  cli.add_option("--data", flags.data,
                 "Data directory: db/, keys/, traced.json (required)")
      ->envname("OCOPTRACE_DATA");
  auto* init = cli.add_flag(
      "--init", flags.init,
      "Create the data directory, keys and first admin (prints its token "
      "once); a no-op when already initialised");
  cli.add_option("--origin", flags.origin,
                 "With --init: host name that names the log; checkpoints are "
                 "signed as <origin>/log (default: the host of "
                 "--resolver-base)")
      ->needs(init);
  cli.add_option("--admin", flags.admin,
                 "With --init: name of the first admin principal")
      ->needs(init)
      ->capture_default_str();
  auto* rebuild = cli.add_flag(
      "--rebuild-state", flags.rebuild_state,
      "Recompute the derived state from the log, print the number of entries "
      "replayed and the state digest, and exit (traced must be stopped)");
  auto* add_label = cli.add_flag(
      "--add-label-key", flags.add_label_key,
      "Generate a new label key (rotation) and record it in the log; new "
      "labels use it, old labels stay valid (traced must be stopped)");
  init->excludes(rebuild)->excludes(add_label);
  rebuild->excludes(add_label);
  cli.add_option("--listen", flags.listen,
                 "gRPC listen address host:port (default 127.0.0.1:7443; "
                 "port 0 picks a free one)");
  cli.add_option("--http", flags.http,
                 "HTTP listen address host:port of the consumers' door (GS1 "
                 "resolver, scan pages, /checkpoint, tlog tiles, /keys), e.g. "
                 "127.0.0.1:8080; \"\" = off (default: traced.json's "
                 "\"http\", off when absent)");
  cli.add_option("--tls-cert", flags.tls_cert,
                 "PEM certificate chain: serve gRPC over TLS");
  cli.add_option("--tls-key", flags.tls_key, "PEM private key of --tls-cert");
  cli.add_flag("--allow-insecure-remote", flags.allow_insecure_remote,
               "Allow plaintext gRPC on a non-loopback address (only behind "
               "a TLS-terminating proxy)");
  cli.add_option("--resolver-base", flags.resolver_base,
                 "Base of label URLs, e.g. https://tx.ocop.example.vn");
  cli.add_option("--shutdown-grace", flags.shutdown_grace_seconds,
                 "Seconds that calls in flight get to finish on SIGINT/SIGTERM")
      ->capture_default_str();
  CLI11_PARSE(cli, argc, argv);

  if (flags.data.empty()) {
    return Fail(absl::InvalidArgumentError(
        "no data directory: pass --data DIR (or set OCOPTRACE_DATA); create "
        "one with `traced --init --data DIR`"));
  }
  if (flags.init) return RunInit(flags, cli);

  absl::StatusOr<app::DaemonConfig> config = app::ConfigFromDataDir(flags.data);
  if (!config.ok()) return Fail(config.status());
  if (cli.count("--listen")) config->rpc.listen_address = flags.listen;
  if (cli.count("--http")) config->http_listen = flags.http;
  if (cli.count("--tls-cert")) config->rpc.tls_cert_file = flags.tls_cert;
  if (cli.count("--tls-key")) config->rpc.tls_key_file = flags.tls_key;
  if (flags.allow_insecure_remote) config->rpc.allow_insecure_remote = true;
  if (cli.count("--resolver-base")) config->resolver_base = flags.resolver_base;

  if (flags.rebuild_state) {
    absl::StatusOr<app::RebuildResult> result =
        app::RebuildDerivedState(*config);
    if (!result.ok()) return Fail(result.status());
    std::cout << "traced: replayed " << result->entries_replayed << " entries\n"
              << "derived state digest before: "
              << ocoptrace::HashToHex(result->digest_before) << "\n"
              << "derived state digest after:  "
              << ocoptrace::HashToHex(result->digest_after) << "\n"
              << (result->digest_before == result->digest_after
                      ? "traced: the stored state matched the log\n"
                      : "traced: the stored state had drifted from the log "
                        "and was replaced\n");
    return 0;
  }
  if (flags.add_label_key) {
    absl::StatusOr<std::string> vkey = app::AddLabelKey(*config);
    if (!vkey.ok()) return Fail(vkey.status());
    std::cout << "traced: new label key recorded in the log; labels issued "
                 "from now on are signed with it:\n"
              << *vkey << "\n";
    return 0;
  }
  return RunServe(*std::move(config), flags);
}
