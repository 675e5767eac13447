// Tests of client/demo_dataset: the committed Bắc Kạn demo dataset
// (deploy/demo/backan.json, read from OCOPTRACE_DEMO_DATASET) parses and
// holds the facts of domain.md §7, and bad datasets are refused with an
// error naming the JSON path.

#include "client/demo_dataset.h"

#include <algorithm>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace ocoptrace::client {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

// The day every relative date ("today-30d") is resolved against.
const absl::CivilDay kAnchor(2026, 11, 29);

std::string ReadDataset() {
  std::ifstream in(OCOPTRACE_DEMO_DATASET);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

nlohmann::json DatasetJson() { return nlohmann::json::parse(ReadDataset()); }

// GS1 check digit of a GTIN's first 13 of 14 digits, computed here
// independently of core/gs1.
char CheckDigit(const std::string& gtin14) {
  int sum = 0;
  for (int i = 0; i < 13; ++i) {
    sum += (gtin14[i] - '0') * (i % 2 == 0 ? 3 : 1);
  }
  return static_cast<char>('0' + (10 - sum % 10) % 10);
}

absl::CivilDay Day(const v1::Date& date) {
  absl::CivilDay day;
  EXPECT_TRUE(absl::ParseCivilTime(date.iso_date(), &day)) << date.iso_date();
  return day;
}

// The last valid day: valid_until as given, else 36 months after the
// decision, less a day.
absl::CivilDay LastValidDay(const v1::CertificateRecord& record) {
  if (!record.valid_until().iso_date().empty()) {
    return Day(record.valid_until());
  }
  const absl::CivilDay decision = Day(record.decision_date());
  return absl::CivilDay(decision.year() + 3, decision.month(), decision.day()) -
         1;
}

class DemoDatasetTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<DemoDataset> parsed =
        ParseDemoDataset(ReadDataset(), kAnchor);
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    data_ = *std::move(parsed);
  }

  const v1::ProductRecord& Product(const std::string& name) {
    for (const v1::ProductRecord& product : data_.products) {
      if (product.name() == name) return product;
    }
    ADD_FAILURE() << "no product named " << name;
    static const v1::ProductRecord kNone;
    return kNone;
  }

  std::vector<const DemoCertificate*> CertificatesOf(const std::string& gtin) {
    std::vector<const DemoCertificate*> found;
    for (const DemoCertificate& certificate : data_.certificates) {
      for (const std::string& covered : certificate.record.products()) {
        if (covered == gtin) found.push_back(&certificate);
      }
    }
    return found;
  }

  DemoDataset data_;
};

TEST_F(DemoDatasetTest, HoldsAllThirtyProductsOfTheDomainTable) {
  EXPECT_EQ(data_.products.size(), 30u);
  EXPECT_EQ(data_.producers.size(), 21u);
  EXPECT_EQ(data_.producer_staff.size(), data_.producers.size());
  EXPECT_EQ(data_.certificates.size(), 33u);
  EXPECT_EQ(data_.batches.size(), 3u);
  EXPECT_EQ(data_.products[0].name(), "Miến dong Tài Hoan");
  EXPECT_EQ(data_.products[29].name(), "Gà đen");
  EXPECT_EQ(data_.certifier.principal, "ocop-certifier");
  EXPECT_EQ(data_.certifier.role, v1::ROLE_CERTIFIER);
  EXPECT_EQ(data_.inspector.principal, "ocop-inspector");
  EXPECT_EQ(data_.inspector.role, v1::ROLE_INSPECTOR);
  const DemoIdentity* staff = data_.StaffOf("htx-tai-hoan");
  ASSERT_NE(staff, nullptr);
  EXPECT_EQ(staff->principal, "htx-tai-hoan-staff");
  EXPECT_EQ(staff->key_name, "htx-tai-hoan-staff-1");
  EXPECT_EQ(staff->role, v1::ROLE_PRODUCER);
}

