// Internals of capture.cc and capture_event.cc: the document facts every
// event mapping needs, the plan-wide state (lookups, batches created
// earlier in the same document) and problem construction.
//
// Thread-safety: PlanState is used by one PlanCapture call only.

#ifndef OCOPTRACE_EPCIS_CAPTURE_INTERNAL_H_
#define OCOPTRACE_EPCIS_CAPTURE_INTERNAL_H_

#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "core/timestamp.h"
#include "epcis/capture.h"
#include "epcis/cbv_vocabulary.h"
#include "epcis/event_hash.h"
#include "nlohmann/json.hpp"

namespace ocoptrace::epcis::capture_internal {

struct DocumentInfo {
  nlohmann::json context;  // The document's @context (null when absent).
  // Prefix bindings of the inline context objects, later ones winning.
  nlohmann::json inline_prefixes = nlohmann::json::object();
  // Fields the document's `<prefix>:ignoreFields` lists, as written.
  std::vector<std::string> ignored_fields;
  PreHashOptions hash_options;
  // True when the document binds "ocop" to kOcopNamespace.
  bool ocop_bound = false;
};

class PlanState {
 public:
  explicit PlanState(const CaptureContext& context) : context_(context) {}
  const CaptureContext& context() const { return context_; }

  absl::StatusOr<bool> ProductKnown(const std::string& gtin);
  // Known to the server, or created earlier in this plan.
  absl::StatusOr<bool> BatchKnown(const v1::BatchRef& batch);
  void MarkCreated(const v1::BatchRef& batch);
  absl::StatusOr<std::optional<std::string>> LotOfSerial(
      const std::string& gtin, const std::string& serial);
  bool StepAccepted(std::string_view step) const;

 private:
  const CaptureContext& context_;
  std::map<std::string, bool> products_;
  std::map<std::pair<std::string, std::string>, bool> batches_;
};

// A problem of type ValidationException (400) with the title of `code`.
Problem MakeProblem(const std::string& code, const std::string& pointer,
                    const std::string& detail, const std::string& instance);

// Amount of one batch on one side of an event.
struct LotAmount {
  v1::BatchRef ref;
  std::string pointer;  // Where it was first named.
  bool has_quantity = false;
  double amount = 0;
  std::string unit;
};

// Maps one event; see MapEvent. Implemented in capture_event.cc (time,
// terms, step, identities) and capture_mapping.cc (the rest).
class EventMapper {
 public:
  EventMapper(const nlohmann::json& event, size_t index, std::string pointer,
              const DocumentInfo& document, PlanState* state,
              std::vector<Problem>* problems)
      : event_(event),
        index_(index),
        pointer_(std::move(pointer)),
        document_(document),
        state_(state),
        problems_(problems),
        first_problem_(problems->size()) {}

  absl::Status Run(CapturedEvent* out);

 private:
  void Fail(const std::string& code, const std::string& field,
            const std::string& detail) {
    problems_->push_back(MakeProblem(
        code, field.empty() ? pointer_ : absl::StrCat(pointer_, "/", field),
        detail, state_->context().instance));
  }
  bool HasProblems() const { return problems_->size() > first_problem_; }
  std::string Str(const std::string& key) const {
    auto it = event_.find(key);
    return it != event_.end() && it->is_string() ? it->get<std::string>() : "";
  }

  bool CheckTime();
  std::optional<std::string> Term(CbvVocabulary vocabulary,
                                  const std::string& field,
                                  const nlohmann::json& value);
  void CheckTerms();
  bool ChooseStep();
  absl::Status CollectSide(const char* epc_key, const char* quantity_key,
                           std::vector<LotAmount>* side);
  absl::Status AddIdentity(const std::string& uri, const std::string& field,
                           const nlohmann::json* quantity_element,
                           std::vector<LotAmount>* side);
  bool DecodeOwnEntry();
  v1::Place MapPlace();
  v1::Party MapParty(const char* list_key, const char* id_key,
                     const char* name_key);
  void MapInspection(v1::TraceEvent* event);
  std::string CapturedJson(nlohmann::json* prefixes);
  absl::Status PlanEntries(CapturedEvent* out);
  absl::StatusOr<bool> EnsureBatch(const LotAmount& lot, CapturedEvent* out);

  const nlohmann::json& event_;
  size_t index_;
  std::string pointer_;
  const DocumentInfo& document_;
  PlanState* state_;
  std::vector<Problem>* problems_;
  size_t first_problem_;

  std::string type_;
  std::string step_;            // Our step; "" for a batch creation only.
  bool creates_class_ = false;  // bizStep creating_class_instance.
  Timestamp time_;
  std::string hash_id_;
  std::vector<LotAmount> inputs_;    // Transformation inputs.
  std::vector<LotAmount> lots_;      // Objects, children or outputs.
  std::vector<std::string> others_;  // Identifiers that are not lots.
  std::vector<std::string> notes_;
  std::string sscc_;  // Aggregation parent.
  // The body of an event exported by ocoptrace, when it matches.
  std::optional<std::string> own_kind_;
  v1::BatchRef own_subject_;
  v1::TraceEvent own_event_;
  v1::BatchRecord own_record_;
};

// Maps the event at `pointer` (its JSON `event`). Appends its problems to
// `problems`; fills `out` (entries empty when the event has problems).
// Non-OK only when a lookup fails.
absl::Status MapEvent(const nlohmann::json& event, size_t index,
                      const std::string& pointer, const DocumentInfo& document,
                      PlanState* state, CapturedEvent* out,
                      std::vector<Problem>* problems);

}  // namespace ocoptrace::epcis::capture_internal

#endif  // OCOPTRACE_EPCIS_CAPTURE_INTERNAL_H_
