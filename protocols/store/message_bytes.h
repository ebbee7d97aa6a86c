#pragma once
// Where a stored message's bytes live: in memory (the default: scenarios, tests, the visualizer),
// or in a spool outside the heap, as a real MDA keeps mail on disk (a world of a million messages
// would otherwise hold every delivered message in memory: bench/README.md, "memory per message").
//
// The store stays sans-I/O: it knows a spool only as this interface, which hands back a view of
// the bytes it keeps for as long as the spool lives (engine/hosts/mailbox/file_spool.h maps its
// file into memory, so the view is the file's own pages, read from disk when someone reads them).

#include <cstdint>
#include <memory>
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

// The raw RFC 5322 bytes of one stored message: a text in memory, or a view into a spool that the
// store holding the message keeps alive. Reads as a std::string_view either way.
//
// A text in memory is shared and never changed: the MDA hands every mailbox a delivery reaches
// the one text it made (bench/README.md, "Relay and delivery path"), and a copied or moved message
// (IMAP COPY) shares it too. The view points into that text, whose characters stay where they are
// for as long as any copy of this object holds it.
class MessageBytes {
 public:
  MessageBytes() = default;
  MessageBytes(std::string text) : MessageBytes(shared(std::make_shared<const std::string>(std::move(text)))) {}  // NOLINT
  MessageBytes(const char* text) : MessageBytes(std::string(text)) {}  // NOLINT: a literal is in-memory bytes
  static MessageBytes shared(std::shared_ptr<const std::string> text) {
    MessageBytes bytes;
    if (!text) return bytes;
    bytes.view_ = *text;
    bytes.text_ = std::move(text);
    return bytes;
  }
  static MessageBytes spooled(std::string_view in_spool) {
    MessageBytes bytes;
    bytes.view_ = in_spool;
    bytes.in_spool_ = true;
    return bytes;
  }

  std::string_view view() const { return view_; }
  operator std::string_view() const { return view(); }  // NOLINT: reads like the bytes it is
  std::string text() const { return std::string(view()); }
  std::size_t size() const { return view_.size(); }
  bool empty() const { return size() == 0; }
  bool in_spool() const { return in_spool_; }

  friend bool operator==(const MessageBytes& a, std::string_view b) { return a.view() == b; }

 private:
  std::shared_ptr<const std::string> text_;  // in memory: the text view_ reads; null in a spool
  std::string_view view_;
  bool in_spool_ = false;
};

}  // namespace maillab::store
