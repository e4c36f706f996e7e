#include "service/stats_filter.hpp"

#include <charconv>

#include "core/time_format.hpp"

namespace cs {

namespace {
const std::string* param(const std::map<std::string, std::string>& q, const char* name) {
  auto it = q.find(name);
  return it == q.end() ? nullptr : &it->second;
}

std::optional<std::int64_t> relativeMs(std::string_view text) {
  if (text.size() < 2) return std::nullopt;
  std::int64_t unit = 0;
  switch (text.back()) {
    case 's':
      unit = 1000;
      break;
    case 'm':
      unit = 60'000;
      break;
    case 'h':
      unit = 3'600'000;
      break;
    case 'd':
      unit = 86'400'000;
      break;
    case 'w':
      unit = 7 * 86'400'000LL;
      break;
    default:
      return std::nullopt;
  }
  std::int64_t n = 0;
  const auto digits = text.substr(0, text.size() - 1);
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  // At most ~100 years back, so the product never overflows.
  constexpr std::int64_t kMaxBackMs = 100LL * 366 * 86'400'000;
  if (ec != std::errc() || end != digits.data() + digits.size() || n < 0 || n > kMaxBackMs / unit)
    return std::nullopt;
  return n * unit;
}

Result<std::int64_t> timeParam(const char* name, const std::string& text, std::int64_t now_ms,
                               bool allow_now) {
  if (allow_now && text == "now") return now_ms;
  if (auto rel = relativeMs(text)) return now_ms - *rel;
  if (auto abs = parseIsoUtc(text)) return *abs;
  return fail(ErrorCode::kBadRequest,
              std::string(name) + ": \"" + text.substr(0, 64) +
                  "\" is neither ISO-8601 (2024-01-15T10:30:00Z) nor relative (24h, 7d, 30m)");
}

bool validName(std::string_view v) {
  if (v.empty() || v.size() > 64) return false;
  for (char c : v)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
          c == '_' || c == '-' || c == ':' || c == '/'))
      return false;
  return true;
}
}  // namespace

Result<StatsFilter> parseStatsFilter(const std::map<std::string, std::string>& q,
                                     std::int64_t now_ms) {
  StatsFilter f;
  f.to_ms = now_ms;
  if (const auto* from = param(q, "from"); from && !from->empty()) {
    auto t = timeParam("from", *from, now_ms, false);
    if (!t) return std::unexpected(t.error());
    f.from_ms = *t;
    f.from_given = true;
  }
  if (const auto* to = param(q, "to"); to && !to->empty()) {
    auto t = timeParam("to", *to, now_ms, true);
    if (!t) return std::unexpected(t.error());
    f.to_ms = *t;
  }
  if (f.from_given && f.from_ms >= f.to_ms)
    return fail(ErrorCode::kBadRequest, "from: must be earlier than to");
  if (f.to_ms <= 0) return fail(ErrorCode::kBadRequest, "to: must be after 1970-01-01");
  for (const char* name : {"provider", "model"}) {
    const auto* v = param(q, name);
    if (!v || v->empty()) continue;
    if (!validName(*v))
      return fail(
          ErrorCode::kBadRequest,
          std::string(name) + ": expected a name of letters, digits and . _ - : / (at most 64)");
    (std::string_view(name) == "provider" ? f.provider : f.model) = *v;
  }
  return f;
}

std::string statsCacheKey(const std::map<std::string, std::string>& q) {
  std::string key;
  for (const char* name : {"from", "to", "provider", "model"}) {
    if (const auto* v = param(q, name)) key += *v;
    key += '\x1f';
  }
  return key;
}

}  // namespace cs