TEST_F(DemoDatasetTest, GtinsUseTheDemoPrefixWithValidCheckDigits) {
  std::map<std::string, std::string> prefix_of;
  for (const v1::ProducerRecord& producer : data_.producers) {
    prefix_of[producer.id()] = producer.gs1_company_prefix();
  }
  for (const v1::ProductRecord& product : data_.products) {
    SCOPED_TRACE(product.name());
    ASSERT_EQ(product.gtin().size(), 14u);
    // GS1 prefix 952: reserved for demonstrations and examples.
    EXPECT_THAT(product.gtin(), StartsWith("0952"));
    EXPECT_EQ(product.gtin().back(), CheckDigit(product.gtin()));
    EXPECT_THAT(product.gtin().substr(1),
                StartsWith(prefix_of[product.producer_id()]));
  }
  EXPECT_EQ(Product("Miến dong Tài Hoan").gtin(), "09520600010014");
}

TEST_F(DemoDatasetTest, MienDongIsTheMinistrysFiveStarProduct) {
  const v1::ProductRecord& mien_dong = Product("Miến dong Tài Hoan");
  EXPECT_EQ(mien_dong.producer_id(), "htx-tai-hoan");
  EXPECT_EQ(mien_dong.group(), v1::OCOP_GROUP_FOOD);
  const DemoCertificate* original = nullptr;
  const DemoCertificate* current = nullptr;
  for (const DemoCertificate* certificate : CertificatesOf(mien_dong.gtin())) {
    if (certificate->record.decision_number() == "2890/QĐ-BNN-VPĐP") {
      original = certificate;
    } else if (LastValidDay(certificate->record) >= kAnchor) {
      current = certificate;
    }
  }
  ASSERT_NE(original, nullptr);
  EXPECT_EQ(original->record.stars(), 5u);
  EXPECT_DOUBLE_EQ(original->record.score(), 91.14);
  EXPECT_EQ(original->record.issuer_level(), v1::ISSUER_LEVEL_CENTRAL);
  EXPECT_EQ(original->record.issuer(),
            "Bộ Nông nghiệp và Phát triển nông thôn");
  EXPECT_EQ(original->record.criteria_version(),
            v1::CRITERIA_VERSION_1048_2019);
  EXPECT_EQ(original->record.decision_date().iso_date().substr(0, 4), "2021");
  EXPECT_EQ(original->record.producer_id(), "htx-tai-hoan");
  // Re-evaluated since (relative date), by the renamed ministry.
  ASSERT_NE(current, nullptr);
  EXPECT_EQ(current->record.stars(), 5u);
  EXPECT_EQ(current->record.issuer_level(), v1::ISSUER_LEVEL_CENTRAL);
  EXPECT_EQ(current->record.issuer(), "Bộ Nông nghiệp và Môi trường");
  EXPECT_EQ(current->record.decision_date().iso_date(), "2026-08-01");
  EXPECT_TRUE(current->record.demo());
}

TEST_F(DemoDatasetTest, TwoCertificatesExpiredOnTenthOfJanuary2023) {
  for (const char* name : {"Trà cà gai leo", "Gạo nếp Tân Sơn"}) {
    SCOPED_TRACE(name);
    std::vector<const DemoCertificate*> certificates =
        CertificatesOf(Product(name).gtin());
    ASSERT_EQ(certificates.size(), 1u);
    const v1::CertificateRecord& record = certificates[0]->record;
    EXPECT_EQ(record.valid_until().iso_date(), "2023-01-10");
    EXPECT_EQ(record.stars(), 3u);
    EXPECT_THAT(record.decision_date().iso_date(), StartsWith("2019-"));
    EXPECT_LT(LastValidDay(record), kAnchor);
  }
  // Trịnh Năng Gừng's 2018 certificate ran out too, with no renewal.
  std::vector<const DemoCertificate*> ginger =
      CertificatesOf(Product("Trịnh Năng Gừng").gtin());
  ASSERT_EQ(ginger.size(), 1u);
  EXPECT_EQ(LastValidDay(ginger[0]->record), absl::CivilDay(2021, 12, 9));
}

