// EpcisCaptures: job bookkeeping, the worker and query threads. The work of
// one job (plan, check, append) is EpcisCaptures::Run, in
// epcis_capture_run.cc.
#include "server/trace/epcis_captures.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "server/trace/authorization.h"
#include "server/trace/epcis_capture_run.h"
#include "server/trace/service_impl.h"

namespace ocoptrace::trace {
namespace {

std::string RandomJobId(Service::Impl& impl) {
  uint8_t bytes[8];
  {
    std::lock_guard<std::mutex> lock(impl.random_mutex);
    impl.random->Fill(bytes, sizeof(bytes));
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id = "c";
  for (uint8_t byte : bytes) {
    id += kHex[byte >> 4];
    id += kHex[byte & 15];
  }
  return id;
}

}  // namespace

EpcisCaptures::EpcisCaptures(Service* service, Service::Impl* impl)
    : service_(service), impl_(impl), keys_(impl->store) {
  worker_ = std::thread([this] { WorkerLoop(); });
  query_thread_ = std::thread([this] { QueryLoop(); });
}

EpcisCaptures::~EpcisCaptures() { Stop(); }

void EpcisCaptures::Stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_ && !worker_.joinable() && !query_thread_.joinable()) return;
    stopping_ = true;
  }
  wake_.notify_all();
  if (worker_.joinable()) worker_.join();
  if (query_thread_.joinable()) query_thread_.join();
}

absl::StatusOr<NoteSigner> EpcisCaptures::SignerFor(
    const Caller& caller) const {
  absl::StatusOr<std::optional<NoteSigner>> signer =
      keys_.Find(caller.principal);
  if (!signer.ok()) return signer.status();
  if (!signer->has_value()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "principal '", caller.principal,
        "' has no integration key, so the server cannot sign the captured "
        "events for it: an admin creates one (tracectl epcis integration-key ",
        caller.principal,
        "), or capture with `tracectl epcis capture`, which signs with "
        "your own key"));
  }
  std::optional<state::KeyState> key = impl_->registry.Find((*signer)->name);
  if (!key || key->revoked()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the integration key '", (*signer)->name, "' of principal '",
        caller.principal,
        key ? "' was revoked" : "' is not registered in the log",
        "; an admin creates a new one (tracectl epcis integration-key ",
        caller.principal, ")"));
  }
  return **signer;
}

absl::StatusOr<v1::EpcisCaptureJob> EpcisCaptures::Start(
    const Caller& caller, std::string document,
    v1::EpcisCaptureErrorBehaviour behaviour, JobCallback planned,
    JobCallback done) {
  if (caller.anonymous()) {
    return absl::UnauthenticatedError(
        "EPCIS capture needs a bearer token: the token of a producer (or "
        "inspector) principal with an integration key");
  }
  if (caller.role != v1::ROLE_PRODUCER && caller.role != v1::ROLE_INSPECTOR) {
    return absl::PermissionDeniedError(absl::StrCat(
        "EPCIS capture needs role producer (or inspector, for inspections); "
        "you are ",
        std::string(RoleName(caller.role)), " '", caller.principal, "'"));
  }
  if (absl::StatusOr<NoteSigner> signer = SignerFor(caller); !signer.ok()) {
    return signer.status();
  }
  auto job = std::make_shared<Job>();
  job->caller = caller;
  job->document = std::move(document);
  job->behaviour = behaviour;
  job->planned = std::move(planned);
  job->done = std::move(done);
  job->proto.set_capture_id(RandomJobId(*impl_));
  job->proto.set_created_at(FormatJobTime(impl_->clock->Now()));
  job->proto.set_running(true);
  job->proto.set_success(true);
  job->proto.set_error_behaviour(behaviour);
  job->proto.set_principal(caller.principal);
  v1::EpcisCaptureJob snapshot;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_) {
      return absl::UnavailableError("the server is shutting down; retry later");
    }
    if (queue_.size() >= kMaxQueuedJobs) {
      return absl::ResourceExhaustedError(
          absl::StrCat(kMaxQueuedJobs,
                       " capture jobs are waiting already; retry in a minute"));
    }
    jobs_[job->proto.capture_id()] = job;
    queue_.push_back(job);
    snapshot = job->proto;
  }
  wake_.notify_all();
  return snapshot;
}

