// /metrics: the service's counters in the Prometheus text exposition
// format (version 0.0.4), rendered from a plain snapshot struct so that the
// renderer has no dependencies and the collection (site.h) is explicit.
//
// Thread-safety: plain values and a pure function.

#ifndef OCOPTRACE_SERVER_HTTP_METRICS_H_
#define OCOPTRACE_SERVER_HTTP_METRICS_H_

#include <cstdint>
#include <string>

namespace ocoptrace::http {

struct MetricsSnapshot {
  // HTTP server (HttpServerStats).
  uint64_t http_connections_accepted = 0;
  uint64_t http_requests = 0;
  uint64_t http_responses_2xx = 0;
  uint64_t http_responses_3xx = 0;
  uint64_t http_responses_4xx = 0;
  uint64_t http_responses_5xx = 0;
  uint64_t http_rejected_requests = 0;
  // Ledger.
  uint64_t ledger_entries = 0;
  uint64_t ledger_checkpoint_size = 0;
  bool ledger_healthy = true;
  // Consumer pages by verdict.
  uint64_t pages_genuine = 0;
  uint64_t pages_suspicious = 0;
  uint64_t pages_not_genuine = 0;
  uint64_t pages_info = 0;  // Product and batch pages.
  // Scan recording queue.
  uint64_t scans_recorded = 0;
  uint64_t scans_dropped = 0;
  uint64_t scans_written = 0;
  uint64_t scans_failed = 0;
};

// The exposition text: one "# HELP", "# TYPE" and sample line per metric,
// names prefixed "ocoptrace_", counters suffixed "_total".
std::string RenderPrometheus(const MetricsSnapshot& snapshot);

}  // namespace ocoptrace::http

#endif  // OCOPTRACE_SERVER_HTTP_METRICS_H_
