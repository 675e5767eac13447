// Languages of the consumers' pages: Vietnamese by default, English on
// request. The language is chosen from an explicit `?lang=vi|en` toggle,
// else the Accept-Language header (q-values honoured), else Vietnamese.
// Every fixed text of the pages is a Msg with both translations in one
// table (i18n.cc), so a missing translation is a compile-time gap, not a
// run-time surprise. Dates are shown in Vietnam time (UTC+7).
//
// Thread-safety: all functions are pure and thread-safe.

#ifndef OCOPTRACE_SERVER_HTTP_I18N_H_
#define OCOPTRACE_SERVER_HTTP_I18N_H_

#include <string>
#include <string_view>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace ocoptrace::http {

enum class Lang { kVi, kEn };

// "vi" or "en": the BCP 47 tag, for <html lang> and hreflang.
std::string_view LangCode(Lang lang);
// The other language (for the toggle link).
Lang OtherLang(Lang lang);

// The page language: `lang_param` ("vi" or "en", from the query) wins when
// it names a supported language; otherwise the best of vi/en that
// `accept_language` asks for; otherwise Vietnamese.
Lang ChooseLanguage(std::string_view lang_param,
                    std::string_view accept_language);

enum class Msg {
  // Page chrome.
  kSiteName,
  kSwitchLanguage,
  kFooterLog,
  // Verdict banners and reasons.
  kVerdictGenuine,
  kVerdictGenuineText,
  kVerdictSuspicious,
  kVerdictSuspiciousText,
  kVerdictNotGenuine,
  kVerdictNotGenuineText,
  kProductPageBanner,
  kProductPageText,
  kBatchPageBanner,
  kBatchPageText,
  kReasonMissingSignature,
  kReasonBadSignature,
  kReasonUnknownSerial,
  kReasonUnknownLot,
  kReasonVoided,
  kReasonManyScans,
  kReasonManyPlaces,
  kReasonPinUsed,
  // Product, producer, origin, certificate.
  kProduct,
  kGtin,
  kGroup,
  kStandard,
  kBrand,
  kProducer,
  kLegalForm,
  kOrigin,
  kNowPartOf,
  kOcop,
  kStars,
  kCertificateNumber,
  kValidUntil,
  kExpiredOn,
  kRevokedOn,
  kDecision,
  kValidFrom,
  kNoActiveCertificate,
  kNoCertificate,
  // Batch and journey.
  kBatch,
  kLot,
  kSerial,
  kProductionDate,
  kExpiryDate,
  kJourney,
  kVerified,
  kNotVerified,
  kRawEntries,
  kNoJourney,
  // Scans, PIN, report.
  kScans,
  kScanCount,
  kFirstScan,
  kFirstScanNow,
  kPinTitle,
  kPinHelp,
  kPinLabel,
  kPinSubmit,
  kPinFirstCheck,
  kPinAlreadyChecked,
  kPinAlreadyCheckedText,
  kPinWrong,
  kPinNotUsed,
  kPinLocked,
  kReportTitle,
  kReportHelp,
  kReportPlace,
  kReportShop,
  kReportNote,
  kReportSubmit,
  kReportThanks,
  kBackToLabel,
  // Error pages.
  kTechnicalDetail,
  kBadLinkTitle,
  kBadLinkText,
  kNotFoundTitle,
  kNotFoundText,
  kUnknownProductTitle,
  kUnknownProductText,
  kNoSuchLinkTitle,
  kNoSuchLinkText,
  kMethodNotAllowedTitle,
  kMethodNotAllowedText,
  kBadRequestTitle,
  kBadRequestText,
  kUnavailableTitle,
  kUnavailableText,
  kCount  // Not a message: the number of messages.
};

// The text of `msg` in `lang` (UTF-8, plain text: escape before use in
// HTML is not needed, the table holds no markup or user data).
std::string_view T(Msg msg, Lang lang);

// A calendar day: "10/01/2023" (vi) or "10 Jan 2023" (en).
std::string FormatDay(absl::CivilDay day, Lang lang);

// A moment in Vietnam time: "08:00 22/03/2024" (vi) or "22 Mar 2024,
// 08:00" (en).
std::string FormatTimeVn(absl::Time time, Lang lang);

// The calendar day of `time` in Vietnam (UTC+7).
absl::CivilDay DayInVietnam(absl::Time time);

// "★★★★☆" for 4 of 5 stars (clamped to 0..5).
std::string StarsText(int stars);

// A readable name for a supply-chain step: a CBV 2.0 business step short
// name ("packing" -> "Đóng gói" / "Packing"), or one of the log kinds that
// appear in a batch's history ("batch.created", "labels.issued"). Unknown
// steps are returned as given.
std::string StepLabel(std::string_view step, Lang lang);

}  // namespace ocoptrace::http

#endif  // OCOPTRACE_SERVER_HTTP_I18N_H_
