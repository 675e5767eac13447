// Every key layout of the database, built and parsed in one place.
//
// Integers are 8 bytes big-endian, so that the bytewise key order is the
// numeric order and a scan walks entries, sequence numbers and tree sizes in
// order. docs/storage.md lists each column with its key and value layout;
// keep the two in step, and never change a released layout (add a new key
// instead).
//
// Parsers return InvalidArgument, naming the key kind, for bytes that no
// builder produces.
//
// Thread-safety: pure functions, thread-safe.

#ifndef OCOPTRACE_SERVER_STORAGE_KEYS_H_
#define OCOPTRACE_SERVER_STORAGE_KEYS_H_

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace ocoptrace::storage {

// 8 bytes, big-endian.
std::string EncodeUint64(uint64_t value);

// The inverse of EncodeUint64. InvalidArgument unless `bytes` is exactly 8
// bytes long.
absl::StatusOr<uint64_t> DecodeUint64(std::string_view bytes);

// kEntries and kBodies: BE64(global index).
std::string EntryKey(uint64_t index);
absl::StatusOr<uint64_t> ParseEntryKey(std::string_view key);

// Subjects ("producer/<id>", "batch/<GTIN14>/<lot>", ...) appear in keys as
// their raw bytes. OK when `subject` can be used in keys: not empty and free
// of 0x00 bytes (0x00 separates the subject from what follows). The ledger
// checks subjects before building keys; the builders below assume it.
absl::Status CheckKeySubject(std::string_view subject);

// kSubjectHeads: the subject's bytes.
std::string SubjectHeadKey(std::string_view subject);

// kSubjectIndex: subject ‖ 0x00 ‖ BE64(seq). Within one subject the keys sort
// by seq; the 0x00 keeps subjects that are prefixes of others ("a", "a/b")
// apart.
std::string SubjectIndexKey(std::string_view subject, uint64_t seq);

// subject ‖ 0x00: every SubjectIndexKey of `subject` starts with it, and no
// other subject's does. Scan [prefix, PrefixEnd(prefix)) for one chain.
std::string SubjectIndexPrefix(std::string_view subject);

struct SubjectIndexKeyParts {
  std::string subject;
  uint64_t seq = 0;
};
absl::StatusOr<SubjectIndexKeyParts> ParseSubjectIndexKey(std::string_view key);

// kTreeNodes: level ‖ BE64(index), the hash of the perfect subtree of
// 2^level leaves that starts at leaf index * 2^level. Level 0 holds the
// leaf hashes.
std::string TreeNodeKey(uint8_t level, uint64_t index);

struct TreeNodeKeyParts {
  uint8_t level = 0;
  uint64_t index = 0;
};
absl::StatusOr<TreeNodeKeyParts> ParseTreeNodeKey(std::string_view key);

// kCheckpoints: BE64(tree size).
std::string CheckpointKey(uint64_t size);
absl::StatusOr<uint64_t> ParseCheckpointKey(std::string_view key);

// The smallest key that is greater than every key starting with `prefix`:
// the `end` of a scan over one prefix. "" (no upper bound) when `prefix` is
// empty or all 0xFF bytes.
std::string PrefixEnd(std::string_view prefix);

// kMeta keys. Name every one here.
// BE64: the number of leaves in the global log's Merkle tree (= entries).
inline constexpr std::string_view kMetaTreeSize = "tree_size";

// ---------------------------------------------------------------------------
// Derived state (server/trace; docs/state.md). Everything below lives in
// the columns that RebuildState recomputes from the log (kState, kIndexes,
// kLabels) or in kPrincipals (access control) and kSecrets (label PIN
// HMACs), which are never derived.
//
// Key parts are bytes free of 0x00 (subjects, ids, GTINs, percent-encoded
// lots and certificate numbers, key names); builders assume it, parsers
// check it.

// kState: the record owned by one subject ("producer/htx-a",
// "batch/08934563123451/L1", ...): "s/" ‖ subject. Prefix scans over
// StateRecordKey("product/") walk one kind of subject in subject order.
std::string StateRecordKey(std::string_view subject);
// The subject of a StateRecordKey. InvalidArgument for other bytes.
absl::StatusOr<std::string> ParseStateRecordKey(std::string_view key);

// kState: the record of one signing key: "k/" ‖ key name.
std::string KeyRecordKey(std::string_view key_name);
// The key name of a KeyRecordKey. InvalidArgument for other bytes.
absl::StatusOr<std::string> ParseKeyRecordKey(std::string_view key);

// kIndexes: one fact linking records of different subjects, written by the
// entry that creates the fact: index name ‖ 0x00 ‖ part ‖ 0x00 ‖ part ...
// Scan IndexPrefix(name, {leading parts}) to list by the leading parts.
std::string IndexKey(std::string_view index_name,
                     std::initializer_list<std::string_view> parts);
// name ‖ 0x00 ‖ each of `parts` followed by 0x00: the common start of every
// IndexKey(name, parts ‖ more). With no parts, the start of the whole index.
std::string IndexPrefix(std::string_view index_name,
                        std::initializer_list<std::string_view> parts = {});

struct IndexKeyParts {
  std::string index_name;
  std::vector<std::string> parts;
};
// The inverse of IndexKey. InvalidArgument when there is no 0x00 after the
// name, the name is empty, or a part is empty.
absl::StatusOr<IndexKeyParts> ParseIndexKey(std::string_view key);

// The indexes (kIndexes) and their parts. Values are empty unless noted.
// (producer id, GTIN-14): the producer's products.
inline constexpr std::string_view kIndexProducerProducts = "producer-product";
// (GTIN-14, encoded certificate number): certificates covering a product.
inline constexpr std::string_view kIndexProductCertificates = "product-cert";
// (producer id, encoded certificate number): a producer's certificates.
inline constexpr std::string_view kIndexProducerCertificates = "producer-cert";
// (encoded old certificate number) -> the renewal's certificate number.
inline constexpr std::string_view kIndexCertificateSuccessor = "cert-successor";
// (valid_until as YYYY-MM-DD, encoded certificate number): certificates by
// the last day of validity, for "expiring within N days".
inline constexpr std::string_view kIndexCertificateExpiry = "cert-expiry";
// (producer id, GTIN-14, encoded lot): a producer's batches.
inline constexpr std::string_view kIndexProducerBatches = "producer-batch";
// (hex SHA-256 of an EPCIS eventID or event hash ID, batch subject) ->
// BE64(seq): where a captured EPCIS event is stored (server/trace
// epcis_index.h), for idempotent capture and eventID queries.
inline constexpr std::string_view kIndexEpcisEvents = "epcis-event";

// kLabels: one issued label: GTIN-14 ‖ 0x00 ‖ serial -> its record
// (server/trace LabelState). Serials are unique per GTIN, so the lot is not
// part of the key. LabelPrefix(gtin14) = GTIN-14 ‖ 0x00 starts every label
// key of that GTIN (scan [prefix, PrefixEnd(prefix)) for them in serial
// order).
std::string LabelKey(std::string_view gtin14, std::string_view serial);
std::string LabelPrefix(std::string_view gtin14);

struct LabelKeyParts {
  std::string gtin14;
  std::string serial;
};
// The inverse of LabelKey. InvalidArgument unless the key is a non-empty
// GTIN, one 0x00 and a non-empty serial.
absl::StatusOr<LabelKeyParts> ParseLabelKey(std::string_view key);

// kSecrets (not derived from the log, untouched by a rebuild): the scratch
// PIN record of one label: "pin/" ‖ GTIN-14 ‖ 0x00 ‖ serial -> its HMAC and
// first-check state (server/trace PinRecord).
std::string PinSecretKey(std::string_view gtin14, std::string_view serial);

// kSecrets: the server-held EPCIS integration key of a principal
// (server/trace epcis_keys.h): "epcis-key/" ‖ principal name -> the key in
// signed-note skey form.
std::string IntegrationKeySecretKey(std::string_view principal);

// kPrincipals: "t/" ‖ SHA-256(token) (32 bytes) -> the principal record.
std::string PrincipalTokenKey(std::string_view token_hash32);
// kPrincipals: "n/" ‖ principal name -> SHA-256(token) (32 bytes).
std::string PrincipalNameKey(std::string_view name);
// The principal name of a PrincipalNameKey. InvalidArgument otherwise.
absl::StatusOr<std::string> ParsePrincipalNameKey(std::string_view key);

// ---------------------------------------------------------------------------
// Scan telemetry (Column::kScans; server/trace scans.h and reports.h;
// docs/resolver.md "Scan telemetry and reports"). Not derived from the log and
// never touched by a rebuild: what the consumers' door saw (page views of
// labels, batches and products, PIN reuses) and what consumers reported. Times
// are Unix microseconds (negative times are stored as 0); `sequence` is a
// number the writer increases with every record, so two records of the same
// microsecond keep distinct keys and their order.

// One scan (page view), in time order: "s/" ‖ BE64(micros) ‖ BE64(sequence).
std::string ScanEventKey(int64_t unix_micros, uint64_t sequence);
// One anomaly found in the scans (a label scanned too often, in too many
// places, a PIN reused, an unknown serial), in the order they were found:
// "a/" ‖ BE64(micros) ‖ BE64(sequence).
std::string ScanAnomalyKey(int64_t unix_micros, uint64_t sequence);
// One suspect-label report, in time order: "r/" ‖ BE64(micros) ‖
// BE64(sequence).
std::string SuspectReportKey(int64_t unix_micros, uint64_t sequence);
// The same report filed under its product, for listing one GTIN's reports:
// "rp/" ‖ GTIN-14 ‖ 0x00 ‖ BE64(micros) ‖ BE64(sequence) -> empty.
std::string ProductReportKey(std::string_view gtin14, int64_t unix_micros,
                             uint64_t sequence);
// The start of every ProductReportKey of `gtin14`.
std::string ProductReportPrefix(std::string_view gtin14);

// The first key of each time-ordered telemetry record kind at or after
// `unix_micros` (scan with ScanEventKey(from, 0) .. ScanEventKey(to, 0)).
inline constexpr std::string_view kScanEventPrefix = "s/";
inline constexpr std::string_view kScanAnomalyPrefix = "a/";
inline constexpr std::string_view kSuspectReportPrefix = "r/";

struct TelemetryTimeKeyParts {
  int64_t unix_micros = 0;
  uint64_t sequence = 0;
};
// The time and sequence of a ScanEventKey, ScanAnomalyKey or
// SuspectReportKey (the prefix must be `prefix`), or of the time part of a
// ProductReportKey after its prefix when `prefix` is ProductReportPrefix.
// InvalidArgument unless the key is the prefix and exactly 16 more bytes.
absl::StatusOr<TelemetryTimeKeyParts> ParseTelemetryTimeKey(
    std::string_view key, std::string_view prefix);

// The running scan summary of one label (count, first scan, places...):
// "l/" ‖ GTIN-14 ‖ 0x00 ‖ serial. LabelScansPrefix(gtin14) starts every
// summary key of that GTIN; LabelScansPrefix("") = "l/" starts all.
std::string LabelScansKey(std::string_view gtin14, std::string_view serial);
std::string LabelScansPrefix(std::string_view gtin14);
// The inverse of LabelScansKey. InvalidArgument for other bytes.
absl::StatusOr<LabelKeyParts> ParseLabelScansKey(std::string_view key);

}  // namespace ocoptrace::storage

#endif  // OCOPTRACE_SERVER_STORAGE_KEYS_H_
