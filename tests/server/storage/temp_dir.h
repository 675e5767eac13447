// A fresh directory under the test's temporary directory, removed with its
// contents when the object goes away. For tests only; not thread-safe.

#ifndef OCOPTRACE_TESTS_SERVER_STORAGE_TEMP_DIR_H_
#define OCOPTRACE_TESTS_SERVER_STORAGE_TEMP_DIR_H_

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <string>
#include <system_error>

#include "gtest/gtest.h"

namespace ocoptrace::storage {

class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    const testing::TestInfo* test =
        testing::UnitTest::GetInstance()->current_test_info();
    std::string name = "ocoptrace_storage_" + std::to_string(getpid()) + "_" +
                       std::to_string(counter++);
    if (test != nullptr) name += std::string("_") + test->name();
    for (char& c : name) {
      if (c == '/') c = '_';
    }
    path_ = std::filesystem::path(testing::TempDir()) / name;
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  // A path inside the directory (not created).
  std::string Path(const std::string& name) const {
    return (path_ / name).string();
  }
  std::string path() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

}  // namespace ocoptrace::storage

#endif  // OCOPTRACE_TESTS_SERVER_STORAGE_TEMP_DIR_H_
