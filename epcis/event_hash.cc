#include "epcis/event_hash.h"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "core/sha256.h"
#include "epcis/json_event.h"
#include "epcis/jsonld_context.h"
#include "epcis/prehash_tree.h"

namespace ocoptrace::epcis {
namespace {

using nlohmann::json;

absl::StatusOr<std::string> PreHash(const json& event,
                                    const JsonLdContext& context,
                                    const std::vector<std::string>& ignored) {
  absl::StatusOr<Element> tree = EventTreeFromJson(event, context, ignored);
  if (!tree.ok()) return tree.status();
  return SerialiseElement(*tree);
}

std::vector<std::string> ExpandIgnoredFields(
    const JsonLdContext& context, const std::vector<std::string>& fields) {
  std::vector<std::string> expanded;
  expanded.reserve(fields.size());
  for (const std::string& field : fields) {
    expanded.push_back(context.ExpandKey(field));
  }
  return expanded;
}

bool IsIgnoreFieldsKey(std::string_view key) {
  return key == "ignoreFields" || key.ends_with(":ignoreFields");
}

// Appends the entries of `<prefix>:ignoreFields` members of `object`.
absl::Status CollectIgnoredFields(const json& object, const std::string& path,
                                  std::vector<std::string>* fields) {
  if (!object.is_object()) return absl::OkStatus();
  for (const auto& [key, value] : object.items()) {
    if (!IsIgnoreFieldsKey(key)) continue;
    const json entries = value.is_array() ? value : json::array({value});
    for (size_t i = 0; i < entries.size(); ++i) {
      if (!entries[i].is_string()) {
        return absl::InvalidArgumentError(
            absl::StrCat(path, key, "[", i,
                         "]: expected a field name such as "
                         "\"example:captureID\", got ",
                         std::string(entries[i].type_name())));
      }
      fields->push_back(entries[i].get<std::string>());
    }
  }
  return absl::OkStatus();
}

// The event list of an EPCISDocument or EPCISQueryDocument, and its JSON
// path for error messages.
absl::StatusOr<std::pair<const json*, std::string>> FindEventList(
    const json& document) {
  auto body = document.find("epcisBody");
  if (body == document.end() || !body->is_object()) {
    return absl::InvalidArgumentError(
        "epcisBody: missing; an EPCISDocument or EPCISQueryDocument holds its "
        "events in epcisBody.eventList or "
        "epcisBody.queryResults.resultsBody.eventList");
  }
  if (auto list = body->find("eventList"); list != body->end()) {
    return std::make_pair(&*list, std::string("epcisBody.eventList"));
  }
  if (auto results = body->find("queryResults");
      results != body->end() && results->is_object()) {
    auto results_body = results->find("resultsBody");
    if (results_body != results->end() && results_body->is_object()) {
      if (auto list = results_body->find("eventList");
          list != results_body->end()) {
        return std::make_pair(
            &*list,
            std::string("epcisBody.queryResults.resultsBody.eventList"));
      }
    }
  }
  if (auto event = body->find("event"); event != body->end()) {
    return std::make_pair(&*event, std::string("epcisBody.event"));
  }
  return absl::InvalidArgumentError(
      "epcisBody: has no eventList (nor queryResults.resultsBody.eventList); "
      "put the events there");
}

}  // namespace

absl::StatusOr<std::string> EventPreHashString(
    const nlohmann::json& event, const nlohmann::json& document_context,
    const PreHashOptions& options) {
  absl::StatusOr<JsonLdContext> context =
      JsonLdContext::FromJson(document_context);
  if (!context.ok()) return context.status();
  return PreHash(event, *context,
                 ExpandIgnoredFields(*context, options.ignored_fields));
}

absl::StatusOr<std::string> EventHashId(const nlohmann::json& event,
                                        const nlohmann::json& document_context,
                                        const PreHashOptions& options) {
  absl::StatusOr<std::string> pre_hash =
      EventPreHashString(event, document_context, options);
  if (!pre_hash.ok()) return pre_hash.status();
  return HashIdFromPreHash(*pre_hash);
}

std::string HashIdFromPreHash(std::string_view pre_hash) {
  return absl::StrCat("ni:///sha-256;", HashToHex(Sha256(pre_hash)),
                      "?ver=CBV2.0");
}

absl::StatusOr<std::vector<std::string>> DocumentPreHashStrings(
    const nlohmann::json& document) {
  if (!document.is_object()) {
    return absl::InvalidArgumentError(
        absl::StrCat("document: expected a JSON object, got ",
                     std::string(document.type_name())));
  }
  if (auto type = document.find("type"); type != document.end()) {
    if (*type != "EPCISDocument" && *type != "EPCISQueryDocument") {
      return absl::InvalidArgumentError(absl::StrCat(
          "type: '",
          type->is_string() ? type->get<std::string>() : type->dump(),
          "' is not a document type; use EPCISDocument or EPCISQueryDocument"));
    }
  }
  json no_context;
  auto context_member = document.find("@context");
  absl::StatusOr<JsonLdContext> context = JsonLdContext::FromJson(
      context_member == document.end() ? no_context : *context_member);
  if (!context.ok()) return context.status();

  std::vector<std::string> ignored;
  absl::Status status = CollectIgnoredFields(document, "", &ignored);
  if (!status.ok()) return status;
  if (auto body = document.find("epcisBody");
      body != document.end() && body->is_object()) {
    if (auto results = body->find("queryResults"); results != body->end()) {
      status =
          CollectIgnoredFields(*results, "epcisBody.queryResults.", &ignored);
      if (!status.ok()) return status;
    }
  }
  ignored = ExpandIgnoredFields(*context, ignored);

  absl::StatusOr<std::pair<const json*, std::string>> list =
      FindEventList(document);
  if (!list.ok()) return list.status();
  const json& events = *list->first;
  const json event_array = events.is_array() ? events : json::array({events});
  std::vector<std::string> pre_hashes;
  pre_hashes.reserve(event_array.size());
  for (size_t i = 0; i < event_array.size(); ++i) {
    absl::StatusOr<std::string> pre_hash =
        PreHash(event_array[i], *context, ignored);
    if (!pre_hash.ok()) {
      return absl::Status(pre_hash.status().code(),
                          absl::StrCat(list->second, "[", i, "].",
                                       pre_hash.status().message()));
    }
    pre_hashes.push_back(*std::move(pre_hash));
  }
  return pre_hashes;
}

absl::StatusOr<std::vector<std::string>> DocumentEventHashIds(
    const nlohmann::json& document) {
  absl::StatusOr<std::vector<std::string>> pre_hashes =
      DocumentPreHashStrings(document);
  if (!pre_hashes.ok()) return pre_hashes.status();
  std::vector<std::string> ids;
  ids.reserve(pre_hashes->size());
  for (const std::string& pre_hash : *pre_hashes) {
    ids.push_back(HashIdFromPreHash(pre_hash));
  }
  return ids;
}

}  // namespace ocoptrace::epcis
