#include "server/trace/epcis_capture_run.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "core/log_entry.h"
#include "core/sha256.h"
#include "core/timestamp.h"
#include "server/trace/epcis_index.h"
#include "server/trace/kinds.h"
#include "server/trace/rules.h"
#include "server/trace/service_impl.h"

namespace ocoptrace::trace {
namespace {

constexpr char kValidation[] = "epcisException:ValidationException";
constexpr char kSecurity[] = "epcisException:SecurityException";
constexpr char kImplementation[] = "epcisException:ImplementationException";

// Appends refused as ABORTED (someone else appended to the batch first) are
// re-signed on the new head and resent this many times.
constexpr int kMaxAttempts = 5;

// The problem type and HTTP status of a refused append.
std::pair<const char*, int> ProblemKindOf(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kNotFound:
    case absl::StatusCode::kOutOfRange:
      return {kValidation, 400};
    case absl::StatusCode::kPermissionDenied:
    case absl::StatusCode::kUnauthenticated:
      return {kSecurity, 403};
    default:
      return {kImplementation, 500};
  }
}

}  // namespace

v1::EpcisProblem ProblemToProto(const epcis::Problem& problem) {
  v1::EpcisProblem out;
  out.set_type(problem.type);
  out.set_title(problem.title);
  out.set_status(problem.status);
  out.set_detail(problem.detail);
  out.set_instance(problem.instance);
  out.set_event_pointer(problem.event_pointer);
  out.set_code(problem.code);
  return out;
}

EpcisCaptureRun::EpcisCaptureRun(EpcisCaptures* owner, Service* service,
                                 Service::Impl* impl, Caller caller,
                                 v1::EpcisCaptureErrorBehaviour behaviour,
                                 v1::EpcisCaptureJob job)
    : owner_(owner),
      service_(service),
      impl_(impl),
      caller_(std::move(caller)),
      behaviour_(behaviour),
      job_(std::move(job)),
      instance_(absl::StrCat("/epcis/capture/", job_.capture_id())) {}

void EpcisCaptureRun::AddProblem(const std::string& type, int status,
                                 const std::string& code,
                                 const std::string& title,
                                 const std::string& pointer,
                                 const std::string& detail) {
  v1::EpcisProblem* problem = job_.add_problems();
  problem->set_type(type);
  problem->set_title(title);
  problem->set_status(status);
  problem->set_detail(detail);
  problem->set_instance(instance_);
  problem->set_event_pointer(pointer);
  problem->set_code(code);
}

void EpcisCaptureRun::Execute(const std::string& document,
                              const JobCallback& planned,
                              const JobCallback& progress) {
  if (absl::Status status = Plan(document); !status.ok()) {
    AddProblem(kImplementation, 500, "internal", "Capture failed", "",
               absl::StrCat("the server could not read its state while "
                            "planning the capture (",
                            status.message(),
                            "); nothing was stored: try again later"));
  } else {
    Check();
  }
  const bool append =
      !plan_.events.empty() && (job_.problems().empty() || !Rollback());
  if (!append) {
    for (v1::EpcisEventResult& result : *job_.mutable_events()) {
      result.set_outcome(v1::EPCIS_EVENT_NOT_STORED);
    }
  }
  if (planned) planned(job_);
  if (append) {
    progress_ = &progress;
    Append();
    Summarise();
  } else {
    // Nothing is appended; events stored by an earlier capture still are.
    for (size_t i = 0; i < plan_.events.size(); ++i) {
      bool all_stored_before = !event_refused_[i];
      for (const Task& task : tasks_) {
        if (task.event == i && !task.skip) all_stored_before = false;
      }
      if (all_stored_before) {
        job_.mutable_events(i)->set_outcome(v1::EPCIS_EVENT_ALREADY_STORED);
        job_.set_events_already_stored(job_.events_already_stored() + 1);
      }
    }
  }
  if (progress) progress(job_);
}

