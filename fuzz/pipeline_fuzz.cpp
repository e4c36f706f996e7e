// Request handling at the handler level: arbitrary method, target, headers and body through
// the whole Pipeline (request id, CORS, rate limit, validation, router, handlers, headers).
// Finds: crashes, sanitizer reports, uncaught exceptions, and error bodies that are not our
// {"error", "message"} JSON.
#include <fuzzer/FuzzedDataProvider.h>

#include <nlohmann/json.hpp>

#include "fuzz_app.hpp"

namespace {
const char* const kMethods[] = {"GET",    "POST",  "HEAD", "OPTIONS", "PUT",
                                "DELETE", "PATCH", "get",  ""};
const char* const kPaths[] = {"/api/sayings", "/api/compare", "/api/feedback",
                              "/api/stats",   "/api/models",  "/healthz",
                              "/readyz",      "/metrics",     "/",
                              "/compare",     "/dashboard",   "/assets/"};
const char* const kHeaders[] = {"Origin",
                                "X-Forwarded-For",
                                "Content-Type",
                                "Accept",
                                "X-Request-Id",
                                "Access-Control-Request-Method",
                                "Access-Control-Request-Headers",
                                "If-None-Match",
                                "Content-Length",
                                "Last-Event-ID"};
const char* const kPeers[] = {"127.0.0.1", "10.0.0.1", "::1", "2001:db8::1", "", "garbage"};
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider in(data, size);
  std::string method = in.ConsumeBool() ? kMethods[in.ConsumeIntegralInRange<std::size_t>(0, 8)]
                                        : in.ConsumeRandomLengthString(12);
  std::string target = in.ConsumeBool()
                           ? std::string(kPaths[in.ConsumeIntegralInRange<std::size_t>(0, 11)])
                           : std::string();
  target += in.ConsumeRandomLengthString(200);
  auto request = cs::http::Request::make(method, target);
  request.remote_address = kPeers[in.ConsumeIntegralInRange<std::size_t>(0, 5)];
  const auto header_count = in.ConsumeIntegralInRange<int>(0, 8);
  for (int i = 0; i < header_count; ++i) {
    std::string name = in.ConsumeBool() ? kHeaders[in.ConsumeIntegralInRange<std::size_t>(0, 9)]
                                        : in.ConsumeRandomLengthString(20);
    request.headers.add(std::move(name), in.ConsumeRandomLengthString(100));
  }
  request.body = in.ConsumeRemainingBytesAsString();

  auto& handler = cs::fuzz::fuzzApp().handler();
  if (handler.mayBlock(request) && request.path == "/api/compare") return 0;  // real upstream calls
  const auto response = handler.handle(request);
  cs::fuzz::check(response.status >= 100 && response.status <= 599, "status is 100..599");
  if (response.status >= 400 && !response.stream) {
    // Every error is our JSON shape, never an HTML page or a stack trace.
    const auto j = nlohmann::json::parse(response.body, nullptr, false);
    cs::fuzz::check(!j.is_discarded() && j.contains("error") && j.contains("message"),
                    "an error body is {\"error\", \"message\"}");
  }
  return 0;
}
