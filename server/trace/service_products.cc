// Registry: products, registered and updated by their producer.
#include "absl/strings/str_cat.h"
#include "server/storage/keys.h"
#include "server/trace/kinds.h"
#include "server/trace/rules.h"
#include "server/trace/service_impl.h"

namespace ocoptrace::trace {
namespace {

// product.registered and product.updated: the same steps, one kind each.
void SubmitProduct(Service::Impl& impl, Method method, std::string_view kind,
                   const Caller& caller, const v1::SignedEntry& signed_entry,
                   Callback<v1::EntryReceipt> done) {
  if (auto status = AuthorizeCall(caller, method); !status.ok()) {
    return done(status);
  }
  auto submission = impl.VerifySubmission(method, signed_entry, {kind},
                                          SubjectType::kProduct);
  if (!submission.ok()) return done(submission.status());
  auto record = ParseBody<v1::ProductRecord>(submission->entry.body(),
                                             BodyType::kProductRecord);
  if (!record.ok()) return done(record.status());
  if (auto status = ValidateProductRecord(*record); !status.ok()) {
    return done(status);
  }
  const std::string gtin = *NormalizeGtinField(record->gtin(), "gtin");
  const EntryHeader& header = submission->entry.header();
  if (submission->subject.id != gtin) {
    return done(absl::InvalidArgumentError(absl::StrCat(
        "entry subject: ", header.subject, " does not match the body's gtin ",
        gtin, "; the subject must be product/", gtin)));
  }
  auto view = impl.Prepare(header.subject);
  if (!view.ok()) return done(view.status());
  const StateReader state = view->reader();
  // The owner: the stored product's for an update (a product never changes
  // owner), the body's for a registration.
  std::string owner = record->producer_id();
  const bool is_update = kind == kinds::kProductUpdated;
  if (is_update) {
    auto existing = state.Product(gtin);
    if (!existing.ok()) return done(existing.status());
    owner = existing->record().producer_id();
  }
  const std::string what = absl::StrCat("product ", gtin);
  if (auto status = AuthorizeOwner(caller, method, owner, what); !status.ok()) {
    return done(status);
  }
  if (auto status =
          AuthorizeSigner(caller, header.kind, owner, submission->signers);
      !status.ok()) {
    return done(status);
  }
  if (auto status = CheckProduct(*record, is_update, state); !status.ok()) {
    return done(status);
  }
  if (auto status = Service::Impl::CheckExtendsHead(header, view->head);
      !status.ok()) {
    return done(status);
  }
  impl.Commit(std::move(submission->entry), *view, nullptr, std::move(done));
}

}  // namespace

void Service::RegisterProduct(const Caller& caller,
                              const v1::RegisterProductRequest& request,
                              Callback<v1::EntryReceipt> done) {
  SubmitProduct(*impl_, Method::kRegisterProduct, kinds::kProductRegistered,
                caller, request.signed_(), std::move(done));
}

void Service::UpdateProduct(const Caller& caller,
                            const v1::UpdateProductRequest& request,
                            Callback<v1::EntryReceipt> done) {
  SubmitProduct(*impl_, Method::kUpdateProduct, kinds::kProductUpdated, caller,
                request.signed_(), std::move(done));
}

absl::StatusOr<v1::Product> Service::GetProduct(
    const Caller& caller, const v1::GetProductRequest& request) const {
  constexpr Method kMethod = Method::kGetProduct;
  if (auto status = AuthorizeCall(caller, kMethod); !status.ok()) {
    return status;
  }
  auto gtin = NormalizeGtinField(request.gtin(), "gtin");
  if (!gtin.ok()) return gtin.status();
  std::unique_ptr<storage::ReadView> snapshot = impl_->store->Snapshot();
  StateReader state(*snapshot);
  auto product = state.Product(*gtin);
  if (!product.ok()) return product.status();
  if (auto status =
          AuthorizeOwner(caller, kMethod, product->record().producer_id(),
                         absl::StrCat("product ", *gtin));
      !status.ok()) {
    return status;
  }
  return impl_->BuildProduct(state, *product);
}

absl::StatusOr<v1::ListProductsResponse> Service::ListProducts(
    const Caller& caller, const v1::ListProductsRequest& request) const {
  constexpr Method kMethod = Method::kListProducts;
  if (auto status = AuthorizeCall(caller, kMethod); !status.ok()) {
    return status;
  }
  std::string producer_id = request.producer_id();
  if (caller.role == v1::ROLE_PRODUCER) {
    if (producer_id.empty()) producer_id = caller.producer_id;
    if (auto status = AuthorizeOwner(
            caller, kMethod, producer_id,
            absl::StrCat("the product list of '", producer_id, "'"));
        !status.ok()) {
      return status;
    }
  }
  std::string start_after;
  if (!request.page().page_token().empty()) {
    auto token = DecodePageToken(request.page().page_token());
    if (!token.ok()) return token.status();
    start_after = std::move(*token);
  }
  const size_t limit = PageSize(request.page());
  std::unique_ptr<storage::ReadView> snapshot = impl_->store->Snapshot();
  StateReader state(*snapshot);
  v1::ListProductsResponse response;
  absl::Status problem;
  std::string last;
  // Adds the product `gtin`; false stops the scan (page full or error).
  auto add = [&](std::string_view gtin, std::string_view key) {
    if (static_cast<size_t>(response.products_size()) == limit) {
      response.set_next_page_token(EncodePageToken(last));
      return false;
    }
    auto product = state.Product(gtin);
    auto built = product.ok() ? impl_->BuildProduct(state, *product)
                              : absl::StatusOr<v1::Product>(product.status());
    if (!built.ok()) {
      problem = built.status();
      return false;
    }
    *response.add_products() = std::move(*built);
    last = std::string(key);
    return true;
  };
  absl::Status scan;
  if (!producer_id.empty()) {
    scan = state.ScanIndex(
        storage::kIndexProducerProducts, {producer_id}, start_after,
        [&](std::string_view key, const std::vector<std::string>& rest) {
          return add(rest.at(0), key);
        });
  } else {
    scan = state.ScanRecords(
        "product/", start_after,
        [&](std::string_view subject, std::string_view) {
          return add(subject.substr(std::string_view("product/").size()),
                     subject);
        });
  }
  if (!scan.ok()) return scan;
  if (!problem.ok()) return problem;
  return response;
}

}  // namespace ocoptrace::trace
