// tracectl labels issue|void|get against a real traced run in-process
// (tests/server/rpc TestServer, temp data directory, port 0) on the story
// of tests/server/rpc/story.h. Labels are issued and rendered by the
// command itself; the PDF is rasterised with pdftoppm and every QR decoded
// with libzbar, and must equal an issued URL byte for byte whose signature
// verifies under a published label key.

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "client/cli.h"
#include "core/ed25519.h"
#include "core/label_payload.h"
#include "core/signed_note.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "labelgen/issuance.h"
#include "labelgen/layout.h"
#include "tests/labelgen/test_support.h"
#include "tests/server/rpc/story.h"

namespace ocoptrace::client {
namespace {

namespace lt = ::ocoptrace::labelgen::testing;
using rpctest::TestClient;
using rpctest::TestServer;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;

constexpr int kDpi = 300;
constexpr char kProducerKeyName[] = "htx-tai-hoan-labels";

int MmToPx(double mm) {
  return static_cast<int>(std::lround(mm * kDpi / 25.4));
}

class LabelsIssueTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = TestServer::Start().release();
    ASSERT_NE(server_, nullptr);
    absl::StatusOr<rpctest::Story> story = rpctest::PlayStory(*server_);
    ASSERT_TRUE(story.ok()) << story.status();
    story_ = new rpctest::Story(*story);
    dir_ = new std::string(lt::MakeTempDir());
    // The producer's own key, as `tracectl init` would make it, registered
    // by the admin.
    const Ed25519PrivateKey key = Ed25519PrivateKey::Generate();
    key_path_ = new std::string(*dir_ + "/key.pem");
    lt::WriteFile(*key_path_, key.ToPem());
    absl::StatusOr<NoteSigner> signer = MakeNoteSigner(kProducerKeyName, key);
    ASSERT_TRUE(signer.ok());
    TestClient admin(server_->target(), server_->admin_token());
    ASSERT_TRUE(rpctest::AddKey(admin, FormatVkey(VerifierOf(*signer)),
                                v1::KEY_ROLE_PRODUCER, rpctest::kProducerId, "")
                    .ok());
  }

  static void TearDownTestSuite() {
    delete server_;
    delete story_;
    delete dir_;
    delete key_path_;
  }

  // Runs tracectl as the producer (own HOME, token and key).
  int Run(std::vector<std::string> args) {
    out_.str("");
    err_.str("");
    const std::string target = server_->target();
    std::vector<std::string> all = {"tracectl",
                                    "--server",
                                    target,
                                    "--token",
                                    story_->producer_token,
                                    "--key",
                                    *key_path_,
                                    "--key-name",
                                    kProducerKeyName};
    all.insert(all.end(), args.begin(), args.end());
    std::vector<const char*> argv;
    for (const std::string& arg : all) argv.push_back(arg.c_str());
    const std::string home = *dir_;
    Cli cli(out_, err_, &server_->clock(),
            [home](const char* name) -> std::optional<std::string> {
              if (std::string(name) == "HOME") return home;
              return std::nullopt;
            });
    return RunTracectl(static_cast<int>(argv.size()), argv.data(), cli);
  }

  static std::string Batch() {
    return absl::StrCat(rpctest::kGtin, "/", rpctest::kLot);
  }

  static uint64_t LedgerSize() {
    return server_->daemon().service().ledger().size();
  }

  static v1::Batch GetBatch() {
    TestClient client(server_->target(), story_->producer_token);
    v1::GetBatchRequest request;
    request.mutable_batch()->set_gtin(rpctest::kGtin);
    request.mutable_batch()->set_lot(rpctest::kLot);
    v1::Batch batch;
    EXPECT_TRUE(
        client.Call(&v1::Trace::Stub::GetBatch, client.trace(), request, &batch)
            .ok());
    return batch;
  }

