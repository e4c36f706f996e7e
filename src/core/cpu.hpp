#pragma once

namespace cs {

// The cores this process may run on (sched_getaffinity), at least 1. Not the machine's count:
// a process pinned with taskset, or a container limited by cpuset, must not start a thread per
// core it cannot use (they would only take turns on the allowed ones).
unsigned allowedCores();

}  // namespace cs
