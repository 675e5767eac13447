#include "server/http/router.h"

#include <algorithm>
#include <utility>

#include "server/http/html.h"
#include "server/http/i18n.h"

namespace ocoptrace::http {
namespace {

std::string AllowHeader(const std::map<std::string, Handler, std::less<>>& m) {
  std::string allow;
  bool has_get = m.count("GET") > 0;
  for (const auto& [method, handler] : m) {
    if (!allow.empty()) allow += ", ";
    allow += method;
  }
  if (has_get && m.count("HEAD") == 0) allow += ", HEAD";
  if (m.count("OPTIONS") == 0) allow += ", OPTIONS";
  return allow;
}

Lang RequestLang(const Request& request) {
  return ChooseLanguage("", request.Header("accept-language"));
}

}  // namespace

void Router::Add(std::string_view method, std::string path, Handler handler) {
  Route& route = exact_[path];
  route.path = std::move(path);
  route.methods[std::string(method)] = std::move(handler);
}

void Router::AddPrefix(std::string_view method, std::string prefix,
                       Handler handler) {
  auto it = std::find_if(prefixes_.begin(), prefixes_.end(),
                         [&](const Route& r) { return r.path == prefix; });
  if (it == prefixes_.end()) {
    prefixes_.push_back(Route{std::move(prefix), {}});
    it = prefixes_.end() - 1;
  }
  it->methods[std::string(method)] = std::move(handler);
  std::stable_sort(prefixes_.begin(), prefixes_.end(),
                   [](const Route& a, const Route& b) {
                     return a.path.size() > b.path.size();
                   });
}

void Router::SetFallback(Handler handler) { fallback_ = std::move(handler); }

void Router::Handle(Request request, Respond respond) const {
  if (auto it = exact_.find(request.path); it != exact_.end()) {
    return Dispatch(it->second, std::move(request), std::move(respond));
  }
  for (const Route& route : prefixes_) {
    if (request.path.starts_with(route.path)) {
      return Dispatch(route, std::move(request), std::move(respond));
    }
  }
  if (fallback_) return fallback_(std::move(request), std::move(respond));
  respond(RenderMessagePage({404, Msg::kNotFoundTitle, Msg::kNotFoundText, ""},
                            RequestLang(request)));
}

void Router::Dispatch(const Route& route, Request request,
                      Respond respond) const {
  auto it = route.methods.find(request.method);
  if (it == route.methods.end() && request.method == "HEAD") {
    it = route.methods.find("GET");
  }
  if (it != route.methods.end()) {
    return it->second(std::move(request), std::move(respond));
  }
  if (request.method == "OPTIONS") {
    Response response;
    response.status = 204;
    response.AddHeader("Allow", AllowHeader(route.methods));
    response.AddHeader("Access-Control-Allow-Origin", "*");
    response.AddHeader("Access-Control-Allow-Methods",
                       AllowHeader(route.methods));
    response.AddHeader("Access-Control-Allow-Headers",
                       "Accept, Accept-Language, Content-Type");
    response.AddHeader("Access-Control-Max-Age", "86400");
    return respond(std::move(response));
  }
  Response response = RenderMessagePage(
      {405, Msg::kMethodNotAllowedTitle, Msg::kMethodNotAllowedText, ""},
      RequestLang(request));
  response.AddHeader("Allow", AllowHeader(route.methods));
  respond(std::move(response));
}

Handler Router::AsHandler() const {
  return [this](Request request, Respond respond) {
    Handle(std::move(request), std::move(respond));
  };
}

}  // namespace ocoptrace::http
