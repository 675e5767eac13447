// BlockingWorker: a thread that runs the consumers' door's blocking work
// (a scratch-PIN check that syncs a write, a suspect report written with a
// sync) off the HTTP event loops, in the order posted. The queue is
// bounded, so a flood of form posts cannot pile up work without limit.
//
// Thread-safety: thread-safe; Post may be called from any thread.

#ifndef OCOPTRACE_SERVER_SITE_BLOCKING_WORKER_H_
#define OCOPTRACE_SERVER_SITE_BLOCKING_WORKER_H_

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

namespace ocoptrace::site {

class BlockingWorker {
 public:
  // At most `max_pending` tasks wait; Post refuses more.
  explicit BlockingWorker(size_t max_pending = 1024);
  // Runs every task still queued, then joins the thread.
  ~BlockingWorker();

  BlockingWorker(const BlockingWorker&) = delete;
  BlockingWorker& operator=(const BlockingWorker&) = delete;

  // Queues `task`. False (and the task is dropped, not run) when
  // max_pending tasks are waiting or the worker is stopping: the caller
  // answers its client itself then.
  bool Post(std::function<void()> task);

 private:
  void Loop();

  const size_t max_pending_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> queue_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace ocoptrace::site

#endif  // OCOPTRACE_SERVER_SITE_BLOCKING_WORKER_H_
