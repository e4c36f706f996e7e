// The JSON work of one passthrough request (POST /v1/chat/completions), before and after the
// scan: the client's body checked and its model replaced, the provider's answer checked and its
// usage read. The *Dom variants are what the proxy did before (nlohmann parse, model replaced,
// re-dump; the whole answer parsed); the *Scan variants what it does now (jsonf::scan, a splice;
// one scan of the answer and a DOM of its `usage` only).
#include <benchmark/benchmark.h>

#include "core/json_scan.hpp"
#include "core/json_text.hpp"
#include "llm/error_classify.hpp"
#include "llm/openai_adapter.hpp"

namespace {

// The body bench/load and the profile send, and an answer of the fake upstream's shape.
const std::string kChat =
    R"({"model": "gpt-4.1-mini", "max_tokens": 300, "messages": [{"role": "user", "content": )"
    R"("Three sayings about Amazon S3."}]})";
const std::string kAnswer =
    R"({"id":"chatcmpl-fake-1","object":"chat.completion","created":1764640000,)"
    R"("model":"gpt-4.1-mini","choices":[{"index":0,"message":{"role":"assistant","content":)"
    R"("1. Amazon S3 is like a closet with infinite shelves.\n2. S3 never forgets.\n3. S3 is a )"
    R"(bucket list you can actually finish."},"finish_reason":"stop"}],"usage":{)"
    R"("prompt_tokens":42,"completion_tokens":37,"total_tokens":79}})";

void BM_PassthroughBodyDom(benchmark::State& state) {
  for (auto _ : state) {
    auto doc = cs::jsonf::parse(kChat);
    (*doc)["model"] = "gpt-4.1-mini";
    auto body = doc->dump(-1, ' ', false, cs::jsonf::Json::error_handler_t::replace);
    benchmark::DoNotOptimize(body.data());
  }
}
BENCHMARK(BM_PassthroughBodyDom);

void BM_PassthroughBodyScan(benchmark::State& state) {
  for (auto _ : state) {
    auto scanned = cs::jsonf::scan(kChat);
    const auto* model = scanned->find("model").member;
    auto id = cs::jsonf::decodeString(scanned->raw(model->value));
    std::string body;
    body.reserve(kChat.size() + 16);
    body.append(kChat, 0, model->value.begin);
    cs::appendJsonString(body, "gpt-4.1-mini");
    body.append(kChat, model->value.end);
    benchmark::DoNotOptimize(id.data());
    benchmark::DoNotOptimize(body.data());
  }
}
BENCHMARK(BM_PassthroughBodyScan);

cs::net::HttpResponse answer() {
  cs::net::HttpResponse r;
  r.status = 200;
  r.headers["content-type"] = "application/json";
  r.body = kAnswer;
  return r;
}

void BM_PassthroughAnswerDom(benchmark::State& state) {
  const auto response = answer();
  for (auto _ : state) {
    auto body = cs::llm::checkedJson("openai", response,
                                     [](const cs::jsonf::Json&) { return std::string(); });
    const bool ok = cs::jsonf::array(*body, "/choices") != nullptr;
    auto usage = cs::llm::readUsage(*body, "prompt_tokens", "completion_tokens");
    benchmark::DoNotOptimize(ok);
    benchmark::DoNotOptimize(usage->input_tokens);
  }
}
BENCHMARK(BM_PassthroughAnswerDom);

void BM_PassthroughAnswerScan(benchmark::State& state) {
  const auto response = answer();
  const cs::llm::OpenAiAdapter adapter({});
  for (auto _ : state) {
    auto usage = adapter.parseForward(response);
    benchmark::DoNotOptimize(usage->input_tokens);
  }
}
BENCHMARK(BM_PassthroughAnswerScan);

}  // namespace
