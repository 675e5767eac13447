// Unit tests of tracectl labels without a server: the progress renderer,
// the checks made before anything is issued (flags, layout, QR fit,
// outputs), reading an IssueLabels stream (with a fake reader), the
// issuance file, serial lists for `labels void`, and the command line's
// usage errors.

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "client/cli.h"
#include "client/label_issue.h"
#include "client/progress.h"
#include "core/label_payload.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "labelgen/qr.h"

namespace ocoptrace::client {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr char kGtin[] = "08934563123451";

// --- Progress -------------------------------------------------------------

TEST(ProgressBarTest, RendersPhaseBarPercentAndCounts) {
  EXPECT_EQ(RenderProgressBar("receiving", 25, 100, "labels", 20),
            "receiving  [#####...............]  25%  25/100 labels");
  EXPECT_EQ(RenderProgressBar("rendering", 0, 417, "pages", 10),
            "rendering  [..........]   0%  0/417 pages");
  EXPECT_EQ(RenderProgressBar("rendering", 417, 417, "pages", 10),
            "rendering  [##########] 100%  417/417 pages");
}

TEST(ProgressBarTest, ClampsAndHandlesEmptyTotals) {
  EXPECT_EQ(RenderProgressBar("x", 150, 100, "labels", 4),
            "x          [####] 100%  100/100 labels");
  EXPECT_EQ(RenderProgressBar("x", 0, 0, "labels", 4),
            "x          [####] 100%  0/0 labels");
  EXPECT_EQ(ProgressPercent(999, 1000), 99);
  EXPECT_EQ(ProgressPercent(1000, 1000), 100);
  EXPECT_EQ(ProgressPercent(0, 0), 100);
  EXPECT_EQ(ProgressPercent(UINT64_MAX - 1, UINT64_MAX), 99);
}

TEST(ProgressStyleTest, TerminalBarPlainLinesOrNothing) {
  EXPECT_EQ(ChooseProgressStyle(false, true, 5000, 1000), ProgressStyle::kBar);
  EXPECT_EQ(ChooseProgressStyle(false, false, 5000, 1000),
            ProgressStyle::kPlain);
  EXPECT_EQ(ChooseProgressStyle(false, true, 999, 1000), ProgressStyle::kNone);
  EXPECT_EQ(ChooseProgressStyle(false, false, 25, 1000), ProgressStyle::kNone);
  // --progress forces the bar, also for few labels and without a terminal.
  EXPECT_EQ(ChooseProgressStyle(true, false, 25, 1000), ProgressStyle::kBar);
  std::ostringstream not_a_terminal;
  EXPECT_FALSE(IsTerminalStderr(not_a_terminal));
}

TEST(ProgressMeterTest, PlainStylePrintsOneLinePerTenPercent) {
  std::ostringstream out;
  {
    ProgressMeter meter(out, ProgressStyle::kPlain);
    meter.Start("receiving", 1000, "labels");
    for (int done = 1; done <= 1000; ++done) meter.Update(done);
  }
  const std::string text = out.str();
  EXPECT_EQ(text.find('\r'), std::string::npos);
  EXPECT_THAT(text, StartsWith("tracectl: receiving: 0% (0/1000 labels)\n"
                               "tracectl: receiving: 10% (100/1000 labels)\n"));
  EXPECT_THAT(text,
              HasSubstr("tracectl: receiving: 100% (1000/1000 labels)\n"));
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 11);
}

TEST(ProgressMeterTest, BarRedrawsInPlaceOnlyWhenThePercentMoves) {
  std::ostringstream out;
  ProgressMeter meter(out, ProgressStyle::kBar);
  meter.Start("rendering", 20000, "labels");
  for (int done = 1; done <= 20000; ++done) meter.Update(done);
  meter.Finish();
  const std::string text = out.str();
  // 0 %, 1 % ... 100 %: 101 draws, not 20 000.
  EXPECT_EQ(std::count(text.begin(), text.end(), '\r'), 101);
  EXPECT_THAT(text, HasSubstr("\rrendering  [##########..........]  50%  "
                              "10000/20000 labels"));
  EXPECT_EQ(text.back(), '\n');
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 1);
}

