// tracectl verify --image PHOTO | --url URL: is this label genuine?
//
// Offline (always): the Digital Link syntax, the GTIN check digit and the
// label signature against the trust bundle (trust_bundle.h), with the
// snapshot's voided labels, revoked keys and certificate status today.
// Online (when the server answers, or required with --online): the
// batch's chain fetched from the public Verify service, every entry
// checked (signature, chain link, body hash, inclusion under a checkpoint
// consistent with the one this device saw last), and the label's serial
// looked up in the labels.issued / labels.voided entries themselves.
//
// Exit codes: 0 genuine, 10 suspicious, 11 not genuine, 4 trust failure
// (no bundle, a bundle or log that does not verify, split view), 5 server
// unreachable with --online (docs/tracectl.md).

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "client/cli.h"
#include "client/image_decode.h"
#include "client/log_advance.h"
#include "client/signing.h"
#include "client/trust_bundle.h"
#include "client/verify_history.h"
#include "core/merkle.h"
#include "core/timestamp.h"
#include "ocoptrace/v1/labels.pb.h"

namespace ocoptrace::client {
namespace {

struct VerifyOptions {
  std::string image;
  std::string url;
  std::string bundle;
  bool largest = false;
  bool offline = false;
  bool online = false;
};

absl::StatusOr<NoteVerifier> PinnedLogKey(Cli& cli) {
  absl::StatusOr<Settings> settings = cli.EffectiveSettings();
  if (!settings.ok()) return settings.status();
  if (settings->log_key.empty()) {
    return VerificationError(
        "no log key is pinned on this device: run `tracectl trust sync` "
        "while online (or `tracectl config set log-key <published vkey>`)");
  }
  return cli.LogKey();
}

absl::StatusOr<VerifiedTrust> LoadTrust(Cli& cli, const std::string& flag) {
  std::string path = flag;
  if (path.empty()) {
    absl::StatusOr<std::string> config = cli.ConfigPath();
    if (!config.ok()) return config.status();
    path = DefaultTrustBundlePath(ConfigDirectory(*config));
  }
  absl::StatusOr<std::string> text = ReadFile(path);
  if (!text.ok()) {
    if (absl::IsNotFound(text.status())) {
      return VerificationError(absl::StrCat(
          "no trust bundle at ", path,
          ": run `tracectl trust sync --region CODE` while online"));
    }
    return text.status();
  }
  absl::StatusOr<TrustBundle> bundle = ParseTrustBundle(*text);
  if (!bundle.ok()) {
    return VerificationError(std::string(bundle.status().message()));
  }
  absl::StatusOr<NoteVerifier> log_key = PinnedLogKey(cli);
  if (!log_key.ok()) return log_key.status();
  absl::StatusOr<VerifiedTrust> trust = VerifyTrustBundle(*bundle, *log_key);
  if (!trust.ok()) {
    return VerificationError(std::string(trust.status().message()));
  }
  return trust;
}

// --- Online ------------------------------------------------------------------

absl::StatusOr<std::vector<v1::LogEntry>> FetchChain(
    Connection& conn, const std::string& subject) {
  std::vector<v1::LogEntry> chain;
  while (true) {
    v1::GetEntriesRequest request;
    request.set_subject(subject);
    request.set_from_seq(chain.size());
    request.set_count(1000);
    auto page =
        conn.Call(conn.verify(), &v1::Verify::Stub::GetEntries, request);
    if (!page.ok()) return page.status();
    for (const v1::LogEntry& entry : page->entries()) chain.push_back(entry);
    if (page->entries_size() < 1000) return chain;
  }
}

// Adds the online findings to `judgement`. Errors: Unavailable (server
// unreachable), DataLoss (the log does not verify: split view, bad proof).
absl::Status CheckOnline(Cli& cli, const VerifiedTrust& trust,
                         LabelJudgement& judgement) {
  absl::StatusOr<Connection*> conn = cli.connection();
  if (!conn.ok()) return conn.status();
  Connection& connection = **conn;
  absl::StatusOr<NoteVerifier> log_key = PinnedLogKey(cli);
  if (!log_key.ok()) return log_key.status();
  const LabelClaim& claim = *judgement.claim;
  const std::string subject = BatchSubject(claim.gtin14, claim.lot);
  absl::StatusOr<std::vector<v1::LogEntry>> chain =
      FetchChain(connection, subject);
  if (!chain.ok()) return chain.status();
  if (chain->empty()) {
    judgement.Add({"online_batch", Verdict::kNotGenuine, false,
                   absl::StrCat("online: the log has no batch ", claim.gtin14,
                                "/", claim.lot),
                   absl::StrCat("trực tuyến: không có lô ", claim.gtin14, "/",
                                claim.lot, " trong sổ cái")});
    return absl::OkStatus();
  }
  // A checkpoint covering the whole chain.
  v1::GetCheckpointRequest checkpoint_request;
  checkpoint_request.set_min_size(chain->back().index() + 1);
  auto checkpoint_response =
      connection.Call(connection.verify(), &v1::Verify::Stub::GetCheckpoint,
                      checkpoint_request);
  if (!checkpoint_response.ok()) return checkpoint_response.status();
  absl::StatusOr<LogAdvance> advance = AdvanceLastCheckpoint(
      cli, connection, *log_key, checkpoint_response->checkpoint());
  if (!advance.ok()) return advance.status();
  const Checkpoint& checkpoint = advance->latest;
  // Keys that may sign the batch's entries: the snapshot's (proven by the
  // bundle) and the server's current list (for keys added since).
  std::vector<NoteVerifier> keys;
  for (const v1::SnapshotKey& key : trust.snapshot.keys()) {
    if (auto verifier = ParseVkey(key.vkey()); verifier.ok())
      keys.push_back(*verifier);
  }
  if (auto served = cli.ActorKeys(); served.ok()) {
    keys.insert(keys.end(), served->begin(), served->end());
  }
  Hash prev{};
  std::optional<uint64_t> issued_at, voided_at;
  std::string void_reason;
  for (size_t seq = 0; seq < chain->size(); ++seq) {
    const v1::LogEntry& stored = (*chain)[seq];
    const std::string what = absl::StrCat("online: ", subject, " seq ", seq,
                                          " (log index ", stored.index(), ")");
    auto parsed = ParseEntry(stored.entry());
    if (!parsed.ok() || parsed->header.subject != subject ||
        parsed->header.seq != seq || parsed->header.prev != prev ||
        Sha256(stored.body()) != parsed->header.body_hash) {
      return VerificationError(absl::StrCat(
          what, ": the entry, its chain link or its body does not verify"));
    }
    if (auto opened = OpenNote(stored.entry(), keys); !opened.ok()) {
      return VerificationError(
          absl::StrCat(what, ": signature: ", opened.status().message()));
    }
    {
      v1::GetInclusionProofRequest request;
      request.set_index(stored.index());
      request.set_tree_size(checkpoint.size);
      auto proof = connection.Call(
          connection.verify(), &v1::Verify::Stub::GetInclusionProof, request);
      if (!proof.ok()) return proof.status();
      auto hashes = ProofFromBytes(proof->proof());
      if (!hashes.ok())
        return VerificationError(std::string(hashes.status().message()));
      if (absl::Status included = VerifyInclusion(
              stored.index(), checkpoint.size, LeafHash(stored.entry()),
              *hashes, checkpoint.root);
          !included.ok()) {
        return VerificationError(
            absl::StrCat(what, ": not included in the checkpoint of size ",
                         checkpoint.size, ": ", included.message()));
      }
    }
    prev = EntryHash(stored.entry());
    const std::string& kind = parsed->header.kind;
    if (kind == "labels.issued") {
      v1::LabelsIssued issued;
      if (!issued.ParseFromString(stored.body())) continue;
      auto serials = UnpackIssuedSerials(issued.serials());
      if (serials.ok() && std::find(serials->begin(), serials->end(),
                                    claim.serial) != serials->end()) {
        issued_at = stored.index();
      }
    } else if (kind == "labels.voided") {
      v1::LabelsVoided voided;
      if (!voided.ParseFromString(stored.body())) continue;
      if (std::find(voided.serials().begin(), voided.serials().end(),
                    claim.serial) != voided.serials().end()) {
        voided_at = stored.index();
        void_reason = voided.reason();
      }
    }
  }
  const std::string proven = absl::StrCat(
      chain->size(), " entries of the batch verified, included in the log of ",
      checkpoint.size, " entries",
      advance->first_seen ? ""
                          : ", consistent with the checkpoint seen before");
  if (!issued_at) {
    judgement.Add({"online_issued", Verdict::kNotGenuine, false,
                   absl::StrCat("online: serial ", claim.serial,
                                " was never issued in the log for this batch "
                                "(a signature made outside the log); ",
                                proven),
                   absl::StrCat("trực tuyến: số sê-ri ", claim.serial,
                                " chưa từng được phát hành cho lô này")});
    return absl::OkStatus();
  }
  if (voided_at) {
    judgement.Add({"online_voided", Verdict::kNotGenuine, false,
                   absl::StrCat("online: label voided by its producer (log "
                                "index ",
                                *voided_at, "): ", void_reason),
                   absl::StrCat("trực tuyến: tem đã bị hủy: ", void_reason)});
    return absl::OkStatus();
  }
  judgement.Add(
      {"online_issued", Verdict::kGenuine, true,
       absl::StrCat("online: issued in labels.issued at log index ", *issued_at,
                    "; ", proven),
       absl::StrCat("trực tuyến: tem được phát hành trong sổ cái (chỉ "
                    "mục ",
                    *issued_at, ")")});
  return absl::OkStatus();
}

// --- Output ------------------------------------------------------------------

std::string RenderJudgement(const LabelJudgement& judgement,
                            const std::string& source) {
  std::string verdict_line;
  switch (judgement.verdict) {
    case Verdict::kGenuine:
      verdict_line = "✓ GENUINE — TEM THẬT";
      break;
    case Verdict::kSuspicious:
      verdict_line = "? SUSPICIOUS — ĐÁNG NGỜ";
      break;
    case Verdict::kNotGenuine:
      verdict_line = "✗ NOT GENUINE — KHÔNG PHẢI TEM THẬT";
      break;
  }
  std::string text = absl::StrCat(verdict_line, "\n");
  std::vector<std::pair<std::string, std::string>> fields = {{"label", source}};
  if (judgement.claim) {
    fields.push_back(
        {"gtin / lot / serial",
         absl::StrCat(judgement.claim->gtin14, " / ", judgement.claim->lot,
                      " / ", judgement.claim->serial)});
  }
  fields.push_back({"product", judgement.product_name});
  fields.push_back({"producer", judgement.producer_name});
  if (judgement.stars > 0) {
    fields.push_back({"OCOP", absl::StrCat(judgement.stars, "★ (",
                                           judgement.certificate, ")")});
  }
  absl::StrAppend(&text, RenderFields(fields));
  for (const Reason& reason : judgement.reasons) {
    const char* mark = reason.effect == Verdict::kNotGenuine   ? "✗"
                       : reason.effect == Verdict::kSuspicious ? "?"
                       : reason.passed                         ? "✓"
                                                               : "·";
    absl::StrAppend(&text, "  ", mark, " ", reason.en, "\n      ", reason.vi,
                    "\n");
  }
  return text;
}

absl::Status RunVerify(Cli& cli, const VerifyOptions& options) {
  if (options.image.empty() == options.url.empty()) {
    return absl::InvalidArgumentError(
        "give exactly one of --image PHOTO and --url URL");
  }
  if (options.offline && options.online) {
    return absl::InvalidArgumentError(
        "--offline and --online exclude each other");
  }
  // The labels to judge: the URL, or every QR code of the photo.
  std::vector<std::string> urls;
  if (!options.url.empty()) {
    urls.push_back(options.url);
  } else {
    absl::StatusOr<GrayImage> image = LoadImage(options.image);
    if (!image.ok()) return image.status();
    std::vector<FoundCode> codes = FindQrCodes(*image);
    if (codes.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "no QR code found in ", options.image,
          ": photograph the label flat, in focus, filling a good part of "
          "the picture"));
    }
    for (const FoundCode& code : codes) {
      urls.push_back(code.text);
      if (options.largest) break;
    }
  }
  absl::StatusOr<VerifiedTrust> trust = LoadTrust(cli, options.bundle);
  if (!trust.ok()) return trust.status();

