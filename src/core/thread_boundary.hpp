#pragma once
#include <array>
#include <atomic>
#include <cstdint>
#include <exception>
#include <functional>
#include <string_view>

// Every thread's entry is a failure boundary: an exception that escapes the work of a thread
// (a bug, or a library that throws where we did not expect it) must not reach std::terminate
// and take every client's connection with it. runGuarded() catches it, counts it per thread
// kind, reports it once (app wires the reporter to the logger: error_type, error_message,
// model) and tells the caller, which turns it into that call's error result.
namespace cs {

enum class ThreadKind : std::uint8_t {
  kCacheBuilder,  // a model's refill worker
  kTransport,     // the libcurl multi loop
  kLogger,        // the log writer
  kStatsFlusher,  // the request-statistics flusher
  kWorkerPool,    // the HTTP server's blocking-route workers
  kCompare,       // a compare's per-model completion
  kExecutor,      // a job of the executor (LLM call steps, timers, completions)
  kCount
};

std::string_view threadKindName(ThreadKind kind);

// Called once per caught exception; must not throw (a throwing reporter is ignored).
using SurpriseReporter =
    std::function<void(ThreadKind kind, std::string_view what, std::string_view model)>;
// Installed at start-up, before threads start; the default writes one JSON line to stderr.
void setSurpriseReporter(SurpriseReporter reporter);

// Exceptions caught at the boundary of threads of this kind since start.
std::uint64_t surprisesIn(ThreadKind kind);

// Records one caught exception: counted, then reported. Never throws.
void noteSurprise(ThreadKind kind, std::string_view what, std::string_view model = {}) noexcept;

// Runs fn(); an exception escaping it is noted and swallowed. True when fn returned normally.
template <typename Fn>
bool runGuarded(ThreadKind kind, std::string_view model, Fn&& fn) noexcept {
  try {
    std::forward<Fn>(fn)();
    return true;
  } catch (const std::exception& e) {
    noteSurprise(kind, e.what(), model);
  } catch (...) {
    noteSurprise(kind, "an exception that is not a std::exception", model);
  }
  return false;
}

}  // namespace cs
