// Events planned per second by PlanCapture (validation, hash IDs, mapping)
// over the synthetic 10 000-event document of epcis/synthetic_document.h,
// beside the hash IDs alone. Prints medians of 5 runs. The capture into the
// ledger (signing and durable appends) is measured once the capture is
// wired into traced.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "epcis/capture.h"
#include "epcis/event_hash.h"
#include "epcis/synthetic_document.h"

namespace {

using Clock = std::chrono::steady_clock;

template <typename F>
double MedianSeconds(F&& run) {
  std::vector<double> times;
  for (int i = 0; i < 5; ++i) {
    auto start = Clock::now();
    run();
    times.push_back(
        std::chrono::duration<double>(Clock::now() - start).count());
  }
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  const size_t events = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 10000;
  const nlohmann::json document =
      ocoptrace::epcis::SyntheticEpcisDocument(events);
  const std::string text = document.dump();
  ocoptrace::epcis::CaptureContext context;
  context.product_known = [](const std::string&) { return true; };
  context.batch_known = [](const ocoptrace::v1::BatchRef&) { return false; };
  context.may_create_batches = true;
  size_t planned = 0;
  const double plan = MedianSeconds([&] {
    auto result = ocoptrace::epcis::PlanCaptureText(text, context);
    if (!result.ok() || !result->problems.empty()) std::abort();
    planned = result->events.size();
  });
  const double hashes = MedianSeconds([&] {
    auto ids = ocoptrace::epcis::DocumentEventHashIds(document);
    if (!ids.ok()) std::abort();
  });
  std::printf("document: %zu events, %zu bytes\n", events, text.size());
  std::printf(
      "PlanCaptureText (parse+validate+hash+map): %.3f s median, "
      "%.0f events/s (%zu planned)\n",
      plan, events / plan, planned);
  std::printf(
      "DocumentEventHashIds alone:                %.3f s median, "
      "%.0f events/s (%.0f%% of planning)\n",
      hashes, events / hashes, 100.0 * hashes / plan);
  return 0;
}
