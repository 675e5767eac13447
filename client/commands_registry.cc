// tracectl producer add|get|list|update, key add|revoke|list|mine.

#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "client/arguments.h"
#include "client/cli.h"
#include "core/ed25519.h"
#include "core/gs1.h"

namespace ocoptrace::client {
namespace {

struct ProducerOptions {
  std::string id;
  std::string name;
  std::string form;
  std::string tax_code;
  std::string address;
  std::string hamlet;
  std::string commune_code;
  std::string commune_name;
  std::string province_code;
  std::string province_name;
  std::string gln;
  std::string company_prefix;
  std::string contact;
  bool demo = false;
};

// Applies the flags that were given over `record` (all of them for add).
absl::Status ApplyProducerOptions(const ProducerOptions& options,
                                  absl::Time now, v1::ProducerRecord& record) {
  if (!options.id.empty()) record.set_id(options.id);
  if (!options.name.empty()) record.set_name(options.name);
  if (!options.form.empty()) {
    absl::StatusOr<v1::LegalForm> form = ParseLegalForm(options.form);
    if (!form.ok()) return form.status();
    record.set_legal_form(*form);
  }
  if (!options.tax_code.empty()) record.set_tax_code(options.tax_code);
  if (!options.gln.empty()) {
    if (absl::Status gln = ValidateGln(options.gln); !gln.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("--gln: ", gln.message()));
    }
    record.set_gln(options.gln);
  }
  if (!options.company_prefix.empty()) {
    record.set_gs1_company_prefix(options.company_prefix);
  }
  if (!options.contact.empty()) record.set_public_contact(options.contact);
  if (options.demo) record.set_demo(true);
  bool new_address = !options.address.empty() ||
                     !options.commune_code.empty() ||
                     !options.commune_name.empty();
  if (new_address) {
    if (options.address.empty()) {
      return absl::InvalidArgumentError(
          "--address: give the address text exactly as recorded, e.g. "
          "\"thôn Chè Cọ, xã Côn Minh, huyện Na Rì, tỉnh Bắc Kạn\"");
    }
    v1::Address* address = record.mutable_address();
    address->Clear();
    address->set_text_as_recorded(options.address);
    address->set_hamlet(options.hamlet);
    *address->mutable_recorded_on() = TodayInVietnam(now);
    if (!options.commune_code.empty() || !options.commune_name.empty()) {
      v1::AdminUnit* commune = address->add_units_at_time();
      commune->set_code(options.commune_code);
      commune->set_name(options.commune_name);
      commune->set_level("commune");
      commune->set_parent_code(options.province_code);
    }
    if (!options.province_code.empty() || !options.province_name.empty()) {
      v1::AdminUnit* province = address->add_units_at_time();
      province->set_code(options.province_code);
      province->set_name(options.province_name);
      province->set_level("province");
    }
  }
  return absl::OkStatus();
}

void AddProducerFlags(CLI::App* command, ProducerOptions& options,
                      bool required) {
  CLI::Option* name = command->add_option(
      "--name", options.name, "Registered name, e.g. \"HTX Tài Hoan\"");
  CLI::Option* form =
      command->add_option("--form", options.form,
                          "cooperative|company|household|cooperative-group");
  CLI::Option* address = command->add_option(
      "--address", options.address, "Address text exactly as recorded");
  if (required) {
    name->required();
    form->required();
    address->required();
  }
  command->add_option("--tax-code", options.tax_code,
                      "Mã số thuế: 10 digits or 10-3");
  command->add_option("--hamlet", options.hamlet, "Thôn/bản");
  command->add_option("--commune-code", options.commune_code,
                      "Commune/ward code at the time of recording");
  command->add_option("--commune-name", options.commune_name,
                      "Commune/ward name, e.g. \"Xã Côn Minh\"");
  command->add_option("--province-code", options.province_code,
                      "Province code at the time of recording");
  command->add_option("--province-name", options.province_name,
                      "Province name, e.g. \"Tỉnh Bắc Kạn\"");
  command->add_option("--gln", options.gln, "GLN-13 of the production site");
  command->add_option("--gs1-prefix", options.company_prefix,
                      "GS1 company prefix");
  command->add_option("--contact", options.contact,
                      "Public contact (office phone or web page)");
  command->add_flag("--demo", options.demo, "Mark as demo data");
}

// The address as recorded, then the units it was in at the time and, when
// the server derived them, the units it is in now (after the 2025 reform).
std::string AddressLine(const v1::Address& address) {
  auto names = [](const auto& units) {
    std::vector<std::string> result;
    for (const v1::AdminUnit& unit : units) {
      if (!unit.name().empty()) result.push_back(unit.name());
    }
    return absl::StrJoin(result, ", ");
  };
  std::string line = address.text_as_recorded();
  std::string then = names(address.units_at_time());
  std::string now = names(address.current_units());
  if (!then.empty()) {
    absl::StrAppend(&line, " [", then, " on ", address.recorded_on().iso_date(),
                    "]");
  }
  if (!now.empty()) absl::StrAppend(&line, " (now ", now, ")");
  return line;
}

absl::Status RunProducerAdd(Cli& cli, const ProducerOptions& options) {
  v1::RegisterProducerRequest request;
  absl::Status applied = ApplyProducerOptions(options, cli.clock().Now(),
                                              *request.mutable_producer());
  if (!applied.ok()) return applied;
  absl::StatusOr<Connection*> conn = cli.connection();
  if (!conn.ok()) return conn.status();
  absl::StatusOr<v1::EntryReceipt> receipt = (*conn)->Call(
      (*conn)->registry(), &v1::Registry::Stub::RegisterProducer, request);
  if (!receipt.ok()) return receipt.status();
  cli.PrintReceipt(*receipt);
  return absl::OkStatus();
}

absl::StatusOr<v1::Producer> FetchProducer(Cli& cli, const std::string& id) {
  absl::StatusOr<Connection*> conn = cli.connection();
  if (!conn.ok()) return conn.status();
  v1::GetProducerRequest request;
  request.set_producer_id(id);
  return (*conn)->Call((*conn)->registry(), &v1::Registry::Stub::GetProducer,
                       request);
}

absl::Status RunProducerUpdate(Cli& cli, const ProducerOptions& options) {
  absl::StatusOr<v1::Producer> current = FetchProducer(cli, options.id);
  if (!current.ok()) return current.status();
  v1::ProducerRecord record = current->record();
  absl::Status applied =
      ApplyProducerOptions(options, cli.clock().Now(), record);
  if (!applied.ok()) return applied;
  absl::StatusOr<v1::Principal> me = cli.Me();
  if (!me.ok()) return me.status();
  absl::StatusOr<Connection*> conn = cli.connection();
  if (!conn.ok()) return conn.status();
  Connection* connection = *conn;
  absl::StatusOr<v1::EntryReceipt> receipt;
  if (me->role() == v1::ROLE_ADMIN) {
    // The service's authority key signs on the admin's behalf.
    v1::UpdateProducerRequest request;
    *request.mutable_producer() = record;
    receipt = connection->Call(connection->registry(),
                               &v1::Registry::Stub::UpdateProducer, request);
  } else {
    EntryToSign entry{"producer.updated", ProducerSubject(record.id()),
                      record.SerializeAsString(), std::nullopt};
    receipt = cli.SignAndSend(entry, [connection](const v1::SignedEntry& e) {
      v1::UpdateProducerRequest request;
      *request.mutable_signed_() = e;
      return connection->Call(connection->registry(),
                              &v1::Registry::Stub::UpdateProducer, request);
    });
  }
  if (!receipt.ok()) return receipt.status();
  cli.PrintReceipt(*receipt);
  return absl::OkStatus();
}

absl::Status RunProducerGet(Cli& cli, const std::string& id) {
  absl::StatusOr<v1::Producer> producer = FetchProducer(cli, id);
  if (!producer.ok()) return producer.status();
  Printer print = cli.printer();
  if (print.json()) {
    print.Json(ProtoToJson(*producer));
    return absl::OkStatus();
  }
  const v1::ProducerRecord& record = producer->record();
  print.Text(RenderFields({
      {"id", record.id()},
      {"name", record.name()},
      {"legal form", LegalFormWord(record.legal_form())},
      {"tax code", record.tax_code()},
      {"address", AddressLine(record.address())},
      {"first registered at",
       producer->has_address_as_registered()
           ? producer->address_as_registered().text_as_recorded()
           : ""},
      {"GLN", record.gln()},
      {"GS1 prefix", record.gs1_company_prefix()},
      {"contact", record.public_contact()},
      {"demo", record.demo() ? "yes (placeholder data)" : ""},
      {"log entries", std::to_string(producer->entries())},
  }));
  if (producer->keys_size() > 0) {
    Table keys({"KEY", "ROLE", "HOLDER", "STATUS"});
    for (const v1::Key& key : producer->keys()) {
      keys.AddRow(
          {key.name(), KeyRoleWord(key.role()), key.holder(),
           key.revoked() ? "revoked: " + key.revocation_reason() : "active"});
    }
    print.Text("\n" + keys.Render());
  }
  return absl::OkStatus();
}

absl::Status RunProducerList(Cli& cli) {
  absl::StatusOr<Connection*> conn = cli.connection();
  if (!conn.ok()) return conn.status();
  v1::ListProducersResponse all;
  v1::ListProducersRequest request;
  do {
    absl::StatusOr<v1::ListProducersResponse> page = (*conn)->Call(
        (*conn)->registry(), &v1::Registry::Stub::ListProducers, request);
    if (!page.ok()) return page.status();
    all.mutable_producers()->MergeFrom(page->producers());
    request.mutable_page()->set_page_token(page->next_page_token());
  } while (!request.page().page_token().empty());
  Printer print = cli.printer();
  if (print.json()) {
    print.Json(ProtoToJson(all));
    return absl::OkStatus();
  }
  Table table({"ID", "NAME", "FORM", "TAX CODE", "ADDRESS", "KEYS"});
  for (const v1::Producer& producer : all.producers()) {
    const v1::ProducerRecord& record = producer.record();
    table.AddRow({record.id(), record.name(),
                  LegalFormWord(record.legal_form()), record.tax_code(),
                  record.address().text_as_recorded(),
                  std::to_string(producer.keys_size())});
  }
  print.Text(table.Render());
  return absl::OkStatus();
}

struct KeyAddOptions {
  std::string vkey;
  bool mine = false;
  std::string role;
  std::string producer;
  std::string holder;
};

absl::Status RunKeyAdd(Cli& cli, const KeyAddOptions& options) {
  v1::AddKeyRequest request;
  v1::KeyRecord* key = request.mutable_key();
  if (options.mine == !options.vkey.empty()) {
    return absl::InvalidArgumentError(
        "give exactly one of --vkey VKEY (someone else's key) or --mine");
  }
  if (options.mine) {
    absl::StatusOr<Settings> settings = cli.EffectiveSettings();
    if (!settings.ok()) return settings.status();
    if (settings->key.empty() || settings->key_name.empty()) {
      return absl::FailedPreconditionError(
          "--mine: no key configured; run `tracectl init` first");
    }
    absl::StatusOr<std::string> pem = ReadFile(settings->key);
    if (!pem.ok()) return pem.status();
    absl::StatusOr<Ed25519PrivateKey> private_key =
        Ed25519PrivateKey::FromPem(*pem);
    if (!private_key.ok()) return private_key.status();
    absl::StatusOr<NoteSigner> signer =
        MakeNoteSigner(settings->key_name, *private_key);
    if (!signer.ok()) return signer.status();
    key->set_vkey(FormatVkey(VerifierOf(*signer)));
  } else {
    if (absl::StatusOr<NoteVerifier> parsed = ParseVkey(options.vkey);
        !parsed.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--vkey: ", parsed.status().message()));
    }
    key->set_vkey(options.vkey);
  }
  // Defaults from the caller's principal when adding one's own key.
  std::string role_word = options.role;
  std::string producer = options.producer;
  std::string holder = options.holder;
  if (options.mine && (role_word.empty() || holder.empty())) {
    absl::StatusOr<v1::Principal> me = cli.Me();
    if (!me.ok()) return me.status();
    if (role_word.empty()) role_word = KeyRoleWord(KeyRoleForRole(me->role()));
    if (producer.empty()) producer = me->producer_id();
    if (holder.empty()) holder = me->name();
  }
  if (role_word.empty()) {
    return absl::InvalidArgumentError(
        "--role: say what the key signs for: producer, certifier, inspector "
        "or admin");
  }
  absl::StatusOr<v1::KeyRole> role = ParseKeyRole(role_word);
  if (!role.ok()) return role.status();
  if (*role == v1::KEY_ROLE_PRODUCER && producer.empty()) {
    return absl::InvalidArgumentError(
        "--producer: a producer key signs for one producer; pass its id");
  }
  key->set_role(*role);
  key->set_producer_id(producer);
  key->set_holder(holder);
  absl::StatusOr<Connection*> conn = cli.connection();
  if (!conn.ok()) return conn.status();
  absl::StatusOr<v1::EntryReceipt> receipt =
      (*conn)->Call((*conn)->registry(), &v1::Registry::Stub::AddKey, request);
  if (!receipt.ok()) return receipt.status();
  cli.PrintReceipt(*receipt);
  return absl::OkStatus();
}

absl::Status RunKeyRevoke(Cli& cli, const std::string& name,
                          const std::string& reason) {
  absl::StatusOr<Connection*> conn = cli.connection();
  if (!conn.ok()) return conn.status();
  v1::RevokeKeyRequest request;
  request.set_key_name(name);
  request.set_reason(reason);
  absl::StatusOr<v1::EntryReceipt> receipt = (*conn)->Call(
      (*conn)->registry(), &v1::Registry::Stub::RevokeKey, request);
  if (!receipt.ok()) return receipt.status();
  cli.PrintReceipt(*receipt);
  return absl::OkStatus();
}

absl::Status RunKeyList(Cli& cli) {
  absl::StatusOr<Connection*> conn = cli.connection();
  if (!conn.ok()) return conn.status();
  absl::StatusOr<v1::GetKeysResponse> keys = (*conn)->Call(
      (*conn)->verify(), &v1::Verify::Stub::GetKeys, v1::GetKeysRequest());
  if (!keys.ok()) return keys.status();
  Printer print = cli.printer();
  if (print.json()) {
    print.Json(ProtoToJson(*keys));
    return absl::OkStatus();
  }
  Table table({"USE", "NAME", "ID", "VKEY"}, /*max_cell_width=*/100);
  auto add = [&table](const std::string& use, const std::string& vkey) {
    absl::StatusOr<NoteVerifier> parsed = ParseVkey(vkey);
    table.AddRow({use, parsed.ok() ? parsed->name : "(malformed)",
                  parsed.ok() ? FormatKeyId(parsed->key_id) : "", vkey});
  };
  add("log", keys->log());
  for (const std::string& vkey : keys->label()) add("label", vkey);
  for (const std::string& vkey : keys->actors()) add("actor", vkey);
  for (const std::string& vkey : keys->revoked()) add("revoked", vkey);
  print.Text(table.Render());
  return absl::OkStatus();
}

absl::Status RunKeyMine(Cli& cli) {
  absl::StatusOr<Settings> settings = cli.EffectiveSettings();
  if (!settings.ok()) return settings.status();
  if (settings->key.empty() || settings->key_name.empty()) {
    return absl::FailedPreconditionError(
        "no key configured: run `tracectl init` first");
  }
  absl::StatusOr<std::string> pem = ReadFile(settings->key);
  if (!pem.ok()) return pem.status();
  absl::StatusOr<Ed25519PrivateKey> key = Ed25519PrivateKey::FromPem(*pem);
  if (!key.ok()) return key.status();
  absl::StatusOr<NoteSigner> signer = MakeNoteSigner(settings->key_name, *key);
  if (!signer.ok()) return signer.status();
  std::string vkey = FormatVkey(VerifierOf(*signer));
  Printer print = cli.printer();
  if (print.json()) {
    print.Json({{"name", signer->name}, {"vkey", vkey}});
  } else {
    print.Text(vkey + "\n");
  }
  return absl::OkStatus();
}

}  // namespace

