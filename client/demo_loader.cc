// DemoLoader: preparing (state, identities and their keys), signing and
// sending, and the summary. The records themselves: demo_loader_records.cc.

#include <sys/stat.h>

#include <filesystem>
#include <map>
#include <memory>
#include <set>

#include "absl/strings/str_cat.h"
#include "client/arguments.h"
#include "client/cli.h"
#include "client/demo_dataset.h"
#include "client/demo_loader.h"
#include "core/ed25519.h"
#include "core/timestamp.h"
#include "nlohmann/json.hpp"

namespace ocoptrace::client {
namespace {

absl::StatusOr<DemoState> LoadState(const std::string& path) {
  DemoState state;
  absl::StatusOr<std::string> text = ReadFile(path);
  if (absl::IsNotFound(text.status())) return state;
  if (!text.ok()) return text.status();
  const nlohmann::json json =
      nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object() ||
      !json.value("anchor_date", nlohmann::json()).is_string()) {
    return absl::DataLossError(absl::StrCat(
        path, " is not the loader's state file; move it away to start over"));
  }
  state.anchor_date = json["anchor_date"].get<std::string>();
  if (json.contains("tokens") && json["tokens"].is_object()) {
    for (const auto& [name, token] : json["tokens"].items()) {
      if (token.is_string()) state.tokens[name] = token.get<std::string>();
    }
  }
  return state;
}

absl::Status SaveState(const std::string& path, const DemoState& state) {
  nlohmann::json json;
  json["anchor_date"] = state.anchor_date;
  json["tokens"] = nlohmann::json::object();
  for (const auto& [name, token] : state.tokens) json["tokens"][name] = token;
  return WriteFileAtomically(path, json.dump(2) + "\n", 0600);
}

}  // namespace

absl::StatusOr<v1::EntryReceipt> DemoLoader::Send(
    Actor& actor, const EntryToSign& entry,
    const std::function<absl::StatusOr<v1::EntryReceipt>(
        Connection&, const v1::SignedEntry&)>& submit) {
  Connection* connection = actor.connection.get();
  HeadReader read_head = [connection](const std::string& subject) {
    v1::GetHeadRequest request;
    request.set_subject(subject);
    return connection->Call(connection->verify(), &v1::Verify::Stub::GetHead,
                            request);
  };
  return SignAndSubmit(
      entry, actor.signer, read_head,
      [&](const v1::SignedEntry& signed_entry) {
        return submit(*connection, signed_entry);
      },
      cli_.clock());
}

absl::StatusOr<DemoLoader::Actor*> DemoLoader::ActorFor(
    const std::string& principal) {
  auto found = actors_.find(principal);
  if (found != actors_.end()) return &found->second;
  return absl::InternalError(
      absl::StrCat("no key or token for ", principal, " was prepared"));
}

absl::Status DemoLoader::Prepare(const std::string& file) {
  absl::StatusOr<v1::Principal> me = cli_.Me();
  if (!me.ok()) return me.status();
  if (me->role() != v1::ROLE_ADMIN) {
    return absl::PermissionDeniedError(absl::StrCat(
        "demo load registers producers and principals: it needs an admin "
        "token; you are ",
        RoleWord(me->role()), " '", me->name(), "'"));
  }
  absl::StatusOr<Settings> settings = cli_.EffectiveSettings();
  if (!settings.ok()) return settings.status();
  settings_ = *settings;
  absl::StatusOr<NoteVerifier> log_key = cli_.LogKey();
  if (!log_key.ok()) return log_key.status();
  log_key_ = FormatVkey(*log_key);
  absl::StatusOr<Connection*> admin = cli_.connection();
  if (!admin.ok()) return admin.status();
  admin_ = *admin;

  std::error_code error;
  std::filesystem::create_directories(state_dir_ + "/keys", error);
  std::filesystem::create_directories(state_dir_ + "/config", error);
  if (error) {
    return absl::InternalError(
        absl::StrCat("cannot create ", state_dir_, ": ", error.message()));
  }
  for (const char* dir : {"", "/keys", "/config"}) {
    ::chmod((state_dir_ + dir).c_str(), 0700);
  }
  absl::StatusOr<DemoState> state = LoadState(state_dir_ + "/state.json");
  if (!state.ok()) return state.status();
  state_ = *std::move(state);
  if (state_.anchor_date.empty()) {
    state_.anchor_date = TodayInVietnam(cli_.clock().Now()).iso_date();
    if (auto saved = SaveState(state_dir_ + "/state.json", state_);
        !saved.ok()) {
      return saved;
    }
  }
  absl::StatusOr<absl::CivilDay> anchor = ParseDate(state_.anchor_date);
  if (!anchor.ok()) {
    return absl::DataLossError(absl::StrCat(
        state_dir_, "/state.json: anchor_date: ", anchor.status().message()));
  }
  absl::StatusOr<std::string> text = ReadFile(file);
  if (!text.ok()) return text.status();
  absl::StatusOr<DemoDataset> data = ParseDemoDataset(*text, *anchor);
  if (!data.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(file, ": ", data.status().message()));
  }
  data_ = *std::move(data);
  return absl::OkStatus();
}

