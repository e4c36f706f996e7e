// Feedback JSON: the POST /api/feedback body and the client identity headers through the
// handler's own parser (parseVoteRequest, what postFeedback calls; nothing caught here). Finds:
// crashes, nlohmann exceptions escaping (wrong-typed fields, deep nesting), and accepted votes
// that break the documented field rules (docs/api.md).
//
// Input: 1 control byte (peer address; which of X-Client-Id, Cookie, User-Agent follow), the
// chosen header values one per line, then the body.
#include <cmath>

#include "api/feedback_handler.hpp"
#include "fuzz_support.hpp"

namespace {
const char* const kPeers[] = {"127.0.0.1", "10.0.0.1", "::1", "2001:db8::1", "", "garbage"};
constexpr std::string_view kIdChars =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using cs::fuzz::check;
  cs::fuzz::quietLogs();
  cs::fuzz::Input in(cs::fuzz::asText(data, size));
  const auto control = in.byte();
  auto request = cs::http::Request::make("POST", "/api/feedback");
  request.remote_address = kPeers[(control & 7) % 6];
  request.headers.add("Content-Type", "application/json");
  if (control & 8) request.headers.add("X-Client-Id", in.line());
  if (control & 16) request.headers.add("Cookie", in.line());
  if (control & 32) request.headers.add("User-Agent", in.line());
  request.body = in.rest();

  const auto vote = cs::api::parseVoteRequest(request);
  if (!vote) {
    check(vote.error().code == cs::ErrorCode::kBadRequest, "bad input is bad_request");
    check(!vote.error().message.empty(), "the message names the field");
    return 0;
  }
  check(!vote->saying_id.empty() && vote->saying_id.size() <= 128, "saying_id 1..128 chars");
  for (const auto& ms : {vote->execution_time, vote->original_llm_time})
    check(!ms || (std::isfinite(*ms) && *ms >= 0 && *ms <= 86400000.0), "ms in 0..86400000");
  const std::string_view key = vote->client_key;
  check(key.starts_with("id:") || key.starts_with("addr:"), "client key is id: or addr:");
  if (key.starts_with("id:"))
    check(key.size() >= 3 + 8 && key.size() <= 3 + 128 &&
              key.find_first_not_of(kIdChars, 3) == std::string_view::npos,
          "an id: client key is 8..128 of [A-Za-z0-9_-]");
  return 0;
}
