// issue_labels_tool SERVER TOKEN GTIN LOT COUNT: issues COUNT labels for a
// batch through Labels.IssueLabels (plaintext gRPC to a loopback traced)
// and prints one label URL a line. For tests/e2e/offline_verify.sh until
// tracectl has a labels command.

#include <grpcpp/grpcpp.h>

#include <cstdlib>
#include <iostream>
#include <string>

#include "ocoptrace/v1/labels.grpc.pb.h"

int main(int argc, char** argv) {
  if (argc != 6) {
    std::cerr << "usage: issue_labels_tool SERVER TOKEN GTIN LOT COUNT\n";
    return 2;
  }
  auto channel =
      grpc::CreateChannel(argv[1], grpc::InsecureChannelCredentials());
  auto stub = ocoptrace::v1::Labels::NewStub(channel);
  grpc::ClientContext context;
  context.AddMetadata("authorization", std::string("Bearer ") + argv[2]);
  ocoptrace::v1::IssueLabelsRequest request;
  request.mutable_batch()->set_gtin(argv[3]);
  request.mutable_batch()->set_lot(argv[4]);
  request.set_count(static_cast<uint32_t>(std::atoi(argv[5])));
  auto reader = stub->IssueLabels(&context, request);
  ocoptrace::v1::IssueLabelsResponse response;
  while (reader->Read(&response)) {
    for (const auto& label : response.labels())
      std::cout << label.url() << "\n";
  }
  grpc::Status status = reader->Finish();
  if (!status.ok()) {
    std::cerr << "IssueLabels: " << status.error_message() << "\n";
    return 1;
  }
  return 0;
}
