// The CBV 2.0 standard vocabularies that EPCIS 2.0 JSON-LD documents use in
// bizStep, disposition, persistentDisposition, bizTransaction type,
// source/destination type and errorDeclaration reason, and the three forms
// a term may come in:
//   - the bare word of the EPCIS 2.0 JSON-LD context: "shipping";
//   - the GS1 Web URI: "https://ref.gs1.org/cbv/BizStep-shipping";
//   - the EPCIS 1.x URN: "urn:epcglobal:cbv:bizstep:shipping" (not allowed
//     in EPCIS 2.0 JSON: the JSON schema refuses it).
// Also the namespace of ocoptrace's own EPCIS extensions (prefix "ocop").
// The word lists are those of the EPCIS 2.0 JSON schema (gs1/EPCIS
// 2b888be, tests/data/epcis/EPCIS-JSON-Schema.json).
//
// Thread-safety: immutable tables and pure functions, thread-safe.

#ifndef OCOPTRACE_EPCIS_CBV_VOCABULARY_H_
#define OCOPTRACE_EPCIS_CBV_VOCABULARY_H_

#include <string>
#include <string_view>

namespace ocoptrace::epcis {

// The EPCIS 2.0 JSON-LD context that every exported document names first.
inline constexpr char kEpcisContextUrl[] =
    "https://ref.gs1.org/standards/epcis/epcis-context.jsonld";
// The namespace of ocoptrace's EPCIS extensions and its document prefix.
// A name, never dereferenced; fixed forever (it is part of hashed names).
inline constexpr char kOcopNamespace[] = "https://ocoptrace.example.vn/epcis/";
inline constexpr char kOcopPrefix[] = "ocop";

// The CBV vocabularies, named as in their Web URIs ("BizStep-shipping").
enum class CbvVocabulary {
  kBizStep,             // bizStep
  kDisposition,         // disposition, persistentDisposition set/unset
  kBizTransactionType,  // bizTransactionList[].type
  kSourceDestType,      // sourceList[].type, destinationList[].type
  kErrorReason,         // errorDeclaration.reason
};

// "BizStep", "Disp", "BTT", "SDT", "ER".
std::string_view CbvWebUriInfix(CbvVocabulary vocabulary);
// "bizstep", "disp", "btt", "sdt", "er".
std::string_view CbvUrnInfix(CbvVocabulary vocabulary);

// True when `word` is a bare word of `vocabulary` in EPCIS 2.0 JSON.
bool IsCbvWord(CbvVocabulary vocabulary, std::string_view word);

enum class CbvTermForm {
  kBareWord,  // A word of the vocabulary.
  kWebUri,    // https://ref.gs1.org/cbv/<Infix>-<word>, word known.
  kUrn,       // urn:epcglobal:cbv:<infix>:<anything> (EPCIS 1.x form).
  kOtherUri,  // Any other URI: a user vocabulary.
  kUnknown,   // Neither a word of the vocabulary nor a URI.
};

struct CbvTerm {
  CbvTermForm form = CbvTermForm::kUnknown;
  // The bare word for kBareWord, kWebUri and kUrn ("shipping"); the value
  // as written otherwise.
  std::string word;
};

// Classifies a value found in a `vocabulary` position.
CbvTerm ClassifyCbvTerm(CbvVocabulary vocabulary, std::string_view value);

// "https://ref.gs1.org/cbv/BizStep-shipping".
std::string CbvWebUri(CbvVocabulary vocabulary, std::string_view word);

// The URI ocoptrace writes for one of its own values that is not a CBV
// word, e.g. a disposition "chờ_kiểm" ->
// "https://ocoptrace.example.vn/epcis/Disp-ch%E1%BB%9D_ki%E1%BB%83m".
std::string OcopVocabularyUri(CbvVocabulary vocabulary, std::string_view word);

// True when `value` is an absolute URI in the sense of RFC 3986: a scheme
// (a letter, then letters, digits, '+', '-', '.'), ':', then at least one
// character, no spaces, controls or non-ASCII bytes.
bool LooksLikeAbsoluteUri(std::string_view value);

}  // namespace ocoptrace::epcis

#endif  // OCOPTRACE_EPCIS_CBV_VOCABULARY_H_
