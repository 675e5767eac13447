#include "tests/server/http/fake_catalog.h"

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "core/label_payload.h"

namespace ocoptrace::http::testing {
namespace {

absl::Time VnTime(int y, int m, int d, int hh, int mm) {
  return absl::FromCivil(absl::CivilSecond(y, m, d, hh, mm, 0),
                         absl::FixedTimeZone(7 * 3600));
}

void FillProduct(ScanPageModel& m) {
  m.gtin14 = kGtin;
  m.product_name = "Trà hoa vàng Bắc Kạn";
  m.image_url = "/static/tra-hoa-vang.jpg";
  m.group = "Đồ uống";
  m.standard = "TCCS 02:2022/HD";
  m.producer_name = "Công ty TNHH Hà Diệp";
  m.legal_form = "Công ty TNHH";
  m.address_as_printed =
      "Tổ 10, phường Nguyễn Thị Minh Khai, TP Bắc Kạn, tỉnh Bắc Kạn";
  m.current_unit = "Phường Đức Xuân, tỉnh Thái Nguyên";
  CertificateView c;
  c.number = "DEMO-046/2022";
  c.decision = "1234/QĐ-UBND (demo)";
  c.issuer = "UBND tỉnh Bắc Kạn";
  c.stars = 4;
  c.valid_from = absl::CivilDay(2023, 12, 1);
  c.valid_until = absl::CivilDay(2026, 11, 30);
  m.certificates = {c};
}

void FillBatch(ScanPageModel& m) {
  m.lot = kLot;
  m.production_date = absl::CivilDay(2024, 3, 22);
  m.expiry_date = absl::CivilDay(2026, 3, 22);
  m.batch_has_pins = true;
  m.journey = {
      {"commissioning", VnTime(2024, 3, 20, 6, 30), "Đồi chè thôn Nà Pài",
       "Công ty TNHH Hà Diệp", "Hái hoa buổi sáng", 12, true},
      {"transforming", VnTime(2024, 3, 21, 9, 0), "Xưởng sấy Hà Diệp",
       "Công ty TNHH Hà Diệp", "Sấy lạnh 48 giờ", 15, true},
      {"packing", VnTime(2024, 3, 22, 8, 0), "Xưởng đóng gói",
       "Công ty TNHH Hà Diệp", "", 19, true},
  };
}

}  // namespace

FakeCatalog::FakeCatalog()
    : label_key_(*Ed25519PrivateKey::FromSeed(std::string(32, '\x07'))) {
  FillProduct(product_);
  FillBatch(batch_);
  labels_[kSerial] = {kLot, false, 3, 1, false};
  labels_[kVoidSerial] = {kLot, true, 0, 0, false};
}

std::string FakeCatalog::Signature(const std::string& gtin,
                                   const std::string& lot,
                                   const std::string& serial) const {
  return EncodeLabelSignature(
      label_key_.Sign(LabelSigningInput(gtin, lot, serial)));
}

bool FakeCatalog::ProductExists(std::string_view gtin14) const {
  return gtin14 == kGtin;
}

bool FakeCatalog::BatchExists(std::string_view gtin14,
                              std::string_view lot) const {
  return gtin14 == kGtin && lot == kLot;
}

std::optional<std::string> FakeCatalog::LabelLot(
    std::string_view gtin14, std::string_view serial) const {
  if (gtin14 != kGtin) return std::nullopt;
  auto it = labels_.find(std::string(serial));
  if (it == labels_.end()) return std::nullopt;
  return it->second.lot;
}

std::string FakeCatalog::ProductName(std::string_view gtin14) const {
  return gtin14 == kGtin ? product_.product_name : "";
}

bool FakeCatalog::HasCertificates(std::string_view gtin14) const {
  return gtin14 == kGtin && has_certificates_;
}

absl::StatusOr<ScanPageModel> FakeCatalog::Build(
    const PageRequest& request) const {
  if (request.gtin14 != kGtin) {
    return absl::NotFoundError("GTIN " + request.gtin14 + " is not registered");
  }
  ScanPageModel m = product_;
  m.kind = PageKind::kProduct;
  m.lot = request.lot;
  m.serial = request.serial;
  if (!request.lot.empty()) {
    if (request.lot != kLot) {
      m.lot_unknown = true;
    } else {
      m.kind = PageKind::kBatch;
      m.production_date = batch_.production_date;
      m.expiry_date = batch_.expiry_date;
      m.batch_has_pins = batch_.batch_has_pins;
      m.journey = batch_.journey;
    }
  }
  if (!request.serial.empty()) {
    m.label.signature_present = request.signature_present;
    if (!request.signature.empty()) {
      LabelClaim claim;
      claim.gtin14 = request.gtin14;
      claim.lot = request.lot;
      claim.serial = request.serial;
      claim.signature = request.signature;
      m.label.signature_valid =
          VerifyLabelSignature(claim, {label_key_.public_key()}) >= 0;
    }
    auto it = labels_.find(request.serial);
    if (m.kind == PageKind::kBatch) {
      if (it == labels_.end() || it->second.lot != request.lot) {
        m.serial_unknown = true;
      } else {
        m.kind = PageKind::kLabel;
        m.label.serial_issued = true;
        m.label.voided = it->second.voided;
        m.label.scan_count = it->second.scans;
        m.label.distinct_places = it->second.places;
        m.label.pin_already_used = it->second.pin_used;
        if (it->second.scans > 0) m.first_scan = VnTime(2024, 4, 2, 10, 15);
      }
    }
  }
  return m;
}

ScanPageModel DemoLabelModel() {
  ScanPageModel m;
  FillProduct(m);
  FillBatch(m);
  m.kind = PageKind::kLabel;
  m.serial = kSerial;
  m.label = {true, true, true, false, 3, 1, false};
  m.scan_count = 4;
  m.first_scan = VnTime(2024, 4, 2, 10, 15);
  m.today = absl::CivilDay(2025, 8, 1);
  return m;
}

}  // namespace ocoptrace::http::testing