absl::Status EpcisCaptureRun::Plan(const std::string& document) {
  absl::StatusOr<NoteSigner> signer = owner_->SignerFor(caller_);
  if (!signer.ok()) {
    AddProblem(kSecurity, 403, "integration-key", "No integration key", "",
               std::string(signer.status().message()));
    return absl::OkStatus();
  }
  signer_ = *std::move(signer);
  const StateReader state(impl_->store->Latest());
  epcis::CaptureContext context;
  context.product_known =
      [&state](const std::string& gtin) -> absl::StatusOr<bool> {
    absl::StatusOr<state::ProductState> product = state.Product(gtin);
    if (absl::IsNotFound(product.status())) return false;
    if (!product.ok()) return product.status();
    return true;
  };
  context.batch_known =
      [&state](const v1::BatchRef& batch) -> absl::StatusOr<bool> {
    absl::StatusOr<state::BatchState> found =
        state.Batch(batch.gtin(), batch.lot());
    if (absl::IsNotFound(found.status())) return false;
    if (!found.ok()) return found.status();
    return true;
  };
  context.lot_of_serial = [this](const std::string& gtin,
                                 const std::string& serial)
      -> absl::StatusOr<std::optional<std::string>> {
    absl::StatusOr<LabelView> label = service_->ResolveLabel(gtin, serial);
    if (absl::IsNotFound(label.status()) ||
        absl::IsInvalidArgument(label.status())) {
      return std::nullopt;
    }
    if (!label.ok()) return label.status();
    return label->lot;
  };
  context.step_accepted = [](std::string_view step) {
    return IsBusinessStep(step);
  };
  // Inspectors record inspections of batches that exist; they create none.
  context.may_create_batches = caller_.role == v1::ROLE_PRODUCER;
  // Rollback is decided here, after the service's own checks, so that the
  // job reports every event.
  context.error_behaviour = epcis::CaptureErrorBehaviour::kProceed;
  context.instance = instance_;
  absl::StatusOr<epcis::CapturePlan> plan =
      epcis::PlanCaptureText(document, context);
  if (!plan.ok()) return plan.status();
  plan_ = *std::move(plan);
  job_.set_event_count(static_cast<uint32_t>(plan_.event_count));
  for (const epcis::Problem& problem : plan_.problems) {
    *job_.add_problems() = ProblemToProto(problem);
  }
  for (const epcis::CapturedEvent& event : plan_.events) {
    v1::EpcisEventResult* result = job_.add_events();
    result->set_index(static_cast<uint32_t>(event.index));
    result->set_pointer(event.pointer);
    result->set_event_id(event.event_id);
    result->set_hash_id(event.hash_id);
    for (const std::string& note : event.notes) result->add_notes(note);
  }
  event_refused_.assign(plan_.events.size(), false);
  return absl::OkStatus();
}

void EpcisCaptureRun::Check() {
  for (size_t i = 0; i < plan_.events.size(); ++i) CheckEvent(i);
  // Tasks of refused events are never appended.
  std::erase_if(
      tasks_, [this](const Task& task) { return event_refused_[task.event]; });
}

void EpcisCaptureRun::CheckEvent(size_t event_index) {
  const epcis::CapturedEvent& event = plan_.events[event_index];
  const StateReader state(impl_->store->Latest());
  const absl::Time latest_time =
      impl_->clock->Now() + impl_->options.ledger.max_clock_skew;
  auto refuse = [&](const char* type, int status, const std::string& code,
                    const std::string& title, const std::string& detail) {
    AddProblem(type, status, code, title, event.pointer, detail);
    event_refused_[event_index] = true;
  };
  for (const epcis::PlannedEntry& planned : event.entries) {
    Task task;
    task.event = event_index;
    task.planned = &planned;
    const std::string& gtin = planned.batch.gtin();
    const std::string& lot = planned.batch.lot();
    const std::string name = absl::StrCat(gtin, "/", lot);
    task.subject = BatchSubject(gtin, lot);
    // Who may act on the batch.
    absl::StatusOr<state::ProductState> product = state.Product(gtin);
    if (!product.ok()) {
      refuse(kValidation, 400, "unknown-gtin", "Unknown GTIN",
             std::string(product.status().message()));
      continue;
    }
    const std::string& owner = product->record().producer_id();
    if (caller_.role == v1::ROLE_PRODUCER && owner != caller_.producer_id) {
      refuse(kSecurity, 403, "permission-denied", "Not your batch",
             absl::StrCat("batch ", name, " belongs to producer '", owner,
                          "'; principal '", caller_.principal,
                          "' captures for producer '", caller_.producer_id,
                          "' only"));
      continue;
    }
    if (caller_.role == v1::ROLE_INSPECTOR &&
        planned.kind != EventKind("inspecting")) {
      refuse(kSecurity, 403, "permission-denied", "Inspections only",
             absl::StrCat("inspectors capture inspections (bizStep "
                          "inspecting) only; this event would record ",
                          planned.kind, " on batch ", name));
      continue;
    }
    // The body and the service's rules for it.
    absl::Status valid;
    if (planned.kind == kinds::kBatchCreated) {
      valid = ValidateBatchRecord(planned.batch_record);
      task.body = planned.batch_record.SerializeAsString();
      for (const v1::BatchRef& input : planned.batch_record.inputs()) {
        task.inputs.push_back(BatchSubject(input.gtin(), input.lot()));
      }
    } else {
      v1::TraceEvent trace_event = planned.event;
      if (event.event_id != event.hash_id) {
        v1::KeyDataElement* kde = trace_event.add_kdes();
        kde->set_name(kEpcisHashIdKde);
        kde->set_value(event.hash_id);
      }
      const std::string_view step = EventStep(planned.kind);
      valid = IsBusinessStep(step) ? ValidateTraceEvent(trace_event, step)
                                   : absl::InvalidArgumentError(absl::StrCat(
                                         "business step '", std::string(step),
                                         "' is not one ocoptrace records"));
      task.body = trace_event.SerializeAsString();
      for (const v1::BatchRef& input : trace_event.inputs()) {
        task.inputs.push_back(BatchSubject(input.gtin(), input.lot()));
      }
      // Stored before (by an earlier capture, or earlier in this document)?
      for (const std::string& id : EpcisIdsOf(trace_event)) {
        absl::StatusOr<std::vector<EpcisEventLocation>> found =
            FindEpcisEvent(impl_->store->Latest(), id);
        if (!found.ok()) {
          refuse(kImplementation, 500, "internal", "Capture failed",
                 std::string(found.status().message()));
          break;
        }
        for (const EpcisEventLocation& location : *found) {
          task.skip |= location.subject == task.subject;
        }
      }
      for (const std::string& id : EpcisIdsOf(trace_event)) {
        // Earlier in this document: the first one is stored.
        task.skip |= !seen_ids_.emplace(id, task.subject).second;
      }
    }
    if (!valid.ok()) {
      refuse(kValidation, 400, "invalid-event", "Invalid event",
             absl::StrCat(
                 "the entry ", planned.kind, " on batch ", name,
                 " that this event maps to is refused: ", valid.message()));
      continue;
    }
    if (task.body.size() > impl_->client_max_body_bytes) {
      refuse(kValidation, 400, "event-too-large", "Event too large",
             absl::StrCat("the event's entry body is ", task.body.size(),
                          " bytes; the server takes at most ",
                          impl_->client_max_body_bytes, ": split its lists"));
      continue;
    }
    if (ToAbslTime(planned.time) > latest_time) {
      AddProblem(kValidation, 400, "time", "Invalid event time",
                 absl::StrCat(event.pointer, "/eventTime"),
                 absl::StrCat("eventTime ", FormatRfc3339(planned.time),
                              " is in the future; the log records events "
                              "that have happened"));
      event_refused_[event_index] = true;
      continue;
    }
    tasks_.push_back(std::move(task));
  }
}

