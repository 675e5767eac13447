#include "client/trust_bundle.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "core/base64.h"
#include "core/merkle.h"
#include "core/timestamp.h"
#include "ocoptrace/v1/registry.pb.h"

namespace ocoptrace::client {
namespace {

constexpr std::string_view kAuthoritySubject = "service/authority";
constexpr int32_t kVietnamOffsetMinutes = 7 * 60;

absl::Status Invalid(std::string_view field, std::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat(
      "trust bundle: ", std::string(field), ": ", std::string(problem)));
}

absl::Status Broken(std::string message) {
  return absl::DataLossError(absl::StrCat("trust bundle: ", message));
}

std::string HashBase64(const Hash& hash) {
  return Base64Encode(std::string_view(
      reinterpret_cast<const char*>(hash.data()), hash.size()));
}

nlohmann::json EntryToJson(const ProvenLogEntry& entry) {
  nlohmann::json proof = nlohmann::json::array();
  for (const Hash& hash : entry.proof) proof.push_back(HashBase64(hash));
  return {{"index", entry.index},
          {"entry", entry.entry},
          {"body", Base64Encode(entry.body)},
          {"proof", proof}};
}

absl::StatusOr<std::string> StringField(const nlohmann::json& object,
                                        std::string_view field) {
  auto it = object.find(std::string(field));
  if (it == object.end() || !it->is_string()) {
    return Invalid(field, "missing or not a string");
  }
  return it->get<std::string>();
}

absl::StatusOr<ProvenLogEntry> EntryFromJson(const nlohmann::json& object,
                                             std::string_view field) {
  if (!object.is_object()) return Invalid(field, "not an object");
  ProvenLogEntry entry;
  auto index = object.find("index");
  if (index == object.end() || !index->is_number_unsigned()) {
    return Invalid(field, "index is missing or not a number");
  }
  entry.index = index->get<uint64_t>();
  auto text = StringField(object, "entry");
  if (!text.ok()) return Invalid(field, std::string(text.status().message()));
  entry.entry = *text;
  auto body = StringField(object, "body");
  if (!body.ok()) return Invalid(field, std::string(body.status().message()));
  auto decoded = Base64Decode(*body);
  if (!decoded.ok()) return Invalid(field, "body is not canonical base64");
  entry.body = *decoded;
  auto proof = object.find("proof");
  if (proof == object.end() || !proof->is_array()) {
    return Invalid(field, "proof is missing or not an array");
  }
  for (size_t i = 0; i < proof->size(); ++i) {
    const nlohmann::json& item = (*proof)[i];
    absl::StatusOr<std::string> bytes =
        item.is_string() ? Base64Decode(item.get<std::string>())
                         : absl::StatusOr<std::string>(
                               absl::InvalidArgumentError("not a string"));
    if (!bytes.ok() || bytes->size() != 32) {
      return Invalid(
          field, absl::StrCat("proof hash ", i, " is not base64 of 32 bytes"));
    }
    entry.proof.push_back(*HashFromBytes(*bytes));
  }
  return entry;
}

absl::StatusOr<ProvenLogEntry> EntryFromProto(const v1::ProvenEntry& proven,
                                              std::string_view field) {
  if (proven.entry().entry().empty()) return Invalid(field, "missing");
  ProvenLogEntry entry;
  entry.index = proven.entry().index();
  entry.entry = proven.entry().entry();
  entry.body = proven.entry().body();
  for (int i = 0; i < proven.inclusion_proof_size(); ++i) {
    auto hash = HashFromBytes(proven.inclusion_proof(i));
    if (!hash.ok()) {
      return Invalid(field, absl::StrCat("proof hash ", i, " is not 32 bytes"));
    }
    entry.proof.push_back(*hash);
  }
  return entry;
}

// The entry opened under `signer`, included under `checkpoint`, with its
// body hash checked. `what` names it in errors.
absl::StatusOr<EntryHeader> CheckEntry(const ProvenLogEntry& proven,
                                       const Checkpoint& checkpoint,
                                       const NoteVerifier* signer,
                                       std::string_view what) {
  const std::string name(what);
  if (proven.index >= checkpoint.size) {
    return Broken(absl::StrCat(name, " entry: index ", proven.index,
                               " is beyond the checkpoint's ", checkpoint.size,
                               " entries"));
  }
  if (absl::Status included =
          VerifyInclusion(proven.index, checkpoint.size, LeafHash(proven.entry),
                          proven.proof, checkpoint.root);
      !included.ok()) {
    return Broken(
        absl::StrCat(name, " entry (log index ", proven.index,
                     ") is not proven to be in the log: ", included.message()));
  }
  auto parsed = ParseEntry(proven.entry);
  if (!parsed.ok()) {
    return Broken(absl::StrCat(
        name, " entry does not parse: ", parsed.status().message()));
  }
  if (Sha256(proven.body) != parsed->header.body_hash) {
    return Broken(absl::StrCat(name,
                               " body does not hash to the entry's body "
                               "line: it was altered"));
  }
  if (signer != nullptr) {
    if (auto opened =
            OpenNote(proven.entry, std::vector<NoteVerifier>{*signer});
        !opened.ok()) {
      return Broken(absl::StrCat(name, " entry is not signed by ", signer->name,
                                 ": ", opened.status().message()));
    }
  }
  return parsed->header;
}

absl::CivilDay DayOf(const v1::Date& date, absl::CivilDay fallback) {
  auto day = ParseDate(date.iso_date());
  return day.ok() ? *day : fallback;
}

}  // namespace

