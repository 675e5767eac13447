// The data directory of traced and the service's key files in it.
//
//   <data>/db/                   RocksDB (log, tree, checkpoints, state)
//   <data>/keys/log.pem          signs checkpoints; its name is the origin
//   <data>/keys/authority.pem    signs registrations on admins' behalf
//   <data>/keys/label-<n>.pem    label keys, n = 1, 2, ... (rotation)
//   <data>/keys/pin-hmac.key     HMAC key of the labels' scratch PINs
//                                (32 random bytes as 64 hex digits)
//   <data>/keys/names.json       the key names (see KeyNames)
//   <data>/traced.json           serving settings (config.h)
//
// Key files are Ed25519 PKCS#8 PEM, mode 0600, in a 0700 directory. They
// are created once and never overwritten: losing the log key means the log
// can never sign another checkpoint, so back the directory up (see
// docs/operations.md).
//
// Thread-safety: the functions touch the file system and are not meant to
// run concurrently on the same directory (traced calls them at startup).

#ifndef OCOPTRACE_SERVER_APP_DATA_DIR_H_
#define OCOPTRACE_SERVER_APP_DATA_DIR_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "server/trace/service.h"

namespace ocoptrace::app {

// Paths inside a data directory.
class DataDir {
 public:
  explicit DataDir(std::string root) : root_(std::move(root)) {}

  const std::string& root() const { return root_; }
  std::string db() const { return root_ + "/db"; }
  std::string keys() const { return root_ + "/keys"; }
  std::string names_file() const { return keys() + "/names.json"; }
  std::string log_key_file() const { return keys() + "/log.pem"; }
  std::string authority_key_file() const { return keys() + "/authority.pem"; }
  // n is 1-based.
  std::string label_key_file(int n) const;
  std::string pin_key_file() const { return keys() + "/pin-hmac.key"; }
  std::string config_file() const { return root_ + "/traced.json"; }

 private:
  std::string root_;
};

// The names of the service's keys, as kept in keys/names.json:
//   {"log": "<origin>/log", "authority": "<origin>/authority",
//    "labels": ["<origin>/label-1", ...]}
// labels[i] is the key in label-<i+1>.pem, oldest first.
struct KeyNames {
  std::string log;
  std::string authority;
  std::vector<std::string> labels;
};

// OK when `origin` can name the log: a lower-case host name (a-z, 0-9, '.',
// '-'; 1-253 characters, no leading or trailing '.' or '-'), e.g.
// "tx.ocop.example.vn". InvalidArgument naming --origin otherwise.
absl::Status ValidateOrigin(std::string_view origin);

// The key names for a new data directory: "<origin>/log",
// "<origin>/authority" and one label key "<origin>/label-1".
KeyNames DefaultKeyNames(std::string_view origin);

// The origin that KeyNames were made for ("tx.example.vn" for a log key
// called "tx.example.vn/log").
std::string OriginOf(const KeyNames& names);

// Reads keys/names.json. NotFound when the file does not exist (the
// directory was never initialised: run `traced --init`); InvalidArgument,
// naming the file and field, when it does not parse.
absl::StatusOr<KeyNames> ReadKeyNames(const DataDir& dir);

// Creates the data and keys directories (0700), every key file of `names`
// that is missing and the PIN key if missing, and writes names.json if it
// is missing.
// Never overwrites a file. FailedPrecondition when names.json exists with
// a different log key name (the origin of a log cannot change). Returns the
// paths it created.
absl::StatusOr<std::vector<std::string>> CreateMissingKeys(
    const DataDir& dir, const KeyNames& names);

// Loads every key of names.json and the PIN key. NotFound (saying to run
// `traced --init`) when the directory has no names.json; InvalidArgument
// naming the file when a key file is missing, unreadable or malformed;
// FailedPrecondition when a key file is readable by group or others. A
// directory made before PIN keys existed has no pin-hmac.key: the key is
// then empty (labels with PINs are refused) until `traced --init` adds it.
absl::StatusOr<trace::ServiceKeys> LoadServiceKeys(const DataDir& dir);

// Generates the next label key (label-<n+1>.pem), appends its name to
// names.json and returns the name. New labels are signed with it from the
// next start of traced; older label keys stay valid.
absl::StatusOr<std::string> AddLabelKeyFile(const DataDir& dir);

// Writes `contents` to a new file `path` with `mode`, synced. AlreadyExists
// when the file exists (it is never replaced); Internal on I/O errors.
absl::Status WriteNewFile(const std::string& path, std::string_view contents,
                          int mode);

// Replaces `path` atomically (write a temporary file, sync, rename).
absl::Status ReplaceFile(const std::string& path, std::string_view contents,
                         int mode);

}  // namespace ocoptrace::app

#endif  // OCOPTRACE_SERVER_APP_DATA_DIR_H_
