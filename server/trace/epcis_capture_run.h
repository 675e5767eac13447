// EpcisCaptureRun: the work of one EPCIS capture job (epcis_captures.h
// describes the steps): plan the document, check every planned entry, and
// append the entries signed with the principal's integration key through
// Service::CreateBatch / RecordEvent.
//
// Thread-safety: one run is driven by one thread (the capture worker); the
// append callbacks it receives from ledger threads are synchronised inside.

#ifndef OCOPTRACE_SERVER_TRACE_EPCIS_CAPTURE_RUN_H_
#define OCOPTRACE_SERVER_TRACE_EPCIS_CAPTURE_RUN_H_

#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "epcis/capture.h"
#include "ocoptrace/v1/trace.pb.h"
#include "server/trace/epcis_captures.h"
#include "server/trace/service.h"

namespace ocoptrace::trace {

// "2024-03-25T02:00:00Z".
std::string FormatJobTime(absl::Time time);

// The proto form of a capture problem.
v1::EpcisProblem ProblemToProto(const epcis::Problem& problem);

class EpcisCaptureRun {
 public:
  using JobCallback = EpcisCaptures::JobCallback;

  // `job` is the job as queued (id, times, principal); the run fills in the
  // rest. The pointers must outlive the run.
  EpcisCaptureRun(EpcisCaptures* owner, Service* service, Service::Impl* impl,
                  Caller caller, v1::EpcisCaptureErrorBehaviour behaviour,
                  v1::EpcisCaptureJob job);

  // Runs the job over `document`. Calls `planned` once, after the checks
  // and before the first append, and `progress` with the job as it stands
  // now and then and once at the end (still running: the owner finishes
  // it).
  void Execute(const std::string& document, const JobCallback& planned,
               const JobCallback& progress);

 private:
  // One entry to append.
  struct Task {
    size_t event = 0;  // Index into plan_.events and job_.events.
    const epcis::PlannedEntry* planned = nullptr;
    std::string subject;
    // Subjects this entry needs up to date: input batches.
    std::vector<std::string> inputs;
    std::string body;
    int attempts = 0;
    bool skip = false;  // Stored before.
    bool launched = false;
    bool finished = false;
    absl::Status status;       // Of the append, once finished.
    v1::EntryReceipt receipt;  // When it was appended.
  };

  absl::Status Plan(const std::string& document);
  void Check();
  void CheckEvent(size_t event_index);
  void Append();
  // Puts the front entry of its batch in ready_, unless it must wait for
  // an input batch (waiting_on_). Requires mutex_.
  void Consider(size_t task_index);
  void Launch(size_t task_index);
  void OnAppended(size_t task_index, absl::StatusOr<v1::EntryReceipt> result);
  void Summarise();
  void AddProblem(const std::string& type, int status, const std::string& code,
                  const std::string& title, const std::string& pointer,
                  const std::string& detail);
  bool Rollback() const { return behaviour_ == v1::EPCIS_CAPTURE_ROLLBACK; }

  EpcisCaptures* const owner_;
  Service* const service_;
  Service::Impl* const impl_;
  const Caller caller_;
  const v1::EpcisCaptureErrorBehaviour behaviour_;
  v1::EpcisCaptureJob job_;
  std::string instance_;
  NoteSigner signer_;

  epcis::CapturePlan plan_;
  std::vector<Task> tasks_;
  // Per event of plan_: problems found by Check (no entry is appended).
  std::vector<bool> event_refused_;
  // (EPCIS id, subject) of the event entries planned so far.
  std::set<std::pair<std::string, std::string>> seen_ids_;
  const JobCallback* progress_ = nullptr;

  // Append state, guarded by mutex_.
  std::mutex mutex_;
  std::condition_variable changed_;
  // Per batch, its entries not yet finished, in document order: only the
  // front one may be in flight.
  std::map<std::string, std::deque<size_t>> queues_;
  // Entries that wait until an input batch's earlier entries finished.
  std::multimap<std::string, size_t> waiting_on_;
  // Entries that may be launched now, in document order of readiness.
  std::deque<size_t> ready_;
  std::vector<size_t> retries_;
  size_t in_flight_ = 0;
  bool halted_ = false;
  uint32_t appended_ = 0;
};

}  // namespace ocoptrace::trace

#endif  // OCOPTRACE_SERVER_TRACE_EPCIS_CAPTURE_RUN_H_