void EpcisCaptureRun::Append() {
  std::unique_lock<std::mutex> lock(mutex_);
  for (size_t i = 0; i < tasks_.size(); ++i) {
    if (!tasks_[i].skip) queues_[tasks_[i].subject].push_back(i);
  }
  for (const auto& [subject, queue] : queues_) Consider(queue.front());
  uint32_t published = 0;
  for (;;) {
    if (!retries_.empty()) {
      const size_t retry = retries_.back();
      retries_.pop_back();
      lock.unlock();
      Launch(retry);
      lock.lock();
      continue;
    }
    if (appended_ >= published + 1000) {
      published = appended_;
      v1::EpcisCaptureJob snapshot = job_;
      snapshot.set_entries_appended(appended_);
      lock.unlock();
      if (*progress_) (*progress_)(snapshot);
      lock.lock();
      continue;
    }
    const bool stop = halted_ || owner_->stopping();
    if (!stop && !ready_.empty() &&
        in_flight_ < EpcisCaptures::kMaxInFlight) {
      const size_t next = ready_.front();
      ready_.pop_front();
      ++in_flight_;
      tasks_[next].launched = true;
      lock.unlock();
      Launch(next);
      lock.lock();
      continue;
    }
    // Nothing to launch now: done when nothing is in flight either.
    if (in_flight_ == 0) break;
    changed_.wait(lock);
  }
}

void EpcisCaptureRun::Consider(size_t task_index) {
  const Task& task = tasks_[task_index];
  for (const std::string& input : task.inputs) {
    auto queue = queues_.find(input);
    if (input != task.subject && queue != queues_.end() &&
        !queue->second.empty() && queue->second.front() < task_index) {
      // An earlier entry of the input batch (its creation) goes first.
      waiting_on_.emplace(input, task_index);
      return;
    }
  }
  ready_.push_back(task_index);
}

