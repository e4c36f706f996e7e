#include <gtest/gtest.h>
#include <sched.h>

#include <thread>

#include "core/cpu.hpp"

namespace cs::testing {
namespace {

// io_threads = 0 starts one I/O thread per allowedCores(): under taskset (or a cpuset) that
// must be the cores the process may use, not the machine's.
TEST(AllowedCores, FollowsTheAffinityNotTheMachine) {
  cpu_set_t original;
  ASSERT_EQ(sched_getaffinity(0, sizeof(original), &original), 0);
  EXPECT_EQ(allowedCores(), static_cast<unsigned>(CPU_COUNT(&original)));
  // In a thread of its own, so the test binary's other threads keep their affinity.
  unsigned pinned = 0;
  std::thread([&] {
    int first = 0;
    while (!CPU_ISSET(first, &original)) ++first;
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(first, &one);
    if (sched_setaffinity(0, sizeof(one), &one) == 0) pinned = allowedCores();
  }).join();
  EXPECT_EQ(pinned, 1u);
}

}  // namespace
}  // namespace cs::testing
