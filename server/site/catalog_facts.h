// The facts the consumers' door shows, read from trace::Service and the
// ledger: a product with its producer and OCOP certificates, a batch with
// its journey (each step checked by EntryVerifier), and a label's status.
// Catalog (catalog.h) caches them; this file only loads them.
//
// The reads go through the service's public read methods as an internal,
// read-only inspector ("consumer-site"), the role that may read every
// producer's records; nothing here writes.
//
// Thread-safety: pure loading functions, thread-safe as far as the service
// and the ledger are.

#ifndef OCOPTRACE_SERVER_SITE_CATALOG_FACTS_H_
#define OCOPTRACE_SERVER_SITE_CATALOG_FACTS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "core/sha256.h"
#include "server/http/scan_page.h"
#include "server/site/entry_verifier.h"
#include "server/trace/service.h"

namespace ocoptrace::site {

// The caller the site reads as.
trace::Caller SiteReader();

struct CertificateFacts {
  http::CertificateView view;
  // The first day a renewal replaced this certificate, if one did.
  std::optional<absl::CivilDay> superseded_from;
};

struct ProductFacts {
  bool exists = false;
  std::string gtin14;
  std::string name;
  std::string image_url;  // http(s) only; "" otherwise.
  std::string group;      // Vietnamese name of the OCOP group.
  std::string standard;   // Applied standards' codes, "; "-joined.
  std::string brand;      // Brand or collective mark; "" for none.
  std::string producer_id;
  std::string producer_name;
  std::string legal_form;
  std::string address_as_printed;
  std::string current_unit;
  std::vector<std::string> producer_key_names;
  // Newest decision first.
  std::vector<CertificateFacts> certificates;
};

// One journey step with what is needed to re-check its inclusion later.
struct JourneyFacts {
  http::JourneyStep step;
  Hash leaf_hash{};
  bool authentic = false;
};

struct BatchFacts {
  bool exists = false;
  // The chain length it was read at (Ledger::Head(subject).next_seq).
  uint64_t chain_length = 0;
  std::optional<absl::CivilDay> production_date;
  std::optional<absl::CivilDay> expiry_date;
  std::vector<JourneyFacts> journey;
  // The checkpoint size the verified marks were computed against, and
  // whether every step is verified (then nothing can change).
  uint64_t checkpoint_size = 0;
  bool all_verified = false;
};

struct LabelFacts {
  bool issued = false;
  std::string lot;
  bool voided = false;
  bool key_revoked = false;
  bool has_pin = false;
};

// Entries of a batch chain read for the journey, at most.
inline constexpr size_t kMaxJourneyEntries = 1000;

// The product `gtin14`: exists=false when it is not registered. Storage
// errors as they come.
absl::StatusOr<ProductFacts> LoadProduct(trace::Service& service,
                                         std::string_view gtin14);

// The batch (gtin14, lot) of `product` with its journey: batch.created,
// the event.* steps and labels.issued, in chain order, each marked
// verified when authentic and included (EntryVerifier).
absl::StatusOr<BatchFacts> LoadBatch(trace::Service& service,
                                     const EntryVerifier& verifier,
                                     const ProductFacts& product,
                                     std::string_view lot);

// Recomputes the verified marks of `batch` against the latest checkpoint.
void RecheckJourney(const EntryVerifier& verifier, BatchFacts& batch);

// The label (gtin14, serial): issued=false when it was never issued.
absl::StatusOr<LabelFacts> LoadLabel(const trace::Service& service,
                                     std::string_view gtin14,
                                     std::string_view serial);

// The certificates of `product` to show on `today`: a certificate
// superseded by a renewal in force is left out (the renewal is shown).
std::vector<http::CertificateView> CertificatesToShow(
    const ProductFacts& product, absl::CivilDay today);

// A certificate as the pages show it.
http::CertificateView CertificateViewOf(const v1::Certificate& certificate);

// Vietnamese names of enum values shown on the pages.
std::string OcopGroupName(v1::OcopGroup group);
std::string LegalFormName(v1::LegalForm form);

}  // namespace ocoptrace::site

#endif  // OCOPTRACE_SERVER_SITE_CATALOG_FACTS_H_
