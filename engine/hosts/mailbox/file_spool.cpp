#include "engine/hosts/mailbox/file_spool.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace maillab::engine {

namespace {

std::string system_error(const std::string& what) { return what + ": " + std::strerror(errno); }

}  // namespace

FileSpool::Opened FileSpool::open(const std::string& parent, std::uint64_t capacity) {
  std::string base = parent;
  if (base.empty()) {
    const char* tmpdir = std::getenv("TMPDIR");
    base = tmpdir && *tmpdir ? tmpdir : "/tmp";
  }
  std::string pattern = base + "/maillab-spool-XXXXXX";
  std::vector<char> directory(pattern.begin(), pattern.end());
  directory.push_back('\0');
  if (!::mkdtemp(directory.data())) return {nullptr, system_error("mail spool: cannot make a directory in " + base)};
  const std::string dir(directory.data());
  const std::string path = dir + "/mail";
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  const std::string open_error = fd < 0 ? system_error("mail spool: cannot create " + path) : "";
  // Nothing stays behind: the open descriptor keeps the file, and the kernel removes it at exit.
  if (fd >= 0) ::unlink(path.c_str());
  ::rmdir(dir.c_str());
  if (fd < 0) return {nullptr, open_error};
  // Read-only and shared: pages written with pwrite are seen through the mapping (one page
  // cache), and reserving address space past the end of the file costs no memory.
  void* mapping = ::mmap(nullptr, capacity, PROT_READ, MAP_SHARED | MAP_NORESERVE, fd, 0);
  if (mapping == MAP_FAILED) {
    const std::string error = system_error("mail spool: cannot map " + std::to_string(capacity) + " bytes of " + path);
    ::close(fd);
    return {nullptr, error};
  }
  return {std::shared_ptr<FileSpool>(new FileSpool(fd, static_cast<const char*>(mapping), capacity, path)), ""};
}

FileSpool::~FileSpool() {
  ::munmap(const_cast<char*>(mapping_), capacity_);
  ::close(fd_);
}

store::MessageSpool::Stored FileSpool::append(std::string_view bytes) {
  if (bytes.size() > capacity_ - end_)
    return {{}, "mail spool full: " + std::to_string(end_) + " of " + std::to_string(capacity_) + " bytes used, " +
                    std::to_string(bytes.size()) + " more do not fit"};
  std::size_t written = 0;
  while (written < bytes.size()) {
    const ssize_t n = ::pwrite(fd_, bytes.data() + written, bytes.size() - written,
                               static_cast<off_t>(end_ + written));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      if (n == 0) errno = ENOSPC;
      // The next message is written over whatever part of this one reached the file.
      return {{}, system_error("mail spool " + path_ + ": writing " + std::to_string(bytes.size()) + " bytes at " +
                               std::to_string(end_) + " failed after " + std::to_string(written))};
    }
    written += static_cast<std::size_t>(n);
  }
  const std::string_view stored(mapping_ + end_, bytes.size());
  end_ += bytes.size();
  ++messages_;
  return {stored, ""};
}

}  // namespace maillab::engine
