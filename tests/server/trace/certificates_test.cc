// OCOP certificates through the service: star bands and issuer levels,
// default validity, status over time (active, expired, revoked,
// superseded, not yet valid) with a fake clock, renewal rules and the
// "expiring within 90 days" list.
#include "server/trace/subjects.h"
#include "tests/server/trace/trace_test_util.h"

namespace ocoptrace::trace::testing {
namespace {

using ::testing::HasSubstr;

class CertificatesTest : public TraceTest {
 protected:
  void SetUp() override {
    TraceTest::SetUp();
    SetUpCast();
  }

  // Moves the fake clock to 09:00 (UTC+7) on `day`.
  void SetToday(absl::CivilDay day) {
    clock_.Set(absl::FromCivil(
        absl::CivilSecond(day.year(), day.month(), day.day(), 9, 0, 0),
        absl::FixedTimeZone(7 * 3600)));
  }

  absl::StatusOr<v1::Certificate> Get(const std::string& number,
                                      const std::string& as_of = "") {
    v1::GetCertificateRequest request;
    request.set_number(number);
    if (!as_of.empty()) request.mutable_as_of()->set_iso_date(as_of);
    return service_->GetCertificate(certifier_, request);
  }

  uint32_t ActiveStars(const std::string& gtin) {
    v1::GetProductRequest request;
    request.set_gtin(gtin);
    auto product = service_->GetProduct(inspector_, request);
    EXPECT_TRUE(product.ok()) << product.status();
    return product.ok() ? product->active_stars() : 99;
  }
};

TEST_F(CertificatesTest, BandEdgesThroughTheService) {
  struct Case {
    uint32_t stars;
    double score;
    v1::IssuerLevel level;
    bool accepted;
  };
  const Case cases[] = {
      {3, 49.99, v1::ISSUER_LEVEL_DISTRICT, false},
      {3, 50, v1::ISSUER_LEVEL_DISTRICT, true},
      {3, 69.99, v1::ISSUER_LEVEL_PROVINCIAL, true},
      {3, 70, v1::ISSUER_LEVEL_PROVINCIAL, false},
      {4, 69.99, v1::ISSUER_LEVEL_PROVINCIAL, false},
      {4, 70, v1::ISSUER_LEVEL_PROVINCIAL, true},
      {4, 89.99, v1::ISSUER_LEVEL_PROVINCIAL, true},
      {4, 90, v1::ISSUER_LEVEL_PROVINCIAL, false},
      {5, 89.99, v1::ISSUER_LEVEL_CENTRAL, false},
      {5, 90, v1::ISSUER_LEVEL_CENTRAL, true},
      {5, 100, v1::ISSUER_LEVEL_CENTRAL, true},
      {5, 100.01, v1::ISSUER_LEVEL_CENTRAL, false},
      {5, 91.14, v1::ISSUER_LEVEL_PROVINCIAL, false},
  };
  int n = 0;
  for (const Case& c : cases) {
    const std::string number = "GCN-BAND-" + std::to_string(n++);
    SCOPED_TRACE(number);
    v1::CertificateRecord record = Certificate(number, kProducerA, kGtinA);
    record.set_stars(c.stars);
    record.set_score(c.score);
    record.set_issuer_level(c.level);
    const auto before = Footprint(CertificateSubject(number));
    auto receipt = IssueCertificate(certifier_, certifier_key_, record);
    EXPECT_EQ(receipt.ok(), c.accepted) << receipt.status();
    if (!c.accepted) {
      EXPECT_EQ(receipt.status().code(), absl::StatusCode::kInvalidArgument);
      EXPECT_EQ(Footprint(CertificateSubject(number)), before);
    }
  }
}

TEST_F(CertificatesTest, FiveStarsNeedACentralIssuer) {
  v1::CertificateRecord record =
      Certificate("2890/QĐ-BNN-VPĐP", kProducerA, kGtinA);
  record.set_stars(5);
  record.set_score(91.14);
  auto refused = IssueCertificate(certifier_, certifier_key_, record);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(refused.status().message(),
              HasSubstr("5★ needs a central (ministry) issuer"));
  record.set_issuer_level(v1::ISSUER_LEVEL_CENTRAL);
  record.set_issuer("Bộ Nông nghiệp và Phát triển nông thôn");
  auto issued = IssueCertificate(certifier_, certifier_key_, record);
  ASSERT_OK(issued);
  // Vietnamese letters and '/' are percent-encoded in the subject.
  EXPECT_EQ(issued->subject(), "certificate/2890%2FQ%C4%90-BNN-VP%C4%90P");
  EXPECT_EQ(ActiveStars(kGtinA), 5u);
}

TEST_F(CertificatesTest, DistrictIssuesThreeStarsOnlyBeforeTheReform) {
  v1::CertificateRecord record = Certificate("GCN-HUYEN-1", kProducerA, kGtinA);
  record.set_stars(3);
  record.set_score(62);
  record.set_issuer_level(v1::ISSUER_LEVEL_DISTRICT);
  EXPECT_OK(IssueCertificate(certifier_, certifier_key_, record));
  record.set_number("GCN-HUYEN-2");
  record.mutable_decision_date()->set_iso_date("2025-08-01");
  auto refused = IssueCertificate(certifier_, certifier_key_, record);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(refused.status().message(),
              HasSubstr("districts were abolished"));
  record.set_issuer_level(v1::ISSUER_LEVEL_PROVINCIAL);  // 3★ provincial: OK.
  EXPECT_OK(IssueCertificate(certifier_, certifier_key_, record));
}

TEST_F(CertificatesTest, DefaultValidityIsThirtySixMonthsMinusOneDay) {
  ASSERT_OK(IssueCertificate(certifier_, certifier_key_,
                             Certificate("GCN-1", kProducerA, kGtinA)));
  auto certificate = Get("GCN-1");
  ASSERT_OK(certificate);
  EXPECT_EQ(certificate->record().valid_from().iso_date(), "2024-03-22");
  EXPECT_EQ(certificate->record().valid_until().iso_date(), "2027-03-21");
  EXPECT_EQ(certificate->status(), v1::CERTIFICATE_STATUS_ACTIVE);
  EXPECT_EQ(certificate->as_of().iso_date(), "2024-03-25");
  EXPECT_EQ(certificate->days_left(), 1091);  // 2024-03-25 → 2027-03-21.
  EXPECT_GT(certificate->issued_at_index(), 0u);

  // A printed end date overrides the default.
  v1::CertificateRecord printed = Certificate("GCN-2", kProducerA, kGtinA);
  printed.mutable_valid_until()->set_iso_date("2027-03-22");
  ASSERT_OK(IssueCertificate(certifier_, certifier_key_, printed));
  EXPECT_EQ(Get("GCN-2")->record().valid_until().iso_date(), "2027-03-22");
}

TEST_F(CertificatesTest, StatusFollowsTheClock) {
  v1::CertificateRecord record = Certificate("GCN-1", kProducerA, kGtinA);
  record.mutable_valid_from()->set_iso_date("2024-04-01");
  ASSERT_OK(IssueCertificate(certifier_, certifier_key_, record));
  EXPECT_EQ(Get("GCN-1")->status(), v1::CERTIFICATE_STATUS_NOT_YET_VALID);
  EXPECT_EQ(ActiveStars(kGtinA), 0u);
  SetToday(absl::CivilDay(2024, 4, 1));
  EXPECT_EQ(Get("GCN-1")->status(), v1::CERTIFICATE_STATUS_ACTIVE);
  EXPECT_EQ(ActiveStars(kGtinA), 4u);
  SetToday(absl::CivilDay(2027, 3, 21));
  EXPECT_EQ(Get("GCN-1")->status(), v1::CERTIFICATE_STATUS_ACTIVE);
  EXPECT_EQ(Get("GCN-1")->days_left(), 0);
  EXPECT_EQ(ActiveStars(kGtinA), 4u);
  SetToday(absl::CivilDay(2027, 3, 22));  // The date passes: stars go.
  EXPECT_EQ(Get("GCN-1")->status(), v1::CERTIFICATE_STATUS_EXPIRED);
  EXPECT_EQ(Get("GCN-1")->days_left(), -1);
  EXPECT_EQ(ActiveStars(kGtinA), 0u);
  // as_of looks at another day.
  EXPECT_EQ(Get("GCN-1", "2025-01-01")->status(),
            v1::CERTIFICATE_STATUS_ACTIVE);
}

TEST_F(CertificatesTest, RevocationHidesStarsFromItsEffectiveDate) {
  ASSERT_OK(IssueCertificate(certifier_, certifier_key_,
                             Certificate("GCN-1", kProducerA, kGtinA)));
  SetToday(absl::CivilDay(2025, 6, 1));
  EXPECT_EQ(ActiveStars(kGtinA), 4u);
  auto revoked = RevokeCertificate(certifier_, certifier_key_, "GCN-1",
                                   Revocation("2025-06-01"));
  ASSERT_OK(revoked);
  EXPECT_EQ(revoked->seq(), 1u);
  // The moment the revocation lands, the stars are gone.
  EXPECT_EQ(ActiveStars(kGtinA), 0u);
  auto certificate = Get("GCN-1");
  ASSERT_OK(certificate);
  EXPECT_EQ(certificate->status(), v1::CERTIFICATE_STATUS_REVOKED);
  EXPECT_EQ(certificate->revocation().effective_from().iso_date(),
            "2025-06-01");
  EXPECT_EQ(certificate->revocation().reason(),
            "Không tái đánh giá trong 36 tháng");
  EXPECT_EQ(Get("GCN-1", "2025-05-31")->status(),
            v1::CERTIFICATE_STATUS_ACTIVE);

  // Revoking twice is refused, and needs a reason.
  auto again = RevokeCertificate(certifier_, certifier_key_, "GCN-1",
                                 Revocation("2025-06-02"));
  EXPECT_EQ(again.status().code(), absl::StatusCode::kFailedPrecondition);
  v1::CertificateRevocation no_reason = Revocation("2025-06-02");
  no_reason.clear_reason();
  ASSERT_OK(IssueCertificate(certifier_, certifier_key_,
                             Certificate("GCN-2", kProducerA, kGtinA)));
  auto refused =
      RevokeCertificate(certifier_, certifier_key_, "GCN-2", no_reason);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(refused.status().message(), HasSubstr("reason"));
  // An admin key may revoke too.
  NoteSigner admin_key = TestSigner("ocop-admin-key");
  ASSERT_OK(
      AddKey(admin_, OfficialKey(admin_key, v1::KEY_ROLE_ADMIN, "ocop.admin")));
  EXPECT_OK(
      RevokeCertificate(admin_, admin_key, "GCN-2", Revocation("2025-06-02")));
}

TEST_F(CertificatesTest, RenewalSupersedesFromItsValidFrom) {
  ASSERT_OK(IssueCertificate(certifier_, certifier_key_,
                             Certificate("GCN-1", kProducerA, kGtinA)));
  SetToday(absl::CivilDay(2027, 1, 10));
  v1::CertificateRecord renewal = Certificate("GCN-1-R", kProducerA, kGtinA);
  renewal.mutable_decision_date()->set_iso_date("2027-01-10");
  renewal.mutable_valid_from()->set_iso_date("2027-03-22");
  renewal.set_stars(5);
  renewal.set_score(90.5);
  renewal.set_issuer_level(v1::ISSUER_LEVEL_CENTRAL);
  renewal.set_supersedes("GCN-1");
  ASSERT_OK(RenewCertificate(certifier_, certifier_key_, renewal));
  // Until the renewal's first day the old certificate stays active.
  auto old = Get("GCN-1");
  ASSERT_OK(old);
  EXPECT_EQ(old->status(), v1::CERTIFICATE_STATUS_ACTIVE);
  EXPECT_EQ(old->superseded_by(), "GCN-1-R");
  EXPECT_EQ(ActiveStars(kGtinA), 4u);
  SetToday(absl::CivilDay(2027, 3, 22));
  EXPECT_EQ(Get("GCN-1")->status(), v1::CERTIFICATE_STATUS_SUPERSEDED);
  EXPECT_EQ(Get("GCN-1-R")->status(), v1::CERTIFICATE_STATUS_ACTIVE);
  EXPECT_EQ(Get("GCN-1-R")->record().valid_until().iso_date(), "2030-01-09");
  EXPECT_EQ(ActiveStars(kGtinA), 5u);
  v1::GetProductRequest get;
  get.set_gtin(kGtinA);
  auto product = service_->GetProduct(producer_a_, get);
  ASSERT_OK(product);
  ASSERT_EQ(product->certificates_size(), 2);
  EXPECT_EQ(product->certificates(0), "GCN-1-R");  // Newest first.

  // A second renewal of the same certificate is refused.
  renewal.set_number("GCN-1-R2");
  auto twice = RenewCertificate(certifier_, certifier_key_, renewal);
  EXPECT_EQ(twice.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(twice.status().message(), HasSubstr("already renewed"));
}

TEST_F(CertificatesTest, RenewalOfExpiredOrRevokedIsRefused) {
  ASSERT_OK(IssueCertificate(certifier_, certifier_key_,
                             Certificate("GCN-1", kProducerA, kGtinA)));
  SetToday(absl::CivilDay(2027, 4, 1));
  v1::CertificateRecord late = Certificate("GCN-1-R", kProducerA, kGtinA);
  late.mutable_decision_date()->set_iso_date("2027-04-01");
  late.set_supersedes("GCN-1");
  const auto before = Footprint(CertificateSubject("GCN-1-R"));
  auto refused = RenewCertificate(certifier_, certifier_key_, late);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(refused.status().message(),
              HasSubstr("certificate 'GCN-1' expired on 2027-03-21; a renewal "
                        "must be decided before expiry"));
  EXPECT_EQ(Footprint(CertificateSubject("GCN-1-R")), before);

  ASSERT_OK(IssueCertificate(certifier_, certifier_key_,
                             Certificate("GCN-2", kProducerA, kGtinA)));
  ASSERT_OK(RevokeCertificate(certifier_, certifier_key_, "GCN-2",
                              Revocation("2024-05-01")));
  v1::CertificateRecord of_revoked = Certificate("GCN-2-R", kProducerA, kGtinA);
  of_revoked.mutable_decision_date()->set_iso_date("2024-06-01");
  of_revoked.set_supersedes("GCN-2");
  auto revoked = RenewCertificate(certifier_, certifier_key_, of_revoked);
  EXPECT_EQ(revoked.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(revoked.status().message(), HasSubstr("was revoked"));

  // Renewing another producer's certificate, or an unknown one.
  ASSERT_OK(IssueCertificate(certifier_, certifier_key_,
                             Certificate("GCN-B", kProducerB, kGtinB)));
  v1::CertificateRecord wrong_owner = Certificate("GCN-X", kProducerA, kGtinA);
  wrong_owner.set_supersedes("GCN-B");
  wrong_owner.mutable_decision_date()->set_iso_date("2024-06-01");
  EXPECT_EQ(
      RenewCertificate(certifier_, certifier_key_, wrong_owner).status().code(),
      absl::StatusCode::kInvalidArgument);
  wrong_owner.set_supersedes("GCN-NONE");
  EXPECT_EQ(
      RenewCertificate(certifier_, certifier_key_, wrong_owner).status().code(),
      absl::StatusCode::kNotFound);
  // RenewCertificate without supersedes, IssueCertificate with it.
  wrong_owner.clear_supersedes();
  EXPECT_EQ(
      RenewCertificate(certifier_, certifier_key_, wrong_owner).status().code(),
      absl::StatusCode::kInvalidArgument);
}

TEST_F(CertificatesTest, CoveredProductsMustBelongToTheOwner) {
  v1::CertificateRecord record = Certificate("GCN-1", kProducerA, kGtinB);
  auto refused = IssueCertificate(certifier_, certifier_key_, record);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(refused.status().message(),
              HasSubstr("products[0]: product 08934563123475 belongs to "
                        "'htx-yen-duong'"));
  record.set_products(0, kGtinA2);  // Valid GTIN, never registered.
  EXPECT_EQ(
      IssueCertificate(certifier_, certifier_key_, record).status().code(),
      absl::StatusCode::kNotFound);
  record.set_products(0, kGtinA);
  ASSERT_OK(IssueCertificate(certifier_, certifier_key_, record));
  EXPECT_EQ(
      IssueCertificate(certifier_, certifier_key_, record).status().code(),
      absl::StatusCode::kAlreadyExists);
}

TEST_F(CertificatesTest, ListsCertificatesExpiringWithinNinetyDays) {
  // valid_until: 2024-05-01 (in window), 2024-06-23 (last day in window),
  // 2024-06-24 (outside), 2024-04-10 but revoked (not active).
  const std::pair<const char*, const char*> certificates[] = {
      {"GCN-A", "2024-05-01"},
      {"GCN-B", "2024-06-23"},
      {"GCN-C", "2024-06-24"},
      {"GCN-D", "2024-04-10"},
  };
  for (const auto& [number, until] : certificates) {
    v1::CertificateRecord record = Certificate(number, kProducerA, kGtinA);
    record.mutable_valid_until()->set_iso_date(until);
    ASSERT_OK(IssueCertificate(certifier_, certifier_key_, record));
  }
  ASSERT_OK(IssueCertificate(certifier_, certifier_key_,
                             Certificate("GCN-E", kProducerB, kGtinB)));
  ASSERT_OK(RevokeCertificate(certifier_, certifier_key_, "GCN-D",
                              Revocation("2024-03-25")));
  v1::ListCertificatesRequest request;
  request.set_expiring_within_days(90);  // 2024-03-25 + 90 = 2024-06-23.
  auto expiring = service_->ListCertificates(certifier_, request);
  ASSERT_OK(expiring);
  ASSERT_EQ(expiring->certificates_size(), 2);
  EXPECT_EQ(expiring->certificates(0).record().number(), "GCN-A");
  EXPECT_EQ(expiring->certificates(0).days_left(), 37);
  EXPECT_EQ(expiring->certificates(1).record().number(), "GCN-B");
  EXPECT_EQ(expiring->certificates(1).days_left(), 90);

  // Filters: producer, product, status; producers see their own.
  v1::ListCertificatesRequest by_producer;
  by_producer.set_producer_id(kProducerB);
  auto of_b = service_->ListCertificates(inspector_, by_producer);
  ASSERT_OK(of_b);
  ASSERT_EQ(of_b->certificates_size(), 1);
  EXPECT_EQ(of_b->certificates(0).record().number(), "GCN-E");
  auto own =
      service_->ListCertificates(producer_a_, v1::ListCertificatesRequest());
  ASSERT_OK(own);
  EXPECT_EQ(own->certificates_size(), 4);
  EXPECT_EQ(
      service_->ListCertificates(producer_a_, by_producer).status().code(),
      absl::StatusCode::kPermissionDenied);
  v1::ListCertificatesRequest revoked;
  revoked.add_statuses(v1::CERTIFICATE_STATUS_REVOKED);
  auto only_revoked = service_->ListCertificates(admin_, revoked);
  ASSERT_OK(only_revoked);
  ASSERT_EQ(only_revoked->certificates_size(), 1);
  EXPECT_EQ(only_revoked->certificates(0).record().number(), "GCN-D");
  v1::ListCertificatesRequest paged;
  paged.set_gtin(kGtinA);
  paged.mutable_page()->set_page_size(3);
  auto page1 = service_->ListCertificates(admin_, paged);
  ASSERT_OK(page1);
  EXPECT_EQ(page1->certificates_size(), 3);
  paged.mutable_page()->set_page_token(page1->next_page_token());
  auto page2 = service_->ListCertificates(admin_, paged);
  ASSERT_OK(page2);
  ASSERT_EQ(page2->certificates_size(), 1);
  EXPECT_EQ(page2->certificates(0).record().number(), "GCN-D");
}

}  // namespace
}  // namespace ocoptrace::trace::testing
