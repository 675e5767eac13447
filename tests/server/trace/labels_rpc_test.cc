// The Labels gRPC service (server/rpc/labels_service.h) on its own
// grpc::Server over the test service: IssueLabels streams every label in
// messages of 1000 with the summary first; refusals end the stream with
// the service's status; VoidLabels and GetLabel are unary.
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server.h>
#include <grpcpp/server_builder.h>

#include <set>

#include "absl/strings/str_cat.h"
#include "core/label_payload.h"
#include "ocoptrace/v1/labels.grpc.pb.h"
#include "server/rpc/labels_service.h"
#include "server/trace/kinds.h"
#include "server/trace/subjects.h"
#include "tests/server/trace/trace_test_util.h"

namespace ocoptrace::trace::testing {
namespace {

using ::testing::HasSubstr;

class LabelsRpcTest : public TraceTest {
 protected:
  void SetUp() override {
    TraceTest::SetUp();
    SetUpCast();
    ASSERT_OK(CreateBatch(producer_a_, key_a_, Batch(kGtinA, kLot)));
    producer_token_ =
        Token("htx-tai-hoan-printer", v1::ROLE_PRODUCER, kProducerA);
    inspector_token_ = Token("qltt.field", v1::ROLE_INSPECTOR, "");
    labels_service_ = rpc::NewLabelsService(service_.get());
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(),
                             &port);
    builder.RegisterService(labels_service_.get());
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    ASSERT_NE(port, 0);
    stub_ = v1::Labels::NewStub(grpc::CreateChannel(
        absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials()));
  }

  void TearDown() override {
    if (server_ != nullptr) server_->Shutdown();
    TraceTest::TearDown();
  }

  std::string Token(const std::string& name, v1::Role role,
                    const std::string& producer_id) {
    v1::CreatePrincipalRequest request;
    request.mutable_principal()->set_name(name);
    request.mutable_principal()->set_role(role);
    request.mutable_principal()->set_producer_id(producer_id);
    auto created = service_->CreatePrincipal(admin_, request);
    EXPECT_OK(created);
    return created.ok() ? created->token() : "";
  }

  static void Authorize(grpc::ClientContext& context,
                        const std::string& token) {
    if (!token.empty()) {
      context.AddMetadata("authorization", absl::StrCat("Bearer ", token));
    }
  }

  // Reads the whole stream.
  grpc::Status IssueOverGrpc(const std::string& token, uint32_t count,
                             std::vector<v1::IssueLabelsResponse>& messages) {
    grpc::ClientContext context;
    Authorize(context, token);
    v1::IssueLabelsRequest request;
    request.mutable_batch()->set_gtin(kGtinA);
    request.mutable_batch()->set_lot(kLot);
    request.set_count(count);
    auto reader = stub_->IssueLabels(&context, request);
    v1::IssueLabelsResponse message;
    while (reader->Read(&message)) messages.push_back(message);
    return reader->Finish();
  }