  // The published label keys (Verify.GetKeys, anonymous).
  static std::vector<Ed25519PublicKey> LabelKeys() {
    TestClient anyone(server_->target(), "");
    v1::GetKeysResponse keys;
    EXPECT_TRUE(anyone
                    .Call(&v1::Verify::Stub::GetKeys, anyone.verify(),
                          v1::GetKeysRequest(), &keys)
                    .ok());
    std::vector<Ed25519PublicKey> label_keys;
    for (const std::string& vkey : keys.label()) {
      absl::StatusOr<NoteVerifier> verifier = ParseVkey(vkey);
      EXPECT_TRUE(verifier.ok()) << vkey;
      if (verifier.ok()) label_keys.push_back(verifier->key);
    }
    EXPECT_FALSE(label_keys.empty());
    return label_keys;
  }

  // Every URL of `issuance` is a label URL for the batch whose signature
  // verifies under a published label key; one changed character in the lot
  // or the serial fails.
  static void ExpectSignedByLabelKey(const labelgen::Issuance& issuance) {
    const std::vector<Ed25519PublicKey> keys = LabelKeys();
    for (const labelgen::IssuedLabel& label : issuance.labels) {
      absl::StatusOr<LabelClaim> claim = ParseLabelUrl(label.url);
      ASSERT_TRUE(claim.ok()) << claim.status() << ": " << label.url;
      EXPECT_EQ(claim->gtin14, rpctest::kGtin);
      EXPECT_EQ(claim->lot, rpctest::kLot);
      EXPECT_EQ(claim->serial, label.serial);
      EXPECT_GE(VerifyLabelSignature(*claim, keys), 0) << label.url;
      LabelClaim changed = *claim;
      changed.serial[0] = changed.serial[0] == '0' ? '1' : '0';
      EXPECT_EQ(VerifyLabelSignature(changed, keys), -1);
      changed = *claim;
      changed.lot.back() = changed.lot.back() == 'A' ? 'B' : 'A';
      EXPECT_EQ(VerifyLabelSignature(changed, keys), -1);
    }
  }

  static labelgen::Issuance ReadIssuance(const std::string& path) {
    absl::StatusOr<labelgen::Issuance> issuance =
        labelgen::ReadIssuanceFile(path);
    EXPECT_TRUE(issuance.ok()) << issuance.status();
    return issuance.ok() ? *issuance : labelgen::Issuance();
  }

  static TestServer* server_;
  static rpctest::Story* story_;
  static std::string* dir_;
  static std::string* key_path_;
  std::ostringstream out_;
  std::ostringstream err_;
};

TestServer* LabelsIssueTest::server_ = nullptr;
rpctest::Story* LabelsIssueTest::story_ = nullptr;
std::string* LabelsIssueTest::dir_ = nullptr;
std::string* LabelsIssueTest::key_path_ = nullptr;

