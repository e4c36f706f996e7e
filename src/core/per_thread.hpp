#pragma once
#include <atomic>
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "core/mutex.hpp"

namespace cs {

// One shard of T per thread that writes, merged by whoever reads (a scrape, a flush). A
// writer locks only its own shard, which no other writer ever takes, so counting on the hot
// path is an uncontended lock (no futex call, no cache line shared between I/O threads); the
// reader takes each shard's lock in turn. Shards belong to the PerThread, not to the thread:
// what a thread counted stays readable after it exits.
template <typename T>
class PerThread {
 public:
  PerThread() : id_(nextId()) {}
  PerThread(const PerThread&) = delete;
  PerThread& operator=(const PerThread&) = delete;

  // fn(T&) on the calling thread's shard.
  template <typename Fn>
  decltype(auto) withLocal(Fn&& fn) {
    Shard& shard = local();
    MutexLock lock(shard.mutex);
    return fn(shard.value);
  }

  // fn(T&) on every shard, one at a time, each under its lock.
  template <typename Fn>
  void forEach(Fn&& fn) const {
    std::vector<Shard*> all;
    {
      MutexLock lock(mutex_);
      all.reserve(shards_.size());
      for (const auto& s : shards_) all.push_back(s.get());
    }
    for (Shard* s : all) {
      MutexLock lock(s->mutex);
      fn(s->value);
    }
  }

 private:
  struct Shard {
    Mutex mutex;
    T value CS_GUARDED_BY(mutex){};
  };

  Shard& local() {
    // (owner id, its shard) for the owners this thread has written to. Ids are never reused,
    // so an entry of a destroyed owner is never matched (and never dereferenced).
    thread_local std::vector<std::pair<std::uint64_t, Shard*>> known;
    for (const auto& [id, shard] : known)
      if (id == id_) return *shard;
    auto owned = std::make_unique<Shard>();
    Shard* raw = owned.get();
    {
      MutexLock lock(mutex_);
      shards_.push_back(std::move(owned));
    }
    // Bounded: a thread that outlives many owners (tests) forgets the oldest; if one of
    // them is still alive it simply gets a second shard, which the readers merge too.
    if (known.size() >= 32) known.erase(known.begin());
    known.emplace_back(id_, raw);
    return *raw;
  }

  static std::uint64_t nextId() {
    static std::atomic<std::uint64_t> next{0};
    return next.fetch_add(1, std::memory_order_relaxed) + 1;
  }

  const std::uint64_t id_;
  mutable Mutex mutex_;
  std::vector<std::unique_ptr<Shard>> shards_ CS_GUARDED_BY(mutex_);
};

}  // namespace cs
