// Helpers for ledger tests: actors with keys that sign entries in the
// ocoptrace/entry/v1 layout and track their subjects' heads.
#ifndef OCOPTRACE_TESTS_SERVER_LEDGER_LEDGER_TEST_UTIL_H_
#define OCOPTRACE_TESTS_SERVER_LEDGER_LEDGER_TEST_UTIL_H_

#include <map>
#include <string>

#include "core/log_entry.h"
#include "core/signed_note.h"
#include "server/ledger/ledger.h"

namespace ocoptrace::ledger::testing {

// One signing actor. Not thread-safe; use one per thread.
class TestActor {
 public:
  explicit TestActor(std::string name);
  // Derives the key from a fixed seed (deterministic across processes).
  TestActor(std::string name, std::string_view seed32);

  const NoteSigner& signer() const { return signer_; }
  NoteVerifier verifier() const { return VerifierOf(signer_); }

  // Makes the next entry of `subject`, chaining on what this actor last
  // appended there. Call Accept() after a successful append.
  std::string NextEntry(const std::string& subject, const std::string& body,
                        const std::string& kind = "test.event",
                        int64_t unix_seconds = 1700000000);
  // Records that `entry` was appended to `subject`.
  void Accept(const std::string& subject, const std::string& entry);

  // Builds an entry with an explicit header (for bad-input tests).
  std::string Sign(const EntryHeader& header);

 private:
  struct Head {
    uint64_t next_seq = 0;
    Hash prev{};
  };
  NoteSigner signer_;
  std::map<std::string, Head> heads_;
};

// A log key for tests.
NoteSigner TestLogKey(const std::string& origin = "log.test.ocoptrace");

}  // namespace ocoptrace::ledger::testing

#endif  // OCOPTRACE_TESTS_SERVER_LEDGER_LEDGER_TEST_UTIL_H_