std::string DefaultTrustBundlePath(const std::string& config_directory) {
  return config_directory + "/trust-bundle.json";
}

std::string FormatTrustBundle(const TrustBundle& bundle) {
  nlohmann::json json = {
      {"format", kTrustBundleFormat},
      {"server", bundle.server},
      {"region", bundle.region},
      {"synced_at",
       FormatRfc3339(TimestampAt(bundle.synced_at, kVietnamOffsetMinutes))},
      {"checkpoint", bundle.checkpoint},
      {"authority_key", EntryToJson(bundle.authority_key)},
      {"snapshot", EntryToJson(bundle.snapshot)}};
  return json.dump(2) + "\n";
}

absl::StatusOr<TrustBundle> ParseTrustBundle(std::string_view json_text) {
  nlohmann::json json =
      nlohmann::json::parse(json_text.begin(), json_text.end(), nullptr,
                            /*allow_exceptions=*/false);
  if (json.is_discarded() || !json.is_object()) {
    return Invalid("file", "not a JSON object");
  }
  auto format = StringField(json, "format");
  if (!format.ok() || *format != kTrustBundleFormat) {
    return Invalid("format", absl::StrCat("expected \"", kTrustBundleFormat,
                                          "\"; run tracectl trust sync"));
  }
  TrustBundle bundle;
  for (auto [field, target] :
       {std::pair<const char*, std::string*>{"server", &bundle.server},
        {"region", &bundle.region},
        {"checkpoint", &bundle.checkpoint}}) {
    auto value = StringField(json, field);
    if (!value.ok()) return value.status();
    *target = *value;
  }
  auto synced = StringField(json, "synced_at");
  if (!synced.ok()) return synced.status();
  auto synced_at = ParseRfc3339(*synced);
  if (!synced_at.ok())
    return Invalid("synced_at", std::string(synced_at.status().message()));
  bundle.synced_at = ToAbslTime(*synced_at);
  for (auto [field, target] : {std::pair<const char*, ProvenLogEntry*>{
                                   "authority_key", &bundle.authority_key},
                               {"snapshot", &bundle.snapshot}}) {
    auto it = json.find(field);
    if (it == json.end()) return Invalid(field, "missing");
    auto entry = EntryFromJson(*it, field);
    if (!entry.ok()) return entry.status();
    *target = *std::move(entry);
  }
  return bundle;
}

