// tracectl init | config show|get|set|path | whoami.

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "client/arguments.h"
#include "client/cli.h"
#include "core/ed25519.h"
#include "core/sha256.h"

namespace ocoptrace::client {
namespace {

// "alice@host-3fa9": user, host and 4 hex digits of the public key, so two
// keys made by the same account still get different names.
std::string DefaultKeyName(const Cli& cli, const Ed25519PublicKey& key) {
  std::optional<std::string> user = cli.env()("USER");
  char host[256] = {0};
  if (::gethostname(host, sizeof(host) - 1) != 0) host[0] = '\0';
  std::string name = absl::StrCat(user && !user->empty() ? *user : "user", "@",
                                  host[0] ? host : "localhost", "-",
                                  HashToHex(Sha256(key.bytes())).substr(0, 4));
  for (char& c : name) {
    if (c == '+' || c == ' ' || static_cast<unsigned char>(c) < 0x21) c = '-';
  }
  return name;
}

std::string Masked(const std::string& secret) {
  if (secret.empty()) return "";
  if (secret.size() <= 8) return "****";
  return secret.substr(0, 4) + "…(" + std::to_string(secret.size()) +
         " characters)";
}

// The vkey of the configured private key, or "" when it cannot be loaded.
std::string VkeyOf(const Settings& settings) {
  if (settings.key.empty() || settings.key_name.empty()) return "";
  absl::StatusOr<std::string> pem = ReadFile(settings.key);
  if (!pem.ok()) return "";
  absl::StatusOr<Ed25519PrivateKey> key = Ed25519PrivateKey::FromPem(*pem);
  if (!key.ok()) return "";
  absl::StatusOr<NoteSigner> signer = MakeNoteSigner(settings.key_name, *key);
  if (!signer.ok()) return "";
  return FormatVkey(VerifierOf(*signer));
}

struct InitOptions {
  std::string name;
  bool no_pin = false;
};

absl::Status RunInit(Cli& cli, const InitOptions& options) {
  absl::StatusOr<std::string> path = cli.ConfigPath();
  if (!path.ok()) return path.status();
  absl::StatusOr<Settings> file = cli.FileSettings();
  if (!file.ok()) return file.status();
  Settings settings = *file;
  const Settings& flags = cli.flags.overrides;
  if (!flags.server.empty()) settings.server = flags.server;
  if (!flags.token.empty()) settings.token = flags.token;
  if (!flags.ca_cert.empty()) settings.ca_cert = flags.ca_cert;
  if (!flags.key.empty()) settings.key = flags.key;
  if (settings.key.empty()) {
    settings.key = ConfigDirectory(*path) + "/key.pem";
  }
  settings.key = std::filesystem::absolute(settings.key).string();

  std::error_code error;
  std::filesystem::create_directories(ConfigDirectory(*path), error);
  ::chmod(ConfigDirectory(*path).c_str(), 0700);

  // Reuse an existing key: re-running init must never lose one.
  Ed25519PrivateKey key;
  bool created = false;
  absl::StatusOr<std::string> existing = ReadFile(settings.key);
  if (existing.ok()) {
    absl::StatusOr<Ed25519PrivateKey> parsed =
        Ed25519PrivateKey::FromPem(*existing);
    if (!parsed.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(settings.key,
                       " exists but is not an Ed25519 private "
                       "key: ",
                       parsed.status().message(),
                       "; move it away or pass --key OTHER_FILE"));
    }
    key = *parsed;
  } else if (absl::IsNotFound(existing.status())) {
    key = Ed25519PrivateKey::Generate();
    absl::Status written = WriteFileAtomically(settings.key, key.ToPem(), 0600);
    if (!written.ok()) return written;
    created = true;
  } else {
    return existing.status();
  }

