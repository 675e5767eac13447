#include "server/site/stats_json.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/json_util.h"

namespace ocoptrace::site {

http::Response StatsJsonResponse(
    const absl::StatusOr<ocoptrace::v1::ProvinceStats>& stats) {
  http::Response response;
  response.AddHeader("Access-Control-Allow-Origin", "*");
  if (!stats.ok()) {
    response.status = 500;
    response.AddHeader("Cache-Control", "no-store");
    response.body = absl::StrCat("statistics are not available: ",
                                 std::string(stats.status().message()), "\n");
    return response;
  }
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.always_print_primitive_fields = true;
  options.preserve_proto_field_names = true;
  std::string json;
  auto printed =
      google::protobuf::util::MessageToJsonString(*stats, &json, options);
  if (!printed.ok()) {
    response.status = 500;
    response.AddHeader("Cache-Control", "no-store");
    response.body = "statistics could not be written as JSON\n";
    return response;
  }
  response.content_type = "application/json";
  response.AddHeader("Cache-Control", "public, max-age=5");
  response.body = std::move(json);
  return response;
}

http::Handler StatsJsonHandler(trace::OfficerReads* stats,
                               BlockingWorker* worker) {
  return [stats, worker](http::Request request, http::Respond respond) {
    (void)request;
    if (std::optional<ocoptrace::v1::ProvinceStats> fresh =
            stats->FreshStats()) {
      respond(StatsJsonResponse(*fresh));
      return;
    }
    // Recompute off the event loop; `respond` may be called from any thread.
    auto task = [stats, respond] {
      respond(StatsJsonResponse(stats->Stats()));
    };
    if (!worker->Post(task)) {
      http::Response busy;
      busy.status = 503;
      busy.AddHeader("Retry-After", "1");
      busy.AddHeader("Cache-Control", "no-store");
      busy.body = "busy: try again in a second\n";
      respond(std::move(busy));
    }
  };
}

}  // namespace ocoptrace::site
