// tracectl verify / trust / proof against a real traced run in-process
// (tests/server/rpc TestServer) on the story of tests/server/rpc/story.h:
// label images rendered with labelgen, trust bundles synced over gRPC, and
// verdicts judged with the server running or stopped.

#include <sys/stat.h>
#include <unistd.h>

#include <cairo.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "client/cli.h"
#include "client/image_decode.h"
#include "client/proof_bundle.h"
#include "client/trust_bundle.h"
#include "core/base64.h"
#include "core/checkpoint.h"
#include "core/ed25519.h"
#include "core/label_payload.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "labelgen/layout.h"
#include "labelgen/render.h"
#include "nlohmann/json.hpp"
#include "tests/server/rpc/story.h"

namespace ocoptrace::client {
namespace {

using rpctest::TestClient;
using rpctest::TestServer;
using ::testing::HasSubstr;

// A second product whose certificate is revoked before the bundle is made.
constexpr char kRevokedGtin[] = "08934563123468";
constexpr char kRevokedLot[] = "L2024-06B";
constexpr char kRevokedCertificate[] = "GCN-OCOP-2024-016";

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

void WriteAll(const std::string& path, const std::string& contents) {
  std::ofstream(path, std::ios::binary) << contents;
}

class OfflineVerifyTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = TestServer::Start().release();
    ASSERT_NE(server_, nullptr);
    auto story = rpctest::PlayStory(*server_);
    ASSERT_TRUE(story.ok()) << story.status();
    story_ = new rpctest::Story(*story);
    TestClient producer(server_->target(), story_->producer_token);
    TestClient certifier(server_->target(), story_->certifier_token);
    const absl::Time now = server_->clock().Now();
    auto labels =
        rpctest::IssueLabels(producer, rpctest::kGtin, rpctest::kLot, 3, false);
    ASSERT_TRUE(labels.ok()) << labels.status();
    labels_ = new std::vector<v1::IssuedLabel>(*labels);

    // Void the third label.
    v1::LabelsVoided voided;
    voided.add_serials((*labels)[2].serial());
    voided.set_reason("mất cuộn tem");
    auto signed_void = producer.Sign(
        story_->producer_key.signer, "labels.voided",
        absl::StrCat("batch/", rpctest::kGtin, "/", rpctest::kLot), voided,
        now);
    ASSERT_TRUE(signed_void.ok()) << signed_void.status();
    v1::VoidLabelsRequest void_request;
    *void_request.mutable_signed_() = *signed_void;
    v1::EntryReceipt receipt;
    ASSERT_TRUE(producer
                    .Call(&v1::Labels::Stub::VoidLabels, producer.labels(),
                          void_request, &receipt)
                    .ok());

    // A second product, certified then revoked, with one label.
    ASSERT_TRUE(
        rpctest::RegisterProduct(
            producer, story_->producer_key.signer,
            rpctest::ProductRecordFor(kRevokedGtin, rpctest::kProducerId), now)
            .ok());
    ASSERT_TRUE(
        rpctest::IssueCertificate(
            certifier, story_->certifier_key.signer,
            rpctest::CertificateRecordFor(kRevokedCertificate, kRevokedGtin,
                                          rpctest::kProducerId, 3, 60),
            now)
            .ok());
    v1::CertificateRevocation revocation;
    revocation.set_decision_number("1611/QĐ-UBND");
    revocation.mutable_decision_date()->set_iso_date("2024-05-20");
    revocation.set_reason("Không duy trì chất lượng");
    auto signed_revocation = certifier.Sign(
        story_->certifier_key.signer, "certificate.revoked",
        absl::StrCat("certificate/", kRevokedCertificate), revocation, now);
    ASSERT_TRUE(signed_revocation.ok()) << signed_revocation.status();
    v1::RevokeCertificateRequest revoke_request;
    *revoke_request.mutable_signed_() = *signed_revocation;
    ASSERT_TRUE(certifier
                    .Call(&v1::Certificates::Stub::RevokeCertificate,
                          certifier.certificates(), revoke_request, &receipt)
                    .ok());
    ASSERT_TRUE(rpctest::CreateBatch(
                    producer, story_->producer_key.signer,
                    rpctest::BatchRecordFor(kRevokedGtin, kRevokedLot), now)
                    .ok());
    auto revoked_labels =
        rpctest::IssueLabels(producer, kRevokedGtin, kRevokedLot, 1, false);
    ASSERT_TRUE(revoked_labels.ok()) << revoked_labels.status();
    revoked_label_ = new std::string((*revoked_labels)[0].url());

