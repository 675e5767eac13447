// The GS1 Application Identifier (AI) table: for every AI its value format
// (components with character set, length and linters), whether it may be a
// GS1 Digital Link query attribute, which AIs it is the primary key of in a
// Digital Link path (and with which qualifiers), and the AIs it requires or
// excludes. The table is the GS1 Barcode Syntax Dictionary
// (core/gs1-syntax-dictionary.txt), compiled into the binary at build time
// and parsed once on first use: no file is read at run time.
//
// Thread-safety: a Gs1AiTable is immutable after construction; Get() and
// every const method are safe from any thread.

#ifndef OCOPTRACE_CORE_GS1_AI_TABLE_H_
#define OCOPTRACE_CORE_GS1_AI_TABLE_H_

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace ocoptrace {

// The character set of one component of an AI value.
enum class AiCharset {
  kNumeric,    // "N": 0-9
  kCset82,     // "X": GS1 CSET 82
  kCset39,     // "Y": GS1 CSET 39
  kBase64Url,  // "Z": base64url, optional '=' padding at the end
};

// One component of an AI value, e.g. "N3,iso3166" or "[X..17]".
struct AiComponent {
  AiCharset charset = AiCharset::kNumeric;
  size_t min_length = 0;  // equal to max_length for a fixed-length component
  size_t max_length = 0;
  bool optional = false;             // written "[...]" in the dictionary
  std::vector<std::string> linters;  // RunGs1Linter() names, in order
};

// One AI of the dictionary (a range like 3100-3105 yields one entry each).
struct AiEntry {
  std::string ai;                  // "01", "3103", "7007"
  std::string title;               // "GTIN", "BATCH/LOT"
  bool predefined_length = false;  // flag '*': fixed length, no FNC1 needed
  bool dl_data_attribute = false;  // flag '?': allowed as a DL query param
  std::vector<AiComponent> components;
  // Digital Link primary key ("dlpkey"): each alternative is an ordered
  // list of optional qualifier AIs; a plain "dlpkey" has one empty list.
  bool dl_primary_key = false;
  std::vector<std::vector<std::string>> dl_qualifier_alternatives;
  // Each "req=" attribute: alternatives, each a list of AI patterns that
  // must all be present ("01+21" -> {"01","21"}); 'n' in a pattern matches
  // any digit. Every req= attribute must be satisfied.
  std::vector<std::vector<std::vector<std::string>>> requires_any_of;
  // "ex=" patterns: AIs that must not appear together with this one.
  std::vector<std::string> excludes;

  size_t min_length() const;  // sum of the mandatory components' minimum
  size_t max_length() const;  // sum of all components' maximum
  // "AI (17) USE BY or EXPIRY": how error messages name this AI.
  std::string DisplayName() const;
  // True when `qualifiers` (the AIs after the key in a Digital Link path,
  // in path order) keep the order of one alternative, using any subset.
  // Only meaningful when dl_primary_key.
  bool IsValidQualifierSequence(
      const std::vector<std::string>& qualifiers) const;
};

class Gs1AiTable {
 public:
  // The table of the compiled-in GS1 Barcode Syntax Dictionary. Parsed on
  // first use; never null. A dictionary that fails to parse aborts the
  // process (it is part of the binary; tests parse it).
  static const Gs1AiTable& Get();

  // Parses dictionary text in the GS1 Barcode Syntax Dictionary format.
  // InvalidArgument naming the line when a line does not parse, a linter is
  // unknown (see IsKnownGs1Linter) or an AI is defined twice.
  static absl::StatusOr<Gs1AiTable> Parse(std::string_view text);

  // The entry for exactly this AI, or nullptr when it is not a known AI.
  const AiEntry* Find(std::string_view ai) const;

  // All entries, ordered by AI string.
  const std::map<std::string, AiEntry, std::less<>>& entries() const {
    return entries_;
  }

 private:
  std::map<std::string, AiEntry, std::less<>> entries_;
};

// The compiled-in dictionary text, byte for byte.
std::string_view Gs1SyntaxDictionaryText();

// OK when `value` (decoded, no escapes) has an acceptable total length for
// `entry`. InvalidArgument "AI (01) GTIN: value is too short: ..." or "too
// long"; a value with non-ASCII characters gets the CSET 82 message of
// ValidateCset82() instead, which is the real problem.
absl::Status CheckAiValueLength(const AiEntry& entry, std::string_view value);

// Full content check of one AI value: length, then each component's
// length, character set and linters in dictionary order. InvalidArgument
// whose message starts with entry.DisplayName() and says what is wrong
// (e.g. "AI (01) GTIN: check digit should be 1, not 2").
absl::Status ValidateAiValue(const AiEntry& entry, std::string_view value);

// Checks the "req=" and "ex=" associations among a set of AIs that belong
// together (one Digital Link, or one label); `ais` point into a
// Gs1AiTable. InvalidArgument naming both AIs when an AI needs one that is
// missing or excludes one that is present.
absl::Status ValidateAiAssociations(const std::vector<const AiEntry*>& ais);

}  // namespace ocoptrace

#endif  // OCOPTRACE_CORE_GS1_AI_TABLE_H_
