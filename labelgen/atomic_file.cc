#include "labelgen/atomic_file.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace ocoptrace::labelgen {
namespace {

namespace fs = std::filesystem;

absl::Status ErrnoStatus(int error, const std::string& what) {
  const std::string message = absl::StrCat(what, ": ", std::strerror(error));
  switch (error) {
    case ENOENT:
    case ENOTDIR:
      return absl::NotFoundError(message);
    case EACCES:
    case EPERM:
    case EROFS:
      return absl::PermissionDeniedError(message);
    default:
      return absl::InternalError(message);
  }
}

std::string ParentOf(const std::string& path) {
  fs::path parent = fs::path(path).parent_path();
  return parent.empty() ? std::string(".") : parent.string();
}

}  // namespace

absl::StatusOr<std::unique_ptr<AtomicFile>> AtomicFile::Create(
    const std::string& path) {
  if (path.empty()) {
    return absl::InvalidArgumentError("output path is empty; pass --out FILE");
  }
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "output ", path, " is a directory; give a file name such as ", path,
        "/labels.pdf"));
  }
  std::string temp = absl::StrCat(path, ".tmp-XXXXXX");
  const int fd = mkstemp(temp.data());
  if (fd < 0) {
    return ErrnoStatus(
        errno, absl::StrCat("cannot create a file in ", ParentOf(path)));
  }
  std::FILE* stream = fdopen(fd, "wb");
  if (stream == nullptr) {
    const int error = errno;
    close(fd);
    unlink(temp.c_str());
    return ErrnoStatus(error, absl::StrCat("cannot open ", temp));
  }
  return std::unique_ptr<AtomicFile>(new AtomicFile(path, temp, stream));
}

AtomicFile::~AtomicFile() {
  if (committed_) return;
  if (stream_ != nullptr) std::fclose(stream_);
  unlink(temp_path_.c_str());
}

absl::Status AtomicFile::Commit() {
  if (committed_ || stream_ == nullptr) {
    return absl::FailedPreconditionError("output file already committed");
  }
  bool ok = std::fflush(stream_) == 0 && !std::ferror(stream_);
  int error = errno;
  if (ok && fsync(fileno(stream_)) != 0) {
    ok = false;
    error = errno;
  }
  // Readable by others like any normally created file (mkstemp uses 0600).
  const mode_t mask = umask(0);
  umask(mask);
  fchmod(fileno(stream_), 0666 & ~mask);
  if (std::fclose(stream_) != 0 && ok) {
    ok = false;
    error = errno;
  }
  stream_ = nullptr;
  if (ok && std::rename(temp_path_.c_str(), path_.c_str()) != 0) {
    ok = false;
    error = errno;
  }
  if (!ok) {
    unlink(temp_path_.c_str());
    return ErrnoStatus(error, absl::StrCat("cannot write ", path_));
  }
  committed_ = true;
  return absl::OkStatus();
}

absl::Status WriteFileAtomically(const std::string& path,
                                 std::string_view contents) {
  absl::StatusOr<std::unique_ptr<AtomicFile>> file = AtomicFile::Create(path);
  if (!file.ok()) return file.status();
  if (!contents.empty() && std::fwrite(contents.data(), 1, contents.size(),
                                       (*file)->stream()) != contents.size()) {
    return ErrnoStatus(errno, absl::StrCat("cannot write ", path));
  }
  return (*file)->Commit();
}

absl::StatusOr<std::unique_ptr<AtomicDirectory>> AtomicDirectory::Create(
    const std::string& path) {
  if (path.empty()) {
    return absl::InvalidArgumentError(
        "output path is empty; pass --out DIRECTORY");
  }
  std::error_code ec;
  if (fs::exists(path, ec)) {
    if (!fs::is_directory(path, ec) || !fs::is_empty(path, ec)) {
      return absl::AlreadyExistsError(absl::StrCat(
          "output ", path,
          " already exists; remove it or choose a new directory for --out"));
    }
  }
  std::string temp = absl::StrCat(path, ".tmp-XXXXXX");
  if (mkdtemp(temp.data()) == nullptr) {
    return ErrnoStatus(
        errno, absl::StrCat("cannot create a directory in ", ParentOf(path)));
  }
  return std::unique_ptr<AtomicDirectory>(new AtomicDirectory(path, temp));
}

AtomicDirectory::~AtomicDirectory() {
  if (committed_) return;
  std::error_code ec;
  fs::remove_all(temp_path_, ec);
}

absl::Status AtomicDirectory::WriteFile(const std::string& name,
                                        std::string_view contents) {
  if (name.empty() || name.find('/') != std::string::npos || name == "." ||
      name == "..") {
    return absl::InvalidArgumentError(
        absl::StrCat("file name \"", name, "\" is not a plain file name"));
  }
  const std::string file_path = absl::StrCat(temp_path_, "/", name);
  std::FILE* file = std::fopen(file_path.c_str(), "wb");
  if (file == nullptr) {
    return ErrnoStatus(errno, absl::StrCat("cannot create ", file_path));
  }
  const bool ok = std::fwrite(contents.data(), 1, contents.size(), file) ==
                      contents.size() &&
                  std::fclose(file) == 0;
  if (!ok) return ErrnoStatus(errno, absl::StrCat("cannot write ", file_path));
  return absl::OkStatus();
}

absl::Status AtomicDirectory::Commit() {
  if (committed_) {
    return absl::FailedPreconditionError("output directory already committed");
  }
  std::error_code ec;
  // Make the directory readable like a normally created one.
  const mode_t mask = umask(0);
  umask(mask);
  chmod(temp_path_.c_str(), 0777 & ~mask);
  if (fs::exists(path_, ec)) fs::remove(path_, ec);  // an empty directory
  if (std::rename(temp_path_.c_str(), path_.c_str()) != 0) {
    return ErrnoStatus(errno, absl::StrCat("cannot create ", path_));
  }
  committed_ = true;
  return absl::OkStatus();
}

}  // namespace ocoptrace::labelgen
