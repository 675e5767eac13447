#include "server/app/daemon.h"

#include <sys/stat.h>

#include "absl/strings/str_cat.h"
#include "server/app/config.h"
#include "server/site/admin_units.h"
#include "server/storage/rocksdb_store.h"

namespace ocoptrace::app {
namespace {

bool IsDirectory(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

absl::StatusOr<std::unique_ptr<storage::Store>> OpenStore(const DataDir& dir,
                                                          bool create) {
  if (!create && !IsDirectory(dir.db())) {
    return absl::NotFoundError(absl::StrCat(
        "no database in '", dir.db(),
        "': restore it from a backup (see "
        "docs/operations.md) or, for a brand-new log, run `traced --init "
        "--data ",
        dir.root(), "` on an empty directory"));
  }
  storage::RocksDbOptions options;
  options.path = dir.db();
  options.create_if_missing = create;
  absl::StatusOr<std::unique_ptr<storage::Store>> store =
      storage::OpenRocksDbStore(options);
  if (absl::IsUnavailable(store.status())) {
    return absl::UnavailableError(absl::StrCat(
        std::string(store.status().message()),
        " (is traced already running on this data directory? stop it first)"));
  }
  return store;
}

trace::ServiceOptions ServiceOptionsOf(const DaemonConfig& config) {
  trace::ServiceOptions options;
  options.resolver_base = config.resolver_base;
  options.ledger = config.ledger;
  return options;
}

// A Daemon's parts without the server: for the maintenance commands.
struct OpenedService {
  std::unique_ptr<storage::Store> store;
  std::unique_ptr<trace::Service> service;
};

// Opens the service over `store`, or over the data directory's database
// when `store` is null.
absl::StatusOr<OpenedService> OpenService(
    const DaemonConfig& config, bool create_store,
    std::unique_ptr<storage::Store> store = nullptr) {
  const DataDir dir(config.data_dir);
  OpenedService opened;
  absl::StatusOr<trace::ServiceKeys> keys = LoadServiceKeys(dir);
  if (!keys.ok()) return keys.status();
  if (store == nullptr) {
    absl::StatusOr<std::unique_ptr<storage::Store>> opened_store =
        OpenStore(dir, create_store);
    if (!opened_store.ok()) return opened_store.status();
    store = *std::move(opened_store);
  }
  opened.store = std::move(store);
  absl::StatusOr<std::unique_ptr<trace::Service>> service =
      trace::Service::Open(opened.store.get(), *std::move(keys), config.clock,
                           config.random, ServiceOptionsOf(config));
  if (!service.ok()) return service.status();
  opened.service = *std::move(service);
  return opened;
}

}  // namespace

absl::StatusOr<DaemonConfig> ConfigFromDataDir(const std::string& data_dir) {
  if (data_dir.empty()) {
    return absl::InvalidArgumentError(
        "no data directory: pass --data DIR (made by `traced --init`)");
  }
  absl::StatusOr<ServeSettings> settings = ReadServeSettings(DataDir(data_dir));
  if (!settings.ok()) return settings.status();
  DaemonConfig config;
  config.data_dir = data_dir;
  config.rpc.listen_address = settings->listen;
  config.rpc.tls_cert_file = settings->tls_cert;
  config.rpc.tls_key_file = settings->tls_key;
  config.rpc.allow_insecure_remote = settings->allow_insecure_remote;
  config.resolver_base = settings->resolver_base;
  config.http_listen = settings->http;
  return config;
}

absl::StatusOr<std::unique_ptr<Daemon>> Daemon::Open(DaemonConfig config) {
  absl::Status status = ValidateResolverBase(config.resolver_base);
  if (!status.ok()) return status;
  if (!config.http_listen.empty()) {
    absl::StatusOr<HttpAddress> http = ParseHttpAddress(config.http_listen);
    if (!http.ok()) return http.status();
  }
  absl::StatusOr<OpenedService> opened =
      OpenService(config, /*create_store=*/false);
  if (!opened.ok()) return opened.status();
  absl::StatusOr<std::unique_ptr<trace::ScanStore>> scans =
      trace::ScanStore::Open(opened->store.get(), config.scan_policy);
  if (!scans.ok()) return scans.status();
  absl::StatusOr<std::unique_ptr<trace::ReportStore>> reports =
      trace::ReportStore::Open(opened->store.get());
  if (!reports.ok()) return reports.status();
  std::unique_ptr<Daemon> daemon(new Daemon(std::move(config)));
  daemon->store_ = std::move(opened->store);
  daemon->service_ = std::move(opened->service);
  daemon->scans_ = *std::move(scans);
  daemon->reports_ = *std::move(reports);
  trace::OfficerReadsOptions officer;
  // Communes as they are today: the consumers' door's succession table,
  // else the units the address names.
  officer.current_unit = [](const v1::Address& address) {
    std::string unit = site::CurrentAdminUnit(address);
    return unit.empty() ? trace::UnitsNamedInAddress(address) : unit;
  };
  daemon->officer_ = std::make_unique<trace::OfficerReads>(
      daemon->service_.get(), daemon->scans_.get(), daemon->reports_.get(),
      daemon->config_.clock, std::move(officer));
  return daemon;
}

Daemon::~Daemon() {
  Shutdown();
  // Members go in reverse order: server, service (ledger threads), store.
}

absl::Status Daemon::Start() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (started_ || stopped_) {
    return absl::FailedPreconditionError(started_ ? "traced is already serving"
                                                  : "traced was shut down");
  }
  absl::StatusOr<std::unique_ptr<rpc::RpcServer>> server =
      rpc::RpcServer::Start(service_.get(), config_.rpc, officer_.get());
  if (!server.ok()) return server.status();
  if (absl::Status http = StartHttp(); !http.ok()) {
    (*server)->Shutdown(absl::ZeroDuration());
    site_.reset();
    return http;
  }
  rpc_ = *std::move(server);
  started_ = true;
  if (config_.log != nullptr) {
    const bool loopback =
        rpc::IsLoopbackAddress(rpc_->address()).value_or(false);
    *config_.log << "traced: serving gRPC on " << rpc_->address() << " ("
                 << (rpc_->tls() ? "TLS"
                                 : (loopback ? "plaintext, loopback only"
                                             : "PLAINTEXT on the network"))
                 << "); log " << service_->ledger().log_key().name << " with "
                 << service_->ledger().size() << " entries; data "
                 << config_.data_dir << "; labels resolve at "
                 << config_.resolver_base << std::endl;
    if (http_ != nullptr) {
      *config_.log << "traced: serving HTTP on " << HttpAddressLocked()
                   << " (the consumers' door: label URLs, scan pages, "
                      "/checkpoint, tlog tiles, /keys)"
                   << std::endl;
    }
  }
  return absl::OkStatus();
}

absl::Status Daemon::StartHttp() {
  if (config_.http_listen.empty()) return absl::OkStatus();
  absl::StatusOr<HttpAddress> address = ParseHttpAddress(config_.http_listen);
  if (!address.ok()) return address.status();
  site::ConsumerSiteOptions options;
  options.public_base = config_.resolver_base;
  options.catalog.utc_offset_minutes = service_->options().utc_offset_minutes;
  epcis_ = std::make_unique<http::EpcisServiceBackend>(service_.get());
  options.epcis = epcis_.get();
  options.stats = officer_.get();
  site_ = std::make_unique<site::ConsumerSite>(
      service_.get(), scans_.get(), reports_.get(), config_.clock, options);
  http::HttpServerOptions http_options;
  http_options.address = address->host;
  http_options.port = address->port;
  http_options.threads = config_.http_threads;
  // EPCIS capture bodies may be large (a 10 000-event document is about
  // 4.4 MB); every other request keeps the small default limit.
  http_options.body_limit = [limit = http_options.max_body_bytes](
                                std::string_view method,
                                std::string_view path) {
    return http::EpcisBodyLimit(method, path, limit);
  };
  absl::StatusOr<std::unique_ptr<http::HttpServer>> server =
      http::HttpServer::Start(http_options, site_->handler());
  if (!server.ok()) {
    return absl::Status(server.status().code(),
                        absl::StrCat("--http ", config_.http_listen, ": ",
                                     std::string(server.status().message())));
  }
  http_ = *std::move(server);
  http_host_ = address->host;
  site_->set_http_stats(&http_->stats());
  return absl::OkStatus();
}

int Daemon::rpc_port() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return rpc_ == nullptr ? 0 : rpc_->port();
}

