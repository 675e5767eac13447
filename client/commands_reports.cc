// tracectl reports list: what needs an inspector's attention — the
// suspect-label reports consumers sent from scan pages and the scan
// anomalies that made pages warn (Admin.ListReports; role inspector or
// admin).

#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "client/arguments.h"
#include "client/cli.h"
#include "core/timestamp.h"

namespace ocoptrace::client {
namespace {

struct ReportsOptions {
  std::string since = "7d";
  std::string until;
  uint32_t limit = 0;
};

// "--since 7d" (days, weeks "2w", years "1y" before now) or a date
// "2026-11-01" (its start, Vietnam time) or an RFC 3339 time.
absl::StatusOr<absl::Time> ParseSince(std::string_view flag,
                                      std::string_view text, absl::Time now) {
  if (absl::StatusOr<uint32_t> days = ParseDays(text); days.ok()) {
    return now - absl::Hours(24) * static_cast<int64_t>(*days);
  }
  if (text.size() == 10) {
    absl::StatusOr<absl::CivilDay> day = ParseDate(text);
    if (day.ok()) {
      return absl::FromCivil(*day,
                             absl::FixedTimeZone(kVietnamOffsetMinutes * 60));
    }
  }
  absl::StatusOr<Timestamp> time = ParseRfc3339(text);
  if (time.ok()) return ToAbslTime(*time);
  return absl::InvalidArgumentError(absl::StrCat(
      std::string(flag), " '", std::string(text),
      "': give a number of days (7d, 2w, 1y), a date YYYY-MM-DD or an RFC "
      "3339 time"));
}

std::string Label(const std::string& gtin, const std::string& lot,
                  const std::string& serial) {
  std::string text = gtin;
  if (!lot.empty()) absl::StrAppend(&text, "/", lot);
  if (!serial.empty()) absl::StrAppend(&text, " #", serial);
  return text;
}

std::string Product(const std::string& name, const std::string& producer) {
  if (name.empty()) return "(not registered)";
  return producer.empty() ? name : absl::StrCat(name, " (", producer, ")");
}

std::string RenderReports(const v1::ListReportsResponse& list,
                          int32_t offset_minutes) {
  auto at = [offset_minutes](int64_t unix_seconds) {
    return FormatRfc3339(TimestampAt(absl::FromUnixSeconds(unix_seconds),
                                     offset_minutes))
        .substr(0, 16);
  };
  std::string text =
      absl::StrCat("From ", at(list.since_unix_seconds()), " to ",
                   at(list.until_unix_seconds()), " (Vietnam time)\n\n");
  absl::StrAppend(&text, "Suspect-label reports from consumers: ",
                  list.reports_size(),
                  list.reports_truncated() ? " (the newest; more were filed)"
                                           : "",
                  "\n");
  if (list.reports_size() > 0) {
    Table table({"FILED", "PRODUCT", "LABEL", "PLACE", "SHOP", "NOTE"}, 40);
    for (const v1::SuspectLabelReport& report : list.reports()) {
      table.AddRow({report.time().substr(0, 16),
                    Product(report.product_name(), report.producer_id()),
                    Label(report.gtin(), report.lot(), report.serial()),
                    report.place(), report.shop(), report.note()});
    }
    absl::StrAppend(&text, table.Render());
  }
  absl::StrAppend(&text, "\nScan anomalies: ", list.anomalies_size(),
                  list.anomalies_truncated() ? " (the newest; more were found)"
                                             : "",
                  "\n");
  if (list.anomalies_size() > 0) {
    Table table({"FOUND", "KIND", "PRODUCT", "LABEL", "SCANS", "PLACES", "WHY"},
                60);
    for (const v1::ScanAnomalyReport& anomaly : list.anomalies()) {
      table.AddRow({anomaly.time().substr(0, 16), anomaly.kind(),
                    Product(anomaly.product_name(), anomaly.producer_id()),
                    Label(anomaly.gtin(), anomaly.lot(), anomaly.serial()),
                    std::to_string(anomaly.valid_scans()),
                    std::to_string(anomaly.places()), anomaly.explanation()});
    }
    absl::StrAppend(&text, table.Render());
  }
  if (list.reports_size() + list.anomalies_size() > 0) {
    absl::StrAppend(
        &text,
        "\nCheck a label on the spot (works offline after `tracectl trust "
        "sync`):\n  tracectl verify --url URL   or   tracectl verify --image "
        "PHOTO.jpg\n");
  }
  return text;
}

absl::Status RunReportsList(Cli& cli, const ReportsOptions& options) {
  const absl::Time now = cli.clock().Now();
  v1::ListReportsRequest request;
  absl::Time until = now;
  if (!options.until.empty()) {
    absl::StatusOr<absl::Time> parsed =
        ParseSince("--until", options.until, now);
    if (!parsed.ok()) return parsed.status();
    until = *parsed;
    request.set_until_unix_seconds(absl::ToUnixSeconds(until));
  }
  absl::StatusOr<absl::Time> since = ParseSince("--since", options.since, now);
  if (!since.ok()) return since.status();
  if (*since > until) {
    return absl::InvalidArgumentError(
        "--since: the window starts after it ends; give an earlier --since");
  }
  request.set_since_unix_seconds(absl::ToUnixSeconds(*since));
  request.set_limit(options.limit);
  absl::StatusOr<Connection*> conn = cli.connection();
  if (!conn.ok()) return conn.status();
  absl::StatusOr<v1::ListReportsResponse> list = (*conn)->Call(
      (*conn)->admin(), &v1::Admin::Stub::ListReports, request);
  if (!list.ok()) return list.status();
  Printer print = cli.printer();
  if (print.json()) {
    print.Json(ProtoToJson(*list));
  } else {
    print.Text(RenderReports(*list, kVietnamOffsetMinutes));
  }
  return absl::OkStatus();
}

}  // namespace

void AddReportsCommands(CLI::App& app, Cli& cli) {
  CLI::App* reports = app.add_subcommand(
      "reports",
      "Suspect-label reports and scan anomalies (role inspector or admin)");
  reports->require_subcommand(1);
  auto options = std::make_shared<ReportsOptions>();
  CLI::App* list = reports->add_subcommand(
      "list", "Reports and anomalies of a window, newest first");
  list->add_option("--since", options->since,
                   "Start: 7d (default), 2w, 1y before now, a date "
                   "YYYY-MM-DD or an RFC 3339 time");
  list->add_option("--until", options->until,
                   "End (default now), same forms as --since");
  list->add_option("--limit", options->limit,
                   "At most this many of each, the newest (default 500)");
  SetAction(list, cli,
            [&cli, options] { return RunReportsList(cli, *options); });
}

}  // namespace ocoptrace::client
