#pragma once
#include <chrono>
#include <functional>
#include <optional>
#include <vector>

#include "http/handler.hpp"
#include "http/router.hpp"

namespace cs::http {

// Request ids, before/after middleware, error containment and the access log around a Router.
class Pipeline final : public HttpHandler {
 public:
  // Runs before routing; returning a response short-circuits (CORS preflight, rate limit).
  using Before = std::function<std::optional<Response>(Request&)>;
  // Runs on every response, including short-circuited and error ones (headers, metrics).
  using After = std::function<void(const Request&, Response&, double execution_ms)>;

  explicit Pipeline(const Router& router, std::size_t default_body_limit = std::size_t{64} * 1024);
  void addBefore(Before fn) { before_.push_back(std::move(fn)); }
  void addAfter(After fn) { after_.push_back(std::move(fn)); }
  void setBodyLimit(std::string method, std::string path, std::size_t limit);
  void setAccessLog(bool enabled) { access_log_ = enabled; }

  Response handle(Request& request) override;
  std::optional<Response> handleInline(Request& request) override;
  bool mayBlock(const Request& request) const override { return router_.mayBlock(request); }
  std::size_t bodyLimit(std::string_view method, std::string_view path) const override;

 private:
  // Request id and before-stages, once per request; an early answer when one stage gives it.
  std::optional<Response> admit(Request& request);
  // Headers, after-stages and the access line, on every answer.
  void finish(const Request& request, Response& response);
  // A deferred response gets them when its answer comes (on whichever thread completes it).
  Response finishLater(const Request& request, Response pending);

  const Router& router_;
  std::size_t default_body_limit_;
  std::vector<std::tuple<std::string, std::string, std::size_t>> body_limits_;
  std::vector<Before> before_;
  std::vector<After> after_;
  bool access_log_ = true;
};

}  // namespace cs::http
