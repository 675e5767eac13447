#include "server/http/resolver.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"
#include "server/http/html.h"
#include "server/http/i18n.h"
#include "server/http/negotiation.h"
#include "server/http/query.h"

namespace ocoptrace::http {

struct Resolver::Level {
  size_t depth = 0;  // Number of path AIs that identify this level.
  uint8_t kind = kProductLevel;
};

struct Resolver::Candidate {
  const LinkTypeDef* def = nullptr;
  std::string href;  // Path-absolute (this server) or absolute URL.
  std::string title;
  std::string lang;  // "" for a language-neutral link.
};

namespace {

using Json = nlohmann::ordered_json;

constexpr std::string_view kAllowedMethods = "GET, HEAD, OPTIONS";
constexpr std::string_view kVary = "Accept, Accept-Language";

// GS1 primary keys as Digital Link path AIs. Only 01 is resolved here; the
// others are recognised so that a request for them gets a clear 404.
constexpr std::string_view kPrimaryKeyAis[] = {
    "00",   "01",   "253",  "255",  "401",  "402",  "414", "417",
    "8003", "8004", "8006", "8010", "8013", "8017", "8018"};

void AddCors(Response& response) {
  response.AddHeader("Access-Control-Allow-Origin", "*");
  response.AddHeader("Access-Control-Allow-Methods",
                     std::string(kAllowedMethods));
  response.AddHeader("Access-Control-Allow-Headers",
                     "Accept, Accept-Language, Content-Type");
  response.AddHeader("Access-Control-Expose-Headers",
                     "Link, Location, Content-Type, Vary");
}

Response ErrorPage(int status, Msg title, Msg text, std::string detail,
                   Lang lang) {
  Response response =
      RenderMessagePage({status, title, text, std::move(detail)}, lang);
  AddCors(response);
  response.AddHeader("Vary", std::string(kVary));
  return response;
}

// `href` with `query` added before any fragment.
std::string AddQuery(std::string_view href, std::string_view query) {
  if (query.empty()) return std::string(href);
  size_t hash = href.find('#');
  std::string_view base = href.substr(0, hash);
  std::string_view fragment =
      hash == std::string_view::npos ? std::string_view() : href.substr(hash);
  return absl::StrCat(std::string(base),
                      base.find('?') == std::string_view::npos ? "?" : "&",
                      std::string(query), std::string(fragment));
}

std::string ReplacePage(std::string_view templ, std::string_view page) {
  constexpr std::string_view kPlaceholder = "{page}";
  size_t at = templ.find(kPlaceholder);
  if (at == std::string_view::npos) return std::string(templ);
  return absl::StrCat(std::string(templ.substr(0, at)), std::string(page),
                      std::string(templ.substr(at + kPlaceholder.size())));
}

DigitalLink Truncated(const DigitalLink& link, size_t depth) {
  DigitalLink sub;
  sub.path.assign(link.path.begin(), link.path.begin() + depth);
  return sub;
}

std::string ItemDescription(const DigitalLink& link, size_t depth,
                            std::string name, Lang lang) {
  if (name.empty()) name = absl::StrCat("GTIN ", link.gtin());
  for (size_t i = 1; i < depth; ++i) {
    const AiValue& ai = link.path[i];
    if (ai.ai == "10") {
      absl::StrAppend(&name, lang == Lang::kEn ? ", lot " : ", lô ", ai.value);
    } else if (ai.ai == "21") {
      absl::StrAppend(&name, lang == Lang::kEn ? ", serial " : ", sê-ri ",
                      ai.value);
    } else {
      absl::StrAppend(&name, ", (", ai.ai, ") ", ai.value);
    }
  }
  return name;
}

}  // namespace

// The link the request's Accept and Accept-Language headers prefer among
// `candidates` (all of one link type).
const Resolver::Candidate* Resolver::SelectLink(
    const std::vector<Candidate>& candidates, std::string_view accept,
    std::string_view accept_language, std::string_view lang_param) {
  if (candidates.empty()) return nullptr;
  std::vector<const Candidate*> pool;
  // Media type: only when the client states a preference.
  std::vector<std::string_view> types;
  for (const auto& c : candidates) types.push_back(c.def->media_type);
  int chosen_type = accept.empty() ? -1 : PreferredMediaType(accept, types);
  for (const auto& c : candidates) {
    if (chosen_type < 0 || c.def->media_type == types[chosen_type]) {
      pool.push_back(&c);
    }
  }
  if (pool.empty()) return &candidates.front();
  const Lang lang = ChooseLanguage(lang_param, accept_language);
  for (const auto* c : pool) {
    if (c->lang == LangCode(lang)) return c;
  }
  return pool.front();
}

Resolver::Resolver(const ResolverData* data, ResolverOptions options)
    : data_(data), options_(std::move(options)) {}

bool Resolver::LooksLikeDigitalLink(std::string_view path) {
  while (!path.empty()) {
    size_t slash = path.find('/', 1);
    std::string_view segment =
        path.substr(1, slash == std::string_view::npos ? std::string_view::npos
                                                       : slash - 1);
    for (std::string_view ai : kPrimaryKeyAis) {
      if (segment == ai) return true;
    }
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash);
  }
  return false;
}