  std::string name = !options.name.empty()     ? options.name
                     : !flags.key_name.empty() ? flags.key_name
                     : !settings.key_name.empty() && !created
                         ? settings.key_name
                         : DefaultKeyName(cli, key.public_key());
  if (!IsValidKeyName(name)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--name '", name,
        "' is not a valid key name: use letters, digits and punctuation "
        "without '+' or spaces, e.g. htx-tai-hoan-1"));
  }
  settings.key_name = name;
  absl::StatusOr<NoteSigner> signer = MakeNoteSigner(name, key);
  if (!signer.ok()) return signer.status();
  std::string vkey = FormatVkey(VerifierOf(*signer));
  if (absl::Status saved = cli.SaveFileSettings(settings); !saved.ok()) {
    return saved;
  }

  // Pin the log key now if the server is known and reachable.
  std::string log_key = settings.log_key;
  std::string pin_note;
  if (log_key.empty() && !settings.server.empty() && !options.no_pin) {
    absl::StatusOr<NoteVerifier> pinned = cli.LogKey();
    if (pinned.ok()) {
      log_key = FormatVkey(*pinned);
    } else {
      pin_note =
          absl::StrCat("log key not pinned yet (", pinned.status().message(),
                       "); it will be pinned on first contact");
    }
  }

  Printer print = cli.printer();
  if (print.json()) {
    print.Json({{"config", *path},
                {"key", settings.key},
                {"key_created", created},
                {"key_name", name},
                {"vkey", vkey},
                {"server", settings.server},
                {"log_key", log_key}});
    return absl::OkStatus();
  }
  std::string text = absl::StrCat(
      created ? "created a new signing key " : "using the existing key ",
      settings.key, " (keep it secret; it never leaves this machine)\n",
      "config written to ", *path, "\n\n",
      "Your verifier key — give it to the OCOP office admin, who adds it "
      "with `tracectl key add --vkey ...`:\n\n  ",
      vkey, "\n\n");
  if (!pin_note.empty()) absl::StrAppend(&text, pin_note, "\n");
  print.Text(text);
  return absl::OkStatus();
}

absl::Status RunConfigShow(Cli& cli) {
  absl::StatusOr<std::string> path = cli.ConfigPath();
  if (!path.ok()) return path.status();
  absl::StatusOr<Settings> settings = cli.EffectiveSettings();
  if (!settings.ok()) return settings.status();
  std::string vkey = VkeyOf(*settings);
  Printer print = cli.printer();
  if (print.json()) {
    print.Json({{"config", *path},
                {"server", settings->server},
                {"token_set", !settings->token.empty()},
                {"key", settings->key},
                {"key_name", settings->key_name},
                {"vkey", vkey},
                {"ca_cert", settings->ca_cert},
                {"log_key", settings->log_key}});
    return absl::OkStatus();
  }
  print.Text(RenderFields({
      {"config", *path},
      {"server", settings->server.empty() ? "(not set)" : settings->server},
      {"token",
       settings->token.empty() ? "(not set)" : Masked(settings->token)},
      {"key", settings->key.empty() ? "(not set)" : settings->key},
      {"key-name", settings->key_name},
      {"vkey", vkey},
      {"ca-cert", settings->ca_cert},
      {"log-key", settings->log_key.empty()
                      ? "(not pinned: pinned on first contact)"
                      : settings->log_key},
      {"transport",
       settings->server.empty() ? ""
       : !settings->ca_cert.empty() || !IsLoopbackServer(settings->server)
           ? "TLS"
           : "plaintext (loopback)"},
  }));
  return absl::OkStatus();
}

absl::Status RunConfigGet(Cli& cli, const std::string& name) {
  absl::StatusOr<Settings> settings = cli.EffectiveSettings();
  if (!settings.ok()) return settings.status();
  absl::StatusOr<std::string> value = GetSetting(*settings, name);
  if (!value.ok()) return value.status();
  Printer print = cli.printer();
  if (print.json()) {
    print.Json({{name, *value}});
  } else {
    print.Text(*value + "\n");
  }
  return absl::OkStatus();
}

// Checks a value before it is written to the config file.
absl::Status ValidateSetting(const std::string& name,
                             const std::string& value) {
  if (value.empty()) return absl::OkStatus();  // Unsets.
  if (name == "log-key") {
    absl::StatusOr<NoteVerifier> vkey = ParseVkey(value);
    if (!vkey.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("log-key: ", vkey.status().message()));
    }
  } else if (name == "key-name" && !IsValidKeyName(value)) {
    return absl::InvalidArgumentError(
        absl::StrCat("key-name '", value, "' is not a valid key name"));
  } else if (name == "key") {
    absl::StatusOr<std::string> pem = ReadFile(value);
    if (!pem.ok()) return pem.status();
    if (!Ed25519PrivateKey::FromPem(*pem).ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("key: ", value, " is not an Ed25519 private key PEM"));
    }
  } else if (name == "ca-cert") {
    absl::StatusOr<std::string> pem = ReadFile(value);
    if (!pem.ok()) return pem.status();
  }
  return absl::OkStatus();
}