TEST_F(LabelsIssueTest, PdfSheetDecodesToTheIssuedSignedUrls) {
  const std::string pdf = *dir_ + "/sheet.pdf";
  const uint64_t issued_before = GetBatch().labels_issued();
  ASSERT_EQ(Run({"labels", "issue", "--batch", Batch(), "--count", "25",
                 "--format", "pdf", "--out", pdf}),
            0)
      << err_.str();
  EXPECT_THAT(out_.str(), HasSubstr("issued 25 labels for "));
  EXPECT_THAT(out_.str(), HasSubstr("2 pages, layout a4-3x8"));
  EXPECT_EQ(GetBatch().labels_issued(), issued_before + 25);

  const labelgen::Issuance issuance = ReadIssuance(pdf + ".issuance.jsonl");
  ASSERT_EQ(issuance.labels.size(), 25u);
  EXPECT_EQ(issuance.header.gtin, rpctest::kGtin);
  EXPECT_EQ(issuance.header.lot, rpctest::kLot);
  EXPECT_EQ(issuance.header.product_name, "Miến dong Tài Hoan");
  EXPECT_EQ(issuance.header.stars, 4);  // the story's active certificate
  EXPECT_EQ(issuance.header.certificate, rpctest::kCertificateNumber);
  EXPECT_FALSE(issuance.header.pins);
  EXPECT_FALSE(issuance.header.label_key.empty());
  ExpectSignedByLabelKey(issuance);

  // Rasterise and decode every label of both pages, in sheet order.
  ASSERT_EQ(lt::RunCommand(absl::StrCat("pdftoppm -r ", kDpi, " -gray '", pdf,
                                        "' '", *dir_, "/sheet'")),
            0);
  absl::StatusOr<labelgen::SheetLayout> layout =
      labelgen::ParseLayout("a4-3x8");
  ASSERT_TRUE(layout.ok());
  std::vector<std::string> decoded;
  for (int page = 1; page <= 2; ++page) {
    absl::StatusOr<lt::GrayImage> raster =
        lt::ReadPgm(absl::StrCat(*dir_, "/sheet-", page, ".pgm"));
    ASSERT_TRUE(raster.ok()) << raster.status();
    for (int slot = 0; slot < layout->LabelsPerPage(); ++slot) {
      if (decoded.size() == 25) break;
      const lt::GrayImage cell = lt::Crop(
          *raster, MmToPx(layout->LabelLeftMm(slot)),
          MmToPx(layout->LabelTopMm(slot)), MmToPx(layout->label_width_mm),
          MmToPx(layout->label_height_mm));
      std::vector<std::string> codes = lt::DecodeQrCodes(cell);
      ASSERT_EQ(codes.size(), 1u) << "page " << page << " slot " << slot;
      decoded.push_back(codes[0]);
    }
  }
  std::vector<std::string> urls;
  for (const labelgen::IssuedLabel& label : issuance.labels) {
    urls.push_back(label.url);
  }
  EXPECT_THAT(decoded, ElementsAreArray(urls));

  // labelgen renders tracectl's issuance file as it is.
  std::string output;
  EXPECT_EQ(lt::RunCommand(absl::StrCat(LABELGEN_BINARY, " --in '", pdf,
                                        ".issuance.jsonl' --format svg --out '",
                                        *dir_, "/again'"),
                           &output),
            0)
      << output;
  EXPECT_EQ(lt::ListDir(*dir_ + "/again").size(), 25u);

  // The client-side verified history shows the issuance.
  ASSERT_EQ(Run({"history", Batch()}), 0) << err_.str() << out_.str();
  EXPECT_THAT(out_.str(), HasSubstr("labels.issued"));
  EXPECT_THAT(out_.str(), HasSubstr("labels issued: 25"));
}

TEST_F(LabelsIssueTest, PngDirectoryDecodesToTheIssuedSignedUrls) {
  const std::string png_dir = *dir_ + "/png";
  ASSERT_EQ(Run({"labels", "issue", "--batch", Batch(), "--count", "25",
                 "--format", "png", "--ppm", "4", "--out", png_dir,
                 "--issuance-out", *dir_ + "/png-run.jsonl"}),
            0)
      << err_.str();
  const labelgen::Issuance issuance = ReadIssuance(*dir_ + "/png-run.jsonl");
  ASSERT_EQ(issuance.labels.size(), 25u);
  ExpectSignedByLabelKey(issuance);
  const std::vector<std::string> files = lt::ListDir(png_dir);
  ASSERT_EQ(files.size(), 25u);
  for (size_t i = 0; i < files.size(); ++i) {
    EXPECT_EQ(files[i],
              absl::StrFormat("%05d-%s.png", i + 1, issuance.labels[i].serial));
    absl::StatusOr<lt::GrayImage> image =
        lt::DecodePng(lt::ReadFile(png_dir + "/" + files[i]));
    ASSERT_TRUE(image.ok()) << image.status();
    EXPECT_THAT(lt::DecodeQrCodes(*image),
                ElementsAreArray({issuance.labels[i].url}))
        << files[i];
  }
}

