// Router: maps method + path to the handlers of the HTTP side.
//
// A route is an exact path ("/checkpoint") or a prefix ("/tile/"); exact
// routes win, then the longest matching prefix, then the fallback (the GS1
// resolver, whose paths can start with any custom stem). Paths are compared
// as received (still percent-encoded). For a matched path:
//   - HEAD runs the GET handler (the server drops the body);
//   - OPTIONS answers 204 with Allow and CORS headers unless a handler is
//     registered for it;
//   - any other method without a handler answers 405 with Allow.
// No match and no fallback: 404. Error pages are the bilingual HTML pages
// of html.h, in the language Accept-Language asks for.
//
// Thread-safety: configure (Add*, SetFallback) before serving; Handle is
// then thread-safe.

#ifndef OCOPTRACE_SERVER_HTTP_ROUTER_H_
#define OCOPTRACE_SERVER_HTTP_ROUTER_H_

#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "server/http/http_server.h"

namespace ocoptrace::http {

class Router {
 public:
  // Registers `handler` for `method` (upper case) on exactly `path`.
  void Add(std::string_view method, std::string path, Handler handler);
  // Registers `handler` for `method` on every path starting with `prefix`.
  void AddPrefix(std::string_view method, std::string prefix, Handler handler);
  // Handles every request whose path matches no route, whatever the method.
  void SetFallback(Handler handler);

  // Dispatches one request; `respond` is called exactly once (by the
  // handler, or here for 404/405/OPTIONS).
  void Handle(Request request, Respond respond) const;

  // A Handler that dispatches through this router (which must outlive it).
  Handler AsHandler() const;

 private:
  struct Route {
    std::string path;
    std::map<std::string, Handler, std::less<>> methods;
  };
  void Dispatch(const Route& route, Request request, Respond respond) const;

  std::unordered_map<std::string, Route> exact_;
  std::vector<Route> prefixes_;  // Longest first.
  Handler fallback_;
};

}  // namespace ocoptrace::http

#endif  // OCOPTRACE_SERVER_HTTP_ROUTER_H_
