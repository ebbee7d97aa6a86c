#pragma once
// A mail spool on disk for the mailbox stores of a large world (store::MessageSpool): one
// append-only file, as a real MDA keeps delivered mail on disk rather than in memory. Each message
// is written once with pwrite at the end of the file; the file is mapped read-only, so a stored
// message is a view of the file's pages, which the kernel reads back from disk (or its page cache)
// when POP3, IMAP or an inspector reads the message, and which count in no heap.
//
// The file is made in a fresh directory under `parent` (TMPDIR or /tmp by default) and unlinked at
// once, and the directory removed: nothing is left behind, even if the process dies. Space is not
// reclaimed when a message is expunged (an append-only spool; a run's mail is gone at exit).
//
// Errors are reported, never fatal: open() says why a spool cannot be made; append() returns the
// reason (disk full, file too large, past the mapped capacity) and stores nothing, and the MDA
// defers the delivery (store::Status::storage_failed -> 4.3.0, mta_delivery.cpp).

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "protocols/store/message_bytes.h"

namespace maillab::engine {

class FileSpool final : public store::MessageSpool {
 public:
  // 64 GiB of address space (reserved, not memory): a million messages take ~3 GB.
  static constexpr std::uint64_t default_capacity = std::uint64_t{64} << 30;

  struct Opened {
    std::shared_ptr<FileSpool> spool;  // null on failure
    std::string error;
  };
  // `parent`: empty means $TMPDIR, else /tmp. `capacity`: the most bytes the spool will hold.
  static Opened open(const std::string& parent = {}, std::uint64_t capacity = default_capacity);

  ~FileSpool() override;
  FileSpool(const FileSpool&) = delete;
  FileSpool& operator=(const FileSpool&) = delete;

  Stored append(std::string_view bytes) override;

  std::uint64_t bytes_stored() const { return end_; }
  std::uint64_t messages_stored() const { return messages_; }
  const std::string& path() const { return path_; }  // where the file was (it is unlinked)

 private:
  FileSpool(int fd, const char* mapping, std::uint64_t capacity, std::string path)
      : fd_(fd), mapping_(mapping), capacity_(capacity), path_(std::move(path)) {}

  int fd_ = -1;
  const char* mapping_ = nullptr;
  std::uint64_t capacity_ = 0;
  std::uint64_t end_ = 0;
  std::uint64_t messages_ = 0;
  std::string path_;
};

}  // namespace maillab::engine