    home_ = new std::string(std::filesystem::temp_directory_path() /
                            ("tracectl-inspect-" + std::to_string(::getpid())));
    std::filesystem::remove_all(*home_);
    std::filesystem::create_directories(*home_);
  }

  static void TearDownTestSuite() {
    std::filesystem::remove_all(*home_);
    delete server_;
    delete story_;
    delete labels_;
    delete revoked_label_;
    delete home_;
  }

  // Runs tracectl as the inspector (own HOME, the server's address).
  int Run(std::vector<std::string> args) {
    out_.str("");
    err_.str("");
    std::vector<const char*> argv = {"tracectl", "--server", target_.c_str(),
                                     "--timeout", "5"};
    for (const std::string& arg : args) argv.push_back(arg.c_str());
    std::string home = *home_;
    Cli cli(out_, err_, &server_->clock(),
            [home](const char* name) -> std::optional<std::string> {
              if (std::string(name) == "HOME") return home;
              return std::nullopt;
            });
    return RunTracectl(static_cast<int>(argv.size()), argv.data(), cli);
  }

  // Every test but the first starts from a synced bundle, so that each
  // runs alone too (ctest runs every test in its own process).
  void SetUp() override {
    target_ = server_->target();
    const std::string name =
        ::testing::UnitTest::GetInstance()->current_test_info()->name();
    if (name.rfind("A_", 0) != 0 && !std::filesystem::exists(BundlePath())) {
      Sync();
    }
  }

  std::string ConfigDir() const { return *home_ + "/.config/ocoptrace"; }
  std::string BundlePath() const { return ConfigDir() + "/trust-bundle.json"; }

  void Sync() {
    ASSERT_EQ(Run({"trust", "sync"}), 0) << err_.str() << out_.str();
  }

  // A PNG of a label for `url` as labelgen renders it.
  static std::string LabelPng(const std::string& url) {
    labelgen::LabelData label;
    label.url = url;
    label.product_name = "Miến dong Tài Hoan";
    label.producer_name = "HTX Tài Hoan";
    label.lot = rpctest::kLot;
    auto claim = ParseLabelUrl(url);
    label.serial = claim.ok() ? claim->serial : "0000000000";
    label.stars = 4;
    auto layout = labelgen::ParseLayout("a4-3x8");
    EXPECT_TRUE(layout.ok());
    auto png = labelgen::RenderLabelPng(label, labelgen::GeometryOf(*layout),
                                        labelgen::EcLevel::kM, 4);
    EXPECT_TRUE(png.ok()) << png.status();
    return *png;
  }

  std::string TempFile(const std::string& name) const {
    return *home_ + "/" + name;
  }

  static TestServer* server_;
  static rpctest::Story* story_;
  static std::vector<v1::IssuedLabel>* labels_;
  static std::string* revoked_label_;
  static std::string* home_;
  std::string target_;
  std::ostringstream out_;
  std::ostringstream err_;
};

TestServer* OfflineVerifyTest::server_ = nullptr;
rpctest::Story* OfflineVerifyTest::story_ = nullptr;
std::vector<v1::IssuedLabel>* OfflineVerifyTest::labels_ = nullptr;
std::string* OfflineVerifyTest::revoked_label_ = nullptr;
std::string* OfflineVerifyTest::home_ = nullptr;