  bool try_online = options.online;
  if (!options.offline && !options.online) {
    absl::StatusOr<Settings> settings = cli.EffectiveSettings();
    try_online = settings.ok() && !settings->server.empty();
  }
  std::vector<LabelJudgement> judgements;
  std::string online_note;
  for (const std::string& url : urls) {
    LabelJudgement judgement = JudgeLabel(url, *trust, cli.clock().Now());
    if (try_online && judgement.claim &&
        judgement.verdict != Verdict::kNotGenuine) {
      absl::Status online = CheckOnline(cli, *trust, judgement);
      if (absl::IsUnavailable(online) || absl::IsDeadlineExceeded(online)) {
        if (options.online) return online;
        online_note = std::string(online.message());
        try_online = false;
        judgement.Add({"online_unreachable", Verdict::kGenuine, false,
                       "server unreachable: offline verdict only",
                       "không kết nối được máy chủ: chỉ kiểm tra ngoại tuyến"});
      } else if (!online.ok()) {
        return online;
      }
    }
    judgements.push_back(std::move(judgement));
  }

  Verdict worst = Verdict::kGenuine;
  for (const LabelJudgement& judgement : judgements) {
    worst = std::max(worst, judgement.verdict);
  }
  Printer print = cli.printer();
  if (print.json()) {
    nlohmann::json labels = nlohmann::json::array();
    for (size_t i = 0; i < judgements.size(); ++i) {
      nlohmann::json item = JudgementToJson(judgements[i]);
      item["url"] = urls[i];
      labels.push_back(item);
    }
    print.Json({{"verdict", VerdictWord(worst)},
                {"labels", labels},
                {"bundle_synced_at",
                 FormatRfc3339(TimestampAt(trust->synced_at, 420))},
                {"bundle_age_seconds",
                 absl::ToInt64Seconds(cli.clock().Now() - trust->synced_at)},
                {"region", trust->region}});
  } else {
    std::string text;
    if (urls.size() > 1) {
      absl::StrAppend(&text, urls.size(), " labels found in ", options.image,
                      " (largest first); each is verified:\n\n");
    }
    for (size_t i = 0; i < judgements.size(); ++i) {
      const std::string source =
          options.url.empty()
              ? absl::StrCat(options.image,
                             urls.size() > 1 ? absl::StrCat(" #", i + 1) : "")
              : std::string("--url");
      absl::StrAppend(&text, RenderJudgement(judgements[i], source), "\n");
    }
    absl::StrAppend(&text, "bundle from ",
                    AgeInWords(cli.clock().Now() - trust->synced_at),
                    " / gói tin cậy ",
                    AgeInWordsVi(cli.clock().Now() - trust->synced_at), "\n");
    print.Text(text);
  }
  switch (worst) {
    case Verdict::kGenuine:
      return absl::OkStatus();
    case Verdict::kSuspicious:
      return WithExitCode(absl::FailedPreconditionError(
                              "verdict: suspicious (see the reasons above)"),
                          kExitSuspicious);
    case Verdict::kNotGenuine:
      return WithExitCode(absl::FailedPreconditionError(
                              "verdict: NOT genuine (see the reasons above)"),
                          kExitNotGenuine);
  }
  return absl::OkStatus();
}

}  // namespace

void AddVerifyCommands(CLI::App& app, Cli& cli) {
  auto options = std::make_shared<VerifyOptions>();
  CLI::App* verify = app.add_subcommand(
      "verify",
      "Is this label genuine? Checks a label photo or URL against the trust "
      "bundle (offline) and, when reachable, the log (online)");
  verify->add_option("--image", options->image,
                     "Photo of a label or a printed sheet (JPEG, PNG, PPM)");
  verify->add_option("--url", options->url, "The label's URL");
  verify->add_option("--bundle", options->bundle,
                     "Trust bundle (default <config dir>/trust-bundle.json)");
  verify->add_flag("--largest", options->largest,
                   "Only the largest QR code of the photo");
  verify->add_flag("--offline", options->offline, "Never contact the server");
  verify->add_flag("--online", options->online,
                   "Require the online checks (exit 5 when unreachable)");
  SetAction(verify, cli, [&cli, options] { return RunVerify(cli, *options); });
}

}  // namespace ocoptrace::client
