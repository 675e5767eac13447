// Catalog: what the GS1 resolver and the scan page know about products,
// batches and labels, read from trace::Service (http::ResolverData and
// http::PageData). Pages must be fast — they run on the HTTP event loops
// and a popular label is scanned thousands of times — so the Catalog
// caches what it read:
//   - products (with producer and certificates) and labels, tagged with
//     the log's size: any log entry may change them, so a cached value is
//     used only while the log has not grown;
//   - batches with their verified journeys, tagged with the batch chain's
//     length (one small read when the log grew elsewhere), their verified
//     marks refreshed when a newer checkpoint may prove more steps;
//   - label signatures, through http::LabelSignatureVerifier (keyed by the
//     exact bytes, cleared when the label keys change);
//   - scan summaries, through trace::ScanStore's own cache.
// Time-dependent facts (certificate status, stars) are computed from the
// cached dates for today, on every page, from the injected clock.
//
// Thread-safety: thread-safe.

#ifndef OCOPTRACE_SERVER_SITE_CATALOG_H_
#define OCOPTRACE_SERVER_SITE_CATALOG_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "server/http/label_verifier.h"
#include "server/http/page_handler.h"
#include "server/http/resolver.h"
#include "server/site/catalog_facts.h"
#include "server/site/entry_verifier.h"
#include "server/site/key_directory.h"
#include "server/trace/scans.h"
#include "server/trace/service.h"

namespace ocoptrace::site {

struct CatalogOptions {
  // Entries per cache (products, batches, labels) before it starts afresh.
  size_t cache_entries = 1 << 16;
  // Offset of "today" for certificate status: Vietnam, UTC+7.
  int utc_offset_minutes = 420;
};

class Catalog : public http::ResolverData, public http::PageData {
 public:
  // All must outlive the catalog. `scans` may be null (no scan facts).
  Catalog(trace::Service* service, const trace::ScanStore* scans,
          const KeyDirectory* keys, const EntryVerifier* entries, Clock* clock,
          CatalogOptions options = {});

  // http::ResolverData. A storage error answers "does not exist" (the
  // resolver then says 404; the error is transient).
  bool ProductExists(std::string_view gtin14) const override;
  bool BatchExists(std::string_view gtin14,
                   std::string_view lot) const override;
  std::optional<std::string> LabelLot(std::string_view gtin14,
                                      std::string_view serial) const override;
  std::string ProductName(std::string_view gtin14) const override;
  bool HasCertificates(std::string_view gtin14) const override;

  // http::PageData. NotFound for an unregistered GTIN; Unavailable-like
  // storage errors as they come (the page says "try again").
  absl::StatusOr<http::ScanPageModel> Build(
      const http::PageRequest& request) const override;

  // The product as cached (for the certificate page and tests): null with
  // OK when not registered.
  absl::StatusOr<std::shared_ptr<const ProductFacts>> Product(
      std::string_view gtin14) const;

  // Today in the service's time zone.
  absl::CivilDay Today() const;

  // Counters for tests and benchmarks: facts loaded from the service
  // (cache misses) since the catalog was made.
  struct Stats {
    uint64_t product_loads = 0;
    uint64_t batch_loads = 0;
    uint64_t label_loads = 0;
  };
  Stats stats() const;

 private:
  template <typename Value>
  struct Cache {
    struct Slot {
      uint64_t version = 0;
      std::shared_ptr<const Value> value;
    };
    std::mutex mutex;
    std::unordered_map<std::string, Slot> slots;
  };
  template <typename Value>
  std::shared_ptr<const Value> Lookup(Cache<Value>& cache,
                                      const std::string& key,
                                      uint64_t* version) const;
  template <typename Value>
  void Store(Cache<Value>& cache, const std::string& key, uint64_t version,
             std::shared_ptr<const Value> value) const;

  absl::StatusOr<std::shared_ptr<const BatchFacts>> Batch(
      const ProductFacts& product, std::string_view lot) const;
  absl::StatusOr<std::shared_ptr<const LabelFacts>> Label(
      std::string_view gtin14, std::string_view serial) const;
  // True when `signature64` verifies under an active label key.
  bool SignatureValid(const http::PageRequest& request) const;

  trace::Service* const service_;
  const trace::ScanStore* const scans_;
  const KeyDirectory* const keys_;
  const EntryVerifier* const entries_;
  Clock* const clock_;
  const CatalogOptions options_;

  mutable Cache<ProductFacts> products_;
  mutable Cache<BatchFacts> batches_;
  mutable Cache<LabelFacts> labels_;

  mutable http::LabelSignatureVerifier label_signatures_;
  mutable std::mutex label_keys_mutex_;
  mutable std::vector<std::string> label_keys_;  // As last given to SetKeys.

  mutable std::atomic<uint64_t> product_loads_{0};
  mutable std::atomic<uint64_t> batch_loads_{0};
  mutable std::atomic<uint64_t> label_loads_{0};
};

}  // namespace ocoptrace::site

#endif  // OCOPTRACE_SERVER_SITE_CATALOG_H_
