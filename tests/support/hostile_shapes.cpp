#include "support/hostile_shapes.hpp"

namespace cs::testing {
namespace {

// Three sayings the batch parser accepts: a shape is bad only because of what it changes.
const std::string kText =
    R"("1. Amazon S3 is like a bottomless closet where every sweater costs a query.\n)"
    R"(2. AWS Lambda is like a butler who only works when the doorbell rings.\n)"
    R"(3. Amazon SQS is like a post office that sometimes delivers a letter twice.")";

std::string deep(std::size_t depth, const std::string& open = "[", const std::string& close = "]") {
  std::string out;
  out.reserve(depth * (open.size() + close.size()));
  for (std::size_t i = 0; i < depth; ++i) out += open;
  for (std::size_t i = 0; i < depth; ++i) out += close;
  return out;
}

std::string huge(std::size_t bytes) {
  return "\"" + std::string(bytes, 'x') + "\"";
}

constexpr std::size_t kDeep = 200'000;

std::string withNuls() {
  static constexpr char kBody[] = "{\"id\":\0\0\0}";
  return std::string(kBody, sizeof kBody - 1);
}

std::string anthropic(const std::string& content, const std::string& usage,
                      const std::string& stop = R"("end_turn")") {
  return R"({"id":"msg_hostile","type":"message","role":"assistant","content":)" + content +
         R"(,"stop_reason":)" + stop + R"(,"usage":)" + usage + "}";
}
std::string anthropicOk(const std::string& usage) {
  return anthropic(R"([{"type":"text","text":)" + kText + "}]", usage);
}
std::string anthropicTokens(const std::string& in, const std::string& out = "20") {
  return anthropicOk(R"({"input_tokens":)" + in + R"(,"output_tokens":)" + out + "}");
}
const std::string kAnthropicUsage = R"({"input_tokens":10,"output_tokens":20})";

std::string openai(const std::string& choices, const std::string& usage) {
  return R"({"id":"chatcmpl-hostile","object":"chat.completion","choices":)" + choices +
         R"(,"usage":)" + usage + "}";
}
std::string openaiMessage(const std::string& message, const std::string& finish = R"("stop")") {
  return R"([{"index":0,"message":)" + message + R"(,"finish_reason":)" + finish + "}]";
}
const std::string kOpenAiUsage = R"({"prompt_tokens":10,"completion_tokens":20})";
std::string openaiOk(const std::string& usage) {
  return openai(openaiMessage(R"({"role":"assistant","content":)" + kText + "}"), usage);
}
std::string openaiTokens(const std::string& in, const std::string& out = "20") {
  return openaiOk(R"({"prompt_tokens":)" + in + R"(,"completion_tokens":)" + out + "}");
}

