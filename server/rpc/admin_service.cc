// Admin: principals (who may call what) and operations.

#include "ocoptrace/v1/admin.grpc.pb.h"
#include "server/rpc/services.h"
#include "server/rpc/unary.h"

namespace ocoptrace::rpc {
namespace {

namespace v1 = ::ocoptrace::v1;
using grpc::CallbackServerContext;
using grpc::ServerUnaryReactor;
using trace::Callback;
using trace::Caller;

class AdminService final : public v1::Admin::CallbackService {
 public:
  explicit AdminService(trace::Service* service) : service_(*service) {}

  // Principals are access-control records, not log entries: a small local
  // write that runs inline.
  ServerUnaryReactor* CreatePrincipal(
      CallbackServerContext* context, const v1::CreatePrincipalRequest* request,
      v1::CreatePrincipalResponse* response) override {
    return HandleSync(service_, context, response, [&](const Caller& caller) {
      return service_.CreatePrincipal(caller, *request);
    });
  }

  ServerUnaryReactor* RevokePrincipal(CallbackServerContext* context,
                                      const v1::RevokePrincipalRequest* request,
                                      v1::Principal* response) override {
    return HandleSync(service_, context, response, [&](const Caller& caller) {
      return service_.RevokePrincipal(caller, *request);
    });
  }

  ServerUnaryReactor* ListPrincipals(
      CallbackServerContext* context, const v1::ListPrincipalsRequest* request,
      v1::ListPrincipalsResponse* response) override {
    return HandleSync(service_, context, response, [&](const Caller& caller) {
      return service_.ListPrincipals(caller, *request);
    });
  }

  ServerUnaryReactor* WhoAmI(CallbackServerContext* context,
                             const v1::WhoAmIRequest* request,
                             v1::Principal* response) override {
    return HandleSync(service_, context, response, [&](const Caller& caller) {
      return service_.WhoAmI(caller);
    });
  }

  // Async: the RocksDB checkpoint is written off the gRPC threads.
  ServerUnaryReactor* Backup(CallbackServerContext* context,
                             const v1::BackupRequest* request,
                             v1::BackupResponse* response) override {
    return HandleAsync(
        service_, context, response,
        [&](const Caller& caller, Callback<v1::BackupResponse> done) {
          service_.Backup(caller, *request, std::move(done));
        });
  }

 private:
  trace::Service& service_;
};

}  // namespace

std::unique_ptr<grpc::Service> NewAdminService(trace::Service* service) {
  return std::make_unique<AdminService>(service);
}

}  // namespace ocoptrace::rpc
