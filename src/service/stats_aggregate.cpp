#include "service/stats_aggregate.hpp"

#include <algorithm>
#include <array>
#include <limits>

#include "core/clock.hpp"

namespace cs {

namespace {
constexpr std::int64_t kMinute = 60'000;
constexpr std::int64_t kHour = 60 * kMinute;
constexpr std::int64_t kDay = 24 * kHour;

void addVote(Figures& f, const FeedbackRecord& r, std::optional<double> rt) {
  if (r.vote == Vote::kUp)
    ++f.positive;
  else
    ++f.negative;
  if (rt) {
    f.response_time_sum_ms += *rt;
    ++f.response_time_samples;
  }
}

void addVoteRow(Figures& f, const VoteRow& r) {
  f.positive += r.positive;
  f.negative += r.negative;
  f.response_time_sum_ms += r.response_time_sum_ms;
  f.response_time_samples += r.response_time_samples;
}

void addRollup(Figures& f, const RequestStatsRow& r) {
  f.invocations += r.invocations;
  f.errors += r.errors;
  f.cache_hits += r.cache_hits;
  f.tokens += r.tokens;
  f.cost_usd += r.cost_usd;
  f.execution_ms_sum += r.total_ms;
}

void addSpend(Figures& f, const LedgerRow& r) {
  Spend& s = f.spend;
  s.calls += r.calls;
  s.failed_calls += r.failed_calls;
  s.input_tokens += r.input_tokens;
  s.output_tokens += r.output_tokens;
  s.cost_usd += r.cost_usd;
  PurposeSpend& p = s.by_purpose[r.purpose];
  p.calls += r.calls;
  p.input_tokens += r.input_tokens;
  p.output_tokens += r.output_tokens;
  p.cost_usd += r.cost_usd;
}

// name -> index into a vector, remembering the last hit: records arrive in runs of one model.
template <typename Row>
class Index {
 public:
  Row& at(const std::string& name, std::vector<Row>& rows, auto make) {
    if (last_ && *last_name_ == name) return rows[*last_];
    auto [it, inserted] = map_.try_emplace(name, rows.size());
    if (inserted) rows.push_back(make());
    last_ = it->second;
    last_name_ = &it->first;
    return rows[it->second];
  }

