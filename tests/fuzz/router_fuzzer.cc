// libFuzzer target: the whole HTTP side (router, resolver, pages, forms,
// verifier endpoints over a real in-memory ledger) fed arbitrary requests.
// Input: a first line "METHOD TARGET", then "name: value" header lines up
// to an empty line, then the body. Checks: exactly one response, a valid
// status, HTML that is valid UTF-8 and never contains "<script" (every
// string that reaches a page is escaped, and the pages have no scripts).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "server/http/html.h"
#include "server/http/site.h"
#include "server/storage/memory_store.h"
#include "tests/server/http/fake_catalog.h"
#include "tests/server/ledger/ledger_test_util.h"

namespace {

using namespace ocoptrace;        // NOLINT: a test driver.
using namespace ocoptrace::http;  // NOLINT

void Check(bool condition) {
  if (!condition) __builtin_trap();
}

class InstantPins : public PinChecker {
 public:
  void CheckPin(
      const LabelId&, const std::string& pin,
      std::function<void(absl::StatusOr<PinCheckResult>)> done) override {
    PinCheckResult result;
    result.outcome = pin.back() == '7'
                         ? PinCheckResult::Outcome::kAlreadyChecked
                         : PinCheckResult::Outcome::kFirstCheck;
    done(result);
  }
};

class InstantReports : public SuspectReportSink {
 public:
  void Submit(SuspectReport, std::function<void(absl::Status)> done) override {
    done(absl::OkStatus());
  }
};

class NullRecorder : public ScanRecorder {
 public:
  void Record(ScanRecord) override {}
};

class FixedKeys : public PublicKeySource {
 public:
  PublishedKeys Keys() const override {
    return {"log+00000000+AQ", {}, {}, {}};
  }
};

struct World {
  World() {
    keys.Add(actor.verifier());
    ledger::LedgerOptions options;
    options.checkpoint_interval = absl::ZeroDuration();
    ledger = std::move(
        *ledger::Ledger::Open(&store, &keys, log_key, &clock, options));
    for (int i = 0; i < 300; ++i) {
      const std::string body = absl::StrCat("body ", i);
      const std::string entry = actor.NextEntry("batch/1", body);
      if (ledger->Append(entry, body).ok()) actor.Accept("batch/1", entry);
    }
    (void)ledger->CheckpointNow();
    catalog.product().product_name = "<script>alert(1)</script> Trà";
    SiteDeps deps;
    deps.resolver_data = &catalog;
    deps.page_data = &catalog;
    deps.scans = &recorder;
    deps.pins = &pins;
    deps.reports = &reports;
    deps.ledger = ledger.get();
    deps.keys = &published;
    deps.clock = &clock;
    site = std::make_unique<Site>(deps, SiteOptions{});
  }
  storage::MemoryStore store;
  ledger::StaticKeyResolver keys;
  FakeClock clock{absl::FromUnixSeconds(1754017200)};
  NoteSigner log_key = ledger::testing::TestLogKey();
  ledger::testing::TestActor actor{"fuzz.producer"};
  std::unique_ptr<ledger::Ledger> ledger;
  testing::FakeCatalog catalog;
  NullRecorder recorder;
  InstantPins pins;
  InstantReports reports;
  FixedKeys published;
  std::unique_ptr<Site> site;
};

std::string_view NextLine(std::string_view& rest) {
  const size_t nl = rest.find('\n');
  std::string_view line = rest.substr(0, nl);
  rest =
      nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static World* world = new World();
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  Request request;
  std::string_view first = NextLine(rest);
  const size_t space = first.find(' ');
  request.method = std::string(first.substr(0, space));
  request.target = space == std::string_view::npos
                       ? "/"
                       : std::string(first.substr(space + 1));
  if (request.target.empty() || request.target[0] != '/')
    request.target.insert(0, "/");
  const size_t q = request.target.find('?');
  request.path = request.target.substr(0, q);
  request.query = q == std::string::npos ? "" : request.target.substr(q + 1);
  while (!rest.empty()) {
    std::string_view line = NextLine(rest);
    if (line.empty()) break;
    const size_t colon = line.find(':');
    std::string name(line.substr(0, colon));
    for (char& c : name)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string_view value =
        colon == std::string_view::npos ? "" : line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    request.headers.emplace_back(std::move(name), std::string(value));
  }
  request.body = std::string(rest);
  request.remote_address = "198.51.100.7";

  int answers = 0;
  Response response;
  world->site->Handle(std::move(request), [&](Response r) {
    response = std::move(r);
    ++answers;
  });
  Check(answers == 1);
  Check(response.status >= 200 && response.status <= 599);
  if (response.content_type.starts_with("text/html")) {
    Check(IsValidUtf8(response.body));
    std::string lower = response.body;
    for (char& c : lower)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    Check(lower.find("<script") == std::string::npos);
  }
  return 0;
}
