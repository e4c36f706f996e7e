#include "support/adapter_checks.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "llm/batch_parser.hpp"
#include "support/hostile_shapes.hpp"

namespace cs::testing {

std::string llmFixture(const std::string& name) {
  std::ifstream in(std::string(CS_SOURCE_DIR) + "/tests/data/llm/" + name);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

net::HttpResponse upstreamAnswer(long status, const std::string& body, std::string type) {
  net::HttpResponse r;
  r.status = status;
  r.body = body;
  r.headers["content-type"] = std::move(type);
  return r;
}

llm::ModelInfo modelInfo(std::string provider, std::string upstream) {
  llm::ModelInfo m;
  m.id = upstream;
  m.provider = std::move(provider);
  m.upstream_model = std::move(upstream);
  m.max_tokens = 300;
  m.temperature = 0.9;
  return m;
}

std::string requestHeader(const net::HttpRequest& r, const std::string& name) {
  for (const auto& [k, v] : r.headers)
    if (k == name) return v;
  return "";
}

namespace {

// What the gateway makes of an answer: the adapter's error, or bad_response when the text
// holds no saying (GatewayImpl::attempt).
std::string outcome(const llm::ProviderAdapter& adapter, const net::HttpResponse& r,
                    std::string* message) {
  auto c = adapter.parseResponse(r);
  if (!c) {
    *message = c.error().message;
    return llm::kindName(c.error().kind);
  }
  if (llm::parseSayings(c->text).empty()) return "bad_response";
  *message = "accepted: " + c->text.substr(0, 80);
  return "ok";
}

}  // namespace

void expectEveryShapeClassified(const llm::ProviderAdapter& adapter, const std::string& provider) {
  const auto shapes = hostileShapes(provider);
  ASSERT_GE(shapes.size(), 40u);
  for (const auto& shape : shapes) {
    std::string message;
    EXPECT_EQ(
        outcome(adapter, upstreamAnswer(shape.status, shape.body, shape.content_type), &message),
        shape.error_type)
        << provider << ": " << shape.name << ": " << message;
    // Bounded however big the body: the detail is cut at 300 bytes, the content type at 60.
    EXPECT_LT(message.size(), 600u) << shape.name;
  }
}

}  // namespace cs::testing
