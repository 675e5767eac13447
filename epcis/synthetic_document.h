// A synthetic, schema-valid EPCIS 2.0 document of many events, for the
// capture benchmark and load tests: lots of ten demo products (GTINs with
// the demo prefix 0893500, valid check digits) going through
// commissioning, receiving, storing and shipping, half with Digital Link
// and half with EPC URN identifiers, with GLN places and parties.
//
// Thread-safety: pure function, thread-safe.

#ifndef OCOPTRACE_EPCIS_SYNTHETIC_DOCUMENT_H_
#define OCOPTRACE_EPCIS_SYNTHETIC_DOCUMENT_H_

#include <cstddef>
#include <string>

#include "nlohmann/json.hpp"

namespace ocoptrace::epcis {

// `events` events, deterministic for a given count.
nlohmann::json SyntheticEpcisDocument(size_t events);

// The GTIN-14 of demo product `i` (0..9) in that document.
std::string SyntheticGtin(int i);

}  // namespace ocoptrace::epcis

#endif  // OCOPTRACE_EPCIS_SYNTHETIC_DOCUMENT_H_
