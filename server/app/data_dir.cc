#include "server/app/data_dir.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/ed25519.h"
#include "core/random.h"
#include "core/signed_note.h"

namespace ocoptrace::app {
namespace {

constexpr int kKeyFileMode = 0600;
constexpr int kDirMode = 0700;

absl::Status ErrnoError(std::string_view what, const std::string& path) {
  return absl::InternalError(
      absl::StrCat(std::string(what), " '", path, "': ", std::strerror(errno)));
}

bool Exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

// Creates `path` (one level) if missing.
absl::Status MakeDir(const std::string& path, bool* created) {
  if (::mkdir(path.c_str(), kDirMode) == 0) {
    *created = true;
    return absl::OkStatus();
  }
  if (errno != EEXIST) return ErrnoError("cannot create directory", path);
  struct stat st;
  if (::stat(path.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    return absl::FailedPreconditionError(
        absl::StrCat("'", path, "' exists and is not a directory"));
  }
  *created = false;
  return absl::OkStatus();
}

absl::Status SyncDir(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd < 0) return ErrnoError("cannot open directory", path);
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return ErrnoError("cannot sync directory", path);
  return absl::OkStatus();
}

std::string DirName(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return ErrnoError("cannot read", path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string FormatKeyNames(const KeyNames& names) {
  nlohmann::ordered_json json;
  json["log"] = names.log;
  json["authority"] = names.authority;
  json["labels"] = names.labels;
  return json.dump(2) + "\n";
}

absl::Status BadNamesFile(const DataDir& dir, std::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat(
      dir.names_file(), ": ", std::string(why),
      "; expected {\"log\": \"<origin>/log\", \"authority\": "
      "\"<origin>/authority\", \"labels\": [\"<origin>/label-1\"]}"));
}

absl::Status CheckOwnerOnly(const std::string& path, const struct stat& st) {
  if ((st.st_mode & 077) == 0) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrFormat(
      "key file '%s' is accessible to other users (mode %04o): run "
      "chmod 600 '%s'",
      path, st.st_mode & 07777, path));
}

absl::StatusOr<NoteSigner> LoadKey(const std::string& path,
                                   const std::string& name) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("key file '", path, "' for key '", name,
                     "' is missing: restore it from the backup of the data "
                     "directory (keys are never regenerated)"));
  }
  absl::Status owner_only = CheckOwnerOnly(path, st);
  if (!owner_only.ok()) return owner_only;
  absl::StatusOr<std::string> pem = ReadFile(path);
  if (!pem.ok()) return pem.status();
  absl::StatusOr<Ed25519PrivateKey> key = Ed25519PrivateKey::FromPem(*pem);
  if (!key.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "key file '", path, "': ", std::string(key.status().message())));
  }
  absl::StatusOr<NoteSigner> signer = MakeNoteSigner(name, *key);
  if (!signer.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "key name '", name,
        "' in names.json: ", std::string(signer.status().message())));
  }
  return signer;
}

constexpr size_t kPinKeyBytes = 32;

absl::Status CreatePinKeyFile(const std::string& path,
                              std::vector<std::string>* created) {
  if (Exists(path)) return absl::OkStatus();
  uint8_t key[kPinKeyBytes];
  SecureRandom()->Fill(key, sizeof(key));
  std::string hex;
  for (uint8_t byte : key)
    absl::StrAppend(&hex, absl::Hex(byte, absl::kZeroPad2));
  absl::Status status = WriteNewFile(path, hex + "\n", kKeyFileMode);
  if (!status.ok()) return status;
  created->push_back(path);
  return absl::OkStatus();
}

// The PIN key's raw bytes; empty when the file does not exist.
absl::StatusOr<std::string> LoadPinKey(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return std::string();
  absl::Status status = CheckOwnerOnly(path, st);
  if (!status.ok()) return status;
  absl::StatusOr<std::string> text = ReadFile(path);
  if (!text.ok()) return text.status();
  std::string hex = *text;
  while (!hex.empty() && (hex.back() == '\n' || hex.back() == '\r')) {
    hex.pop_back();
  }
  const bool hex_only =
      hex.find_first_not_of("0123456789abcdefABCDEF") == std::string::npos;
  if (hex.size() != 2 * kPinKeyBytes || !hex_only) {
    return absl::InvalidArgumentError(absl::StrCat(
        "PIN key file '", path, "' must hold ", 2 * kPinKeyBytes,
        " hex digits (", kPinKeyBytes,
        " random bytes); restore it from the backup of the data directory"));
  }
  return absl::HexStringToBytes(hex);
}

