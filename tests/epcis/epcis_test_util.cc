#include "tests/epcis/epcis_test_util.h"

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "core/checkpoint.h"
#include "core/gs1.h"
#include "core/log_entry.h"
#include "core/merkle.h"
#include "core/sha256.h"
#include "gtest/gtest.h"

namespace ocoptrace::epcis::testing {
namespace {

using nlohmann::json;

std::string ValidatorScript() {
  return std::string(OCOPTRACE_EPCIS_TEST_SOURCE_DIR) +
         "/validate_json_schema.py";
}

std::string Python() {
  return access("/usr/bin/python3", X_OK) == 0 ? "/usr/bin/python3" : "python3";
}

NoteSigner Signer(const std::string& name, char seed_byte) {
  auto key = Ed25519PrivateKey::FromSeed(std::string(32, seed_byte));
  auto signer = MakeNoteSigner(name, *key);
  return *signer;
}

v1::Date Day(const std::string& iso) {
  v1::Date date;
  date.set_iso_date(iso);
  return date;
}

v1::BatchRef Ref(const std::string& gtin, const std::string& lot) {
  v1::BatchRef ref;
  ref.set_gtin(gtin);
  ref.set_lot(lot);
  return ref;
}

v1::Quantity Amount(double amount, const std::string& unit) {
  v1::Quantity quantity;
  quantity.set_amount(amount);
  quantity.set_unit(unit);
  return quantity;
}

// Builds one subject's chain inside a global log.
class ChainBuilder {
 public:
  ChainBuilder(std::string subject, const NoteSigner* signer)
      : subject_(std::move(subject)), signer_(signer) {}

  void AddOtherEntries(int count) {
    for (int i = 0; i < count; ++i) {
      log_.push_back("unrelated entry " + std::to_string(log_.size()) + "\n");
    }
  }

  v1::HistoryItem* Add(const std::string& kind, const std::string& body,
                       const std::string& time) {
    EntryHeader header;
    header.kind = kind;
    header.subject = subject_;
    header.seq = seq_++;
    header.prev = prev_;
    header.time = *ParseRfc3339(time);
    header.body_hash = Sha256(body);
    std::string entry = *SignEntry(header, *signer_);
    prev_ = EntryHash(entry);
    v1::HistoryItem item;
    item.mutable_proven()->mutable_entry()->set_index(log_.size());
    item.mutable_proven()->mutable_entry()->set_entry(entry);
    item.mutable_proven()->mutable_entry()->set_body(body);
    item.set_kind(kind);
    item.set_signer(signer_->name);
    log_.push_back(entry);
    items_.push_back(item);
    return &items_.back();
  }

  // Proofs against a checkpoint of the whole log, signed by `log_key`.
  std::string Finish(const NoteSigner& log_key,
                     std::vector<v1::HistoryItem>* items) {
    std::vector<Hash> leaves;
    for (const std::string& entry : log_) leaves.push_back(LeafHash(entry));
    Checkpoint checkpoint;
    checkpoint.origin = log_key.name;
    checkpoint.size = leaves.size();
    checkpoint.root = RootOfLeafHashes(leaves);
    for (v1::HistoryItem& item : items_) {
      v1::ProvenEntry* proven = item.mutable_proven();
      proven->set_tree_size(leaves.size());
      for (const Hash& hash : ReferenceInclusionProof(
               leaves, proven->entry().index(), leaves.size())) {
        proven->add_inclusion_proof(HashToBytes(hash));
      }
    }
    *items = items_;
    return *SignCheckpoint(checkpoint, log_key);
  }

 private:
  std::string subject_;
  const NoteSigner* signer_;
  uint64_t seq_ = 0;
  Hash prev_{};
  std::vector<std::string> log_;
  std::vector<v1::HistoryItem> items_;
};

}  // namespace

std::string EpcisSchemaPath() {
  return std::string(OCOPTRACE_TEST_DATA_DIR) + "/epcis/EPCIS-JSON-Schema.json";
}

std::string PortalSchemaPath() {
  return std::string(OCOPTRACE_EPCIS_TEST_SOURCE_DIR) +
         "/../../docs/portal-export.schema.json";
}

std::string EpcisExamplePath(const std::string& file_name) {
  return std::string(OCOPTRACE_TEST_DATA_DIR) + "/epcis/" + file_name;
}

json ReadJsonFile(const std::string& path) {
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << "cannot read " << path;
  std::stringstream text;
  text << in.rdbuf();
  return json::parse(text.str());
}

std::vector<SchemaVerdict> ValidateWithSchema(const std::string& schema_path,
                                              const std::vector<json>& docs) {
  std::vector<SchemaVerdict> verdicts(docs.size());
  std::vector<std::string> files;
  std::string command = Python() + " " + ValidatorScript() + " " + schema_path;
  for (size_t i = 0; i < docs.size(); ++i) {
    std::string path = ::testing::TempDir() + "epcis_schema_" +
                       std::to_string(getpid()) + "_" + std::to_string(i) +
                       ".json";
    std::ofstream(path) << docs[i].dump(2);
    files.push_back(path);
    command += " " + path;
  }
  command += " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) {
    ADD_FAILURE() << "cannot run " << command;
    return verdicts;
  }
  std::string output;
  char buffer[4096];
  while (size_t n = fread(buffer, 1, sizeof(buffer), pipe)) {
    output.append(buffer, n);
  }
  int rc = pclose(pipe);
  for (const std::string& file : files) std::remove(file.c_str());
  std::istringstream lines(output);
  std::string line;
  size_t index = 0;
  while (std::getline(lines, line) && index < docs.size()) {
    json result = json::parse(line, nullptr, false);
    if (!result.is_object() || !result.contains("valid")) {
      ADD_FAILURE() << "validator said: " << output;
      return verdicts;
    }
    verdicts[index].valid = result["valid"].get<bool>();
    verdicts[index].errors = result["errors"].dump();
    ++index;
  }
  if (index != docs.size() || (WEXITSTATUS(rc) != 0 && WEXITSTATUS(rc) != 1)) {
    ADD_FAILURE() << "the schema validator did not run (exit " << rc
                  << "): " << output;
  }
  return verdicts;
}

