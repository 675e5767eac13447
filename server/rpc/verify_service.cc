// Verify: the public reads that let anyone audit the log. Anonymous callers
// are welcome; a token, when sent, must still be valid.

#include "ocoptrace/v1/verify.grpc.pb.h"
#include "server/rpc/services.h"
#include "server/rpc/unary.h"

namespace ocoptrace::rpc {
namespace {

namespace v1 = ::ocoptrace::v1;
using grpc::CallbackServerContext;
using grpc::ServerUnaryReactor;
using trace::Callback;
using trace::Caller;

class VerifyService final : public v1::Verify::CallbackService {
 public:
  explicit VerifyService(trace::Service* service) : service_(*service) {}

  // Async: it may sign a new checkpoint (min_size).
  ServerUnaryReactor* GetCheckpoint(
      CallbackServerContext* context, const v1::GetCheckpointRequest* request,
      v1::GetCheckpointResponse* response) override {
    return HandleAsync(
        service_, context, response,
        [&](const Caller& caller, Callback<v1::GetCheckpointResponse> done) {
          service_.GetCheckpoint(caller, *request, std::move(done));
        });
  }

  ServerUnaryReactor* GetEntries(CallbackServerContext* context,
                                 const v1::GetEntriesRequest* request,
                                 v1::GetEntriesResponse* response) override {
    return HandleSync(service_, context, response, [&](const Caller& caller) {
      return service_.GetEntries(caller, *request);
    });
  }

  ServerUnaryReactor* GetInclusionProof(
      CallbackServerContext* context,
      const v1::GetInclusionProofRequest* request,
      v1::GetInclusionProofResponse* response) override {
    return HandleSync(service_, context, response, [&](const Caller& caller) {
      return service_.GetInclusionProof(caller, *request);
    });
  }

  ServerUnaryReactor* GetConsistencyProof(
      CallbackServerContext* context,
      const v1::GetConsistencyProofRequest* request,
      v1::GetConsistencyProofResponse* response) override {
    return HandleSync(service_, context, response, [&](const Caller& caller) {
      return service_.GetConsistencyProof(caller, *request);
    });
  }

  ServerUnaryReactor* GetHead(CallbackServerContext* context,
                              const v1::GetHeadRequest* request,
                              v1::SubjectHead* response) override {
    return HandleSync(service_, context, response, [&](const Caller& caller) {
      return service_.GetHead(caller, *request);
    });
  }

  ServerUnaryReactor* GetKeys(CallbackServerContext* context,
                              const v1::GetKeysRequest* request,
                              v1::GetKeysResponse* response) override {
    return HandleSync(service_, context, response, [&](const Caller& caller) {
      return service_.GetKeys(caller, *request);
    });
  }

  // Async: it may append a trust.snapshot entry and sign a checkpoint.
  ServerUnaryReactor* GetTrustSnapshot(
      CallbackServerContext* context,
      const v1::GetTrustSnapshotRequest* request,
      v1::GetTrustSnapshotResponse* response) override {
    return HandleAsync(service_, context, response,
                       [&](const Caller& caller,
                           Callback<v1::GetTrustSnapshotResponse> done) {
                         service_.GetTrustSnapshot(caller, *request,
                                                   std::move(done));
                       });
  }

 private:
  trace::Service& service_;
};

}  // namespace

std::unique_ptr<grpc::Service> NewVerifyService(trace::Service* service) {
  return std::make_unique<VerifyService>(service);
}

}  // namespace ocoptrace::rpc
