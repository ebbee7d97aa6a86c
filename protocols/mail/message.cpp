#include "protocols/mail/message.h"

#include "protocols/mail/text.h"

namespace maillab::mail {

std::string Message::serialize() const {
  std::string result = headers.serialize();
  result += "\r\n";
  result += body;
  return result;
}

std::vector<Address> Message::addresses(std::string_view field_name) const {
  std::vector<Address> result;
  for (const auto& value : headers.get_all(field_name)) {
    auto parsed = parse_address_list(value);
    if (parsed.ok()) result.insert(result.end(), parsed.value().begin(), parsed.value().end());
  }
  return result;
}

std::string_view header_section(std::string_view message_bytes) {
  if (message_bytes.starts_with("\r\n") || message_bytes.starts_with("\n")) return {};
  std::size_t crlf = message_bytes.find("\r\n\r\n");
  std::size_t lf = message_bytes.find("\n\n");
  std::size_t end = std::min(crlf == std::string_view::npos ? message_bytes.size() : crlf + 2,
                             lf == std::string_view::npos ? message_bytes.size() : lf + 1);
  return message_bytes.substr(0, end);
}

ParseResult<Message> parse_message(std::string_view text) {
  std::string_view section = header_section(text);
  auto headers = parse_headers(section);
  if (!headers.ok()) return ParseResult<Message>::failure(headers.error());
  Message message;
  message.headers = std::move(headers).value();
  std::string_view rest = text.substr(section.size());
  if (rest.starts_with("\r\n")) {
    rest.remove_prefix(2);
  } else if (rest.starts_with("\n")) {
    rest.remove_prefix(1);
  }
  message.body = to_crlf(rest);
  return ParseResult<Message>::success(std::move(message));
}

std::string prepend_header(std::string_view message_bytes, std::string_view name, std::string_view value) {
  std::string result = fold_header_line(name, value);
  result += message_bytes;
  return result;
}

}  // namespace maillab::mail
