// Labels: issue (server-streaming), void and get serialised QR labels.

#include "server/rpc/labels_service.h"

#include <algorithm>
#include <utility>

#include "ocoptrace/v1/labels.grpc.pb.h"
#include "server/rpc/auth.h"
#include "server/rpc/status.h"
#include "server/rpc/unary.h"

namespace ocoptrace::rpc {
namespace {

namespace v1 = ::ocoptrace::v1;
using grpc::CallbackServerContext;
using grpc::ServerUnaryReactor;
using trace::Callback;
using trace::Caller;

// One IssueLabels call: waits for the service's labels, then streams them.
// Deletes itself when gRPC is done with it.
class IssueLabelsReactor final
    : public grpc::ServerWriteReactor<v1::IssueLabelsResponse> {
 public:
  IssueLabelsReactor(trace::Service& service, CallbackServerContext& context,
                     const v1::IssueLabelsRequest& request) {
    absl::StatusOr<Caller> caller = AuthenticateCall(service, context);
    if (!caller.ok()) {
      Finish(ToGrpcStatus(caller.status()));
      return;
    }
    caller_ = *std::move(caller);
    // The callback may run before this returns (a refused request) or on a
    // ledger thread later; either way the reactor is alive until Finish.
    service.IssueLabels(caller_, request,
                        [this](absl::StatusOr<trace::IssuedLabels> result) {
                          OnIssued(std::move(result));
                        });
  }

  void OnWriteDone(bool ok) override {
    if (!ok) {
      Finish(grpc::Status(grpc::StatusCode::CANCELLED,
                          "the stream broke off; the labels were issued (see "
                          "the first message's receipt): void the ones not "
                          "received"));
      return;
    }
    WriteNext();
  }

  void OnDone() override { delete this; }

 private:
  void OnIssued(absl::StatusOr<trace::IssuedLabels> result) {
    if (!result.ok()) {
      Finish(ToGrpcStatus(AddAuthHint(caller_, result.status())));
      return;
    }
    issued_ = *std::move(result);
    WriteNext();
  }

  void WriteNext() {
    if (offset_ >= issued_.labels.size()) {
      Finish(grpc::Status::OK);
      return;
    }
    message_ = LabelsMessage(issued_, offset_);
    offset_ += kLabelsPerMessage;
    StartWrite(&message_);
  }

  Caller caller_;
  trace::IssuedLabels issued_;
  size_t offset_ = 0;
  v1::IssueLabelsResponse message_;
};

class LabelsService final : public v1::Labels::CallbackService {
 public:
  explicit LabelsService(trace::Service* service) : service_(*service) {}

  grpc::ServerWriteReactor<v1::IssueLabelsResponse>* IssueLabels(
      CallbackServerContext* context,
      const v1::IssueLabelsRequest* request) override {
    return new IssueLabelsReactor(service_, *context, *request);
  }

  ServerUnaryReactor* VoidLabels(CallbackServerContext* context,
                                 const v1::VoidLabelsRequest* request,
                                 v1::EntryReceipt* response) override {
    return HandleAsync(
        service_, context, response,
        [&](const Caller& caller, Callback<v1::EntryReceipt> done) {
          service_.VoidLabels(caller, *request, std::move(done));
        });
  }

  ServerUnaryReactor* GetLabel(CallbackServerContext* context,
                               const v1::GetLabelRequest* request,
                               v1::Label* response) override {
    return HandleSync(service_, context, response, [&](const Caller& caller) {
      return service_.GetLabel(caller, *request);
    });
  }

 private:
  trace::Service& service_;
};

}  // namespace

v1::IssueLabelsResponse LabelsMessage(const trace::IssuedLabels& issued,
                                      size_t offset) {
  v1::IssueLabelsResponse message;
  if (offset == 0) *message.mutable_summary() = issued.summary;
  message.set_offset(static_cast<uint32_t>(offset));
  const size_t end = std::min(issued.labels.size(), offset + kLabelsPerMessage);
  for (size_t i = offset; i < end; ++i) {
    v1::IssuedLabel* label = message.add_labels();
    label->set_serial(issued.labels[i].serial);
    label->set_url(issued.labels[i].url);
    label->set_pin(issued.labels[i].pin);
  }
  return message;
}

std::unique_ptr<grpc::Service> NewLabelsService(trace::Service* service) {
  return std::make_unique<LabelsService>(service);
}

}  // namespace ocoptrace::rpc
