#include "client/log_advance.h"

#include <optional>
#include <vector>

#include "client/config.h"
#include "ocoptrace/v1/verify.grpc.pb.h"

namespace ocoptrace::client {

ConsistencyProofFetcher ConsistencyProofsFrom(Connection& connection) {
  return [&connection](uint64_t size1,
                       uint64_t size2) -> absl::StatusOr<std::vector<Hash>> {
    v1::GetConsistencyProofRequest request;
    request.set_size1(size1);
    request.set_size2(size2);
    absl::StatusOr<v1::GetConsistencyProofResponse> proof = connection.Call(
        connection.verify(), &v1::Verify::Stub::GetConsistencyProof, request);
    if (!proof.ok()) return proof.status();
    return ProofFromBytes(proof->proof());
  };
}

absl::StatusOr<LogAdvance> AdvanceLastCheckpoint(
    Cli& cli, Connection& connection, const NoteVerifier& log_key,
    const std::string& latest_note) {
  absl::StatusOr<std::string> last_path = cli.LastCheckpointPath();
  if (!last_path.ok()) return last_path.status();
  std::optional<std::string> previous;
  if (auto stored = ReadFile(*last_path); stored.ok()) previous = *stored;
  absl::StatusOr<LogAdvance> advance = CheckLogAdvance(
      log_key, previous, latest_note, ConsistencyProofsFrom(connection));
  if (!advance.ok()) {
    if (absl::IsDataLoss(advance.status())) {
      cli.err() << "!!! SPLIT-VIEW WARNING: " << advance.status().message()
                << "\n";
    }
    return advance.status();
  }
  if (absl::Status saved =
          WriteFileAtomically(*last_path, advance->note_to_store, 0644);
      !saved.ok()) {
    return saved;
  }
  return advance;
}

}  // namespace ocoptrace::client
