#include "protocols/smtp/reply.h"

#include "protocols/mail/enhanced_status.h"

namespace maillab::smtp {

std::vector<std::string> Reply::wire_lines() const {
  std::vector<std::string> result;
  result.reserve(wire_line_count());
  for (std::size_t index = 0; index < wire_line_count(); ++index) result.push_back(wire_line(index));
  return result;
}

std::string Reply::wire_line(std::size_t index) const {
  std::string line;
  append_wire_line(line, index);
  return line;
}

void Reply::append_wire_line(std::string& out, std::size_t index) const {
  const std::string_view text = lines.empty() ? std::string_view() : std::string_view(lines[index]);
  // RFC 5321 §4.2: Reply-code is three digits (2yz-5yz); written by hand, as std::to_string would
  // make a string of it for every line sent.
  const bool three_digits = code >= 100 && code <= 999;
  out.reserve(out.size() + 4 + enhanced_status.size() + 1 + text.size());
  if (three_digits) {
    const char digits[3] = {static_cast<char>('0' + code / 100), static_cast<char>('0' + code / 10 % 10),
                            static_cast<char>('0' + code % 10)};
    out.append(digits, 3);
  } else {
    out += std::to_string(code);
  }
  out += index + 1 < wire_line_count() ? '-' : ' ';
  if (!enhanced_status.empty()) {
    out += enhanced_status;
    if (!text.empty()) out += ' ';
  }
  out += text;
}

std::string Reply::to_wire() const {
  std::string result;
  for (std::size_t index = 0; index < wire_line_count(); ++index) {
    append_wire_line(result, index);
    result += "\r\n";
  }
  return result;
}

std::string Reply::text() const {
  std::string result;
  for (const auto& line : lines) result += (result.empty() ? "" : " ") + line;
  return result;
}

std::string Reply::summary() const {
  std::string result = std::to_string(code);
  if (!enhanced_status.empty()) result += " " + enhanced_status;
  std::string joined = text();
  if (!joined.empty()) result += " " + joined;
  return result;
}

Reply make_reply(int code, std::string_view enhanced_status, std::string_view text) {
  return Reply{code, std::string(enhanced_status), {std::string(text)}};
}

namespace {

// split_enhanced_status over views of `text`, for the parser, which keeps only what it needs.
std::pair<std::string_view, std::string_view> split_status_view(int code, std::string_view text) {
  std::size_t space = text.find(' ');
  std::string_view candidate = text.substr(0, space);
  auto status = mail::parse_enhanced_status(candidate);
  if (status && status->class_code == code / 100) {
    return {candidate, space == std::string_view::npos ? std::string_view() : text.substr(space + 1)};
  }
  return {std::string_view(), text};
}

}  // namespace

std::pair<std::string, std::string> split_enhanced_status(int code, std::string_view text) {
  auto [status, rest] = split_status_view(code, text);
  return {std::string(status), std::string(rest)};
}

mail::ParseResult<std::optional<Reply>> ReplyParser::handle_line(std::string_view line) {
  using Result = mail::ParseResult<std::optional<Reply>>;
  auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
  // RFC 5321 §4.2: Reply-code [ SP / "-" textstring ]; codes run 2yz-5yz.
  if (line.size() < 3 || !is_digit(line[0]) || !is_digit(line[1]) || !is_digit(line[2]) || line[0] < '2' ||
      line[0] > '5' || (line.size() > 3 && line[3] != ' ' && line[3] != '-')) {
    pending_ = Reply{};
    return Result::failure("malformed SMTP reply line '" + std::string(line.substr(0, 80)) + "'");
  }
  int code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
  if (!pending_.lines.empty() && pending_.code != code) {
    pending_ = Reply{};
    return Result::failure("reply code changed within a multi-line reply: '" + std::string(line.substr(0, 80)) + "'");
  }
  bool last = line.size() == 3 || line[3] == ' ';
  std::string_view text = line.size() > 4 ? line.substr(4) : std::string_view();
  auto [status, rest] = split_status_view(code, text);
  if (pending_.lines.empty()) {
    pending_.code = code;
    pending_.enhanced_status = std::string(status);
  }
  pending_.lines.emplace_back(status.empty() ? text : rest);
  if (!last) return Result::success(std::nullopt);
  Reply done = std::move(pending_);
  pending_ = Reply{};
  // If only some lines carried the status, the text of the others keeps what they had.
  return Result::success(std::optional<Reply>(std::move(done)));
}

}  // namespace maillab::smtp
