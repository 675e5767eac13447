#include "server/rpc/auth.h"

#include <string>

#include "absl/strings/str_cat.h"

namespace ocoptrace::rpc {
namespace {

constexpr std::string_view kBearerScheme = "bearer";

bool EqualsIgnoringAsciiCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

absl::Status MalformedHeader(std::string_view why) {
  return absl::UnauthenticatedError(absl::StrCat(
      "authorization header ", std::string(why),
      ": send \"authorization: Bearer <token>\" with the token printed by "
      "`traced --init` or returned by Admin.CreatePrincipal"));
}

}  // namespace

absl::StatusOr<std::string_view> ParseBearerToken(std::string_view header) {
  const size_t space = header.find(' ');
  if (space == std::string_view::npos ||
      !EqualsIgnoringAsciiCase(header.substr(0, space), kBearerScheme)) {
    return MalformedHeader("does not use the Bearer scheme");
  }
  std::string_view token = header.substr(space + 1);
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
  if (token.empty()) return MalformedHeader("has an empty bearer token");
  if (token.find(' ') != std::string_view::npos) {
    return MalformedHeader("has spaces inside the token");
  }
  return token;
}

absl::StatusOr<trace::Caller> AuthenticateCall(
    const trace::Service& service, const grpc::ServerContextBase& context) {
  const auto& metadata = context.client_metadata();
  auto [first, last] = metadata.equal_range(kAuthorizationHeader);
  if (first == last) return trace::Caller{};  // Anonymous.
  if (std::next(first) != last) {
    return MalformedHeader("is repeated; send exactly one");
  }
  const std::string_view header(first->second.data(), first->second.size());
  absl::StatusOr<std::string_view> token = ParseBearerToken(header);
  if (!token.ok()) return token.status();
  return service.Authenticate(*token);
}

absl::Status AddAuthHint(const trace::Caller& caller, absl::Status status) {
  if (!caller.anonymous() || !absl::IsUnauthenticated(status)) return status;
  return absl::UnauthenticatedError(absl::StrCat(
      "missing bearer token: pass --token or set OCOPTRACE_TOKEN (",
      std::string(status.message()), ")"));
}

}  // namespace ocoptrace::rpc
