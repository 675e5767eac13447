// Output files that appear whole or not at all.
//
// AtomicFile writes to a temporary file beside the destination and renames
// it over the destination on Commit(); AtomicDirectory does the same for a
// directory of files. If the writer fails or is destroyed before Commit(),
// the temporary file or directory is removed, so a failed run leaves no
// partial output behind.
//
// Thread-safety: an AtomicFile or AtomicDirectory is used by one thread at
// a time. Distinct objects are independent.

#ifndef OCOPTRACE_LABELGEN_ATOMIC_FILE_H_
#define OCOPTRACE_LABELGEN_ATOMIC_FILE_H_

#include <cstdio>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace ocoptrace::labelgen {

class AtomicFile {
 public:
  // Opens a new temporary file in the directory of `path`.
  // InvalidArgument: path is empty or names a directory.
  // NotFound / PermissionDenied: the directory is missing or not writable
  // (the message names it).
  static absl::StatusOr<std::unique_ptr<AtomicFile>> Create(
      const std::string& path);

  ~AtomicFile();  // removes the temporary file unless committed
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  // The stream to write to; owned by this object. Null after Commit().
  std::FILE* stream() { return stream_; }

  // Flushes, syncs and closes the temporary file, then renames it to the
  // destination (replacing an existing file). Internal on an I/O error, in
  // which case the temporary file is removed.
  absl::Status Commit();

 private:
  AtomicFile(std::string path, std::string temp_path, std::FILE* stream)
      : path_(std::move(path)),
        temp_path_(std::move(temp_path)),
        stream_(stream) {}
  std::string path_;
  std::string temp_path_;
  std::FILE* stream_;
  bool committed_ = false;
};

// Writes `contents` to `path` through an AtomicFile.
absl::Status WriteFileAtomically(const std::string& path,
                                 std::string_view contents);

class AtomicDirectory {
 public:
  // Prepares a temporary directory beside `path`.
  // AlreadyExists: `path` exists and is a file or a non-empty directory.
  // NotFound / PermissionDenied: the parent is missing or not writable.
  static absl::StatusOr<std::unique_ptr<AtomicDirectory>> Create(
      const std::string& path);

  ~AtomicDirectory();  // removes the temporary directory unless committed
  AtomicDirectory(const AtomicDirectory&) = delete;
  AtomicDirectory& operator=(const AtomicDirectory&) = delete;

  // Writes one file (a plain name, no '/') into the directory.
  // InvalidArgument for a bad name; Internal on an I/O error.
  absl::Status WriteFile(const std::string& name, std::string_view contents);

  // Renames the temporary directory to the destination.
  absl::Status Commit();

 private:
  AtomicDirectory(std::string path, std::string temp_path)
      : path_(std::move(path)), temp_path_(std::move(temp_path)) {}
  std::string path_;
  std::string temp_path_;
  bool committed_ = false;
};

}  // namespace ocoptrace::labelgen

#endif  // OCOPTRACE_LABELGEN_ATOMIC_FILE_H_
