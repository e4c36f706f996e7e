#pragma once
#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/clock.hpp"
#include "core/mutex.hpp"
#include "http/client_address.hpp"
#include "http/message.hpp"

namespace cs::http {

// One token bucket shape: `burst` requests at once, refilled at `requests_per_second`.
struct RateLimitRule {
  std::string path;  // exact path, or a prefix when it ends with '*'
  double requests_per_second = 1.0;
  double burst = 1.0;
};

struct RateLimitOptions {
  bool enabled = true;
  RateLimitRule fallback{"*", 20.0, 60.0};  // every path without its own rule (pages, assets)
  // Each rule has its own bucket per client, so spending the compare budget (four paid LLM
  // calls per request) leaves the cheap saying budget alone.
  std::vector<RateLimitRule> routes = {
      {"/api/sayings", 10.0, 30.0}, {"/api/compare", 0.2, 5.0}, {"/api/feedback", 2.0, 20.0}};
  std::vector<std::string> exempt_paths = {"/healthz", "/readyz"};
  std::vector<IpRange> trusted_proxies;  // X-Forwarded-For is believed only from these peers
  std::size_t max_tracked = 100'000;     // buckets kept at most (memory stays bounded)
};

// Per-client token buckets. Thread-safe (sharded mutexes). A bucket that has refilled to
// `burst` is indistinguishable from a new one, so it is dropped: idle clients cost nothing,
// and the cap evicts the longest-idle bucket when a flood of new addresses arrives.
class RateLimiter {
 public:
  struct Decision {
    bool allowed = true;
    int retry_after_s = 0;  // whole seconds until one token is back (>= 1 when refused)
    const RateLimitRule* rule = nullptr;
  };

  RateLimiter(RateLimitOptions options, const Clock& clock);

  // Takes one token for `client` on `path`.
  Decision take(std::string_view client, std::string_view path);
  // The Pipeline before-hook: exempt paths pass, a refused request gets 429 + Retry-After.
  std::optional<Response> check(const Request& request);

  // Drops every bucket that has refilled (sweeps also happen on their own as clients arrive).
  void expireIdle();
  std::size_t trackedBuckets() const;
  std::uint64_t rejectedTotal() const { return rejected_.load(std::memory_order_relaxed); }
  const ClientResolver& resolver() const { return resolver_; }

 private:
  struct Bucket {
    double tokens = 0;
    std::chrono::steady_clock::time_point last;
    std::size_t rule = 0;
    bool limited = false;  // refused last time: log only the first refusal of a streak
  };
  struct Shard {
    mutable Mutex mutex;
    std::unordered_map<std::string, Bucket> buckets CS_GUARDED_BY(mutex);
    std::chrono::steady_clock::time_point next_sweep CS_GUARDED_BY(mutex){};
  };
  static constexpr std::size_t kShards = 16;

  std::size_t ruleFor(std::string_view path) const;
  const RateLimitRule& rule(std::size_t i) const {
    return i < rules_.size() ? rules_[i] : options_.fallback;
  }
  double refilled(const Bucket& b, std::chrono::steady_clock::time_point now) const;
  void sweep(Shard& shard, std::chrono::steady_clock::time_point now) CS_REQUIRES(shard.mutex);

  RateLimitOptions options_;
  const Clock& clock_;
  ClientResolver resolver_;
  std::vector<RateLimitRule> rules_;  // options_.routes, validated
  std::size_t per_shard_cap_;
  std::array<Shard, kShards> shards_;
  std::atomic<std::uint64_t> rejected_{0};
};

}  // namespace cs::http
