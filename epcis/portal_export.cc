#include "epcis/portal_export.h"

#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "core/gs1.h"
#include "core/timestamp.h"
#include "epcis/gs1_identity.h"

namespace ocoptrace::epcis {
namespace {

using nlohmann::json;

constexpr const char* kItemNames[] = {
    "",
    "Tên sản phẩm (product name)",
    "Hình ảnh sản phẩm (product image)",
    "Tên cơ sở sản xuất, kinh doanh (producer name)",
    "Địa chỉ cơ sở sản xuất, kinh doanh (producer address)",
    "Công đoạn sản xuất, kinh doanh (stages: product code, location code, "
    "time)",
    "Thời gian sản xuất, kinh doanh (production time)",
    "Mã truy xuất nguồn gốc (traceability code)",
    "Thương hiệu, nhãn hiệu, mã kiểu, số sê-ri (brand, trademark, model, "
    "serial)",
    "Hạn sử dụng (expiry date)",
    "Tiêu chuẩn áp dụng (standards applied)",
};

const char* StatusName(v1::CertificateStatus status) {
  switch (status) {
    case v1::CERTIFICATE_STATUS_ACTIVE:
      return "active";
    case v1::CERTIFICATE_STATUS_EXPIRED:
      return "expired";
    case v1::CERTIFICATE_STATUS_REVOKED:
      return "revoked";
    case v1::CERTIFICATE_STATUS_SUPERSEDED:
      return "superseded";
    case v1::CERTIFICATE_STATUS_NOT_YET_VALID:
      return "not_yet_valid";
    default:
      return "unknown";
  }
}

json DateOrNull(const v1::Date& date) {
  return date.iso_date().empty() ? json() : json(date.iso_date());
}

}  // namespace

absl::StatusOr<PortalExport> ExportPortalDocument(const ExportInput& input) {
  PortalExport out;
  auto missing = [&](int item, std::string field, std::string detail) {
    out.missing.push_back({item, std::move(field), std::move(detail)});
  };
  const v1::BatchRecord& batch = input.batch.record();
  absl::StatusOr<std::string> gtin = NormalizeGtin(batch.gtin());
  if (!gtin.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("batch.record.gtin: ", gtin.status().message()));
  }
  const v1::ProductRecord& product = input.product;
  const v1::ProducerRecord& producer = input.producer;
  const std::string trace_code = LotClassUri(*gtin, batch.lot());

  if (product.name().empty()) {
    missing(1, "product.name", "give the product's name as printed");
  }
  if (product.image().empty()) {
    missing(2, "product.image", "upload a product image or give its https URL");
  }
  if (producer.name().empty()) {
    missing(3, "producer.name", "give the producer's registered name");
  }
  if (producer.address().text_as_recorded().empty()) {
    missing(4, "producer.address.text_as_recorded",
            "give the producer's address as printed on its registration");
  }
  if (batch.production_date().iso_date().empty()) {
    missing(6, "batch.production_date", "give the batch's production date");
  }
  if (product.brand().empty()) {
    missing(8, "product.brand",
            "give the brand or trademark the product is sold under");
  }
  if (product.shelf_life_days() > 0 && batch.expiry_date().iso_date().empty()) {
    missing(9, "batch.expiry_date",
            absl::StrCat("the product keeps ", product.shelf_life_days(),
                         " days: give the batch's expiry date"));
  }
  if (product.standards().empty()) {
    missing(10, "product.standards",
            "name the standard applied (TCVN, QCVN, TCCS, ...) and its "
            "self-declaration number");
  }

  json stages = json::array();
  uint64_t labels_issued = input.batch.labels_issued();
  for (const v1::HistoryItem& item : input.items) {
    if (!item.kind().starts_with("event.")) continue;
    v1::TraceEvent event = item.event();
    if (!item.has_event() &&
        !event.ParseFromString(item.proven().entry().body())) {
      return absl::InvalidArgumentError(absl::StrCat(
          "history item at log index ", item.proven().entry().index(),
          ": the body is not a TraceEvent"));
    }
    const Timestamp time{event.event_time().unix_seconds(),
                         event.event_time().utc_offset_minutes()};
    json stage = {{"step", event.business_step()},
                  {"productTraceCode", trace_code},
                  {"eventTime", FormatRfc3339(time)},
                  {"logIndex", item.proven().entry().index()}};
    if (!event.location().gln().empty()) {
      stage["locationTraceCode"] = LocationGlnUri(event.location().gln());
    } else {
      stage["locationTraceCode"] = nullptr;
      missing(
          5, absl::StrCat("stages[", stages.size(), "].location.gln"),
          absl::StrCat("the ", event.business_step(), " stage at log index ",
                       item.proven().entry().index(),
                       " has no location code: record the place's GLN"));
    }
    if (!event.location().description().empty()) {
      stage["place"] = event.location().description();
    }
    if (!event.epcis_event_id().empty()) {
      stage["epcisEventId"] = event.epcis_event_id();
    }
    stages.push_back(std::move(stage));
  }
  if (stages.empty()) {
    missing(5, "stages",
            "record at least one stage (e.g. the harvest: commissioning)");
  }

  json standards = json::array();
  for (const v1::AppliedStandard& standard : product.standards()) {
    json entry = {{"kind", standard.kind()}, {"code", standard.code()}};
    if (!standard.declaration_number().empty()) {
      entry["declarationNumber"] = standard.declaration_number();
    }
    standards.push_back(std::move(entry));
  }
  json certificates = json::array();
  for (const v1::Certificate& certificate : input.certificates) {
    const v1::CertificateRecord& record = certificate.record();
    certificates.push_back(
        {{"number", record.number()},
         {"stars", record.stars()},
         {"decisionNumber", record.decision_number()},
         {"decisionDate", DateOrNull(record.decision_date())},
         {"validUntil", DateOrNull(record.valid_until())},
         {"status", StatusName(certificate.status())},
         {"url", CertificatePageUrl(input.base_url, record.number())}});
  }
  json items = json::array();
  for (int item = 1; item <= 10; ++item) {
    bool present = true;
    for (const MissingItem& gap : out.missing) present &= gap.item != item;
    items.push_back(
        {{"item", item}, {"name", kItemNames[item]}, {"present", present}});
  }
  json missing_items = json::array();
  for (const MissingItem& gap : out.missing) {
    missing_items.push_back(
        {{"item", gap.item}, {"field", gap.field}, {"detail", gap.detail}});
  }

  out.document = {
      {"format", kPortalExportFormat},
      {"generatedAt", FormatRfc3339(input.creation_time)},
      {"complete", out.missing.empty()},
      {"product",
       {{"gtin", *gtin},
        {"name", product.name()},
        {"image", product.image()},
        {"brand", product.brand()},
        {"modelCode", *gtin},
        {"netContent", product.net_content()},
        {"standards", standards},
        {"ocopCertificates", certificates}}},
      {"producer",
       {{"id", producer.id()},
        {"name", producer.name()},
        {"address", producer.address().text_as_recorded()},
        {"taxCode", producer.tax_code()},
        {"gln", producer.gln()}}},
      {"batch",
       {{"lot", batch.lot()},
        {"traceCode", trace_code},
        {"productionDate", DateOrNull(batch.production_date())},
        {"expiryDate", DateOrNull(batch.expiry_date())},
        {"labelsIssued", labels_issued},
        {"serialLevel", labels_issued > 0}}},
      {"stages", stages},
      {"mandatoryItems", items},
      {"missingItems", missing_items},
  };
  return out;
}

}  // namespace ocoptrace::epcis