void EpcisCaptureRun::Launch(size_t task_index) {
  const Task& task = tasks_[task_index];
  absl::StatusOr<ledger::SubjectHead> head = impl_->ledger->Head(task.subject);
  if (!head.ok()) return OnAppended(task_index, head.status());
  EntryHeader header;
  header.kind = task.planned->kind;
  header.subject = task.subject;
  header.seq = head->next_seq;
  header.prev = head->last_hash;
  header.time = task.planned->time;
  header.body_hash = Sha256(task.body);
  absl::StatusOr<std::string> entry = SignEntry(header, signer_);
  if (!entry.ok()) return OnAppended(task_index, entry.status());
  v1::SignedEntry signed_entry;
  signed_entry.set_entry(*std::move(entry));
  signed_entry.set_body(task.body);
  auto done = [this, task_index](absl::StatusOr<v1::EntryReceipt> result) {
    OnAppended(task_index, std::move(result));
  };
  if (header.kind == kinds::kBatchCreated) {
    v1::CreateBatchRequest request;
    *request.mutable_signed_() = std::move(signed_entry);
    service_->CreateBatch(caller_, request, std::move(done));
  } else {
    v1::RecordEventRequest request;
    *request.mutable_signed_() = std::move(signed_entry);
    service_->RecordEvent(caller_, request, std::move(done));
  }
}

void EpcisCaptureRun::OnAppended(size_t task_index,
                                 absl::StatusOr<v1::EntryReceipt> result) {
  std::lock_guard<std::mutex> lock(mutex_);
  Task& task = tasks_[task_index];
  if (absl::IsAborted(result.status()) && task.attempts + 1 < kMaxAttempts &&
      !halted_) {
    // Another writer appended to the batch first: sign on the new head.
    ++task.attempts;
    retries_.push_back(task_index);
    changed_.notify_all();
    return;
  }
  task.finished = true;
  if (result.ok()) {
    task.receipt = *std::move(result);
    ++appended_;
  } else if (absl::IsAlreadyExists(result.status())) {
    task.skip = true;  // Stored by someone else in the meantime.
  } else {
    task.status = result.status();
    if (Rollback()) halted_ = true;
  }
  --in_flight_;
  // The batch's next entry, and entries that waited for this batch.
  std::deque<size_t>& queue = queues_[task.subject];
  queue.pop_front();
  if (!queue.empty()) Consider(queue.front());
  auto [first, last] = waiting_on_.equal_range(task.subject);
  std::vector<size_t> waiting;
  for (auto it = first; it != last; ++it) waiting.push_back(it->second);
  waiting_on_.erase(first, last);
  for (size_t index : waiting) Consider(index);
  // Notified under the lock: the run may end as soon as the worker wakes.
  changed_.notify_all();
}

void EpcisCaptureRun::Summarise() {
  std::lock_guard<std::mutex> lock(mutex_);
  uint32_t stored = 0;
  uint32_t stored_before = 0;
  for (size_t i = 0; i < plan_.events.size(); ++i) {
    v1::EpcisEventResult* result = job_.mutable_events(i);
    if (event_refused_[i]) {
      result->set_outcome(v1::EPCIS_EVENT_NOT_STORED);
      continue;
    }
    int appended = 0;
    int missing = 0;
    for (const Task& task : tasks_) {
      if (task.event != i || task.skip) continue;
      if (task.finished && task.status.ok()) {
        ++appended;
        *result->add_receipts() = task.receipt;
        continue;
      }
      ++missing;
      if (!task.finished) continue;  // Not started: the job stopped.
      const auto [type, status] = ProblemKindOf(task.status);
      AddProblem(
          type, status, "refused", "Entry refused", plan_.events[i].pointer,
          absl::StrCat("the entry ", task.planned->kind, " on ", task.subject,
                       " was refused: ", task.status.message(),
                       appended > 0 ? " (the entries before it stay "
                                      "in the log, which is "
                                      "append-only)"
                                    : ""));
    }
    if (missing == 0) {
      result->set_outcome(appended > 0 ? v1::EPCIS_EVENT_STORED
                                       : v1::EPCIS_EVENT_ALREADY_STORED);
      (appended > 0 ? stored : stored_before) += 1;
    } else {
      result->set_outcome(appended > 0 ? v1::EPCIS_EVENT_PARTLY_STORED
                                       : v1::EPCIS_EVENT_NOT_STORED);
    }
  }
  bool unstarted = false;
  for (const Task& task : tasks_) unstarted |= !task.skip && !task.launched;
  if (unstarted && !halted_) {
    AddProblem(kImplementation, 503, "shutdown", "Server shutting down", "",
               "the server stopped while capturing; the events not stored "
               "are listed: capture the document again (stored events are "
               "not stored twice)");
  }
  if (halted_) {
    AddProblem(kImplementation, 500, "stopped", "Capture stopped", "",
               "an entry was refused after others had been appended; with "
               "rollback the job stopped there (appended entries stay: the "
               "log is append-only). Fix the problem and capture the "
               "document again: stored events are not stored twice");
  }
  job_.set_events_stored(stored);
  job_.set_events_already_stored(stored_before);
  job_.set_entries_appended(appended_);
}

}  // namespace ocoptrace::trace
