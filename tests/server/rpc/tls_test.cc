// Transport security of the gRPC server: TLS with a certificate made here
// with OpenSSL (EVP/X509), the plaintext-only-on-loopback rule and its
// explicit override, TLS flag errors, and refusing a port already in use.

#include <grpcpp/grpcpp.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <fstream>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/rpc/server.h"
#include "tests/server/rpc/test_client.h"

namespace ocoptrace::rpctest {
namespace {

using ::testing::HasSubstr;

struct CertificateAndKey {
  std::string certificate_pem;
  std::string key_pem;
};

std::string BioToString(BIO* bio) {
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<size_t>(size));
}

// A self-signed P-256 certificate for "localhost" and 127.0.0.1, valid
// for a day.
CertificateAndKey MakeSelfSignedCertificate() {
  EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
  EXPECT_NE(key, nullptr);
  X509* x509 = X509_new();
  X509_set_version(x509, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(x509), 1);
  X509_gmtime_adj(X509_getm_notBefore(x509), -3600);
  X509_gmtime_adj(X509_getm_notAfter(x509), 24 * 3600);
  X509_set_pubkey(x509, key);
  X509_NAME* name = X509_get_subject_name(x509);
  X509_NAME_add_entry_by_txt(
      name, "CN", MBSTRING_ASC,
      reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0);
  X509_set_issuer_name(x509, name);
  X509V3_CTX context;
  X509V3_set_ctx_nodb(&context);
  X509V3_set_ctx(&context, x509, x509, nullptr, nullptr, 0);
  for (const auto& [nid, value] :
       {std::pair{NID_basic_constraints, "critical,CA:TRUE"},
        std::pair{NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1"}}) {
    X509_EXTENSION* extension =
        X509V3_EXT_conf_nid(nullptr, &context, nid, value);
    EXPECT_NE(extension, nullptr);
    X509_add_ext(x509, extension, -1);
    X509_EXTENSION_free(extension);
  }
  EXPECT_GT(X509_sign(x509, key, EVP_sha256()), 0);

  CertificateAndKey result;
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(bio, x509);
  result.certificate_pem = BioToString(bio);
  BIO_free(bio);
  bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
  result.key_pem = BioToString(bio);
  BIO_free(bio);
  X509_free(x509);
  EVP_PKEY_free(key);
  return result;
}

void WriteFile(const std::string& path, const std::string& contents) {
  std::ofstream out(path, std::ios::binary);
  out << contents;
}

class TlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    credentials_ = MakeSelfSignedCertificate();
    cert_file_ = dir_.path() + "-cert.pem";
    key_file_ = dir_.path() + "-key.pem";
    WriteFile(cert_file_, credentials_.certificate_pem);
    WriteFile(key_file_, credentials_.key_pem);
  }
  void TearDown() override {
    std::remove(cert_file_.c_str());
    std::remove(key_file_.c_str());
  }

  std::shared_ptr<grpc::Channel> TlsChannel(const std::string& target,
                                            const std::string& root_pem) {
    grpc::SslCredentialsOptions options;
    options.pem_root_certs = root_pem;
    grpc::ChannelArguments arguments;
    arguments.SetSslTargetNameOverride("localhost");
    return grpc::CreateCustomChannel(target, grpc::SslCredentials(options),
                                     arguments);
  }

  TempDir dir_;
  CertificateAndKey credentials_;
  std::string cert_file_;
  std::string key_file_;
};

TEST_F(TlsTest, ClientTrustingTheCertificateConnects) {
  TestServerOptions options;
  options.rpc.tls_cert_file = cert_file_;
  options.rpc.tls_key_file = key_file_;
  std::unique_ptr<TestServer> server = TestServer::Start(options);
  ASSERT_NE(server, nullptr);

  TestClient client(TlsChannel(server->target(), credentials_.certificate_pem),
                    server->admin_token());
  v1::Principal me;
  grpc::Status status = client.Call(&v1::Admin::Stub::WhoAmI, client.admin(),
                                    v1::WhoAmIRequest(), &me);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(me.name(), "admin");
}

TEST_F(TlsTest, PlaintextClientsAndUntrustingClientsCannotTalkToTls) {
  TestServerOptions options;
  options.rpc.tls_cert_file = cert_file_;
  options.rpc.tls_key_file = key_file_;
  std::unique_ptr<TestServer> server = TestServer::Start(options);
  ASSERT_NE(server, nullptr);

  v1::GetKeysResponse keys;
  grpc::ClientContext plaintext_context;
  plaintext_context.set_deadline(std::chrono::system_clock::now() +
                                 std::chrono::seconds(3));
  auto plaintext = v1::Verify::NewStub(grpc::CreateChannel(
      server->target(), grpc::InsecureChannelCredentials()));
  grpc::Status status =
      plaintext->GetKeys(&plaintext_context, v1::GetKeysRequest(), &keys);
  EXPECT_FALSE(status.ok());

  const CertificateAndKey other = MakeSelfSignedCertificate();
  grpc::ClientContext untrusting_context;
  untrusting_context.set_deadline(std::chrono::system_clock::now() +
                                  std::chrono::seconds(3));
  auto untrusting =
      v1::Verify::NewStub(TlsChannel(server->target(), other.certificate_pem));
  status =
      untrusting->GetKeys(&untrusting_context, v1::GetKeysRequest(), &keys);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE)
      << status.error_message();
}

