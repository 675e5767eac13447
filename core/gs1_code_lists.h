// ISO code lists that GS1 Application Identifiers refer to: ISO 3166-1
// country codes (numeric and alpha-2) and ISO 4217 numeric currency codes.
// Each list is sorted ascending, so IsInSortedList() can binary-search it.
//
// Thread-safety: immutable constants; safe from any thread.

#ifndef OCOPTRACE_CORE_GS1_CODE_LISTS_H_
#define OCOPTRACE_CORE_GS1_CODE_LISTS_H_

#include <algorithm>
#include <array>
#include <string_view>

namespace ocoptrace {

extern const std::array<std::string_view, 249> kIso3166Numeric;  // "004"...
extern const std::array<std::string_view, 249> kIso3166Alpha2;   // "AD"...
extern const std::array<std::string_view, 181> kIso4217Numeric;  // "008"...

// True when `code` is an element of the sorted list `list`.
template <size_t N>
bool IsInSortedList(const std::array<std::string_view, N>& list,
                    std::string_view code) {
  return std::binary_search(list.begin(), list.end(), code);
}

}  // namespace ocoptrace

#endif  // OCOPTRACE_CORE_GS1_CODE_LISTS_H_
