// Normalisation of identifiers that carry a GS1 key into the constrained,
// canonical GS1 Digital Link URI form that the CBV 2.0 event hash uses:
// `https://id.gs1.org/<primary key AI>/<value>[/<qualifier AI>/<value>]`.
//
// Accepted inputs are EPC URIs (`urn:epc:id:sgtin:...` and the other TDS
// schemes), EPC class URIs (`urn:epc:class:lgtin:...`), EPC ID pattern URIs
// whose last component is `*` (`urn:epc:idpat:sgtin:0614141.107346.*`) and
// GS1 Digital Link URIs on any host. The output is constrained: it keeps only
// the most fine-grained identification level (a serial drops the lot), drops
// the consumer product variant (AI 22), the query string and the fragment,
// maps short names (`gtin`, `ser`, ...) to numeric AIs and pads GTIN-8/12/13
// to GTIN-14.
//
// Thread-safety: pure functions, safe to call from any thread.

#ifndef OCOPTRACE_EPCIS_GS1_URI_H_
#define OCOPTRACE_EPCIS_GS1_URI_H_

#include <optional>
#include <string>
#include <string_view>

namespace ocoptrace::epcis {

// Returns the canonical GS1 Digital Link URI for `uri`, or nullopt when
// `uri` is not an EPC (class/pattern) URI or a GS1 Digital Link URI that can
// be expressed in the constrained canonical form. Callers keep the original
// text in the nullopt case: that is not an error, most values are no GS1 key.
std::optional<std::string> NormaliseGs1Uri(std::string_view uri);

// The GS1 modulo-10 check digit ('0'..'9') of an all-digit string (the data
// digits without the check digit). The digits must all be '0'..'9'.
char Gs1CheckDigit(std::string_view digits);

}  // namespace ocoptrace::epcis

#endif  // OCOPTRACE_EPCIS_GS1_URI_H_
