#include "server/site/catalog.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "server/trace/subjects.h"

namespace ocoptrace::site {
namespace {

std::string PairKey(std::string_view a, std::string_view b) {
  std::string key(a);
  key.push_back('\0');
  key.append(b);
  return key;
}

}  // namespace

Catalog::Catalog(trace::Service* service, const trace::ScanStore* scans,
                 const KeyDirectory* keys, const EntryVerifier* entries,
                 Clock* clock, CatalogOptions options)
    : service_(service),
      scans_(scans),
      keys_(keys),
      entries_(entries),
      clock_(clock),
      options_(options) {}

template <typename Value>
std::shared_ptr<const Value> Catalog::Lookup(Cache<Value>& cache,
                                             const std::string& key,
                                             uint64_t* version) const {
  std::lock_guard<std::mutex> lock(cache.mutex);
  auto it = cache.slots.find(key);
  if (it == cache.slots.end()) return nullptr;
  *version = it->second.version;
  return it->second.value;
}

template <typename Value>
void Catalog::Store(Cache<Value>& cache, const std::string& key,
                    uint64_t version,
                    std::shared_ptr<const Value> value) const {
  std::lock_guard<std::mutex> lock(cache.mutex);
  if (cache.slots.size() >= options_.cache_entries) cache.slots.clear();
  cache.slots[key] = {version, std::move(value)};
}

absl::CivilDay Catalog::Today() const {
  return absl::ToCivilDay(
      clock_->Now(), absl::FixedTimeZone(options_.utc_offset_minutes * 60));
}

Catalog::Stats Catalog::stats() const {
  return {product_loads_.load(), batch_loads_.load(), label_loads_.load()};
}

absl::StatusOr<std::shared_ptr<const ProductFacts>> Catalog::Product(
    std::string_view gtin14) const {
  // Read the log size first: facts read after it are at least that new.
  const uint64_t size = service_->ledger().size();
  const std::string key(gtin14);
  uint64_t version = 0;
  std::shared_ptr<const ProductFacts> cached = Lookup(products_, key, &version);
  if (cached == nullptr || version != size) {
    absl::StatusOr<ProductFacts> loaded = LoadProduct(*service_, gtin14);
    if (!loaded.ok()) return loaded.status();
    ++product_loads_;
    cached = std::make_shared<const ProductFacts>(*std::move(loaded));
    Store(products_, key, size, cached);
  }
  if (!cached->exists) return std::shared_ptr<const ProductFacts>();
  return cached;
}

absl::StatusOr<std::shared_ptr<const BatchFacts>> Catalog::Batch(
    const ProductFacts& product, std::string_view lot) const {
  const uint64_t size = service_->ledger().size();
  const std::string key = PairKey(product.gtin14, lot);
  uint64_t version = 0;
  std::shared_ptr<const BatchFacts> cached = Lookup(batches_, key, &version);
  if (cached != nullptr && version != size) {
    // The log grew; the batch changed only if its own chain did.
    absl::StatusOr<ledger::SubjectHead> head =
        service_->ledger().Head(trace::BatchSubject(product.gtin14, lot));
    if (!head.ok()) return head.status();
    if (head->next_seq == cached->chain_length) {
      Store(batches_, key, size, cached);
    } else {
      cached = nullptr;
    }
  }
  if (cached == nullptr) {
    absl::StatusOr<BatchFacts> loaded =
        LoadBatch(*service_, *entries_, product, lot);
    if (!loaded.ok()) return loaded.status();
    ++batch_loads_;
    cached = std::make_shared<const BatchFacts>(*std::move(loaded));
    Store(batches_, key, size, cached);
  } else if (!cached->all_verified &&
             entries_->CheckpointSize() != cached->checkpoint_size) {
    // A newer checkpoint may prove steps that were too recent before.
    auto rechecked = std::make_shared<BatchFacts>(*cached);
    RecheckJourney(*entries_, *rechecked);
    cached = std::move(rechecked);
    Store(batches_, key, size, cached);
  }
  return cached;
}

absl::StatusOr<std::shared_ptr<const LabelFacts>> Catalog::Label(
    std::string_view gtin14, std::string_view serial) const {
  const uint64_t size = service_->ledger().size();
  const std::string key = PairKey(gtin14, serial);
  uint64_t version = 0;
  std::shared_ptr<const LabelFacts> cached = Lookup(labels_, key, &version);
  if (cached == nullptr || version != size) {
    absl::StatusOr<LabelFacts> loaded = LoadLabel(*service_, gtin14, serial);
    if (!loaded.ok()) return loaded.status();
    ++label_loads_;
    cached = std::make_shared<const LabelFacts>(*std::move(loaded));
    Store(labels_, key, size, cached);
  }
  return cached;
}

bool Catalog::SignatureValid(const http::PageRequest& request) const {
  std::shared_ptr<const KeySnapshot> keys = keys_->Current();
  {
    std::lock_guard<std::mutex> lock(label_keys_mutex_);
    if (label_keys_ != keys->published.label) {
      label_keys_ = keys->published.label;
      label_signatures_.SetKeys(keys->label_keys);
    }
  }
  return label_signatures_.Verify(request.gtin14, request.lot, request.serial,
                                  request.signature) >= 0;
}

bool Catalog::ProductExists(std::string_view gtin14) const {
  absl::StatusOr<std::shared_ptr<const ProductFacts>> product = Product(gtin14);
  return product.ok() && *product != nullptr;
}

bool Catalog::BatchExists(std::string_view gtin14, std::string_view lot) const {
  absl::StatusOr<std::shared_ptr<const ProductFacts>> product = Product(gtin14);
  if (!product.ok() || *product == nullptr) return false;
  absl::StatusOr<std::shared_ptr<const BatchFacts>> batch =
      Batch(**product, lot);
  return batch.ok() && (*batch)->exists;
}

std::optional<std::string> Catalog::LabelLot(std::string_view gtin14,
                                             std::string_view serial) const {
  absl::StatusOr<std::shared_ptr<const LabelFacts>> label =
      Label(gtin14, serial);
  if (!label.ok() || !(*label)->issued) return std::nullopt;
  return (*label)->lot;
}

std::string Catalog::ProductName(std::string_view gtin14) const {
  absl::StatusOr<std::shared_ptr<const ProductFacts>> product = Product(gtin14);
  if (!product.ok() || *product == nullptr) return "";
  return (*product)->name;
}

bool Catalog::HasCertificates(std::string_view gtin14) const {
  absl::StatusOr<std::shared_ptr<const ProductFacts>> product = Product(gtin14);
  return product.ok() && *product != nullptr &&
         !(*product)->certificates.empty();
}

absl::StatusOr<http::ScanPageModel> Catalog::Build(
    const http::PageRequest& request) const {
  absl::StatusOr<std::shared_ptr<const ProductFacts>> product_or =
      Product(request.gtin14);
  if (!product_or.ok()) return product_or.status();
  if (*product_or == nullptr) {
    return absl::NotFoundError(absl::StrCat(
        "GTIN ", request.gtin14, " is not a product registered here"));
  }
  const ProductFacts& product = **product_or;
  const absl::CivilDay today = Today();

  http::ScanPageModel m;
  m.kind = http::PageKind::kProduct;
  m.gtin14 = request.gtin14;
  m.lot = request.lot;
  m.serial = request.serial;
  m.product_name = product.name;
  m.image_url = product.image_url;
  m.group = product.group;
  m.standard = product.standard;
  m.brand = product.brand;
  m.producer_name = product.producer_name;
  m.legal_form = product.legal_form;
  m.address_as_printed = product.address_as_printed;
  m.current_unit = product.current_unit;
  m.certificates = CertificatesToShow(product, today);
  m.today = today;

  if (!request.lot.empty()) {
    absl::StatusOr<std::shared_ptr<const BatchFacts>> batch =
        Batch(product, request.lot);
    if (!batch.ok()) return batch.status();
    if (!(*batch)->exists) {
      m.lot_unknown = true;
    } else {
      m.kind = http::PageKind::kBatch;
      m.production_date = (*batch)->production_date;
      m.expiry_date = (*batch)->expiry_date;
      m.journey.reserve((*batch)->journey.size());
      for (const JourneyFacts& step : (*batch)->journey) {
        m.journey.push_back(step.step);
      }
    }
  }
  if (request.serial.empty()) return m;

  m.label.signature_present = request.signature_present;
  m.label.signature_valid =
      !request.signature.empty() && SignatureValid(request);
  if (m.kind != http::PageKind::kBatch) return m;
  absl::StatusOr<std::shared_ptr<const LabelFacts>> label =
      Label(request.gtin14, request.serial);
  if (!label.ok()) return label.status();
  if (!(*label)->issued || (*label)->lot != request.lot) {
    // Never issued, or issued for another batch than the URL says.
    m.serial_unknown = true;
    return m;
  }
  m.kind = http::PageKind::kLabel;
  m.label.serial_issued = true;
  m.label.voided = (*label)->voided;
  if ((*label)->key_revoked) m.label.signature_valid = false;
  m.batch_has_pins = (*label)->has_pin;
  if (scans_ != nullptr) {
    absl::StatusOr<trace::LabelScanSummary> summary =
        scans_->Summary(request.gtin14, request.serial);
    if (summary.ok()) {
      m.label.scan_count = summary->valid_scans;
      m.label.distinct_places = summary->places();
      m.label.pin_already_used = summary->pin_reuses > 0;
      m.first_scan = summary->first_valid_scan;
    }
  }
  return m;
}

}  // namespace ocoptrace::site