std::string Resolver::PagePath(const DigitalLink& link, size_t depth) const {
  std::string path = options_.page_prefix;
  for (size_t i = 0; i < depth && i < link.path.size(); ++i) {
    absl::StrAppend(&path, "/", link.path[i].ai, "/",
                    PercentEncodeDlValue(link.path[i].value));
  }
  return path;
}

std::vector<Resolver::Level> Resolver::KnownLevels(
    const DigitalLink& link, size_t* first_unknown) const {
  std::vector<Level> levels;
  const std::string gtin = link.gtin();
  const std::string lot = link.lot();
  for (size_t i = 0; i < link.path.size(); ++i) {
    const AiValue& ai = link.path[i];
    Level level{i + 1, kProductLevel};
    bool exists = false;
    if (ai.ai == "01") {
      exists = data_->ProductExists(gtin);
    } else if (ai.ai == "22") {
      // Variants are not tracked: a variant of a known product is the
      // product.
      exists = true;
    } else if (ai.ai == "10") {
      level.kind = kBatchLevel;
      exists = data_->BatchExists(gtin, ai.value);
    } else if (ai.ai == "21") {
      level.kind = kLabelLevel;
      std::optional<std::string> label_lot = data_->LabelLot(gtin, ai.value);
      exists = label_lot.has_value() && (lot.empty() || *label_lot == lot);
    }
    if (!exists) {
      *first_unknown = i;
      return levels;
    }
    levels.push_back(level);
  }
  *first_unknown = link.path.size();
  return levels;
}

std::vector<Resolver::Candidate> Resolver::LinksAt(const DigitalLink& link,
                                                   const Level& level) const {
  std::vector<Candidate> out;
  const std::string page = PagePath(link, level.depth);
  bool certified_known = false;
  bool certified = false;
  for (const LinkTypeDef& def : options_.link_types) {
    if ((def.levels & level.kind) == 0) continue;
    if (def.requires_certificates) {
      if (!certified_known) {
        certified = data_->HasCertificates(link.gtin());
        certified_known = true;
      }
      if (!certified) continue;
    }
    std::string href = ReplacePage(def.href_template, page);
    if (def.per_language) {
      out.push_back({&def, href, def.title_vi, "vi"});
      out.push_back({&def, AddQuery(href, "lang=en"), def.title_en, "en"});
    } else {
      out.push_back({&def, std::move(href), def.title_vi, ""});
    }
  }
  return out;
}

