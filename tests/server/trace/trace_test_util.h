// Test harness for trace::Service: a service over a MemoryStore with a
// FakeClock, SeededRandom and fixed service keys; principals of every role;
// actors that sign entries the way a client does (body → header with the
// subject's head → SignEntry); blocking wrappers for the async methods; and
// ready-made bodies for the Bắc Kạn story.
#ifndef OCOPTRACE_TESTS_SERVER_TRACE_TRACE_TEST_UTIL_H_
#define OCOPTRACE_TESTS_SERVER_TRACE_TRACE_TEST_UTIL_H_

#include <future>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "core/clock.h"
#include "core/log_entry.h"
#include "core/random.h"
#include "core/signed_note.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/storage/memory_store.h"
#include "server/trace/service.h"

namespace ocoptrace::trace::testing {

namespace v1 = ::ocoptrace::v1;

// Story data.
inline constexpr char kProducerA[] = "htx-tai-hoan";
inline constexpr char kProducerB[] = "htx-yen-duong";
inline constexpr char kGtinA[] = "08934563123451";   // Producer A's product.
inline constexpr char kGtinA2[] = "08934563123468";  // Producer A's second.
inline constexpr char kGtinB[] = "08934563123475";   // Producer B's product.
inline constexpr char kGlnA[] = "8934563000103";
inline constexpr char kLot[] = "L2024-03A";

// A deterministic signer named `name` (the seed is SHA-256 of the name).
NoteSigner TestSigner(const std::string& name);
std::string VkeyOf(const NoteSigner& signer);

// Blocks until an async Service method calls back.
template <typename T>
class Waiter {
 public:
  Callback<T> callback() {
    return [this](absl::StatusOr<T> result) {
      promise_.set_value(std::move(result));
    };
  }
  absl::StatusOr<T> Wait() { return future_.get(); }

 private:
  std::promise<absl::StatusOr<T>> promise_;
  std::future<absl::StatusOr<T>> future_ = promise_.get_future();
};

// Calls `method(callback)` and waits for the result.
template <typename T, typename F>
absl::StatusOr<T> Await(F&& method) {
  Waiter<T> waiter;
  method(waiter.callback());
  return waiter.Wait();
}

struct SignOptions {
  // Override the seq/prev taken from the subject's head.
  std::optional<uint64_t> seq;
  std::optional<Hash> prev;
  // Override the entry time (default: the fake clock's now).
  std::optional<int64_t> unix_seconds;
};

class TraceTest : public ::testing::Test {
 protected:
  // 2024-03-25 09:00 +07:00.
  static absl::Time StartTime();

  void SetUp() override;
  void TearDown() override;

  // (Re)opens the service over the same store.
  void OpenService();

  // A principal with a fresh token, authenticated.
  Caller MakePrincipal(const std::string& name, v1::Role role,
                       const std::string& producer_id = "");

  // Signs an entry of `kind` on `subject` whose body is `body`, chained on
  // the subject's current head unless `options` say otherwise.
  v1::SignedEntry Sign(const NoteSigner& signer, const std::string& kind,
                       const std::string& subject, const std::string& body,
                       const SignOptions& options = {});
  template <typename Message>
  v1::SignedEntry SignMessage(const NoteSigner& signer, const std::string& kind,
                              const std::string& subject, const Message& body,
                              const SignOptions& options = {}) {
    return Sign(signer, kind, subject, body.SerializeAsString(), options);
  }

