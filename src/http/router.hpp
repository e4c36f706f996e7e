#pragma once
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "http/message.hpp"

namespace cs::http {

using Handler = std::function<Response(const Request&)>;
// Answers a request that may block without blocking when it can (from memory only), or says
// nullopt: the server then runs the route's Handler on its worker pool. Saves the two thread
// hand-offs per request that the worker pool costs on a path that rarely needs it.
using InlineHandler = std::function<std::optional<Response>(const Request&)>;

// Whether a route's handler may wait on slow I/O (a store write, an LLM call, a scan). The
// server runs blocking requests on its bounded worker pool, the rest on the I/O thread. Each
// route declares it; a predicate sees the parsed request (decoded query parameters), never
// the raw query string.
struct Blocking {
  enum class Kind { kNever, kAlways, kWhen };
  Kind kind = Kind::kNever;
  std::function<bool(const Request&)> predicate;  // for kWhen

  static Blocking never() { return {}; }
  static Blocking always() { return {Kind::kAlways, {}}; }
  static Blocking when(std::function<bool(const Request&)> fn) {
    return {Kind::kWhen, std::move(fn)};
  }
  bool blocks(const Request& request) const {
    return kind == Kind::kAlways || (kind == Kind::kWhen && predicate && predicate(request));
  }
};

// Exact-path routes plus prefix routes (for static assets). Unknown path -> 404, known path
// with another method -> 405 with Allow. HEAD is served by the GET handler unless the route
// refuses it (no_head: a GET that spends money must not run for a HEAD whose body is dropped).
class Router {
 public:
  struct Route {
    Handler handler;
    Blocking blocking;
    bool no_head = false;
    InlineHandler try_inline;  // optional; only asked when `blocking` says the request may block
  };
  void add(std::string method, std::string path, Handler handler, Blocking blocking = {});
  // Kept for callers that only say yes or no.
  void add(std::string method, std::string path, Handler handler, bool may_block) {
    add(std::move(method), std::move(path), std::move(handler),
        may_block ? Blocking::always() : Blocking::never());
  }
  // A GET route that HEAD does not reach (405 with Allow naming GET and the others).
  void addGetWithoutHead(std::string path, Handler handler, Blocking blocking = {});
  void addPrefix(std::string method, std::string prefix, Handler handler, Blocking blocking = {});
  // Gives an exact-path route (added before) its InlineHandler.
  void setInlineTry(const std::string& method, const std::string& path, InlineHandler try_inline);

  Response dispatch(const Request& request) const;
  bool mayBlock(const Request& request) const;
  // The route's InlineHandler answer; nullopt when it has none or it cannot answer inline.
  std::optional<Response> dispatchInline(const Request& request) const;

 private:
  const Route* find(const std::string& method, const std::string& path, bool& path_known,
                    std::string& allow) const;
  std::map<std::string, std::map<std::string, Route>> routes_;  // path -> method -> route
  std::vector<std::pair<std::string, std::map<std::string, Route>>> prefixes_;
};

}  // namespace cs::http
