// tracectl stats: the province's OCOP statistics (Admin.GetStats), the
// figures the provincial office reports: products by stars today, by group
// and by commune, producers by legal form, certificates, batches, labels,
// scans, anomalies and suspect-label reports.

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "client/cli.h"

namespace ocoptrace::client {
namespace {

std::string Count(uint64_t n) { return std::to_string(n); }

std::string BucketTable(
    const google::protobuf::RepeatedPtrField<v1::StatsBucket>& buckets,
    const char* what, bool with_certified) {
  std::vector<std::string> headers = {what, "KEY", "COUNT"};
  if (with_certified) headers.push_back("CERTIFIED TODAY");
  Table table(headers, /*max_cell_width=*/56);
  for (const v1::StatsBucket& bucket : buckets) {
    std::vector<std::string> row = {bucket.name(), bucket.key(),
                                    Count(bucket.count())};
    if (with_certified) row.push_back(Count(bucket.certified()));
    table.AddRow(std::move(row));
  }
  return table.Render();
}

// The figures for people: a few "name: value" blocks and the breakdowns.
std::string RenderStats(const v1::ProvinceStats& stats) {
  std::string text = absl::StrCat(
      "OCOP statistics as of ", stats.today().iso_date(), " (computed ",
      stats.computed_at(), "; ", stats.log_entries(), " log entries)\n\n");
  absl::StrAppend(
      &text,
      RenderFields({
          {"products", Count(stats.products())},
          {"certified today",
           absl::StrCat(stats.products_certified(), " (5★ ",
                        stats.products_5_stars(), ", 4★ ",
                        stats.products_4_stars(), ", 3★ ",
                        stats.products_3_stars(), ")")},
          {"with traceability",
           absl::StrCat(stats.products_with_traceability(),
                        " (at least one batch with recorded events)")},
          {"demo records", Count(stats.demo_products())},
          {"producers", Count(stats.producers())},
          {"certificates",
           absl::StrCat(stats.certificates(), " (active ",
                        stats.certificates_active(), ", expired ",
                        stats.certificates_expired(), ", revoked ",
                        stats.certificates_revoked(), ", superseded ",
                        stats.certificates_superseded(), ", not yet valid ",
                        stats.certificates_not_yet_valid(), ")")},
          {"expiring in 90 days",
           absl::StrCat(stats.certificates_expiring_90_days(),
                        " (tracectl cert list --expiring 90d)")},
          {"batches", absl::StrCat(stats.batches(), " (",
                                   stats.batches_with_events(),
                                   " with events)")},
          {"labels", absl::StrCat(stats.labels_issued(), " issued, ",
                                  stats.labels_voided(), " voided")},
          {"scans", absl::StrCat(stats.scans(), " (", stats.scans_last_30_days(),
                                 " in the last 30 days; label verdicts: ",
                                 stats.scans_genuine(), " genuine, ",
                                 stats.scans_suspicious(), " suspicious, ",
                                 stats.scans_not_genuine(), " not genuine)")},
          {"anomalies", absl::StrCat(stats.anomalies(), " (",
                                     stats.anomalies_last_30_days(),
                                     " in the last 30 days)")},
          {"suspect reports",
           absl::StrCat(stats.suspect_reports(), " (",
                        stats.suspect_reports_last_30_days(),
                        " in the last 30 days; tracectl reports list)")},
      }));
  absl::StrAppend(&text, "\nProducts by OCOP group\n",
                  BucketTable(stats.products_by_group(), "GROUP", true));
  absl::StrAppend(&text, "\nProducts by commune or ward (today's units)\n",
                  BucketTable(stats.products_by_commune(), "UNIT", true));
  absl::StrAppend(
      &text, "\nProducers by legal form\n",
      BucketTable(stats.producers_by_legal_form(), "LEGAL FORM", false));
  absl::StrAppend(&text, "\nScan anomalies by kind\n",
                  BucketTable(stats.anomalies_by_kind(), "ANOMALY", false));
  return text;
}

absl::Status RunStats(Cli& cli) {
  absl::StatusOr<Connection*> conn = cli.connection();
  if (!conn.ok()) return conn.status();
  absl::StatusOr<v1::ProvinceStats> stats =
      (*conn)->Call((*conn)->admin(), &v1::Admin::Stub::GetStats,
                    v1::GetStatsRequest());
  if (!stats.ok()) return stats.status();
  Printer print = cli.printer();
  if (print.json()) {
    print.Json(ProtoToJson(*stats));
  } else {
    print.Text(RenderStats(*stats));
  }
  return absl::OkStatus();
}

}  // namespace

void AddStatsCommands(CLI::App& app, Cli& cli) {
  CLI::App* stats = app.add_subcommand(
      "stats",
      "Province statistics: products by stars today, group and commune; "
      "producers; certificates; batches, labels, scans, anomalies, reports");
  SetAction(stats, cli, [&cli] { return RunStats(cli); });
}

}  // namespace ocoptrace::client
