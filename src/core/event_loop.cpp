#include "core/event_loop.hpp"

namespace cs {
namespace {
thread_local EventLoop* t_current = nullptr;
}  // namespace

EventLoop* EventLoop::current() noexcept {
  return t_current;
}

EventLoop::Scope::Scope(EventLoop& loop) noexcept : previous_(t_current) {
  t_current = &loop;
}

EventLoop::Scope::~Scope() {
  t_current = previous_;
}

}  // namespace cs
