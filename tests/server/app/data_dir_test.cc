// The data directory: key files (created once, 0600, never overwritten),
// names.json, label key rotation, and traced.json.

#include "server/app/data_dir.h"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/app/config.h"
#include "tests/server/rpc/test_client.h"

namespace ocoptrace::app {
namespace {

using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;

int ModeOf(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return -1;
  return st.st_mode & 07777;
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void Spit(const std::string& path, const std::string& contents) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << contents;
}

TEST(OriginTest, AcceptsLowerCaseHostNames) {
  EXPECT_TRUE(ValidateOrigin("tx.ocop.example.vn").ok());
  EXPECT_TRUE(ValidateOrigin("localhost").ok());
  EXPECT_TRUE(ValidateOrigin("bac-kan.ocop.vn").ok());
}

TEST(OriginTest, RefusesOtherTextNamingTheFlag) {
  for (const char* origin : {"", "TX.example.vn", "tx.example.vn/log", "-tx.vn",
                             "tx.vn.", "tx_ocop.vn", "bắc-kạn.vn"}) {
    const absl::Status status = ValidateOrigin(origin);
    ASSERT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << origin;
    EXPECT_THAT(std::string(status.message()), HasSubstr("--origin"));
  }
}

TEST(KeyNamesTest, DefaultsDeriveFromTheOrigin) {
  const KeyNames names = DefaultKeyNames("tx.example.vn");
  EXPECT_EQ(names.log, "tx.example.vn/log");
  EXPECT_EQ(names.authority, "tx.example.vn/authority");
  EXPECT_THAT(names.labels, ::testing::ElementsAre("tx.example.vn/label-1"));
  EXPECT_EQ(OriginOf(names), "tx.example.vn");
}

class DataDirTest : public ::testing::Test {
 protected:
  rpctest::TempDir temp_;
  DataDir dir_{temp_.path()};
};

TEST_F(DataDirTest, UninitialisedDirectorySaysToRunInit) {
  absl::StatusOr<KeyNames> names = ReadKeyNames(dir_);
  ASSERT_EQ(names.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(names.status().message()),
              HasSubstr("traced --init"));
  EXPECT_EQ(LoadServiceKeys(dir_).status().code(), absl::StatusCode::kNotFound);
}

TEST_F(DataDirTest, CreatesKeysOnceWithOwnerOnlyModes) {
  absl::StatusOr<std::vector<std::string>> created =
      CreateMissingKeys(dir_, DefaultKeyNames("tx.example.vn"));
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_THAT(*created,
              UnorderedElementsAre(
                  dir_.root() + "/", dir_.keys() + "/", dir_.log_key_file(),
                  dir_.authority_key_file(), dir_.label_key_file(1),
                  dir_.pin_key_file(), dir_.names_file()));
  EXPECT_EQ(ModeOf(dir_.root()), 0700);
  EXPECT_EQ(ModeOf(dir_.keys()), 0700);
  for (const std::string& file :
       {dir_.log_key_file(), dir_.authority_key_file(), dir_.label_key_file(1),
        dir_.pin_key_file(), dir_.names_file()}) {
    EXPECT_EQ(ModeOf(file), 0600) << file;
  }
  EXPECT_THAT(Slurp(dir_.log_key_file()), HasSubstr("BEGIN PRIVATE KEY"));

  // Again: nothing created, nothing replaced.
  const std::string log_key = Slurp(dir_.log_key_file());
  created = CreateMissingKeys(dir_, DefaultKeyNames("tx.example.vn"));
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_TRUE(created->empty());
  EXPECT_EQ(Slurp(dir_.log_key_file()), log_key);

  absl::StatusOr<trace::ServiceKeys> keys = LoadServiceKeys(dir_);
  ASSERT_TRUE(keys.ok()) << keys.status();
  EXPECT_EQ(keys->log.name, "tx.example.vn/log");
  EXPECT_EQ(keys->authority.name, "tx.example.vn/authority");
  ASSERT_EQ(keys->labels.size(), 1u);
  EXPECT_EQ(keys->labels[0].name, "tx.example.vn/label-1");
  EXPECT_NE(keys->log.key.public_key(), keys->authority.key.public_key());
  EXPECT_EQ(keys->pin_hmac_key.size(), 32u);
  EXPECT_EQ(Slurp(dir_.pin_key_file()).size(), 65u);  // 64 hex digits, \n.
}

TEST_F(DataDirTest, PinKeyIsOptionalButMustBeWellFormedAndPrivate) {
  ASSERT_TRUE(CreateMissingKeys(dir_, DefaultKeyNames("tx.example.vn")).ok());
  // A directory made before PIN keys existed: no key, PINs refused.
  std::filesystem::remove(dir_.pin_key_file());
  absl::StatusOr<trace::ServiceKeys> keys = LoadServiceKeys(dir_);
  ASSERT_TRUE(keys.ok()) << keys.status();
  EXPECT_TRUE(keys->pin_hmac_key.empty());

  ASSERT_TRUE(WriteNewFile(dir_.pin_key_file(), "abcd\n", 0600).ok());
  keys = LoadServiceKeys(dir_);
  ASSERT_EQ(keys.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(keys.status().message()), HasSubstr("pin-hmac.key"));

  std::filesystem::remove(dir_.pin_key_file());
  ASSERT_TRUE(
      WriteNewFile(dir_.pin_key_file(), std::string(64, 'a') + "\n", 0644)
          .ok());
  keys = LoadServiceKeys(dir_);
  ASSERT_EQ(keys.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(keys.status().message()), HasSubstr("chmod 600"));

  ::chmod(dir_.pin_key_file().c_str(), 0600);
  keys = LoadServiceKeys(dir_);
  ASSERT_TRUE(keys.ok()) << keys.status();
  EXPECT_EQ(keys->pin_hmac_key, std::string(32, '\xaa'));
}

TEST_F(DataDirTest, OnlyMissingKeysAreRecreated) {
  ASSERT_TRUE(CreateMissingKeys(dir_, DefaultKeyNames("tx.example.vn")).ok());
  const std::string log_key = Slurp(dir_.log_key_file());
  std::filesystem::remove(dir_.label_key_file(1));
  absl::StatusOr<std::vector<std::string>> created =
      CreateMissingKeys(dir_, DefaultKeyNames("tx.example.vn"));
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_THAT(*created, UnorderedElementsAre(dir_.label_key_file(1)));
  EXPECT_EQ(Slurp(dir_.log_key_file()), log_key);
}

TEST_F(DataDirTest, TheOriginOfALogNeverChanges) {
  ASSERT_TRUE(CreateMissingKeys(dir_, DefaultKeyNames("tx.example.vn")).ok());
  absl::StatusOr<std::vector<std::string>> created =
      CreateMissingKeys(dir_, DefaultKeyNames("other.example.vn"));
  ASSERT_EQ(created.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(created.status().message()),
              HasSubstr("tx.example.vn/log"));
}

TEST_F(DataDirTest, KeyFilesReadableByOthersAreRefused) {
  ASSERT_TRUE(CreateMissingKeys(dir_, DefaultKeyNames("tx.example.vn")).ok());
  ::chmod(dir_.authority_key_file().c_str(), 0644);
  absl::StatusOr<trace::ServiceKeys> keys = LoadServiceKeys(dir_);
  ASSERT_EQ(keys.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(keys.status().message()), HasSubstr("chmod 600"));
  EXPECT_THAT(std::string(keys.status().message()), HasSubstr("0644"));
}

TEST_F(DataDirTest, MissingOrBrokenKeyFilesAreNamed) {
  ASSERT_TRUE(CreateMissingKeys(dir_, DefaultKeyNames("tx.example.vn")).ok());
  std::filesystem::remove(dir_.label_key_file(1));
  absl::StatusOr<trace::ServiceKeys> keys = LoadServiceKeys(dir_);
  ASSERT_EQ(keys.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(keys.status().message()), HasSubstr("label-1.pem"));

  ASSERT_TRUE(WriteNewFile(dir_.label_key_file(1), "not a key\n", 0600).ok());
  keys = LoadServiceKeys(dir_);
  ASSERT_EQ(keys.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(keys.status().message()), HasSubstr("label-1.pem"));
}

TEST_F(DataDirTest, MalformedNamesFileIsNamed) {
  ASSERT_TRUE(CreateMissingKeys(dir_, DefaultKeyNames("tx.example.vn")).ok());
  Spit(dir_.names_file(), "{\"log\": \"tx.example.vn/log\"}");
  absl::StatusOr<KeyNames> names = ReadKeyNames(dir_);
  ASSERT_EQ(names.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(names.status().message()), HasSubstr("names.json"));
  EXPECT_THAT(std::string(names.status().message()), HasSubstr("authority"));
}

TEST_F(DataDirTest, AddLabelKeyFileRotates) {
  ASSERT_TRUE(CreateMissingKeys(dir_, DefaultKeyNames("tx.example.vn")).ok());
  absl::StatusOr<std::string> name = AddLabelKeyFile(dir_);
  ASSERT_TRUE(name.ok()) << name.status();
  EXPECT_EQ(*name, "tx.example.vn/label-2");
  EXPECT_EQ(ModeOf(dir_.label_key_file(2)), 0600);
  absl::StatusOr<trace::ServiceKeys> keys = LoadServiceKeys(dir_);
  ASSERT_TRUE(keys.ok()) << keys.status();
  ASSERT_EQ(keys->labels.size(), 2u);
  EXPECT_EQ(keys->labels[1].name, "tx.example.vn/label-2");
  EXPECT_EQ(ModeOf(dir_.names_file()), 0600);
}

TEST_F(DataDirTest, WriteNewFileNeverOverwrites) {
  std::filesystem::create_directories(dir_.root());
  const std::string path = dir_.root() + "/x";
  ASSERT_TRUE(WriteNewFile(path, "one", 0600).ok());
  EXPECT_EQ(WriteNewFile(path, "two", 0600).code(),
            absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(Slurp(path), "one");
  ASSERT_TRUE(ReplaceFile(path, "three", 0600).ok());
  EXPECT_EQ(Slurp(path), "three");
}

TEST_F(DataDirTest, ServeSettingsDefaultWhenThereIsNoFile) {
  absl::StatusOr<ServeSettings> settings = ReadServeSettings(dir_);
  ASSERT_TRUE(settings.ok()) << settings.status();
  EXPECT_EQ(settings->listen, "127.0.0.1:7443");
  EXPECT_EQ(settings->resolver_base, "https://localhost");
  EXPECT_FALSE(settings->allow_insecure_remote);
}

TEST_F(DataDirTest, ServeSettingsRoundTripAndResolveRelativePaths) {
  std::filesystem::create_directories(dir_.root());
  ServeSettings written;
  written.listen = "0.0.0.0:7443";
  written.resolver_base = "https://tx.ocop.example.vn";
  written.tls_cert = "tls/cert.pem";
  written.tls_key = "/etc/ocoptrace/key.pem";
  absl::StatusOr<bool> wrote = WriteServeSettingsIfMissing(dir_, written);
  ASSERT_TRUE(wrote.ok() && *wrote) << wrote.status();
  wrote = WriteServeSettingsIfMissing(dir_, ServeSettings());
  ASSERT_TRUE(wrote.ok());
  EXPECT_FALSE(*wrote);  // Never overwritten.

  absl::StatusOr<ServeSettings> read = ReadServeSettings(dir_);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->listen, "0.0.0.0:7443");
  EXPECT_EQ(read->resolver_base, "https://tx.ocop.example.vn");
  EXPECT_EQ(read->tls_cert, dir_.root() + "/tls/cert.pem");
  EXPECT_EQ(read->tls_key, "/etc/ocoptrace/key.pem");
}

TEST_F(DataDirTest, ServeSettingsErrorsNameTheKey) {
  std::filesystem::create_directories(dir_.root());
  const std::pair<const char*, const char*> cases[] = {
      {"{\"listne\": \"127.0.0.1:1\"}", "listne"},
      {"{\"listen\": 7443}", "listen"},
      {"{\"allow_insecure_remote\": \"yes\"}", "allow_insecure_remote"},
      {"{\"resolver_base\": \"https://TX.vn/\"}", "resolver_base"},
      {"[1, 2]", "JSON object"},
  };
  for (const auto& [json, named] : cases) {
    std::filesystem::remove(dir_.config_file());
    Spit(dir_.config_file(), json);
    absl::StatusOr<ServeSettings> settings = ReadServeSettings(dir_);
    ASSERT_EQ(settings.status().code(), absl::StatusCode::kInvalidArgument)
        << json;
    EXPECT_THAT(std::string(settings.status().message()), HasSubstr(named));
    EXPECT_THAT(std::string(settings.status().message()),
                HasSubstr("traced.json"));
  }
}

TEST(ResolverBaseTest, ValidatesSchemeAndHost) {
  EXPECT_TRUE(ValidateResolverBase("https://tx.ocop.example.vn").ok());
  EXPECT_TRUE(ValidateResolverBase("http://127.0.0.1:8080").ok());
  for (const char* base : {"tx.ocop.example.vn", "https://", "https://TX.vn",
                           "https://tx.vn/", "https://tx.vn/path", "ftp://x"}) {
    const absl::Status status = ValidateResolverBase(base);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << base;
    EXPECT_THAT(std::string(status.message()), HasSubstr("--resolver-base"));
  }
  EXPECT_EQ(ResolverHost("https://tx.ocop.example.vn"), "tx.ocop.example.vn");
  EXPECT_EQ(ResolverHost("http://127.0.0.1:8080"), "127.0.0.1");
}

}  // namespace
}  // namespace ocoptrace::app
