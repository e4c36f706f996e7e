#pragma once
#include <cstddef>
#include <deque>
#include <string>
#include <vector>

#include "core/mutex.hpp"

namespace cs::cache {

// Remembers which cloud services the most recent generated sayings used, so the builder can
// ask the next prompt to favour others and a pool does not fill with five S3 jokes.
class ServiceTracker {
 public:
  struct Options {
    std::size_t window = 30;  // how many recent sayings count
    std::size_t avoid = 6;    // at most this many services go into the prompt's avoid list
  };
  explicit ServiceTracker(Options options) : options_(options) {}

  void record(const std::vector<std::string>& services);
  // The most used services of the window, most used first (ties: most recent first).
  std::vector<std::string> avoidList() const;

 private:
  Options options_;
  mutable Mutex mutex_;
  std::deque<std::vector<std::string>> recent_ CS_GUARDED_BY(mutex_);
};

}  // namespace cs::cache
