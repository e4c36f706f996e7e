#include "app/allocator.hpp"

#include <cstdlib>

#ifdef CS_MIMALLOC
#include <mimalloc.h>
#endif

namespace cs::app {

std::string allocatorName() {
#ifdef CS_MIMALLOC
  // std::calloc, not mi_calloc: this asks which allocator the C library's names resolve to.
  // calloc: g++ 12 warns on handing uninitialised memory to a const void* parameter.
  void* probe = std::calloc(1, 16);
  const bool from_mimalloc = probe != nullptr && mi_is_in_heap_region(probe);
  std::free(probe);
  if (from_mimalloc) {
    const int v = mi_version();  // 209 is 2.0.9
    return "mimalloc " + std::to_string(v / 100) + "." + std::to_string(v / 10 % 10) + "." +
           std::to_string(v % 10);
  }
#endif
  return "glibc malloc";
}

}  // namespace cs::app
