// Lambda events: an invocation payload through parseApiEvent (untrusted JSON of any shape, as
// the Runtime API hands it over), then the proxy response for an arbitrary body. Finds: crashes,
// nlohmann exceptions escaping (wrong-typed fields), Requests the server could never build,
// proxy responses that are not JSON or lose the body.
//
// Input: 1 control byte (payload format, whether the body is text), a response body line, then
// the event payload.
#include <nlohmann/json.hpp>

#include "core/base64.hpp"
#include "fuzz_support.hpp"
#include "lambda/apigw_event.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using cs::fuzz::check;
  cs::fuzz::quietLogs();
  cs::fuzz::Input in(cs::fuzz::asText(data, size));
  const auto control = in.byte();
  const std::string body = in.line();
  const std::string payload = in.rest();

  const auto event = cs::lambda::parseApiEvent(payload);
  if (event) {
    const auto& r = event->request;
    check(!r.method.empty() && r.method.size() <= 16, "an HTTP method token");
    check(r.path.starts_with('/') && r.target.starts_with('/'), "path and target start with /");
    check(r.target.find_first_of(" #\r\n") == std::string::npos, "the target is percent-encoded");
  } else {
    check(!event.error().message.empty(), "an error names what is wrong");
  }

  cs::http::Response res;
  res.status = 200 + control % 300;
  res.content_type = (control & 1) ? "application/json" : "image/png";
  res.body = body;
  res.headers.add("Set-Cookie", "a=1");
  res.headers.add("set-cookie", body.substr(0, 8));
  const auto format =
      (control & 2) ? cs::lambda::PayloadFormat::kHttpV2 : cs::lambda::PayloadFormat::kRestV1;
  const auto out = nlohmann::json::parse(cs::lambda::proxyResponse(format, res), nullptr, false);
  check(out.is_object() && out.contains("statusCode") && out["body"].is_string(), "proxy JSON");
  const auto& text = out["body"].get_ref<const std::string&>();
  if (out["isBase64Encoded"].get<bool>())
    check(cs::base64Decode(text) == body, "base64 bodies round-trip");
  else
    check(text == body, "text bodies travel as they are");
  return 0;
}