std::string Daemon::rpc_address() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return rpc_ == nullptr ? "" : rpc_->address();
}

int Daemon::http_port() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return http_ == nullptr ? 0 : http_->port();
}

std::string Daemon::http_address() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return HttpAddressLocked();
}

std::string Daemon::HttpAddressLocked() const {
  if (http_ == nullptr) return "";
  const bool ipv6 = http_host_.find(':') != std::string::npos;
  return absl::StrCat(ipv6 ? "[" : "", http_host_, ipv6 ? "]" : "", ":",
                      http_->port());
}

void Daemon::Wait() {
  std::unique_lock<std::mutex> lock(mutex_);
  stopped_cv_.wait(lock, [this] { return stopped_; });
}

void Daemon::Shutdown(absl::Duration grace) {
  rpc::RpcServer* server = nullptr;
  http::HttpServer* web = nullptr;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopped_) return;
    server = rpc_.get();  // Never reset before the destructor.
    web = http_.get();
  }
  // The consumers' door first: no new pages, then the scans it queued.
  if (web != nullptr) {
    web->Shutdown();
    site_->FlushScans();
  }
  // Outside the lock: calls in flight may take `grace` to finish.
  if (server != nullptr) server->Shutdown(grace);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopped_ = true;
  }
  stopped_cv_.notify_all();
}