  // Blocking forms of the write methods.
  absl::StatusOr<v1::EntryReceipt> RegisterProducer(const Caller& caller,
                                                    const v1::ProducerRecord&);
  absl::StatusOr<v1::EntryReceipt> AddKey(const Caller& caller,
                                          const v1::KeyRecord& key);
  absl::StatusOr<v1::EntryReceipt> RevokeKey(const Caller& caller,
                                             const std::string& name,
                                             const std::string& reason);
  absl::StatusOr<v1::EntryReceipt> RegisterProduct(const Caller& caller,
                                                   const NoteSigner& signer,
                                                   const v1::ProductRecord&);
  absl::StatusOr<v1::EntryReceipt> IssueCertificate(
      const Caller& caller, const NoteSigner& signer,
      const v1::CertificateRecord& record);
  absl::StatusOr<v1::EntryReceipt> RenewCertificate(
      const Caller& caller, const NoteSigner& signer,
      const v1::CertificateRecord& record);
  absl::StatusOr<v1::EntryReceipt> RevokeCertificate(
      const Caller& caller, const NoteSigner& signer, const std::string& number,
      const v1::CertificateRevocation& revocation);
  absl::StatusOr<v1::EntryReceipt> CreateBatch(const Caller& caller,
                                               const NoteSigner& signer,
                                               const v1::BatchRecord& record);
  absl::StatusOr<v1::EntryReceipt> RecordEvent(const Caller& caller,
                                               const NoteSigner& signer,
                                               const v1::TraceEvent& event,
                                               const std::string& gtin = kGtinA,
                                               const std::string& lot = kLot);
  absl::StatusOr<v1::GetHistoryResponse> GetHistory(const Caller& caller,
                                                    const std::string& gtin,
                                                    const std::string& lot);

  // Bodies.
  static v1::ProducerRecord Producer(const std::string& id);
  static v1::KeyRecord ProducerKey(const NoteSigner& signer,
                                   const std::string& producer_id);
  static v1::KeyRecord OfficialKey(const NoteSigner& signer, v1::KeyRole role,
                                   const std::string& holder);
  static v1::ProductRecord Product(const std::string& gtin,
                                   const std::string& producer_id);
  // A 4★ provincial certificate (score 78.5) decided 2024-03-22.
  static v1::CertificateRecord Certificate(const std::string& number,
                                           const std::string& producer_id,
                                           const std::string& gtin);
  static v1::CertificateRevocation Revocation(const std::string& date);
  static v1::BatchRecord Batch(const std::string& gtin, const std::string& lot);
  // An event at the fake clock's time at producer A's GLN.
  v1::TraceEvent Event(const std::string& step) const;

  // Sets up the story's cast: producers A and B registered with keys
  // (key_a, key_b) and principals (producer_a, producer_b), a certifier
  // with key, an inspector with key, products kGtinA (A) and kGtinB (B).
  void SetUpCast();

  // The ledger's size and the subject's next seq: what "nothing written"
  // compares.
  std::pair<uint64_t, uint64_t> Footprint(const std::string& subject);

  // The store the service runs on: a MemoryStore unless a test sets it
  // (e.g. to a RocksDB store) before calling TraceTest::SetUp().
  std::unique_ptr<storage::Store> store_;
  FakeClock clock_{StartTime()};
  SeededRandom random_{7};
  ServiceKeys keys_;
  std::unique_ptr<Service> service_;

  Caller admin_;
  Caller producer_a_, producer_b_, certifier_, inspector_;
  NoteSigner key_a_ = TestSigner("htx-tai-hoan-key-1");
  NoteSigner key_b_ = TestSigner("htx-yen-duong-key-1");
  NoteSigner certifier_key_ = TestSigner("ocop-certifier-key");
  NoteSigner inspector_key_ = TestSigner("qltt-inspector-key");
};

// Checks with a readable failure message.
#define ASSERT_OK(expr)                                      \
  do {                                                       \
    const auto& _s = (expr);                                 \
    ASSERT_TRUE(_s.ok()) << #expr << ": " << StatusText(_s); \
  } while (0)
#define EXPECT_OK(expr)                                      \
  do {                                                       \
    const auto& _s = (expr);                                 \
    EXPECT_TRUE(_s.ok()) << #expr << ": " << StatusText(_s); \
  } while (0)

inline std::string StatusText(const absl::Status& status) {
  return status.ToString();
}
template <typename T>
std::string StatusText(const absl::StatusOr<T>& status_or) {
  return status_or.status().ToString();
}

}  // namespace ocoptrace::trace::testing

#endif  // OCOPTRACE_TESTS_SERVER_TRACE_TRACE_TEST_UTIL_H_
