// Certificates: OCOP recognition, renewal, revocation, status and expiry.
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "core/timestamp.h"
#include "server/storage/keys.h"
#include "server/trace/kinds.h"
#include "server/trace/rules.h"
#include "server/trace/service_impl.h"

namespace ocoptrace::trace {
namespace {

// certificate.issued for IssueCertificate (no `supersedes`) and
// RenewCertificate (with it).
void SubmitCertificate(Service::Impl& impl, Method method, bool renewal,
                       const Caller& caller,
                       const v1::SignedEntry& signed_entry,
                       Callback<v1::EntryReceipt> done) {
  if (auto status = AuthorizeCall(caller, method); !status.ok()) {
    return done(status);
  }
  auto submission =
      impl.VerifySubmission(method, signed_entry, {kinds::kCertificateIssued},
                            SubjectType::kCertificate);
  if (!submission.ok()) return done(submission.status());
  const EntryHeader& header = submission->entry.header();
  auto record = ParseBody<v1::CertificateRecord>(submission->entry.body(),
                                                 BodyType::kCertificateRecord);
  if (!record.ok()) return done(record.status());
  if (record->number() != submission->subject.id) {
    return done(absl::InvalidArgumentError(absl::StrCat(
        "number: the body's number '", record->number(),
        "' does not match the entry's subject ", header.subject,
        "; the subject must be ", CertificateSubject(record->number()))));
  }
  if (renewal && record->supersedes().empty()) {
    return done(absl::InvalidArgumentError(
        "supersedes is required: RenewCertificate replaces a certificate; "
        "name it (or use IssueCertificate for a new one)"));
  }
  if (!renewal && !record->supersedes().empty()) {
    return done(absl::InvalidArgumentError(
        "supersedes: IssueCertificate issues a new certificate; use "
        "RenewCertificate to replace one"));
  }
  if (auto status = ValidateCertificateRecord(*record); !status.ok()) {
    return done(status);
  }
  if (auto status = AuthorizeSigner(caller, header.kind, record->producer_id(),
                                    submission->signers);
      !status.ok()) {
    return done(status);
  }
  auto view = impl.Prepare(header.subject);
  if (!view.ok()) return done(view.status());
  if (auto status = CheckCertificateIssue(*record, view->reader());
      !status.ok()) {
    return done(status);
  }
  if (auto status = Service::Impl::CheckExtendsHead(header, view->head);
      !status.ok()) {
    return done(status);
  }
  std::function<void()> cleanup;
  if (renewal) {
    // One renewal per certificate, even when two race.
    const std::string claim = absl::StrCat("renew/", record->supersedes());
    if (!impl.Claim(claim)) {
      return done(absl::FailedPreconditionError(
          absl::StrCat("supersedes: certificate '", record->supersedes(),
                       "' is being renewed by another request")));
    }
    cleanup = [&impl, claim] { impl.Unclaim(claim); };
  }
  impl.Commit(std::move(submission->entry), *view, std::move(cleanup),
              std::move(done));
}

// The certificate numbers of one listing source, in key order.
using NumberVisitor =
    std::function<bool(std::string_view key, const std::string& number)>;

}  // namespace

void Service::IssueCertificate(const Caller& caller,
                               const v1::IssueCertificateRequest& request,
                               Callback<v1::EntryReceipt> done) {
  SubmitCertificate(*impl_, Method::kIssueCertificate, /*renewal=*/false,
                    caller, request.signed_(), std::move(done));
}

void Service::RenewCertificate(const Caller& caller,
                               const v1::RenewCertificateRequest& request,
                               Callback<v1::EntryReceipt> done) {
  SubmitCertificate(*impl_, Method::kRenewCertificate, /*renewal=*/true, caller,
                    request.signed_(), std::move(done));
}

void Service::RevokeCertificate(const Caller& caller,
                                const v1::RevokeCertificateRequest& request,
                                Callback<v1::EntryReceipt> done) {
  constexpr Method kMethod = Method::kRevokeCertificate;
  if (auto status = AuthorizeCall(caller, kMethod); !status.ok()) {
    return done(status);
  }
  auto submission = impl_->VerifySubmission(kMethod, request.signed_(),
                                            {kinds::kCertificateRevoked},
                                            SubjectType::kCertificate);
  if (!submission.ok()) return done(submission.status());
  const EntryHeader& header = submission->entry.header();
  auto revocation = ParseBody<v1::CertificateRevocation>(
      submission->entry.body(), BodyType::kCertificateRevocation);
  if (!revocation.ok()) return done(revocation.status());
  if (auto status = ValidateCertificateRevocation(*revocation); !status.ok()) {
    return done(status);
  }
  if (auto status =
          AuthorizeSigner(caller, header.kind, "", submission->signers);
      !status.ok()) {
    return done(status);
  }
  auto view = impl_->Prepare(header.subject);
  if (!view.ok()) return done(view.status());
  auto certificate = view->reader().Certificate(submission->subject.id);
  if (!certificate.ok()) return done(certificate.status());
  if (auto status = CheckCertificateRevocation(*certificate, *revocation);
      !status.ok()) {
    return done(status);
  }
  if (auto status = Impl::CheckExtendsHead(header, view->head); !status.ok()) {
    return done(status);
  }
  impl_->Commit(std::move(submission->entry), *view, nullptr, std::move(done));
}

absl::StatusOr<v1::Certificate> Service::GetCertificate(
    const Caller& caller, const v1::GetCertificateRequest& request) const {
  constexpr Method kMethod = Method::kGetCertificate;
  if (auto status = AuthorizeCall(caller, kMethod); !status.ok()) {
    return status;
  }
  if (request.number().empty()) {
    return absl::InvalidArgumentError(
        "number is required: the certificate number as printed");
  }
  absl::CivilDay as_of = impl_->Today();
  if (!request.as_of().iso_date().empty()) {
    auto day = ParseDateField(request.as_of(), "as_of");
    if (!day.ok()) return day.status();
    as_of = *day;
  }
  std::unique_ptr<storage::ReadView> snapshot = impl_->store->Snapshot();
  StateReader state(*snapshot);
  auto certificate = state.Certificate(request.number());
  if (!certificate.ok()) return certificate.status();
  if (auto status =
          AuthorizeOwner(caller, kMethod, certificate->record().producer_id(),
                         absl::StrCat("certificate '", request.number(), "'"));
      !status.ok()) {
    return status;
  }
  return impl_->BuildCertificate(state, *certificate, as_of);
}

absl::StatusOr<v1::ListCertificatesResponse> Service::ListCertificates(
    const Caller& caller, const v1::ListCertificatesRequest& request) const {
  constexpr Method kMethod = Method::kListCertificates;
  if (auto status = AuthorizeCall(caller, kMethod); !status.ok()) {
    return status;
  }
  std::string producer_id = request.producer_id();
  if (caller.role == v1::ROLE_PRODUCER) {
    if (producer_id.empty()) producer_id = caller.producer_id;
    if (auto status = AuthorizeOwner(
            caller, kMethod, producer_id,
            absl::StrCat("the certificates of '", producer_id, "'"));
        !status.ok()) {
      return status;
    }
  }
  std::string gtin;
  if (!request.gtin().empty()) {
    auto normalized = NormalizeGtinField(request.gtin(), "gtin");
    if (!normalized.ok()) return normalized.status();
    gtin = *normalized;
  }
  absl::CivilDay as_of = impl_->Today();
  if (!request.as_of().iso_date().empty()) {
    auto day = ParseDateField(request.as_of(), "as_of");
    if (!day.ok()) return day.status();
    as_of = *day;
  }
  std::string start_after;
  if (!request.page().page_token().empty()) {
    auto token = DecodePageToken(request.page().page_token());
    if (!token.ok()) return token.status();
    start_after = std::move(*token);
  }
  const size_t limit = PageSize(request.page());
  const uint32_t within = request.expiring_within_days();

  std::unique_ptr<storage::ReadView> snapshot = impl_->store->Snapshot();
  StateReader state(*snapshot);
  // Pick the narrowest source, then filter by everything asked.
  auto decode_last = [](const std::vector<std::string>& rest) {
    auto number = PercentDecode(rest.back());
    return number.ok() ? *number : std::string();
  };
  std::function<absl::Status(const NumberVisitor&)> source;
  if (within > 0) {
    source = [&](const NumberVisitor& visit) {
      const std::string index(storage::kIndexCertificateExpiry);
      std::string begin = storage::IndexPrefix(index, {FormatDate(as_of)});
      if (!start_after.empty()) {
        begin = std::max(begin, start_after + std::string(1, '\0'));
      }
      const std::string end =
          storage::IndexPrefix(index, {FormatDate(as_of + within + 1)});
      return snapshot->Scan(storage::Column::kIndexes, begin, end,
                            [&](std::string_view key, std::string_view) {
                              auto parts = storage::ParseIndexKey(key);
                              if (!parts.ok() || parts->parts.size() != 2)
                                return true;
                              return visit(key, decode_last(parts->parts));
                            });
    };
  } else if (!gtin.empty() || !producer_id.empty()) {
    source = [&](const NumberVisitor& visit) {
      auto visit_index = [&](std::string_view key,
                             const std::vector<std::string>& rest) {
        return visit(key, decode_last(rest));
      };
      return gtin.empty()
                 ? state.ScanIndex(storage::kIndexProducerCertificates,
                                   {producer_id}, start_after, visit_index)
                 : state.ScanIndex(storage::kIndexProductCertificates, {gtin},
                                   start_after, visit_index);
    };
  } else {
    source = [&](const NumberVisitor& visit) {
      return state.ScanRecords(
          "certificate/", start_after,
          [&](std::string_view subject, std::string_view) {
            auto parsed = ParseSubject(subject);
            return visit(subject, parsed.ok() ? parsed->id : std::string());
          });
    };
  }

  v1::ListCertificatesResponse response;
  absl::Status problem;
  std::string last;
  absl::Status scan =
      source([&](std::string_view key, const std::string& number) {
        if (static_cast<size_t>(response.certificates_size()) == limit) {
          response.set_next_page_token(EncodePageToken(last));
          return false;
        }
        last = std::string(key);
        auto certificate = state.Certificate(number);
        if (!certificate.ok()) {
          problem = certificate.status();
          return false;
        }
        const v1::CertificateRecord& record = certificate->record();
        if (!producer_id.empty() && record.producer_id() != producer_id) {
          return true;
        }
        if (!gtin.empty() &&
            std::find(record.products().begin(), record.products().end(),
                      gtin) == record.products().end()) {
          return true;
        }
        auto built = impl_->BuildCertificate(state, *certificate, as_of);
        if (!built.ok()) {
          problem = built.status();
          return false;
        }
        if (within > 0 && built->status() != v1::CERTIFICATE_STATUS_ACTIVE) {
          return true;
        }
        if (!request.statuses().empty() &&
            std::find(request.statuses().begin(), request.statuses().end(),
                      built->status()) == request.statuses().end()) {
          return true;
        }
        *response.add_certificates() = std::move(*built);
        return true;
      });
  if (!scan.ok()) return scan;
  if (!problem.ok()) return problem;
  return response;
}

}  // namespace ocoptrace::trace
