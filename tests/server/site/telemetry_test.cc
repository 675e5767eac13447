// trace::ScanStore and trace::ReportStore over the in-memory store, and the
// telemetry key layouts of server/storage/keys.h: summaries, thresholds,
// anomalies (each once), unknown serials, PIN reuse, time-ordered
// listings, sequence numbers across a reopen, report validation.
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/storage/columns.h"
#include "server/storage/keys.h"
#include "server/storage/memory_store.h"
#include "server/trace/reports.h"
#include "server/trace/scans.h"

namespace ocoptrace::trace {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kGtin[] = "08934563123451";
constexpr char kSerial[] = "7K3M9QX2TA";

absl::Time At(int minute) {
  return absl::FromCivil(absl::CivilSecond(2025, 8, 1, 10, minute, 0),
                         absl::FixedTimeZone(7 * 3600));
}

ScanInput Scan(int minute, std::string result, std::string network,
               std::string serial = kSerial) {
  ScanInput scan;
  scan.time = At(minute);
  scan.gtin14 = kGtin;
  scan.lot = "L1";
  scan.serial = std::move(serial);
  scan.result = std::move(result);
  scan.client_network = std::move(network);
  scan.language = "vi";
  return scan;
}

std::vector<ScanAnomalyView> Anomalies(const ScanStore& store) {
  std::vector<ScanAnomalyView> all;
  EXPECT_TRUE(store
                  .ForEachAnomaly(absl::InfinitePast(), absl::InfiniteFuture(),
                                  [&](const ScanAnomalyView& a) {
                                    all.push_back(a);
                                    return true;
                                  })
                  .ok());
  return all;
}

TEST(TelemetryKeysTest, TimeKeysRoundTripAndSortByTime) {
  const std::string a = storage::ScanEventKey(1'700'000'000'000'000, 7);
  const std::string b = storage::ScanEventKey(1'700'000'000'000'001, 2);
  EXPECT_LT(a, b);
  EXPECT_EQ(a.size(), 18u);
  EXPECT_EQ(a.substr(0, 2), "s/");
  auto parts = storage::ParseTelemetryTimeKey(a, storage::kScanEventPrefix);
  ASSERT_TRUE(parts.ok());
  EXPECT_EQ(parts->unix_micros, 1'700'000'000'000'000);
  EXPECT_EQ(parts->sequence, 7u);
  EXPECT_FALSE(
      storage::ParseTelemetryTimeKey(a, storage::kScanAnomalyPrefix).ok());
  EXPECT_FALSE(
      storage::ParseTelemetryTimeKey(a.substr(0, 17), storage::kScanEventPrefix)
          .ok());
  // Negative times are stored as 0.
  EXPECT_EQ(storage::ScanEventKey(-5, 1), storage::ScanEventKey(0, 1));
  EXPECT_EQ(storage::ScanAnomalyKey(1, 1).substr(0, 2), "a/");
  EXPECT_EQ(storage::SuspectReportKey(1, 1).substr(0, 2), "r/");
}

TEST(TelemetryKeysTest, LabelScansAndProductReportKeys) {
  const std::string key = storage::LabelScansKey(kGtin, kSerial);
  EXPECT_EQ(key, std::string("l/08934563123451\0"
                             "7K3M9QX2TA",
                             27));
  auto parts = storage::ParseLabelScansKey(key);
  ASSERT_TRUE(parts.ok());
  EXPECT_EQ(parts->gtin14, kGtin);
  EXPECT_EQ(parts->serial, kSerial);
  EXPECT_TRUE(key.starts_with(storage::LabelScansPrefix(kGtin)));
  EXPECT_TRUE(key.starts_with(storage::LabelScansPrefix("")));
  EXPECT_FALSE(storage::ParseLabelScansKey("l/nozero").ok());
  EXPECT_FALSE(storage::ParseLabelScansKey("x/a\0b").ok());
  const std::string report = storage::ProductReportKey(kGtin, 42, 3);
  EXPECT_TRUE(report.starts_with(storage::ProductReportPrefix(kGtin)));
  auto time = storage::ParseTelemetryTimeKey(
      report, storage::ProductReportPrefix(kGtin));
  ASSERT_TRUE(time.ok());
  EXPECT_EQ(time->unix_micros, 42);
  EXPECT_EQ(time->sequence, 3u);
  // Another GTIN's reports never share the prefix.
  EXPECT_FALSE(storage::ProductReportKey("08934563123468", 42, 3)
                   .starts_with(storage::ProductReportPrefix(kGtin)));
}

TEST(ScanStoreTest, NeverScannedLabelHasAnEmptySummary) {
  storage::MemoryStore memory;
  auto store = ScanStore::Open(&memory);
  ASSERT_TRUE(store.ok());
  auto summary = (*store)->Summary(kGtin, kSerial);
  ASSERT_TRUE(summary.ok());
  EXPECT_EQ(summary->valid_scans, 0u);
  EXPECT_FALSE(summary->first_valid_scan.has_value());
  EXPECT_EQ(summary->serial, kSerial);
}

TEST(ScanStoreTest, SummaryCountsValidScansAndPlaces) {
  storage::MemoryStore memory;
  auto opened = ScanStore::Open(&memory);
  ASSERT_TRUE(opened.ok());
  ScanStore& store = **opened;
  ASSERT_TRUE(store
                  .Record({Scan(1, "genuine", "203.0.113.0/24"),
                           Scan(2, "genuine", "203.0.113.0/24"),
                           Scan(3, "suspicious", "198.51.100.0/24"),
                           Scan(4, "not_genuine", "192.0.2.0/24"),
                           Scan(5, "genuine", "")})
                  .ok());
  auto summary = store.Summary(kGtin, kSerial);
  ASSERT_TRUE(summary.ok());
  EXPECT_EQ(summary->valid_scans, 4u);
  EXPECT_EQ(summary->not_genuine_scans, 1u);
  EXPECT_EQ(summary->first_valid_scan, At(1));
  EXPECT_EQ(summary->last_valid_scan, At(5));
  EXPECT_EQ(summary->last_not_genuine_scan, At(4));
  EXPECT_THAT(summary->networks,
              ElementsAre("203.0.113.0/24", "198.51.100.0/24"));
  EXPECT_EQ(summary->places(), 2u);
  EXPECT_EQ(summary->lot, "L1");
  // The serial is not in Column::kLabels and kGtin is not a registered
  // product in this empty store: not an "unknown serial" of a real GTIN.
  EXPECT_FALSE(summary->unknown_serial);
  EXPECT_TRUE(Anomalies(store).empty());

  // The same numbers after a reopen (no cache).
  auto reopened = ScanStore::Open(&memory);
  ASSERT_TRUE(reopened.ok());
  auto again = (*reopened)->Summary(kGtin, kSerial);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->valid_scans, 4u);
  EXPECT_EQ(again->networks, summary->networks);
}

TEST(ScanStoreTest, ThresholdsRaiseEachAnomalyOnce) {
  storage::MemoryStore memory;
  ScanPolicy policy;
  policy.max_scans = 3;
  policy.max_places = 2;
  auto opened = ScanStore::Open(&memory, policy);
  ASSERT_TRUE(opened.ok());
  ScanStore& store = **opened;
  for (int i = 0; i < 6; ++i) {
    const std::string network = "10.0." + std::to_string(i) + ".0/24";
    ASSERT_TRUE(store.Record({Scan(i, "genuine", network)}).ok());
  }
  const std::vector<ScanAnomalyView> anomalies = Anomalies(store);
  ASSERT_EQ(anomalies.size(), 2u);
  // The third network made three places (> 2) first, at minute 2; the
  // fourth scan made four scans (> 3), at minute 3.
  EXPECT_EQ(anomalies[0].kind, AnomalyKind::kManyPlaces);
  EXPECT_EQ(anomalies[0].time, At(2));
  EXPECT_EQ(anomalies[0].places, 3u);
  EXPECT_EQ(anomalies[0].client_network, "10.0.2.0/24");
  EXPECT_EQ(anomalies[1].kind, AnomalyKind::kManyScans);
  EXPECT_EQ(anomalies[1].time, At(3));
  EXPECT_EQ(anomalies[1].valid_scans, 4u);
  auto summary = store.Summary(kGtin, kSerial);
  ASSERT_TRUE(summary.ok());
  EXPECT_THAT(AnomaliesOf(*summary, policy),
              ElementsAre(AnomalyKind::kManyScans, AnomalyKind::kManyPlaces));
  EXPECT_EQ(AnomalyKindName(AnomalyKind::kManyPlaces), "many_places");
}

TEST(ScanStoreTest, NetworksAreCappedAndMarkedTruncated) {
  storage::MemoryStore memory;
  ScanPolicy policy;
  policy.max_tracked_networks = 2;
  auto opened = ScanStore::Open(&memory, policy);
  ASSERT_TRUE(opened.ok());
  ASSERT_TRUE((*opened)
                  ->Record({Scan(1, "genuine", "a"), Scan(2, "genuine", "b"),
                            Scan(3, "genuine", "c")})
                  .ok());
  auto summary = (*opened)->Summary(kGtin, kSerial);
  ASSERT_TRUE(summary.ok());
  EXPECT_THAT(summary->networks, ElementsAre("a", "b"));
  EXPECT_TRUE(summary->networks_truncated);
}

TEST(ScanStoreTest, UnknownSerialUnderARegisteredGtin) {
  storage::MemoryStore memory;
  // A registered product and one issued label, as the state machine
  // stores them (only existence matters here).
  storage::WriteBatch state;
  state.Put(storage::Column::kState,
            storage::StateRecordKey("product/08934563123451"), "");
  state.Put(storage::Column::kLabels, storage::LabelKey(kGtin, kSerial), "");
  ASSERT_TRUE(memory.Write(state, {}).ok());
  auto opened = ScanStore::Open(&memory);
  ASSERT_TRUE(opened.ok());
  ScanStore& store = **opened;
  ASSERT_TRUE(store
                  .Record({Scan(1, "not_genuine", "n1", "0000000000"),
                           Scan(2, "not_genuine", "n1", "0000000000"),
                           Scan(3, "not_genuine", "n2", kSerial)})
                  .ok());
  auto unknown = store.Summary(kGtin, "0000000000");
  ASSERT_TRUE(unknown.ok());
  EXPECT_TRUE(unknown->unknown_serial);
  EXPECT_EQ(unknown->not_genuine_scans, 2u);
  auto issued = store.Summary(kGtin, kSerial);
  ASSERT_TRUE(issued.ok());
  EXPECT_FALSE(issued->unknown_serial);  // Issued; a forged signature.
  const std::vector<ScanAnomalyView> anomalies = Anomalies(store);
  ASSERT_EQ(anomalies.size(), 1u);
  EXPECT_EQ(anomalies[0].kind, AnomalyKind::kUnknownSerial);
  EXPECT_EQ(anomalies[0].serial, "0000000000");
}

TEST(ScanStoreTest, PinReusesAreCountedAndEachRecorded) {
  storage::MemoryStore memory;
  auto opened = ScanStore::Open(&memory);
  ASSERT_TRUE(opened.ok());
  ScanStore& store = **opened;
  ASSERT_TRUE(store.RecordPinReuse(kGtin, "L1", kSerial, At(7), "n").ok());
  ASSERT_TRUE(store.RecordPinReuse(kGtin, "L1", kSerial, At(9), "").ok());
  auto summary = store.Summary(kGtin, kSerial);
  ASSERT_TRUE(summary.ok());
  EXPECT_EQ(summary->pin_reuses, 2u);
  EXPECT_EQ(summary->last_pin_reuse, At(9));
  const std::vector<ScanAnomalyView> anomalies = Anomalies(store);
  ASSERT_EQ(anomalies.size(), 2u);
  EXPECT_EQ(anomalies[0].kind, AnomalyKind::kPinReused);
  EXPECT_EQ(anomalies[1].pin_reuses, 2u);
}

TEST(ScanStoreTest, ScansAreListedInTimeOrderAndSequencesSurviveAReopen) {
  storage::MemoryStore memory;
  {
    auto opened = ScanStore::Open(&memory);
    ASSERT_TRUE(opened.ok());
    ASSERT_TRUE(
        (*opened)
            ->Record({Scan(5, "genuine", "a"), Scan(1, "none", "b", "")})
            .ok());
  }
  auto opened = ScanStore::Open(&memory);
  ASSERT_TRUE(opened.ok());
  // Same microsecond as a scan before the reopen: a new key all the same.
  ASSERT_TRUE((*opened)->Record({Scan(5, "genuine", "c")}).ok());
  std::vector<ScanView> scans;
  ASSERT_TRUE((*opened)
                  ->ForEachScan(At(0), At(10),
                                [&](const ScanView& s) {
                                  scans.push_back(s);
                                  return true;
                                })
                  .ok());
  ASSERT_EQ(scans.size(), 3u);
  EXPECT_EQ(scans[0].time, At(1));
  EXPECT_EQ(scans[0].result, "none");
  EXPECT_EQ(scans[0].serial, "");
  EXPECT_EQ(scans[1].client_network, "a");
  EXPECT_EQ(scans[2].client_network, "c");
  EXPECT_LT(scans[1].sequence, scans[2].sequence);
  // [from, to) bounds.
  int between = 0;
  ASSERT_TRUE((*opened)
                  ->ForEachScan(At(2), At(5),
                                [&](const ScanView&) {
                                  ++between;
                                  return true;
                                })
                  .ok());
  EXPECT_EQ(between, 0);
  // Summaries of one GTIN.
  int labels = 0;
  ASSERT_TRUE((*opened)
                  ->ForEachLabelSummary(kGtin,
                                        [&](const LabelScanSummary& s) {
                                          EXPECT_EQ(s.valid_scans, 2u);
                                          ++labels;
                                          return true;
                                        })
                  .ok());
  EXPECT_EQ(labels, 1);
}

TEST(ReportStoreTest, StoresAndListsReports) {
  storage::MemoryStore memory;
  auto opened = ReportStore::Open(&memory);
  ASSERT_TRUE(opened.ok());
  ReportStore& reports = **opened;
  SuspectReportInput report;
  report.time = At(3);
  report.gtin14 = kGtin;
  report.lot = "L1";
  report.serial = kSerial;
  report.place = "Chợ Bắc Kạn";
  report.shop = "Quầy số 5";
  report.note = "Tem in mờ, <b>nghi giả</b>";
  report.client_network = "203.0.113.0/24";
  ASSERT_TRUE(reports.Submit(report).ok());
  SuspectReportInput other = report;
  other.gtin14 = "08934563123468";
  other.time = At(1);
  ASSERT_TRUE(reports.Submit(other).ok());

  std::vector<SuspectReportView> all;
  ASSERT_TRUE(reports
                  .ForEachReport(absl::InfinitePast(), absl::InfiniteFuture(),
                                 [&](const SuspectReportView& r) {
                                   all.push_back(r);
                                   return true;
                                 })
                  .ok());
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].report.gtin14, "08934563123468");  // Earlier time first.
  EXPECT_EQ(all[1].report.note, "Tem in mờ, <b>nghi giả</b>");
  EXPECT_EQ(all[1].report.client_network, "203.0.113.0/24");
  EXPECT_EQ(all[1].report.time, At(3));

  std::vector<SuspectReportView> mine;
  ASSERT_TRUE(reports
                  .ForEachProductReport(kGtin, absl::InfinitePast(),
                                        absl::InfiniteFuture(),
                                        [&](const SuspectReportView& r) {
                                          mine.push_back(r);
                                          return true;
                                        })
                  .ok());
  ASSERT_EQ(mine.size(), 1u);
  EXPECT_EQ(mine[0].report.place, "Chợ Bắc Kạn");
  EXPECT_EQ(mine[0].report.shop, "Quầy số 5");
  EXPECT_EQ(mine[0].report.serial, kSerial);
}

TEST(ReportStoreTest, RefusesBadReportsNamingTheField) {
  storage::MemoryStore memory;
  auto opened = ReportStore::Open(&memory);
  ASSERT_TRUE(opened.ok());
  SuspectReportInput report;
  report.time = At(1);
  report.gtin14 = kGtin;
  absl::Status empty = (*opened)->Submit(report);
  EXPECT_TRUE(absl::IsInvalidArgument(empty));
  EXPECT_THAT(empty.message(), HasSubstr("place, shop, note"));
  report.note = std::string(1001, 'x');
  EXPECT_THAT((*opened)->Submit(report).message(),
              HasSubstr("note: 1001 bytes is too long"));
  report.note = "\xC3\x28";
  EXPECT_THAT((*opened)->Submit(report).message(),
              HasSubstr("note: is not valid UTF-8"));
  report.note = "ok";
  report.gtin14 = "";
  EXPECT_THAT((*opened)->Submit(report).message(), HasSubstr("gtin14"));
  int stored = 0;
  ASSERT_TRUE((*opened)
                  ->ForEachReport(absl::InfinitePast(), absl::InfiniteFuture(),
                                  [&](const SuspectReportView&) {
                                    ++stored;
                                    return true;
                                  })
                  .ok());
  EXPECT_EQ(stored, 0);
}

}  // namespace
}  // namespace ocoptrace::trace
