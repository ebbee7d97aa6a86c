// Which allocator serves this process's malloc, for the figures a benchmark prints
// (`allocator=`): the same code runs ~13 % more instructions a message under glibc's malloc than
// under mimalloc (bench/README.md, "The allocator"), so a figure means little without it.
#pragma once

#include <string>

namespace maillab::bench {

// "mimalloc 2.0.9" (with " with large pages" when it is asked for 2 MiB pages) when mimalloc is loaded (CMake's MAILLAB_MIMALLOC links it into maillab) and
// serves malloc, "glibc" otherwise. Checked, not assumed: a shared mimalloc replaces malloc only
// from ahead of libc in the dynamic linker's search order, which a link line can undo silently.
std::string allocator_name();

}  // namespace maillab::bench