absl::StatusOr<TrustBundle> BundleFromResponse(
    const v1::GetTrustSnapshotResponse& response, std::string server,
    std::string region, absl::Time synced_at) {
  TrustBundle bundle;
  bundle.server = std::move(server);
  bundle.region = std::move(region);
  bundle.synced_at = synced_at;
  if (response.checkpoint().empty()) return Invalid("checkpoint", "missing");
  bundle.checkpoint = response.checkpoint();
  auto authority = EntryFromProto(response.authority_key(), "authority_key");
  if (!authority.ok()) return authority.status();
  bundle.authority_key = *std::move(authority);
  auto snapshot = EntryFromProto(response.snapshot(), "snapshot");
  if (!snapshot.ok()) return snapshot.status();
  bundle.snapshot = *std::move(snapshot);
  return bundle;
}

absl::StatusOr<VerifiedTrust> VerifyTrustBundle(const TrustBundle& bundle,
                                                const NoteVerifier& log_key) {
  VerifiedTrust trust;
  auto checkpoint = OpenCheckpoint(bundle.checkpoint, log_key);
  if (!checkpoint.ok()) {
    return Broken(
        absl::StrCat("the checkpoint is not signed by the pinned log key ",
                     log_key.name, ": ", checkpoint.status().message(),
                     " (a forged bundle, or a bundle from another log)"));
  }
  trust.checkpoint = *checkpoint;
  // The authority key: self-signed key.added, the first entry of its chain.
  auto authority_header = CheckEntry(bundle.authority_key, trust.checkpoint,
                                     nullptr, "authority key");
  if (!authority_header.ok()) return authority_header.status();
  if (authority_header->kind != "key.added" ||
      authority_header->subject != kAuthoritySubject ||
      authority_header->seq != 0) {
    return Broken(
        absl::StrCat("authority key entry is ", authority_header->kind, " seq ",
                     authority_header->seq, " on ", authority_header->subject,
                     ", not key.added seq 0 on service/authority"));
  }
  v1::KeyRecord key_record;
  if (!key_record.ParseFromString(bundle.authority_key.body) ||
      key_record.role() != v1::KEY_ROLE_AUTHORITY) {
    return Broken(
        "authority key entry's body is not a KeyRecord of role "
        "authority");
  }
  auto authority = ParseVkey(key_record.vkey());
  if (!authority.ok()) {
    return Broken(
        absl::StrCat("authority key: ", authority.status().message()));
  }
  trust.authority = *authority;
  if (auto opened = OpenNote(bundle.authority_key.entry,
                             std::vector<NoteVerifier>{trust.authority});
      !opened.ok()) {
    return Broken(
        absl::StrCat("authority key entry is not signed by the key "
                     "it adds: ",
                     opened.status().message()));
  }
  auto snapshot_header = CheckEntry(bundle.snapshot, trust.checkpoint,
                                    &trust.authority, "snapshot");
  if (!snapshot_header.ok()) return snapshot_header.status();
  if (snapshot_header->kind != "trust.snapshot" ||
      snapshot_header->subject != kAuthoritySubject) {
    return Broken(absl::StrCat("snapshot entry is ", snapshot_header->kind,
                               " on ", snapshot_header->subject,
                               ", not trust.snapshot on service/authority"));
  }
  trust.snapshot_header = *snapshot_header;
  if (!trust.snapshot.ParseFromString(bundle.snapshot.body)) {
    return Broken("snapshot body is not a TrustSnapshot");
  }
  if (trust.snapshot.region() != bundle.region) {
    return Broken(absl::StrCat("snapshot is of region '",
                               trust.snapshot.region(), "', the bundle says '",
                               bundle.region, "'"));
  }
  trust.region = bundle.region;
  trust.synced_at = bundle.synced_at;
  return trust;
}

std::string_view VerdictWord(Verdict verdict) {
  switch (verdict) {
    case Verdict::kGenuine:
      return "genuine";
    case Verdict::kSuspicious:
      return "suspicious";
    case Verdict::kNotGenuine:
      return "not genuine";
  }
  return "?";
}

