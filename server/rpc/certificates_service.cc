// Certificates: OCOP certificates (issue, renew, revoke, read).

#include "ocoptrace/v1/certificates.grpc.pb.h"
#include "server/rpc/services.h"
#include "server/rpc/unary.h"

namespace ocoptrace::rpc {
namespace {

namespace v1 = ::ocoptrace::v1;
using grpc::CallbackServerContext;
using grpc::ServerUnaryReactor;
using trace::Callback;
using trace::Caller;

class CertificatesService final : public v1::Certificates::CallbackService {
 public:
  explicit CertificatesService(trace::Service* service) : service_(*service) {}

  ServerUnaryReactor* IssueCertificate(
      CallbackServerContext* context,
      const v1::IssueCertificateRequest* request,
      v1::EntryReceipt* response) override {
    return HandleAsync(
        service_, context, response,
        [&](const Caller& caller, Callback<v1::EntryReceipt> done) {
          service_.IssueCertificate(caller, *request, std::move(done));
        });
  }

  ServerUnaryReactor* RenewCertificate(
      CallbackServerContext* context,
      const v1::RenewCertificateRequest* request,
      v1::EntryReceipt* response) override {
    return HandleAsync(
        service_, context, response,
        [&](const Caller& caller, Callback<v1::EntryReceipt> done) {
          service_.RenewCertificate(caller, *request, std::move(done));
        });
  }

  ServerUnaryReactor* RevokeCertificate(
      CallbackServerContext* context,
      const v1::RevokeCertificateRequest* request,
      v1::EntryReceipt* response) override {
    return HandleAsync(
        service_, context, response,
        [&](const Caller& caller, Callback<v1::EntryReceipt> done) {
          service_.RevokeCertificate(caller, *request, std::move(done));
        });
  }

  ServerUnaryReactor* GetCertificate(CallbackServerContext* context,
                                     const v1::GetCertificateRequest* request,
                                     v1::Certificate* response) override {
    return HandleSync(service_, context, response, [&](const Caller& caller) {
      return service_.GetCertificate(caller, *request);
    });
  }

  ServerUnaryReactor* ListCertificates(
      CallbackServerContext* context,
      const v1::ListCertificatesRequest* request,
      v1::ListCertificatesResponse* response) override {
    return HandleSync(service_, context, response, [&](const Caller& caller) {
      return service_.ListCertificates(caller, *request);
    });
  }

 private:
  trace::Service& service_;
};

}  // namespace

std::unique_ptr<grpc::Service> NewCertificatesService(trace::Service* service) {
  return std::make_unique<CertificatesService>(service);
}

}  // namespace ocoptrace::rpc
