#include "obs/logger.hpp"

#include <unistd.h>

#include <atomic>
#include <cctype>
#include <chrono>
#include <limits>

#include "core/clock.hpp"
#include "core/json_text.hpp"
#include "core/redact.hpp"
#include "core/thread_boundary.hpp"
#include "core/time_format.hpp"

namespace cs::obs {

namespace {
constexpr std::size_t kMaxPendingBytes = std::size_t{8} * 1024 * 1024;
constexpr std::size_t kKeepBatchBytes = std::size_t{64} * 1024;
// Lines wait up to kBatchDelay (or until kWakeBytes are pending) before the writer takes them:
// under load the writer wakes ~40 times a second instead of once per line (each wake was a
// futex call and a context switch on the request's core, the hot path's largest cost).
constexpr std::size_t kWakeBytes = std::size_t{32} * 1024;
constexpr auto kBatchDelay = std::chrono::milliseconds(25);

void writeStdout(std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::write(STDOUT_FILENO, data.data(), data.size());
    if (n <= 0) return;  // stdout closed: nothing sensible to do from a logger
    data.remove_prefix(static_cast<std::size_t>(n));
  }
}
// The quoted ISO timestamp (formatIsoUtcMs). The date and time up to the second are formatted
// once a second per thread; only the milliseconds change between lines.
void appendTimestamp(std::string& out, std::int64_t epoch_ms) {
  thread_local std::int64_t cached_second = std::numeric_limits<std::int64_t>::min();
  thread_local std::string cached;  // "YYYY-MM-DDTHH:MM:SS" of cached_second
  const std::int64_t second = epoch_ms >= 0 ? epoch_ms / 1000 : (epoch_ms - 999) / 1000;
  if (second != cached_second) {
    cached = formatIsoUtcMs(second * 1000);
    cached.resize(cached.size() - 5);  // drop ".000Z"
    cached_second = second;
  }
  const auto millis = static_cast<int>(epoch_ms - second * 1000);
  out.push_back('"');
  out += cached;
  out.push_back('.');
  out.push_back(static_cast<char>('0' + millis / 100));
  out.push_back(static_cast<char>('0' + millis / 10 % 10));
  out.push_back(static_cast<char>('0' + millis % 10));
  out += "Z\"";
}

bool carriesForeignText(std::string_view field) {
  return field.ends_with("_message") || field == "url" || field == "endpoint" || field == "detail";
}

}  // namespace

const char* levelName(Level level) {
  switch (level) {
    case Level::kDebug:
      return "DEBUG";
    case Level::kInfo:
      return "INFO";
    case Level::kWarning:
      return "WARNING";
    case Level::kError:
      return "ERROR";
  }
  return "INFO";
}

bool parseLevel(std::string_view text, Level& out) {
  for (Level l : {Level::kDebug, Level::kInfo, Level::kWarning, Level::kError}) {
    std::string name = levelName(l);
    if (text.size() == name.size()) {
      bool eq = true;
      for (std::size_t i = 0; i < text.size(); ++i)
        if (std::toupper(static_cast<unsigned char>(text[i])) != name[i]) eq = false;
      if (eq) {
        out = l;
        return true;
      }
    }
  }
  if (text == "warn" || text == "WARN") {
    out = Level::kWarning;
    return true;
  }
  return false;
}

Logger::Logger(Level min_level, Sink sink)
    : min_level_(min_level), sink_(sink ? std::move(sink) : Sink(writeStdout)) {
  writer_ = std::thread([this] { run(); });
}

Logger::~Logger() {
  {
    MutexLock lock(mutex_);
    stop_ = true;
  }
  wake_.notify_one();
  writer_.join();
}

void Logger::log(Level level, std::string_view message, nlohmann::json extra) {
  if (!enabled(level)) return;
  // The last line of defence for texts we did not write ourselves (upstream errors, exception
  // what(), addresses): sites put them in error_message, *_message, url, endpoint or detail,
  // and those fields are always scrubbed. Not every field: redact() also masks long opaque
  // runs, which would hide the ids (request, saying, vote key) a log reader needs.
  if (extra.is_object())
    for (auto it = extra.begin(); it != extra.end(); ++it)
      if (it->is_string() && carriesForeignText(it.key()))
        *it = redact(it->get_ref<const std::string&>());
  logFields(level, message,
            extra.is_object() ? extra.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
                              : "{}");
}

