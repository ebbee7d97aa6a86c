// operator new and delete for build/maillab on mimalloc (top-level CMakeLists.txt, "The
// allocator"): allocate with malloc, and throw std::bad_alloc when memory runs out.
//
// Why: Debian's libmimalloc (built as C) replaces operator new as well as malloc, and its
// operator new calls abort() when memory runs out, since C cannot throw. maillab's promise is
// exit status 3 and "out of memory" (app/main.cpp catches std::bad_alloc; tests/app checks it
// under `ulimit -v`), never a core dump. Definitions in the executable come first in the dynamic
// linker's search order, so every library's `new` (libstdc++, yaml-cpp, SFML) uses these too;
// malloc and free are mimalloc's, so it still serves every block.
#include <cstdlib>
#include <new>

namespace {

// [new.delete.single]: call the new-handler and try again until it gives up; throw without one.
// Out of line: the usual case is one call to malloc and a test (~2 % of a message's instructions
// went to a loop and an alignment branch in every `new`).
[[gnu::noinline, gnu::cold]] void* allocate_failed(std::size_t size, std::size_t alignment) {
  if (size == 0) size = 1;
  for (;;) {
    void* block = nullptr;
    if (alignment == 0) {
      block = std::malloc(size);
    } else if (posix_memalign(&block, alignment, size) != 0) {
      block = nullptr;
    }
    if (block) return block;
    const std::new_handler handler = std::get_new_handler();
    if (!handler) throw std::bad_alloc();
    handler();
  }
}

void* aligned(std::size_t size, std::align_val_t alignment) {
  void* block = nullptr;
  if (posix_memalign(&block, static_cast<std::size_t>(alignment), size ? size : 1) == 0) return block;
  return allocate_failed(size, static_cast<std::size_t>(alignment));
}

}  // namespace

// malloc(0) gives a unique block under mimalloc (and glibc), as new must.
void* operator new(std::size_t size) {
  if (void* block = std::malloc(size)) [[likely]] return block;
  return allocate_failed(size, 0);
}
void* operator new[](std::size_t size) {
  if (void* block = std::malloc(size)) [[likely]] return block;
  return allocate_failed(size, 0);
}
void* operator new(std::size_t size, std::align_val_t alignment) { return aligned(size, alignment); }
void* operator new[](std::size_t size, std::align_val_t alignment) { return aligned(size, alignment); }

void operator delete(void* block) noexcept { std::free(block); }
void operator delete[](void* block) noexcept { std::free(block); }
void operator delete(void* block, std::size_t) noexcept { std::free(block); }
void operator delete[](void* block, std::size_t) noexcept { std::free(block); }
void operator delete(void* block, std::align_val_t) noexcept { std::free(block); }
void operator delete[](void* block, std::align_val_t) noexcept { std::free(block); }
void operator delete(void* block, std::size_t, std::align_val_t) noexcept { std::free(block); }
void operator delete[](void* block, std::size_t, std::align_val_t) noexcept { std::free(block); }
