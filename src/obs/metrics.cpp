#include "obs/metrics.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>

#include "core/thread_boundary.hpp"
#include "obs/logger.hpp"

namespace cs::obs {

namespace {
// Seconds, from well under a millisecond (cache hits) to a minute (slow LLM calls).
constexpr std::array<double, 16> kSecondsBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                    0.05,   0.1,   0.25,   0.5,   1.0,  2.5,
                                                    5.0,    10.0,  30.0,   60.0};

std::string number(double v) {
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (std::isnan(v)) return "NaN";
  if (v == std::floor(v) && std::fabs(v) < 1e15) return std::to_string(static_cast<long long>(v));
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

std::string labelText(const Labels& labels, std::string_view extra_name = {},
                      std::string_view extra_value = {}) {
  if (labels.empty() && extra_name.empty()) return {};
  std::string out = "{";
  bool first = true;
  for (const auto& [k, v] : labels) {
    if (!first) out += ',';
    first = false;
    out += k + "=\"" + escapeLabelValue(v) + '"';
  }
  if (!extra_name.empty()) {
    if (!first) out += ',';
    out += std::string(extra_name) + "=\"" + std::string(extra_value) + '"';
  }
  return out + "}";
}

void header(std::string& out, std::string_view name, std::string_view help, std::string_view type) {
  out += "# HELP ";
  out += name;
  out += ' ';
  out += help;
  out += "\n# TYPE ";
  out += name;
  out += ' ';
  out += type;
  out += '\n';
}

// A histogram's cells in one shard (non-cumulative buckets, one per kSecondsBuckets bound).
struct HistogramCells {
  std::array<std::uint64_t, kSecondsBuckets.size()> buckets{};
  std::uint64_t count = 0;
  double sum = 0.0;

  void observe(double v) {
    for (std::size_t i = 0; i < kSecondsBuckets.size(); ++i)
      if (v <= kSecondsBuckets[i]) {
        ++buckets[i];
        break;
      }
    sum += v;
    ++count;
  }
  void add(const HistogramCells& o) {
    for (std::size_t i = 0; i < buckets.size(); ++i) buckets[i] += o.buckets[i];
    count += o.count;
    sum += o.sum;
  }
};

void renderHistogram(std::string& out, const std::string& name, const Labels& labels,
                     const HistogramCells& h) {
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < kSecondsBuckets.size(); ++i) {
    cumulative += h.buckets[i];
    out += name + "_bucket" + labelText(labels, "le", number(kSecondsBuckets[i])) + ' ' +
           number(static_cast<double>(cumulative)) + '\n';
  }
  out += name + "_bucket" + labelText(labels, "le", "+Inf") + ' ' +
         number(static_cast<double>(h.count)) + '\n';
  out += name + "_sum" + labelText(labels) + ' ' + number(h.sum) + '\n';
  out += name + "_count" + labelText(labels) + ' ' + number(static_cast<double>(h.count)) + '\n';
}
}  // namespace

std::string escapeLabelValue(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '"')
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

struct Metrics::RequestCells {
  HistogramCells total_seconds, api_seconds;
  double requests = 0, errors = 0, tokens = 0, cost_usd = 0, cache_hits = 0;

  void add(const RequestCells& o) {
    total_seconds.add(o.total_seconds);
    api_seconds.add(o.api_seconds);
    requests += o.requests;
    errors += o.errors;
    tokens += o.tokens;
    cost_usd += o.cost_usd;
    cache_hits += o.cache_hits;
  }
};

struct Metrics::Family {
  std::string help;
  std::string type;  // counter | gauge
  std::map<Labels, std::unique_ptr<Counter>> counters;
  std::map<Labels, std::unique_ptr<Gauge>> gauges;
};

Metrics::Metrics() : series_(std::make_unique<PerThread<SeriesMap>>()) {}
Metrics::~Metrics() = default;

void Metrics::recordResponse(int status) {
  const std::size_t cls =
      status >= 100 && status < 600 ? static_cast<std::size_t>(status / 100 - 1) : 5;
  responses_by_class_[cls].fetch_add(1, std::memory_order_relaxed);
}

Metrics::SeriesKey Metrics::admit(std::pair<std::string_view, std::string_view> key) {
  MutexLock lock(mutex_);
  if (admitted_.find(key) != admitted_.end()) return SeriesKey(key);
  SeriesKey out(key);
  if (admitted_.size() >= kMaxRequestSeries) out.second = "other";
  admitted_.try_emplace(out, true);
  return out;
}

void Metrics::recordRequest(const RequestSample& s) {
  const std::pair<std::string_view, std::string_view> key(s.source, s.model);
  series_->withLocal([&](SeriesMap& local) {
    auto it = local.find(key);
    if (it == local.end()) it = local.try_emplace(admit(key)).first;
    RequestCells& c = it->second;
    c.total_seconds.observe(s.total_ms / 1000.0);
    if (s.api_ms) c.api_seconds.observe(*s.api_ms / 1000.0);
    c.requests += 1;
    if (s.status >= 500) c.errors += 1;
    if (s.tokens > 0) c.tokens += static_cast<double>(s.tokens);
    if (s.cost_usd > 0) c.cost_usd += s.cost_usd;
    if (s.cache_hit) c.cache_hits += 1;
  });
}

Metrics::Family& Metrics::family(const std::string& name, const std::string& help,
                                 const char* type) {
  auto& f = families_[name];
  if (!f) f = std::make_unique<Family>(Family{help, type, {}, {}});
  return *f;
}