TEST_F(OfflineVerifyTest, A_SyncWritesAVerifiedBundle) {
  std::filesystem::remove_all(ConfigDir());
  // Nothing to verify against yet: a trust failure (4) saying what to do.
  EXPECT_EQ(Run({"verify", "--offline", "--url", (*labels_)[0].url()}), 4);
  EXPECT_THAT(err_.str(), HasSubstr("trust sync"));
  Sync();
  EXPECT_THAT(out_.str(), HasSubstr("trust bundle written"));
  auto bundle = ParseTrustBundle(ReadAll(BundlePath()));
  ASSERT_TRUE(bundle.ok()) << bundle.status();
  EXPECT_EQ(bundle->authority_key.index, 0u);
  ASSERT_EQ(Run({"--json", "trust", "show"}), 0) << err_.str();
  nlohmann::json shown = nlohmann::json::parse(out_.str());
  EXPECT_EQ(shown["verified"], true);
  EXPECT_EQ(shown["certificates"], 2);
  EXPECT_EQ(shown["voided_labels"], 1);
  // An unchanged state reuses the logged snapshot: no new entry.
  const uint64_t index = bundle->snapshot.index;
  Sync();
  EXPECT_EQ(ParseTrustBundle(ReadAll(BundlePath()))->snapshot.index, index);
  // A region that no producer has is refused, naming the field.
  EXPECT_EQ(Run({"trust", "sync", "--region", "06"}), 2);
  EXPECT_THAT(err_.str(), HasSubstr("region: no producer's address"));
}

TEST_F(OfflineVerifyTest, B_GenuineLabelImageOffline) {
  const std::string png = TempFile("label.png");
  WriteAll(png, LabelPng((*labels_)[0].url()));
  ASSERT_EQ(Run({"verify", "--offline", "--image", png}), 0)
      << out_.str() << err_.str();
  EXPECT_THAT(out_.str(), HasSubstr("GENUINE — TEM THẬT"));
  EXPECT_THAT(out_.str(), HasSubstr("4★ certificate GCN-OCOP-2024-015"));
  EXPECT_THAT(out_.str(), HasSubstr("bundle from just now"));
  ASSERT_EQ(Run({"--json", "verify", "--offline", "--image", png}), 0);
  nlohmann::json json = nlohmann::json::parse(out_.str());
  EXPECT_EQ(json["verdict"], "genuine");
  EXPECT_EQ(json["labels"][0]["serial"], (*labels_)[0].serial());
  EXPECT_EQ(json["labels"][0]["product"], "Miến dong Tài Hoan");
  // No server listening: the online part is skipped with a note, and
  // --online makes that an error (5).
  target_ = "127.0.0.1:1";
  ASSERT_EQ(Run({"verify", "--image", png}), 0) << out_.str() << err_.str();
  EXPECT_THAT(out_.str(),
              HasSubstr("server unreachable: offline verdict only"));
  EXPECT_EQ(Run({"verify", "--online", "--image", png}), kExitUnreachable);
  target_ = server_->target();
  // Three days later the verdict says how old the bundle is.
  server_->clock().Advance(absl::Hours(72));
  ASSERT_EQ(Run({"verify", "--offline", "--image", png}), 0);
  EXPECT_THAT(out_.str(), HasSubstr("bundle from 3 days ago"));
  EXPECT_THAT(out_.str(), HasSubstr("3 ngày trước"));
}

