#include "cache/service_tracker.hpp"

#include <algorithm>
#include <unordered_map>

namespace cs::cache {

void ServiceTracker::record(const std::vector<std::string>& services) {
  if (options_.window == 0) return;
  MutexLock lock(mutex_);
  recent_.push_back(services);
  while (recent_.size() > options_.window) recent_.pop_front();
}

std::vector<std::string> ServiceTracker::avoidList() const {
  struct Count {
    std::string name;
    std::size_t count = 0;
    std::size_t last_seen = 0;
  };
  std::vector<Count> counts;
  {
    MutexLock lock(mutex_);
    std::unordered_map<std::string, std::size_t> index;
    std::size_t position = 0;
    for (const auto& services : recent_) {
      ++position;
      for (const auto& name : services) {
        auto [it, fresh] = index.try_emplace(name, counts.size());
        if (fresh) counts.push_back(Count{name, 0, 0});
        counts[it->second].count++;
        counts[it->second].last_seen = position;
      }
    }
  }
  std::sort(counts.begin(), counts.end(), [](const Count& a, const Count& b) {
    return a.count != b.count ? a.count > b.count : a.last_seen > b.last_seen;
  });
  std::vector<std::string> out;
  for (std::size_t i = 0; i < counts.size() && i < options_.avoid; ++i)
    out.push_back(counts[i].name);
  return out;
}

}  // namespace cs::cache