Response Resolver::Linkset(const DigitalLink& link,
                           const std::vector<Level>& levels,
                           std::string_view content_type,
                           std::string_view accept_language) const {
  const Lang lang = ChooseLanguage(
      link.FindParam("lang") ? *link.FindParam("lang") : "", accept_language);
  const std::string name = data_->ProductName(link.gtin());
  auto absolute = [&](const std::string& href) {
    return href.starts_with("/") ? absl::StrCat(options_.public_base, href)
                                 : href;
  };
  Json linkset = Json::array();
  // The most specific level first: it carries the one default link.
  for (size_t k = levels.size(); k-- > 0;) {
    const Level& level = levels[k];
    Json item = Json::object();
    item["anchor"] = CanonicalGs1Uri(Truncated(link, level.depth));
    item["itemDescription"] = ItemDescription(link, level.depth, name, lang);
    const Candidate* default_link = nullptr;
    std::vector<Candidate> links = LinksAt(link, level);
    for (const Candidate& c : links) {
      Json entry = Json::object();
      entry["href"] = absolute(c.href);
      const bool english = c.lang.empty() ? lang == Lang::kEn : c.lang == "en";
      entry["title"] = english ? c.def->title_en : c.def->title_vi;
      entry["type"] = c.def->media_type;
      if (!c.lang.empty()) entry["hreflang"] = Json::array({c.lang});
      item[LinkTypeUri(c.def->term)].push_back(std::move(entry));
      if (k + 1 == levels.size() && default_link == nullptr &&
          c.def->term == options_.default_link_type && c.lang != "en") {
        default_link = &c;
      }
    }
    if (default_link != nullptr) {
      // The default link has no optional attributes (resolver standard).
      Json entry = Json::object();
      entry["href"] = absolute(default_link->href);
      entry["title"] = lang == Lang::kEn ? default_link->def->title_en
                                         : default_link->def->title_vi;
      item[LinkTypeUri("defaultLink")].push_back(std::move(entry));
    }
    linkset.push_back(std::move(item));
  }
  Json body = Json::object();
  body["linkset"] = std::move(linkset);

  Response response;
  response.status = 200;
  response.content_type = std::string(content_type);
  response.body = body.dump(-1, ' ', false, Json::error_handler_t::replace);
  AddCors(response);
  response.AddHeader("Vary", std::string(kVary));
  response.AddHeader("Cache-Control", "no-cache");
  response.AddHeader(
      "Link", absl::StrCat("<", std::string(kLinksetContextUrl),
                           ">; rel=\"http://www.w3.org/ns/json-ld#context\"; "
                           "type=\"application/ld+json\", <",
                           CanonicalGs1Uri(Truncated(link, link.path.size())),
                           ">; rel=\"owl:sameAs\""));
  return response;
}