absl::Status CreateKeyFile(const std::string& path,
                           std::vector<std::string>* created) {
  if (Exists(path)) return absl::OkStatus();
  const Ed25519PrivateKey key = Ed25519PrivateKey::Generate();
  absl::Status status = WriteNewFile(path, key.ToPem(), kKeyFileMode);
  if (!status.ok()) return status;
  created->push_back(path);
  return absl::OkStatus();
}

}  // namespace

std::string DataDir::label_key_file(int n) const {
  return absl::StrCat(keys(), "/label-", n, ".pem");
}

absl::Status ValidateOrigin(std::string_view origin) {
  auto bad = [&](std::string_view why) {
    return absl::InvalidArgumentError(
        absl::StrCat("--origin '", std::string(origin), "' ", std::string(why),
                     ": use the lower-case host name of the resolver, e.g. "
                     "tx.ocop.example.vn"));
  };
  if (origin.empty() || origin.size() > 253) {
    return bad("must be 1 to 253 characters");
  }
  for (size_t i = 0; i < origin.size(); ++i) {
    const char c = origin[i];
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '-';
    if (!ok) {
      return bad(absl::StrCat("has character '", std::string(1, c),
                              "' at position ", i + 1,
                              "; only a-z, 0-9, '.' and '-' are allowed"));
    }
  }
  if (origin.front() == '.' || origin.front() == '-' || origin.back() == '.' ||
      origin.back() == '-') {
    return bad("must not start or end with '.' or '-'");
  }
  return absl::OkStatus();
}

KeyNames DefaultKeyNames(std::string_view origin) {
  const std::string o(origin);
  return KeyNames{o + "/log", o + "/authority", {o + "/label-1"}};
}

std::string OriginOf(const KeyNames& names) {
  const size_t slash = names.log.rfind('/');
  return slash == std::string::npos ? names.log : names.log.substr(0, slash);
}

absl::StatusOr<KeyNames> ReadKeyNames(const DataDir& dir) {
  if (!Exists(dir.names_file())) {
    return absl::NotFoundError(absl::StrCat(
        "'", dir.root(), "' is not an initialised data directory (no ",
        dir.names_file(), "): run `traced --init --data ", dir.root(),
        "` first"));
  }
  absl::StatusOr<std::string> text = ReadFile(dir.names_file());
  if (!text.ok()) return text.status();
  nlohmann::json json = nlohmann::json::parse(*text, nullptr, false);
  if (json.is_discarded() || !json.is_object()) {
    return BadNamesFile(dir, "not a JSON object");
  }
  KeyNames names;
  for (const char* field : {"log", "authority"}) {
    if (!json.contains(field) || !json[field].is_string() ||
        json[field].get<std::string>().empty()) {
      return BadNamesFile(dir, absl::StrCat("field \"", field,
                                            "\" is missing or not a string"));
    }
  }
  names.log = json["log"].get<std::string>();
  names.authority = json["authority"].get<std::string>();
  if (!json.contains("labels") || !json["labels"].is_array() ||
      json["labels"].empty()) {
    return BadNamesFile(dir, "field \"labels\" must be a non-empty array");
  }
  for (const auto& label : json["labels"]) {
    if (!label.is_string() || label.get<std::string>().empty()) {
      return BadNamesFile(dir, "every entry of \"labels\" must be a string");
    }
    names.labels.push_back(label.get<std::string>());
  }
  return names;
}