TEST(ProgressMeterTest, NewPhaseFinishesTheOldOneAndNotesEndTheLine) {
  std::ostringstream out;
  ProgressMeter meter(out, ProgressStyle::kBar);
  meter.Note("issuing 3 labels on the server...");
  meter.Start("receiving", 3, "labels");
  meter.Update(3);
  meter.Start("rendering", 1, "pages");
  meter.Update(1);
  meter.Finish();
  meter.Finish();  // A second Finish does nothing.
  EXPECT_EQ(out.str(),
            "tracectl: issuing 3 labels on the server...\n"
            "\rreceiving  [....................]   0%  0/3 labels"
            "\rreceiving  [####################] 100%  3/3 labels\n"
            "\rrendering  [....................]   0%  0/1 pages"
            "\rrendering  [####################] 100%  1/1 pages\n");
}

TEST(ProgressMeterTest, NoneStyleWritesNothing) {
  std::ostringstream out;
  ProgressMeter meter(out, ProgressStyle::kNone);
  meter.Note("issuing");
  meter.Start("receiving", 10, "labels");
  meter.Update(10);
  meter.Finish();
  EXPECT_EQ(out.str(), "");
}

// --- Planning -------------------------------------------------------------

class PlanTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           absl::StrCat(
               "labels-plan-", ::getpid(), "-",
               ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    request_.batch = "8934563123451/L2024A";
    request_.count = 25;
    request_.out = (dir_ / "labels.pdf").string();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::filesystem::path dir_;
  LabelIssueRequest request_;
};

TEST_F(PlanTest, DefaultsArePdfOnA4WithIssuanceFileBesideTheOutput) {
  absl::StatusOr<LabelIssuePlan> plan = PlanLabelIssue(request_);
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_EQ(plan->batch.gtin(), kGtin);
  EXPECT_EQ(plan->batch.lot(), "L2024A");
  EXPECT_EQ(plan->count, 25u);
  EXPECT_EQ(plan->format, LabelFormat::kPdf);
  EXPECT_EQ(plan->layout.name, "a4-3x8");
  EXPECT_EQ(plan->layout.ec, labelgen::EcLevel::kM);
  EXPECT_DOUBLE_EQ(plan->layout.module_mm, 0.5);
  EXPECT_FALSE(plan->out_is_directory);
  EXPECT_EQ(plan->issuance_out, (dir_ / "labels.pdf.issuance.jsonl").string());
  // 20-character host at M: version 8, 49 modules (docs/labels.md).
  EXPECT_EQ(plan->qr_width_modules, 49);
}

TEST_F(PlanTest, FlagsOverrideTheLayout) {
  request_.format = "PNG";
  request_.out = (dir_ / "png/").string();
  request_.ec = "q";
  request_.module_mm = 0.4;
  request_.layout = "roll-60x40";
  absl::StatusOr<LabelIssuePlan> plan = PlanLabelIssue(request_);
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_EQ(plan->format, LabelFormat::kPng);
  EXPECT_EQ(plan->layout.ec, labelgen::EcLevel::kQ);
  EXPECT_DOUBLE_EQ(plan->layout.module_mm, 0.4);
  EXPECT_TRUE(plan->out_is_directory);
  EXPECT_EQ(plan->out, (dir_ / "png").string());
  EXPECT_EQ(plan->issuance_out, (dir_ / "png.issuance.jsonl").string());
  // One PNG label is one file, as with labelgen.
  request_.count = 1;
  request_.out = (dir_ / "label.png").string();
  plan = PlanLabelIssue(request_);
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_FALSE(plan->out_is_directory);
}

