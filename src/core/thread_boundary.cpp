#include "core/thread_boundary.hpp"

#include <cstdio>
#include <string>

#include "core/json_text.hpp"
#include "core/mutex.hpp"

namespace cs {
namespace {

constexpr std::size_t kKinds = static_cast<std::size_t>(ThreadKind::kCount);

std::array<std::atomic<std::uint64_t>, kKinds>& counts() {
  static std::array<std::atomic<std::uint64_t>, kKinds> c{};
  return c;
}

struct ReporterSlot {
  Mutex mutex;
  SurpriseReporter reporter CS_GUARDED_BY(mutex);
};
ReporterSlot& slot() {
  static ReporterSlot s;
  return s;
}

void writeToStderr(ThreadKind kind, std::string_view what, std::string_view model) {
  std::string line = R"({"level":"ERROR","message":"Unexpected exception","extra_fields":{)";
  line += "\"thread\":";
  appendJsonString(line, threadKindName(kind));
  line += ",\"error_type\":\"internal_error\",\"error_message\":";
  appendJsonString(line, what.substr(0, 300));
  line += ",\"model\":";
  appendJsonString(line, model);
  line += "}}\n";
  std::fwrite(line.data(), 1, line.size(), stderr);
}

}  // namespace

std::string_view threadKindName(ThreadKind kind) {
  switch (kind) {
    case ThreadKind::kCacheBuilder:
      return "cache_builder";
    case ThreadKind::kTransport:
      return "transport";
    case ThreadKind::kLogger:
      return "logger";
    case ThreadKind::kStatsFlusher:
      return "stats_flusher";
    case ThreadKind::kWorkerPool:
      return "worker_pool";
    case ThreadKind::kCompare:
      return "compare";
    case ThreadKind::kExecutor:
      return "executor";
    case ThreadKind::kCount:
      break;
  }
  return "unknown";
}

void setSurpriseReporter(SurpriseReporter reporter) {
  auto& s = slot();
  MutexLock lock(s.mutex);
  s.reporter = std::move(reporter);
}

std::uint64_t surprisesIn(ThreadKind kind) {
  const auto i = static_cast<std::size_t>(kind);
  return i < kKinds ? counts()[i].load(std::memory_order_relaxed) : 0;
}

void noteSurprise(ThreadKind kind, std::string_view what, std::string_view model) noexcept {
  const auto i = static_cast<std::size_t>(kind);
  if (i < kKinds) counts()[i].fetch_add(1, std::memory_order_relaxed);
  try {
    SurpriseReporter reporter;
    {
      auto& s = slot();
      MutexLock lock(s.mutex);
      reporter = s.reporter;
    }
    // The logger's own thread reports to stderr: its queue may be what failed.
    if (reporter && kind != ThreadKind::kLogger)
      reporter(kind, what, model);
    else
      writeToStderr(kind, what, model);
  } catch (...) {  // NOLINT(bugprone-empty-catch): reporting is best effort
    // The count above is the record that cannot fail.
  }
}

}  // namespace cs
