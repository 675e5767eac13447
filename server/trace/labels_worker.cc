#include "server/trace/labels_worker.h"

#include <utility>

namespace ocoptrace::trace {

LabelWorker::LabelWorker() : thread_([this] { Loop(); }) {}

LabelWorker::~LabelWorker() { Stop(); }

void LabelWorker::Post(Job job) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!stopping_) {
      queue_.push_back(std::move(job));
      wake_.notify_one();
      return;
    }
  }
  if (job.cancel) job.cancel();
}

void LabelWorker::Stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
    wake_.notify_one();
  }
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) {
    thread_.join();
  }
}

void LabelWorker::Loop() {
  for (;;) {
    Job job;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_) break;
      job = std::move(queue_.front());
      queue_.pop_front();
    }
    job.run();
  }
  // Stopping: answer what is still queued.
  std::deque<Job> left;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    left.swap(queue_);
  }
  for (Job& job : left) {
    if (job.cancel) job.cancel();
  }
}

}  // namespace ocoptrace::trace
