// build/maillab asks mimalloc for 2 MiB pages (top-level CMakeLists.txt, "The allocator";
// bench/README.md, "Huge pages").
//
// Why: a simulated world is a large heap of small objects (hosts, connections, queued events,
// closures) reached by pointer, not in address order, so with 4 KiB pages nearly every event
// misses the TLB: a mail world of 1,000 domains spans ~20,000 pages, the event list at a million
// pending events ~15,000, against ~1,500 entries in the second-level TLB. With mimalloc's
// `large_os_pages` on, it marks its segments MADV_HUGEPAGE (Linux's transparent huge pages, in
// "madvise" mode on Debian): `bench hold --pending 1000000` runs in a third to a half of the CPU,
// `bench mail --domains 1000 --messages 20000` in 3-10 % less on a quiet machine and ~20 % less
// on a busy one (where other processes keep evicting its TLB entries), for ~15 % more peak RSS
// (the option commits each segment whole). Where the kernel has transparent huge pages off, the
// advice is ignored.
//
// MIMALLOC_LARGE_OS_PAGES in the environment still decides (=0 turns this off, for comparison).
#include <mimalloc.h>

#include <cstdlib>

namespace {

// Before main: mimalloc reads its options from the environment when the library is loaded, so
// this only fills in our default where the environment gave none.
[[maybe_unused]] const bool large_pages_default = [] {
  if (std::getenv("MIMALLOC_LARGE_OS_PAGES") == nullptr) mi_option_enable(mi_option_large_os_pages);
  return true;
}();

}  // namespace
