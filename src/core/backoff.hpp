#pragma once
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <functional>
#include <thread>

namespace cs {

// Exponential backoff with full jitter (the AWS SDKs' and the AWS architecture blog's scheme):
// retry n (0 = the wait before the second attempt) waits `jitter` (a draw in [0, 1], clamped)
// of min(cap, base * 2^n). The one formula behind the LLM gateway's retries (llm/retry) and
// the DynamoDB client's (store/dynamo/backoff), which differ only in bounds and deadlines.
constexpr std::chrono::milliseconds fullJitterDelay(int retry, std::chrono::milliseconds base,
                                                    std::chrono::milliseconds cap, double jitter) {
  const int shift = std::clamp(retry, 0, 20);  // 2^20 * base is past any cap we set
  const auto ceiling =
      std::min<std::int64_t>(cap.count(), std::int64_t{base.count()} * (std::int64_t{1} << shift));
  return std::chrono::milliseconds(
      static_cast<std::int64_t>(std::clamp(jitter, 0.0, 1.0) * static_cast<double>(ceiling)));
}

static_assert(fullJitterDelay(0, std::chrono::milliseconds(250), std::chrono::milliseconds(4'000),
                              1.0) == std::chrono::milliseconds(250));
static_assert(fullJitterDelay(9, std::chrono::milliseconds(250), std::chrono::milliseconds(4'000),
                              0.5) == std::chrono::milliseconds(2'000));

// Waits that block the calling thread (synchronous callers: the DynamoDB client, `store
// init`); injected so tests record the waits instead of sleeping. Asynchronous callers wait on
// an executor timer instead (core/executor.hpp).
using Sleeper = std::function<void(std::chrono::milliseconds)>;
inline void sleepOnThisThread(std::chrono::milliseconds d) {
  std::this_thread::sleep_for(d);
}

}  // namespace cs
