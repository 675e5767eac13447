// Keys and names shared by the crash test and its child process.
#ifndef OCOPTRACE_TESTS_SERVER_LEDGER_LEDGER_CRASH_COMMON_H_
#define OCOPTRACE_TESTS_SERVER_LEDGER_LEDGER_CRASH_COMMON_H_

#include <cstdlib>
#include <string>

#include "core/ed25519.h"
#include "core/signed_note.h"

namespace ocoptrace::ledger::crash_test {

inline NoteSigner SignerFromByte(const std::string& name, char fill) {
  auto key = Ed25519PrivateKey::FromSeed(std::string(32, fill));
  auto signer = MakeNoteSigner(name, *key);
  if (!signer.ok()) std::abort();
  return *signer;
}
inline NoteSigner LogKey() { return SignerFromByte("log.crash.test", 0x11); }
inline NoteSigner ActorKey(int t) {
  return SignerFromByte("actor" + std::to_string(t), static_cast<char>(0x20 + t));
}
inline std::string Subject(int t) { return "crash/t" + std::to_string(t); }

}  // namespace ocoptrace::ledger::crash_test

#endif  // OCOPTRACE_TESTS_SERVER_LEDGER_LEDGER_CRASH_COMMON_H_
