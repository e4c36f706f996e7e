#pragma once
#include <string>

namespace cs::app {

// The allocator this process really allocates from, for the start-up log: "mimalloc 2.0.9"
// when the build links mimalloc (CMake option CS_MIMALLOC) and a probe allocation came from
// its heap, else "glibc malloc". The probe proves the override took effect, not only the link.
std::string allocatorName();

}  // namespace cs::app