TEST_F(PlanTest, RepresentativeUrlHasTheServersShape) {
  const std::string url = RepresentativeLabelUrl(kGtin, "L2024/A");
  absl::StatusOr<LabelClaim> claim = ParseLabelUrl(url);
  ASSERT_TRUE(claim.ok()) << claim.status() << " " << url;
  EXPECT_EQ(claim->gtin14, kGtin);
  EXPECT_EQ(claim->lot, "L2024/A");
  EXPECT_EQ(claim->serial, "0123456789");
  EXPECT_EQ(claim->link.scheme_host.size(),
            std::string("https://").size() + kAssumedResolverHostLength);
  ASSERT_NE(url.find("?s="), std::string::npos);
  EXPECT_EQ(url.size() - url.find("?s=") - 3, 155u);
}

TEST_F(PlanTest, BadFlagsNameTheFlag) {
  LabelIssueRequest bad = request_;
  bad.batch = "8934563123452/L1";
  EXPECT_THAT(std::string(PlanLabelIssue(bad).status().message()),
              StartsWith("--batch: GTIN"));
  bad = request_;
  bad.batch = "8934563123451/Lô1";
  EXPECT_THAT(std::string(PlanLabelIssue(bad).status().message()),
              StartsWith("--batch: lot (AI 10)"));
  bad = request_;
  bad.count = -3;
  EXPECT_THAT(std::string(PlanLabelIssue(bad).status().message()),
              StartsWith("--count -3"));
  bad = request_;
  bad.format = "jpeg";
  EXPECT_THAT(std::string(PlanLabelIssue(bad).status().message()),
              StartsWith("--format: 'jpeg' is not an output format"));
  bad = request_;
  bad.ec = "X";
  EXPECT_THAT(std::string(PlanLabelIssue(bad).status().message()),
              StartsWith("--ec: "));
  bad = request_;
  bad.layout = "a3-9x9";
  EXPECT_THAT(std::string(PlanLabelIssue(bad).status().message()),
              StartsWith("--layout: "));
  bad = request_;
  bad.format = "png";
  bad.pixels_per_module = 0;
  EXPECT_THAT(std::string(PlanLabelIssue(bad).status().message()),
              StartsWith("--ppm 0"));
  bad = request_;
  bad.format = "zpl";
  bad.dpi = 100;
  absl::Status zpl = PlanLabelIssue(bad).status();
  EXPECT_EQ(zpl.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(zpl.message()), HasSubstr("nothing was issued"));
  // The request they were made from passes.
  EXPECT_TRUE(PlanLabelIssue(request_).ok());
}

TEST_F(PlanTest, QrTooBigForTheLabelIsRefusedBeforeIssuing) {
  // a4-4x10 labels are 25.4 mm high: a version 8 QR with its quiet zone at
  // 0.6 mm per module needs 34.2 mm.
  request_.layout = "a4-4x10";
  request_.module_mm = 0.6;
  absl::Status status = PlanLabelIssue(request_).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), StartsWith("--layout: "));
  EXPECT_THAT(std::string(status.message()), HasSubstr("too small"));
  EXPECT_THAT(std::string(status.message()), HasSubstr("nothing was issued"));
  // The message's advice works.
  request_.module_mm = 0.4;
  EXPECT_TRUE(PlanLabelIssue(request_).ok());
}