std::string_view VerdictWordVi(Verdict verdict) {
  switch (verdict) {
    case Verdict::kGenuine:
      return "Tem thật";
    case Verdict::kSuspicious:
      return "Đáng ngờ";
    case Verdict::kNotGenuine:
      return "Không phải tem thật";
  }
  return "?";
}

void LabelJudgement::Add(Reason reason) {
  verdict = std::max(verdict, reason.effect);
  reasons.push_back(std::move(reason));
}

std::string AgeInWords(absl::Duration age) {
  if (age < absl::Minutes(1)) return "just now";
  if (age < absl::Hours(1)) {
    return absl::StrCat(absl::ToInt64Minutes(age), " minutes ago");
  }
  if (age < absl::Hours(48)) {
    return absl::StrCat(absl::ToInt64Hours(age), " hours ago");
  }
  return absl::StrCat(absl::ToInt64Hours(age) / 24, " days ago");
}

std::string AgeInWordsVi(absl::Duration age) {
  if (age < absl::Minutes(1)) return "vừa xong";
  if (age < absl::Hours(1)) {
    return absl::StrCat(absl::ToInt64Minutes(age), " phút trước");
  }
  if (age < absl::Hours(48)) {
    return absl::StrCat(absl::ToInt64Hours(age), " giờ trước");
  }
  return absl::StrCat(absl::ToInt64Hours(age) / 24, " ngày trước");
}

namespace {

void JudgeCertificates(const VerifiedTrust& trust, absl::CivilDay today,
                       LabelJudgement& judgement) {
  const std::string& gtin = judgement.claim->gtin14;
  const v1::SnapshotProduct* product = nullptr;
  for (const v1::SnapshotProduct& p : trust.snapshot.products()) {
    if (p.gtin() == gtin) product = &p;
  }
  if (product == nullptr) {
    if (!trust.region.empty()) {
      judgement.Add(
          {"outside_region", Verdict::kGenuine, false,
           absl::StrCat("product ", gtin, " is not in this bundle's region (",
                        trust.region,
                        "): its OCOP certificate was not checked "
                        "offline"),
           absl::StrCat("sản phẩm ", gtin,
                        " không thuộc địa bàn của gói tin cậy (", trust.region,
                        "): chưa kiểm tra giấy chứng nhận OCOP")});
    } else {
      judgement.Add(
          {"unknown_product", Verdict::kSuspicious, false,
           absl::StrCat("GTIN ", gtin, " is not a registered product"),
           absl::StrCat("GTIN ", gtin, " không phải sản phẩm đã đăng ký")});
    }
    return;
  }
  judgement.product_name = product->name();
  for (const v1::SnapshotProducer& producer : trust.snapshot.producers()) {
    if (producer.id() == product->producer_id()) {
      judgement.producer_name = producer.name();
    }
  }
  std::vector<const v1::SnapshotCertificate*> covering;
  for (const v1::SnapshotCertificate& certificate :
       trust.snapshot.certificates()) {
    if (std::find(certificate.products().begin(), certificate.products().end(),
                  gtin) != certificate.products().end()) {
      covering.push_back(&certificate);
    }
  }
  if (covering.empty()) {
    judgement.Add({"no_certificate", Verdict::kSuspicious, false,
                   absl::StrCat("no OCOP certificate covers ", product->name(),
                                " (", gtin, ")"),
                   absl::StrCat("không có giấy chứng nhận OCOP nào cho ",
                                product->name(), " (", gtin, ")")});
    return;
  }
  // Valid today: in its validity window and not revoked by then.
  const v1::SnapshotCertificate* best_invalid = nullptr;
  for (const v1::SnapshotCertificate* certificate : covering) {
    const absl::CivilDay from = DayOf(certificate->valid_from(), today);
    const absl::CivilDay until = DayOf(certificate->valid_until(), today);
    const bool revoked =
        certificate->has_revocation() &&
        DayOf(certificate->revocation().effective_from(), today) <= today;
    if (!revoked && from <= today && today <= until) {
      if (certificate->stars() > judgement.stars) {
        judgement.stars = certificate->stars();
        judgement.certificate = certificate->number();
      }
    } else if (best_invalid == nullptr ||
               certificate->valid_until().iso_date() >
                   best_invalid->valid_until().iso_date()) {
      best_invalid = certificate;
    }
  }
  if (judgement.stars > 0) {
    judgement.Add(
        {"certificate", Verdict::kGenuine, true,
         absl::StrCat("OCOP ", judgement.stars, "★ certificate ",
                      judgement.certificate, " is valid today"),
         absl::StrCat("giấy chứng nhận OCOP ", judgement.stars, "★ ",
                      judgement.certificate, " còn hiệu lực hôm nay")});
    return;
  }
  const v1::SnapshotCertificate& certificate = *best_invalid;
  if (certificate.has_revocation()) {
    const v1::CertificateRevocation& revocation = certificate.revocation();
    judgement.Add(
        {"certificate_revoked", Verdict::kSuspicious, false,
         absl::StrCat("OCOP certificate ", certificate.number(),
                      " was revoked from ",
                      revocation.effective_from().iso_date(), " by decision ",
                      revocation.decision_number(), ": ", revocation.reason()),
         absl::StrCat("giấy chứng nhận OCOP ", certificate.number(),
                      " đã bị thu hồi từ ngày ",
                      revocation.effective_from().iso_date(),
                      " theo quyết định ", revocation.decision_number(), ": ",
                      revocation.reason())});
  } else if (DayOf(certificate.valid_from(), today) > today) {
    judgement.Add({"certificate_not_yet_valid", Verdict::kSuspicious, false,
                   absl::StrCat("OCOP certificate ", certificate.number(),
                                " is valid only from ",
                                certificate.valid_from().iso_date()),
                   absl::StrCat("giấy chứng nhận OCOP ", certificate.number(),
                                " chỉ có hiệu lực từ ngày ",
                                certificate.valid_from().iso_date())});
  } else {
    judgement.Add(
        {"certificate_expired", Verdict::kSuspicious, false,
         absl::StrCat("OCOP certificate ", certificate.number(),
                      " expired after ", certificate.valid_until().iso_date()),
         absl::StrCat("giấy chứng nhận OCOP ", certificate.number(),
                      " đã hết hạn sau ngày ",
                      certificate.valid_until().iso_date())});
  }
}

}  // namespace