TEST_F(OfflineVerifyTest, C_OneSerialCharacterChangedIsNotGenuine) {
  const std::string url = (*labels_)[0].url();
  auto claim = ParseLabelUrl(url);
  ASSERT_TRUE(claim.ok());
  std::string serial = claim->serial;
  serial[4] = serial[4] == 'A' ? 'B' : 'A';
  const std::string forged =
      absl::StrReplaceAll(url, {{"/21/" + claim->serial, "/21/" + serial}});
  ASSERT_NE(forged, url);
  EXPECT_EQ(Run({"verify", "--offline", "--url", forged}), kExitNotGenuine);
  EXPECT_THAT(out_.str(), HasSubstr("NOT GENUINE"));
  EXPECT_THAT(out_.str(), HasSubstr("verifies under none of the"));
  // From a label image too.
  const std::string png = TempFile("forged.png");
  WriteAll(png, LabelPng(forged));
  EXPECT_EQ(Run({"verify", "--offline", "--image", png}), kExitNotGenuine);
}

TEST_F(OfflineVerifyTest, D_BadSyntaxAndCheckDigitAreNotGenuine) {
  std::string url = (*labels_)[0].url();
  // GTIN check digit 1 -> 2.
  std::string bad_digit = absl::StrReplaceAll(
      url, {{"/01/08934563123451/", "/01/08934563123452/"}});
  EXPECT_EQ(Run({"verify", "--offline", "--url", bad_digit}), kExitNotGenuine);
  EXPECT_THAT(out_.str(), HasSubstr("not an ocoptrace label URL"));
  EXPECT_EQ(Run({"verify", "--offline", "--url", "https://example.com/x"}),
            kExitNotGenuine);
}

TEST_F(OfflineVerifyTest, E_RevokedCertificateIsSuspiciousWithTheReason) {
  EXPECT_EQ(Run({"verify", "--offline", "--url", *revoked_label_}),
            kExitSuspicious)
      << out_.str() << err_.str();
  EXPECT_THAT(out_.str(), HasSubstr("SUSPICIOUS — ĐÁNG NGỜ"));
  EXPECT_THAT(out_.str(), HasSubstr("GCN-OCOP-2024-016 was revoked"));
  EXPECT_THAT(out_.str(), HasSubstr("1611/QĐ-UBND"));
  EXPECT_THAT(out_.str(), HasSubstr("Không duy trì chất lượng"));
}

TEST_F(OfflineVerifyTest, F_UnknownKeyIsNotGenuine) {
  Ed25519PrivateKey key = Ed25519PrivateKey::Generate();
  auto claim = ParseLabelUrl((*labels_)[0].url());
  ASSERT_TRUE(claim.ok());
  const std::string signature =
      key.Sign(LabelSigningInput(claim->gtin14, claim->lot, claim->serial));
  const std::string url = FormatLabelUrl("https://localhost", claim->gtin14,
                                         claim->lot, claim->serial, signature);
  EXPECT_EQ(Run({"verify", "--offline", "--url", url}), kExitNotGenuine);
  EXPECT_THAT(out_.str(), HasSubstr("signed by an unknown key"));
}

TEST_F(OfflineVerifyTest, G_VoidedLabelIsNotGenuine) {
  EXPECT_EQ(Run({"verify", "--offline", "--url", (*labels_)[2].url()}),
            kExitNotGenuine);
  EXPECT_THAT(out_.str(), HasSubstr("voided by its producer: mất cuộn tem"));
}

TEST_F(OfflineVerifyTest, H_OnlineChecksTheLogItself) {
  ASSERT_EQ(Run({"verify", "--online", "--url", (*labels_)[1].url()}), 0)
      << out_.str() << err_.str();
  EXPECT_THAT(out_.str(), HasSubstr("online: issued in labels.issued"));
  // A label signed by the real label key but never issued: only the
  // online check can tell.
  auto pem = ReadAll(server_->data_dir() + "/keys/label-1.pem");
  auto label_key = Ed25519PrivateKey::FromPem(pem);
  ASSERT_TRUE(label_key.ok());
  const std::string serial = "ZZZZZZZZZ0";
  const std::string signature =
      label_key->Sign(LabelSigningInput(rpctest::kGtin, rpctest::kLot, serial));
  const std::string url = FormatLabelUrl("https://localhost", rpctest::kGtin,
                                         rpctest::kLot, serial, signature);
  EXPECT_EQ(Run({"verify", "--offline", "--url", url}), 0);
  EXPECT_EQ(Run({"verify", "--online", "--url", url}), kExitNotGenuine);
  EXPECT_THAT(out_.str(), HasSubstr("never issued in the log"));
}

