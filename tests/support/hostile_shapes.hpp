#pragma once
#include <string>
#include <vector>

namespace cs::testing {

// Malformed upstream answers, each well-formed HTTP: wrong types, wrong shapes, absurd token
// counts, deep nesting, huge strings, invalid UTF-8, empty bodies, hostile headers. Shared by
// the adapters' unit tests (expectEveryShapeClassified, support/adapter_checks.hpp) and the real
// binary's integration test (tests/integration/hostile_upstream_test.cpp).
struct HostileShape {
  std::string name;
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  // What the gateway must call it: "bad_response" for a 2xx, else the status's kind
  // ("bad_request", "auth", "server", ...).
  std::string error_type = "bad_response";
};

// provider: "anthropic" or "openai". Each list holds success-body and error-body shapes.
std::vector<HostileShape> hostileShapes(const std::string& provider);

}  // namespace cs::testing
