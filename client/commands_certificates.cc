// tracectl cert issue|renew|revoke|get|list.

#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "client/arguments.h"
#include "client/cli.h"

namespace ocoptrace::client {
namespace {

struct IssueOptions {
  std::string number;
  std::string old_number;  // renew only
  std::string decision;
  std::string decision_date;
  std::string issuer;
  std::string level;
  uint32_t stars = 0;
  double score = -1;
  std::string criteria;
  std::vector<std::string> products;
  std::string producer;
  std::string valid_from;
  std::string valid_until;
  bool demo = false;
};

absl::StatusOr<v1::CriteriaVersion> ParseCriteria(const std::string& text) {
  if (text.empty() || text == "148") return v1::CRITERIA_VERSION_148_2023;
  if (text == "1048") return v1::CRITERIA_VERSION_1048_2019;
  if (text == "148-2025" || text == "148-amended") {
    return v1::CRITERIA_VERSION_148_AMENDED_2025;
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "--criteria '", text, "' is not one of 1048, 148, 148-2025"));
}

// Builds the record from the flags; for a renewal, unset fields are taken
// from the old certificate.
absl::StatusOr<v1::CertificateRecord> BuildRecord(
    const IssueOptions& options, const v1::CertificateRecord* old) {
  v1::CertificateRecord record;
  if (old != nullptr) {
    record.set_issuer(old->issuer());
    record.set_issuer_level(old->issuer_level());
    record.set_stars(old->stars());
    record.set_criteria_version(old->criteria_version());
    *record.mutable_products() = old->products();
    record.set_producer_id(old->producer_id());
    record.set_supersedes(old->number());
  }
  record.set_number(options.number);
  record.set_decision_number(options.decision);
  absl::StatusOr<v1::Date> decision_date =
      ParseDateArgument("--decision-date", options.decision_date);
  if (!decision_date.ok()) return decision_date.status();
  *record.mutable_decision_date() = *decision_date;
  if (!options.issuer.empty()) record.set_issuer(options.issuer);
  if (!options.level.empty()) {
    absl::StatusOr<v1::IssuerLevel> level = ParseIssuerLevel(options.level);
    if (!level.ok()) return level.status();
    record.set_issuer_level(*level);
  }
  if (options.stars != 0) record.set_stars(options.stars);
  if (record.stars() < 3 || record.stars() > 5) {
    return absl::InvalidArgumentError(
        absl::StrCat("--stars ", record.stars(),
                     ": OCOP certificates are for 3, 4 or 5 stars"));
  }
  if (options.score < 0) {
    return absl::InvalidArgumentError(
        "--score: give the evaluation score out of 100, e.g. 78.5");
  }
  record.set_score(options.score);
  if (!options.criteria.empty() || old == nullptr) {
    absl::StatusOr<v1::CriteriaVersion> criteria =
        ParseCriteria(options.criteria);
    if (!criteria.ok()) return criteria.status();
    record.set_criteria_version(*criteria);
  }
  if (!options.products.empty()) {
    record.clear_products();
    for (const std::string& gtin : options.products) {
      absl::StatusOr<std::string> normalized = ParseGtinArgument(gtin);
      if (!normalized.ok()) {
        return absl::InvalidArgumentError(
            absl::StrCat("--product: ", normalized.status().message()));
      }
      record.add_products(*normalized);
    }
  }
  if (record.products().empty()) {
    return absl::InvalidArgumentError(
        "--product: name at least one covered product GTIN");
  }
  if (!options.producer.empty()) record.set_producer_id(options.producer);
  if (record.producer_id().empty()) {
    return absl::InvalidArgumentError("--producer: name the owner producer id");
  }
  if (!options.valid_from.empty()) {
    absl::StatusOr<v1::Date> date =
        ParseDateArgument("--valid-from", options.valid_from);
    if (!date.ok()) return date.status();
    *record.mutable_valid_from() = *date;
  }
  if (!options.valid_until.empty()) {
    absl::StatusOr<v1::Date> date =
        ParseDateArgument("--valid-until", options.valid_until);
    if (!date.ok()) return date.status();
    *record.mutable_valid_until() = *date;
  }
  if (options.demo) record.set_demo(true);
  return record;
}

absl::StatusOr<v1::Certificate> FetchCertificate(Cli& cli,
                                                 const std::string& number,
                                                 const std::string& as_of) {
  absl::StatusOr<Connection*> conn = cli.connection();
  if (!conn.ok()) return conn.status();
  v1::GetCertificateRequest request;
  request.set_number(number);
  if (!as_of.empty()) {
    absl::StatusOr<v1::Date> date = ParseDateArgument("--as-of", as_of);
    if (!date.ok()) return date.status();
    *request.mutable_as_of() = *date;
  }
  return (*conn)->Call((*conn)->certificates(),
                       &v1::Certificates::Stub::GetCertificate, request);
}

absl::Status RunIssue(Cli& cli, const IssueOptions& options, bool renew) {
  std::optional<v1::Certificate> old;
  if (renew) {
    absl::StatusOr<v1::Certificate> fetched =
        FetchCertificate(cli, options.old_number, "");
    if (!fetched.ok()) return fetched.status();
    old = *fetched;
  }
  absl::StatusOr<v1::CertificateRecord> record =
      BuildRecord(options, old ? &old->record() : nullptr);
  if (!record.ok()) return record.status();
  absl::StatusOr<Connection*> conn = cli.connection();
  if (!conn.ok()) return conn.status();
  Connection* connection = *conn;
  EntryToSign entry{"certificate.issued", CertificateSubject(record->number()),
                    record->SerializeAsString(), std::nullopt};
  absl::StatusOr<v1::EntryReceipt> receipt = cli.SignAndSend(
      entry, [connection, renew](const v1::SignedEntry& signed_entry) {
        if (renew) {
          v1::RenewCertificateRequest request;
          *request.mutable_signed_() = signed_entry;
          return connection->Call(connection->certificates(),
                                  &v1::Certificates::Stub::RenewCertificate,
                                  request);
        }
        v1::IssueCertificateRequest request;
        *request.mutable_signed_() = signed_entry;
        return connection->Call(connection->certificates(),
                                &v1::Certificates::Stub::IssueCertificate,
                                request);
      });
  if (!receipt.ok()) return receipt.status();
  cli.PrintReceipt(*receipt);
  return absl::OkStatus();
}

struct RevokeOptions {
  std::string number;
  std::string decision;
  std::string decision_date;
  std::string reason;
  std::string effective_from;
};

absl::Status RunRevoke(Cli& cli, const RevokeOptions& options) {
  v1::CertificateRevocation revocation;
  revocation.set_decision_number(options.decision);
  revocation.set_reason(options.reason);
  if (options.decision_date.empty()) {
    *revocation.mutable_decision_date() = TodayInVietnam(cli.clock().Now());
  } else {
    absl::StatusOr<v1::Date> date =
        ParseDateArgument("--decision-date", options.decision_date);
    if (!date.ok()) return date.status();
    *revocation.mutable_decision_date() = *date;
  }
  if (!options.effective_from.empty()) {
    absl::StatusOr<v1::Date> date =
        ParseDateArgument("--effective-from", options.effective_from);
    if (!date.ok()) return date.status();
    *revocation.mutable_effective_from() = *date;
  }
  absl::StatusOr<Connection*> conn = cli.connection();
  if (!conn.ok()) return conn.status();
  Connection* connection = *conn;
  EntryToSign entry{"certificate.revoked", CertificateSubject(options.number),
                    revocation.SerializeAsString(), std::nullopt};
  absl::StatusOr<v1::EntryReceipt> receipt =
      cli.SignAndSend(entry, [connection](const v1::SignedEntry& signed_entry) {
        v1::RevokeCertificateRequest request;
        *request.mutable_signed_() = signed_entry;
        return connection->Call(connection->certificates(),
                                &v1::Certificates::Stub::RevokeCertificate,
                                request);
      });
  if (!receipt.ok()) return receipt.status();
  cli.PrintReceipt(*receipt);
  return absl::OkStatus();
}

std::string Stars(uint32_t stars) {
  std::string text;
  for (uint32_t i = 0; i < stars; ++i) text += "★";
  return text;
}

std::string Validity(const v1::CertificateRecord& record) {
  return absl::StrCat(record.valid_from().iso_date(), " – ",
                      record.valid_until().iso_date());
}

absl::Status RunGet(Cli& cli, const std::string& number,
                    const std::string& as_of) {
  absl::StatusOr<v1::Certificate> certificate =
      FetchCertificate(cli, number, as_of);
  if (!certificate.ok()) return certificate.status();
  Printer print = cli.printer();
  if (print.json()) {
    print.Json(ProtoToJson(*certificate));
    return absl::OkStatus();
  }
  const v1::CertificateRecord& record = certificate->record();
  const v1::CertificateRevocation& revocation = certificate->revocation();
  print.Text(RenderFields({
      {"number", record.number()},
      {"status", absl::StrCat(StatusWord(certificate->status()), " (as of ",
                              certificate->as_of().iso_date(), ", ",
                              certificate->days_left(), " days left)")},
      {"stars", absl::StrCat(record.stars(), " ", Stars(record.stars()))},
      {"score", absl::StrFormat("%.2f", record.score())},
      {"decision", absl::StrCat(record.decision_number(), " of ",
                                record.decision_date().iso_date())},
      {"issuer", absl::StrCat(record.issuer(), " (",
                              IssuerLevelWord(record.issuer_level()), ")")},
      {"producer", record.producer_id()},
      {"products", absl::StrJoin(record.products(), ", ")},
      {"valid", Validity(record)},
      {"supersedes", record.supersedes()},
      {"superseded by", certificate->superseded_by()},
      {"revoked by", revocation.decision_number().empty()
                         ? ""
                         : absl::StrCat(revocation.decision_number(), " of ",
                                        revocation.decision_date().iso_date(),
                                        ": ", revocation.reason())},
      {"demo", record.demo() ? "yes (placeholder data)" : ""},
  }));
  return absl::OkStatus();
}

struct ListOptions {
  std::string expiring;
  std::string statuses;
  std::string producer;
  std::string gtin;
  std::string as_of;
};

absl::Status RunList(Cli& cli, const ListOptions& options) {
  v1::ListCertificatesRequest request;
  if (!options.expiring.empty()) {
    absl::StatusOr<uint32_t> days = ParseDays(options.expiring);
    if (!days.ok()) return days.status();
    request.set_expiring_within_days(*days);
  }
  if (!options.statuses.empty()) {
    absl::StatusOr<std::vector<v1::CertificateStatus>> statuses =
        ParseStatuses(options.statuses);
    if (!statuses.ok()) return statuses.status();
    for (v1::CertificateStatus status : *statuses) request.add_statuses(status);
  }
  request.set_producer_id(options.producer);
  if (!options.gtin.empty()) {
    absl::StatusOr<std::string> gtin = ParseGtinArgument(options.gtin);
    if (!gtin.ok()) return gtin.status();
    request.set_gtin(*gtin);
  }
  if (!options.as_of.empty()) {
    absl::StatusOr<v1::Date> date = ParseDateArgument("--as-of", options.as_of);
    if (!date.ok()) return date.status();
    *request.mutable_as_of() = *date;
  }
  absl::StatusOr<Connection*> conn = cli.connection();
  if (!conn.ok()) return conn.status();
  v1::ListCertificatesResponse all;
  do {
    absl::StatusOr<v1::ListCertificatesResponse> page =
        (*conn)->Call((*conn)->certificates(),
                      &v1::Certificates::Stub::ListCertificates, request);
    if (!page.ok()) return page.status();
    all.mutable_certificates()->MergeFrom(page->certificates());
    request.mutable_page()->set_page_token(page->next_page_token());
  } while (!request.page().page_token().empty());
  Printer print = cli.printer();
  if (print.json()) {
    print.Json(ProtoToJson(all));
    return absl::OkStatus();
  }
  Table table({"NUMBER", "STARS", "PRODUCER", "PRODUCTS", "VALID", "STATUS",
               "DAYS LEFT"});
  for (const v1::Certificate& certificate : all.certificates()) {
    const v1::CertificateRecord& record = certificate.record();
    table.AddRow({record.number(), Stars(record.stars()), record.producer_id(),
                  absl::StrJoin(record.products(), " "), Validity(record),
                  StatusWord(certificate.status()),
                  std::to_string(certificate.days_left())});
  }
  print.Text(table.Render());
  return absl::OkStatus();
}

void AddIssueFlags(CLI::App* command, IssueOptions& options, bool renew) {
  command
      ->add_option("--number", options.number,
                   "Certificate number as printed, e.g. GCN-OCOP-2024-015")
      ->required();
  command
      ->add_option("--decision", options.decision,
                   "Recognition decision number, e.g. 1234/QĐ-UBND")
      ->required();
  command
      ->add_option("--decision-date", options.decision_date,
                   "Decision date YYYY-MM-DD")
      ->required();
  CLI::Option* issuer = command->add_option(
      "--issuer", options.issuer, "Issuing body, e.g. \"UBND tỉnh Bắc Kạn\"");
  CLI::Option* level = command->add_option("--level", options.level,
                                           "district, provincial or central");
  CLI::Option* stars =
      command->add_option("--stars", options.stars, "3, 4 or 5");
  command->add_option("--score", options.score, "Score out of 100, e.g. 78.5")
      ->required();
  CLI::Option* products = command->add_option(
      "--product", options.products, "Covered product GTIN (repeatable)");
  CLI::Option* producer =
      command->add_option("--producer", options.producer, "Owner producer id");
  if (!renew) {
    issuer->required();
    level->required();
    stars->required();
    products->required();
    producer->required();
  }
  command->add_option("--criteria", options.criteria,
                      "Criteria version: 1048, 148 (default) or 148-2025");
  command->add_option("--valid-from", options.valid_from,
                      "First valid day (default: the decision date)");
  command->add_option("--valid-until", options.valid_until,
                      "Last valid day (default: decision date + 36 months)");
  command->add_flag("--demo", options.demo, "Mark as demo data");
}

}  // namespace

