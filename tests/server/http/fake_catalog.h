// A small in-memory catalogue for the HTTP tests: implements ResolverData
// and PageData the way the trace service will (walk-up, signature check
// against label keys, scan facts), with one demo product, batch and
// labels signed by a deterministic label key.
#ifndef OCOPTRACE_TESTS_SERVER_HTTP_FAKE_CATALOG_H_
#define OCOPTRACE_TESTS_SERVER_HTTP_FAKE_CATALOG_H_

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "core/ed25519.h"
#include "server/http/page_handler.h"
#include "server/http/resolver.h"
#include "server/http/scan_page.h"

namespace ocoptrace::http::testing {

inline constexpr char kGtin[] = "08934563123451";       // registered
inline constexpr char kOtherGtin[] = "08934563123468";  // not registered
inline constexpr char kLot[] = "L2024A";
inline constexpr char kSerial[] = "7K3M9QX2TA";         // issued
inline constexpr char kVoidSerial[] = "7K3M9QX2TB";     // issued, voided
inline constexpr char kUnknownSerial[] = "0000000000";  // never issued

struct FakeLabel {
  std::string lot;
  bool voided = false;
  uint64_t scans = 0;
  uint32_t places = 0;
  bool pin_used = false;
};

class FakeCatalog : public ResolverData, public PageData {
 public:
  // The demo catalogue: product kGtin (4-star certificate active until
  // 2026-12-31, journey of three verified steps), batch kLot with PINs,
  // labels kSerial and kVoidSerial.
  FakeCatalog();

  // The label key the demo labels are signed with.
  const Ed25519PrivateKey& label_key() const { return label_key_; }
  // The 155-digit `s` value for a label (signed by label_key()).
  std::string Signature(const std::string& gtin, const std::string& lot,
                        const std::string& serial) const;

  // The model fields of the product page (tests edit them).
  ScanPageModel& product() { return product_; }
  std::map<std::string, FakeLabel>& labels() { return labels_; }
  void set_has_certificates(bool value) { has_certificates_ = value; }

  // ResolverData.
  bool ProductExists(std::string_view gtin14) const override;
  bool BatchExists(std::string_view gtin14,
                   std::string_view lot) const override;
  std::optional<std::string> LabelLot(std::string_view gtin14,
                                      std::string_view serial) const override;
  std::string ProductName(std::string_view gtin14) const override;
  bool HasCertificates(std::string_view gtin14) const override;

  // PageData.
  absl::StatusOr<ScanPageModel> Build(
      const PageRequest& request) const override;

 private:
  Ed25519PrivateKey label_key_;
  ScanPageModel product_;
  ScanPageModel batch_;  // Batch fields only.
  std::map<std::string, FakeLabel> labels_;
  bool has_certificates_ = true;
};

// A ScanPageModel for renderer tests: a label page of a 4-star product
// with three journey steps, rendered for 2025-08-01.
ScanPageModel DemoLabelModel();

}  // namespace ocoptrace::http::testing

#endif  // OCOPTRACE_TESTS_SERVER_HTTP_FAKE_CATALOG_H_