TEST_F(TlsTest, PlaintextOnAllInterfacesIsRefusedUnlessOverridden) {
  std::unique_ptr<TestServer> server = TestServer::Start();
  ASSERT_NE(server, nullptr);
  trace::Service* service = &server->daemon().service();

  rpc::RpcServerOptions options;
  options.listen_address = "0.0.0.0:0";
  absl::StatusOr<std::unique_ptr<rpc::RpcServer>> refused =
      rpc::RpcServer::Start(service, options);
  ASSERT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition)
      << refused.status();
  EXPECT_THAT(std::string(refused.status().message()), HasSubstr("--tls-cert"));
  EXPECT_THAT(std::string(refused.status().message()), HasSubstr("0.0.0.0:0"));

  options.allow_insecure_remote = true;
  absl::StatusOr<std::unique_ptr<rpc::RpcServer>> allowed =
      rpc::RpcServer::Start(service, options);
  ASSERT_TRUE(allowed.ok()) << allowed.status();
  EXPECT_GT((*allowed)->port(), 0);
  EXPECT_FALSE((*allowed)->tls());
  (*allowed)->Shutdown(absl::Seconds(1));

  // With TLS, any interface is fine.
  options.allow_insecure_remote = false;
  options.tls_cert_file = cert_file_;
  options.tls_key_file = key_file_;
  absl::StatusOr<std::unique_ptr<rpc::RpcServer>> tls =
      rpc::RpcServer::Start(service, options);
  ASSERT_TRUE(tls.ok()) << tls.status();
  EXPECT_TRUE((*tls)->tls());
  (*tls)->Shutdown(absl::Seconds(1));
}

TEST_F(TlsTest, TlsFlagErrorsNameTheFlag) {
  std::unique_ptr<TestServer> server = TestServer::Start();
  ASSERT_NE(server, nullptr);
  trace::Service* service = &server->daemon().service();

  rpc::RpcServerOptions options;
  options.listen_address = "127.0.0.1:0";
  options.tls_cert_file = cert_file_;
  absl::StatusOr<std::unique_ptr<rpc::RpcServer>> result =
      rpc::RpcServer::Start(service, options);
  ASSERT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(result.status().message()), HasSubstr("--tls-key"));

  options.tls_key_file = dir_.path() + "-missing-key.pem";
  result = rpc::RpcServer::Start(service, options);
  ASSERT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(result.status().message()),
              HasSubstr("missing-key.pem"));
  EXPECT_THAT(std::string(result.status().message()), HasSubstr("--tls-key"));
}

TEST_F(TlsTest, APortInUseIsRefused) {
  std::unique_ptr<TestServer> server = TestServer::Start();
  ASSERT_NE(server, nullptr);
  rpc::RpcServerOptions options;
  options.listen_address = server->target();
  absl::StatusOr<std::unique_ptr<rpc::RpcServer>> second =
      rpc::RpcServer::Start(&server->daemon().service(), options);
  ASSERT_EQ(second.status().code(), absl::StatusCode::kUnavailable)
      << second.status();
  EXPECT_THAT(std::string(second.status().message()),
              HasSubstr(server->target()));
}

}  // namespace
}  // namespace ocoptrace::rpctest
