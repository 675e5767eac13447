// Daemon: traced assembled from its parts — the RocksDB store in the data
// directory, the service keys, trace::Service over the ledger, the scan
// telemetry stores, the gRPC server and, when configured, the HTTP server
// of the consumers' door (site::ConsumerSite). `traced` (server/main.cc) only
// parses flags and calls into this file; integration tests run the very same
// Daemon in-process on a temporary directory and port 0.
//
// Also the one-shot maintenance commands of traced: --init (InitDataDir),
// --rebuild-state (RebuildDerivedState) and --add-label-key (AddLabelKey).
//
// Thread-safety: Daemon's methods are thread-safe; Shutdown may be called
// from another thread (a signal waiter) while one is in Wait.

#ifndef OCOPTRACE_SERVER_APP_DAEMON_H_
#define OCOPTRACE_SERVER_APP_DAEMON_H_

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "core/clock.h"
#include "core/random.h"
#include "server/app/config.h"
#include "server/app/data_dir.h"
#include "server/http/epcis_service_backend.h"
#include "server/http/http_server.h"
#include "server/ledger/ledger.h"
#include "server/rpc/server.h"
#include "server/site/consumer_site.h"
#include "server/storage/store.h"
#include "server/trace/reports.h"
#include "server/trace/scans.h"
#include "server/trace/service.h"
#include "server/trace/stats.h"

namespace ocoptrace::app {

struct DaemonConfig {
  // The data directory made by InitDataDir. Required.
  std::string data_dir;
  // Where and how to serve gRPC (listen address, TLS, limits).
  rpc::RpcServerOptions rpc;
  // Base of label URLs, e.g. "https://tx.ocop.example.vn". The HTTP
  // server's resolver answers for it (linkset hrefs use it).
  std::string resolver_base = "https://localhost";
  // Where the consumers' door (GS1 resolver, scan pages, verifier
  // endpoints) listens over plain HTTP: "host:port" (port 0 picks a free
  // one); "" = no HTTP server.
  std::string http_listen;
  // HTTP event-loop threads (0: one per core).
  int http_threads = 0;
  // When a label's scans count as suspicious (pages and anomaly lists).
  trace::ScanPolicy scan_policy;
  ledger::LedgerOptions ledger;
  // Injected for tests; must outlive the daemon.
  Clock* clock = Clock::Real();
  RandomSource* random = SecureRandom();
  // Where the one start line goes (nullptr: nowhere).
  std::ostream* log = nullptr;
};

// The settings in <data>/traced.json turned into a DaemonConfig (the
// caller then applies its flag overrides).
absl::StatusOr<DaemonConfig> ConfigFromDataDir(const std::string& data_dir);

class Daemon {
 public:
  // Opens the store and keys of `config.data_dir` and the service over them
  // (recovering the ledger; on an empty log the service records its keys).
  // Does not listen yet. NotFound when the directory was never initialised
  // (the message says to run `traced --init`); Unavailable when another
  // traced holds the database; otherwise the error of the part that failed.
  static absl::StatusOr<std::unique_ptr<Daemon>> Open(DaemonConfig config);

  // Shuts down (10 s grace) if still serving.
  ~Daemon();

  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;

  // Starts the gRPC server and, with config.http_listen, the HTTP server,
  // and writes one line each to config.log saying where they listen. The
  // errors of rpc::RpcServer::Start and http::HttpServer::Start (the gRPC
  // server is stopped again then); FailedPrecondition if already started
  // or shut down.
  absl::Status Start();

  // The bound gRPC port and address ("127.0.0.1:43127"); 0 / "" before
  // Start.
  int rpc_port() const;
  std::string rpc_address() const;

  // The bound HTTP port and "host:port"; 0 / "" before Start or without
  // HTTP.
  int http_port() const;
  std::string http_address() const;

