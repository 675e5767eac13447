#include "server/trace/authorization.h"

#include <algorithm>
#include <string>

#include "absl/strings/str_cat.h"
#include "server/trace/kinds.h"

namespace ocoptrace::trace {
namespace {

constexpr v1::Role kAdmin = v1::ROLE_ADMIN;
constexpr v1::Role kCertifier = v1::ROLE_CERTIFIER;
constexpr v1::Role kProducer = v1::ROLE_PRODUCER;
constexpr v1::Role kInspector = v1::ROLE_INSPECTOR;

std::string Describe(const Caller& caller) {
  if (caller.role == kProducer) {
    return absl::StrCat("producer '", caller.producer_id, "'");
  }
  return absl::StrCat(std::string(RoleName(caller.role)), " '",
                      caller.principal, "'");
}

std::string JoinRoles(const std::vector<v1::Role>& roles) {
  std::string text;
  for (size_t i = 0; i < roles.size(); ++i) {
    if (i > 0) text += i + 1 == roles.size() ? " or " : ", ";
    text += std::string(RoleName(roles[i]));
  }
  return text;
}

std::string_view KeyRoleName(v1::KeyRole role) {
  switch (role) {
    case v1::KEY_ROLE_PRODUCER:
      return "producer";
    case v1::KEY_ROLE_CERTIFIER:
      return "certifier";
    case v1::KEY_ROLE_INSPECTOR:
      return "inspector";
    case v1::KEY_ROLE_ADMIN:
      return "admin";
    case v1::KEY_ROLE_AUTHORITY:
      return "authority";
    case v1::KEY_ROLE_LABEL:
      return "label";
    default:
      return "unknown";
  }
}

std::string DescribeSigners(const std::vector<state::KeyState>& signers) {
  if (signers.empty()) return "no registered key";
  std::string text;
  for (const state::KeyState& key : signers) {
    if (!text.empty()) text += ", ";
    absl::StrAppend(&text, "'", key.name(), "' (",
                    std::string(KeyRoleName(key.role())), " key");
    if (!key.producer_id().empty()) {
      absl::StrAppend(&text, " of '", key.producer_id(), "'");
    } else if (!key.holder().empty()) {
      absl::StrAppend(&text, " held by '", key.holder(), "'");
    }
    text += ")";
  }
  return text;
}

bool IsCertificateKind(std::string_view kind) {
  return kind == kinds::kCertificateIssued ||
         kind == kinds::kCertificateRevoked;
}

}  // namespace

std::string_view MethodName(Method method) {
  switch (method) {
    case Method::kRegisterProducer:
      return "RegisterProducer";
    case Method::kUpdateProducer:
      return "UpdateProducer";
    case Method::kGetProducer:
      return "GetProducer";
    case Method::kListProducers:
      return "ListProducers";
    case Method::kAddKey:
      return "AddKey";
    case Method::kRevokeKey:
      return "RevokeKey";
    case Method::kRegisterProduct:
      return "RegisterProduct";
    case Method::kUpdateProduct:
      return "UpdateProduct";
    case Method::kGetProduct:
      return "GetProduct";
    case Method::kListProducts:
      return "ListProducts";
    case Method::kIssueCertificate:
      return "IssueCertificate";
    case Method::kRenewCertificate:
      return "RenewCertificate";
    case Method::kRevokeCertificate:
      return "RevokeCertificate";
    case Method::kGetCertificate:
      return "GetCertificate";
    case Method::kListCertificates:
      return "ListCertificates";
    case Method::kCreateBatch:
      return "CreateBatch";
    case Method::kRecordEvent:
      return "RecordEvent";
    case Method::kGetBatch:
      return "GetBatch";
    case Method::kListBatches:
      return "ListBatches";
    case Method::kGetHistory:
      return "GetHistory";
    case Method::kIssueLabels:
      return "IssueLabels";
    case Method::kVoidLabels:
      return "VoidLabels";
    case Method::kGetLabel:
      return "GetLabel";
    case Method::kGetCheckpoint:
      return "GetCheckpoint";
    case Method::kGetEntries:
      return "GetEntries";
    case Method::kGetInclusionProof:
      return "GetInclusionProof";
    case Method::kGetConsistencyProof:
      return "GetConsistencyProof";
    case Method::kGetHead:
      return "GetHead";
    case Method::kGetKeys:
      return "GetKeys";
    case Method::kCreatePrincipal:
      return "CreatePrincipal";
    case Method::kRevokePrincipal:
      return "RevokePrincipal";
    case Method::kListPrincipals:
      return "ListPrincipals";
    case Method::kWhoAmI:
      return "WhoAmI";
    case Method::kBackup:
      return "Backup";
    case Method::kGetStats:
      return "GetStats";
    case Method::kListReports:
      return "ListReports";
  }
  return "Unknown";
}

std::string_view RoleName(v1::Role role) {
  switch (role) {
    case v1::ROLE_ADMIN:
      return "admin";
    case v1::ROLE_CERTIFIER:
      return "certifier";
    case v1::ROLE_PRODUCER:
      return "producer";
    case v1::ROLE_INSPECTOR:
      return "inspector";
    default:
      return "unspecified";
  }
}

// The role matrix (docs/kinds.md "Who may call what").
std::vector<v1::Role> AllowedRoles(Method method) {
  switch (method) {
    case Method::kRegisterProducer:
    case Method::kCreatePrincipal:
    case Method::kRevokePrincipal:
    case Method::kListPrincipals:
    case Method::kBackup:
      return {kAdmin};
    case Method::kUpdateProducer:
    case Method::kAddKey:
    case Method::kRevokeKey:
      return {kAdmin, kProducer};
    case Method::kRegisterProduct:
    case Method::kUpdateProduct:
    case Method::kCreateBatch:
    case Method::kVoidLabels:
      return {kProducer};
    case Method::kIssueLabels:
      // The label key signs the labels.issued entry, so an admin (the
      // provincial office printing for a cooperative) may issue too.
      return {kAdmin, kProducer};
    case Method::kRecordEvent:
      return {kProducer, kInspector};
    case Method::kIssueCertificate:
    case Method::kRenewCertificate:
    case Method::kRevokeCertificate:
      return {kCertifier, kAdmin};
    case Method::kGetProducer:
    case Method::kListProducers:
    case Method::kGetProduct:
    case Method::kListProducts:
    case Method::kGetCertificate:
    case Method::kListCertificates:
    case Method::kGetBatch:
    case Method::kListBatches:
    case Method::kGetHistory:
    case Method::kWhoAmI:
    case Method::kGetStats:  // Aggregates, public on /stats.json too.
      return {kAdmin, kCertifier, kProducer, kInspector};
    case Method::kListReports:
      return {kInspector, kAdmin};
    case Method::kGetLabel:
    case Method::kGetCheckpoint:
    case Method::kGetEntries:
    case Method::kGetInclusionProof:
    case Method::kGetConsistencyProof:
    case Method::kGetHead:
    case Method::kGetKeys:
      return {};
  }
  return {kAdmin};
}

absl::Status AuthorizeCall(const Caller& caller, Method method) {
  const std::vector<v1::Role> roles = AllowedRoles(method);
  if (roles.empty()) return absl::OkStatus();  // Public.
  if (caller.anonymous()) {
    return absl::UnauthenticatedError(absl::StrCat(
        std::string(MethodName(method)), " needs a bearer token (role ",
        JoinRoles(roles), "); none was given"));
  }
  if (std::find(roles.begin(), roles.end(), caller.role) == roles.end()) {
    return absl::PermissionDeniedError(
        absl::StrCat(std::string(MethodName(method)), " needs role ",
                     JoinRoles(roles), "; you are ", Describe(caller)));
  }
  return absl::OkStatus();
}

absl::Status AuthorizeOwner(const Caller& caller, Method method,
                            std::string_view owner, std::string_view what) {
  if (caller.role != kProducer || caller.producer_id == owner) {
    return absl::OkStatus();
  }
  return absl::PermissionDeniedError(
      absl::StrCat(std::string(MethodName(method)), ": ", std::string(what),
                   " belongs to producer '", std::string(owner), "'; you are ",
                   Describe(caller), " and may only act on your own"));
}

absl::Status AuthorizeSigner(const Caller& caller, std::string_view kind,
                             std::string_view owner,
                             const std::vector<state::KeyState>& signers) {
  std::string needed;
  if (IsCertificateKind(kind)) {
    for (const state::KeyState& key : signers) {
      if ((key.role() == v1::KEY_ROLE_CERTIFIER ||
           key.role() == v1::KEY_ROLE_ADMIN) &&
          key.holder() == caller.principal) {
        return absl::OkStatus();
      }
    }
    needed = absl::StrCat("a certifier or admin key held by '",
                          caller.principal, "'");
  } else if (caller.role == kInspector) {
    if (kind == EventKind("inspecting")) {
      for (const state::KeyState& key : signers) {
        if (key.role() == v1::KEY_ROLE_INSPECTOR &&
            key.holder() == caller.principal) {
          return absl::OkStatus();
        }
      }
      needed =
          absl::StrCat("an inspector key held by '", caller.principal, "'");
    } else {
      return absl::PermissionDeniedError(
          absl::StrCat("inspectors may record only event.inspecting, not ",
                       std::string(kind), "; you are ", Describe(caller)));
    }
  } else {
    if (caller.role != kProducer || caller.producer_id != owner) {
      return absl::PermissionDeniedError(absl::StrCat(
          std::string(kind), " entries on things of producer '",
          std::string(owner), "' are submitted by that producer; you are ",
          Describe(caller)));
    }
    for (const state::KeyState& key : signers) {
      if (key.role() == v1::KEY_ROLE_PRODUCER && key.producer_id() == owner) {
        return absl::OkStatus();
      }
    }
    needed = absl::StrCat("a producer key of '", std::string(owner), "'");
  }
  return absl::PermissionDeniedError(
      absl::StrCat(std::string(kind), " must be signed by ", needed,
                   "; it is signed by ", DescribeSigners(signers),
                   ". Add the key with AddKey or sign with the right key"));
}

}  // namespace ocoptrace::trace
