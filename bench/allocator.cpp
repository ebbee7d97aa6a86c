#include "bench/allocator.h"

#include <cstdlib>

#ifdef MAILLAB_MIMALLOC
#include <mimalloc.h>
#endif

namespace maillab::bench {

std::string allocator_name() {
#ifdef MAILLAB_MIMALLOC
  // Through a volatile pointer, so that the compiler cannot drop the malloc/free pair.
  void* (*volatile allocate)(std::size_t) = std::malloc;
  void* block = allocate(64);
  const bool served_by_mimalloc = mi_is_in_heap_region(block);
  std::free(block);
  if (served_by_mimalloc) {
    const int version = mi_version();  // 209 for 2.0.9
    return "mimalloc " + std::to_string(version / 100) + "." + std::to_string(version / 10 % 10) + "." +
           std::to_string(version % 10);
  }
#endif
  return "glibc";
}

}  // namespace maillab::bench
