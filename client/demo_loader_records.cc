// DemoLoader: the dataset's records (producers, products, certificates,
// batches and their events), each added only when the log lacks it.

#include <map>
#include <memory>
#include <set>

#include "absl/strings/str_cat.h"
#include "client/cli.h"
#include "client/demo_dataset.h"
#include "client/demo_loader.h"

namespace ocoptrace::client {

absl::Status DemoLoader::EnsureProducers() {
  for (const v1::ProducerRecord& producer : data_.producers) {
    v1::GetProducerRequest get;
    get.set_producer_id(producer.id());
    absl::StatusOr<v1::Producer> existing =
        admin_->Call(admin_->registry(), &v1::Registry::Stub::GetProducer, get);
    if (existing.ok()) {
      producers_.Count(false);
      continue;
    }
    if (!absl::IsNotFound(existing.status())) return existing.status();
    v1::RegisterProducerRequest request;
    *request.mutable_producer() = producer;
    absl::StatusOr<v1::EntryReceipt> receipt = admin_->Call(
        admin_->registry(), &v1::Registry::Stub::RegisterProducer, request);
    if (!receipt.ok()) {
      return absl::Status(receipt.status().code(),
                          absl::StrCat("producer ", producer.id(), ": ",
                                       receipt.status().message()));
    }
    producers_.Count(true);
  }
  return absl::OkStatus();
}

absl::Status DemoLoader::EnsureProducts() {
  for (const v1::ProductRecord& product : data_.products) {
    v1::GetProductRequest get;
    get.set_gtin(product.gtin());
    absl::StatusOr<v1::Product> existing =
        admin_->Call(admin_->registry(), &v1::Registry::Stub::GetProduct, get);
    if (existing.ok()) {
      products_.Count(false);
      continue;
    }
    if (!absl::IsNotFound(existing.status())) return existing.status();
    absl::StatusOr<Actor*> actor =
        ActorFor(data_.StaffOf(product.producer_id())->principal);
    if (!actor.ok()) return actor.status();
    absl::StatusOr<v1::EntryReceipt> receipt = Send(
        **actor,
        EntryToSign{"product.registered", ProductSubject(product.gtin()),
                    product.SerializeAsString(), std::nullopt},
        [](Connection& connection, const v1::SignedEntry& signed_entry) {
          v1::RegisterProductRequest request;
          *request.mutable_signed_() = signed_entry;
          return connection.Call(connection.registry(),
                                 &v1::Registry::Stub::RegisterProduct, request);
        });
    if (!receipt.ok()) {
      return absl::Status(
          receipt.status().code(),
          absl::StrCat("product ", product.gtin(), " (", product.name(),
                       "): ", receipt.status().message()));
    }
    products_.Count(true);
  }
  return absl::OkStatus();
}

absl::Status DemoLoader::EnsureCertificates() {
  absl::StatusOr<Actor*> certifier = ActorFor(data_.certifier.principal);
  if (!certifier.ok()) return certifier.status();
  for (const DemoCertificate& certificate : data_.certificates) {
    const v1::CertificateRecord& record = certificate.record;
    v1::GetCertificateRequest get;
    get.set_number(record.number());
    absl::StatusOr<v1::Certificate> existing = admin_->Call(
        admin_->certificates(), &v1::Certificates::Stub::GetCertificate, get);
    if (!existing.ok() && !absl::IsNotFound(existing.status())) {
      return existing.status();
    }
    const bool renewal = !record.supersedes().empty();
    if (!existing.ok()) {
      absl::StatusOr<v1::EntryReceipt> receipt = Send(
          **certifier,
          EntryToSign{"certificate.issued", CertificateSubject(record.number()),
                      record.SerializeAsString(), std::nullopt},
          [renewal](Connection& connection,
                    const v1::SignedEntry& signed_entry) {
            if (renewal) {
              v1::RenewCertificateRequest request;
              *request.mutable_signed_() = signed_entry;
              return connection.Call(connection.certificates(),
                                     &v1::Certificates::Stub::RenewCertificate,
                                     request);
            }
            v1::IssueCertificateRequest request;
            *request.mutable_signed_() = signed_entry;
            return connection.Call(connection.certificates(),
                                   &v1::Certificates::Stub::IssueCertificate,
                                   request);
          });
      if (!receipt.ok()) {
        return absl::Status(receipt.status().code(),
                            absl::StrCat("certificate ", record.number(), ": ",
                                         receipt.status().message()));
      }
    }
    certificates_.Count(!existing.ok());
    if (!certificate.revocation) continue;
    const bool revoked =
        existing.ok() && existing->status() == v1::CERTIFICATE_STATUS_REVOKED;
    if (!revoked) {
      absl::StatusOr<v1::EntryReceipt> receipt =
          Send(**certifier,
               EntryToSign{
                   "certificate.revoked", CertificateSubject(record.number()),
                   certificate.revocation->SerializeAsString(), std::nullopt},
               [](Connection& connection, const v1::SignedEntry& signed_entry) {
                 v1::RevokeCertificateRequest request;
                 *request.mutable_signed_() = signed_entry;
                 return connection.Call(
                     connection.certificates(),
                     &v1::Certificates::Stub::RevokeCertificate, request);
               });
      if (!receipt.ok()) {
        return absl::Status(
            receipt.status().code(),
            absl::StrCat("revoking certificate ", record.number(), ": ",
                         receipt.status().message()));
      }
    }
    revocations_.Count(!revoked);
  }
  return absl::OkStatus();
}

absl::Status DemoLoader::EnsureBatches() {
  for (const DemoBatch& batch : data_.batches) {
    const v1::BatchRecord& record = batch.record;
    const std::string producer_id = [&] {
      for (const v1::ProductRecord& product : data_.products) {
        if (product.gtin() == record.gtin()) return product.producer_id();
      }
      return std::string();
    }();
    absl::StatusOr<Actor*> producer =
        ActorFor(data_.StaffOf(producer_id)->principal);
    if (!producer.ok()) return producer.status();
    v1::GetBatchRequest get;
    get.mutable_batch()->set_gtin(record.gtin());
    get.mutable_batch()->set_lot(record.lot());
    absl::StatusOr<v1::Batch> existing =
        admin_->Call(admin_->trace(), &v1::Trace::Stub::GetBatch, get);
    if (!existing.ok() && !absl::IsNotFound(existing.status())) {
      return existing.status();
    }
    if (!existing.ok()) {
      absl::StatusOr<v1::EntryReceipt> receipt =
          Send(**producer,
               EntryToSign{"batch.created",
                           BatchSubject(record.gtin(), record.lot()),
                           record.SerializeAsString(), std::nullopt},
               [](Connection& connection, const v1::SignedEntry& signed_entry) {
                 v1::CreateBatchRequest request;
                 *request.mutable_signed_() = signed_entry;
                 return connection.Call(connection.trace(),
                                        &v1::Trace::Stub::CreateBatch, request);
               });
      if (!receipt.ok()) {
        return absl::Status(
            receipt.status().code(),
            absl::StrCat("batch ", record.gtin(), "/", record.lot(), ": ",
                         receipt.status().message()));
      }
    }
    batches_.Count(!existing.ok());
    if (auto status = EnsureEvents(batch, **producer); !status.ok()) {
      return status;
    }
  }
  return absl::OkStatus();
}

absl::Status DemoLoader::EnsureEvents(const DemoBatch& batch, Actor& producer) {
  const v1::BatchRecord& record = batch.record;
  const std::string name = absl::StrCat(record.gtin(), "/", record.lot());
  // The events already on the chain, in order (labels.* entries and others
  // are not events).
  v1::GetHistoryRequest history_request;
  history_request.mutable_batch()->set_gtin(record.gtin());
  history_request.mutable_batch()->set_lot(record.lot());
  absl::StatusOr<v1::GetHistoryResponse> history = admin_->Call(
      admin_->trace(), &v1::Trace::Stub::GetHistory, history_request);
  if (!history.ok()) return history.status();
  std::vector<std::string> recorded;
  for (const v1::HistoryItem& item : history->items()) {
    if (item.kind().starts_with("event.")) {
      recorded.push_back(item.kind().substr(6));
    }
  }
  for (size_t i = 0; i < batch.events.size(); ++i) {
    const DemoEvent& demo = batch.events[i];
    const std::string& step = demo.event.business_step();
    if (i < recorded.size()) {
      if (recorded[i] != step) {
        return absl::FailedPreconditionError(absl::StrCat(
            "batch ", name, ": event ", i + 1, " on the log is ", recorded[i],
            " but the dataset says ", step,
            "; the batch was changed by hand: load the demo into a fresh "
            "data directory"));
      }
      events_.Count(false);
      continue;
    }
    Actor* actor = &producer;
    if (demo.by_inspector) {
      absl::StatusOr<Actor*> inspector = ActorFor(data_.inspector.principal);
      if (!inspector.ok()) return inspector.status();
      actor = *inspector;
    }
    absl::StatusOr<v1::EntryReceipt> receipt =
        Send(*actor,
             EntryToSign{absl::StrCat("event.", step),
                         BatchSubject(record.gtin(), record.lot()),
                         demo.event.SerializeAsString(), std::nullopt},
             [](Connection& connection, const v1::SignedEntry& signed_entry) {
               v1::RecordEventRequest request;
               *request.mutable_signed_() = signed_entry;
               return connection.Call(connection.trace(),
                                      &v1::Trace::Stub::RecordEvent, request);
             });
    if (!receipt.ok()) {
      return absl::Status(
          receipt.status().code(),
          absl::StrCat("batch ", name, ", event ", i + 1, " (", step,
                       "): ", receipt.status().message()));
    }
    events_.Count(true);
  }
  return absl::OkStatus();
}

}  // namespace ocoptrace::client
