// RFC 5322 messages and MIME (RFC 2045/2046): the message parser, address lists, Content-Type,
// multipart splitting (nested parts followed a few levels down), and the IMAP server's own
// header reading (ENVELOPE) over the same bytes. A parsed message must serialize and parse again.
#include <cstdlib>
#include <string>

#include "fuzz/fuzz_input.h"
#include "protocols/imap/message_parts.h"
#include "protocols/mail/message.h"
#include "protocols/mail/mime.h"

using namespace maillab;

namespace {

void read_parts(const mail::Headers& headers, std::string_view body, int depth) {
  mail::ContentType type = mail::parse_content_type(headers.get("Content-Type").value_or(""));
  (void)type.media_type();
  if (type.type != "multipart" || depth > 4) return;
  auto parts = mail::split_multipart(body, type.parameter("boundary"));
  if (!parts) return;
  for (const auto& part : parts.value()) read_parts(part.headers, part.body, depth + 1);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::FuzzInput input(data, size);
  std::string_view text = input.stream();

  (void)imap::envelope(text);
  (void)imap::header_value(text, "Subject");
  (void)imap::header_fields(text, {"From", "To"}, input.choose(2) == 0);

  auto message = mail::parse_message(text);
  if (!message) return 0;
  for (const auto& field : message->headers.fields()) {
    (void)mail::parse_address_list(field.value);
    (void)imap::parse_address_list(field.value);
  }
  (void)message->from();
  (void)message->subject();
  read_parts(message->headers, message->body, 0);

  std::string serialized = message->serialize();
  auto again = mail::parse_message(serialized);
  if (!again) std::abort();  // what we write, we must read
  return 0;
}