absl::Status DemoLoader::EnsureIdentities() {
  absl::StatusOr<v1::ListPrincipalsResponse> list =
      admin_->Call(admin_->admin(), &v1::Admin::Stub::ListPrincipals,
                   v1::ListPrincipalsRequest());
  if (!list.ok()) return list.status();
  std::set<std::string> principals;
  for (const v1::Principal& principal : list->principals()) {
    principals.insert(principal.name());
  }
  absl::StatusOr<v1::GetKeysResponse> keys = admin_->Call(
      admin_->verify(), &v1::Verify::Stub::GetKeys, v1::GetKeysRequest());
  if (!keys.ok()) return keys.status();
  std::set<std::string> vkeys(keys->actors().begin(), keys->actors().end());
  std::set<std::string> key_names;
  for (const auto* list : {&keys->actors(), &keys->revoked()}) {
    for (const std::string& vkey : *list) {
      absl::StatusOr<NoteVerifier> parsed = ParseVkey(vkey);
      if (parsed.ok()) key_names.insert(parsed->name);
    }
  }
  std::vector<const DemoIdentity*> everyone = {&data_.certifier,
                                               &data_.inspector};
  for (const DemoIdentity& staff : data_.producer_staff) {
    everyone.push_back(&staff);
  }
  for (const DemoIdentity* identity : everyone) {
    if (auto status = EnsureIdentity(*identity, principals, vkeys, key_names);
        !status.ok()) {
      return absl::Status(status.code(),
                          absl::StrCat("principal ", identity->principal, ": ",
                                       status.message()));
    }
  }
  return absl::OkStatus();
}

