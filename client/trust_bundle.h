// The inspector's trust bundle: what `tracectl verify` needs to judge a
// label with no signal (docs/inspector.md). A bundle is one JSON file
// (default <config dir>/trust-bundle.json) holding
//   - the latest checkpoint seen at sync time (signed by the log key),
//   - the region's trust.snapshot entry and body (signed by the service's
//     authority key: label keys, certificates, voided labels, revoked keys),
//   - the authority key's own key.added entry (seq 0 of service/authority),
//   - an inclusion proof of each of those two entries under the checkpoint.
// Nothing in it is taken on trust: VerifyTrustBundle re-checks it all with
// nothing but the pinned log key, every time the bundle is used.
//
// JudgeLabel gives the offline verdict on one label URL against a verified
// bundle: genuine, suspicious or not genuine, with the reasons in English
// and Vietnamese.
//
// Thread-safety: plain values and pure functions.

#ifndef OCOPTRACE_CLIENT_TRUST_BUNDLE_H_
#define OCOPTRACE_CLIENT_TRUST_BUNDLE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "core/checkpoint.h"
#include "core/label_payload.h"
#include "core/log_entry.h"
#include "core/sha256.h"
#include "core/signed_note.h"
#include "nlohmann/json.hpp"
#include "ocoptrace/v1/verify.pb.h"

namespace ocoptrace::client {

namespace v1 = ::ocoptrace::v1;

// The first field of every bundle file.
inline constexpr char kTrustBundleFormat[] = "ocoptrace/trust-bundle/v1";

// A log entry, its body and its inclusion proof, as kept in bundles.
struct ProvenLogEntry {
  uint64_t index = 0;
  std::string entry;  // The signed entry note, byte for byte.
  std::string body;
  std::vector<Hash> proof;  // RFC 9162 inclusion proof, leaf level first.
  bool operator==(const ProvenLogEntry&) const = default;
};

// A bundle as stored: nothing verified yet.
struct TrustBundle {
  std::string server;  // Where it was synced from (for people).
  std::string region;  // Administrative-unit code; "" = the whole log.
  absl::Time synced_at = absl::UnixEpoch();
  std::string checkpoint;  // Signed checkpoint note.
  ProvenLogEntry authority_key;
  ProvenLogEntry snapshot;
  bool operator==(const TrustBundle&) const = default;
};

// Where the bundle lives by default: "<config dir>/trust-bundle.json".
std::string DefaultTrustBundlePath(const std::string& config_directory);

// The JSON text of a bundle (pretty-printed, ending in a newline): format,
// server, region, synced_at (RFC 3339), checkpoint (the note as text) and
// the two entries as {index, entry (text), body (base64), proof [base64]}.
std::string FormatTrustBundle(const TrustBundle& bundle);

// Parses FormatTrustBundle's output. InvalidArgument naming the field when
// the text is not such a bundle (wrong format string, missing field, bad
// base64, a proof hash that is not 32 bytes).
absl::StatusOr<TrustBundle> ParseTrustBundle(std::string_view json_text);

// The bundle for a Verify.GetTrustSnapshot answer. InvalidArgument when the
// answer lacks a part or a proof hash is not 32 bytes.
absl::StatusOr<TrustBundle> BundleFromResponse(
    const v1::GetTrustSnapshotResponse& response, std::string server,
    std::string region, absl::Time synced_at);

// What a verified bundle proves.
struct VerifiedTrust {
  Checkpoint checkpoint;
  NoteVerifier authority;       // From its self-signed key.added entry.
  EntryHeader snapshot_header;  // Its time is when the snapshot was signed.
  v1::TrustSnapshot snapshot;
  std::string region;
  absl::Time synced_at = absl::UnixEpoch();
};

// Checks a bundle with nothing but the pinned `log_key`:
//   1. the checkpoint is signed by `log_key`;
//   2. both entries' inclusion proofs lead to the checkpoint's root;
//   3. the authority entry is key.added, seq 0 of service/authority, its
//      body a KeyRecord of role authority whose key signed the entry;
//   4. the snapshot entry is trust.snapshot on service/authority, signed by
//      that key, its body hashes to the entry's body line, parses, and
//      names the bundle's region.
// DataLoss saying which check failed ("trust bundle: ..."), so that the
// exit code is 4.
absl::StatusOr<VerifiedTrust> VerifyTrustBundle(const TrustBundle& bundle,
                                                const NoteVerifier& log_key);

// --- Verdicts
// -----------------------------------------------------------------

enum class Verdict { kGenuine, kSuspicious, kNotGenuine };

// "genuine", "suspicious", "not genuine".
std::string_view VerdictWord(Verdict verdict);
// "Tem thật", "Đáng ngờ", "Không phải tem thật".
std::string_view VerdictWordVi(Verdict verdict);

// One reason behind a verdict. `effect` is the least verdict the reason
// allows: kGenuine for a check that passed or a plain note.
struct Reason {
  std::string code;  // Stable, for --json: "signature", "voided", ...
  Verdict effect = Verdict::kGenuine;
  bool passed = true;  // A check that passed (✓) rather than a note (·).
  std::string en;
  std::string vi;
};

struct LabelJudgement {
  Verdict verdict = Verdict::kGenuine;  // The worst effect of the reasons.
  std::vector<Reason> reasons;
  std::optional<LabelClaim> claim;  // Set when the URL parsed.
  std::string label_key;            // Name of the key whose signature held.
  std::string product_name;
  std::string producer_name;
  uint32_t stars = 0;       // Of the certificate valid on the day, if any.
  std::string certificate;  // Its number.

  void Add(Reason reason);
};

// Judges `url` offline against `trust` on the day of `now` (Vietnam time):
//   not genuine: the URL is not a label URL (Digital Link syntax, GTIN check
//     digit, serial, signature encoding), no label key of the snapshot
//     verifies the signature, the key that does was revoked, or the
//     snapshot lists the label as voided;
//   suspicious: the product has certificates in the snapshot but none is
//     valid on the day (revoked: with the decision and reason; expired;
//     not yet valid), no certificate covers it, or (whole-log bundle) the
//     GTIN is not registered;
//   genuine otherwise. A product outside a regional bundle's region is a
//   note: its certificate was not checked.
LabelJudgement JudgeLabel(std::string_view url, const VerifiedTrust& trust,
                          absl::Time now);

// "3 days ago", "5 hours ago", "just now" / "3 ngày trước"...
std::string AgeInWords(absl::Duration age);
std::string AgeInWordsVi(absl::Duration age);

// The judgement as JSON: verdict, reasons [{code, effect, passed, en, vi}],
// gtin, lot, serial, label_key, product, producer, stars, certificate.
nlohmann::json JudgementToJson(const LabelJudgement& judgement);

// The serials of a labels.issued body's `serials` field (7 bytes each, the
// 50-bit value big-endian). InvalidArgument when the size is not a multiple
// of 7 or a value has any of its top 6 bits set.
absl::StatusOr<std::vector<std::string>> UnpackIssuedSerials(
    std::string_view packed);

}  // namespace ocoptrace::client

#endif  // OCOPTRACE_CLIENT_TRUST_BUNDLE_H_