TEST_F(OfflineVerifyTest, I_ForgedBundleCheckpointIsRefused) {
  const std::string good = ReadAll(BundlePath());
  auto bundle = ParseTrustBundle(good);
  ASSERT_TRUE(bundle.ok());
  // The same checkpoint text signed by another key with the log's name.
  auto note = ParseNote(bundle->checkpoint);
  ASSERT_TRUE(note.ok());
  auto checkpoint = ParseCheckpointText(note->text);
  ASSERT_TRUE(checkpoint.ok());
  Ed25519PrivateKey forger = Ed25519PrivateKey::Generate();
  auto signer = MakeNoteSigner(checkpoint->origin, forger);
  ASSERT_TRUE(signer.ok());
  auto forged = SignCheckpoint(*checkpoint, *signer);
  ASSERT_TRUE(forged.ok());
  TrustBundle bad = *bundle;
  bad.checkpoint = *forged;
  WriteAll(BundlePath(), FormatTrustBundle(bad));
  EXPECT_EQ(Run({"verify", "--offline", "--url", (*labels_)[0].url()}), 4);
  EXPECT_THAT(err_.str(), HasSubstr("not signed by the pinned log key"));
  // A flipped byte anywhere in the entries or proofs fails too.
  for (size_t i = 0; i < bundle->snapshot.entry.size(); i += 7) {
    TrustBundle altered = *bundle;
    altered.snapshot.entry[i] ^= 0x01;
    WriteAll(BundlePath(), FormatTrustBundle(altered));
    EXPECT_EQ(Run({"verify", "--offline", "--url", (*labels_)[0].url()}), 4)
        << "byte " << i;
  }
  TrustBundle altered_body = *bundle;
  altered_body.snapshot.body[3] ^= 0x01;
  WriteAll(BundlePath(), FormatTrustBundle(altered_body));
  EXPECT_EQ(Run({"verify", "--offline", "--url", (*labels_)[0].url()}), 4);
  EXPECT_THAT(err_.str(), HasSubstr("snapshot body does not hash"));
  WriteAll(BundlePath(), good);
  EXPECT_EQ(Run({"verify", "--offline", "--url", (*labels_)[0].url()}), 0);
}

TEST_F(OfflineVerifyTest, J_CheckpointInconsistentWithLastSeenIsASplitView) {
  const std::string last = ConfigDir() + "/last-checkpoint.txt";
  const std::string good = ReadAll(last);
  // A checkpoint of a forked log: same size, another root, signed by the
  // real log key (a log that shows two histories).
  auto log_pem = ReadAll(server_->data_dir() + "/keys/log.pem");
  auto log_private = Ed25519PrivateKey::FromPem(log_pem);
  ASSERT_TRUE(log_private.ok());
  auto parsed = ParseNote(good);
  ASSERT_TRUE(parsed.ok());
  auto checkpoint = ParseCheckpointText(parsed->text);
  ASSERT_TRUE(checkpoint.ok());
  auto log_signer = MakeNoteSigner(checkpoint->origin, *log_private);
  ASSERT_TRUE(log_signer.ok());
  Checkpoint fork = *checkpoint;
  fork.size += 1000;
  fork.root[0] ^= 0xff;
  auto forked = SignCheckpoint(fork, *log_signer);
  ASSERT_TRUE(forked.ok());
  WriteAll(last, *forked);
  const std::string bundle_before = ReadAll(BundlePath());
  EXPECT_EQ(Run({"trust", "sync"}), 4);
  EXPECT_THAT(err_.str(), HasSubstr("SPLIT-VIEW WARNING"));
  EXPECT_THAT(err_.str(), HasSubstr("trust bundle was not changed"));
  EXPECT_EQ(ReadAll(BundlePath()), bundle_before);
  WriteAll(last, good);
  Sync();
}

