// Where the time of a cold GET /api/stats goes, over a real store file:
//   stats_timing sqlite:PATH [repeats]
// Prints milliseconds for listFeedback, listRequestStats, aggregate() and a whole cold
// StatsService call (cache TTL 0). Not a test: a measuring tool (bench/ has the benchmarks).
#include <chrono>
#include <cstdio>
#include <string>

#include "core/clock.hpp"
#include "service/stats_aggregate.hpp"
#include "service/stats_service.hpp"
#include "store/sqlite_store.hpp"
#include "timing.hpp"

using cs::tools::timeMs;
using cs::tools::Timing;

int main(int argc, char** argv) {
  if (argc < 2 || std::string(argv[1]).rfind("sqlite:", 0) != 0) {
    std::fprintf(stderr, "usage: stats_timing sqlite:PATH [repeats]\n");
    return 2;
  }
  const int repeats = argc > 2 ? std::stoi(argv[2]) : 5;
  cs::SqliteStore store(std::string(argv[1]).substr(7));
  auto& clock = cs::SystemClock::instance();
  for (int i = 0; i < repeats; ++i) {
    std::vector<cs::FeedbackRecord> feedback;
    std::vector<cs::RequestStatsRow> rollups;
    const Timing list_ms = timeMs([&] { feedback = store.listFeedback({}).value(); });
    const Timing rollup_ms = timeMs([&] { rollups = store.listRequestStats({}).value(); });
    cs::StatsInput input;
    input.feedback = feedback;
    input.rollups = rollups;
    input.now_ms = clock.wallMs();
    cs::StatsFilter filter;
    filter.to_ms = input.now_ms;
    cs::Stats stats;
    const Timing aggregate_ms = timeMs([&] { stats = cs::aggregate(input, filter); });
    // A fresh service each time: its caches (results, saying services) are cold.
    cs::StatsService service(store, nullptr, clock, {std::chrono::milliseconds(0)});
    const Timing service_ms = timeMs([&] { (void)service.stats({}).value(); });
    std::printf(
        "records=%zu rollups=%zu (wall/cpu ms) listFeedback=%.1f/%.1f listRequestStats=%.1f/%.1f "
        "aggregate=%.1f/%.1f cold /api/stats (service)=%.1f/%.1f\n",
        feedback.size(), rollups.size(), list_ms.wall_ms, list_ms.cpu_ms, rollup_ms.wall_ms,
        rollup_ms.cpu_ms, aggregate_ms.wall_ms, aggregate_ms.cpu_ms, service_ms.wall_ms,
        service_ms.cpu_ms);
  }
  return 0;
}
