// The whole request pipeline for GET /api/sayings without sockets: request id, routing, the
// service, rendering, the access log (to a discarding sink). Its instruction count under
// callgrind is the steadiest hot-path figure on a shared machine.
#include <benchmark/benchmark.h>

#include "app/app.hpp"
#include "obs/logger.hpp"

namespace {

void hotPath(benchmark::State& state, bool access_log) {
  cs::obs::Logger logger(cs::obs::Level::kInfo, [](std::string_view) {});
  cs::obs::setGlobalLogger(&logger);
  {
    cs::app::Config config;
    config.store.url = "sqlite::memory:";
    config.log.access_log = access_log;
    cs::app::App app(config);
    auto& handler = app.handler();
    for (int i = 0; i < 8; ++i) {  // past the cold-start requests
      auto request = cs::http::Request::make("GET", "/api/sayings");
      handler.handle(request);
    }
    for (auto _ : state) {
      auto request = cs::http::Request::make("GET", "/api/sayings");
      request.headers.add("Host", "127.0.0.1:8080");
      auto response = handler.handle(request);
      benchmark::DoNotOptimize(response.body.data());
    }
  }
  logger.flush();
  cs::obs::setGlobalLogger(nullptr);
}

void BM_HotPathPipeline(benchmark::State& state) {
  hotPath(state, true);
}
void BM_HotPathPipelineNoAccessLog(benchmark::State& state) {
  hotPath(state, false);
}
BENCHMARK(BM_HotPathPipeline);
BENCHMARK(BM_HotPathPipelineNoAccessLog);

}  // namespace