absl::StatusOr<std::vector<std::string>> CreateMissingKeys(
    const DataDir& dir, const KeyNames& names) {
  std::vector<std::string> created;
  for (const std::string& path : {dir.root(), dir.keys()}) {
    bool made = false;
    absl::Status status = MakeDir(path, &made);
    if (!status.ok()) return status;
    if (made) created.push_back(path + "/");
  }
  if (Exists(dir.names_file())) {
    absl::StatusOr<KeyNames> existing = ReadKeyNames(dir);
    if (!existing.ok()) return existing.status();
    if (existing->log != names.log) {
      return absl::FailedPreconditionError(absl::StrCat(
          "data directory '", dir.root(), "' already holds the log '",
          existing->log, "'; a log's origin never changes (asked for '",
          names.log, "'): drop --origin or use another --data directory"));
    }
  }
  absl::Status status = CreateKeyFile(dir.log_key_file(), &created);
  if (status.ok()) status = CreateKeyFile(dir.authority_key_file(), &created);
  for (size_t i = 0; status.ok() && i < names.labels.size(); ++i) {
    status =
        CreateKeyFile(dir.label_key_file(static_cast<int>(i) + 1), &created);
  }
  if (status.ok()) status = CreatePinKeyFile(dir.pin_key_file(), &created);
  if (!status.ok()) return status;
  if (!Exists(dir.names_file())) {
    status = WriteNewFile(dir.names_file(), FormatKeyNames(names), 0600);
    if (!status.ok()) return status;
    created.push_back(dir.names_file());
  }
  return created;
}

absl::StatusOr<trace::ServiceKeys> LoadServiceKeys(const DataDir& dir) {
  absl::StatusOr<KeyNames> names = ReadKeyNames(dir);
  if (!names.ok()) return names.status();
  trace::ServiceKeys keys;
  absl::StatusOr<NoteSigner> signer = LoadKey(dir.log_key_file(), names->log);
  if (!signer.ok()) return signer.status();
  keys.log = *std::move(signer);
  signer = LoadKey(dir.authority_key_file(), names->authority);
  if (!signer.ok()) return signer.status();
  keys.authority = *std::move(signer);
  for (size_t i = 0; i < names->labels.size(); ++i) {
    signer =
        LoadKey(dir.label_key_file(static_cast<int>(i) + 1), names->labels[i]);
    if (!signer.ok()) return signer.status();
    keys.labels.push_back(*std::move(signer));
  }
  absl::StatusOr<std::string> pin_key = LoadPinKey(dir.pin_key_file());
  if (!pin_key.ok()) return pin_key.status();
  keys.pin_hmac_key = *std::move(pin_key);
  return keys;
}

absl::StatusOr<std::string> AddLabelKeyFile(const DataDir& dir) {
  absl::StatusOr<KeyNames> names = ReadKeyNames(dir);
  if (!names.ok()) return names.status();
  const int n = static_cast<int>(names->labels.size()) + 1;
  const std::string name = absl::StrCat(OriginOf(*names), "/label-", n);
  const std::string path = dir.label_key_file(n);
  const Ed25519PrivateKey key = Ed25519PrivateKey::Generate();
  absl::Status status = WriteNewFile(path, key.ToPem(), kKeyFileMode);
  if (absl::IsAlreadyExists(status)) {
    return absl::FailedPreconditionError(
        absl::StrCat("'", path, "' exists but names.json lists only ", n - 1,
                     " label keys: add its name to ", dir.names_file(),
                     " or move the file away"));
  }
  if (!status.ok()) return status;
  names->labels.push_back(name);
  status = ReplaceFile(dir.names_file(), FormatKeyNames(*names), 0600);
  if (!status.ok()) return status;
  return name;
}

absl::Status WriteNewFile(const std::string& path, std::string_view contents,
                          int mode) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
                        static_cast<mode_t>(mode));
  if (fd < 0) {
    if (errno == EEXIST) {
      return absl::AlreadyExistsError(
          absl::StrCat("'", path, "' exists; it is never overwritten"));
    }
    return ErrnoError("cannot create", path);
  }
  size_t written = 0;
  while (written < contents.size()) {
    const ssize_t n =
        ::write(fd, contents.data() + written, contents.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      absl::Status error = ErrnoError("cannot write", path);
      ::close(fd);
      return error;
    }
    written += static_cast<size_t>(n);
  }
  if (::fchmod(fd, static_cast<mode_t>(mode)) != 0 || ::fsync(fd) != 0) {
    absl::Status error = ErrnoError("cannot sync", path);
    ::close(fd);
    return error;
  }
  ::close(fd);
  return SyncDir(DirName(path));
}

absl::Status ReplaceFile(const std::string& path, std::string_view contents,
                         int mode) {
  const std::string temp = path + ".tmp";
  ::unlink(temp.c_str());
  absl::Status status = WriteNewFile(temp, contents, mode);
  if (!status.ok()) return status;
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    return ErrnoError("cannot rename into", path);
  }
  return SyncDir(DirName(path));
}

}  // namespace ocoptrace::app
