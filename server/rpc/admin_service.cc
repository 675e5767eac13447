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
  AdminService(trace::Service* service, trace::OfficerReads* officer)
      : service_(*service), officer_(officer) {}

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

  // The officers' reads (trace/stats.h): local reads, inline.
  ServerUnaryReactor* GetStats(CallbackServerContext* context,
                               const v1::GetStatsRequest* request,
                               v1::ProvinceStats* response) override {
    return HandleSync(service_, context, response, [&](const Caller& caller) {
      if (officer_ == nullptr) return NoOfficerReads<v1::ProvinceStats>();
      return officer_->GetStats(caller, *request);
    });
  }

  ServerUnaryReactor* ListReports(CallbackServerContext* context,
                                  const v1::ListReportsRequest* request,
                                  v1::ListReportsResponse* response) override {
    return HandleSync(service_, context, response, [&](const Caller& caller) {
      if (officer_ == nullptr) return NoOfficerReads<v1::ListReportsResponse>();
      return officer_->ListReports(caller, *request);
    });
  }

 private:
  template <typename Response>
  static absl::StatusOr<Response> NoOfficerReads() {
    return absl::UnimplementedError(
        "this server was started without statistics and reports");
  }

  trace::Service& service_;
  trace::OfficerReads* const officer_;  // May be null.
};

}  // namespace

std::unique_ptr<grpc::Service> NewAdminService(trace::Service* service,
                                               trace::OfficerReads* officer) {
  return std::make_unique<AdminService>(service, officer);
}

}  // namespace ocoptrace::rpc