TEST_F(DemoDatasetTest, OneCertificateIsRevokedByDecision) {
  std::vector<const DemoCertificate*> revoked;
  for (const DemoCertificate& certificate : data_.certificates) {
    if (certificate.revocation) revoked.push_back(&certificate);
  }
  ASSERT_EQ(revoked.size(), 1u);
  const DemoCertificate& certificate = *revoked[0];
  EXPECT_EQ(certificate.record.products(0), Product("Hồng không hạt").gtin());
  EXPECT_EQ(certificate.record.issuer_level(), v1::ISSUER_LEVEL_DISTRICT);
  EXPECT_EQ(certificate.revocation->decision_number(), "NNN/QĐ-UBND");
  EXPECT_EQ(certificate.revocation->decision_date().iso_date(), "2024-09-20");
  EXPECT_THAT(certificate.revocation->reason(), HasSubstr("1611/QĐ-UBND"));
  EXPECT_TRUE(certificate.record.demo());
}

TEST_F(DemoDatasetTest, VicumaxThreeStarsRenewedAsFiveStars) {
  std::vector<const DemoCertificate*> certificates =
      CertificatesOf(Product("Vicumax Nano Curcumin").gtin());
  ASSERT_EQ(certificates.size(), 2u);
  const v1::CertificateRecord& old = certificates[0]->record;
  const v1::CertificateRecord& renewal = certificates[1]->record;
  EXPECT_EQ(old.stars(), 3u);
  EXPECT_EQ(old.issuer_level(), v1::ISSUER_LEVEL_PROVINCIAL);
  EXPECT_EQ(old.issuer(), "UBND tỉnh Bắc Kạn");
  EXPECT_THAT(old.decision_date().iso_date(), StartsWith("2021-"));
  EXPECT_EQ(renewal.stars(), 5u);
  EXPECT_EQ(renewal.issuer_level(), v1::ISSUER_LEVEL_CENTRAL);
  EXPECT_EQ(renewal.supersedes(), old.number());
  EXPECT_EQ(renewal.criteria_version(), v1::CRITERIA_VERSION_148_2023);
  // Decided before the old one ran out, as a renewal must be.
  EXPECT_LE(Day(renewal.decision_date()), LastValidDay(old));
}

TEST_F(DemoDatasetTest, StarsTodayMatchTheProvincesFourFiveStarProducts) {
  // Products with a certificate valid on the anchor day, by stars.
  std::map<std::string, uint32_t> stars_of;
  for (const DemoCertificate& certificate : data_.certificates) {
    const v1::CertificateRecord& record = certificate.record;
    if (certificate.revocation || Day(record.decision_date()) > kAnchor ||
        LastValidDay(record) < kAnchor) {
      continue;
    }
    for (const std::string& gtin : record.products()) {
      stars_of[gtin] = std::max(stars_of[gtin], record.stars());
    }
  }
  std::map<uint32_t, int> products_by_stars;
  for (const auto& [gtin, stars] : stars_of) ++products_by_stars[stars];
  EXPECT_EQ(products_by_stars[5], 4);
  EXPECT_EQ(products_by_stars[4], 12);
  EXPECT_EQ(products_by_stars[3], 8);
}

