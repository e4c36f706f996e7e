#pragma once
#include <chrono>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/mutex.hpp"
#include "core/ttl_cache.hpp"
#include "store/store.hpp"

namespace cs {

// Random and single-item reads of the store without a scan per request: the id list is
// refreshed when older than `id_list_ttl`, and single sayings sit behind a TTL cache
// (5 minutes by default, as in the original).
class SayingPicker {
 public:
  struct Options {
    std::chrono::milliseconds id_list_ttl{60'000};
    std::chrono::milliseconds item_ttl{300'000};
  };
  SayingPicker(Store& store, const Clock& clock, Options options);

  // A random saying other than `avoid_id` (when the store holds more than one).
  Result<Saying> pickRandom(const std::string& avoid_id);
  // The same pick answered from memory only (a fresh id list and the chosen saying cached),
  // or nullptr when that would need the store: the caller then uses pickRandom off the I/O
  // thread. Shares the cached saying; copies no strings.
  std::shared_ptr<const Saying> pickCached(const std::string& avoid_id);
  Result<std::optional<Saying>> get(const std::string& id);
  // A saying this instance just wrote: known to the picker without waiting for a refresh.
  void remember(const Saying& saying);
  // An id list the caller has just read from the store (start-up reads it anyway, to decide
  // whether to seed): it counts as a refresh, so the first request scans nothing.
  void prime(std::vector<std::string> ids);
  // Drops a cached copy (after its counters changed, say).
  void forget(const std::string& id) { items_.erase(id); }

 private:
  Result<std::shared_ptr<const std::vector<std::string>>> ids();
  std::size_t chooseIndex(const std::vector<std::string>& all, const std::string& avoid_id);

  Store& store_;
  const Clock& clock_;
  Options options_;
  TtlCache<std::string, std::shared_ptr<const Saying>> items_;
  Mutex mutex_;
  std::shared_ptr<const std::vector<std::string>> ids_ CS_GUARDED_BY(mutex_);
  std::chrono::steady_clock::time_point ids_expire_ CS_GUARDED_BY(mutex_){};
  std::mt19937_64 rng_ CS_GUARDED_BY(mutex_){std::random_device{}()};
};

}  // namespace cs
