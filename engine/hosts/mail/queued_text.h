#pragma once
// The bytes of a queued message, shared by everything that reads them and changed by none: the
// queue entry, the SMTP client of each relay attempt (which sends them with no copy of its own),
// and local delivery. A message used to be copied into every attempt's client; with one text,
// an attempt, a retry after it and a second exchanger all read the entry's bytes.
//
// Nothing writes through it. A policy that rewrites a message on its way out (DKIM signing puts
// its field on top, MtaPolicy::prepare_outgoing) works on a copy and the entry takes the result as
// a new text; an attempt that started before still holds, and sends, the text it was given.

#include <cstddef>
#include <memory>
#include <string>
#include <utility>

namespace maillab::engine {

class QueuedText {
 public:
  QueuedText() = default;
  // A string becomes the one shared text (moved in, not copied): the queue's producers build a
  // std::string and hand it over, as they did when the queue held the string itself.
  QueuedText(std::string text)  // NOLINT(google-explicit-constructor)
      : text_(std::make_shared<const std::string>(std::move(text))) {}

  const std::string& str() const { return text_ ? *text_ : empty_text(); }
  operator const std::string&() const { return str(); }  // NOLINT: reads like the bytes it holds
  // The text itself, for a reader that may outlive this entry (a running attempt); never null.
  std::shared_ptr<const std::string> shared() const {
    return text_ ? text_ : std::make_shared<const std::string>();
  }
  std::size_t size() const { return str().size(); }
  bool empty() const { return str().empty(); }

 private:
  static const std::string& empty_text() {
    static const std::string empty;
    return empty;
  }
  std::shared_ptr<const std::string> text_;  // null: the empty text (a default entry allocates nothing)
};

}  // namespace maillab::engine
