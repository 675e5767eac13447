// Test helpers for the EPCIS export, capture and portal tests: JSON schema
// validation through Python's jsonschema (formats checked), and a demo
// batch chain with real signed entries, inclusion proofs and a signed
// checkpoint.
//
// Thread-safety: not thread-safe; for single-threaded tests.

#ifndef OCOPTRACE_TESTS_EPCIS_EPCIS_TEST_UTIL_H_
#define OCOPTRACE_TESTS_EPCIS_EPCIS_TEST_UTIL_H_

#include <string>
#include <vector>

#include "core/signed_note.h"
#include "core/timestamp.h"
#include "epcis/capture.h"
#include "epcis/export.h"
#include "nlohmann/json.hpp"

namespace ocoptrace::epcis::testing {

// tests/data/epcis/EPCIS-JSON-Schema.json and docs/portal-export.schema.json.
std::string EpcisSchemaPath();
std::string PortalSchemaPath();
std::string EpcisExamplePath(const std::string& file_name);
nlohmann::json ReadJsonFile(const std::string& path);

struct SchemaVerdict {
  bool valid = false;
  std::string errors;  // The validator's JSON error list, for messages.
};

// Validates each document against the draft-07 schema at `schema_path`
// with /usr/bin/python3 (else python3) and tests/epcis/
// validate_json_schema.py, format checking on. Aborts the test (ADD_FAILURE
// and returns invalid verdicts) when the validator cannot run.
std::vector<SchemaVerdict> ValidateWithSchema(
    const std::string& schema_path, const std::vector<nlohmann::json>& docs);

// A GTIN-14 / GLN-13 with its check digit: `digits` without it.
std::string WithCheckDigit(const std::string& digits);

// The demo batch of "Miến dong Tài Hoan" and its chain: batch.created,
// commissioning (harvest), transforming (from an input batch), packing
// into one SSCC, shipping to a supermarket, receiving there, inspecting,
// and a labels.issued entry (not an EPCIS event). Entries are signed by
// `producer_key`, sit at scattered indices of a global log with other
// subjects' entries, carry RFC 9162 inclusion proofs and a checkpoint
// signed by `log_key`. The product has a 5-star certificate in force and
// an older revoked one.
struct DemoChain {
  NoteSigner producer_key;
  NoteSigner log_key;
  ExportInput input;
  std::string gtin;        // GTIN-14 of the product
  std::string input_gtin;  // GTIN-14 of the raw material
  std::string gln;         // Production site GLN
  std::string shop_gln;    // The supermarket's GLN (party and place)
  std::string sscc;
};
DemoChain MakeDemoChain();

// "Server 2": signs `entries` (one batch's chain, in order, as a capture
// plan lists them) with `key` into a fresh log and returns the ExportInput
// of that batch, for re-export tests.
ExportInput ExportOfPlannedEntries(const std::vector<PlannedEntry>& entries,
                                   const NoteSigner& key,
                                   const NoteSigner& log_key);

// A v1::Timestamp.
v1::Timestamp At(const std::string& rfc3339);

}  // namespace ocoptrace::epcis::testing

#endif  // OCOPTRACE_TESTS_EPCIS_EPCIS_TEST_UTIL_H_
