// Internal to the demo dataset parser (client/demo_dataset.cc and
// client/demo_dataset_batches.cc): typed reads of a JSON object's members
// whose errors name the JSON path ("products[3].gtin: ..."), and the
// parsers the two files share. Not for use elsewhere.
//
// Thread-safety: plain functions; a Reader refers to a JSON value it does
// not own, which must outlive it.

#ifndef OCOPTRACE_CLIENT_DEMO_DATASET_PARSE_H_
#define OCOPTRACE_CLIENT_DEMO_DATASET_PARSE_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "client/demo_dataset.h"
#include "nlohmann/json.hpp"

namespace ocoptrace::client::demo_parse {

using Json = nlohmann::json;

inline absl::Status Bad(std::string_view path, absl::string_view message) {
  return absl::InvalidArgumentError(
      absl::StrCat(std::string(path), ": ", message));
}

inline std::string At(std::string_view path, std::string_view key) {
  return absl::StrCat(std::string(path), ".", std::string(key));
}
inline std::string At(std::string_view path, size_t index) {
  return absl::StrCat(std::string(path), "[", index, "]");
}

// Typed reads of one object's members; a missing optional member gives the
// default, a member of the wrong type an error naming its path.
class Reader {
 public:
  Reader(const Json& object, std::string path)
      : object_(object), path_(std::move(path)) {}

  absl::Status CheckObject() const {
    return object_.is_object() ? absl::OkStatus()
                               : Bad(path_, "must be a JSON object");
  }
  const std::string& path() const { return path_; }
  bool Has(const char* key) const {
    return object_.is_object() && object_.contains(key) &&
           !object_.at(key).is_null();
  }
  const Json& Get(const char* key) const { return object_.at(key); }

  absl::StatusOr<std::string> String(const char* key,
                                     bool required = false) const {
    if (!Has(key)) {
      if (required) return Bad(At(path_, key), "is required");
      return std::string();
    }
    const Json& value = Get(key);
    if (!value.is_string()) return Bad(At(path_, key), "must be a string");
    std::string text = value.get<std::string>();
    if (required && text.empty()) return Bad(At(path_, key), "is required");
    return text;
  }
  absl::StatusOr<double> Number(const char* key, double fallback) const {
    if (!Has(key)) return fallback;
    if (!Get(key).is_number()) return Bad(At(path_, key), "must be a number");
    return Get(key).get<double>();
  }
  absl::StatusOr<bool> Bool(const char* key) const {
    if (!Has(key)) return false;
    if (!Get(key).is_boolean()) {
      return Bad(At(path_, key), "must be true or false");
    }
    return Get(key).get<bool>();
  }
  absl::StatusOr<std::vector<std::string>> Strings(const char* key) const {
    std::vector<std::string> result;
    if (!Has(key)) return result;
    const Json& list = Get(key);
    if (!list.is_array()) return Bad(At(path_, key), "must be a list");
    for (size_t i = 0; i < list.size(); ++i) {
      if (!list[i].is_string()) {
        return Bad(At(At(path_, key), i), "must be a string");
      }
      result.push_back(list[i].get<std::string>());
    }
    return result;
  }

 private:
  const Json& object_;
  std::string path_;
};

// Assigns `*out` from a StatusOr or returns its error.
#define DEMO_ASSIGN(out, expr)    \
  do {                            \
    auto demo_value = (expr);     \
    if (!demo_value.ok()) {       \
      return demo_value.status(); \
    }                             \
    out = *std::move(demo_value); \
  } while (false)

// A date member ("YYYY-MM-DD" or relative to `anchor`, see demo_dataset.h);
// an empty Date when absent and not `required`.
absl::StatusOr<v1::Date> Date(const Reader& reader, const char* key,
                              absl::CivilDay anchor, bool required);

// A time member, "<date> HH:MM" in Vietnam time, before `anchor`.
absl::StatusOr<v1::Timestamp> Time(const Reader& reader, const char* key,
                                   absl::CivilDay anchor);

// An administrative unit object {code, name, level, ...} at `path`.
absl::StatusOr<v1::AdminUnit> Unit(const Json& json, const std::string& path);

// One entry of "batches" with its events (client/demo_dataset_batches.cc).
absl::StatusOr<DemoBatch> Batch(const Json& json, const std::string& path,
                                absl::CivilDay anchor);

}  // namespace ocoptrace::client::demo_parse

#endif  // OCOPTRACE_CLIENT_DEMO_DATASET_PARSE_H_
