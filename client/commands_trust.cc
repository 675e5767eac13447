// tracectl trust sync / trust show: the inspector's trust bundle
// (trust_bundle.h). `sync` fetches the region's signed trust snapshot,
// checks the new checkpoint against the last one this client saw
// (CheckLogAdvance: a log that shows different histories to different
// people is caught) and the bundle against the pinned log key, and only
// then replaces the bundle on disk.

#include "absl/strings/str_cat.h"
#include "client/cli.h"
#include "client/log_advance.h"
#include "client/trust_bundle.h"
#include "client/verify_history.h"
#include "core/timestamp.h"

namespace ocoptrace::client {
namespace {

absl::StatusOr<std::string> BundlePath(Cli& cli, const std::string& flag) {
  if (!flag.empty()) return flag;
  absl::StatusOr<std::string> config = cli.ConfigPath();
  if (!config.ok()) return config.status();
  return DefaultTrustBundlePath(ConfigDirectory(*config));
}

std::string SplitViewWarning(const absl::Status& status) {
  return absl::StrCat(
      "!!! SPLIT-VIEW WARNING: the server's checkpoint does not extend the "
      "one this device saw before:\n!!!   ",
      status.message(),
      "\n!!! The log may be showing different histories to different "
      "people. Keep the old bundle, do not trust this server, and report "
      "it to the provincial OCOP office with the file last-checkpoint.txt.\n");
}

absl::Status RunSync(Cli& cli, const std::string& region,
                     const std::string& bundle_flag) {
  absl::StatusOr<std::string> path = BundlePath(cli, bundle_flag);
  if (!path.ok()) return path.status();
  absl::StatusOr<Connection*> conn = cli.connection();
  if (!conn.ok()) return conn.status();
  absl::StatusOr<NoteVerifier> log_key = cli.LogKey();
  if (!log_key.ok()) return log_key.status();
  v1::GetTrustSnapshotRequest request;
  request.set_region(region);
  absl::StatusOr<v1::GetTrustSnapshotResponse> response = (*conn)->Call(
      (*conn)->verify(), &v1::Verify::Stub::GetTrustSnapshot, request);
  if (!response.ok()) return response.status();

  absl::StatusOr<std::string> last_path = cli.LastCheckpointPath();
  if (!last_path.ok()) return last_path.status();
  std::optional<std::string> previous;
  absl::StatusOr<std::string> stored = ReadFile(*last_path);
  if (stored.ok()) {
    previous = *stored;
  } else if (!absl::IsNotFound(stored.status())) {
    return stored.status();
  }
  Connection* connection = *conn;
  absl::StatusOr<LogAdvance> advance =
      CheckLogAdvance(*log_key, previous, response->checkpoint(),
                      ConsistencyProofsFrom(*connection));
  if (!advance.ok()) {
    if (absl::IsDataLoss(advance.status())) {
      cli.err() << SplitViewWarning(advance.status());
      return VerificationError(
          absl::StrCat("trust sync refused: ", advance.status().message(),
                       "; the trust bundle was not changed"));
    }
    return advance.status();
  }
  absl::StatusOr<TrustBundle> bundle = BundleFromResponse(
      *response, connection->options().server, region, cli.clock().Now());
  if (!bundle.ok())
    return VerificationError(std::string(bundle.status().message()));
  absl::StatusOr<VerifiedTrust> trust = VerifyTrustBundle(*bundle, *log_key);
  if (!trust.ok()) {
    return VerificationError(absl::StrCat(
        trust.status().message(), "; the trust bundle was not changed"));
  }
  if (absl::Status written =
          WriteFileAtomically(*path, FormatTrustBundle(*bundle), 0644);
      !written.ok()) {
    return written;
  }
  if (absl::Status written =
          WriteFileAtomically(*last_path, advance->note_to_store, 0644);
      !written.ok()) {
    return written;
  }
  const v1::TrustSnapshot& snapshot = trust->snapshot;
  Printer print = cli.printer();
  if (print.json()) {
    print.Json({{"bundle", *path},
                {"region", region},
                {"checkpoint_size", trust->checkpoint.size},
                {"snapshot_index", bundle->snapshot.index},
                {"snapshot_time", FormatRfc3339(trust->snapshot_header.time)},
                {"producers", snapshot.producers_size()},
                {"products", snapshot.products_size()},
                {"certificates", snapshot.certificates_size()},
                {"voided_labels", snapshot.voided_labels_size()},
                {"keys", snapshot.keys_size()},
                {"first_seen", advance->first_seen}});
    return absl::OkStatus();
  }
  print.Text(absl::StrCat(
      "trust bundle written to ", *path, "\n",
      RenderFields(
          {{"region", region.empty() ? "all (whole log)" : region},
           {"checkpoint",
            absl::StrCat(
                "size ", trust->checkpoint.size, ", signed by ", log_key->name,
                advance->first_seen ? " (first checkpoint seen)"
                                    : ", consistent with the last seen")},
           {"snapshot",
            absl::StrCat("log index ", bundle->snapshot.index, ", signed ",
                         FormatRfc3339(trust->snapshot_header.time), " by ",
                         trust->authority.name)},
           {"producers", std::to_string(snapshot.producers_size())},
           {"products", std::to_string(snapshot.products_size())},
           {"certificates", std::to_string(snapshot.certificates_size())},
           {"voided labels", std::to_string(snapshot.voided_labels_size())},
           {"keys", std::to_string(snapshot.keys_size())}}),
      "Đã cập nhật gói tin cậy: có thể kiểm tra tem khi không có mạng.\n"));
  return absl::OkStatus();
}

absl::Status RunShow(Cli& cli, const std::string& bundle_flag) {
  absl::StatusOr<std::string> path = BundlePath(cli, bundle_flag);
  if (!path.ok()) return path.status();
  absl::StatusOr<std::string> text = ReadFile(*path);
  if (!text.ok()) {
    if (absl::IsNotFound(text.status())) {
      return absl::NotFoundError(
          absl::StrCat("no trust bundle at ", *path,
                       ": run `tracectl trust sync` while online"));
    }
    return text.status();
  }
  absl::StatusOr<TrustBundle> bundle = ParseTrustBundle(*text);
  if (!bundle.ok())
    return VerificationError(std::string(bundle.status().message()));
  absl::StatusOr<NoteVerifier> log_key = cli.LogKey();
  if (!log_key.ok()) return log_key.status();
  absl::StatusOr<VerifiedTrust> trust = VerifyTrustBundle(*bundle, *log_key);
  if (!trust.ok())
    return VerificationError(std::string(trust.status().message()));
  const absl::Duration age = cli.clock().Now() - bundle->synced_at;
  Printer print = cli.printer();
  if (print.json()) {
    print.Json(
        {{"bundle", *path},
         {"verified", true},
         {"server", bundle->server},
         {"region", bundle->region},
         {"synced_at", FormatRfc3339(TimestampAt(bundle->synced_at, 420))},
         {"age_seconds", absl::ToInt64Seconds(age)},
         {"checkpoint_size", trust->checkpoint.size},
         {"certificates", trust->snapshot.certificates_size()},
         {"voided_labels", trust->snapshot.voided_labels_size()}});
    return absl::OkStatus();
  }
  print.Text(absl::StrCat(
      RenderFields(
          {{"bundle", *path},
           {"verified",
            absl::StrCat("yes, under the pinned log key ", log_key->name)},
           {"server", bundle->server},
           {"region", bundle->region.empty() ? "all" : bundle->region},
           {"synced",
            absl::StrCat(AgeInWords(age), " (",
                         FormatRfc3339(TimestampAt(bundle->synced_at, 420)),
                         ")")},
           {"checkpoint", absl::StrCat("size ", trust->checkpoint.size)},
           {"certificates",
            std::to_string(trust->snapshot.certificates_size())},
           {"voided labels",
            std::to_string(trust->snapshot.voided_labels_size())}}),
      ""));
  return absl::OkStatus();
}

}  // namespace

void AddTrustCommands(CLI::App& app, Cli& cli) {
  CLI::App* trust = app.add_subcommand(
      "trust", "The inspector's trust bundle for offline verification");
  trust->require_subcommand(1);

  auto region = std::make_shared<std::string>();
  auto bundle = std::make_shared<std::string>();
  CLI::App* sync = trust->add_subcommand(
      "sync",
      "Fetch and verify the signed trust snapshot of a region (online)");
  sync->add_option("--region", *region,
                   "Administrative-unit code of your district or province as "
                   "recorded in producers' addresses (default: whole log)");
  sync->add_option("--bundle", *bundle,
                   "Bundle file (default <config dir>/trust-bundle.json)");
  SetAction(sync, cli,
            [&cli, region, bundle] { return RunSync(cli, *region, *bundle); });

  auto show_bundle = std::make_shared<std::string>();
  CLI::App* show = trust->add_subcommand(
      "show", "Verify the trust bundle on disk and say how old it is");
  show->add_option("--bundle", *show_bundle, "Bundle file");
  SetAction(show, cli,
            [&cli, show_bundle] { return RunShow(cli, *show_bundle); });
}

}  // namespace ocoptrace::client
