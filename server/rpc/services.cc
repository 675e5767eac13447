#include "server/rpc/services.h"

#include "server/rpc/labels_service.h"

namespace ocoptrace::rpc {

std::vector<std::unique_ptr<grpc::Service>> NewAllServices(
    trace::Service* service, trace::OfficerReads* officer) {
  std::vector<std::unique_ptr<grpc::Service>> services;
  services.push_back(NewRegistryService(service));
  services.push_back(NewCertificatesService(service));
  services.push_back(NewTraceService(service));
  services.push_back(NewLabelsService(service));
  services.push_back(NewVerifyService(service));
  services.push_back(NewAdminService(service, officer));
  return services;
}

}  // namespace ocoptrace::rpc
