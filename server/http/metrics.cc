#include "server/http/metrics.h"

#include <string_view>

#include "absl/strings/str_cat.h"

namespace ocoptrace::http {
namespace {

class Exposition {
 public:
  // A metric family with one unlabelled sample.
  void Add(std::string_view name, std::string_view type, std::string_view help,
           uint64_t value) {
    Family(name, type, help);
    absl::StrAppend(&out_, "ocoptrace_", std::string(name), " ", value, "\n");
  }
  // The header of a family whose samples follow via Sample().
  void Family(std::string_view name, std::string_view type,
              std::string_view help) {
    absl::StrAppend(&out_, "# HELP ocoptrace_", std::string(name), " ",
                    std::string(help), "\n# TYPE ocoptrace_", std::string(name),
                    " ", std::string(type), "\n");
  }
  void Sample(std::string_view name, std::string_view label,
              std::string_view label_value, uint64_t value) {
    absl::StrAppend(&out_, "ocoptrace_", std::string(name), "{",
                    std::string(label), "=\"", std::string(label_value), "\"} ",
                    value, "\n");
  }
  std::string Take() { return std::move(out_); }

 private:
  std::string out_;
};

}  // namespace

std::string RenderPrometheus(const MetricsSnapshot& s) {
  Exposition e;
  e.Add("http_connections_accepted_total", "counter",
        "TCP connections accepted by the HTTP server.",
        s.http_connections_accepted);
  e.Add("http_requests_total", "counter", "HTTP requests received.",
        s.http_requests);
  e.Family("http_responses_total", "counter",
           "HTTP responses by status class.");
  e.Sample("http_responses_total", "class", "2xx", s.http_responses_2xx);
  e.Sample("http_responses_total", "class", "3xx", s.http_responses_3xx);
  e.Sample("http_responses_total", "class", "4xx", s.http_responses_4xx);
  e.Sample("http_responses_total", "class", "5xx", s.http_responses_5xx);
  e.Add("http_rejected_requests_total", "counter",
        "Requests refused while parsing (400, 413, 414, 431).",
        s.http_rejected_requests);
  e.Add("ledger_entries", "gauge", "Durable entries in the log.",
        s.ledger_entries);
  e.Add("ledger_checkpoint_size", "gauge",
        "Tree size of the latest signed checkpoint.", s.ledger_checkpoint_size);
  e.Add("ledger_healthy", "gauge",
        "1 while the ledger accepts writes, 0 after a storage failure.",
        s.ledger_healthy ? 1 : 0);
  e.Family("pages_total", "counter", "Consumer pages served, by verdict.");
  e.Sample("pages_total", "verdict", "genuine", s.pages_genuine);
  e.Sample("pages_total", "verdict", "suspicious", s.pages_suspicious);
  e.Sample("pages_total", "verdict", "not_genuine", s.pages_not_genuine);
  e.Sample("pages_total", "verdict", "none", s.pages_info);
  e.Add("scans_recorded_total", "counter", "Scans queued for recording.",
        s.scans_recorded);
  e.Add("scans_dropped_total", "counter",
        "Scans dropped because the recording queue was full.", s.scans_dropped);
  e.Add("scans_written_total", "counter", "Scans written to storage.",
        s.scans_written);
  e.Add("scans_failed_total", "counter", "Scans lost to storage errors.",
        s.scans_failed);
  return e.Take();
}

}  // namespace ocoptrace::http