TEST_F(PlanTest, OutputsInTheWayAreRefused) {
  LabelIssueRequest bad = request_;
  bad.out = "";
  EXPECT_THAT(std::string(PlanLabelIssue(bad).status().message()),
              StartsWith("--out"));
  bad.out = (dir_ / "missing/labels.pdf").string();
  absl::Status missing = PlanLabelIssue(bad).status();
  EXPECT_EQ(missing.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(missing.message()), HasSubstr("does not exist"));
  // A PDF onto a directory.
  bad.out = dir_.string();
  EXPECT_THAT(std::string(PlanLabelIssue(bad).status().message()),
              HasSubstr("is a directory"));
  // PNGs into a non-empty directory.
  std::filesystem::create_directories(dir_ / "full");
  std::ofstream(dir_ / "full/x.png") << "x";
  bad.format = "png";
  bad.out = (dir_ / "full").string();
  EXPECT_EQ(PlanLabelIssue(bad).status().code(),
            absl::StatusCode::kAlreadyExists);
  // An issuance file from an earlier run is never overwritten.
  std::ofstream(dir_ / "labels.pdf.issuance.jsonl") << "{}\n";
  absl::Status exists = PlanLabelIssue(request_).status();
  EXPECT_EQ(exists.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(std::string(exists.message()), HasSubstr("--issuance-out"));
  bad = request_;
  bad.issuance_out = bad.out;
  EXPECT_THAT(std::string(PlanLabelIssue(bad).status().message()),
              HasSubstr("must differ from --out"));
}

// --- The stream -----------------------------------------------------------

// Plays back prepared responses and a final status.
class FakeReader : public grpc::ClientReaderInterface<v1::IssueLabelsResponse> {
 public:
  FakeReader(std::vector<v1::IssueLabelsResponse> responses,
             grpc::Status status)
      : responses_(std::move(responses)), status_(std::move(status)) {}
  bool Read(v1::IssueLabelsResponse* response) override {
    if (next_ >= responses_.size()) return false;
    *response = responses_[next_++];
    return true;
  }
  grpc::Status Finish() override { return status_; }
  bool NextMessageSize(uint32_t* size) override {
    *size = 1 << 20;
    return next_ < responses_.size();
  }
  void WaitForInitialMetadata() override {}

 private:
  std::vector<v1::IssueLabelsResponse> responses_;
  grpc::Status status_;
  size_t next_ = 0;
};

v1::IssuanceSummary SampleSummary(uint32_t count, bool pins) {
  v1::IssuanceSummary summary;
  summary.mutable_receipt()->set_index(17);
  summary.mutable_receipt()->set_seq(5);
  summary.mutable_receipt()->set_kind("labels.issued");
  summary.mutable_receipt()->set_subject("batch/08934563123451/L2024A");
  summary.set_gtin(kGtin);
  summary.set_lot("L2024A");
  summary.set_count(count);
  summary.set_with_pins(pins);
  summary.set_label_key("tx.example.vn/labels+01020304+AQ");
  summary.set_issued_at("2024-06-01T08:00:00+07:00");
  summary.set_resolver("https://tx.example.vn");
  summary.set_product_name("Miến dong Tài Hoan");
  summary.set_producer_name("HTX Tài Hoan");
  summary.mutable_expiry_date()->set_iso_date("2025-06-01");
  summary.set_stars(4);
  summary.set_certificate("GCN-OCOP-2024-015");
  summary.mutable_certificate_valid_until()->set_iso_date("2027-03-21");
  return summary;
}

// `count` labels in messages of `per_message`; the first carries the
// summary.
std::vector<v1::IssueLabelsResponse> SampleStream(uint32_t count,
                                                  uint32_t per_message) {
  std::vector<v1::IssueLabelsResponse> stream;
  for (uint32_t i = 0; i < count; ++i) {
    if (i % per_message == 0) {
      stream.emplace_back();
      stream.back().set_offset(i);
      if (i == 0)
        *stream.back().mutable_summary() = SampleSummary(count, false);
    }
    v1::IssuedLabel* label = stream.back().add_labels();
    label->set_serial(absl::StrCat("SERIAL", i));
    label->set_url(absl::StrCat("https://tx.example.vn/01/", kGtin,
                                "/10/L2024A/21/SERIAL", i));
  }
  return stream;
}

TEST(ReadIssueStreamTest, CollectsLabelsInOrderWithTheSummaryHeader) {
  FakeReader reader(SampleStream(2500, 1000), grpc::Status::OK);
  std::ostringstream err;
  ProgressMeter progress(err, ProgressStyle::kPlain);
  IssueStreamResult result = ReadIssueStream(reader, "127.0.0.1:1", progress);
  ASSERT_TRUE(result.status.ok()) << result.status;
  EXPECT_TRUE(result.summary_received);
  EXPECT_EQ(result.summary.receipt().index(), 17u);
  ASSERT_EQ(result.issuance.labels.size(), 2500u);
  EXPECT_EQ(result.issuance.labels[0].serial, "SERIAL0");
  EXPECT_EQ(result.issuance.labels[2499].serial, "SERIAL2499");
  const labelgen::IssuanceHeader& header = result.issuance.header;
  EXPECT_EQ(header.gtin, kGtin);
  EXPECT_EQ(header.lot, "L2024A");
  EXPECT_EQ(header.product_name, "Miến dong Tài Hoan");
  EXPECT_EQ(header.producer_name, "HTX Tài Hoan");
  EXPECT_EQ(header.stars, 4);
  EXPECT_EQ(header.certificate, "GCN-OCOP-2024-015");
  EXPECT_EQ(header.valid_until, "2027-03-21");
  EXPECT_EQ(header.expiry, "2025-06-01");
  EXPECT_EQ(header.resolver, "https://tx.example.vn");
  EXPECT_EQ(header.label_key, "tx.example.vn/labels+01020304+AQ");
  EXPECT_EQ(header.issued_at, "2024-06-01T08:00:00+07:00");
  EXPECT_FALSE(header.pins);
  EXPECT_THAT(err.str(), HasSubstr("receiving: 40% (1000/2500 labels)"));
  EXPECT_THAT(err.str(), HasSubstr("receiving: 100% (2500/2500 labels)"));
}

TEST(ReadIssueStreamTest, RefusalBeforeTheSummaryIsTheServersStatus) {
  FakeReader reader({}, grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                                     "count: 0 labels; ask for 1 to 100000"));
  std::ostringstream err;
  ProgressMeter progress(err, ProgressStyle::kNone);
  IssueStreamResult result = ReadIssueStream(reader, "127.0.0.1:1", progress);
  EXPECT_FALSE(result.summary_received);
  EXPECT_EQ(result.status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(result.status.message(), "count: 0 labels; ask for 1 to 100000");
}

TEST(ReadIssueStreamTest, BrokenStreamKeepsWhatArrivedAndSaysWhere) {
  std::vector<v1::IssueLabelsResponse> stream = SampleStream(2500, 1000);
  stream.pop_back();  // The last 500 never arrive.
  FakeReader reader(
      stream, grpc::Status(grpc::StatusCode::UNAVAILABLE, "connection reset"));
  std::ostringstream err;
  ProgressMeter progress(err, ProgressStyle::kNone);
  IssueStreamResult result = ReadIssueStream(reader, "127.0.0.1:1", progress);
  EXPECT_TRUE(result.summary_received);
  EXPECT_EQ(result.status.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(result.status.message()),
              HasSubstr("the stream ended after 2000 of 2500 labels "
                        "(connection reset)"));
  EXPECT_THAT(std::string(result.status.message()), HasSubstr("log index 17"));
  EXPECT_EQ(result.issuance.labels.size(), 2000u);

  stream = SampleStream(2500, 1000);
  stream[1].set_offset(1500);
  FakeReader out_of_order(stream, grpc::Status::OK);
  result = ReadIssueStream(out_of_order, "127.0.0.1:1", progress);
  EXPECT_EQ(result.status.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(result.status.message()), HasSubstr("out of order"));
  EXPECT_EQ(result.issuance.labels.size(), 1000u);
}

TEST(IssuanceFileTest, ModeIsOwnerOnlyWithPins) {
  const std::string dir = ::testing::TempDir();
  labelgen::Issuance issuance;
  issuance.header = HeaderFromSummary(SampleSummary(1, true));
  issuance.labels.push_back({"7KQ3M9XW2P", "https://x", "12345678"});
  const std::string with_pins = dir + "/pins.issuance.jsonl";
  ASSERT_TRUE(WriteIssuanceFile(with_pins, issuance).ok());
  struct stat info;
  ASSERT_EQ(::stat(with_pins.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600);
  issuance.header.pins = false;
  issuance.labels[0].pin.clear();
  const std::string without = dir + "/plain.issuance.jsonl";
  ASSERT_TRUE(WriteIssuanceFile(without, issuance).ok());
  ASSERT_EQ(::stat(without.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0644);
}

// --- Serials to void -------------------------------------------------------

TEST(SerialTest, NormalisesCaseAndBlanksAndExplainsMistakes) {
  EXPECT_EQ(*NormalizeSerial(" 7kq3m9xw2p\n", "--serial"), "7KQ3M9XW2P");
  absl::Status short_serial = NormalizeSerial("7KQ3", "--serial").status();
  EXPECT_EQ(short_serial.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(short_serial.message()),
              StartsWith("--serial: '7KQ3' is not a label serial: it has 4 "
                         "characters, not 10"));
  EXPECT_THAT(
      std::string(
          NormalizeSerial("7KQ3M9XW2O", "file line 3").status().message()),
      HasSubstr("character 'O' at position 10 is not used"));
}

TEST(SerialTest, FileOfSerialsSkipsBlanksAndComments) {
  v1::BatchRef batch;
  batch.set_gtin(kGtin);
  batch.set_lot("L2024A");
  absl::StatusOr<std::vector<std::string>> serials = ParseSerialFile(
      "# cuộn tem số 3\n7KQ3M9XW2P\n\n  0z5t1d8k3m \r\n", "lost.txt", batch);
  ASSERT_TRUE(serials.ok()) << serials.status();
  EXPECT_THAT(*serials, ElementsAre("7KQ3M9XW2P", "0Z5T1D8K3M"));
  EXPECT_THAT(
      std::string(ParseSerialFile("7KQ3M9XW2P\nXYZ\n", "lost.txt", batch)
                      .status()
                      .message()),
      StartsWith("lost.txt line 2: 'XYZ' is not a label serial"));
  EXPECT_THAT(std::string(ParseSerialFile("# nothing\n\n", "lost.txt", batch)
                              .status()
                              .message()),
              StartsWith("lost.txt: no serials found"));
}

TEST(SerialTest, IssuanceFileMustBeTheBatchs) {
  v1::BatchRef batch;
  batch.set_gtin(kGtin);
  batch.set_lot("L2024B");
  // A valid issuance file of lot L2024A (signature digits are not checked
  // here, only their form).
  const std::string url =
      FormatLabelUrl("https://tx.example.vn", kGtin, "L2024A", "7KQ3M9XW2P",
                     std::string(64, '\x01'));
  const std::string file =
      absl::StrCat(R"({"format":"ocoptrace/issuance/v1","gtin":")", kGtin,
                   R"(","lot":"L2024A","product_name":"Miến dong"})", "\n",
                   R"({"serial":"7KQ3M9XW2P","url":")", url, "\"}\n");
  EXPECT_THAT(
      std::string(ParseSerialFile(file, "a.jsonl", batch).status().message()),
      HasSubstr("is for batch 08934563123451/L2024A, not "
                "08934563123451/L2024B"));
  batch.set_lot("L2024A");
  absl::StatusOr<std::vector<std::string>> serials =
      ParseSerialFile(file, "a.jsonl", batch);
  ASSERT_TRUE(serials.ok()) << serials.status();
  EXPECT_THAT(*serials, ElementsAre("7KQ3M9XW2P"));
}

