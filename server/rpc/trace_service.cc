// Trace: batches and their supply-chain events.

#include "ocoptrace/v1/trace.grpc.pb.h"
#include "server/rpc/services.h"
#include "server/rpc/unary.h"

namespace ocoptrace::rpc {
namespace {

namespace v1 = ::ocoptrace::v1;
using grpc::CallbackServerContext;
using grpc::ServerUnaryReactor;
using trace::Callback;
using trace::Caller;

class TraceService final : public v1::Trace::CallbackService {
 public:
  explicit TraceService(trace::Service* service) : service_(*service) {}

  ServerUnaryReactor* CreateBatch(CallbackServerContext* context,
                                  const v1::CreateBatchRequest* request,
                                  v1::EntryReceipt* response) override {
    return HandleAsync(
        service_, context, response,
        [&](const Caller& caller, Callback<v1::EntryReceipt> done) {
          service_.CreateBatch(caller, *request, std::move(done));
        });
  }

  ServerUnaryReactor* RecordEvent(CallbackServerContext* context,
                                  const v1::RecordEventRequest* request,
                                  v1::EntryReceipt* response) override {
    return HandleAsync(
        service_, context, response,
        [&](const Caller& caller, Callback<v1::EntryReceipt> done) {
          service_.RecordEvent(caller, *request, std::move(done));
        });
  }

  ServerUnaryReactor* GetBatch(CallbackServerContext* context,
                               const v1::GetBatchRequest* request,
                               v1::Batch* response) override {
    return HandleSync(service_, context, response, [&](const Caller& caller) {
      return service_.GetBatch(caller, *request);
    });
  }

  ServerUnaryReactor* ListBatches(CallbackServerContext* context,
                                  const v1::ListBatchesRequest* request,
                                  v1::ListBatchesResponse* response) override {
    return HandleSync(service_, context, response, [&](const Caller& caller) {
      return service_.ListBatches(caller, *request);
    });
  }

  // Async: it may sign a checkpoint covering the whole chain.
  ServerUnaryReactor* GetHistory(CallbackServerContext* context,
                                 const v1::GetHistoryRequest* request,
                                 v1::GetHistoryResponse* response) override {
    return HandleAsync(
        service_, context, response,
        [&](const Caller& caller, Callback<v1::GetHistoryResponse> done) {
          service_.GetHistory(caller, *request, std::move(done));
        });
  }

  // EPCIS (docs/epcis.md). Async: a capture answers when its job is done.
  ServerUnaryReactor* CaptureEpcis(CallbackServerContext* context,
                                   const v1::CaptureEpcisRequest* request,
                                   v1::CaptureEpcisResponse* response) override {
    return HandleAsync(
        service_, context, response,
        [&](const Caller& caller, Callback<v1::CaptureEpcisResponse> done) {
          service_.CaptureEpcis(caller, *request, std::move(done));
        });
  }

  ServerUnaryReactor* GetCaptureJob(CallbackServerContext* context,
                                    const v1::GetCaptureJobRequest* request,
                                    v1::EpcisCaptureJob* response) override {
    return HandleSync(service_, context, response, [&](const Caller& caller) {
      return service_.GetCaptureJob(caller, *request);
    });
  }

  ServerUnaryReactor* ExportEpcis(CallbackServerContext* context,
                                  const v1::ExportEpcisRequest* request,
                                  v1::ExportEpcisResponse* response) override {
    return HandleAsync(
        service_, context, response,
        [&](const Caller& caller, Callback<v1::ExportEpcisResponse> done) {
          service_.ExportEpcis(caller, *request, std::move(done));
        });
  }

  ServerUnaryReactor* ExportPortal(CallbackServerContext* context,
                                   const v1::ExportPortalRequest* request,
                                   v1::ExportPortalResponse* response) override {
    return HandleAsync(
        service_, context, response,
        [&](const Caller& caller, Callback<v1::ExportPortalResponse> done) {
          service_.ExportPortal(caller, *request, std::move(done));
        });
  }

  ServerUnaryReactor* CreateIntegrationKey(
      CallbackServerContext* context,
      const v1::CreateIntegrationKeyRequest* request,
      v1::CreateIntegrationKeyResponse* response) override {
    return HandleAsync(
        service_, context, response,
        [&](const Caller& caller,
            Callback<v1::CreateIntegrationKeyResponse> done) {
          service_.CreateIntegrationKey(caller, *request, std::move(done));
        });
  }

 private:
  trace::Service& service_;
};

}  // namespace

std::unique_ptr<grpc::Service> NewTraceService(trace::Service* service) {
  return std::make_unique<TraceService>(service);
}

}  // namespace ocoptrace::rpc