LabelJudgement JudgeLabel(std::string_view url, const VerifiedTrust& trust,
                          absl::Time now) {
  LabelJudgement judgement;
  auto claim = ParseLabelUrl(url);
  if (!claim.ok()) {
    judgement.Add(
        {"syntax", Verdict::kNotGenuine, false,
         absl::StrCat("not an ocoptrace label URL: ", claim.status().message()),
         absl::StrCat("không phải đường dẫn tem ocoptrace: ",
                      claim.status().message())});
    return judgement;
  }
  judgement.claim = *claim;
  judgement.Add({"syntax", Verdict::kGenuine, true,
                 "Digital Link syntax and GTIN check digit are valid",
                 "cú pháp Digital Link và số kiểm tra GTIN hợp lệ"});
  // Every label key of the snapshot, revoked ones too (to say so).
  std::vector<Ed25519PublicKey> keys;
  std::vector<const v1::SnapshotKey*> key_records;
  std::vector<std::string> names;
  for (const v1::SnapshotKey& key : trust.snapshot.keys()) {
    if (key.role() != v1::KEY_ROLE_LABEL) continue;
    auto verifier = ParseVkey(key.vkey());
    if (!verifier.ok()) continue;
    keys.push_back(verifier->key);
    key_records.push_back(&key);
    names.push_back(verifier->name);
  }
  const int signer = VerifyLabelSignature(*claim, keys);
  if (signer < 0) {
    judgement.Add(
        {"signature", Verdict::kNotGenuine, false,
         absl::StrCat("the signature verifies under none of the ", keys.size(),
                      " published label keys: signed by an unknown key, or "
                      "the label was altered"),
         absl::StrCat("chữ ký không khớp với khóa tem nào trong ", keys.size(),
                      " khóa đã công bố: khóa lạ hoặc tem đã bị sửa")});
    return judgement;
  }
  judgement.label_key = names[signer];
  if (key_records[signer]->revoked()) {
    judgement.Add(
        {"label_key_revoked", Verdict::kNotGenuine, false,
         absl::StrCat(
             "signed by label key ", names[signer],
             ", which was revoked: ", key_records[signer]->revocation_reason()),
         absl::StrCat("ký bằng khóa tem ", names[signer], " đã bị thu hồi: ",
                      key_records[signer]->revocation_reason())});
    return judgement;
  }
  judgement.Add(
      {"signature", Verdict::kGenuine, true,
       absl::StrCat("signed by the service's label key ", names[signer]),
       absl::StrCat("chữ ký hợp lệ của khóa tem ", names[signer])});
  for (const v1::SnapshotVoidedLabel& voided : trust.snapshot.voided_labels()) {
    if (voided.gtin() == claim->gtin14 && voided.serial() == claim->serial) {
      judgement.Add(
          {"voided", Verdict::kNotGenuine, false,
           absl::StrCat("label ", claim->serial,
                        " was voided by its producer: ", voided.reason()),
           absl::StrCat("tem ", claim->serial,
                        " đã bị nhà sản xuất hủy: ", voided.reason())});
      return judgement;
    }
  }
  const absl::CivilDay today =
      absl::ToCivilDay(now, absl::FixedTimeZone(kVietnamOffsetMinutes * 60));
  JudgeCertificates(trust, today, judgement);
  const absl::Duration age = now - trust.synced_at;
  judgement.Add({"bundle_age", Verdict::kGenuine, false,
                 absl::StrCat("offline check against the trust bundle from ",
                              AgeInWords(age), " (snapshot signed ",
                              FormatRfc3339(trust.snapshot_header.time),
                              ", log size ", trust.checkpoint.size, ")"),
                 absl::StrCat("kiểm tra ngoại tuyến với gói tin cậy ",
                              AgeInWordsVi(age))});
  return judgement;
}