TEST_F(OfflineVerifyTest, K_ProofBundleVerifiesAndEveryAlteredByteFails) {
  const std::string file = TempFile("batch.tlog-proof");
  ASSERT_EQ(
      Run({"proof", "export", absl::StrCat(rpctest::kGtin, "/", rpctest::kLot),
           "--out", file}),
      0)
      << err_.str();
  const std::string text = ReadAll(file);
  ASSERT_EQ(Run({"proof", "verify", file}), 0) << err_.str();
  EXPECT_THAT(out_.str(), HasSubstr("proof bundle verified"));
  EXPECT_THAT(out_.str(), HasSubstr("labels.voided"));
  auto bundle = ParseProofBundle(text);
  ASSERT_TRUE(bundle.ok()) << bundle.status();
  EXPECT_EQ(bundle->entries.size(), 6u);  // created, 3 events, issued, voided
  EXPECT_GE(bundle->keys.size(), 3u);     // authority, producer, label key
  const NoteVerifier log_key = *ParseVkey(
      nlohmann::json::parse(ReadAll(ConfigDir() + "/config.json"))["log_key"]
          .get<std::string>());
  ASSERT_TRUE(VerifyProofBundle(text, log_key).ok());
  // Every byte position, flipped: always refused, with a message.
  std::set<std::string> messages;
  for (size_t i = 0; i < text.size(); ++i) {
    std::string altered = text;
    altered[i] ^= 0x01;
    auto verified = VerifyProofBundle(altered, log_key);
    ASSERT_FALSE(verified.ok()) << "byte " << i << " of " << text.size();
    EXPECT_EQ(verified.status().code(), absl::StatusCode::kDataLoss);
    messages.insert(std::string(verified.status().message()).substr(0, 40));
  }
  EXPECT_GT(messages.size(), 5u);
  // Each section's failure is named.
  auto fails_with = [&](const std::string& altered, const std::string& words) {
    auto verified = VerifyProofBundle(altered, log_key);
    ASSERT_FALSE(verified.ok());
    EXPECT_THAT(std::string(verified.status().message()), HasSubstr(words));
  };
  ProofBundle changed = *bundle;
  changed.entries[1].body[2] ^= 0x01;
  fails_with(FormatProofBundle(changed), "entry 1 (log index");
  changed = *bundle;
  changed.entries[2].proof[0][0] ^= 0x01;
  fails_with(FormatProofBundle(changed), "inclusion proof does not lead");
  changed = *bundle;
  changed.keys.erase(changed.keys.begin());
  fails_with(FormatProofBundle(changed), "key");
  changed = *bundle;
  changed.checkpoint[0] ^= 0x01;
  fails_with(FormatProofBundle(changed), "checkpoint");
  std::swap(changed.entries[0], changed.entries[1]);
  // The CLI says it too, with exit code 4.
  std::string altered = text;
  altered[text.size() / 2] ^= 0x01;
  WriteAll(file, altered);
  EXPECT_EQ(Run({"proof", "verify", file}), 4);
  EXPECT_THAT(err_.str(), HasSubstr("proof bundle:"));
}