absl::Status DemoLoader::EnsureIdentity(
    const DemoIdentity& identity, const std::set<std::string>& principals,
    const std::set<std::string>& vkeys,
    const std::set<std::string>& key_names) {
  bool added = false;
  // The principal and its token.
  if (!state_.tokens.contains(identity.principal)) {
    if (principals.contains(identity.principal)) {
      return absl::FailedPreconditionError(absl::StrCat(
          "exists on the server but its token is not in ", state_dir_,
          "/state.json (the demo state was lost or belongs to another data "
          "directory); load the demo into a fresh data directory, or pass "
          "the --state directory of the first load"));
    }
    v1::CreatePrincipalRequest request;
    v1::Principal* principal = request.mutable_principal();
    principal->set_name(identity.principal);
    principal->set_role(identity.role);
    principal->set_producer_id(identity.producer_id);
    principal->set_display_name(identity.display_name);
    absl::StatusOr<v1::CreatePrincipalResponse> created = admin_->Call(
        admin_->admin(), &v1::Admin::Stub::CreatePrincipal, request);
    if (!created.ok()) return created.status();
    state_.tokens[identity.principal] = created->token();
    // Saved at once: a token is shown only this once.
    if (auto saved = SaveState(state_dir_ + "/state.json", state_);
        !saved.ok()) {
      return saved;
    }
    added = true;
  }
  // The private key, kept in the state directory.
  const std::string key_path = KeyPath(identity.key_name);
  Ed25519PrivateKey key;
  absl::StatusOr<std::string> pem = ReadFile(key_path);
  if (pem.ok()) {
    absl::StatusOr<Ed25519PrivateKey> parsed = Ed25519PrivateKey::FromPem(*pem);
    if (!parsed.ok()) {
      return absl::DataLossError(
          absl::StrCat(key_path, ": ", parsed.status().message()));
    }
    key = *parsed;
  } else if (absl::IsNotFound(pem.status())) {
    key = Ed25519PrivateKey::Generate();
    if (auto written = WriteFileAtomically(key_path, key.ToPem(), 0600);
        !written.ok()) {
      return written;
    }
  } else {
    return pem.status();
  }
  absl::StatusOr<NoteSigner> signer = MakeNoteSigner(identity.key_name, key);
  if (!signer.ok()) return signer.status();
  const std::string vkey = FormatVkey(VerifierOf(*signer));
  // The key in the log.
  if (!vkeys.contains(vkey)) {
    if (key_names.contains(identity.key_name)) {
      return absl::FailedPreconditionError(
          absl::StrCat("the log already has a different key named ",
                       identity.key_name, " (not the one in ", key_path,
                       "); load the demo into a fresh data directory"));
    }
    v1::AddKeyRequest request;
    v1::KeyRecord* record = request.mutable_key();
    record->set_vkey(vkey);
    record->set_role(KeyRoleForRole(identity.role));
    record->set_producer_id(identity.producer_id);
    if (identity.role != v1::ROLE_PRODUCER) {
      record->set_holder(identity.principal);
    }
    absl::StatusOr<v1::EntryReceipt> receipt =
        admin_->Call(admin_->registry(), &v1::Registry::Stub::AddKey, request);
    if (!receipt.ok()) return receipt.status();
    added = true;
  }
  identities_.Count(added);
  // A ready config for `tracectl --config FILE ...` as this person.
  Settings config;
  config.server = settings_.server;
  config.ca_cert = settings_.ca_cert;
  config.token = state_.tokens[identity.principal];
  config.key = std::filesystem::absolute(key_path).string();
  config.key_name = identity.key_name;
  config.log_key = log_key_;
  if (auto saved = SaveConfigFile(
          absl::StrCat(state_dir_, "/config/", identity.principal, ".json"),
          config);
      !saved.ok()) {
    return saved;
  }
  ConnectionOptions options;
  options.server = settings_.server;
  options.token = config.token;
  options.ca_cert = settings_.ca_cert;
  options.timeout = absl::Seconds(cli_.flags.timeout_seconds);
  absl::StatusOr<std::unique_ptr<Connection>> connection =
      Connection::Open(std::move(options));
  if (!connection.ok()) return connection.status();
  actors_[identity.principal] =
      Actor{*std::move(connection), *std::move(signer)};
  return absl::OkStatus();
}

absl::Status DemoLoader::WriteSummary() {
  const std::string label_batch =
      data_.label_batch.gtin().empty()
          ? ""
          : absl::StrCat(data_.label_batch.gtin(), "/",
                         data_.label_batch.lot());
  Printer print = cli_.printer();
  if (print.json()) {
    auto tally = [](const Tally& t) {
      return nlohmann::json{{"total", t.total}, {"added", t.added}};
    };
    print.Json({{"dataset", data_.name},
                {"anchor_date", state_.anchor_date},
                {"producers", tally(producers_)},
                {"people", tally(identities_)},
                {"products", tally(products_)},
                {"certificates", tally(certificates_)},
                {"revocations", tally(revocations_)},
                {"batches", tally(batches_)},
                {"events", tally(events_)},
                {"state_dir", state_dir_},
                {"label_batch", label_batch}});
    return absl::OkStatus();
  }
  print.Text(absl::StrCat(
      "demo: ", data_.name, "\n",
      RenderFields({
          {"producers", producers_.Text()},
          {"people",
           absl::StrCat(identities_.Text(), ": principals with their keys")},
          {"products", products_.Text()},
          {"certificates", certificates_.Text()},
          {"revocations", revocations_.Text()},
          {"batches", batches_.Text()},
          {"events", events_.Text()},
          {"dates",
           absl::StrCat("relative dates counted from ", state_.anchor_date)},
          {"state",
           absl::StrCat(state_dir_,
                        " (tokens and private keys: keep it private)")},
          {"configs", absl::StrCat(state_dir_,
                                   "/config/<principal>.json (tracectl "
                                   "--config FILE ... acts as that person)")},
          {"label batch", label_batch},
      })));
  return absl::OkStatus();
}

absl::Status DemoLoader::Load(const std::string& file) {
  if (auto status = Prepare(file); !status.ok()) return status;
  // Producers first: their staff principals name them.
  for (auto step :
       {&DemoLoader::EnsureProducers, &DemoLoader::EnsureIdentities,
        &DemoLoader::EnsureProducts, &DemoLoader::EnsureCertificates,
        &DemoLoader::EnsureBatches}) {
    if (auto status = (this->*step)(); !status.ok()) return status;
  }
  return WriteSummary();
}

}  // namespace ocoptrace::client