Counter& Metrics::counter(const std::string& name, const std::string& help, const Labels& labels) {
  MutexLock lock(mutex_);
  auto& slot = family(name, help, "counter").counters[labels];
  if (!slot) slot = std::make_unique<Counter>();
  return *slot;
}

Gauge& Metrics::gauge(const std::string& name, const std::string& help, const Labels& labels) {
  MutexLock lock(mutex_);
  auto& slot = family(name, help, "gauge").gauges[labels];
  if (!slot) slot = std::make_unique<Gauge>();
  return *slot;
}

void Metrics::onRender(std::function<void(Metrics&)> fn) {
  MutexLock lock(mutex_);
  render_hooks_.push_back(std::move(fn));
}

std::string Metrics::renderPrometheus() {
  std::vector<std::function<void(Metrics&)>> hooks;
  {
    MutexLock lock(mutex_);
    hooks = render_hooks_;
  }
  for (auto& fn : hooks) fn(*this);
  // Exceptions caught at thread boundaries (core/thread_boundary): every kind, zeros included,
  // so an alert can watch the series before the first surprise.
  for (std::size_t i = 0; i < static_cast<std::size_t>(ThreadKind::kCount); ++i) {
    const auto kind = static_cast<ThreadKind>(i);
    counter("cloudsayings_thread_exceptions_total",
            "Unexpected exceptions caught at a thread's boundary (each logged once).",
            {{"thread", std::string(threadKindName(kind))}})
        .raiseTo(static_cast<double>(surprisesIn(kind)));
  }
  // Lines the logger's bounded queue refused while its writer was behind (a slow stdout).
  counter("cloudsayings_log_lines_dropped_total",
          "Log lines dropped because the logger's queue was full (its output was too slow).")
      .raiseTo(static_cast<double>(log().dropped()));

  SeriesMap series;
  series_->forEach([&](const SeriesMap& shard) {
    for (const auto& [key, cells] : shard) series[key].add(cells);
  });
  MutexLock lock(mutex_);
  std::string out;
  out.reserve(4096 + series.size() * 4096);
  struct Part {
    const char* name;
    const char* help;
    const char* type;
  };
  // The original's CloudWatch names map to these (docs/observability.md).
  constexpr Part kTotal{"cloudsayings_total_execution_time_seconds",
                        "TotalExecutionTime: end-to-end request time in seconds.", "histogram"};
  constexpr Part kApi{"cloudsayings_api_latency_seconds",
                      "APILatency: upstream LLM call time in seconds, for requests that made one.",
                      "histogram"};
  constexpr Part kTokens{"cloudsayings_tokens_used_total", "TokensUsed: input plus output tokens.",
                         "counter"};
  constexpr Part kCost{"cloudsayings_cost_usd_total", "Cost: estimated LLM cost in US dollars.",
                       "counter"};
  constexpr Part kHits{"cloudsayings_cache_hit_total",
                       "CacheHit: requests served from the in-memory cache.", "counter"};
  constexpr Part kRequests{"cloudsayings_requests_total", "Saying requests by source and model.",
                           "counter"};
  constexpr Part kErrors{"cloudsayings_errors_total", "Saying requests answered with a 5xx status.",
                         "counter"};

  // A request no model served (fallback) has no model label: never model="none".
  auto labelsOf = [](const auto& key) {
    if (key.second.empty()) return Labels{{"source", key.first}};
    return Labels{{"source", key.first}, {"model", key.second}};
  };
  header(out, kTotal.name, kTotal.help, kTotal.type);
  for (const auto& [key, s] : series)
    renderHistogram(out, kTotal.name, labelsOf(key), s.total_seconds);
  header(out, kApi.name, kApi.help, kApi.type);
  for (const auto& [key, s] : series)
    if (s.api_seconds.count > 0) renderHistogram(out, kApi.name, labelsOf(key), s.api_seconds);
  auto counterPart = [&](const Part& part, double RequestCells::*member) {
    header(out, part.name, part.help, part.type);
    for (const auto& [key, s] : series)
      out += std::string(part.name) + labelText(labelsOf(key)) + ' ' + number(s.*member) + '\n';
  };
  counterPart(kRequests, &RequestCells::requests);
  counterPart(kErrors, &RequestCells::errors);
  counterPart(kTokens, &RequestCells::tokens);
  counterPart(kCost, &RequestCells::cost_usd);
  counterPart(kHits, &RequestCells::cache_hits);

  header(out, "cloudsayings_http_responses_total", "HTTP responses by status class.", "counter");
  constexpr std::array<const char*, 6> kClasses = {"1xx", "2xx", "3xx", "4xx", "5xx", "other"};
  for (std::size_t i = 0; i < kClasses.size(); ++i)
    out += std::string("cloudsayings_http_responses_total{code=\"") + kClasses[i] + "\"} " +
           number(static_cast<double>(responses_by_class_[i].load(std::memory_order_relaxed))) +
           '\n';

  for (const auto& [name, f] : families_) {
    header(out, name, f->help, f->type);
    for (const auto& [labels, c] : f->counters)
      out += name + labelText(labels) + ' ' + number(c->value()) + '\n';
    for (const auto& [labels, g] : f->gauges)
      out += name + labelText(labels) + ' ' + number(g->value()) + '\n';
  }
  return out;
}

}  // namespace cs::obs
