#include "server/trace/kinds.h"

#include <algorithm>
#include <array>

#include "absl/strings/str_cat.h"

namespace ocoptrace::trace {
namespace {

constexpr SubjectSet kProducer = SubjectBit(SubjectType::kProducer);
constexpr SubjectSet kProduct = SubjectBit(SubjectType::kProduct);
constexpr SubjectSet kCertificate = SubjectBit(SubjectType::kCertificate);
constexpr SubjectSet kBatch = SubjectBit(SubjectType::kBatch);
constexpr SubjectSet kAuthority = SubjectBit(SubjectType::kServiceAuthority);
constexpr SubjectSet kKeyChains = SubjectBit(SubjectType::kProducer) |
                                  SubjectBit(SubjectType::kPrincipal) |
                                  SubjectBit(SubjectType::kServiceAuthority) |
                                  SubjectBit(SubjectType::kServiceLabels);

constexpr KindInfo kEventRow = {
    "event.<step>", kBatch, BodyType::kTraceEvent, false,
    "a producer key of the batch's producer; for event.inspecting also an "
    "inspector key of the calling inspector"};

constexpr std::array<KindInfo, 13> kKinds = {{
    {kinds::kProducerRegistered, kProducer, BodyType::kProducerRecord, true,
     "the service authority key, for an admin"},
    {kinds::kProducerUpdated, kProducer, BodyType::kProducerRecord, false,
     "the service authority key (for an admin) or a producer key of that "
     "producer"},
    {kinds::kKeyAdded, kKeyChains, BodyType::kKeyRecord, false,
     "the service authority key, for an admin or (producer keys) the "
     "producer"},
    {kinds::kKeyRevoked, kKeyChains, BodyType::kKeyRevocation, false,
     "the service authority key, for an admin or (producer keys) the "
     "producer"},
    {kinds::kProductRegistered, kProduct, BodyType::kProductRecord, true,
     "a producer key of the owner producer"},
    {kinds::kProductUpdated, kProduct, BodyType::kProductRecord, false,
     "a producer key of the owner producer"},
    {kinds::kCertificateIssued, kCertificate, BodyType::kCertificateRecord,
     true, "a certifier or admin key held by the calling official"},
    {kinds::kCertificateRevoked, kCertificate, BodyType::kCertificateRevocation,
     false, "a certifier or admin key held by the calling official"},
    {kinds::kBatchCreated, kBatch, BodyType::kBatchRecord, true,
     "a producer key of the product's producer"},
    {kinds::kLabelsIssued, kBatch, BodyType::kLabelsIssued, false,
     "the service's newest active label key (the one that signed the "
     "labels), for the batch's producer or an admin"},
    {kinds::kLabelsVoided, kBatch, BodyType::kLabelsVoided, false,
     "a producer key of the batch's producer"},
    {kinds::kTrustSnapshot, kAuthority, BodyType::kTrustSnapshot, false,
     "the service authority key (traced writes it for Verify."
     "GetTrustSnapshot)"},
    kEventRow,
}};

// CBV 2.0 business steps accepted as event kinds, sorted.
constexpr std::array<std::string_view, 21> kBusinessSteps = {
    "accepting",      "arriving",     "commissioning", "decommissioning",
    "departing",      "destroying",   "holding",       "inspecting",
    "loading",        "packing",      "receiving",     "repackaging",
    "retail_selling", "sampling",     "shipping",      "stocking",
    "storing",        "transforming", "transporting",  "unloading",
    "unpacking",
};

}  // namespace

std::string_view BodyTypeName(BodyType type) {
  switch (type) {
    case BodyType::kProducerRecord:
      return "ProducerRecord";
    case BodyType::kKeyRecord:
      return "KeyRecord";
    case BodyType::kKeyRevocation:
      return "KeyRevocation";
    case BodyType::kProductRecord:
      return "ProductRecord";
    case BodyType::kCertificateRecord:
      return "CertificateRecord";
    case BodyType::kCertificateRevocation:
      return "CertificateRevocation";
    case BodyType::kBatchRecord:
      return "BatchRecord";
    case BodyType::kTraceEvent:
      return "TraceEvent";
    case BodyType::kLabelsIssued:
      return "LabelsIssued";
    case BodyType::kLabelsVoided:
      return "LabelsVoided";
    case BodyType::kTrustSnapshot:
      return "TrustSnapshot";
  }
  return "unknown";
}

std::span<const KindInfo> AllKinds() { return kKinds; }

const KindInfo* FindKind(std::string_view kind) {
  if (kind.substr(0, kinds::kEventPrefix.size()) == kinds::kEventPrefix) {
    return IsBusinessStep(EventStep(kind)) ? &kKinds.back() : nullptr;
  }
  for (const KindInfo& info : kKinds) {
    if (info.kind == kind) return &info;
  }
  return nullptr;
}

std::span<const std::string_view> BusinessSteps() { return kBusinessSteps; }

bool IsBusinessStep(std::string_view step) {
  return std::binary_search(kBusinessSteps.begin(), kBusinessSteps.end(), step);
}

std::string EventKind(std::string_view step) {
  return absl::StrCat(std::string(kinds::kEventPrefix), std::string(step));
}

std::string_view EventStep(std::string_view kind) {
  if (kind.substr(0, kinds::kEventPrefix.size()) != kinds::kEventPrefix) {
    return {};
  }
  return kind.substr(kinds::kEventPrefix.size());
}

}  // namespace ocoptrace::trace
