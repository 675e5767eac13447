// LabelWorker: the thread on which the service issues labels. Issuing is
// CPU-bound (signing fans out to every core from there) and may take
// seconds for 100 000 labels, so it never runs on a caller's (gRPC) thread
// nor on a ledger thread. Jobs run one at a time, in the order posted.
//
// Thread-safety: thread-safe. Post may be called from any thread,
// including from inside a running job.

#ifndef OCOPTRACE_SERVER_TRACE_LABELS_WORKER_H_
#define OCOPTRACE_SERVER_TRACE_LABELS_WORKER_H_

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

namespace ocoptrace::trace {

class LabelWorker {
 public:
  // A job, and what to do instead when the worker stops before running it
  // (it must answer the caller, e.g. with Unavailable).
  struct Job {
    std::function<void()> run;
    std::function<void()> cancel;
  };

  LabelWorker();
  // Stop()s.
  ~LabelWorker();

  LabelWorker(const LabelWorker&) = delete;
  LabelWorker& operator=(const LabelWorker&) = delete;

  // Queues `job`. After Stop, cancels it at once instead.
  void Post(Job job);

  // Lets the running job finish, cancels the queued ones (and any posted
  // meanwhile) and joins the thread. Idempotent.
  void Stop();

 private:
  void Loop();

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Job> queue_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace ocoptrace::trace

#endif  // OCOPTRACE_SERVER_TRACE_LABELS_WORKER_H_
