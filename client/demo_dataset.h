// DemoDataset: a demonstration dataset for `tracectl demo load`
// (deploy/demo/backan.json: the former Bắc Kạn province's OCOP products,
// producers, certificates and a few batch journeys), parsed from its JSON
// file into the API's record messages, ready to sign.
//
// The file format (format "ocoptrace/demo-dataset/v1") is described in
// deploy/demo/README.md. Dates are "YYYY-MM-DD", or relative to an anchor
// day: "today", "today-30d", "today+45d" (placeholders that must stay
// current, e.g. a re-evaluation or a batch's journey). The anchor is the
// day the dataset was first loaded (kept by the loader), so loading again
// later gives the very same records. Times are "<date> HH:MM" in Vietnam
// time (+07:00). A certificate's "criteria" and "issuer" may be "auto":
// derived from its level and decision date (Decision 1048 before
// 2023-02-24, 148 until 2025-06-30, the amended 148 after; the ministry and
// province by the names they had on that date).
//
// Every value is checked with the same rules as the command-line parsers
// (GTIN check digits, lots in CSET 82, enum words, dates); an error names
// the JSON path, e.g. "products[3].gtin: check digit should be 4, not 1".
//
// Thread-safety: plain values and pure functions.

#ifndef OCOPTRACE_CLIENT_DEMO_DATASET_H_
#define OCOPTRACE_CLIENT_DEMO_DATASET_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "ocoptrace/v1/admin.pb.h"
#include "ocoptrace/v1/certificates.pb.h"
#include "ocoptrace/v1/registry.pb.h"
#include "ocoptrace/v1/trace.pb.h"

namespace ocoptrace::client {

namespace v1 = ::ocoptrace::v1;

inline constexpr std::string_view kDemoDatasetFormat =
    "ocoptrace/demo-dataset/v1";

// A person or office the loader acts as: a principal, its key's name and
// (for producers) the producer it acts for.
struct DemoIdentity {
  std::string principal;     // e.g. "htx-tai-hoan-staff"
  std::string display_name;  // Not in the log.
  v1::Role role = v1::ROLE_UNSPECIFIED;
  std::string producer_id;  // Role producer only.
  std::string key_name;     // e.g. "htx-tai-hoan-staff-1"
};

struct DemoCertificate {
  v1::CertificateRecord record;
  // Set when the dataset revokes the certificate.
  std::optional<v1::CertificateRevocation> revocation;
};

struct DemoEvent {
  v1::TraceEvent event;
  // Signed by the dataset's inspector (event.inspecting), not the producer.
  bool by_inspector = false;
};

struct DemoBatch {
  v1::BatchRecord record;
  std::vector<DemoEvent> events;  // In the order they happened.
};

struct DemoDataset {
  std::string name;
  DemoIdentity certifier;
  DemoIdentity inspector;
  // One staff identity per producer, in the producers' order.
  std::vector<DemoIdentity> producer_staff;
  std::vector<v1::ProducerRecord> producers;
  std::vector<v1::ProductRecord> products;
  // Originals before their renewals.
  std::vector<DemoCertificate> certificates;
  std::vector<DemoBatch> batches;
  // The batch the quickstart prints labels for.
  v1::BatchRef label_batch;

  // The staff identity of `producer_id`; nullptr when there is none.
  const DemoIdentity* StaffOf(std::string_view producer_id) const;
};

// Resolves a dataset date ("2021-06-30", "today", "today-30d", "today+45d")
// against `anchor`. InvalidArgument naming `path` otherwise.
absl::StatusOr<absl::CivilDay> ResolveDemoDate(std::string_view path,
                                               std::string_view text,
                                               absl::CivilDay anchor);

// Parses and checks a dataset file's text. InvalidArgument naming the JSON
// path of the first problem: not JSON, another format, a missing or
// malformed field, a duplicate id, GTIN or certificate number, a reference
// to an unknown producer, product or certificate, an event in the future of
// `anchor` + 1 day.
absl::StatusOr<DemoDataset> ParseDemoDataset(std::string_view json_text,
                                             absl::CivilDay anchor);

}  // namespace ocoptrace::client

#endif  // OCOPTRACE_CLIENT_DEMO_DATASET_H_
