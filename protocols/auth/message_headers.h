#pragma once
// A minimal RFC 5322 header reader for the checks in this folder: split a raw message into its
// header fields and body, unfold values, and find the From domain. (protocols/mail has the full
// message model; this one is kept separate so protocols/auth stands alone.)

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace maillab::auth {

struct HeaderField {
  std::string name;  // as written, e.g. "Subject"
  std::string raw;   // the whole field exactly as in the message, folding and final CRLF included
  std::string value() const;  // unfolded (RFC 5322 §2.2.3), without the name, colon and ends' whitespace
};

// The value of a raw field as HeaderField::value gives it.
std::string unfolded_value(std::string_view raw_field);

struct SplitMessage {
  std::vector<HeaderField> headers;  // in message order
  std::string body;                  // everything after the empty line
};

// Bare LF line endings become CRLF (DKIM is defined over CRLF lines, RFC 6376 §5.3).
std::string to_crlf(std::string_view message);
// Whether to_crlf would change the text; when not, callers use the text as it is and skip a copy.
bool has_bare_lf(std::string_view message);
SplitMessage split_message(std::string_view message);  // expects CRLF; call to_crlf first if unsure
// split_message(to_crlf(message)) without the intermediate copy when there is no bare LF.
SplitMessage split_message_to_crlf(std::string_view message);

// A CRLF message's header fields and body as views, for code that reads a message without keeping
// it (DKIM signs and verifies every message: a string per field and a copy of the body were most
// of what splitting cost). The text is read where it is; a text with bare LFs is converted into a
// copy this object owns (RFC 6376 §5.3), so it is neither copied nor moved (the views would
// dangle), and the text given must outlive it.
struct HeaderFieldView {
  std::string_view name;  // as written, trimmed
  std::string_view raw;   // folding and final CRLF included
};
class MessageView {
 public:
  explicit MessageView(std::string_view message);
  MessageView(const MessageView&) = delete;
  MessageView& operator=(const MessageView&) = delete;

  std::string_view text() const { return text_; }  // the whole message, CRLF
  bool converted() const { return !converted_.empty(); }  // text() is a copy with bare LFs made CRLF
  const std::vector<HeaderFieldView>& headers() const { return headers_; }
  std::string_view body() const { return body_; }  // after the empty line; empty when there is none

 private:
  std::string converted_;
  std::string_view text_;
  std::vector<HeaderFieldView> headers_;
  std::string_view body_;
};

// The domain of the single address in the RFC5322.From field, lower-cased ("example.com" from
// "Joe <joe@Example.COM>"). nullopt when there is no From, several, or several addresses (RFC 7489
// §6.6.1 leaves those to local policy; we reject them).
std::optional<std::string> from_domain(std::string_view message);
// The same from a message already split (a signer that reads From and then signs).
std::optional<std::string> from_domain(const MessageView& message);
// The address part of a mailbox: "Joe <joe@example.com>" -> "joe@example.com". Comments and
// quoted display names are skipped.
std::optional<std::string> mailbox_address(std::string_view mailbox);

}  // namespace maillab::auth
