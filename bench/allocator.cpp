#include "bench/allocator.h"

#include <dlfcn.h>

#include <cstdlib>

#if __has_include(<mimalloc.h>)
#include <mimalloc.h>  // for the option's number only: the functions are looked up at run time
#define MAILLAB_HAVE_MIMALLOC_H 1
#endif

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
  std::string name =
      "mimalloc " + std::to_string(v / 100) + "." + std::to_string(v / 10 % 10) + "." + std::to_string(v % 10);
#ifdef MAILLAB_HAVE_MIMALLOC_H
  // app/large_pages.cpp turns this on for build/maillab; the kernel then decides (huge_pages_mb=).
  using OptionEnabled = bool (*)(mi_option_t);
  const auto enabled = reinterpret_cast<OptionEnabled>(dlsym(RTLD_DEFAULT, "mi_option_is_enabled"));
  if (enabled && enabled(mi_option_large_os_pages)) name += " with large pages";
#endif
  return name;
}

}  // namespace maillab::bench
