#include "core/time_format.hpp"

#include <chrono>
#include <cstdio>

namespace cs {

std::string formatIsoUtcMs(std::int64_t epoch_ms) {
  using namespace std::chrono;
  const auto tp = sys_time<milliseconds>(milliseconds(epoch_ms));
  const auto day = floor<days>(tp);
  const year_month_day ymd{day};
  const hh_mm_ss hms{tp - day};
  char buf[64];  // roomy: -Wformat-truncation reasons about the full integer ranges
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02ld:%02ld:%02lld.%03lldZ", int(ymd.year()),
                unsigned(ymd.month()), unsigned(ymd.day()), long(hms.hours().count()),
                long(hms.minutes().count()), static_cast<long long>(hms.seconds().count()),
                static_cast<long long>(hms.subseconds().count()));
  return buf;
}

namespace {
bool digits(std::string_view s, std::size_t pos, std::size_t n, int& out) {
  if (pos + n > s.size()) return false;
  out = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}
}  // namespace

std::optional<std::int64_t> parseIsoUtc(std::string_view s) {
  using namespace std::chrono;
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  if (!digits(s, 0, 4, y) || s.size() < 10 || s[4] != '-' || !digits(s, 5, 2, mo) || s[7] != '-' ||
      !digits(s, 8, 2, d))
    return std::nullopt;
  const year_month_day ymd{year(y), month(unsigned(mo)), day(unsigned(d))};
  if (!ymd.ok()) return std::nullopt;
  std::int64_t ms = 0;
  std::size_t pos = 10;
  if (pos < s.size()) {
    if (s[pos] != 'T' && s[pos] != ' ') return std::nullopt;
    if (!digits(s, 11, 2, h) || s.size() < 19 || s[13] != ':' || !digits(s, 14, 2, mi) ||
        s[16] != ':' || !digits(s, 17, 2, sec) || h > 23 || mi > 59 || sec > 60)
      return std::nullopt;
    pos = 19;
    if (pos < s.size() && s[pos] == '.') {
      ++pos;
      int scale = 100;
      while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
        ms += static_cast<std::int64_t>(s[pos] - '0') * scale;
        scale /= 10;
        ++pos;
      }
    }
    int offset_min = 0;
    if (pos < s.size()) {
      if (s[pos] == 'Z' && pos + 1 == s.size()) {
      } else if ((s[pos] == '+' || s[pos] == '-') && s.size() == pos + 6 && s[pos + 3] == ':') {
        int oh = 0, om = 0;
        // ISO 8601 offsets run from -12:00 to +14:00 in whole minutes below 60: "+99:99"
        // is not an offset but a typo (or a probe), refused like any other bad date.
        if (!digits(s, pos + 1, 2, oh) || !digits(s, pos + 4, 2, om) || oh > 14 || om > 59)
          return std::nullopt;
        offset_min = (oh * 60 + om) * (s[pos] == '+' ? 1 : -1);
      } else {
        return std::nullopt;
      }
    }
    ms -= static_cast<std::int64_t>(offset_min) * 60'000;
  }
  const auto base = sys_days(ymd).time_since_epoch();
  return duration_cast<milliseconds>(base).count() + (h * 3600LL + mi * 60LL + sec) * 1000 + ms;
}

}  // namespace cs