void AddCertificateCommands(CLI::App& app, Cli& cli) {
  CLI::App* cert = app.add_subcommand("cert", "OCOP certificates");
  cert->require_subcommand(1);

  auto issue_options = std::make_shared<IssueOptions>();
  CLI::App* issue = cert->add_subcommand(
      "issue", "Issue a certificate (signed with your certifier key)");
  AddIssueFlags(issue, *issue_options, /*renew=*/false);
  SetAction(issue, cli, [&cli, issue_options] {
    return RunIssue(cli, *issue_options, /*renew=*/false);
  });

  auto renew_options = std::make_shared<IssueOptions>();
  CLI::App* renew = cert->add_subcommand(
      "renew", "Issue a new certificate that supersedes an old one");
  renew
      ->add_option("--old", renew_options->old_number,
                   "Number of the certificate being renewed")
      ->required();
  AddIssueFlags(renew, *renew_options, /*renew=*/true);
  SetAction(renew, cli, [&cli, renew_options] {
    return RunIssue(cli, *renew_options, /*renew=*/true);
  });

  auto revoke_options = std::make_shared<RevokeOptions>();
  CLI::App* revoke = cert->add_subcommand("revoke", "Revoke a certificate");
  revoke->add_option("number", revoke_options->number, "Certificate number")
      ->required();
  revoke
      ->add_option("--decision", revoke_options->decision,
                   "Revocation decision number")
      ->required();
  revoke->add_option("--reason", revoke_options->reason, "Reason, in words")
      ->required();
  revoke->add_option("--decision-date", revoke_options->decision_date,
                     "Decision date YYYY-MM-DD (default today)");
  revoke->add_option("--effective-from", revoke_options->effective_from,
                     "First invalid day (default: the decision date)");
  SetAction(revoke, cli,
            [&cli, revoke_options] { return RunRevoke(cli, *revoke_options); });

  auto get_args = std::make_shared<std::pair<std::string, std::string>>();
  CLI::App* get = cert->add_subcommand("get", "Show a certificate");
  get->add_option("number", get_args->first, "Certificate number")->required();
  get->add_option("--as-of", get_args->second, "Status as of YYYY-MM-DD");
  SetAction(get, cli, [&cli, get_args] {
    return RunGet(cli, get_args->first, get_args->second);
  });

  auto list_options = std::make_shared<ListOptions>();
  CLI::App* list = cert->add_subcommand("list", "List certificates");
  list->add_option("--expiring", list_options->expiring,
                   "Active ones expiring within e.g. 90d");
  list->add_option("--status", list_options->statuses,
                   "Comma list: active,expired,revoked,superseded,"
                   "not-yet-valid");
  list->add_option("--producer", list_options->producer, "Only this producer");
  list->add_option("--gtin", list_options->gtin, "Only those covering GTIN");
  list->add_option("--as-of", list_options->as_of, "Status as of YYYY-MM-DD");
  SetAction(list, cli,
            [&cli, list_options] { return RunList(cli, *list_options); });
}

}  // namespace ocoptrace::client
