// tracectl proof export GTIN/LOT [--out FILE], tracectl proof verify FILE:
// a batch's whole history in one file that anyone can check offline with
// nothing but the log key (proof_bundle.h, docs/proof-bundle.md).

#include <fstream>
#include <set>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "client/arguments.h"
#include "client/cli.h"
#include "client/log_advance.h"
#include "client/proof_bundle.h"
#include "client/signing.h"
#include "client/verify_history.h"
#include "core/timestamp.h"
#include "ocoptrace/v1/registry.pb.h"

namespace ocoptrace::client {
namespace {

using Entries = std::vector<v1::LogEntry>;

absl::StatusOr<Entries> SubjectChain(Connection& conn,
                                     const std::string& subject) {
  Entries chain;
  while (true) {
    v1::GetEntriesRequest request;
    request.set_subject(subject);
    request.set_from_seq(chain.size());
    request.set_count(1000);
    auto page =
        conn.Call(conn.verify(), &v1::Verify::Stub::GetEntries, request);
    if (!page.ok()) return page.status();
    chain.insert(chain.end(), page->entries().begin(), page->entries().end());
    if (page->entries_size() < 1000) return chain;
  }
}

// Adds to `found` (key name -> entry) the key.added entries of `entries`
// that add a key named in `wanted`, and always the authority's seq 0.
void CollectKeys(const Entries& entries, const std::set<std::string>& wanted,
                 std::map<std::string, v1::LogEntry>& found) {
  for (const v1::LogEntry& stored : entries) {
    auto parsed = ParseEntry(stored.entry());
    if (!parsed.ok() || parsed->header.kind != "key.added") continue;
    v1::KeyRecord record;
    if (!record.ParseFromString(stored.body())) continue;
    auto vkey = ParseVkey(record.vkey());
    if (!vkey.ok()) continue;
    const bool root = parsed->header.subject == "service/authority" &&
                      parsed->header.seq == 0;
    if (root || wanted.contains(vkey->name)) found.emplace(vkey->name, stored);
  }
}

absl::StatusOr<ProvenLogEntry> Prove(Connection& conn,
                                     const v1::LogEntry& stored,
                                     uint64_t tree_size) {
  v1::GetInclusionProofRequest request;
  request.set_index(stored.index());
  request.set_tree_size(tree_size);
  auto proof =
      conn.Call(conn.verify(), &v1::Verify::Stub::GetInclusionProof, request);
  if (!proof.ok()) return proof.status();
  auto hashes = ProofFromBytes(proof->proof());
  if (!hashes.ok()) return hashes.status();
  return ProvenLogEntry{stored.index(), stored.entry(), stored.body(), *hashes};
}

absl::Status RunExport(Cli& cli, const std::string& batch_text,
                       const std::string& out_path) {
  absl::StatusOr<v1::BatchRef> ref = ParseBatchArgument(batch_text);
  if (!ref.ok()) return ref.status();
  absl::StatusOr<Connection*> opened = cli.connection();
  if (!opened.ok()) return opened.status();
  Connection& conn = **opened;
  absl::StatusOr<NoteVerifier> log_key = cli.LogKey();
  if (!log_key.ok()) return log_key.status();
  const std::string subject = BatchSubject(ref->gtin(), ref->lot());
  absl::StatusOr<Entries> chain = SubjectChain(conn, subject);
  if (!chain.ok()) return chain.status();
  if (chain->empty()) {
    return absl::NotFoundError(absl::StrCat("batch ", ref->gtin(), "/",
                                            ref->lot(), " has no entries"));
  }
  // A checkpoint covering the chain, consistent with the last one seen.
  v1::GetCheckpointRequest checkpoint_request;
  checkpoint_request.set_min_size(chain->back().index() + 1);
  auto checkpoint_response = conn.Call(
      conn.verify(), &v1::Verify::Stub::GetCheckpoint, checkpoint_request);
  if (!checkpoint_response.ok()) return checkpoint_response.status();
  absl::StatusOr<LogAdvance> advance = AdvanceLastCheckpoint(
      cli, conn, *log_key, checkpoint_response->checkpoint());
  if (!advance.ok()) return advance.status();
  const uint64_t tree_size = advance->latest.size;

  // The keys that signed the chain, and the key.added entries proving them:
  // on the service's chains and the producer's, else anywhere in the log.
  std::set<std::string> wanted;
  for (const v1::LogEntry& stored : *chain) {
    auto parsed = ParseEntry(stored.entry());
    if (!parsed.ok()) continue;
    for (const NoteSignature& signature : parsed->note.signatures) {
      wanted.insert(signature.name);
    }
  }
  std::map<std::string, v1::LogEntry> found;
  std::vector<std::string> chains = {"service/authority", "service/labels"};
  if (auto product = SubjectChain(conn, "product/" + ref->gtin());
      product.ok() && !product->empty()) {
    v1::ProductRecord record;
    if (record.ParseFromString(product->front().body())) {
      chains.push_back("producer/" + record.producer_id());
    }
  }
  for (const std::string& key_chain : chains) {
    auto entries = SubjectChain(conn, key_chain);
    if (!entries.ok()) return entries.status();
    CollectKeys(*entries, wanted, found);
  }
  auto missing = [&] {
    for (const std::string& name : wanted) {
      if (!found.contains(name)) return true;
    }
    return false;
  };
  for (uint64_t start = 0; missing() && start < tree_size; start += 1000) {
    v1::GetEntriesRequest request;
    request.set_start(start);
    request.set_count(1000);
    auto page =
        conn.Call(conn.verify(), &v1::Verify::Stub::GetEntries, request);
    if (!page.ok()) return page.status();
    CollectKeys(Entries(page->entries().begin(), page->entries().end()), wanted,
                found);
  }
  ProofBundle bundle;
  bundle.subject = subject;
  bundle.checkpoint = checkpoint_response->checkpoint();
  for (const v1::LogEntry& stored : *chain) {
    if (stored.index() >= tree_size) break;
    auto proven = Prove(conn, stored, tree_size);
    if (!proven.ok()) return proven.status();
    bundle.entries.push_back(*std::move(proven));
  }
  for (const auto& [name, stored] : found) {
    if (stored.index() >= tree_size) continue;
    auto proven = Prove(conn, stored, tree_size);
    if (!proven.ok()) return proven.status();
    bundle.keys.push_back(*std::move(proven));
  }
  const std::string text = FormatProofBundle(bundle);
  // Never hand out a bundle that does not verify.
  auto verified = VerifyProofBundle(text, *log_key);
  if (!verified.ok()) return verified.status();
  if (out_path.empty() || out_path == "-") {
    cli.out() << text;
    return absl::OkStatus();
  }
  if (absl::Status written = WriteFileAtomically(out_path, text, 0644);
      !written.ok()) {
    return written;
  }
  Printer print = cli.printer();
  if (print.json()) {
    print.Json({{"file", out_path},
                {"subject", subject},
                {"entries", bundle.entries.size()},
                {"keys", bundle.keys.size()},
                {"checkpoint_size", tree_size}});
  } else {
    print.Text(absl::StrCat(
        "wrote ", out_path, ": ", bundle.entries.size(), " entries of ",
        subject, ", ", bundle.keys.size(), " keys, checkpoint of size ",
        tree_size, " (verify with: tracectl proof verify ", out_path, ")\n"));
  }
  return absl::OkStatus();
}

absl::Status RunProofVerify(Cli& cli, const std::string& path,
                            const std::string& log_key_flag) {
  absl::StatusOr<std::string> text = ReadFile(path);
  if (!text.ok()) return text.status();
  NoteVerifier log_key;
  if (!log_key_flag.empty()) {
    auto parsed = ParseVkey(log_key_flag);
    if (!parsed.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--log-key: ", parsed.status().message()));
    }
    log_key = *parsed;
  } else {
    absl::StatusOr<Settings> settings = cli.EffectiveSettings();
    if (!settings.ok()) return settings.status();
    if (settings->log_key.empty()) {
      return absl::FailedPreconditionError(
          "no log key is pinned: pass --log-key <published vkey> or run "
          "`tracectl config set log-key <vkey>`");
    }
    auto pinned = cli.LogKey();
    if (!pinned.ok()) return pinned.status();
    log_key = *pinned;
  }
  auto verified = VerifyProofBundle(*text, log_key);
  if (!verified.ok()) return verified.status();
  Printer print = cli.printer();
  if (print.json()) {
    nlohmann::json entries = nlohmann::json::array();
    for (size_t i = 0; i < verified->entries.size(); ++i) {
      entries.push_back({{"seq", verified->entries[i].seq},
                         {"kind", verified->entries[i].kind},
                         {"time", FormatRfc3339(verified->entries[i].time)},
                         {"signer", verified->signers[i]}});
    }
    print.Json({{"verified", true},
                {"subject", verified->subject},
                {"checkpoint_size", verified->checkpoint.size},
                {"log", log_key.name},
                {"entries", entries}});
    return absl::OkStatus();
  }
  Table table({"SEQ", "TIME", "KIND", "SIGNED BY"});
  for (size_t i = 0; i < verified->entries.size(); ++i) {
    table.AddRow({std::to_string(verified->entries[i].seq),
                  FormatRfc3339(verified->entries[i].time),
                  verified->entries[i].kind, verified->signers[i]});
  }
  print.Text(absl::StrCat(
      "✓ proof bundle verified: ", verified->entries.size(), " entries of ",
      verified->subject, " in the log of ", verified->checkpoint.size,
      " entries signed by ", log_key.name, "; ", verified->keys.size(),
      " keys proven from the authority key\n\n", table.Render()));
  return absl::OkStatus();
}

}  // namespace

void AddProofCommands(CLI::App& app, Cli& cli) {
  CLI::App* proof =
      app.add_subcommand("proof", "Offline proof bundles of a batch's history");
  proof->require_subcommand(1);

  auto batch = std::make_shared<std::string>();
  auto out = std::make_shared<std::string>();
  CLI::App* export_command = proof->add_subcommand(
      "export", "Write the batch's entries, bodies, proofs and checkpoint");
  export_command->add_option("batch", *batch, "GTIN/LOT")->required();
  export_command->add_option("--out", *out, "File to write (default stdout)");
  SetAction(export_command, cli,
            [&cli, batch, out] { return RunExport(cli, *batch, *out); });

  auto file = std::make_shared<std::string>();
  auto log_key = std::make_shared<std::string>();
  CLI::App* verify = proof->add_subcommand(
      "verify", "Check a proof bundle with nothing but the log key");
  verify->add_option("file", *file, "The bundle")->required();
  verify->add_option("--log-key", *log_key,
                     "The log's vkey (default: the pinned one)");
  SetAction(verify, cli, [&cli, file, log_key] {
    return RunProofVerify(cli, *file, *log_key);
  });
}

}  // namespace ocoptrace::client
