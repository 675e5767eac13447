// tracectl principal create|revoke|list (role admin).

#include <memory>

#include "absl/strings/str_cat.h"
#include "client/arguments.h"
#include "client/cli.h"

namespace ocoptrace::client {
namespace {

struct PrincipalOptions {
  std::string name;
  std::string role;
  std::string producer;
  std::string display_name;
};

absl::Status RunPrincipalCreate(Cli& cli, const PrincipalOptions& options) {
  absl::StatusOr<v1::Role> role = ParseRole(options.role);
  if (!role.ok()) return role.status();
  if (*role == v1::ROLE_PRODUCER && options.producer.empty()) {
    return absl::InvalidArgumentError(
        "--producer: a producer principal acts for one producer; pass its "
        "id, e.g. --producer htx-tai-hoan");
  }
  absl::StatusOr<Connection*> conn = cli.connection();
  if (!conn.ok()) return conn.status();
  v1::CreatePrincipalRequest request;
  v1::Principal* principal = request.mutable_principal();
  principal->set_name(options.name);
  principal->set_role(*role);
  principal->set_producer_id(options.producer);
  principal->set_display_name(options.display_name);
  absl::StatusOr<v1::CreatePrincipalResponse> created = (*conn)->Call(
      (*conn)->admin(), &v1::Admin::Stub::CreatePrincipal, request);
  if (!created.ok()) return created.status();
  Printer print = cli.printer();
  if (print.json()) {
    print.Json(ProtoToJson(*created));
    return absl::OkStatus();
  }
  print.Text(
      absl::StrCat("created principal ", created->principal().name(), " (role ",
                   RoleWord(created->principal().role()), ")\n",
                   "token (shown only once; give it to its holder, who runs\n"
                   "  tracectl config set token TOKEN):\n\n",
                   created->token(), "\n"));
  return absl::OkStatus();
}

absl::Status RunPrincipalRevoke(Cli& cli, const std::string& name) {
  absl::StatusOr<Connection*> conn = cli.connection();
  if (!conn.ok()) return conn.status();
  v1::RevokePrincipalRequest request;
  request.set_name(name);
  absl::StatusOr<v1::Principal> revoked = (*conn)->Call(
      (*conn)->admin(), &v1::Admin::Stub::RevokePrincipal, request);
  if (!revoked.ok()) return revoked.status();
  Printer print = cli.printer();
  if (print.json()) {
    print.Json(ProtoToJson(*revoked));
  } else {
    print.Text(absl::StrCat("revoked principal ", revoked->name(),
                            ": its token no longer works\n"));
  }
  return absl::OkStatus();
}

absl::Status RunPrincipalList(Cli& cli) {
  absl::StatusOr<Connection*> conn = cli.connection();
  if (!conn.ok()) return conn.status();
  absl::StatusOr<v1::ListPrincipalsResponse> list =
      (*conn)->Call((*conn)->admin(), &v1::Admin::Stub::ListPrincipals,
                    v1::ListPrincipalsRequest());
  if (!list.ok()) return list.status();
  Printer print = cli.printer();
  if (print.json()) {
    print.Json(ProtoToJson(*list));
    return absl::OkStatus();
  }
  Table table(
      {"NAME", "ROLE", "PRODUCER", "DISPLAY NAME", "STATUS", "CREATED"});
  for (const v1::Principal& principal : list->principals()) {
    table.AddRow({principal.name(), RoleWord(principal.role()),
                  principal.producer_id(), principal.display_name(),
                  principal.revoked() ? "revoked" : "active",
                  principal.created_at()});
  }
  print.Text(table.Render());
  return absl::OkStatus();
}

}  // namespace

void AddAdminCommands(CLI::App& app, Cli& cli) {
  CLI::App* principal =
      app.add_subcommand("principal", "Who may call the service (role admin)");
  principal->require_subcommand(1);

  auto create_options = std::make_shared<PrincipalOptions>();
  CLI::App* create = principal->add_subcommand(
      "create", "Create a principal and print its bearer token once");
  create
      ->add_option("--name", create_options->name,
                   "Principal name: 3-64 of a-z 0-9 . _ -")
      ->required();
  create
      ->add_option("--role", create_options->role,
                   "producer, certifier, inspector or admin")
      ->required();
  create->add_option("--producer", create_options->producer,
                     "For role producer: the producer id it acts for");
  create->add_option("--display-name", create_options->display_name,
                     "Display name (Vietnamese allowed; not in the log)");
  SetAction(create, cli, [&cli, create_options] {
    return RunPrincipalCreate(cli, *create_options);
  });

  auto revoke_name = std::make_shared<std::string>();
  CLI::App* revoke = principal->add_subcommand(
      "revoke", "Revoke a principal: its token stops working");
  revoke->add_option("name", *revoke_name, "Principal name")->required();
  SetAction(revoke, cli, [&cli, revoke_name] {
    return RunPrincipalRevoke(cli, *revoke_name);
  });

  CLI::App* list = principal->add_subcommand("list", "List principals");
  SetAction(list, cli, [&cli] { return RunPrincipalList(cli); });
}

}  // namespace ocoptrace::client
