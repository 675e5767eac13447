// Kinds: the closed list of entry kinds that ocoptrace accepts, with, for
// each, the subject it goes on, the protobuf message its body holds, who
// may sign it and whether it starts a chain. docs/kinds.md is the prose
// version of this table; keep them in step. A kind, once released, keeps
// its name and body type forever (entries are kept forever).
//
// Thread-safety: immutable tables and pure functions, thread-safe.

#ifndef OCOPTRACE_SERVER_TRACE_KINDS_H_
#define OCOPTRACE_SERVER_TRACE_KINDS_H_

#include <span>
#include <string>
#include <string_view>

#include "server/trace/subjects.h"

namespace ocoptrace::trace {

namespace kinds {
inline constexpr std::string_view kProducerRegistered = "producer.registered";
inline constexpr std::string_view kProducerUpdated = "producer.updated";
inline constexpr std::string_view kKeyAdded = "key.added";
inline constexpr std::string_view kKeyRevoked = "key.revoked";
inline constexpr std::string_view kProductRegistered = "product.registered";
inline constexpr std::string_view kProductUpdated = "product.updated";
inline constexpr std::string_view kCertificateIssued = "certificate.issued";
inline constexpr std::string_view kCertificateRevoked = "certificate.revoked";
inline constexpr std::string_view kBatchCreated = "batch.created";
// Labels (docs/labels.md): issued by the service, voided by the producer.
inline constexpr std::string_view kLabelsIssued = "labels.issued";
inline constexpr std::string_view kLabelsVoided = "labels.voided";
// Signed status snapshots for offline verification (docs/inspector.md):
// written by the service with its authority key.
inline constexpr std::string_view kTrustSnapshot = "trust.snapshot";
// Events are "event." + a business step of BusinessSteps().
inline constexpr std::string_view kEventPrefix = "event.";
}  // namespace kinds

// The message a kind's body holds (proto/ocoptrace/v1).
enum class BodyType {
  kProducerRecord,
  kKeyRecord,
  kKeyRevocation,
  kProductRecord,
  kCertificateRecord,
  kCertificateRevocation,
  kBatchRecord,
  kTraceEvent,
  kLabelsIssued,
  kLabelsVoided,
  kTrustSnapshot,
};

// "ProducerRecord", ...: for error messages.
std::string_view BodyTypeName(BodyType type);

// Bit set of SubjectType values.
using SubjectSet = unsigned;
constexpr SubjectSet SubjectBit(SubjectType type) {
  return 1u << static_cast<unsigned>(type);
}

struct KindInfo {
  std::string_view kind;  // For events: the shared "event.<step>" row.
  SubjectSet subjects;    // Subject types the kind may be appended to.
  BodyType body;
  bool first_on_chain;       // Only as seq 0 (creates the subject).
  std::string_view signers;  // Who signs, in words (docs and errors).
};

// Every kind except the per-step events, in docs/kinds.md order, followed
// by the one row shared by all event kinds.
std::span<const KindInfo> AllKinds();

// The kind's row, or nullptr for a kind outside the closed list (including
// "event.<step>" for a step BusinessSteps() does not list).
const KindInfo* FindKind(std::string_view kind);

// The CBV 2.0 business steps accepted as events, bare words in
// alphabetical order ("accepting", "arriving", "commissioning", ...).
std::span<const std::string_view> BusinessSteps();
bool IsBusinessStep(std::string_view step);

// "event.<step>".
std::string EventKind(std::string_view step);
// The step of an event kind ("event.packing" -> "packing"); "" when `kind`
// does not start with "event.".
std::string_view EventStep(std::string_view kind);

}  // namespace ocoptrace::trace

#endif  // OCOPTRACE_SERVER_TRACE_KINDS_H_