TEST(SerialTest, ListChecksAndSplitting) {
  EXPECT_THAT(std::string(CheckSerialList({}).message()),
              StartsWith("serials: name"));
  EXPECT_THAT(
      std::string(CheckSerialList({"7KQ3M9XW2P", "0Z5T1D8K3M", "7KQ3M9XW2P"})
                      .message()),
      StartsWith("serials: 7KQ3M9XW2P is listed more than once"));
  std::vector<std::string> many(25001, "X");
  std::vector<std::vector<std::string>> groups = SplitForVoid(many);
  ASSERT_EQ(groups.size(), 3u);
  EXPECT_EQ(groups[0].size(), 10000u);
  EXPECT_EQ(groups[1].size(), 10000u);
  EXPECT_EQ(groups[2].size(), 5001u);
  EXPECT_TRUE(CheckVoidReason("mất cuộn tem").ok());
  EXPECT_THAT(std::string(CheckVoidReason("  ").message()),
              StartsWith("--reason: say why"));
  EXPECT_THAT(std::string(CheckVoidReason(std::string(501, 'x')).message()),
              StartsWith("--reason: 501 bytes; at most 500"));
}

// --- The command line, without a server ------------------------------------

class LabelsCommandTest : public ::testing::Test {
 protected:
  int Run(std::vector<std::string> args) {
    out_.str("");
    err_.str("");
    std::vector<const char*> argv = {"tracectl", "--server", "127.0.0.1:1",
                                     "--timeout", "2"};
    for (const std::string& arg : args) argv.push_back(arg.c_str());
    const std::string home = ::testing::TempDir();
    Cli cli(out_, err_, &clock_,
            [home](const char* name) -> std::optional<std::string> {
              if (std::string(name) == "HOME") return home;
              return std::nullopt;
            });
    return RunTracectl(static_cast<int>(argv.size()), argv.data(), cli);
  }

