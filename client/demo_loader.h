// DemoLoader: `tracectl demo load FILE` loads a demonstration dataset
// (demo_dataset.h; deploy/demo/backan.json) into a running traced, acting
// as everyone in it: the admin who runs the command registers the
// producers and creates a principal and a key for each producer's staff,
// the certifier and the inspector; each of them then signs their own
// entries (products, batches and events by producers, certificates by the
// certifier, inspections by the inspector), exactly as real users would.
//
// Idempotent: the log is append-only, so the loader looks up every record
// first and only adds what is missing (a batch's events by position in its
// chain). The tokens and private keys it creates are kept in the state
// directory (default ./var/demo, mode 0700): state.json (tokens, the anchor
// day of relative dates) and keys/<key name>.pem, plus a ready tracectl
// config per principal in config/<principal>.json.
//
// Thread-safety: one loader runs one load on the calling thread.

#ifndef OCOPTRACE_CLIENT_DEMO_LOADER_H_
#define OCOPTRACE_CLIENT_DEMO_LOADER_H_

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "client/cli.h"
#include "client/demo_dataset.h"

namespace ocoptrace::client {

// What the loader remembers between runs.
struct DemoState {
  std::string anchor_date;
  // Principal name -> its bearer token (shown once by the server).
  std::map<std::string, std::string> tokens;
};

// How many records of one kind the dataset has and how many this run added.
struct Tally {
  int total = 0;
  int added = 0;
  void Count(bool was_added) {
    ++total;
    if (was_added) ++added;
  }
  std::string Text() const {
    return absl::StrCat(total, " (", added, " added now)");
  }
};

class DemoLoader {
 public:
  DemoLoader(Cli& cli, std::string state_dir)
      : cli_(cli), state_dir_(std::move(state_dir)) {}

  // Loads the dataset in `file` (adding only what is missing) and prints a
  // summary. Errors name the record and the step that failed; what was
  // added before stays (a second run goes on from there).
  absl::Status Load(const std::string& file);

 private:
  // Someone the loader acts as: a connection with their token and their
  // signing key.
  struct Actor {
    std::unique_ptr<Connection> connection;
    NoteSigner signer;
  };

  absl::Status Prepare(const std::string& file);
  absl::Status EnsureProducers();
  absl::Status EnsureIdentities();
  absl::Status EnsureIdentity(const DemoIdentity& identity,
                              const std::set<std::string>& principals,
                              const std::set<std::string>& vkeys,
                              const std::set<std::string>& key_names);
  absl::Status EnsureProducts();
  absl::Status EnsureCertificates();
  absl::Status EnsureBatches();
  absl::Status EnsureEvents(const DemoBatch& batch, Actor& producer);
  absl::Status WriteSummary();

  // Signs `entry` as `actor` and submits it with `submit`.
  absl::StatusOr<v1::EntryReceipt> Send(
      Actor& actor, const EntryToSign& entry,
      const std::function<absl::StatusOr<v1::EntryReceipt>(
          Connection&, const v1::SignedEntry&)>& submit);
  absl::StatusOr<Actor*> ActorFor(const std::string& principal);
  std::string KeyPath(const std::string& key_name) const {
    return absl::StrCat(state_dir_, "/keys/", key_name, ".pem");
  }

  Cli& cli_;
  const std::string state_dir_;
  Connection* admin_ = nullptr;
  Settings settings_;
  std::string log_key_;
  DemoState state_;
  DemoDataset data_;
  std::map<std::string, Actor> actors_;
  Tally producers_, identities_, products_, certificates_, revocations_,
      batches_, events_;
};

}  // namespace ocoptrace::client

#endif  // OCOPTRACE_CLIENT_DEMO_LOADER_H_