  std::string producer_token_;
  std::string inspector_token_;
  std::unique_ptr<grpc::Service> labels_service_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<v1::Labels::Stub> stub_;
};

TEST_F(LabelsRpcTest, IssueStreamsEveryLabelInMessagesOfAThousand) {
  std::vector<v1::IssueLabelsResponse> messages;
  const uint64_t size_before = service_->ledger().size();
  grpc::Status status = IssueOverGrpc(producer_token_, 2500, messages);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(messages.size(), 3u);
  EXPECT_EQ(messages[0].offset(), 0u);
  EXPECT_EQ(messages[1].offset(), 1000u);
  EXPECT_EQ(messages[2].offset(), 2000u);
  EXPECT_EQ(messages[0].labels_size(), 1000);
  EXPECT_EQ(messages[2].labels_size(), 500);
  ASSERT_TRUE(messages[0].has_summary());
  EXPECT_FALSE(messages[1].has_summary());
  const v1::IssuanceSummary& summary = messages[0].summary();
  EXPECT_EQ(summary.count(), 2500u);
  EXPECT_EQ(summary.receipt().kind(), "labels.issued");
  EXPECT_EQ(summary.receipt().index(), size_before);
  EXPECT_EQ(service_->ledger().size(), size_before + 1);

  auto verifier = ParseVkey(summary.label_key());
  ASSERT_OK(verifier);
  std::set<std::string> serials;
  for (const v1::IssueLabelsResponse& message : messages) {
    for (const v1::IssuedLabel& label : message.labels()) {
      serials.insert(label.serial());
      auto claim = ParseLabelUrl(label.url());
      ASSERT_OK(claim);
      EXPECT_EQ(claim->serial, label.serial());
      EXPECT_EQ(VerifyLabelSignature(*claim, {verifier->key}), 0);
    }
  }
  EXPECT_EQ(serials.size(), 2500u);

  // GetLabel is public; VoidLabels takes the producer's signed entry.
  const std::string serial = messages[1].labels(0).serial();
  grpc::ClientContext get_context;
  v1::GetLabelRequest get;
  get.set_gtin(kGtinA);
  get.set_serial(serial);
  v1::Label label;
  ASSERT_TRUE(stub_->GetLabel(&get_context, get, &label).ok());
  EXPECT_EQ(label.status(), v1::LABEL_STATUS_ISSUED);
  EXPECT_EQ(label.issued_at_index(), size_before);

  v1::LabelsVoided body;
  body.add_serials(serial);
  body.set_reason("in lỗi");
  v1::VoidLabelsRequest void_request;
  *void_request.mutable_signed_() =
      SignMessage(key_a_, std::string(kinds::kLabelsVoided),
                  BatchSubject(kGtinA, kLot), body);
  grpc::ClientContext void_context;
  Authorize(void_context, producer_token_);
  v1::EntryReceipt receipt;
  grpc::Status voided =
      stub_->VoidLabels(&void_context, void_request, &receipt);
  ASSERT_TRUE(voided.ok()) << voided.error_message();
  EXPECT_EQ(receipt.kind(), "labels.voided");
  grpc::ClientContext again_context;
  ASSERT_TRUE(stub_->GetLabel(&again_context, get, &label).ok());
  EXPECT_EQ(label.status(), v1::LABEL_STATUS_VOID);
}

TEST_F(LabelsRpcTest, RefusalsEndTheStreamWithTheServiceStatus) {
  const uint64_t size_before = service_->ledger().size();
  struct Case {
    std::string token;
    uint32_t count;
    grpc::StatusCode code;
    std::string message;
  };
  const std::vector<Case> cases = {
      {producer_token_, 0, grpc::StatusCode::INVALID_ARGUMENT, "count"},
      {producer_token_, 100001, grpc::StatusCode::INVALID_ARGUMENT,
       "more than the 100000"},
      {inspector_token_, 5, grpc::StatusCode::PERMISSION_DENIED,
       "needs role admin or producer"},
      {"", 5, grpc::StatusCode::UNAUTHENTICATED, "bearer token"},
      {"not-a-token", 5, grpc::StatusCode::UNAUTHENTICATED, "unknown bearer"},
  };
  for (const Case& c : cases) {
    std::vector<v1::IssueLabelsResponse> messages;
    grpc::Status status = IssueOverGrpc(c.token, c.count, messages);
    EXPECT_EQ(status.error_code(), c.code) << status.error_message();
    EXPECT_THAT(status.error_message(), HasSubstr(c.message));
    EXPECT_TRUE(messages.empty());
  }
  EXPECT_EQ(service_->ledger().size(), size_before);

  grpc::ClientContext context;
  v1::GetLabelRequest get;
  get.set_gtin(kGtinA);
  get.set_serial("0000000000");
  v1::Label label;
  ASSERT_TRUE(stub_->GetLabel(&context, get, &label).ok());
  EXPECT_EQ(label.status(), v1::LABEL_STATUS_UNKNOWN);
}

}  // namespace
}  // namespace ocoptrace::trace::testing
