#include "server/trace/labels.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <thread>

#include "absl/strings/str_cat.h"
#include "core/label_payload.h"
#include "server/storage/keys.h"

namespace ocoptrace::trace {
namespace {

using storage::Column;

constexpr int kSerialBits = 50;
constexpr uint64_t kSerialLimit = uint64_t{1} << kSerialBits;
// Below this many labels, signing threads cost more than they save.
constexpr size_t kMinLabelsPerThread = 64;

int SymbolValue(char c) {
  const size_t position = kSerialAlphabet.find(c);
  return position == std::string_view::npos ? -1 : static_cast<int>(position);
}

}  // namespace

// --- Serial lists ------------------------------------------------------------

size_t LabelsIssuedBodyLimit(size_t count) {
  // gtin, lot, key name (a key name is at most a few hundred bytes), count,
  // flags and the field headers.
  constexpr size_t kOtherFields = 4096;
  return count * kPackedSerialBytes + kOtherFields;
}

std::optional<uint64_t> SerialValue(std::string_view serial) {
  if (serial.size() != kSerialLength) return std::nullopt;
  uint64_t value = 0;
  for (char c : serial) {
    const int symbol = SymbolValue(c);
    if (symbol < 0) return std::nullopt;
    value = (value << 5) | static_cast<uint64_t>(symbol);
  }
  return value;
}

std::string SerialOfValue(uint64_t value) {
  std::string serial(kSerialLength, '0');
  for (size_t i = kSerialLength; i-- > 0;) {
    serial[i] = kSerialAlphabet[value & 31];
    value >>= 5;
  }
  return serial;
}

void AppendPackedSerial(std::string_view serial, std::string& packed) {
  const uint64_t value = SerialValue(serial).value_or(0);
  for (int shift = 8 * (kPackedSerialBytes - 1); shift >= 0; shift -= 8) {
    packed.push_back(static_cast<char>((value >> shift) & 0xFF));
  }
}

absl::StatusOr<std::vector<std::string>> UnpackSerials(
    std::string_view packed) {
  if (packed.size() % kPackedSerialBytes != 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "serials: ", packed.size(), " bytes is not a multiple of ",
        kPackedSerialBytes, " (each serial takes 7 big-endian bytes)"));
  }
  std::vector<std::string> serials;
  serials.reserve(packed.size() / kPackedSerialBytes);
  for (size_t offset = 0; offset < packed.size();
       offset += kPackedSerialBytes) {
    uint64_t value = 0;
    for (size_t i = 0; i < kPackedSerialBytes; ++i) {
      value = (value << 8) | static_cast<uint8_t>(packed[offset + i]);
    }
    if (value >= kSerialLimit) {
      return absl::InvalidArgumentError(
          absl::StrCat("serials: serial ", offset / kPackedSerialBytes + 1,
                       " has more than 50 bits; the top 6 of its 56 bits "
                       "must be zero"));
    }
    serials.push_back(SerialOfValue(value));
  }
  return serials;
}

// --- Bodies ------------------------------------------------------------------

absl::StatusOr<std::vector<std::string>> ValidateLabelsIssued(
    const v1::LabelsIssued& body, const ParsedSubject& subject) {
  if (subject.type != SubjectType::kBatch) {
    return absl::InvalidArgumentError(
        "labels.issued goes on a batch subject (batch/<GTIN14>/<lot>)");
  }
  if (body.gtin() != subject.id || body.lot() != subject.lot) {
    return absl::InvalidArgumentError(absl::StrCat(
        "gtin, lot: the body names batch ", body.gtin(), "/", body.lot(),
        " but the entry is on ", BatchSubject(subject.id, subject.lot)));
  }
  if (body.label_key_name().empty()) {
    return absl::InvalidArgumentError(
        "label_key_name is required: the label key that signed the labels");
  }
  if (body.count() == 0) {
    return absl::InvalidArgumentError("count: must be at least 1");
  }
  if (body.serials().size() !=
      static_cast<size_t>(body.count()) * kPackedSerialBytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "serials: ", body.serials().size(), " bytes for count ", body.count(),
        "; expected ", static_cast<size_t>(body.count()) * kPackedSerialBytes,
        " (7 bytes a serial)"));
  }
  auto serials = UnpackSerials(body.serials());
  if (!serials.ok()) return serials.status();
  // The serials sort like their values; compare the 7-byte groups.
  std::vector<std::string_view> sorted;
  sorted.reserve(serials->size());
  const std::string& packed = body.serials();
  for (size_t offset = 0; offset < packed.size();
       offset += kPackedSerialBytes) {
    sorted.push_back(
        std::string_view(packed).substr(offset, kPackedSerialBytes));
  }
  std::sort(sorted.begin(), sorted.end());
  auto repeated = std::adjacent_find(sorted.begin(), sorted.end());
  if (repeated != sorted.end()) {
    const size_t index = static_cast<size_t>(repeated->data() - packed.data()) /
                         kPackedSerialBytes;
    return absl::InvalidArgumentError(absl::StrCat(
        "serials: ", (*serials)[index], " appears more than once"));
  }
  return serials;
}

