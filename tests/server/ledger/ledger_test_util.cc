#include "tests/server/ledger/ledger_test_util.h"

#include <cstdlib>

#include "core/ed25519.h"

namespace ocoptrace::ledger::testing {
namespace {

NoteSigner MakeSigner(const std::string& name, const Ed25519PrivateKey& key) {
  auto signer = MakeNoteSigner(name, key);
  if (!signer.ok()) std::abort();
  return *signer;
}

}  // namespace

TestActor::TestActor(std::string name)
    : signer_(MakeSigner(name, Ed25519PrivateKey::Generate())) {}

TestActor::TestActor(std::string name, std::string_view seed32)
    : signer_(MakeSigner(name, *Ed25519PrivateKey::FromSeed(seed32))) {}

std::string TestActor::NextEntry(const std::string& subject,
                                 const std::string& body,
                                 const std::string& kind,
                                 int64_t unix_seconds) {
  Head& head = heads_[subject];
  EntryHeader header;
  header.kind = kind;
  header.subject = subject;
  header.seq = head.next_seq;
  header.prev = head.prev;
  header.time = Timestamp{unix_seconds, 7 * 60};
  header.body_hash = Sha256(body);
  return Sign(header);
}

void TestActor::Accept(const std::string& subject, const std::string& entry) {
  Head& head = heads_[subject];
  head.next_seq++;
  head.prev = EntryHash(entry);
}

std::string TestActor::Sign(const EntryHeader& header) {
  auto entry = SignEntry(header, signer_);
  if (!entry.ok()) std::abort();
  return *entry;
}

NoteSigner TestLogKey(const std::string& origin) {
  return MakeSigner(origin, Ed25519PrivateKey::Generate());
}

}  // namespace ocoptrace::ledger::testing