absl::StatusOr<v1::EpcisCaptureJob> EpcisCaptures::Get(
    const Caller& caller, std::string_view capture_id) const {
  if (caller.anonymous()) {
    return absl::UnauthenticatedError(
        "reading a capture job needs the bearer token that captured it");
  }
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = jobs_.find(capture_id);
  if (it == jobs_.end()) {
    return absl::NotFoundError(
        absl::StrCat("capture job '", std::string(capture_id),
                     "' is unknown (the server keeps the last ", kRetainedJobs,
                     " jobs, and forgets them when it restarts)"));
  }
  const v1::EpcisCaptureJob& job = it->second->proto;
  if (caller.role != v1::ROLE_ADMIN && job.principal() != caller.principal) {
    return absl::PermissionDeniedError(absl::StrCat(
        "capture job '", std::string(capture_id), "' belongs to principal '",
        job.principal(), "'; only it and admins may read it"));
  }
  return job;
}

absl::Status EpcisCaptures::Post(std::function<void()> work) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_) {
      return absl::UnavailableError("the server is shutting down; retry later");
    }
    queries_.push_back(std::move(work));
  }
  wake_.notify_all();
  return absl::OkStatus();
}

void EpcisCaptures::Publish(const std::shared_ptr<Job>& job,
                            const v1::EpcisCaptureJob& proto) {
  std::lock_guard<std::mutex> lock(mutex_);
  job->proto = proto;
}

bool EpcisCaptures::stopping() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return stopping_;
}

void EpcisCaptures::Finish(const std::shared_ptr<Job>& job) {
  v1::EpcisCaptureJob final_job;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    job->proto.set_running(false);
    job->proto.set_finished_at(FormatJobTime(impl_->clock->Now()));
    job->proto.set_success(job->proto.problems().empty());
    final_job = job->proto;
    job->document.clear();
    job->document.shrink_to_fit();
    finished_order_.push_back(job->proto.capture_id());
    while (finished_order_.size() > kRetainedJobs) {
      jobs_.erase(finished_order_.front());
      finished_order_.pop_front();
    }
  }
  if (job->done) job->done(final_job);
}

void EpcisCaptures::WorkerLoop() {
  for (;;) {
    std::shared_ptr<Job> job;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;
      job = queue_.front();
      queue_.pop_front();
      if (stopping_) {
        v1::EpcisProblem* problem = job->proto.add_problems();
        problem->set_type("epcisException:ImplementationException");
        problem->set_title("Server shutting down");
        problem->set_status(503);
        problem->set_detail(
            "the server stopped before this job started; nothing was "
            "stored: capture the document again");
        problem->set_code("shutdown");
      }
    }
    if (job->proto.problems().empty()) {
      EpcisCaptureRun run(this, service_, impl_, job->caller, job->behaviour,
                          job->proto);
      run.Execute(
          job->document,
          [&](const v1::EpcisCaptureJob& planned) {
            Publish(job, planned);
            if (job->planned) job->planned(planned);
          },
          [&](const v1::EpcisCaptureJob& progress) { Publish(job, progress); });
    } else if (job->planned) {
      job->planned(job->proto);
    }
    Finish(job);
  }
}

void EpcisCaptures::QueryLoop() {
  for (;;) {
    std::function<void()> work;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queries_.empty(); });
      if (queries_.empty()) return;
      work = std::move(queries_.front());
      queries_.pop_front();
    }
    work();
  }
}

std::string FormatJobTime(absl::Time time) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", time, absl::UTCTimeZone());
}

}  // namespace ocoptrace::trace
