#include "server/storage/columns.h"

#include <array>

namespace ocoptrace::storage {
namespace {

// Indexed by the Column's numeric value. On-disk names: never change them.
constexpr std::array<std::string_view, kColumnCount> kColumnNames = {
    "default",    "entries",     "bodies",  "subject_heads", "subject_index",
    "tree_nodes", "checkpoints", "state",   "labels",        "scans",
    "principals", "indexes",     "secrets",
};

}  // namespace

bool IsValidColumn(Column column) {
  return static_cast<int>(column) < kColumnCount;
}

std::string_view ColumnName(Column column) {
  if (!IsValidColumn(column)) return {};
  return kColumnNames[static_cast<int>(column)];
}

const std::vector<Column>& AllColumns() {
  static const auto* const columns = [] {
    auto* all = new std::vector<Column>;
    for (int i = 0; i < kColumnCount; ++i) {
      all->push_back(static_cast<Column>(i));
    }
    return all;
  }();
  return *columns;
}

}  // namespace ocoptrace::storage