TEST_F(DemoDatasetTest, AddressesKeepTheFormerUnitsAndNameTheCurrentOnes) {
  const v1::Address& address = data_.producers[0].address();
  EXPECT_EQ(address.text_as_recorded(),
            "thôn Chè Cọ, xã Côn Minh, huyện Na Rì, tỉnh Bắc Kạn");
  EXPECT_EQ(address.hamlet(), "Chè Cọ");
  ASSERT_EQ(address.units_at_time_size(), 3);
  EXPECT_EQ(address.units_at_time(0).name(), "Xã Côn Minh");
  EXPECT_EQ(address.units_at_time(1).code(), "066");
  EXPECT_EQ(address.units_at_time(1).level(), "district");
  EXPECT_EQ(address.units_at_time(2).code(), "06");
  ASSERT_EQ(address.current_units_size(), 2);
  EXPECT_EQ(address.current_units(0).name(), "Xã Côn Minh");
  EXPECT_EQ(address.current_units(1).code(), "19");
  for (const v1::ProducerRecord& producer : data_.producers) {
    SCOPED_TRACE(producer.id());
    const v1::Address& units = producer.address();
    ASSERT_GE(units.units_at_time_size(), 2);
    EXPECT_EQ(units.units_at_time(units.units_at_time_size() - 1).code(), "06");
    ASSERT_EQ(units.current_units_size(), 2);
    EXPECT_EQ(units.current_units(1).name(), "tỉnh Thái Nguyên");
    const bool needs_tax_code =
        producer.legal_form() == v1::LEGAL_FORM_COOPERATIVE ||
        producer.legal_form() == v1::LEGAL_FORM_COMPANY;
    EXPECT_EQ(producer.tax_code().size(), needs_tax_code ? 10u : 0u);
  }
}

TEST_F(DemoDatasetTest, TheQuickstartBatchHasTheWholeJourney) {
  EXPECT_EQ(data_.label_batch.gtin(), "09520600010014");
  EXPECT_EQ(data_.label_batch.lot(), "MDTH-L01");
  const DemoBatch& batch = data_.batches[0];
  EXPECT_EQ(batch.record.gtin(), data_.label_batch.gtin());
  EXPECT_EQ(batch.record.lot(), data_.label_batch.lot());
  EXPECT_EQ(batch.record.production_date().iso_date(), "2026-11-10");
  EXPECT_EQ(batch.record.quantity().unit(), "KGM");
  std::vector<std::string> steps;
  int64_t previous = 0;
  for (const DemoEvent& demo : batch.events) {
    steps.push_back(demo.event.business_step());
    EXPECT_GT(demo.event.event_time().unix_seconds(), previous);
    previous = demo.event.event_time().unix_seconds();
    EXPECT_EQ(demo.event.event_time().utc_offset_minutes(), 420);
    EXPECT_EQ(demo.by_inspector, demo.event.business_step() == "inspecting");
  }
  EXPECT_THAT(steps,
              ::testing::ElementsAre("commissioning", "transforming", "packing",
                                     "shipping", "receiving", "inspecting"));
  // Harvest of dong riềng roots in Côn Minh, 21 days before the anchor.
  const v1::TraceEvent& harvest = batch.events[0].event;
  EXPECT_THAT(harvest.location().description(), HasSubstr("Côn Minh"));
  EXPECT_EQ(
      harvest.event_time().unix_seconds(),
      absl::ToUnixSeconds(absl::FromCivil(absl::CivilMinute(2026, 11, 8, 7, 30),
                                          absl::FixedTimeZone(7 * 3600))));
  EXPECT_THAT(batch.events[3].event.destination().name(),
              HasSubstr("Thái Nguyên"));
  EXPECT_EQ(batch.events[4].event.source().producer_id(), "htx-tai-hoan");
  EXPECT_EQ(batch.events[5].event.outcome(), "pass");
  // Rice and honey have journeys too.
  EXPECT_EQ(data_.batches[1].record.gtin(),
            Product("Gạo nếp Khẩu Nua Lếch").gtin());
  EXPECT_EQ(data_.batches[2].record.gtin(),
            Product("Mật ong rừng Bắc Kạn").gtin());
  EXPECT_GE(data_.batches[1].events.size(), 3u);
  EXPECT_GE(data_.batches[2].events.size(), 3u);
}

