#pragma once
#include <cstddef>
#include <string>
#include <unordered_map>

#include "core/mutex.hpp"

namespace cs::http {

// Open connections per client address, bounded: one address holding thousands of idle
// sockets must not take every slot of max_connections from everyone else. Taken by the
// accept loop, released by the session from its own I/O thread, hence the mutex.
class AddressSlots {
 public:
  explicit AddressSlots(std::size_t per_address) : per_address_(per_address) {}

  // False (and nothing taken) when `address` already holds its share.
  bool tryTake(const std::string& address) {
    MutexLock lock(mutex_);
    auto& n = open_[address];
    if (n >= per_address_) return false;
    ++n;
    return true;
  }
  void release(const std::string& address) {
    MutexLock lock(mutex_);
    auto it = open_.find(address);
    if (it == open_.end()) return;
    if (--it->second == 0) open_.erase(it);  // the map holds only addresses with open sockets
  }

 private:
  std::size_t per_address_;
  Mutex mutex_;
  std::unordered_map<std::string, std::size_t> open_ CS_GUARDED_BY(mutex_);
};

}  // namespace cs::http