nlohmann::json JudgementToJson(const LabelJudgement& judgement) {
  nlohmann::json reasons = nlohmann::json::array();
  for (const Reason& reason : judgement.reasons) {
    reasons.push_back({{"code", reason.code},
                       {"effect", VerdictWord(reason.effect)},
                       {"passed", reason.passed},
                       {"en", reason.en},
                       {"vi", reason.vi}});
  }
  nlohmann::json json = {{"verdict", VerdictWord(judgement.verdict)},
                         {"verdict_vi", VerdictWordVi(judgement.verdict)},
                         {"reasons", reasons}};
  if (judgement.claim) {
    json["gtin"] = judgement.claim->gtin14;
    json["lot"] = judgement.claim->lot;
    json["serial"] = judgement.claim->serial;
  }
  json["label_key"] = judgement.label_key;
  json["product"] = judgement.product_name;
  json["producer"] = judgement.producer_name;
  json["stars"] = judgement.stars;
  json["certificate"] = judgement.certificate;
  return json;
}

absl::StatusOr<std::vector<std::string>> UnpackIssuedSerials(
    std::string_view packed) {
  constexpr size_t kBytes = 7;
  if (packed.size() % kBytes != 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "serials: ", packed.size(), " bytes is not a multiple of 7"));
  }
  std::vector<std::string> serials;
  for (size_t offset = 0; offset < packed.size(); offset += kBytes) {
    uint64_t value = 0;
    for (size_t i = 0; i < kBytes; ++i) {
      value = (value << 8) | static_cast<uint8_t>(packed[offset + i]);
    }
    if (value >> 50 != 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          "serials: value ", offset / kBytes, " has its top 6 bits set"));
    }
    std::string serial(kSerialLength, '0');
    for (size_t i = 0; i < kSerialLength; ++i) {
      serial[kSerialLength - 1 - i] = kSerialAlphabet[value & 31];
      value >>= 5;
    }
    serials.push_back(std::move(serial));
  }
  return serials;
}

}  // namespace ocoptrace::client