  FakeClock clock_{absl::FromUnixSeconds(1717203600)};
  std::ostringstream out_;
  std::ostringstream err_;
};

TEST_F(LabelsCommandTest, UsageErrorsExitOne) {
  EXPECT_EQ(Run({"labels"}), 1);
  EXPECT_EQ(Run({"labels", "issue", "--batch", "8934563123451/L1"}), 1);
  EXPECT_THAT(err_.str(), HasSubstr("--count"));
  EXPECT_EQ(Run({"labels", "void", "--batch", "8934563123451/L1", "--serial",
                 "7KQ3M9XW2P", "--from-file", "x", "--reason", "r"}),
            1);
  EXPECT_EQ(Run({"labels", "get", "8934563123451"}), 1);
}

TEST_F(LabelsCommandTest, BadInputIsRefusedBeforeContactingTheServer) {
  // The server address is unreachable: these fail locally (exit 2), never
  // with "cannot reach traced" (exit 5).
  const std::string out = ::testing::TempDir() + "/never.pdf";
  EXPECT_EQ(
      Run({"labels", "issue", "--batch", "8934563123451/L1", "--count", "5",
           "--layout", "a4-4x10", "--module-mm", "0.6", "--out", out}),
      2);
  EXPECT_THAT(err_.str(), HasSubstr("error: --layout: "));
  EXPECT_THAT(err_.str(), HasSubstr("nothing was issued"));
  EXPECT_FALSE(std::filesystem::exists(out));
  EXPECT_EQ(Run({"labels", "void", "--batch", "8934563123451/L1", "--serial",
                 "NOT-A-SERIAL", "--reason", "in lỗi"}),
            2);
  EXPECT_THAT(err_.str(), HasSubstr("--serial: 'NOT-A-SERIAL'"));
  EXPECT_EQ(Run({"labels", "void", "--batch", "8934563123451/L1", "--serial",
                 "7KQ3M9XW2P", "--reason", ""}),
            2);
  EXPECT_THAT(err_.str(), HasSubstr("--reason: say why"));
  EXPECT_EQ(Run({"labels", "get", "8934563123452", "7KQ3M9XW2P"}), 2);
  EXPECT_THAT(err_.str(), HasSubstr("check digit"));
  // Good input reaches for the (absent) server: exit 5.
  EXPECT_EQ(Run({"labels", "get", "8934563123451", "7KQ3M9XW2P"}), 5);
}

}  // namespace
}  // namespace ocoptrace::client