std::string WithCheckDigit(const std::string& digits) {
  return digits + static_cast<char>('0' + ::ocoptrace::Gs1CheckDigit(digits));
}

v1::Timestamp At(const std::string& rfc3339) {
  Timestamp parsed = *ParseRfc3339(rfc3339);
  v1::Timestamp time;
  time.set_unix_seconds(parsed.unix_seconds);
  time.set_utc_offset_minutes(parsed.utc_offset_minutes);
  return time;
}

ExportInput ExportOfPlannedEntries(const std::vector<PlannedEntry>& entries,
                                   const NoteSigner& key,
                                   const NoteSigner& log_key) {
  ExportInput input;
  const v1::BatchRef& batch = entries.front().batch;
  input.batch.mutable_record()->set_gtin(batch.gtin());
  input.batch.mutable_record()->set_lot(batch.lot());
  ChainBuilder builder("batch/" + batch.gtin() + "/" + batch.lot(), &key);
  builder.AddOtherEntries(3);
  for (const PlannedEntry& entry : entries) {
    const std::string time = FormatRfc3339(entry.time);
    if (entry.kind == "batch.created") {
      *input.batch.mutable_record() = entry.batch_record;
      builder.Add(entry.kind, entry.batch_record.SerializeAsString(), time)
          ->mutable_batch()
          ->CopyFrom(entry.batch_record);
    } else {
      builder.Add(entry.kind, entry.event.SerializeAsString(), time)
          ->mutable_event()
          ->CopyFrom(entry.event);
    }
  }
  input.checkpoint = builder.Finish(log_key, &input.items);
  input.base_url = "https://server2.example.vn";
  input.creation_time = *ParseRfc3339("2024-05-01T00:00:00+07:00");
  return input;
}

