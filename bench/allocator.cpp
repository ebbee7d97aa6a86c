#include "bench/allocator.h"

#include <dlfcn.h>

#include <cstdlib>

namespace maillab::bench {

std::string allocator_name() {
  // Asked of the process, not of the build: mimalloc's functions are looked up by name, so this
  // works (and says "glibc") in any program, linked with mimalloc or not.
  using OwnsBlock = bool (*)(const void*);
  using Version = int (*)();
  const auto owns = reinterpret_cast<OwnsBlock>(dlsym(RTLD_DEFAULT, "mi_is_in_heap_region"));
  const auto version = reinterpret_cast<Version>(dlsym(RTLD_DEFAULT, "mi_version"));
  if (!owns || !version) return "glibc";
  // Through a volatile pointer, so that the compiler cannot drop the malloc/free pair.
  void* (*volatile allocate)(std::size_t) = std::malloc;
  void* block = allocate(64);
  const bool served_by_mimalloc = owns(block);
  std::free(block);
  if (!served_by_mimalloc) return "glibc";
  const int v = version();  // 209 for 2.0.9
  return "mimalloc " + std::to_string(v / 100) + "." + std::to_string(v / 10 % 10) + "." + std::to_string(v % 10);
}

}  // namespace maillab::bench
