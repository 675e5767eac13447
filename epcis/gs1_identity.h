// What a GS1 identifier in an EPCIS event names, for mapping events onto
// ocoptrace's model: a lot of a product (GTIN + lot, the batch), a labelled
// unit (GTIN + serial), a product class without lot, a logistic unit
// (SSCC), a location (GLN, AI 414), a party (GLN, AI 417) or something
// else. Accepts EPC URIs (`urn:epc:id:sgtin:...`), EPC class and pattern
// URIs (`urn:epc:class:lgtin:...`, `urn:epc:idpat:sgtin:...*`) and GS1
// Digital Link URIs on any host; and formats the Digital Link URIs that
// exported documents use (always on https://id.gs1.org).
//
// Thread-safety: pure functions, thread-safe.

#ifndef OCOPTRACE_EPCIS_GS1_IDENTITY_H_
#define OCOPTRACE_EPCIS_GS1_IDENTITY_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace ocoptrace::epcis {

struct Gs1Identity {
  enum class Kind {
    kLot,       // gtin + lot (and serial, when a unit URI names both)
    kSerial,    // gtin + serial: one labelled unit, lot unknown
    kGtinOnly,  // gtin: every unit of a product (EPC pattern URI)
    kSscc,      // sscc: a logistic unit (case, pallet)
    kLocation,  // gln (+ extension): a place (AI 414, sgln)
    kParty,     // gln: a party (AI 417, pgln)
    kOther,     // any other URI, GS1 key or not (GIAI, GRAI, GSRN, ...)
  };
  Kind kind = Kind::kOther;
  std::string gtin;  // GTIN-14
  std::string lot;
  std::string serial;
  std::string sscc;       // 18 digits
  std::string gln;        // 13 digits
  std::string extension;  // GLN extension (AI 254), "" when none
};

// Reads `uri`. Kind kOther for anything that is not one of the GS1 keys
// above (also for other URIs: that is not an error). InvalidArgument when
// `uri` claims to be a GS1 key but is malformed: a bad check digit, a lot
// or serial outside GS1 CSET 82 or too long, a broken EPC URI; the message
// says what is wrong, e.g. "AI (01) GTIN: check digit should be 1, not 2".
absl::StatusOr<Gs1Identity> ReadGs1Identity(std::string_view uri);

// https://id.gs1.org/01/<gtin14>/10/<lot, percent-encoded>
std::string LotClassUri(std::string_view gtin14, std::string_view lot);
// https://id.gs1.org/414/<gln>
std::string LocationGlnUri(std::string_view gln);
// https://id.gs1.org/417/<gln>
std::string PartyGlnUri(std::string_view gln);
// https://id.gs1.org/00/<sscc>
std::string SsccUri(std::string_view sscc);

}  // namespace ocoptrace::epcis

#endif  // OCOPTRACE_EPCIS_GS1_IDENTITY_H_