TEST_F(LabelsIssueTest, BadLayoutIssuesNothing) {
  const uint64_t size_before = LedgerSize();
  const uint64_t issued_before = GetBatch().labels_issued();
  const std::string pdf = *dir_ + "/bad-layout.pdf";
  // 0.6 mm modules: a version 8 QR needs 34.2 mm, the label is 25.4 mm.
  EXPECT_EQ(Run({"labels", "issue", "--batch", Batch(), "--count", "10",
                 "--layout", "a4-4x10", "--module-mm", "0.6", "--out", pdf}),
            2);
  EXPECT_THAT(err_.str(), HasSubstr("error: --layout: label of 48.5x25.4 mm "
                                    "is too small"));
  EXPECT_THAT(err_.str(), HasSubstr("nothing was issued"));
  EXPECT_EQ(Run({"labels", "issue", "--batch", Batch(), "--count", "10",
                 "--layout", "a3-2x2", "--out", pdf}),
            2);
  EXPECT_THAT(err_.str(), HasSubstr("error: --layout: "));
  EXPECT_EQ(LedgerSize(), size_before);
  EXPECT_EQ(GetBatch().labels_issued(), issued_before);
  EXPECT_FALSE(std::filesystem::exists(pdf));
  EXPECT_FALSE(std::filesystem::exists(pdf + ".issuance.jsonl"));
}

TEST_F(LabelsIssueTest, IncompleteCircular02RecordWarnsOrRefuses) {
  // The story's product has no image: Circular 02/2024 item 2 is missing.
  const uint64_t size_before = LedgerSize();
  EXPECT_EQ(Run({"labels", "issue", "--batch", Batch(), "--count", "2",
                 "--require-complete", "--out", *dir_ + "/strict.pdf"}),
            2);
  EXPECT_THAT(err_.str(), HasSubstr("lacks"));
  EXPECT_THAT(err_.str(), HasSubstr("item 2 (product.image)"));
  EXPECT_THAT(err_.str(), HasSubstr("nothing was issued"));
  EXPECT_EQ(LedgerSize(), size_before);
  EXPECT_FALSE(std::filesystem::exists(*dir_ + "/strict.pdf"));

  // Without the flag the labels are issued, with the same list as a
  // warning.
  ASSERT_EQ(Run({"labels", "issue", "--batch", Batch(), "--count", "2", "--out",
                 *dir_ + "/lenient.pdf"}),
            0)
      << err_.str();
  EXPECT_THAT(err_.str(), HasSubstr("warning: the record of"));
  EXPECT_THAT(err_.str(), HasSubstr("item 2 (product.image)"));
  EXPECT_TRUE(std::filesystem::exists(*dir_ + "/lenient.pdf"));
}

TEST_F(LabelsIssueTest, ServerRefusalsPrintTheServersMessage) {
  const uint64_t size_before = LedgerSize();
  EXPECT_EQ(Run({"labels", "issue", "--batch", Batch(), "--count", "0", "--out",
                 *dir_ + "/zero.pdf"}),
            2);
  EXPECT_THAT(err_.str(), HasSubstr("error: count: "));
  EXPECT_EQ(Run({"labels", "issue", "--batch", Batch(), "--count", "100001",
                 "--out", *dir_ + "/many.pdf"}),
            2);
  EXPECT_THAT(err_.str(), HasSubstr("error: count: "));
  EXPECT_EQ(Run({"labels", "issue", "--batch",
                 absl::StrCat(rpctest::kGtin, "/NO-SUCH-LOT"), "--count", "5",
                 "--out", *dir_ + "/unknown.pdf"}),
            3);
  EXPECT_THAT(err_.str(), HasSubstr("does not exist"));
  EXPECT_EQ(LedgerSize(), size_before);
  EXPECT_FALSE(std::filesystem::exists(*dir_ + "/zero.pdf"));
  EXPECT_FALSE(std::filesystem::exists(*dir_ + "/zero.pdf.issuance.jsonl"));
}