  trace::Service& service() { return *service_; }
  // Scan telemetry and suspect reports (also without HTTP: the officers'
  // reads use them).
  trace::ScanStore& scans() { return *scans_; }
  trace::ReportStore& reports() { return *reports_; }
  // Province statistics and inspectors' reports (Admin.GetStats,
  // Admin.ListReports, GET /stats.json).
  trace::OfficerReads& officer_reads() { return *officer_; }
  // The consumers' door; null before Start or without HTTP.
  site::ConsumerSite* consumer_site() { return site_.get(); }
  const DaemonConfig& config() const { return config_; }

  // Blocks until Shutdown has finished.
  void Wait();

  // Stops the HTTP server first (closing its connections) and stores the
  // scans it recorded, then stops accepting gRPC calls, lets calls in
  // flight finish for up to `grace`, and stops the gRPC server. The
  // service stays open until the Daemon is destroyed (so tests can still
  // read it). Idempotent.
  void Shutdown(absl::Duration grace = absl::Seconds(10));

 private:
  explicit Daemon(DaemonConfig config) : config_(std::move(config)) {}

  // Builds the consumers' door and starts its HTTP server when
  // config_.http_listen is set (mutex_ held).
  absl::Status StartHttp();
  std::string HttpAddressLocked() const;

  DaemonConfig config_;
  // Declared in dependency order: destroyed servers first, store last.
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<trace::Service> service_;
  std::unique_ptr<trace::ScanStore> scans_;
  std::unique_ptr<trace::ReportStore> reports_;
  std::unique_ptr<trace::OfficerReads> officer_;
  std::unique_ptr<rpc::RpcServer> rpc_;
  std::unique_ptr<http::EpcisServiceBackend> epcis_;
  std::unique_ptr<site::ConsumerSite> site_;
  std::unique_ptr<http::HttpServer> http_;
  std::string http_host_;

  mutable std::mutex mutex_;
  std::condition_variable stopped_cv_;
  bool started_ = false;
  bool stopped_ = false;
};

struct InitOptions {
  std::string data_dir;
  // Host name that names the log: the checkpoint origin is "<origin>/log".
  // "" = the host of resolver_base.
  std::string origin;
  // Name of the first admin principal.
  std::string admin_name = "admin";
  // Written to traced.json when it does not exist yet.
  ServeSettings settings;
  Clock* clock = Clock::Real();
  RandomSource* random = SecureRandom();
};

struct InitResult {
  // Directories and files this run created (empty when all existed).
  std::vector<std::string> created;
  std::string origin;  // The log's checkpoint origin, e.g. "host/log".
  // The first admin and its token (shown once) when this run created it;
  // admin_token is empty when an admin already existed.
  std::string admin_name;
  std::string admin_token;
};

// `traced --init`: creates the data directory, missing keys and
// traced.json (never overwriting anything), opens the service (which
// records the service keys in the log) and creates the first admin
// principal unless an admin exists. Running it again is a no-op apart from
// creating what is missing. InvalidArgument for a bad origin, admin name
// or settings; FailedPrecondition when the directory holds another origin.
absl::StatusOr<InitResult> InitDataDir(const InitOptions& options);

struct RebuildResult {
  uint64_t entries_replayed = 0;
  Hash digest_before{};  // DerivedStateDigest before the rebuild.
  Hash digest_after{};   // ...and after: equal unless the state had drifted.
};

// `traced --rebuild-state`: recomputes the derived state from the log. The
// daemon must not be running (Unavailable: the database is locked).
absl::StatusOr<RebuildResult> RebuildDerivedState(const DaemonConfig& config);

// `traced --add-label-key`: generates the next label key file and records
// it in the log (trace::Service::Open adds label keys the log does not know
// yet); new labels are signed with it from then on. Returns the key's vkey.
// Unavailable, with nothing written, while traced runs on the directory.
absl::StatusOr<std::string> AddLabelKey(const DaemonConfig& config);

}  // namespace ocoptrace::app

#endif  // OCOPTRACE_SERVER_APP_DAEMON_H_