TEST(ImageDecodeTest, PhonePhotoOfALabelStillDecodes) {
  const std::string url =
      "https://tx.ocop.example.vn/01/08934563123451/10/L2024-06A/21/"
      "0123456789?s=" +
      std::string(155, '7');
  labelgen::LabelData label;
  label.url = url;
  label.product_name = "Miến dong Tài Hoan";
  label.lot = "L2024-06A";
  label.serial = "0123456789";
  auto layout = labelgen::ParseLayout("a4-3x8");
  ASSERT_TRUE(layout.ok());
  auto png = labelgen::RenderLabelPng(label, labelgen::GeometryOf(*layout),
                                      labelgen::EcLevel::kM, 4);
  ASSERT_TRUE(png.ok()) << png.status();
  auto image = DecodeImage(*png);
  ASSERT_TRUE(image.ok()) << image.status();
  auto codes = FindQrCodes(*image);
  ASSERT_EQ(codes.size(), 1u);
  EXPECT_EQ(codes[0].text, url);

  // Rotated by 7°, scaled by 1.6 and slightly blurred, on a grey table:
  // drawn with cairo the way a phone photo looks.
  const int width = static_cast<int>(image->width * 2.2);
  const int height = static_cast<int>(image->height * 2.2);
  cairo_surface_t* source =
      cairo_image_surface_create(CAIRO_FORMAT_A8, image->width, image->height);
  cairo_surface_flush(source);
  unsigned char* data = cairo_image_surface_get_data(source);
  const int stride = cairo_image_surface_get_stride(source);
  for (int y = 0; y < image->height; ++y) {
    for (int x = 0; x < image->width; ++x) {
      // A8 as coverage of black ink.
      data[y * stride + x] = 255 - image->pixels[y * image->width + x];
    }
  }
  cairo_surface_mark_dirty(source);
  cairo_surface_t* photo =
      cairo_image_surface_create(CAIRO_FORMAT_RGB24, width, height);
  cairo_t* cr = cairo_create(photo);
  cairo_set_source_rgb(cr, 0.85, 0.83, 0.8);
  cairo_paint(cr);
  cairo_translate(cr, width / 2.0, height / 2.0);
  cairo_rotate(cr, 7 * 3.14159265 / 180);
  cairo_scale(cr, 1.6, 1.6);
  cairo_translate(cr, -image->width / 2.0, -image->height / 2.0);
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_rectangle(cr, 0, 0, image->width, image->height);
  cairo_fill(cr);
  cairo_set_source_rgb(cr, 0.1, 0.1, 0.12);
  cairo_pattern_t* pattern = cairo_pattern_create_for_surface(source);
  cairo_pattern_set_filter(pattern, CAIRO_FILTER_BILINEAR);
  cairo_mask(cr, pattern);
  cairo_pattern_destroy(pattern);
  cairo_destroy(cr);
  cairo_surface_flush(photo);
  // To grey, with a 3x3 box blur.
  GrayImage grey;
  grey.width = width;
  grey.height = height;
  grey.pixels.resize(static_cast<size_t>(width) * height);
  const unsigned char* rgb = cairo_image_surface_get_data(photo);
  const int rgb_stride = cairo_image_surface_get_stride(photo);
  auto at = [&](int x, int y) {
    x = std::clamp(x, 0, width - 1);
    y = std::clamp(y, 0, height - 1);
    const unsigned char* p = rgb + y * rgb_stride + 4 * x;
    return (p[0] + p[1] + p[2]) / 3;
  };
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      int sum = 0;
      for (int dy = -1; dy <= 1; ++dy) {
        for (int dx = -1; dx <= 1; ++dx) sum += at(x + dx, y + dy);
      }
      grey.pixels[static_cast<size_t>(y) * width + x] =
          static_cast<uint8_t>(sum / 9);
    }
  }
  cairo_surface_destroy(photo);
  cairo_surface_destroy(source);
  auto photo_codes = FindQrCodes(grey);
  ASSERT_EQ(photo_codes.size(), 1u);
  EXPECT_EQ(photo_codes[0].text, url);
}