TEST_F(LabelsIssueTest, PinsAreSavedOwnerOnlyWithAWarning) {
  const std::string zpl = *dir_ + "/pins.zpl";
  ASSERT_EQ(
      Run({"labels", "issue", "--batch", Batch(), "--count", "3", "--pins",
           "--format", "zpl", "--layout", "roll-50x30", "--out", zpl}),
      0)
      << err_.str();
  EXPECT_THAT(err_.str(), HasSubstr("holds the scratch PINs in clear"));
  const labelgen::Issuance issuance = ReadIssuance(zpl + ".issuance.jsonl");
  ASSERT_EQ(issuance.labels.size(), 3u);
  EXPECT_TRUE(issuance.header.pins);
  for (const labelgen::IssuedLabel& label : issuance.labels) {
    EXPECT_EQ(label.pin.size(), 8u);
  }
  struct stat info;
  ASSERT_EQ(::stat((zpl + ".issuance.jsonl").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600);
  ASSERT_EQ(::stat(zpl.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600);
  const std::string zpl_text = lt::ReadFile(zpl);
  EXPECT_EQ(std::count(zpl_text.begin(), zpl_text.end(), '\n') > 0, true);
  for (const labelgen::IssuedLabel& label : issuance.labels) {
    EXPECT_THAT(zpl_text, HasSubstr(label.url));
  }
}

TEST_F(LabelsIssueTest, VoidAndGet) {
  const std::string out = *dir_ + "/to-void.svg";
  ASSERT_EQ(Run({"labels", "issue", "--batch", Batch(), "--count", "3",
                 "--format", "svg", "--out", out}),
            0)
      << err_.str();
  const labelgen::Issuance issuance = ReadIssuance(out + ".issuance.jsonl");
  ASSERT_EQ(issuance.labels.size(), 3u);
  const std::string& first = issuance.labels[0].serial;
  const std::string& second = issuance.labels[1].serial;
  const std::string& third = issuance.labels[2].serial;

  ASSERT_EQ(Run({"labels", "void", "--batch", Batch(), "--serial", first,
                 "--reason", "mất cuộn tem"}),
            0)
      << err_.str();
  EXPECT_THAT(out_.str(), HasSubstr("voided 1 label of "));
  EXPECT_THAT(out_.str(), HasSubstr("recorded labels.voided"));
  const std::string list = *dir_ + "/lost.txt";
  lt::WriteFile(list, absl::StrCat("# misprinted\n", second, "\n"));
  ASSERT_EQ(Run({"labels", "void", "--batch", Batch(), "--from-file", list,
                 "--reason", "in lỗi"}),
            0)
      << err_.str();
  // Voiding again is the server's refusal, with its message.
  EXPECT_EQ(Run({"labels", "void", "--batch", Batch(), "--serial", first,
                 "--reason", "again"}),
            2);
  EXPECT_THAT(err_.str(), HasSubstr("already void"));

  ASSERT_EQ(Run({"labels", "get", rpctest::kGtin, first}), 0) << err_.str();
  EXPECT_THAT(out_.str(), HasSubstr("VOID"));
  EXPECT_THAT(out_.str(), HasSubstr("mất cuộn tem"));
  ASSERT_EQ(Run({"--json", "labels", "get", rpctest::kGtin, third}), 0);
  EXPECT_THAT(out_.str(), HasSubstr("LABEL_STATUS_ISSUED"));
  EXPECT_EQ(Run({"labels", "get", rpctest::kGtin, "0000000000"}), 3);
  EXPECT_THAT(err_.str(), HasSubstr("was never issued"));

  ASSERT_EQ(Run({"history", Batch()}), 0) << err_.str() << out_.str();
  EXPECT_THAT(out_.str(), HasSubstr("labels voided: 1 ("));
  EXPECT_THAT(out_.str(), HasSubstr(": mất cuộn tem"));
}

}  // namespace
}  // namespace ocoptrace::client
