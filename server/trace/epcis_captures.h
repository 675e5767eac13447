// EpcisCaptures: the EPCIS capture jobs of trace::Service (docs/epcis.md,
// "Capture over the API"), and the thread that answers EPCIS queries.
//
// A job captures one EPCIS 2.0 document for one principal:
//   1. plan: epcis::PlanCaptureText against the current state (products,
//      batches, labelled units, the accepted business steps);
//   2. check every planned entry before anything is written: the caller
//      may act on the batch, the body passes the service's rules, its time
//      is not in the future, it is not stored already (eventID or event
//      hash ID, through the EPCIS event index) — problems name the event;
//   3. with problems and rollback (the default): store nothing; else append
//      the entries, each signed with the principal's integration key and
//      submitted through Service::CreateBatch / RecordEvent, exactly as a
//      client's entries are. Entries of different batches go in parallel;
//      entries of one batch, and entries that need a batch created earlier
//      in the job, wait for their predecessors.
// The log is append-only: if an append is refused after others succeeded
// (a concurrent writer, a failed disk), what was stored stays; the job says
// so (EPCIS_EVENT_PARTLY_STORED / NOT_STORED and a problem), and with
// rollback it stops at the first such failure.
//
// Jobs run one at a time on a worker thread, in arrival order; finished
// jobs are kept (the last kRetainedJobs) for GetCaptureJob.
//
// Thread-safety: thread-safe. Stop() (also run by the destructor) must be
// called before the service's ledger closes.

#ifndef OCOPTRACE_SERVER_TRACE_EPCIS_CAPTURES_H_
#define OCOPTRACE_SERVER_TRACE_EPCIS_CAPTURES_H_

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "absl/status/statusor.h"
#include "ocoptrace/v1/trace.pb.h"
#include "server/trace/epcis_keys.h"
#include "server/trace/service.h"

namespace ocoptrace::trace {

class EpcisCaptures {
 public:
  // At most this many jobs wait for the worker; more are refused.
  static constexpr size_t kMaxQueuedJobs = 16;
  // Finished jobs kept for GetCaptureJob.
  static constexpr size_t kRetainedJobs = 64;
  // Entries submitted and not yet durable, at most.
  static constexpr size_t kMaxInFlight = 512;

  // `service` and `impl` must outlive this object.
  EpcisCaptures(Service* service, Service::Impl* impl);
  ~EpcisCaptures();

  // Refuses new jobs and queries, lets the running job finish the entries
  // in flight (it starts no new ones), ends queued jobs with a problem, runs
  // the queued queries, and joins the threads. Idempotent.
  void Stop();

  IntegrationKeys& keys() { return keys_; }

  using JobCallback = std::function<void(const v1::EpcisCaptureJob& job)>;

  // Queues the capture of `document` for `caller` and returns the job as
  // queued (its capture_id). `planned` runs once the document is planned
  // and checked, before anything is appended (the job may already be
  // finished then: rollback with problems); `done` when the job has
  // finished. Both run on the worker thread, at most once each; either may
  // be null. Refused before queuing:
  //   Unauthenticated / PermissionDenied: not a producer or inspector;
  //   FailedPrecondition: the principal has no active integration key;
  //   ResourceExhausted: kMaxQueuedJobs jobs are waiting;
  //   Unavailable: stopping.
  absl::StatusOr<v1::EpcisCaptureJob> Start(
      const Caller& caller, std::string document,
      v1::EpcisCaptureErrorBehaviour behaviour, JobCallback planned,
      JobCallback done);

  // The job, as of now. NotFound for an unknown (or no longer kept) id;
  // PermissionDenied unless the caller is the job's principal or an admin.
  absl::StatusOr<v1::EpcisCaptureJob> Get(const Caller& caller,
                                          std::string_view capture_id) const;

  // Runs `work` on the query thread, in arrival order. Unavailable when
  // stopping (`work` is then not run).
  absl::Status Post(std::function<void()> work);

  // The integration key `caller` signs captures with. FailedPrecondition
  // naming what to do when there is none or it was revoked.
  absl::StatusOr<NoteSigner> SignerFor(const Caller& caller) const;

  // True once Stop() was called: a running job starts no new entries.
  bool stopping() const;

 private:
  struct Job {
    v1::EpcisCaptureJob proto;  // Guarded by mutex_.
    Caller caller;
    std::string document;
    v1::EpcisCaptureErrorBehaviour behaviour = v1::EPCIS_CAPTURE_ROLLBACK;
    JobCallback planned;
    JobCallback done;
  };

  void WorkerLoop();
  void QueryLoop();
  // Makes `proto` what Get() answers for `job`.
  void Publish(const std::shared_ptr<Job>& job,
               const v1::EpcisCaptureJob& proto);
  void Finish(const std::shared_ptr<Job>& job);

  Service* const service_;
  Service::Impl* const impl_;
  IntegrationKeys keys_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::deque<std::shared_ptr<Job>> queue_;
  std::map<std::string, std::shared_ptr<Job>, std::less<>> jobs_;
  std::deque<std::string> finished_order_;
  std::deque<std::function<void()>> queries_;
  std::thread worker_;
  std::thread query_thread_;
};

}  // namespace ocoptrace::trace

#endif  // OCOPTRACE_SERVER_TRACE_EPCIS_CAPTURES_H_