TEST(ImageDecodeTest, PrintedSheetYieldsEveryLabelLargestFirst) {
  if (std::system("command -v pdftoppm >/dev/null 2>&1") != 0) {
    GTEST_SKIP() << "pdftoppm is not installed (poppler-utils)";
  }
  const std::string dir = std::filesystem::temp_directory_path() /
                          ("inspect-sheet-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::vector<labelgen::LabelData> labels;
  for (int i = 0; i < 6; ++i) {
    labelgen::LabelData label;
    label.serial = absl::StrCat("000000000", i);
    label.url =
        absl::StrCat("https://tx.ocop.example.vn/01/08934563123451/10/L1/21/",
                     label.serial, "?s=", std::string(155, '1' + i));
    label.product_name = "Miến dong Tài Hoan";
    label.lot = "L1";
    labels.push_back(label);
  }
  auto layout = labelgen::ParseLayout("a4-3x8");
  ASSERT_TRUE(layout.ok());
  ASSERT_TRUE(
      labelgen::RenderSheetPdf(labels, *layout, dir + "/sheet.pdf").ok());
  ASSERT_EQ(std::system(("pdftoppm -r 200 -gray -singlefile " + dir +
                         "/sheet.pdf " + dir + "/sheet")
                            .c_str()),
            0);
  auto image = LoadImage(dir + "/sheet.pgm");
  ASSERT_TRUE(image.ok()) << image.status();
  auto codes = FindQrCodes(*image);
  std::set<std::string> texts;
  for (const FoundCode& code : codes) texts.insert(code.text);
  EXPECT_EQ(texts.size(), 6u);
  for (const auto& label : labels) EXPECT_TRUE(texts.contains(label.url));
  for (size_t i = 1; i < codes.size(); ++i) {
    EXPECT_GE(codes[i - 1].area(), codes[i].area());
  }
  std::filesystem::remove_all(dir);
}

TEST(ImageDecodeTest, BadImagesSayWhatIsWrong) {
  EXPECT_THAT(std::string(DecodeImage("hello").status().message()),
              HasSubstr("not a PNG, JPEG"));
  EXPECT_THAT(std::string(DecodeImage(std::string("\x89PNG\r\n\x1a\nxx", 10))
                              .status()
                              .message()),
              HasSubstr("PNG image does not decode"));
  EXPECT_THAT(
      std::string(DecodeImage("\xff\xd8\xff\xe0garbage").status().message()),
      HasSubstr("JPEG image does not decode"));
  EXPECT_EQ(LoadImage("/nonexistent/photo.jpg").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_TRUE(
      FindQrCodes(GrayImage{10, 10, std::vector<uint8_t>(100, 255)}).empty());
}

TEST(TrustBundleTest, SerialsUnpackAsDocumented) {
  auto serials = UnpackIssuedSerials(std::string(
      "\x00\x01\x10\xc8\x53\x1d\x09\x03\xff\xff\xff\xff\xff\xff", 14));
  ASSERT_TRUE(serials.ok()) << serials.status();
  EXPECT_EQ(*serials, (std::vector<std::string>{"0123456789", "ZZZZZZZZZZ"}));
  EXPECT_FALSE(UnpackIssuedSerials("abc").ok());
  EXPECT_FALSE(UnpackIssuedSerials(std::string("\x04\0\0\0\0\0\0", 7)).ok());
}

TEST(TrustBundleTest, AgeInWords) {
  EXPECT_EQ(AgeInWords(absl::Seconds(5)), "just now");
  EXPECT_EQ(AgeInWords(absl::Minutes(12)), "12 minutes ago");
  EXPECT_EQ(AgeInWords(absl::Hours(5)), "5 hours ago");
  EXPECT_EQ(AgeInWords(absl::Hours(24 * 3 + 2)), "3 days ago");
  EXPECT_EQ(AgeInWordsVi(absl::Hours(24 * 3 + 2)), "3 ngày trước");
}

TEST(TrustBundleTest, ParseRefusesMalformedFiles) {
  EXPECT_FALSE(ParseTrustBundle("[]").ok());
  EXPECT_THAT(
      std::string(ParseTrustBundle("{\"format\":\"x\"}").status().message()),
      HasSubstr("format"));
}

}  // namespace
}  // namespace ocoptrace::client
