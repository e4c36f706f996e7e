#pragma once
#include <atomic>
#include <cstdio>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "core/mutex.hpp"

namespace cs::obs {

enum class Level { kDebug = 0, kInfo = 1, kWarning = 2, kError = 3 };
const char* levelName(Level level);
bool parseLevel(std::string_view text, Level& out);

// JSON-lines logger in the original's shape:
//   {"timestamp": "...Z", "level": "INFO", "message": "...", "extra_fields": {...}}
// Lines are formatted on the caller's thread and written by a background thread, so a slow
// stdout never blocks a request. The writer collects lines in batches (every 25 ms, or 32 KB,
// or on flush(); warnings and errors at once), so an info line costs a request no wake-up of
// another thread. The queue is
// bounded; past it lines are dropped and counted.
class Logger {
 public:
  using Sink = std::function<void(std::string_view lines)>;
  explicit Logger(Level min_level = Level::kInfo, Sink sink = {});
  ~Logger();
  Logger(const Logger&) = delete;
  Logger& operator=(const Logger&) = delete;

  void log(Level level, std::string_view message, nlohmann::json extra = nlohmann::json::object());
  // The same line with `extra_fields` already serialized as one JSON object (hot paths).
  void logFields(Level level, std::string_view message, std::string_view extra_json);
  void debug(std::string_view m, nlohmann::json e = nlohmann::json::object()) {
    log(Level::kDebug, m, std::move(e));
  }
  void info(std::string_view m, nlohmann::json e = nlohmann::json::object()) {
    log(Level::kInfo, m, std::move(e));
  }
  void warn(std::string_view m, nlohmann::json e = nlohmann::json::object()) {
    log(Level::kWarning, m, std::move(e));
  }
  void error(std::string_view m, nlohmann::json e = nlohmann::json::object()) {
    log(Level::kError, m, std::move(e));
  }
  // A pre-formatted line written as is (CloudWatch EMF records must be top-level JSON
  // objects, not wrapped in extra_fields); not subject to the level. A newline is appended.
  void writeLine(std::string line);
  // Members added to every line's extra_fields until changed, rendered without braces
  // ("\"trace_id\":\"Root=...\""); empty = none. The Lambda runtime sets the invocation's
  // request and trace ids here (one invocation at a time, on whichever thread logs).
  void setContextFields(std::string members);
  bool enabled(Level level) const { return level >= min_level_; }
  void setLevel(Level level) { min_level_ = level; }
  // Blocks until every line logged before the call is written.
  void flush();
  std::uint64_t dropped() const;

 private:
  void run();
  void enqueue(const std::string& text, bool urgent);
  Level min_level_;
  Sink sink_;
  std::atomic<bool> has_context_{false};
  mutable Mutex context_mutex_;
  std::string context_ CS_GUARDED_BY(context_mutex_);
  mutable Mutex mutex_;
  CondVar wake_;
  CondVar drained_;
  std::string pending_ CS_GUARDED_BY(mutex_);
  std::uint64_t enqueued_ CS_GUARDED_BY(mutex_) = 0;
  std::uint64_t written_ CS_GUARDED_BY(mutex_) = 0;
  std::uint64_t dropped_ CS_GUARDED_BY(mutex_) = 0;
  bool stop_ CS_GUARDED_BY(mutex_) = false;
  // the writer sleeps with nothing pending (no batch timer)
  bool parked_ CS_GUARDED_BY(mutex_) = false;
  bool wake_sent_ CS_GUARDED_BY(mutex_) = false;     // a burst already woke the writer
  bool flush_wanted_ CS_GUARDED_BY(mutex_) = false;  // flush() waits: write what is pending
  std::thread writer_;
};

// The process-wide logger. Replaceable for tests.
Logger& log();
void setGlobalLogger(Logger* logger);

}  // namespace cs::obs
