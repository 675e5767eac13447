// Proof bundles: one text file that proves a batch's whole history offline
// (`tracectl proof export GTIN/LOT`, `tracectl proof verify FILE`;
// docs/proof-bundle.md is the normative description). In the style of
// C2SP tlog-proof, adapted to many entries that travel with their bytes:
//
//   ocoptrace/proof-bundle/v1
//   subject batch/<GTIN14>/<lot>
//   entries <n>
//   keys <k>
//   <blank line>
//   n + k sections, each followed by a blank line:
//     index <global log index>
//     entry <base64 of the signed entry note>
//     body <base64 of the body bytes>
//     <base64 inclusion-proof hash>      (one line each, leaf level first)
//   <the signed checkpoint note, verbatim, to the end of the file>
//
// The n entry sections are the batch's chain, seq 0 to n-1; the k key
// sections are the key.added entries of every key that signed them, and of
// the service authority key that added those (its own self-signed
// key.added, seq 0 of service/authority). Everything is checked against the
// pinned log key alone: the checkpoint's signature, every inclusion proof,
// the keys (rooted in the authority key, itself proven by the log), every
// entry's signature, chain link and body hash.
//
// Thread-safety: plain values and pure functions.

#ifndef OCOPTRACE_CLIENT_PROOF_BUNDLE_H_
#define OCOPTRACE_CLIENT_PROOF_BUNDLE_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "client/trust_bundle.h"
#include "core/checkpoint.h"
#include "core/log_entry.h"
#include "core/signed_note.h"

namespace ocoptrace::client {

// The first line of every proof bundle.
inline constexpr char kProofBundleHeader[] = "ocoptrace/proof-bundle/v1";

struct ProofBundle {
  std::string subject;                  // "batch/<GTIN14>/<lot>"
  std::vector<ProvenLogEntry> entries;  // The chain, seq 0 first.
  std::vector<ProvenLogEntry> keys;     // key.added entries.
  std::string checkpoint;               // The signed checkpoint note.
};

// The bundle's text (see the file comment).
std::string FormatProofBundle(const ProofBundle& bundle);

// Parses the text. InvalidArgument naming the line ("line 7: ...") when it
// is not exactly in the format: every number canonical decimal, every
// base64 canonical, hashes 32 bytes, nothing after the checkpoint note.
absl::StatusOr<ProofBundle> ParseProofBundle(std::string_view text);

// What a verified bundle proves.
struct VerifiedProofBundle {
  Checkpoint checkpoint;
  std::string subject;
  std::vector<EntryHeader> entries;  // In chain order.
  std::vector<std::string> signers;  // Key that signed each entry.
  std::vector<NoteVerifier> keys;    // The proven keys, authority first.
};

// Verifies bundle `text` with nothing but `log_key`. DataLoss saying what
// failed ("proof bundle: line 12: ...", "proof bundle: entry 2 (log index
// 14): inclusion proof does not lead to the checkpoint's root: ...",
// "proof bundle: entry 1: not signed by any key proven in the bundle"...).
absl::StatusOr<VerifiedProofBundle> VerifyProofBundle(
    std::string_view text, const NoteVerifier& log_key);

}  // namespace ocoptrace::client

#endif  // OCOPTRACE_CLIENT_PROOF_BUNDLE_H_
