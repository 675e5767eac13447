// Registry: producers, their signing keys, and products.

#include "ocoptrace/v1/registry.grpc.pb.h"
#include "server/rpc/services.h"
#include "server/rpc/unary.h"

namespace ocoptrace::rpc {
namespace {

namespace v1 = ::ocoptrace::v1;
using grpc::CallbackServerContext;
using grpc::ServerUnaryReactor;
using trace::Callback;
using trace::Caller;

class RegistryService final : public v1::Registry::CallbackService {
 public:
  explicit RegistryService(trace::Service* service) : service_(*service) {}

  ServerUnaryReactor* RegisterProducer(
      CallbackServerContext* context,
      const v1::RegisterProducerRequest* request,
      v1::EntryReceipt* response) override {
    return HandleAsync(
        service_, context, response,
        [&](const Caller& caller, Callback<v1::EntryReceipt> done) {
          service_.RegisterProducer(caller, *request, std::move(done));
        });
  }

  ServerUnaryReactor* UpdateProducer(CallbackServerContext* context,
                                     const v1::UpdateProducerRequest* request,
                                     v1::EntryReceipt* response) override {
    return HandleAsync(
        service_, context, response,
        [&](const Caller& caller, Callback<v1::EntryReceipt> done) {
          service_.UpdateProducer(caller, *request, std::move(done));
        });
  }

  ServerUnaryReactor* GetProducer(CallbackServerContext* context,
                                  const v1::GetProducerRequest* request,
                                  v1::Producer* response) override {
    return HandleSync(service_, context, response, [&](const Caller& caller) {
      return service_.GetProducer(caller, *request);
    });
  }

  ServerUnaryReactor* ListProducers(
      CallbackServerContext* context, const v1::ListProducersRequest* request,
      v1::ListProducersResponse* response) override {
    return HandleSync(service_, context, response, [&](const Caller& caller) {
      return service_.ListProducers(caller, *request);
    });
  }

  ServerUnaryReactor* AddKey(CallbackServerContext* context,
                             const v1::AddKeyRequest* request,
                             v1::EntryReceipt* response) override {
    return HandleAsync(
        service_, context, response,
        [&](const Caller& caller, Callback<v1::EntryReceipt> done) {
          service_.AddKey(caller, *request, std::move(done));
        });
  }

  ServerUnaryReactor* RevokeKey(CallbackServerContext* context,
                                const v1::RevokeKeyRequest* request,
                                v1::EntryReceipt* response) override {
    return HandleAsync(
        service_, context, response,
        [&](const Caller& caller, Callback<v1::EntryReceipt> done) {
          service_.RevokeKey(caller, *request, std::move(done));
        });
  }

  ServerUnaryReactor* RegisterProduct(CallbackServerContext* context,
                                      const v1::RegisterProductRequest* request,
                                      v1::EntryReceipt* response) override {
    return HandleAsync(
        service_, context, response,
        [&](const Caller& caller, Callback<v1::EntryReceipt> done) {
          service_.RegisterProduct(caller, *request, std::move(done));
        });
  }

  ServerUnaryReactor* UpdateProduct(CallbackServerContext* context,
                                    const v1::UpdateProductRequest* request,
                                    v1::EntryReceipt* response) override {
    return HandleAsync(
        service_, context, response,
        [&](const Caller& caller, Callback<v1::EntryReceipt> done) {
          service_.UpdateProduct(caller, *request, std::move(done));
        });
  }

  ServerUnaryReactor* GetProduct(CallbackServerContext* context,
                                 const v1::GetProductRequest* request,
                                 v1::Product* response) override {
    return HandleSync(service_, context, response, [&](const Caller& caller) {
      return service_.GetProduct(caller, *request);
    });
  }

  ServerUnaryReactor* ListProducts(
      CallbackServerContext* context, const v1::ListProductsRequest* request,
      v1::ListProductsResponse* response) override {
    return HandleSync(service_, context, response, [&](const Caller& caller) {
      return service_.ListProducts(caller, *request);
    });
  }

 private:
  trace::Service& service_;
};

}  // namespace

std::unique_ptr<grpc::Service> NewRegistryService(trace::Service* service) {
  return std::make_unique<RegistryService>(service);
}

}  // namespace ocoptrace::rpc