DemoChain MakeDemoChain() {
  DemoChain chain;
  chain.producer_key = Signer("htx-tai-hoan-1", '\x01');
  chain.log_key = Signer("tx.ocop.example.vn", '\x02');
  chain.gtin = WithCheckDigit("0893500000001");
  chain.input_gtin = WithCheckDigit("0893500000002");
  chain.gln = WithCheckDigit("893500000001");
  chain.shop_gln = WithCheckDigit("893500000099");
  chain.sscc = WithCheckDigit("08935000000000001");
  const std::string lot = "L2024-03";
  ExportInput& input = chain.input;

  v1::BatchRecord record;
  record.set_gtin(chain.gtin);
  record.set_lot(lot);
  *record.mutable_production_date() = Day("2024-03-20");
  *record.mutable_expiry_date() = Day("2025-03-20");
  *record.mutable_quantity() = Amount(500, "KGM");
  *input.batch.mutable_record() = record;
  input.batch.set_producer_id("htx-tai-hoan");

  ChainBuilder builder("batch/" + chain.gtin + "/" + lot, &chain.producer_key);
  builder.AddOtherEntries(5);
  builder
      .Add("batch.created", record.SerializeAsString(),
           "2024-03-20T07:00:00+07:00")
      ->mutable_batch()
      ->CopyFrom(record);
  builder.AddOtherEntries(2);

  auto add_event = [&](v1::TraceEvent event, const std::string& time) {
    *event.mutable_event_time() = At(time);
    builder
        .Add("event." + event.business_step(), event.SerializeAsString(), time)
        ->mutable_event()
        ->CopyFrom(event);
    builder.AddOtherEntries(1);
  };
  v1::TraceEvent harvest;
  harvest.set_business_step("commissioning");
  harvest.mutable_location()->set_gln(chain.gln);
  *harvest.mutable_quantity() = Amount(500, "KGM");
  harvest.set_performed_by("Tổ sản xuất số 2");
  add_event(harvest, "2024-03-20T08:00:00+07:00");

  v1::TraceEvent processing;
  processing.set_business_step("transforming");
  processing.mutable_location()->set_gln(chain.gln);
  processing.mutable_location()->set_description(
      "Xưởng sản xuất HTX Tài Hoan, thôn Chè Cọ");
  *processing.add_inputs() = Ref(chain.input_gtin, "CU-DONG-07");
  *processing.mutable_quantity() = Amount(480, "KGM");
  add_event(processing, "2024-03-21T09:30:00+07:00");

  v1::TraceEvent packing;
  packing.set_business_step("packing");
  packing.mutable_location()->set_gln(chain.gln);
  *packing.mutable_quantity() = Amount(960, "H87");
  v1::KeyDataElement* sscc = packing.add_kdes();
  sscc->set_name("sscc");
  sscc->set_value(chain.sscc);
  add_event(packing, "2024-03-22T08:00:00+07:00");

  builder.Add("labels.issued", "serials", "2024-03-22T09:00:00+07:00");

  v1::TraceEvent shipping;
  shipping.set_business_step("shipping");
  shipping.mutable_location()->set_gln(chain.gln);
  shipping.mutable_destination()->set_gln(chain.shop_gln);
  shipping.mutable_destination()->set_name("Siêu thị Co.opmart Thái Nguyên");
  *shipping.mutable_quantity() = Amount(960, "H87");
  add_event(shipping, "2024-03-22T14:00:00+07:00");

  v1::TraceEvent receiving;
  receiving.set_business_step("receiving");
  receiving.mutable_location()->set_gln(chain.shop_gln);
  receiving.mutable_source()->set_name("HTX Tài Hoan");
  receiving.mutable_source()->set_producer_id("htx-tai-hoan");
  add_event(receiving, "2024-03-23T10:15:00+07:00");

  v1::TraceEvent inspecting;
  inspecting.set_business_step("inspecting");
  inspecting.mutable_location()->set_description(
      "Quầy hàng OCOP, Siêu thị Co.opmart Thái Nguyên");
  inspecting.set_outcome("pass");
  inspecting.set_findings("Nhãn và hạn sử dụng đúng quy định");
  add_event(inspecting, "2024-04-02T09:00:00+07:00");

  input.checkpoint = builder.Finish(chain.log_key, &input.items);
  input.batch.set_entries(input.items.size());
  input.batch.set_last_step("inspecting");

  input.product.set_gtin(chain.gtin);
  input.product.set_name("Miến dong Tài Hoan");
  input.product.set_producer_id("htx-tai-hoan");
  input.product.set_group(v1::OCOP_GROUP_FOOD);
  v1::AppliedStandard* standard = input.product.add_standards();
  standard->set_kind("TCVN");
  standard->set_code("TCVN 7879:2008");
  standard->set_declaration_number("01/2021/HTXTH");
  input.product.set_shelf_life_days(365);
  input.product.set_image("https://tx.ocop.example.vn/img/mien-dong.jpg");
  input.product.set_brand("Tài Hoan");
  input.product.set_net_content("500 g");

  input.producer.set_id("htx-tai-hoan");
  input.producer.set_name("HTX Tài Hoan");
  input.producer.set_legal_form(v1::LEGAL_FORM_COOPERATIVE);
  input.producer.set_tax_code("4700123456");
  input.producer.mutable_address()->set_text_as_recorded(
      "thôn Chè Cọ, xã Côn Minh, huyện Na Rì, tỉnh Bắc Kạn");
  input.producer.set_gln(chain.gln);

  auto certificate = [&](const std::string& number, const std::string& decided,
                         const std::string& until) {
    v1::Certificate cert;
    v1::CertificateRecord* r = cert.mutable_record();
    r->set_number(number);
    r->set_decision_number("2890/QĐ-BNN-VPĐP");
    *r->mutable_decision_date() = Day(decided);
    r->set_issuer("Bộ Nông nghiệp và Phát triển nông thôn");
    r->set_issuer_level(v1::ISSUER_LEVEL_CENTRAL);
    r->set_stars(5);
    r->set_score(91.14);
    r->add_products(chain.gtin);
    r->set_producer_id("htx-tai-hoan");
    if (!until.empty()) *r->mutable_valid_until() = Day(until);
    cert.set_status(v1::CERTIFICATE_STATUS_ACTIVE);
    return cert;
  };
  input.certificates.push_back(
      certificate("GCN-OCOP-2021/005", "2021-06-10", "2024-06-09"));
  input.certificates.push_back(
      certificate("GCN-OCOP-2019-001", "2019-01-10", ""));
  input.certificates.back().set_status(v1::CERTIFICATE_STATUS_EXPIRED);
  v1::Certificate revoked = certificate("GCN-OCOP-2023-777", "2023-05-01", "");
  revoked.set_status(v1::CERTIFICATE_STATUS_REVOKED);
  revoked.mutable_revocation()->set_reason("Không tái đánh giá");
  *revoked.mutable_revocation()->mutable_decision_date() = Day("2024-03-21");
  input.certificates.push_back(revoked);

  input.base_url = "https://tx.ocop.example.vn";
  input.creation_time = *ParseRfc3339("2024-04-10T12:00:00+07:00");
  return chain;
}

}  // namespace ocoptrace::epcis::testing
