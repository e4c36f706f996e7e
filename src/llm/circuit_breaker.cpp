#include "llm/circuit_breaker.hpp"

namespace cs::llm {

void CircuitBreaker::prune(std::chrono::steady_clock::time_point now) {
  while (!failures_.empty() && now - failures_.front() > options_.window) failures_.pop_front();
}

bool CircuitBreaker::allow() {
  MutexLock lock(mutex_);
  const auto now = clock_.now();
  switch (state_) {
    case State::kClosed:
      return true;
    case State::kOpen:
      if (now - opened_at_ < options_.cool_down) return false;
      state_ = State::kHalfOpen;
      probe_in_flight_ = true;
      return true;
    case State::kHalfOpen:
      if (probe_in_flight_) return false;
      probe_in_flight_ = true;
      return true;
  }
  return false;
}

void CircuitBreaker::onSuccess() {
  MutexLock lock(mutex_);
  called_ = true;
  if (state_ == State::kHalfOpen) failures_.clear();
  state_ = State::kClosed;
  probe_in_flight_ = false;
}

void CircuitBreaker::onFailure() {
  MutexLock lock(mutex_);
  called_ = true;
  const auto now = clock_.now();
  if (state_ == State::kHalfOpen) {
    state_ = State::kOpen;
    opened_at_ = now;
    probe_in_flight_ = false;
    return;
  }
  failures_.push_back(now);
  prune(now);
  if (state_ == State::kClosed &&
      static_cast<int>(failures_.size()) >= options_.failure_threshold) {
    state_ = State::kOpen;
    opened_at_ = now;
  }
}

void CircuitBreaker::onAbandoned() {
  MutexLock lock(mutex_);
  if (state_ == State::kHalfOpen) probe_in_flight_ = false;
}

CircuitBreaker::State CircuitBreaker::state() const {
  MutexLock lock(mutex_);
  return state_;
}

std::string CircuitBreaker::health() const {
  MutexLock lock(mutex_);
  if (state_ != State::kClosed) return "open";
  if (!called_) return "unknown";
  const auto now = clock_.now();
  for (const auto& t : failures_)
    if (now - t <= options_.window) return "degraded";
  return "ok";
}

}  // namespace cs::llm
