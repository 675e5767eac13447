// GET /stats.json: the province's statistics (trace::OfficerReads, the same
// figures as Admin.GetStats and `tracectl stats`) as public JSON for
// dashboards: counts only, nothing about a person, a shop or a network.
// The body is the ocoptrace.v1.ProvinceStats message in protobuf's JSON
// mapping with the proto field names and every field present (zeros too),
// e.g. {"computed_at": "2026-11-29T18:49:06+07:00", "products": "30", ...}
// (64-bit counts are strings, as that mapping writes them).
//
// Thread-safety: the handler may be called from every event loop at once.
// It never blocks one: fresh figures are answered at once, stale ones are
// recomputed on the site's BlockingWorker (503 when its queue is full).

#ifndef OCOPTRACE_SERVER_SITE_STATS_JSON_H_
#define OCOPTRACE_SERVER_SITE_STATS_JSON_H_

#include <string_view>

#include "absl/status/statusor.h"
#include "ocoptrace/v1/admin.pb.h"
#include "server/http/http_server.h"
#include "server/site/blocking_worker.h"
#include "server/trace/stats.h"

namespace ocoptrace::site {

inline constexpr std::string_view kStatsJsonPath = "/stats.json";

// The response for `stats`: 200 with the JSON (Cache-Control: public,
// max-age=5; CORS open), or 500 with the error's message for a failed
// computation.
http::Response StatsJsonResponse(
    const absl::StatusOr<ocoptrace::v1::ProvinceStats>& stats);

// The GET handler of kStatsJsonPath. `stats` and `worker` must outlive it.
http::Handler StatsJsonHandler(trace::OfficerReads* stats,
                               BlockingWorker* worker);

}  // namespace ocoptrace::site

#endif  // OCOPTRACE_SERVER_SITE_STATS_JSON_H_