 private:
  std::unordered_map<std::string, std::size_t> map_;
  std::optional<std::size_t> last_;
  const std::string* last_name_ = nullptr;
};

std::int64_t weight(const Figures& f) {
  return f.total() + f.invocations;
}
}  // namespace

double Figures::successRate() const {
  return total() == 0 ? 0.0 : static_cast<double>(positive) / static_cast<double>(total()) * 100.0;
}
double Figures::avgResponseTimeMs() const {
  return response_time_samples == 0
             ? 0.0
             : response_time_sum_ms / static_cast<double>(response_time_samples);
}
double Figures::cacheHitRate() const {
  return invocations == 0
             ? 0.0
             : static_cast<double>(cache_hits) / static_cast<double>(invocations) * 100.0;
}

std::int64_t bucketSizeFor(std::int64_t range_ms) {
  static constexpr std::array<std::int64_t, 11> kSteps = {
      kMinute,   5 * kMinute, 15 * kMinute, 30 * kMinute, kHour,    3 * kHour,
      6 * kHour, 12 * kHour,  kDay,         7 * kDay,     30 * kDay};
  for (auto step : kSteps)
    if ((range_ms + step - 1) / step <= kMaxBuckets) return step;
  return kSteps.back();
}

namespace {
// What of the input matches the filter, and the window it covers.
struct Selection {
  std::vector<const FeedbackRecord*> votes;
  std::vector<std::pair<const RequestStatsRow*, std::string>> rollups;  // with their provider
  std::vector<const LedgerRow*> spent;
  StatsWindow window;
};

Selection select(const StatsInput& in, const StatsFilter& filter) {
  Selection sel;
  const std::int64_t to = filter.to_ms > 0 ? filter.to_ms : in.now_ms;
  const std::int64_t from = filter.from_ms;
  const std::int64_t rollup_from = periodStartMs(from, kMinute);

  // Providers of models, learned from the votes (which carry both), for the rollup rows.
  std::unordered_map<std::string, std::string> provider_by_model;
  const std::string* last_model = nullptr;
  for (const auto& r : in.feedback) {
    if (last_model && *last_model == r.model) continue;
    provider_by_model.try_emplace(r.model, r.provider);
    last_model = &r.model;
  }
  for (const auto& r : in.vote_rows) provider_by_model.try_emplace(r.model, r.provider);
  auto providerOf = [&](const std::string& model) -> std::string {
    if (auto it = provider_by_model.find(model); it != provider_by_model.end()) return it->second;
    std::string p = in.provider_of ? in.provider_of(model) : std::string();
    if (p.empty()) p = model == "corpus" || model == "none" ? model : "unknown";
    provider_by_model.emplace(model, p);
    return p;
  };

  // Where the data starts when `from` is open.
  std::int64_t earliest = std::numeric_limits<std::int64_t>::max();
  if (in.first_vote_minute_ms) earliest = std::max(*in.first_vote_minute_ms, rollup_from);
  sel.votes.reserve(in.feedback.size());
  for (const auto& r : in.feedback) {
    if (r.created_at_ms < from || r.created_at_ms >= to) continue;
    if (filter.provider && r.provider != *filter.provider) continue;
    if (filter.model && r.model != *filter.model) continue;
    sel.votes.push_back(&r);
    earliest = std::min(earliest, r.created_at_ms);
  }
  for (const auto& r : in.rollups) {
    if (r.minute_ms < rollup_from || r.minute_ms >= to) continue;
    if (filter.model && r.model != *filter.model) continue;
    std::string provider = providerOf(r.model);
    if (filter.provider && provider != *filter.provider) continue;
    sel.rollups.emplace_back(&r, std::move(provider));
    earliest = std::min(earliest, r.minute_ms);
  }
  for (const auto& r : in.ledger) {
    if (r.minute_ms < rollup_from || r.minute_ms >= to) continue;
    if (filter.model && r.model != *filter.model) continue;
    if (filter.provider && r.provider != *filter.provider) continue;
    sel.spent.push_back(&r);
    earliest = std::min(earliest, r.minute_ms);
  }

  StatsWindow& w = sel.window;
  w.to_ms = to;
  w.from_ms = filter.from_given
                  ? from
                  : (earliest == std::numeric_limits<std::int64_t>::max() ? to : earliest);
  if (w.to_ms > w.from_ms) w.bucket_ms = bucketSizeFor(w.to_ms - w.from_ms);
  return sel;
}
}  // namespace

StatsWindow statsWindow(const StatsInput& in, const StatsFilter& filter) {
  return select(in, filter).window;
}

Stats aggregate(const StatsInput& in, const StatsFilter& filter) {
  Stats out;
  const Selection sel = select(in, filter);
  const auto& votes = sel.votes;
  const auto& rollups = sel.rollups;
  const auto& spent = sel.spent;
  out.to_ms = sel.window.to_ms;
  out.from_ms = sel.window.from_ms;
  if (sel.window.bucket_ms > 0) {
    out.bucket_ms = sel.window.bucket_ms;
    const std::int64_t first = periodStartMs(out.from_ms, out.bucket_ms);
    const std::int64_t n = (out.to_ms - 1 - first) / out.bucket_ms + 1;
    out.series.resize(static_cast<std::size_t>(std::max<std::int64_t>(n, 0)));
    for (std::size_t i = 0; i < out.series.size(); ++i)
      out.series[i].start_ms = first + static_cast<std::int64_t>(i) * out.bucket_ms;
  }
  auto bucketOf = [&](std::int64_t t) -> Figures* {
    if (out.series.empty()) return nullptr;
    const std::int64_t i = (t - out.series.front().start_ms) / out.bucket_ms;
    if (i < 0 || i >= static_cast<std::int64_t>(out.series.size())) return nullptr;
    return &out.series[static_cast<std::size_t>(i)].figures;
  };

  // Pass 2: accumulate.
  Index<ModelFigures> model_index;
  Index<ProviderFigures> provider_index;
  // Votes per saying first, then each distinct saying's services once: one hash lookup per
  // vote instead of one per vote and service.
  std::unordered_map<std::string_view, std::pair<std::int64_t, std::int64_t>> per_saying;
  for (const FeedbackRecord* r : votes) {
    const auto rt = responseTimeSample(*r);
    addVote(out.totals, *r, rt);
    addVote(model_index
                .at(r->model, out.models,
                    [&] {
                      return ModelFigures{r->model, r->provider, {}};
                    })
                .figures,
            *r, rt);
    addVote(provider_index
                .at(r->provider, out.providers,
                    [&] {
                      return ProviderFigures{r->provider, {}};
                    })
                .figures,
            *r, rt);
    if (Figures* b = bucketOf(r->created_at_ms)) addVote(*b, *r, rt);
    if (!in.services_by_saying) continue;
    auto& counts = per_saying[r->saying_id];
    if (r->vote == Vote::kUp)
      ++counts.first;
    else
      ++counts.second;
  }
  for (const VoteRow& r : in.vote_rows) {
    addVoteRow(out.totals, r);
    if (Figures* b = bucketOf(r.minute_ms)) addVoteRow(*b, r);
    addVoteRow(
        model_index.at(r.model, out.models,
                       [&] {
                         return ModelFigures{r.model, r.provider, {}};
                       })
            .figures,
        r);
    addVoteRow(provider_index
                   .at(r.provider, out.providers,
                       [&] {
                         return ProviderFigures{r.provider, {}};
                       })
                   .figures,
               r);
  }
  if (in.services_by_saying)
    for (const VoteSample& v : in.service_votes) {
      auto& counts = per_saying[v.saying_id];
      if (v.vote == Vote::kUp)
        ++counts.first;
      else
        ++counts.second;
    }
  std::unordered_map<std::string, ServiceMention> services;
  for (const auto& [saying_id, counts] : per_saying) {
    auto it = in.services_by_saying->find(std::string(saying_id));
    if (it == in.services_by_saying->end()) continue;
    for (const auto& name : it->second) {
      auto& m = services[name];
      ++m.sayings;
      m.positive += counts.first;
      m.negative += counts.second;
    }
  }
  for (const auto& [row, provider] : rollups) {
    addRollup(out.totals, *row);
    if (Figures* b = bucketOf(row->minute_ms)) addRollup(*b, *row);
    if (row->model == "none") continue;  // fallback answers: in the totals, not a model
    addRollup(model_index
                  .at(row->model, out.models,
                      [&] {
                        return ModelFigures{row->model, provider, {}};
                      })
                  .figures,
              *row);
    addRollup(
        provider_index.at(provider, out.providers,
                          [&] {
                            return ProviderFigures{provider, {}};
                          })
            .figures,
        *row);
  }

  for (const LedgerRow* row : spent) {
    addSpend(out.totals, *row);
    if (Figures* b = bucketOf(row->minute_ms)) addSpend(*b, *row);
    addSpend(model_index
                 .at(row->model, out.models,
                     [&] {
                       return ModelFigures{row->model, row->provider, {}};
                     })
                 .figures,
             *row);
    addSpend(provider_index
                 .at(row->provider, out.providers,
                     [&] {
                       return ProviderFigures{row->provider, {}};
                     })
                 .figures,
             *row);
  }

  auto byWeight = [](const auto& name_of) {
    return [name_of](const auto& a, const auto& b) {
      if (weight(a.figures) != weight(b.figures)) return weight(a.figures) > weight(b.figures);
      return name_of(a) < name_of(b);
    };
  };
  std::ranges::sort(out.models, byWeight([](const ModelFigures& m) { return m.model; }));
  std::ranges::sort(out.providers, byWeight([](const ProviderFigures& p) { return p.provider; }));
  out.services.reserve(services.size());
  for (auto& [name, m] : services) {
    m.service = name;
    out.services.push_back(std::move(m));
  }
  std::ranges::sort(out.services, [](const ServiceMention& a, const ServiceMention& b) {
    if (a.sayings != b.sayings) return a.sayings > b.sayings;
    if (a.positive + a.negative != b.positive + b.negative)
      return a.positive + a.negative > b.positive + b.negative;
    return a.service < b.service;
  });
  if (out.services.size() > Stats::kTopServices) out.services.resize(Stats::kTopServices);
  return out;
}

}  // namespace cs