Response Resolver::Resolve(const Request& request) const {
  const QueryParams params = ParseQuery(request.query, 16);
  const std::string* lang_param = FindParam(params, "lang");
  const Lang lang = ChooseLanguage(lang_param ? *lang_param : "",
                                   request.Header("accept-language"));
  std::string_view path = request.path;
  // The resolver standard asks to tolerate one trailing slash.
  if (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  if (!LooksLikeDigitalLink(path)) {
    return ErrorPage(404, Msg::kNotFoundTitle, Msg::kNotFoundText, "", lang);
  }
  if (request.method == "OPTIONS") {
    Response response;
    response.status = 204;
    response.AddHeader("Allow", std::string(kAllowedMethods));
    AddCors(response);
    response.AddHeader("Access-Control-Max-Age", "86400");
    return response;
  }
  if (request.method != "GET" && request.method != "HEAD") {
    Response response = ErrorPage(405, Msg::kMethodNotAllowedTitle,
                                  Msg::kMethodNotAllowedText, "", lang);
    response.AddHeader("Allow", std::string(kAllowedMethods));
    return response;
  }
  absl::StatusOr<DigitalLink> parsed =
      ParseDigitalLinkPath(path, request.query);
  if (!parsed.ok()) {
    return ErrorPage(400, Msg::kBadLinkTitle, Msg::kBadLinkText,
                     std::string(parsed.status().message()), lang);
  }
  const DigitalLink& link = *parsed;
  if (link.path.front().ai != "01") {
    return ErrorPage(
        404, Msg::kNotFoundTitle, Msg::kNotFoundText,
        absl::StrCat("this resolver resolves GTINs (AI 01) only, not AI ",
                     link.path.front().ai),
        lang);
  }
  size_t first_unknown = 0;
  const std::vector<Level> levels = KnownLevels(link, &first_unknown);
  if (levels.empty()) {
    return ErrorPage(404, Msg::kUnknownProductTitle, Msg::kUnknownProductText,
                     absl::StrCat("GTIN ", link.gtin(), " is not registered"),
                     lang);
  }

  const std::string* link_type = link.FindParam("linkType");
  std::string term;
  if (link_type != nullptr) {
    if (*link_type == "linkset" || *link_type == "all") {
      return Linkset(link, levels, "application/linkset+json",
                     request.Header("accept-language"));
    }
    term = LinkTypeTerm(*link_type);
    if (term.empty()) {
      return ErrorPage(404, Msg::kNoSuchLinkTitle, Msg::kNoSuchLinkText,
                       absl::StrCat("linkType '", *link_type,
                                    "' is not a link type of the GS1 Web "
                                    "Vocabulary (use e.g. gs1:pip)"),
                       lang);
    }
    if (term == "defaultLink") term.clear();
  } else {
    static const std::vector<std::string_view> kOffers = {
        "text/html", "application/linkset+json", "application/json"};
    int media = PreferredMediaType(request.Header("accept"), kOffers);
    if (media == 1 || media == 2) {
      return Linkset(link, levels, kOffers[media],
                     request.Header("accept-language"));
    }
  }

  // The link to redirect to: the requested type at the most specific level
  // that has it, or the default link of the most specific known level.
  const std::string wanted = term.empty() ? options_.default_link_type : term;
  std::string location;
  for (size_t k = levels.size(); k-- > 0 && location.empty();) {
    std::vector<Candidate> candidates;
    for (Candidate& c : LinksAt(link, levels[k])) {
      if (c.def->term == wanted) candidates.push_back(std::move(c));
    }
    if (candidates.empty()) continue;
    const Candidate* chosen;
    if (term.empty()) {
      chosen = &candidates.front();  // The default link: no negotiation.
    } else {
      chosen = SelectLink(candidates, request.Header("accept"),
                          request.Header("accept-language"),
                          lang_param ? *lang_param : "");
    }
    location = chosen->href;
  }
  if (location.empty()) {
    return ErrorPage(
        404, Msg::kNoSuchLinkTitle, Msg::kNoSuchLinkText,
        absl::StrCat("no link of type gs1:", wanted, " for this item"), lang);
  }
  // Pass the query on; after a walk-up, say what was not found.
  std::string query(request.query);
  if (term.empty() && first_unknown < link.path.size()) {
    const AiValue& unknown = link.path[first_unknown];
    const char* flag = unknown.ai == "10"   ? "unknown_lot="
                       : unknown.ai == "21" ? "unknown_serial="
                                            : nullptr;
    if (flag != nullptr) {
      query = JoinQuery(
          query, absl::StrCat(flag, EncodeQueryComponent(unknown.value)));
    }
  }
  Response response;
  response.status = 307;
  response.content_type = "text/html; charset=utf-8";
  const std::string target = AddQuery(location, query);
  response.AddHeader("Location", target);
  response.body = absl::StrCat("<!doctype html><a href=\"", HtmlEscape(target),
                               "\">", HtmlEscape(target), "</a>\n");
  AddCors(response);
  response.AddHeader("Vary", std::string(kVary));
  response.AddHeader("Cache-Control", "no-store");
  DigitalLink canonical = Truncated(link, link.path.size());
  response.AddHeader(
      "Link",
      absl::StrCat("<", FormatDigitalLink(canonical),
                   "?linkType=linkset>; rel=\"linkset\"; "
                   "type=\"application/linkset+json\", <",
                   CanonicalGs1Uri(canonical), ">; rel=\"owl:sameAs\""));
  return response;
}

Response Resolver::DescriptionFile() const {
  Json body = Json::object();
  body["name"] = options_.name;
  body["resolverRoot"] = options_.public_base;
  body["supportedPrimaryKeys"] = Json::array({"01"});
  body["supportedLinkType"] =
      Json::array({Json{{"namespace", std::string(kGs1VocabularyNamespace)},
                        {"prefix", "gs1:"}}});
  body["linkTypeDefaultCanBeLinkset"] = false;
  body["supportedContextValuesEnumerated"] = Json::array();
  body["jsonLdContextLocation"] = std::string(kLinksetContextUrl);
  body["supportsLanguageVariants"] = true;
  body["supportsSemanticInterpretation"] = false;
  body["validatesAIcombinations"] = true;
  Json active = Json::object();
  for (Lang lang : {Lang::kVi, Lang::kEn}) {
    Json types = Json::object();
    for (const LinkTypeDef& def : options_.link_types) {
      const std::string curie = absl::StrCat("gs1:", def.term);
      if (types.contains(curie)) continue;
      types[curie] =
          Json{{"title", lang == Lang::kEn ? def.title_en : def.title_vi},
               {"url", LinkTypeUri(def.term)}};
    }
    active[std::string(LangCode(lang))] = std::move(types);
  }
  body["activeLinkTypes"] = std::move(active);

  Response response;
  response.content_type = "application/json";
  response.body = body.dump(2, ' ', false, Json::error_handler_t::replace);
  AddCors(response);
  response.AddHeader("Cache-Control", "public, max-age=3600");
  return response;
}

}  // namespace ocoptrace::http
