#include "core/memory.hpp"

#include <cstdlib>  // defines __GLIBC__ (through <features.h>) on glibc systems

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace cs {

void returnFreeMemoryToTheSystem() {
#if defined(__GLIBC__)
  ::malloc_trim(0);  // every arena, including the free pages inside them (glibc >= 2.8)
#endif
}

}  // namespace cs
