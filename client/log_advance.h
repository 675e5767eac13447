// Moving this client's last-seen checkpoint forward against a server: the
// consistency proofs come from the server's Verify service, the checks
// from CheckLogAdvance (verify_history.h), and the last-seen checkpoint
// lives in the file Cli::LastCheckpointPath names.
//
// Thread-safety: like Cli, one command at a time.

#ifndef OCOPTRACE_CLIENT_LOG_ADVANCE_H_
#define OCOPTRACE_CLIENT_LOG_ADVANCE_H_

#include <string>

#include "absl/status/statusor.h"
#include "client/cli.h"
#include "client/connection.h"
#include "client/verify_history.h"
#include "core/checkpoint.h"
#include "core/signed_note.h"

namespace ocoptrace::client {

// A ConsistencyProofFetcher asking `connection` (Verify.GetConsistencyProof).
// `connection` must outlive the fetcher.
ConsistencyProofFetcher ConsistencyProofsFrom(Connection& connection);

// Checks that `latest_note` (a checkpoint the server just served) extends
// the last checkpoint this client saw (none when the file is missing or
// cannot be read), then stores the newer of the two as the last seen.
// Returns CheckLogAdvance's result (the latest checkpoint, whether this was
// the first one seen). Errors: CheckLogAdvance's
// (DataLoss when the log shows another history, after a split-view
// warning on stderr), or the error of storing the file.
absl::StatusOr<LogAdvance> AdvanceLastCheckpoint(
    Cli& cli, Connection& connection, const NoteVerifier& log_key,
    const std::string& latest_note);

}  // namespace ocoptrace::client

#endif  // OCOPTRACE_CLIENT_LOG_ADVANCE_H_
