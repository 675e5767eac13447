// Rules: validation of entry bodies against the OCOP and GS1 rules
// (docs/kinds.md), and the normalised forms the derived state stores.
//
// Validate* functions check one body on its own (syntax, check digits,
// bands, dates). Check* functions also look at the derived state through a
// StateReader (does the product exist, does the certificate belong to the
// same producer, ...). Both return OK or an error whose message starts
// with the field it is about and says what to fix:
//   InvalidArgument   the body is wrong ("score: 49.99 is outside ...")
//   NotFound          a thing it refers to does not exist (naming it)
//   FailedPrecondition the state forbids it (renewing an expired
//                      certificate, revoking a revoked one)
//   AlreadyExists     it would create something that exists
// Other codes come from storage.
//
// Normalize*/Apply* functions return the record as the derived state
// stores it (GTINs as 14 digits, validity defaults applied); they assume a
// body that validated and return InvalidArgument otherwise.
//
// Thread-safety: pure functions (given the reader's view), thread-safe.

#ifndef OCOPTRACE_SERVER_TRACE_RULES_H_
#define OCOPTRACE_SERVER_TRACE_RULES_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "ocoptrace/v1/admin.pb.h"
#include "ocoptrace/v1/certificates.pb.h"
#include "ocoptrace/v1/registry.pb.h"
#include "ocoptrace/v1/trace.pb.h"
#include "server/trace/state_reader.h"

namespace ocoptrace::trace {

namespace v1 = ::ocoptrace::v1;

// --- Identifiers -----------------------------------------------------------

// Producer ids: 3-64 characters of a-z, 0-9 and '-', not starting or
// ending with '-'. `field` names the field in the message.
absl::Status ValidateProducerId(std::string_view id,
                                std::string_view field = "producer_id");
// Principal names: 3-64 characters of a-z, 0-9, '.', '_' and '-'.
absl::Status ValidatePrincipalName(std::string_view name,
                                   std::string_view field = "name");
// Mã số thuế: 10 digits, or 10 digits '-' 3 digits (a branch).
absl::Status ValidateTaxCode(std::string_view tax_code);
// The GTIN as 14 digits; InvalidArgument "<field>: GTIN ..." otherwise.
absl::StatusOr<std::string> NormalizeGtinField(std::string_view gtin,
                                               std::string_view field);
// A calendar date "YYYY-MM-DD"; InvalidArgument "<field> is required" when
// empty. Callers check optional dates for "" first.
absl::StatusOr<absl::CivilDay> ParseDateField(const v1::Date& date,
                                              std::string_view field);
// UN/CEFACT Recommendation 20 unit code shape: 2-3 upper-case letters or
// digits ("KGM", "H87", "XBX").
absl::Status ValidateUnitCode(std::string_view unit, std::string_view field);

// --- Registry --------------------------------------------------------------

// producer.registered / producer.updated bodies.
absl::Status ValidateProducerRecord(const v1::ProducerRecord& record);
// key.added bodies: a parseable vkey, a role, and the role's binding
// (producer_id for producer keys, holder for officials' keys).
absl::Status ValidateKeyRecord(const v1::KeyRecord& record);
absl::Status ValidateKeyRevocation(const v1::KeyRevocation& revocation);

// product.registered / product.updated bodies.
absl::Status ValidateProductRecord(const v1::ProductRecord& record);
// The owner producer exists; for an update, the product exists and keeps
// its owner.
absl::Status CheckProduct(const v1::ProductRecord& record, bool is_update,
                          const StateReader& state);
absl::StatusOr<v1::ProductRecord> NormalizeProductRecord(
    v1::ProductRecord record);

// --- Certificates (certificate_rules.cc) -----------------------------------

struct Validity {
  absl::CivilDay from;
  absl::CivilDay until;  // The last valid day.
};
// The default last valid day: the day before the 36-month anniversary of
// the decision (2024-03-22 -> 2027-03-21; 2024-02-29 -> 2027-02-28).
absl::CivilDay DefaultValidUntil(absl::CivilDay decision_date);
// valid_from (default: the decision date) and valid_until (default:
// DefaultValidUntil), as the certificate states them.
absl::StatusOr<Validity> EffectiveValidity(const v1::CertificateRecord& record);

// certificate.issued bodies on their own: required fields, stars 3-5, the
// score within the star's band, the issuer level allowed for the stars and
// criteria version, dates.
absl::Status ValidateCertificateRecord(const v1::CertificateRecord& record);
// Against the state: the producer exists, every covered product exists and
// belongs to it; for a renewal (`supersedes` set) the old certificate
// exists, belongs to the same producer, is not revoked, not renewed yet
// and not expired at the new decision date.
absl::Status CheckCertificateIssue(const v1::CertificateRecord& record,
                                   const StateReader& state);
// The record with valid_from/valid_until filled in and GTINs normalised.
absl::StatusOr<v1::CertificateRecord> ApplyCertificateDefaults(
    v1::CertificateRecord record);

// certificate.revoked bodies: decision number, date and reason.
absl::Status ValidateCertificateRevocation(
    const v1::CertificateRevocation& revocation);
// The certificate is not revoked yet.
absl::Status CheckCertificateRevocation(
    const state::CertificateState& current,
    const v1::CertificateRevocation& revocation);
v1::CertificateRevocation ApplyRevocationDefaults(
    v1::CertificateRevocation revocation);

// --- Trace (trace_rules.cc) ------------------------------------------------

// batch.created bodies: GTIN, lot (CSET 82, at most 20), production date
// not after expiry, a quantity with a unit, origins, inputs.
absl::Status ValidateBatchRecord(const v1::BatchRecord& record);
// The product exists and every input batch exists.
absl::Status CheckBatchCreation(const v1::BatchRecord& record,
                                const StateReader& state);
absl::StatusOr<v1::BatchRecord> NormalizeBatchRecord(v1::BatchRecord record);

// event.<step> bodies: the business step equals `step`, an event time, a
// location (valid GLN or a description), a destination for shipping, a
// source for receiving, an outcome for inspecting.
absl::Status ValidateTraceEvent(const v1::TraceEvent& event,
                                std::string_view step);
// Every input batch the event names exists.
absl::Status CheckTraceEvent(const v1::TraceEvent& event,
                             const StateReader& state);

// --- Principals -------------------------------------------------------------

// A principal to create: name, role, and for producers an existing
// producer id.
absl::Status ValidatePrincipal(const v1::Principal& principal,
                               const StateReader& state);

}  // namespace ocoptrace::trace

#endif  // OCOPTRACE_SERVER_TRACE_RULES_H_