void Logger::logFields(Level level, std::string_view message, std::string_view extra_json) {
  if (!enabled(level)) return;
  // Written by hand (not through a JSON tree): the access log calls this once per request.
  std::string text;
  text.reserve(96 + message.size() + extra_json.size());
  text += "{\"timestamp\":";
  appendTimestamp(text, SystemClock::instance().wallMs());
  text += ",\"level\":";
  appendJsonString(text, levelName(level));
  text += ",\"message\":";
  appendJsonString(text, message);
  text += ",\"extra_fields\":";
  std::string context;
  if (has_context_.load(std::memory_order_acquire)) {
    MutexLock lock(context_mutex_);
    context = context_;
  }
  if (!context.empty() && extra_json.size() >= 2 && extra_json.back() == '}') {
    text += extra_json.substr(0, extra_json.size() - 1);
    if (extra_json.size() > 2) text.push_back(',');
    text += context;
    text.push_back('}');
  } else {
    text += extra_json;
  }
  text += "}\n";
  enqueue(text, level >= Level::kWarning);
}

void Logger::setContextFields(std::string members) {
  MutexLock lock(context_mutex_);
  context_ = std::move(members);
  has_context_.store(!context_.empty(), std::memory_order_release);
}

void Logger::writeLine(std::string line) {
  line.push_back('\n');
  enqueue(line, false);
}

void Logger::enqueue(const std::string& text, bool urgent) {
  bool wake = false;
  {
    MutexLock lock(mutex_);
    if (pending_.size() + text.size() > kMaxPendingBytes) {
      ++dropped_;
      return;
    }
    pending_ += text;
    ++enqueued_;
    // A parked writer (idle, no timer running) needs this line's wake; a busy one collects the
    // batch on its timer, unless a burst has filled kWakeBytes first.
    // A warning or error is written at once (with whatever is pending): it may be the last
    // line before the process dies, and it is rare.
    if (urgent) flush_wanted_ = true;
    wake = parked_ || urgent || (pending_.size() >= kWakeBytes && !wake_sent_);
    if (wake) {
      parked_ = false;
      wake_sent_ = true;
    }
  }
  if (wake) wake_.notify_one();
}

void Logger::flush() {
  MutexLock lock(mutex_);
  const auto target = enqueued_;
  if (written_ >= target) return;
  flush_wanted_ = true;
  wake_.notify_one();
  while (written_ < target && !stop_) drained_.wait(mutex_);
}

std::uint64_t Logger::dropped() const {
  MutexLock lock(mutex_);
  return dropped_;
}

void Logger::run() {
  std::string batch;
  MutexLock lock(mutex_);
  for (;;) {
    if (pending_.empty() && !stop_) {
      parked_ = true;  // nothing to collect: sleep until a line arrives
      while (!stop_ && pending_.empty()) wake_.wait(mutex_);
      parked_ = false;
    }
    // Gather a batch: until the delay passes, a burst fills kWakeBytes, or someone flushes.
    const auto batch_due = std::chrono::steady_clock::now() + kBatchDelay;
    while (!stop_ && !flush_wanted_ && pending_.size() < kWakeBytes)
      if (wake_.wait_until(mutex_, batch_due) == std::cv_status::timeout) break;
    wake_sent_ = false;
    flush_wanted_ = false;
    if (pending_.empty()) {
      if (stop_) break;
      continue;
    }
    batch.swap(pending_);
    const auto upto = enqueued_;
    lock.unlock();
    // A sink that throws (a closed pipe turned into an exception by a test sink, bad_alloc)
    // loses this batch, not the process: the count and a stderr line record it.
    (void)runGuarded(ThreadKind::kLogger, {}, [&] { sink_(batch); });
    // The two buffers swap roles, so each keeps the largest burst it ever held; give back a
    // large one, or a load spike would show as lasting RSS growth (up to kMaxPendingBytes).
    if (batch.capacity() > kKeepBatchBytes) {
      std::string().swap(batch);
    } else {
      batch.clear();
    }
    lock.lock();
    written_ = upto;
    drained_.notify_all();
  }
  written_ = enqueued_;
  drained_.notify_all();
}

namespace {
std::atomic<Logger*>& globalSlot() {
  static std::atomic<Logger*> slot{nullptr};
  return slot;
}
}  // namespace

Logger& log() {
  if (Logger* l = globalSlot()) return *l;
  static Logger fallback(Level::kInfo);
  return fallback;
}

void setGlobalLogger(Logger* logger) {
  globalSlot() = logger;
  // Exceptions caught at a thread's boundary are logged in the seed's shape, once each.
  setSurpriseReporter([](ThreadKind kind, std::string_view what, std::string_view model) {
    log().error("Unexpected exception", {{"thread", std::string(threadKindName(kind))},
                                         {"error_type", "internal_error"},
                                         {"error_message", std::string(what.substr(0, 300))},
                                         {"model", std::string(model)}});
  });
}

}  // namespace cs::obs
