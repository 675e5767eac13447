#include "server/ledger/records.h"

#include "absl/strings/str_cat.h"
#include "core/base64.h"
#include "server/storage/keys.h"

namespace ocoptrace::ledger {

using storage::Column;

std::string_view AsBytes(const Hash& hash) {
  return std::string_view(reinterpret_cast<const char*>(hash.data()),
                          hash.size());
}

std::string Short(const Hash& hash) {
  return Base64Encode(AsBytes(hash)).substr(0, 12) + "…";
}

std::string EncodeHead(const SubjectHead& head) {
  std::string out = storage::EncodeUint64(head.next_seq);
  out.append(AsBytes(head.last_hash));
  out.append(storage::EncodeUint64(head.last_index));
  return out;
}

absl::StatusOr<SubjectHead> DecodeHead(std::string_view value) {
  if (value.size() != 48) {
    return absl::DataLossError(
        absl::StrCat("subject head record has ", value.size(),
                     " bytes, expected 48"));
  }
  SubjectHead head;
  auto seq = storage::DecodeUint64(value.substr(0, 8));
  auto hash = HashFromBytes(value.substr(8, 32));
  auto index = storage::DecodeUint64(value.substr(40, 8));
  if (!seq.ok() || !hash.ok() || !index.ok()) {
    return absl::DataLossError("subject head record is corrupt");
  }
  head.next_seq = *seq;
  head.last_hash = *hash;
  head.last_index = *index;
  return head;
}

absl::StatusOr<SubjectHead> ReadHead(const storage::ReadView& view,
                                     std::string_view subject) {
  auto value = view.Get(Column::kSubjectHeads, storage::SubjectHeadKey(subject));
  if (absl::IsNotFound(value.status())) return SubjectHead{};
  if (!value.ok()) return value.status();
  return DecodeHead(*value);
}

}  // namespace ocoptrace::ledger
