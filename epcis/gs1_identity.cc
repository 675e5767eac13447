#include "epcis/gs1_identity.h"

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "core/digital_link.h"
#include "epcis/gs1_uri.h"

namespace ocoptrace::epcis {
namespace {

// EPC URI schemes whose failure to convert is an error, not "other".
constexpr std::string_view kMappedEpcSchemes[] = {
    "urn:epc:id:sgtin:", "urn:epc:class:lgtin:", "urn:epc:idpat:sgtin:",
    "urn:epc:id:sscc:",  "urn:epc:id:sgln:",     "urn:epc:id:pgln:",
};

Gs1Identity FromDigitalLink(const DigitalLink& link) {
  Gs1Identity identity;
  if (link.path.empty()) return identity;
  const std::string& key = link.path.front().ai;
  const std::string& value = link.path.front().value;
  if (key == "01") {
    identity.gtin = value;
    identity.lot = link.lot();
    identity.serial = link.serial();
    if (!identity.lot.empty()) {
      identity.kind = Gs1Identity::Kind::kLot;
    } else if (!identity.serial.empty()) {
      identity.kind = Gs1Identity::Kind::kSerial;
    } else {
      identity.kind = Gs1Identity::Kind::kGtinOnly;
    }
  } else if (key == "00") {
    identity.kind = Gs1Identity::Kind::kSscc;
    identity.sscc = value;
  } else if (key == "414") {
    identity.kind = Gs1Identity::Kind::kLocation;
    identity.gln = value;
    if (const std::string* extension = link.Find("254")) {
      identity.extension = *extension;
    }
  } else if (key == "417") {
    identity.kind = Gs1Identity::Kind::kParty;
    identity.gln = value;
  }
  return identity;
}

absl::Status Malformed(std::string_view uri, std::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat("'", std::string(uri),
                   "' is not a valid GS1 identifier: ", std::string(why)));
}

}  // namespace

absl::StatusOr<Gs1Identity> ReadGs1Identity(std::string_view uri) {
  if (uri.starts_with("urn:epc:")) {
    bool mapped = false;
    for (std::string_view scheme : kMappedEpcSchemes) {
      mapped |= uri.starts_with(scheme);
    }
    std::optional<std::string> canonical = NormaliseGs1Uri(uri);
    if (!canonical.has_value()) {
      if (!mapped) return Gs1Identity{};
      return Malformed(uri,
                       "the EPC URI does not follow the GS1 EPC Tag Data "
                       "Standard (company prefix, item reference and "
                       "serial/lot separated by '.')");
    }
    absl::StatusOr<DigitalLink> link = ParseDigitalLink(*canonical);
    if (!link.ok()) {
      if (!mapped) return Gs1Identity{};
      return Malformed(uri, std::string(link.status().message()));
    }
    return FromDigitalLink(*link);
  }
  if (!uri.starts_with("http://") && !uri.starts_with("https://")) {
    return Gs1Identity{};
  }
  absl::StatusOr<DigitalLink> link = ParseDigitalLink(uri);
  if (link.ok()) return FromDigitalLink(*link);
  // Short names (/gtin/, /lot/, ...) and other lenient forms.
  std::optional<std::string> canonical = NormaliseGs1Uri(uri);
  if (!canonical.has_value()) return Gs1Identity{};
  absl::StatusOr<DigitalLink> normalised = ParseDigitalLink(*canonical);
  if (!normalised.ok())
    return Malformed(uri, std::string(link.status().message()));
  return FromDigitalLink(*normalised);
}

std::string LotClassUri(std::string_view gtin14, std::string_view lot) {
  return absl::StrCat("https://id.gs1.org/01/", std::string(gtin14), "/10/",
                      PercentEncodeDlValue(lot));
}

std::string LocationGlnUri(std::string_view gln) {
  return absl::StrCat("https://id.gs1.org/414/", std::string(gln));
}

std::string PartyGlnUri(std::string_view gln) {
  return absl::StrCat("https://id.gs1.org/417/", std::string(gln));
}

std::string SsccUri(std::string_view sscc) {
  return absl::StrCat("https://id.gs1.org/00/", std::string(sscc));
}

}  // namespace ocoptrace::epcis
