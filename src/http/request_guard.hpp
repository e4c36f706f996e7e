#pragma once
#include <cstddef>
#include <optional>
#include <string>

#include "http/message.hpp"

namespace cs::http {

struct RequestGuardOptions {
  std::size_t max_query_params = 32;
  std::size_t max_query_value_bytes = 1024;
  std::size_t max_path_bytes = 2048;
};

// Checks every request's path and query before any handler sees it, so handlers get text that
// is well-formed: a 400 names the bad field. Paths: no control bytes, no ".." segments, valid
// percent-encoding. Query: a bounded number of parameters, names of [A-Za-z0-9_.-], values
// of bounded length in valid UTF-8 without control bytes, no parameter given twice (the
// first-wins rule would otherwise hide what a caller meant).
class RequestGuard {
 public:
  explicit RequestGuard(RequestGuardOptions options = {}) : options_(options) {}
  std::optional<Response> check(const Request& request) const;

 private:
  RequestGuardOptions options_;
};

}  // namespace cs::http
