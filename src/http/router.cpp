#include "http/router.hpp"

#include "http/json_error.hpp"

namespace cs::http {

void Router::add(std::string method, std::string path, Handler handler, Blocking blocking) {
  routes_[std::move(path)][std::move(method)] =
      Route{std::move(handler), std::move(blocking), false, {}};
}

void Router::addGetWithoutHead(std::string path, Handler handler, Blocking blocking) {
  routes_[std::move(path)]["GET"] = Route{std::move(handler), std::move(blocking), true, {}};
}

void Router::addPrefix(std::string method, std::string prefix, Handler handler, Blocking blocking) {
  for (auto& [p, methods] : prefixes_)
    if (p == prefix) {
      methods[std::move(method)] = Route{std::move(handler), std::move(blocking), false, {}};
      return;
    }
  std::map<std::string, Route> methods;
  methods[std::move(method)] = Route{std::move(handler), std::move(blocking), false, {}};
  prefixes_.emplace_back(std::move(prefix), std::move(methods));
}

void Router::setInlineTry(const std::string& method, const std::string& path,
                          InlineHandler try_inline) {
  routes_.at(path).at(method).try_inline = std::move(try_inline);
}

const Router::Route* Router::find(const std::string& method, const std::string& path,
                                  bool& path_known, std::string& allow) const {
  const std::map<std::string, Route>* methods = nullptr;
  if (auto it = routes_.find(path); it != routes_.end()) {
    methods = &it->second;
  } else {
    for (const auto& [prefix, m] : prefixes_)
      if (path.starts_with(prefix)) {
        methods = &m;
        break;
      }
  }
  path_known = methods != nullptr;
  if (!methods) return nullptr;
  const bool head = method == "HEAD";
  const std::string& lookup = head ? std::string("GET") : method;
  if (auto it = methods->find(lookup); it != methods->end() && !(head && it->second.no_head))
    return &it->second;
  for (const auto& [m, route] : *methods) {
    if (!allow.empty()) allow += ", ";
    allow += m;
    if (m == "GET" && !route.no_head) allow += ", HEAD";
  }
  return nullptr;
}

Response Router::dispatch(const Request& request) const {
  bool known = false;
  std::string allow;
  if (const Route* route = find(request.method, request.path, known, allow))
    return route->handler(request);
  if (!known) return jsonError(ErrorCode::kNotFound, "no such path: " + request.path);
  Response r = jsonError(ErrorCode::kMethodNotAllowed,
                         request.method + " is not allowed on " + request.path + "; use " + allow);
  r.headers.set("Allow", allow);
  return r;
}

std::optional<Response> Router::dispatchInline(const Request& request) const {
  bool known = false;
  std::string allow;
  const Route* route = find(request.method, request.path, known, allow);
  if (!route || !route->try_inline) return std::nullopt;
  return route->try_inline(request);
}

bool Router::mayBlock(const Request& request) const {
  bool known = false;
  std::string allow;
  const Route* route = find(request.method, request.path, known, allow);
  return route && route->blocking.blocks(request);
}

}  // namespace cs::http