absl::Status RunConfigSet(Cli& cli, const std::string& name,
                          const std::string& value) {
  absl::StatusOr<Settings> file = cli.FileSettings();
  if (!file.ok()) return file.status();
  std::string stored = value;
  if ((name == "key" || name == "ca-cert") && !value.empty()) {
    stored = std::filesystem::absolute(value).string();
  }
  if (absl::Status valid = ValidateSetting(name, stored); !valid.ok()) {
    return valid;
  }
  Settings settings = *file;
  if (absl::Status set = SetSetting(settings, name, stored); !set.ok()) {
    return set;
  }
  if (absl::Status saved = cli.SaveFileSettings(settings); !saved.ok()) {
    return saved;
  }
  Printer print = cli.printer();
  if (print.json()) {
    print.Json({{"set", name}, {"value", name == "token" ? "" : stored}});
  } else {
    print.Text(value.empty() ? absl::StrCat("unset ", name, "\n")
                             : absl::StrCat("set ", name, "\n"));
  }
  return absl::OkStatus();
}

absl::Status RunWhoAmI(Cli& cli) {
  absl::StatusOr<Connection*> conn = cli.connection();
  if (!conn.ok()) return conn.status();
  absl::StatusOr<v1::Principal> me = (*conn)->Call(
      (*conn)->admin(), &v1::Admin::Stub::WhoAmI, v1::WhoAmIRequest());
  if (!me.ok()) return me.status();
  absl::StatusOr<Settings> settings = cli.EffectiveSettings();
  std::string vkey = settings.ok() ? VkeyOf(*settings) : "";
  Printer print = cli.printer();
  if (print.json()) {
    nlohmann::json json = ProtoToJson(*me);
    json["vkey"] = vkey;
    print.Json(json);
    return absl::OkStatus();
  }
  print.Text(RenderFields({{"principal", me->name()},
                           {"role", RoleWord(me->role())},
                           {"producer", me->producer_id()},
                           {"display name", me->display_name()},
                           {"created", me->created_at()},
                           {"server", (*conn)->options().server},
                           {"signing key", vkey}}));
  return absl::OkStatus();
}

}  // namespace

void AddConfigCommands(CLI::App& app, Cli& cli) {
  auto init_options = std::make_shared<InitOptions>();
  CLI::App* init = app.add_subcommand(
      "init",
      "Make your Ed25519 signing key (kept here, mode 0600), write the "
      "config, print the verifier key to give to the admin");
  init->add_option("--name", init_options->name,
                   "Key name in the log, e.g. htx-tai-hoan-1 (default "
                   "user@host-xxxx)");
  init->add_flag("--no-pin", init_options->no_pin,
                 "Do not contact the server to pin its log key now");
  SetAction(init, cli,
            [&cli, init_options] { return RunInit(cli, *init_options); });

  CLI::App* config = app.add_subcommand("config", "Show or change settings");
  config->require_subcommand(1);
  CLI::App* show = config->add_subcommand(
      "show", "Show the effective settings (file, environment, flags)");
  SetAction(show, cli, [&cli] { return RunConfigShow(cli); });

  auto get_name = std::make_shared<std::string>();
  CLI::App* get = config->add_subcommand("get", "Print one setting's value");
  get->add_option("name", *get_name,
                  "server|token|key|key-name|ca-cert|log-key")
      ->required();
  SetAction(get, cli,
            [&cli, get_name] { return RunConfigGet(cli, *get_name); });

  auto set_args = std::make_shared<std::vector<std::string>>();
  CLI::App* set = config->add_subcommand(
      "set", "Set a setting in the config file (empty value unsets it)");
  set->add_option("name_value", *set_args,
                  "NAME VALUE with NAME one of server, token, key, key-name, "
                  "ca-cert, log-key")
      ->expected(2)
      ->required();
  SetAction(set, cli, [&cli, set_args] {
    return RunConfigSet(cli, (*set_args)[0], (*set_args)[1]);
  });

  CLI::App* path = config->add_subcommand("path", "Print the config file path");
  SetAction(path, cli, [&cli]() -> absl::Status {
    absl::StatusOr<std::string> config_path = cli.ConfigPath();
    if (!config_path.ok()) return config_path.status();
    Printer print = cli.printer();
    if (print.json()) {
      print.Json({{"config", *config_path}});
    } else {
      print.Text(*config_path + "\n");
    }
    return absl::OkStatus();
  });

  CLI::App* whoami = app.add_subcommand(
      "whoami", "Show the principal your token belongs to, and your key");
  SetAction(whoami, cli, [&cli] { return RunWhoAmI(cli); });
}

}  // namespace ocoptrace::client
