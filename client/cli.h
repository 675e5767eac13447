// The shared machinery of tracectl's subcommands: global flags, lazily
// loaded settings, the connection, the user's signing key, the pinned log
// key, and the exit codes.
//
// Each commands_*.cc file registers one group of subcommands on the CLI11
// app; a subcommand's callback only records the action to run in
// `Cli::action`, and main() runs it after parsing and turns its status into
// the exit code:
//   0 ok; 1 usage (bad flags; CLI11 reports those); 2 invalid input or
//   refused by the server (InvalidArgument, FailedPrecondition,
//   AlreadyExists, Aborted, OutOfRange, ResourceExhausted, and server-side
//   failures); 3 not found or not allowed (NotFound, PermissionDenied,
//   Unauthenticated); 4 verification failure (DataLoss: a signature, chain,
//   proof or checkpoint that does not verify); 5 server unreachable
//   (Unavailable, DeadlineExceeded).
//
// Thread-safety: single-threaded (one command per process).

#ifndef OCOPTRACE_CLIENT_CLI_H_
#define OCOPTRACE_CLIENT_CLI_H_

#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "client/config.h"
#include "client/connection.h"
#include "client/output.h"
#include "client/signing.h"
#include "core/clock.h"
#include "core/signed_note.h"

namespace ocoptrace::client {

// Exit codes (see the file comment).
inline constexpr int kExitOk = 0;
inline constexpr int kExitUsage = 1;
inline constexpr int kExitRefused = 2;
inline constexpr int kExitNotFound = 3;
inline constexpr int kExitVerification = 4;
inline constexpr int kExitUnreachable = 5;
// tracectl verify's verdicts (docs/tracectl.md "verify").
inline constexpr int kExitSuspicious = 10;
inline constexpr int kExitNotGenuine = 11;

// The exit code for a command's final status.
int ExitCodeFor(const absl::Status& status);

// A verification failure: DataLoss with `message` (exit code 4).
absl::Status VerificationError(std::string message);

// `status` (not OK) made to exit with `exit_code` instead of its code's.
absl::Status WithExitCode(absl::Status status, int exit_code);

// Flags accepted by every subcommand.
struct GlobalFlags {
  std::string config;  // --config FILE
  Settings overrides;  // --server, --token, --key, --key-name, --ca-cert
  bool json = false;   // --json
  int timeout_seconds = 30;
};

class Cli {
 public:
  Cli(std::ostream& out, std::ostream& err, Clock* clock,
      EnvLookup env = ProcessEnv());

  GlobalFlags flags;
  // Set by the chosen subcommand's callback; run by main after parsing.
  std::function<absl::Status()> action;

  std::ostream& out() { return out_; }
  std::ostream& err() { return err_; }
  Clock& clock() { return *clock_; }
  const EnvLookup& env() const { return env_; }
  Printer printer() { return Printer(out_, flags.json); }

  // The config file path and the settings after file, environment and
  // flags (config.h). Cached after the first call.
  absl::StatusOr<std::string> ConfigPath();
  absl::StatusOr<Settings> EffectiveSettings();
  // The config file's own contents (no environment or flags), for editing.
  absl::StatusOr<Settings> FileSettings();
  absl::Status SaveFileSettings(const Settings& settings);

  // The connection to the configured server (opened once).
  absl::StatusOr<Connection*> connection();

  // The user's key from the configured PEM file, named by key-name or, when
  // that is unset, by the server's list of actor keys (looked up by public
  // key). FailedPrecondition saying to run `tracectl init` when no key is
  // configured; NotFound when the server does not know the key.
  absl::StatusOr<NoteSigner> Signer();

  // The pinned log key. When none is pinned, fetches the server's
  // (Verify.GetKeys), pins it in the config file and prints a loud
  // "trust on first use" notice on stderr.
  absl::StatusOr<NoteVerifier> LogKey();

  // Every key the server lists that signs entries, parsed: actor keys,
  // label keys (labels.issued) and revoked keys.
  absl::StatusOr<std::vector<NoteVerifier>> ActorKeys();

  // The caller's principal (Admin.WhoAmI), fetched once.
  absl::StatusOr<v1::Principal> Me();

  // Signs `entry` with Signer() and submits it through `submit`, reading
  // heads from Verify.GetHead, retrying on ABORTED.
  absl::StatusOr<v1::EntryReceipt> SignAndSend(const EntryToSign& entry,
                                               const EntrySubmitter& submit);

  // Prints a receipt ("recorded kind subject seq N at log index I") or its
  // JSON.
  void PrintReceipt(const v1::EntryReceipt& receipt);

  // The file holding the last checkpoint seen (config dir).
  absl::StatusOr<std::string> LastCheckpointPath();

 private:
  std::ostream& out_;
  std::ostream& err_;
  Clock* clock_;
  EnvLookup env_;
  std::optional<std::string> config_path_;
  std::optional<Settings> settings_;
  std::unique_ptr<Connection> connection_;
  std::optional<NoteVerifier> log_key_;
  std::optional<v1::Principal> me_;
};

// Adds --config, --server, --token, --key, --key-name, --ca-cert, --json and
// --timeout to `app` (root; subcommands fall through to it).
void AddGlobalFlags(CLI::App& app, GlobalFlags& flags);

// Makes `action` what runs when subcommand `command` is chosen.
inline void SetAction(CLI::App* command, Cli& cli,
                      std::function<absl::Status()> action) {
  command->callback(
      [&cli, action = std::move(action)] { cli.action = action; });
}

// Subcommand groups (commands_*.cc).
void AddConfigCommands(CLI::App& app, Cli& cli);       // init, config, whoami
void AddAdminCommands(CLI::App& app, Cli& cli);        // principal
void AddRegistryCommands(CLI::App& app, Cli& cli);     // producer, key
void AddProductCommands(CLI::App& app, Cli& cli);      // product
void AddCertificateCommands(CLI::App& app, Cli& cli);  // cert
void AddTraceCommands(CLI::App& app, Cli& cli);        // batch, event, history
void AddLogCommands(CLI::App& app, Cli& cli);          // log
void AddEpcisCommands(CLI::App& app, Cli& cli);  // epcis, export portal
void AddTrustCommands(CLI::App& app, Cli& cli);        // trust
void AddVerifyCommands(CLI::App& app, Cli& cli);       // verify
void AddProofCommands(CLI::App& app, Cli& cli);        // proof
void AddStatsCommands(CLI::App& app, Cli& cli);        // stats
void AddReportsCommands(CLI::App& app, Cli& cli);      // reports
void AddDemoCommands(CLI::App& app, Cli& cli);         // demo
void AddLabelCommands(CLI::App& app, Cli& cli);        // labels

// Builds the whole command tree on `app`.
void BuildCommandTree(CLI::App& app, Cli& cli);

// Parses `argv`, runs the chosen action, prints errors as "error: ..." on
// stderr, and returns the exit code. The whole of main().
int RunTracectl(int argc, const char* const* argv, Cli& cli);

}  // namespace ocoptrace::client

#endif  // OCOPTRACE_CLIENT_CLI_H_