void AddRegistryCommands(CLI::App& app, Cli& cli) {
  CLI::App* producer =
      app.add_subcommand("producer", "Producers (chủ thể OCOP)");
  producer->require_subcommand(1);

  auto add_options = std::make_shared<ProducerOptions>();
  CLI::App* add = producer->add_subcommand(
      "add", "Register a producer (role admin; signed by the service)");
  add->add_option("--id", add_options->id,
                  "Stable id: 3-64 of a-z 0-9 -, e.g. htx-tai-hoan")
      ->required();
  AddProducerFlags(add, *add_options, /*required=*/true);
  SetAction(add, cli,
            [&cli, add_options] { return RunProducerAdd(cli, *add_options); });

  auto update_options = std::make_shared<ProducerOptions>();
  CLI::App* update = producer->add_subcommand(
      "update", "Change a producer's record (the flags given replace values)");
  update->add_option("id", update_options->id, "Producer id")->required();
  AddProducerFlags(update, *update_options, /*required=*/false);
  SetAction(update, cli, [&cli, update_options] {
    return RunProducerUpdate(cli, *update_options);
  });

  auto get_id = std::make_shared<std::string>();
  CLI::App* get = producer->add_subcommand("get", "Show a producer");
  get->add_option("id", *get_id, "Producer id")->required();
  SetAction(get, cli, [&cli, get_id] { return RunProducerGet(cli, *get_id); });

  CLI::App* list = producer->add_subcommand("list", "List producers");
  SetAction(list, cli, [&cli] { return RunProducerList(cli); });

  CLI::App* key = app.add_subcommand("key", "Signing keys of actors");
  key->require_subcommand(1);
  auto key_options = std::make_shared<KeyAddOptions>();
  CLI::App* key_add = key->add_subcommand(
      "add", "Register a verifier key (admin: any; producer: its own)");
  key_add->add_option("--vkey", key_options->vkey,
                      "The vkey printed by the holder's `tracectl init`");
  key_add->add_flag("--mine", key_options->mine,
                    "Register your own configured key");
  key_add->add_option("--role", key_options->role,
                      "producer, certifier, inspector or admin");
  key_add->add_option("--producer", key_options->producer,
                      "For producer keys: the producer id");
  key_add->add_option("--holder", key_options->holder,
                      "Officials: the principal name holding the key");
  SetAction(key_add, cli,
            [&cli, key_options] { return RunKeyAdd(cli, *key_options); });

  auto revoke_args = std::make_shared<std::pair<std::string, std::string>>();
  CLI::App* key_revoke = key->add_subcommand(
      "revoke", "Revoke a key: it signs nothing new; old entries stay valid");
  key_revoke->add_option("name", revoke_args->first, "Key name")->required();
  key_revoke->add_option("--reason", revoke_args->second, "Why, in words")
      ->required();
  SetAction(key_revoke, cli, [&cli, revoke_args] {
    return RunKeyRevoke(cli, revoke_args->first, revoke_args->second);
  });

  CLI::App* key_list =
      key->add_subcommand("list", "List the keys the log publishes");
  SetAction(key_list, cli, [&cli] { return RunKeyList(cli); });

  CLI::App* key_mine =
      key->add_subcommand("mine", "Print your own verifier key (vkey)");
  SetAction(key_mine, cli, [&cli] { return RunKeyMine(cli); });
}

}  // namespace ocoptrace::client
