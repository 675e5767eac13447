// The ocoptrace story, played over gRPC against a TestServer, and the
// records it uses: the admin registers the cooperative HTX Tài Hoan and
// adds its producer key; creates a producer principal and a certifier
// principal with its key; the producer registers a product; the certifier
// issues a 4★ certificate; the producer creates a batch and records
// commissioning -> packing -> shipping.
//
// Shared by the story test, the rebuild test and the role matrix (which
// builds its own cast on top of the same record builders).

#ifndef OCOPTRACE_TESTS_SERVER_RPC_STORY_H_
#define OCOPTRACE_TESTS_SERVER_RPC_STORY_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "ocoptrace/v1/certificates.pb.h"
#include "ocoptrace/v1/registry.pb.h"
#include "ocoptrace/v1/trace.pb.h"
#include "tests/server/rpc/test_client.h"

namespace ocoptrace::rpctest {

// Identifiers with valid GS1 check digits.
inline constexpr char kProducerId[] = "htx-tai-hoan";
inline constexpr char kGtin[] = "08934563123451";
inline constexpr char kLot[] = "L2024-06A";
inline constexpr char kCertificateNumber[] = "GCN-OCOP-2024-015";
inline constexpr char kCertifierName[] = "can-bo-ocop";

// Record builders with plausible, valid contents.
v1::ProducerRecord ProducerRecordFor(const std::string& id,
                                     const std::string& name);
v1::ProductRecord ProductRecordFor(const std::string& gtin,
                                   const std::string& producer_id);
v1::CertificateRecord CertificateRecordFor(const std::string& number,
                                           const std::string& gtin,
                                           const std::string& producer_id,
                                           uint32_t stars, double score);
v1::BatchRecord BatchRecordFor(const std::string& gtin, const std::string& lot);
// A valid event of `step` ("commissioning", "packing", "shipping",
// "storing", "inspecting", ...) that happened at `when`.
v1::TraceEvent EventFor(const std::string& step, absl::Time when);

// Creates a principal; returns its token.
absl::StatusOr<std::string> CreatePrincipal(TestClient& admin,
                                            const std::string& name,
                                            v1::Role role,
                                            const std::string& producer_id);
// Adds `vkey` with `role`; `producer_id` for producer keys, `holder` for
// officials' keys.
absl::StatusOr<v1::EntryReceipt> AddKey(TestClient& admin,
                                        const std::string& vkey,
                                        v1::KeyRole role,
                                        const std::string& producer_id,
                                        const std::string& holder);

// Sign the record as an entry at its subject's current head with `key`
// (entry time `now`) and submit it with the client's token.
absl::StatusOr<v1::EntryReceipt> RegisterProduct(
    TestClient& client, const NoteSigner& key, const v1::ProductRecord& record,
    absl::Time now);
absl::StatusOr<v1::EntryReceipt> IssueCertificate(
    TestClient& client, const NoteSigner& key,
    const v1::CertificateRecord& record, absl::Time now);
absl::StatusOr<v1::EntryReceipt> CreateBatch(TestClient& client,
                                             const NoteSigner& key,
                                             const v1::BatchRecord& record,
                                             absl::Time now);
absl::StatusOr<v1::EntryReceipt> RecordEvent(
    TestClient& client, const NoteSigner& key, const std::string& gtin,
    const std::string& lot, const v1::TraceEvent& event, absl::Time now);

// Labels.IssueLabels for the batch: reads the whole stream. OK with the
// labels in order (and the summary in `*summary` if not null), or the
// status the stream ended with.
absl::StatusOr<std::vector<v1::IssuedLabel>> IssueLabels(
    TestClient& client, const std::string& gtin, const std::string& lot,
    uint32_t count, bool with_pins, v1::IssuanceSummary* summary = nullptr);

// What the story left behind.
struct Story {
  std::string producer_token;
  std::string certifier_token;
  TestIdentity producer_key;
  TestIdentity certifier_key;
  // Receipts of the batch's chain: batch.created and the three events.
  std::vector<v1::EntryReceipt> batch_receipts;
};

// Plays the story, advancing the server's clock by an hour per step.
// Returns the first failure, naming the step.
absl::StatusOr<Story> PlayStory(TestServer& server);

}  // namespace ocoptrace::rpctest

#endif  // OCOPTRACE_TESTS_SERVER_RPC_STORY_H_
