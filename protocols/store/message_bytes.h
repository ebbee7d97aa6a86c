#pragma once
// Where a stored message's bytes live: in memory (the default: scenarios, tests, the visualizer),
// or in a spool outside the heap, as a real MDA keeps mail on disk (a world of a million messages
// would otherwise hold every delivered message in memory: bench/README.md, "memory per message").
//
// The store stays sans-I/O: it knows a spool only as this interface, which hands back a view of
// the bytes it keeps for as long as the spool lives (engine/hosts/mailbox/file_spool.h maps its
// file into memory, so the view is the file's own pages, read from disk when someone reads them).

#include <cstdint>
#include <string>
#include <string_view>

namespace maillab::store {

class MessageSpool {
 public:
  struct Stored {
    std::string_view bytes;  // the spooled copy, valid while the spool lives
    std::string error;       // non-empty: nothing was stored, and why ("disk full ...")
  };
  virtual ~MessageSpool() = default;
  virtual Stored append(std::string_view bytes) = 0;
};

// The raw RFC 5322 bytes of one stored message: its own string, or a view into a spool that the
// store holding the message keeps alive. Reads as a std::string_view either way.
class MessageBytes {
 public:
  MessageBytes() = default;
  MessageBytes(std::string text) : text_(std::move(text)) {}  // NOLINT: a string is in-memory bytes
  MessageBytes(const char* text) : text_(text) {}              // NOLINT
  static MessageBytes spooled(std::string_view in_spool) {
    MessageBytes bytes;
    bytes.spooled_ = in_spool;
    bytes.in_spool_ = true;
    return bytes;
  }

  std::string_view view() const { return in_spool_ ? spooled_ : std::string_view(text_); }
  operator std::string_view() const { return view(); }  // NOLINT: reads like the bytes it is
  std::string text() const { return std::string(view()); }
  std::size_t size() const { return view().size(); }
  bool empty() const { return size() == 0; }
  bool in_spool() const { return in_spool_; }

  friend bool operator==(const MessageBytes& a, std::string_view b) { return a.view() == b; }

 private:
  std::string text_;
  std::string_view spooled_;
  bool in_spool_ = false;
};

}  // namespace maillab::store
