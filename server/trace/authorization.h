// Authorization: the one place that decides who may call what (the role
// matrix of docs/kinds.md) and which registered key may sign which entry.
//
// Three checks, applied in this order by the service:
//   AuthorizeCall     may this caller use this method at all (by role)?
//   AuthorizeOwner    may this caller touch this producer's things?
//                     (producers only their own; other roles all)
//   AuthorizeSigner   is the entry signed by a key that fits the caller
//                     and the owner?
// Each returns OK, Unauthenticated (anonymous caller on a non-public
// method) or PermissionDenied naming the role or key needed, e.g.
// "RegisterProducer needs role admin; you are producer 'htx-a'".
//
// A producer asking for another producer's product, batch or certificate
// gets PermissionDenied rather than NotFound: the log is public, so hiding
// that a thing exists protects nothing, and a clear answer helps.
//
// Thread-safety: pure functions, thread-safe.

#ifndef OCOPTRACE_SERVER_TRACE_AUTHORIZATION_H_
#define OCOPTRACE_SERVER_TRACE_AUTHORIZATION_H_

#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "server/trace/service.h"
#include "server/trace/state.pb.h"

namespace ocoptrace::trace {

enum class Method {
  // Registry.
  kRegisterProducer,
  kUpdateProducer,
  kGetProducer,
  kListProducers,
  kAddKey,
  kRevokeKey,
  kRegisterProduct,
  kUpdateProduct,
  kGetProduct,
  kListProducts,
  // Certificates.
  kIssueCertificate,
  kRenewCertificate,
  kRevokeCertificate,
  kGetCertificate,
  kListCertificates,
  // Trace.
  kCreateBatch,
  kRecordEvent,
  kGetBatch,
  kListBatches,
  kGetHistory,
  // Labels.
  kIssueLabels,
  kVoidLabels,
  kGetLabel,  // Public.
  // Verify (public).
  kGetCheckpoint,
  kGetEntries,
  kGetInclusionProof,
  kGetConsistencyProof,
  kGetHead,
  kGetKeys,
  // Admin.
  kCreatePrincipal,
  kRevokePrincipal,
  kListPrincipals,
  kWhoAmI,
  kBackup,
  // Admin: the officers' reads (stats.h).
  kGetStats,
  kListReports,
};

// "RegisterProducer", ...
std::string_view MethodName(Method method);
// "admin", "certifier", "producer", "inspector".
std::string_view RoleName(v1::Role role);

// The roles that may call `method` (empty for the public Verify methods).
std::vector<v1::Role> AllowedRoles(Method method);

// OK when `caller` may call `method`. Public methods allow everyone,
// including anonymous callers. Unauthenticated for an anonymous caller of
// any other method; PermissionDenied naming the roles needed otherwise.
absl::Status AuthorizeCall(const Caller& caller, Method method);

// OK when `caller` may act on things owned by producer `owner`: any
// non-producer role, or a producer bound to `owner`. `what` names the thing
// ("product 08934563123451"). PermissionDenied otherwise.
absl::Status AuthorizeOwner(const Caller& caller, Method method,
                            std::string_view owner, std::string_view what);

// OK when one of `signers` (the registered keys whose signatures verified)
// may sign an entry of `kind` for `caller` on a thing owned by producer
// `owner` ("" for certificates' checks, which do not depend on it):
//   producer data, events and  a producer key of `owner`, caller that
//   labels.voided              producer;
//   certificate.*              a certifier or admin key held by the caller;
//   event.inspecting           also an inspector key held by the caller.
// PermissionDenied naming the key needed and the keys that signed.
absl::Status AuthorizeSigner(const Caller& caller, std::string_view kind,
                             std::string_view owner,
                             const std::vector<state::KeyState>& signers);

}  // namespace ocoptrace::trace

#endif  // OCOPTRACE_SERVER_TRACE_AUTHORIZATION_H_
