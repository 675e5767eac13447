// Small pieces of the site wiring: the current administrative unit of an
// address after the 2025 reform, the --http address and the traced.json
// "http" key, the bounded blocking worker, and the Digital Link round trip
// of an all-digit query key without '=' (fixed in core/digital_link.cc for
// the consumers' door; the fuzzer no longer skips it).
#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>

#include "absl/synchronization/notification.h"
#include "core/digital_link.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/app/config.h"
#include "server/site/admin_units.h"
#include "server/site/blocking_worker.h"
#include "tests/server/rpc/test_client.h"

namespace ocoptrace {
namespace {

using ::testing::HasSubstr;

v1::Address AddressOf(std::string text, std::string recorded_on = "") {
  v1::Address address;
  address.set_text_as_recorded(std::move(text));
  if (!recorded_on.empty()) {
    address.mutable_recorded_on()->set_iso_date(recorded_on);
  }
  return address;
}

TEST(AdminUnitsTest, FormerBacKanCommunesMapToTheirNewUnits) {
  EXPECT_EQ(
      site::CurrentAdminUnit(AddressOf(
          "thôn Chè Cọ, xã Côn Minh, huyện Na Rì, tỉnh Bắc Kạn", "2024-01-15")),
      "Xã Côn Minh, tỉnh Thái Nguyên");
  EXPECT_EQ(
      site::CurrentAdminUnit(AddressOf(
          "Tổ 10, phường Nguyễn Thị Minh Khai, TP Bắc Kạn, tỉnh Bắc Kạn")),
      "Phường Đức Xuân, tỉnh Thái Nguyên");
  EXPECT_EQ(site::CurrentAdminUnit(
                AddressOf("thôn Nà Mày, xã Yến Dương, huyện Ba Bể, Bắc Kạn")),
            "Xã Thượng Minh, tỉnh Thái Nguyên");
  // An old address entered after the reform is still an old address.
  EXPECT_EQ(site::CurrentAdminUnit(AddressOf(
                "thôn Chè Cọ, xã Côn Minh, tỉnh Bắc Kạn", "2026-11-29")),
            "Xã Côn Minh, tỉnh Thái Nguyên");
  // From the recorded units rather than the text.
  v1::Address units = AddressOf("Khuổi Piểu");
  v1::AdminUnit* commune = units.add_units_at_time();
  commune->set_name("Xã Quang Thuận");
  commune->set_level("commune");
  v1::AdminUnit* province = units.add_units_at_time();
  province->set_code("06");
  province->set_name("Tỉnh Bắc Kạn");
  province->set_level("province");
  EXPECT_EQ(site::CurrentAdminUnit(units), "Xã Bạch Thông, tỉnh Thái Nguyên");
  // A commune not in the table: the province is still known.
  EXPECT_EQ(site::CurrentAdminUnit(
                AddressOf("xã Không Có Tên, huyện Chợ Mới, tỉnh Bắc Kạn")),
            "tỉnh Thái Nguyên");
}

TEST(AdminUnitsTest, OtherAddressesAreLeftAlone) {
  EXPECT_EQ(site::CurrentAdminUnit(
                AddressOf("xã Côn Minh, tỉnh Thái Nguyên", "2025-08-01")),
            "");
  EXPECT_EQ(
      site::CurrentAdminUnit(AddressOf("phường Bến Nghé, TP Hồ Chí Minh")), "");
  // What the server already derived wins.
  v1::Address derived = AddressOf("xã Côn Minh, tỉnh Bắc Kạn");
  derived.add_current_units()->set_name("Xã Côn Minh");
  derived.add_current_units()->set_name("Thái Nguyên");
  EXPECT_EQ(site::CurrentAdminUnit(derived), "Xã Côn Minh, Thái Nguyên");
}

TEST(HttpAddressTest, ParsesHostAndPort) {
  auto v4 = app::ParseHttpAddress("127.0.0.1:8080");
  ASSERT_TRUE(v4.ok());
  EXPECT_EQ(v4->host, "127.0.0.1");
  EXPECT_EQ(v4->port, 8080);
  auto any = app::ParseHttpAddress("0.0.0.0:0");
  ASSERT_TRUE(any.ok());
  EXPECT_EQ(any->port, 0);
  auto v6 = app::ParseHttpAddress("[::1]:80");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, 80);
  for (const char* bad :
       {"8080", "127.0.0.1", "127.0.0.1:", ":8080", "127.0.0.1:65536",
        "127.0.0.1:http", "::1:80", "[::1]80"}) {
    absl::StatusOr<app::HttpAddress> parsed = app::ParseHttpAddress(bad);
    EXPECT_FALSE(parsed.ok()) << bad;
    EXPECT_THAT(parsed.status().message(), HasSubstr("--http")) << bad;
  }
}

TEST(HttpAddressTest, TracedJsonHttpKey) {
  rpctest::TempDir dir;
  std::filesystem::create_directories(dir.path());
  const app::DataDir data(dir.path());
  {
    std::ofstream out(data.config_file());
    out << R"({"listen": "127.0.0.1:7443", "http": "127.0.0.1:8080"})";
  }
  auto settings = app::ReadServeSettings(data);
  ASSERT_TRUE(settings.ok()) << settings.status();
  EXPECT_EQ(settings->http, "127.0.0.1:8080");
  {
    std::ofstream out(data.config_file());
    out << R"({"http": "localhost"})";
  }
  auto bad = app::ReadServeSettings(data);
  EXPECT_FALSE(bad.ok());
  EXPECT_THAT(bad.status().message(), HasSubstr("\"http\""));
  // The daemon's config picks it up.
  {
    std::ofstream out(data.config_file());
    out << R"({"http": "127.0.0.1:0"})";
  }
  auto config = app::ConfigFromDataDir(dir.path());
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->http_listen, "127.0.0.1:0");
}