// Shapes every provider shares: the body is not the document either expects.
void common(std::vector<HostileShape>& out, const std::string& valid_prefix) {
  out.push_back({"empty body", 200, "application/json", "", "bad_response"});
  out.push_back({"body null", 200, "application/json", "null", "bad_response"});
  out.push_back({"body a number", 200, "application/json", "5", "bad_response"});
  out.push_back({"body a string", 200, "application/json", R"("text")", "bad_response"});
  out.push_back({"body an array", 200, "application/json", "[]", "bad_response"});
  out.push_back({"empty object", 200, "application/json", "{}", "bad_response"});
  out.push_back({"truncated JSON", 200, "application/json", valid_prefix, "bad_response"});
  out.push_back({"200,000-deep arrays", 200, "application/json", deep(kDeep), "bad_response"});
  out.push_back({"200,000-deep objects", 200, "application/json", deep(kDeep, R"({"a":)", "}"),
                 "bad_response"});
  out.push_back({"not JSON at all", 200, "application/json", "<html>502</html>", "bad_response"});
  out.push_back({"invalid UTF-8 in a string", 200, "application/json",
                 "{\"id\":\"\xff\xfe\xc3\x28\"}", "bad_response"});
  out.push_back(
      {"lone surrogate escape", 200, "application/json", R"({"id":"\ud800"})", "bad_response"});
  out.push_back({"wrong content type", 200, "text/html", "<html>hello</html>", "bad_response"});
  out.push_back({"30 KB content type", 200, "text/" + std::string(30'000, 'a') + ";q=sk-ant-x",
                 "{}", "bad_response"});
  out.push_back({"30 KB of spaces as content type", 200, "x" + std::string(30'000, ' ') + "y", "{}",
                 "bad_response"});
  out.push_back({"NUL bytes in the body", 200, "application/json", withNuls(), "bad_response"});
}

std::vector<HostileShape> anthropicShapes() {
  std::vector<HostileShape> s;
  common(s, anthropicOk(kAnthropicUsage).substr(0, 90));
  const auto& u = kAnthropicUsage;
  auto bad = [&s](std::string name, std::string body) {
    s.push_back({std::move(name), 200, "application/json", std::move(body), "bad_response"});
  };
  bad("content[0].type a number", anthropic(R"([{"type":5,"text":)" + kText + "}]", u));
  bad("content[0].type null", anthropic(R"([{"type":null,"text":)" + kText + "}]", u));
  bad("content[0].type an object", anthropic(R"([{"type":{"t":"text"},"text":"x"}])", u));
  bad("content[0].text a number", anthropic(R"([{"type":"text","text":5}])", u));
  bad("content[0].text an object", anthropic(R"([{"type":"text","text":{"a":1}}])", u));
  bad("content[0].text an array", anthropic(R"([{"type":"text","text":["a"]}])", u));
  bad("content[0] a number", anthropic("[5]", u));
  bad("content[0] a string", anthropic(R"(["1. S3 is like a closet with many shelves."])", u));
  bad("content a string", anthropic(kText, u));
  bad("content an object", anthropic(R"({"type":"text","text":)" + kText + "}", u));
  bad("content null", anthropic("null", u));
  bad("content an empty array", anthropic("[]", u));
  bad("content missing", R"({"id":"msg_x","type":"message","usage":)" + u + "}");
  bad("only a tool_use block", anthropic(R"([{"type":"tool_use","id":"t","input":{}}])", u));
  bad("text only whitespace", anthropic(R"([{"type":"text","text":"  \n\t "}])", u));
  bad("text a huge string without sayings",
      anthropic(R"([{"type":"text","text":)" + huge(2'000'000) + "}]", u));
  bad("type a huge string", anthropic(R"([{"type":)" + huge(1'000'000) + "}]", u));
  bad("200,000-deep nesting inside content", anthropic("[" + deep(kDeep) + "]", u));
  bad("stop_reason max_tokens",
      anthropic(R"([{"type":"text","text":)" + kText + "}]", u, R"("max_tokens")"));
  bad("stop_reason refusal",
      anthropic(R"([{"type":"text","text":)" + kText + "}]", u, R"("refusal")"));
  bad("usage an array", anthropicOk("[10,20]"));
  bad("usage a string", anthropicOk(R"("10")"));
  bad("usage a number", anthropicOk("30"));
  bad("input_tokens -1", anthropicTokens("-1"));
  bad("input_tokens -1e9", anthropicTokens("-1e9"));
  bad("input_tokens -1000000000", anthropicTokens("-1000000000"));
  bad("input_tokens 1e300", anthropicTokens("1e300"));
  bad("input_tokens 2.5", anthropicTokens("2.5"));
  bad("input_tokens 3.0", anthropicTokens("3.0"));
  bad("input_tokens 2^63-1", anthropicTokens("9223372036854775807"));
  bad("input_tokens 2^64-1", anthropicTokens("18446744073709551615"));
  bad("input_tokens 1000000001", anthropicTokens("1000000001"));
  bad("input_tokens \"12\"", anthropicTokens(R"("12")"));
  bad("input_tokens true", anthropicTokens("true"));
  bad("output_tokens -1", anthropicTokens("10", "-1"));
  bad("output_tokens 2^63-1", anthropicTokens("10", "9223372036854775807"));
  bad("output_tokens an object", anthropicTokens("10", R"({"n":1})"));

  auto err = [&s](std::string name, int status, std::string body, std::string type) {
    s.push_back({std::move(name), status, "application/json", std::move(body), std::move(type)});
  };
  err("error.type a number (400)", 400, R"({"type":"error","error":{"type":7,"message":"x"}})",
      "bad_request");
  err("error.message a number (400)", 400,
      R"({"type":"error","error":{"type":"invalid_request_error","message":7}})", "bad_request");
  err("error.type an array (400)", 400, R"({"type":"error","error":{"type":[],"message":[]}})",
      "bad_request");
  err("error a string (404)", 404, R"({"type":"error","error":"not found"})", "bad_request");
  err("error an array (400)", 400, R"({"type":"error","error":[1,2]})", "bad_request");
  err("error null (403)", 403, R"({"type":"error","error":null})", "auth");
  err("error body an array (500)", 500, "[1,2,3]", "server_error");
  err("error body empty (502)", 502, "", "server_error");
  err("error body HTML (504)", 504, "<html>gateway timeout</html>", "timeout");
  err("error 200,000 deep (500)", 500, deep(kDeep), "server_error");
  err("error message a huge string (400)", 400,
      R"({"type":"error","error":{"type":"invalid_request_error","message":)" + huge(1'000'000) +
          "}}",
      "bad_request");
  err("error invalid UTF-8 (400)", 400, "{\"error\":{\"message\":\"\xff\xfe\"}}", "bad_request");
  err("error message echoing a key (401)", 401,
      R"({"type":"error","error":{"type":"authentication_error","message":"bad key sk-ant-api03-FAKEFAKEFAKEFAKEFAKEFAKE"}})",
      "auth");
  return s;
}

std::vector<HostileShape> openaiShapes() {
  std::vector<HostileShape> s;
  common(s, openaiOk(kOpenAiUsage).substr(0, 90));
  const auto& u = kOpenAiUsage;
  auto bad = [&s](std::string name, std::string body) {
    s.push_back({std::move(name), 200, "application/json", std::move(body), "bad_response"});
  };
  const std::string message = R"({"role":"assistant","content":)" + kText + "}";
  bad("choices an object", openai(R"({"0":{"message":)" + message + "}}", u));
  bad("choices a string", openai(kText, u));
  bad("choices null", openai("null", u));
  bad("choices an empty array", openai("[]", u));
  bad("choices missing", R"({"id":"x","usage":)" + u + "}");
  bad("choices[0] a number", openai("[5]", u));
  bad("choices[0] a string", openai(R"(["1. S3 is like a closet with many shelves."])", u));
  bad("message a string", openai(openaiMessage(kText), u));
  bad("message null", openai(openaiMessage("null"), u));
  bad("message an array", openai(openaiMessage("[" + message + "]"), u));
  bad("message.content a number", openai(openaiMessage(R"({"content":5})"), u));
  bad("message.content null", openai(openaiMessage(R"({"content":null})"), u));
  bad("message.content an object", openai(openaiMessage(R"({"content":{"text":"x"}})"), u));
  bad("message.content an array of parts",
      openai(openaiMessage(R"({"content":[{"type":"text","text":)" + kText + "}]}"), u));
  bad("message.content a huge string without sayings",
      openai(openaiMessage(R"({"content":)" + huge(2'000'000) + "}"), u));
  bad("message.refusal", openai(openaiMessage(R"({"content":null,"refusal":"no"})"), u));
  bad("finish_reason length", openai(openaiMessage(message, R"("length")"), u));
  bad("finish_reason content_filter", openai(openaiMessage(message, R"("content_filter")"), u));
  bad("200,000-deep nesting inside choices", openai("[" + deep(kDeep) + "]", u));
  bad("usage an array", openaiOk("[10,20]"));
  bad("usage a string", openaiOk(R"("30")"));
  bad("usage true", openaiOk("true"));
  bad("prompt_tokens -1", openaiTokens("-1"));
  bad("prompt_tokens -1e9", openaiTokens("-1e9"));
  bad("prompt_tokens 1e300", openaiTokens("1e300"));
  bad("prompt_tokens 2.5", openaiTokens("2.5"));
  bad("prompt_tokens 2^63-1", openaiTokens("9223372036854775807"));
  bad("prompt_tokens -2^63", openaiTokens("-9223372036854775808"));
  bad("prompt_tokens 2^64-1", openaiTokens("18446744073709551615"));
  bad("prompt_tokens 1000000001", openaiTokens("1000000001"));
  bad("prompt_tokens \"12\"", openaiTokens(R"("12")"));
  bad("prompt_tokens an array", openaiTokens("[12]"));
  bad("completion_tokens -1", openaiTokens("10", "-1"));
  bad("completion_tokens 1e300", openaiTokens("10", "1e300"));
  bad("completion_tokens 2^63-1", openaiTokens("10", "9223372036854775807"));

  auto err = [&s](std::string name, int status, std::string body, std::string type) {
    s.push_back({std::move(name), status, "application/json", std::move(body), std::move(type)});
  };
  err("error.type a number (400)", 400, R"({"error":{"type":5,"message":"x","code":null}})",
      "bad_request");
  err("error.code an object (400)", 400, R"({"error":{"type":"x","code":{"a":1},"message":7}})",
      "bad_request");
  err("error.message an array (422)", 422, R"({"error":{"message":["a"],"type":[]}})",
      "bad_request");
  err("error a string (404)", 404, R"({"error":"model not found"})", "bad_request");
  err("error a number (401)", 401, R"({"error":401})", "auth");
  err("error body null (500)", 500, "null", "server_error");
  err("error body empty (502)", 502, "", "server_error");
  err("error body a string (408)", 408, R"("timeout")", "timeout");
  err("error 200,000 deep (500)", 500, deep(kDeep, R"({"error":)", "}"), "server_error");
  err("error message a huge string (400)", 400,
      R"({"error":{"type":"invalid_request_error","message":)" + huge(1'000'000) + "}}",
      "bad_request");
  err("error invalid UTF-8 (400)", 400, "{\"error\":{\"message\":\"\xc3\x28\"}}", "bad_request");
  return s;
}

}  // namespace

std::vector<HostileShape> hostileShapes(const std::string& provider) {
  return provider == "anthropic" ? anthropicShapes() : openaiShapes();
}

}  // namespace cs::testing