absl::StatusOr<InitResult> InitDataDir(const InitOptions& options) {
  if (options.data_dir.empty()) {
    return absl::InvalidArgumentError("--init needs --data DIR");
  }
  absl::Status status = ValidateResolverBase(options.settings.resolver_base);
  if (!status.ok()) return status;
  const DataDir dir(options.data_dir);

  KeyNames names;
  absl::StatusOr<KeyNames> existing = ReadKeyNames(dir);
  if (existing.ok() && options.origin.empty()) {
    names = *existing;  // Re-running --init: keep what is there.
  } else if (existing.ok() || absl::IsNotFound(existing.status())) {
    const std::string origin =
        options.origin.empty() ? ResolverHost(options.settings.resolver_base)
                               : options.origin;
    status = ValidateOrigin(origin);
    if (!status.ok()) return status;
    names = DefaultKeyNames(origin);
  } else {
    return existing.status();
  }

  InitResult result;
  result.origin = names.log;
  absl::StatusOr<std::vector<std::string>> created =
      CreateMissingKeys(dir, names);
  if (!created.ok()) return created.status();
  result.created = *std::move(created);
  absl::StatusOr<bool> wrote =
      WriteServeSettingsIfMissing(dir, options.settings);
  if (!wrote.ok()) return wrote.status();
  if (*wrote) result.created.push_back(dir.config_file());
  const bool new_db = !IsDirectory(dir.db());
  // Owner-only, like keys/: the database holds principals' token hashes.
  if (new_db && ::mkdir(dir.db().c_str(), 0700) != 0) {
    return absl::InternalError(
        absl::StrCat("cannot create directory '", dir.db(), "'"));
  }

  DaemonConfig config;
  config.data_dir = options.data_dir;
  config.resolver_base = options.settings.resolver_base;
  config.clock = options.clock;
  config.random = options.random;
  absl::StatusOr<OpenedService> opened = OpenService(config, /*create=*/true);
  if (!opened.ok()) return opened.status();
  if (new_db) result.created.push_back(dir.db() + "/");

  absl::StatusOr<v1::CreatePrincipalResponse> admin =
      opened->service->BootstrapAdmin(options.admin_name);
  if (admin.ok()) {
    result.admin_name = admin->principal().name();
    result.admin_token = admin->token();
  } else if (!absl::IsAlreadyExists(admin.status())) {
    return admin.status();
  }
  return result;
}

absl::StatusOr<RebuildResult> RebuildDerivedState(const DaemonConfig& config) {
  absl::StatusOr<OpenedService> opened = OpenService(config, /*create=*/false);
  if (!opened.ok()) return opened.status();
  trace::Service& service = *opened->service;
  RebuildResult result;
  absl::StatusOr<Hash> before = service.DerivedStateDigest();
  if (!before.ok()) return before.status();
  result.digest_before = *before;
  absl::StatusOr<uint64_t> replayed = service.RebuildState();
  if (!replayed.ok()) return replayed.status();
  result.entries_replayed = *replayed;
  absl::StatusOr<Hash> after = service.DerivedStateDigest();
  if (!after.ok()) return after.status();
  result.digest_after = *after;
  return result;
}

absl::StatusOr<std::string> AddLabelKey(const DaemonConfig& config) {
  const DataDir dir(config.data_dir);
  // Take the database lock first, so nothing is written while traced runs.
  absl::StatusOr<std::unique_ptr<storage::Store>> store =
      OpenStore(dir, /*create=*/false);
  if (!store.ok()) return store.status();
  absl::StatusOr<std::string> name = AddLabelKeyFile(dir);
  if (!name.ok()) return name.status();
  absl::StatusOr<OpenedService> opened =
      OpenService(config, /*create=*/false, *std::move(store));
  if (!opened.ok()) {
    return absl::Status(
        opened.status().code(),
        absl::StrCat("label key '", *name, "' was written to ", dir.keys(),
                     " but could not be recorded in the log yet (it will be "
                     "when traced starts): ",
                     std::string(opened.status().message())));
  }
  absl::StatusOr<v1::GetKeysResponse> keys =
      opened->service->GetKeys(trace::Caller{}, v1::GetKeysRequest());
  if (!keys.ok()) return keys.status();
  for (const std::string& vkey : keys->label()) {
    if (vkey.starts_with(*name + "+")) return vkey;
  }
  return absl::InternalError(absl::StrCat(
      "label key '", *name, "' was written but the log does not list it"));
}

}  // namespace ocoptrace::app