absl::Status ValidateLabelsVoided(const v1::LabelsVoided& body) {
  if (body.serials().empty()) {
    return absl::InvalidArgumentError(
        "serials: name at least one serial to void");
  }
  if (static_cast<size_t>(body.serials_size()) > kMaxVoidedSerials) {
    return absl::InvalidArgumentError(absl::StrCat(
        "serials: ", body.serials_size(), " serials; void at most ",
        kMaxVoidedSerials, " per entry (send several entries)"));
  }
  std::vector<std::string> sorted;
  sorted.reserve(body.serials_size());
  for (const std::string& serial : body.serials()) {
    if (!IsServiceSerial(serial)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "serials: '", serial,
          "' is not a label serial; serials are 10 characters of "
          "0-9 A-H J K M N P-T V-Z, as printed under the QR code"));
    }
    sorted.push_back(serial);
  }
  std::sort(sorted.begin(), sorted.end());
  auto repeated = std::adjacent_find(sorted.begin(), sorted.end());
  if (repeated != sorted.end()) {
    return absl::InvalidArgumentError(
        absl::StrCat("serials: ", *repeated, " is listed more than once"));
  }
  if (body.reason().empty()) {
    return absl::InvalidArgumentError(
        "reason is required: say why in plain words, e.g. \"mất cuộn tem\" "
        "(a lost roll) or \"in lỗi\" (misprint)");
  }
  if (body.reason().size() > kMaxVoidReasonBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("reason: ", body.reason().size(), " bytes; at most ",
                     kMaxVoidReasonBytes));
  }
  return absl::OkStatus();
}

// --- PINs --------------------------------------------------------------------

std::string GeneratePin(RandomSource& random, int digits) {
  digits = std::clamp(digits, kMinPinDigits, kMaxPinDigits);
  std::string pin;
  pin.reserve(digits);
  while (pin.size() < static_cast<size_t>(digits)) {
    uint8_t bytes[16];
    random.Fill(bytes, sizeof(bytes));
    for (uint8_t byte : bytes) {
      // 250 = 25 x 10: keep only bytes that map uniformly onto digits.
      if (byte >= 250) continue;
      pin.push_back(static_cast<char>('0' + byte % 10));
      if (pin.size() == static_cast<size_t>(digits)) break;
    }
  }
  return pin;
}

bool IsWellFormedPin(std::string_view pin) {
  if (pin.size() < kMinPinDigits || pin.size() > kMaxPinDigits) return false;
  return std::all_of(pin.begin(), pin.end(),
                     [](char c) { return c >= '0' && c <= '9'; });
}

struct PinHasher::State {
  EVP_MAC* mac = nullptr;
  EVP_MAC_CTX* keyed = nullptr;  // Initialised with the key; duplicated.
};

PinHasher::PinHasher(std::string_view key) : state_(new State) {
  state_->mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  if (state_->mac == nullptr) std::abort();
  state_->keyed = EVP_MAC_CTX_new(state_->mac);
  char digest[] = "SHA256";
  const OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
      OSSL_PARAM_construct_end()};
  // An empty key is allowed by HMAC; OpenSSL wants a non-null pointer.
  static const unsigned char kNoKey = 0;
  const unsigned char* bytes =
      key.empty() ? &kNoKey
                  : reinterpret_cast<const unsigned char*>(key.data());
  if (state_->keyed == nullptr ||
      EVP_MAC_init(state_->keyed, bytes, key.size(), params) != 1) {
    std::abort();  // Out of memory or a broken OpenSSL: nothing safe to do.
  }
}

PinHasher::~PinHasher() {
  EVP_MAC_CTX_free(state_->keyed);
  EVP_MAC_free(state_->mac);
  delete state_;
}