TEST(BlockingWorkerTest, RunsInOrderAndRefusesBeyondItsBound) {
  absl::Notification release;
  std::string order;
  {
    site::BlockingWorker worker(/*max_pending=*/2);
    ASSERT_TRUE(worker.Post([&] {
      release.WaitForNotification();
      order += "a";
    }));
    // The first task may still be queued or already running: fill up.
    int accepted = 0;
    for (int i = 0; i < 3; ++i) {
      if (worker.Post([&order] { order += "b"; })) ++accepted;
    }
    EXPECT_LE(accepted, 2);
    EXPECT_GE(accepted, 1);
    release.Notify();
  }  // The destructor runs what is queued.
  EXPECT_EQ(order.substr(0, 2), "ab");
}

TEST(DigitalLinkQueryTest, AllDigitKeyWithoutValueIsAnEmptyAi) {
  // "?17" cannot be an extension parameter (its key would need a
  // non-digit): it is AI 17 with an empty value, refused by name.
  absl::StatusOr<DigitalLink> bare =
      ParseDigitalLink("https://a.vn/01/08934563123451?17");
  ASSERT_FALSE(bare.ok());
  EXPECT_THAT(bare.status().message(), HasSubstr("AI (17)"));
  EXPECT_THAT(bare.status().message(), HasSubstr("empty"));
  EXPECT_FALSE(ParseDigitalLinkPath("/01/08934563123451", "s=1&99").ok());
  // Non-numeric keys without '=' still are ordinary parameters, and the
  // round trip holds.
  absl::StatusOr<DigitalLink> link =
      ParseDigitalLink("https://a.vn/01/08934563123451?x1&17=251231");
  ASSERT_TRUE(link.ok()) << link.status();
  absl::StatusOr<DigitalLink> again =
      ParseDigitalLink(FormatDigitalLink(*link));
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(*again, *link);
}

}  // namespace
}  // namespace ocoptrace