TEST(DemoDatasetDatesTest, RelativeDatesFollowTheAnchor) {
  absl::StatusOr<DemoDataset> later =
      ParseDemoDataset(ReadDataset(), absl::CivilDay(2027, 3, 1));
  ASSERT_TRUE(later.ok()) << later.status();
  EXPECT_EQ(later->batches[0].record.production_date().iso_date(),
            "2027-02-10");
  EXPECT_EQ(later->batches[0].record.expiry_date().iso_date(), "2028-02-10");
  absl::StatusOr<absl::CivilDay> ahead =
      ResolveDemoDate("x", "today+45d", absl::CivilDay(2026, 1, 1));
  ASSERT_TRUE(ahead.ok()) << ahead.status();
  EXPECT_EQ(*ahead, absl::CivilDay(2026, 2, 15));
  absl::StatusOr<absl::CivilDay> bad = ResolveDemoDate(
      "batches[0].production_date", "yesterday", absl::CivilDay(2026, 1, 1));
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(bad.status().message()),
              HasSubstr("batches[0].production_date: 'yesterday' is not a "
                        "date"));
}

// Parses the real dataset after `edit`; the error it must give.
absl::Status ParseEdited(const std::function<void(nlohmann::json&)>& edit) {
  nlohmann::json json = DatasetJson();
  edit(json);
  return ParseDemoDataset(json.dump(), kAnchor).status();
}

TEST(DemoDatasetErrorsTest, BadCheckDigitNamesTheProductsGtin) {
  absl::Status status = ParseEdited([](nlohmann::json& json) {
    json["products"][3]["gtin"] = "9520600020031";  // Should end in 7.
  });
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), StartsWith("products[3].gtin: "));
  EXPECT_THAT(std::string(status.message()),
              HasSubstr("check digit should be 7, not 1"));
}

TEST(DemoDatasetErrorsTest, UnknownProducerIsNamed) {
  absl::Status status = ParseEdited([](nlohmann::json& json) {
    json["products"][5]["producer"] = "htx-khong-co";
  });
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()),
              HasSubstr("products[5].producer: 'htx-khong-co' is not one of "
                        "the dataset's producers"));
}

TEST(DemoDatasetErrorsTest, CertificateForAnUnknownProducer) {
  absl::Status status = ParseEdited([](nlohmann::json& json) {
    json["certificates"][0]["producer"] = "htx-khong-co";
  });
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()),
              StartsWith("certificates[0].producer: "));
}

TEST(DemoDatasetErrorsTest, VietnameseLetterInALot) {
  absl::Status status = ParseEdited(
      [](nlohmann::json& json) { json["batches"][1]["lot"] = "Lô-01"; });
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()),
              StartsWith("batches[1].lot: lot (AI 10): "));
  EXPECT_THAT(std::string(status.message()), HasSubstr("'ô'"));
}

TEST(DemoDatasetErrorsTest, InspectionsAreSignedByTheInspector) {
  absl::Status status = ParseEdited([](nlohmann::json& json) {
    json["batches"][0]["events"][5].erase("signer");
  });
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()),
              StartsWith("batches[0].events[5].signer: "));
}

TEST(DemoDatasetErrorsTest, EventsMustHaveHappened) {
  absl::Status status = ParseEdited([](nlohmann::json& json) {
    json["batches"][0]["events"][0]["time"] = "today 07:30";
  });
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()),
              HasSubstr("batches[0].events[0].time: "));
  EXPECT_THAT(std::string(status.message()),
              HasSubstr("events must have happened"));
}

TEST(DemoDatasetErrorsTest, OtherFormatsAndBrokenJsonAreRefused) {
  absl::Status status = ParseEdited([](nlohmann::json& json) {
    json["format"] = "ocoptrace/demo-dataset/v2";
  });
  EXPECT_THAT(std::string(status.message()), StartsWith("format: "));
  status = ParseDemoDataset("{\"format\": ", kAnchor).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), HasSubstr("not valid JSON"));
}

}  // namespace
}  // namespace ocoptrace::client