std::string PinHasher::Hmac(std::string_view gtin14, std::string_view serial,
                            std::string_view pin) const {
  const std::string message =
      absl::StrCat("ocoptrace/pin/v1\n", std::string(gtin14), "/",
                   std::string(serial), "\n", std::string(pin));
  EVP_MAC_CTX* context = EVP_MAC_CTX_dup(state_->keyed);
  unsigned char mac[EVP_MAX_MD_SIZE];
  size_t mac_size = 0;
  if (context == nullptr ||
      EVP_MAC_update(context,
                     reinterpret_cast<const unsigned char*>(message.data()),
                     message.size()) != 1 ||
      EVP_MAC_final(context, mac, &mac_size, sizeof(mac)) != 1) {
    std::abort();
  }
  EVP_MAC_CTX_free(context);
  return std::string(reinterpret_cast<const char*>(mac), mac_size);
}

std::string PinHmac(std::string_view key, std::string_view gtin14,
                    std::string_view serial, std::string_view pin) {
  return PinHasher(key).Hmac(gtin14, serial, pin);
}

bool SameHmac(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

// --- Issuing on several threads -------------------------------------------

absl::Status ParallelFor(
    size_t count, int threads,
    const std::function<absl::Status(size_t begin, size_t end)>& work) {
  if (threads <= 0) {
    threads =
        static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  }
  const size_t workers = std::clamp<size_t>(count / kMinLabelsPerThread, 1,
                                            static_cast<size_t>(threads));
  if (workers == 1) return work(0, count);
  const size_t share = (count + workers - 1) / workers;
  std::vector<absl::Status> results(workers);
  std::vector<std::thread> pool;
  pool.reserve(workers - 1);
  for (size_t w = 1; w < workers; ++w) {
    const size_t begin = std::min(count, w * share);
    const size_t end = std::min(count, begin + share);
    pool.emplace_back(
        [&work, &results, w, begin, end] { results[w] = work(begin, end); });
  }
  results[0] = work(0, std::min(count, share));
  for (std::thread& thread : pool) thread.join();
  for (const absl::Status& status : results) {
    if (!status.ok()) return status;
  }
  return absl::OkStatus();
}

void BlockRandom::Fill(uint8_t* out, size_t n) {
  while (n > 0) {
    if (used_ == block_.size()) {
      block_.resize(block_bytes_);
      source_.Fill(reinterpret_cast<uint8_t*>(block_.data()), block_.size());
      used_ = 0;
    }
    const size_t take = std::min(n, block_.size() - used_);
    std::memcpy(out, block_.data() + used_, take);
    used_ += take;
    out += take;
    n -= take;
  }
}

absl::StatusOr<std::vector<uint8_t>> FindIssued(
    const storage::ReadView& view, std::string_view gtin14,
    const std::vector<std::string>& serials, int threads) {
  std::vector<uint8_t> issued(serials.size(), 0);
  absl::Status status =
      ParallelFor(serials.size(), threads, [&](size_t begin, size_t end) {
        for (size_t i = begin; i < end; ++i) {
          auto found =
              view.Get(Column::kLabels, storage::LabelKey(gtin14, serials[i]));
          if (found.ok()) {
            issued[i] = 1;
          } else if (!absl::IsNotFound(found.status())) {
            return found.status();
          }
        }
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return issued;
}

std::vector<std::string> SignLabelUrls(std::string_view resolver_base,
                                       std::string_view gtin14,
                                       std::string_view lot,
                                       const std::vector<std::string>& serials,
                                       const NoteSigner& key, int threads) {
  std::vector<std::string> urls(serials.size());
  (void)ParallelFor(serials.size(), threads, [&](size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i) {
      const std::string signature =
          key.key.Sign(LabelSigningInput(gtin14, lot, serials[i]));
      urls[i] =
          FormatLabelUrl(resolver_base, gtin14, lot, serials[i], signature);
    }
    return absl::OkStatus();
  });
  return urls;
}

// --- State -------------------------------------------------------------------

absl::StatusOr<state::LabelState> ReadLabel(const storage::ReadView& view,
                                            std::string_view gtin14,
                                            std::string_view serial) {
  auto value = view.Get(Column::kLabels, storage::LabelKey(gtin14, serial));
  if (absl::IsNotFound(value.status())) {
    return absl::NotFoundError(absl::StrCat("no label ", std::string(serial),
                                            " was issued for GTIN ",
                                            std::string(gtin14)));
  }
  if (!value.ok()) return value.status();
  return DecodeRecord<state::LabelState>(*value, "label");
}

}  // namespace ocoptrace::trace
