#include "http/rate_limiter.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <iterator>

#include "http/json_error.hpp"
#include "obs/logger.hpp"

namespace cs::http {

namespace {
bool matches(const std::string& pattern, std::string_view path) {
  if (!pattern.empty() && pattern.back() == '*')
    return path.starts_with(std::string_view(pattern).substr(0, pattern.size() - 1));
  return pattern == path;
}
constexpr auto kSweepEvery = std::chrono::seconds(5);
}  // namespace

RateLimiter::RateLimiter(RateLimitOptions options, const Clock& clock)
    : options_(std::move(options)),
      clock_(clock),
      resolver_(options_.trusted_proxies),
      rules_(options_.routes),
      per_shard_cap_(std::max<std::size_t>(1, options_.max_tracked / kShards)) {
  auto sane = [](RateLimitRule& r) {
    r.requests_per_second = std::max(r.requests_per_second, 1e-6);
    r.burst = std::max(r.burst, 1.0);
  };
  sane(options_.fallback);
  for (auto& r : rules_) sane(r);
  // Most specific first: exact paths, then longer prefixes, whatever order the config used;
  // ties keep the config's order. A stable insertion sort (a handful of rules): libstdc++ 12's
  // std::stable_sort uses std::get_temporary_buffer, deprecated in C++23, and clang warns.
  const auto more_specific = [](const RateLimitRule& a, const RateLimitRule& b) {
    const bool ap = a.path.ends_with('*'), bp = b.path.ends_with('*');
    if (ap != bp) return !ap;
    return ap && a.path.size() > b.path.size();
  };
  for (auto it = rules_.begin(); it != rules_.end(); ++it)
    std::rotate(std::upper_bound(rules_.begin(), it, *it, more_specific), it, std::next(it));
}

std::size_t RateLimiter::ruleFor(std::string_view path) const {
  for (std::size_t i = 0; i < rules_.size(); ++i)
    if (matches(rules_[i].path, path)) return i;
  return rules_.size();  // the fallback
}

double RateLimiter::refilled(const Bucket& b, std::chrono::steady_clock::time_point now) const {
  const auto& r = rule(b.rule);
  const double elapsed = std::chrono::duration<double>(now - b.last).count();
  return std::min(r.burst, b.tokens + std::max(0.0, elapsed) * r.requests_per_second);
}

void RateLimiter::sweep(Shard& shard, std::chrono::steady_clock::time_point now) {
  std::erase_if(shard.buckets, [&](const auto& kv) {
    return refilled(kv.second, now) >= rule(kv.second.rule).burst;
  });
  shard.next_sweep = now + kSweepEvery;
  if (shard.buckets.size() < per_shard_cap_) return;
  // Still full of active clients: forget the one idle longest (it only gains tokens by it).
  auto oldest =
      std::min_element(shard.buckets.begin(), shard.buckets.end(),
                       [](const auto& a, const auto& b) { return a.second.last < b.second.last; });
  if (oldest != shard.buckets.end()) shard.buckets.erase(oldest);
}

RateLimiter::Decision RateLimiter::take(std::string_view client, std::string_view path) {
  const std::size_t rule_index = ruleFor(path);
  const RateLimitRule& r = rule(rule_index);
  std::string key;
  key.reserve(client.size() + 8);
  key.append(std::to_string(rule_index)).push_back('|');
  key.append(client);
  Shard& shard = shards_[std::hash<std::string>{}(key) % kShards];
  const auto now = clock_.now();

  MutexLock lock(shard.mutex);
  auto it = shard.buckets.find(key);
  if (it == shard.buckets.end()) {
    if (now >= shard.next_sweep || shard.buckets.size() >= per_shard_cap_) sweep(shard, now);
    it = shard.buckets.emplace(std::move(key), Bucket{r.burst, now, rule_index, false}).first;
  }
  Bucket& b = it->second;
  b.tokens = refilled(b, now);
  b.last = now;
  Decision d{true, 0, &r};
  if (b.tokens >= 1.0) {
    b.tokens -= 1.0;
    b.limited = false;
    return d;
  }
  d.allowed = false;
  d.retry_after_s =
      std::max(1, static_cast<int>(std::ceil((1.0 - b.tokens) / r.requests_per_second)));
  if (!b.limited) {
    b.limited = true;
    obs::log().warn("Rate limit reached", {{"client", std::string(client)},
                                           {"rule", r.path},
                                           {"retry_after_s", d.retry_after_s},
                                           {"error_type", "rate_limited"}});
  }
  return d;
}

std::optional<Response> RateLimiter::check(const Request& request) {
  if (!options_.enabled) return std::nullopt;
  for (const auto& p : options_.exempt_paths)
    if (matches(p, request.path)) return std::nullopt;
  const auto d = take(resolver_.clientKey(request), request.path);
  if (d.allowed) return std::nullopt;
  rejected_.fetch_add(1, std::memory_order_relaxed);
  Response res = jsonError(ErrorCode::kRateLimited, "too many requests; retry after " +
                                                        std::to_string(d.retry_after_s) + " s");
  res.headers.set("Retry-After", std::to_string(d.retry_after_s));
  return res;
}

void RateLimiter::expireIdle() {
  const auto now = clock_.now();
  for (auto& s : shards_) {
    MutexLock lock(s.mutex);
    sweep(s, now);
  }
}

std::size_t RateLimiter::trackedBuckets() const {
  std::size_t n = 0;
  for (const auto& s : shards_) {
    MutexLock lock(s.mutex);
    n += s.buckets.size();
  }
  return n;
}

}  // namespace cs::http
