#include "engine/hosts/client/compose.h"

#include <algorithm>
#include <cctype>
#include <sstream>

#include "protocols/mail/address.h"
#include "protocols/mail/date.h"
#include "protocols/mail/message.h"
#include "protocols/common/ascii_case.h"

namespace maillab::engine {
namespace {

bool starts_with_word(const std::string& subject, const std::string& prefix) {
  if (subject.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i)
    if (common::to_lower(subject[i]) != common::to_lower(prefix[i]))
      return false;
  return true;
}

mail::Message start(const Composer& composer, const std::string& to, const std::string& subject,
                    std::string& message_id) {
  mail::Message message;
  message_id = mail::make_message_id(composer.domain, composer.counter, composer.epoch_seconds);
  message.headers.append("From", composer.from);
  message.headers.append("To", to);
  message.headers.append("Subject", subject);
  message.headers.append("Date", mail::format_date(composer.epoch_seconds));
  message.headers.append("Message-ID", message_id);
  return message;
}

void finish(mail::Message& message, const Composer& composer) {
  message.headers.append("MIME-Version", "1.0");
  message.headers.append("Content-Type", "text/plain; charset=utf-8");
  message.headers.append("User-Agent", "maillab-mua (" + composer.device + ")");
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

// The original's body, each line quoted with "> " (RFC 3676 §4.5 style).
std::string quoted(const std::string& body) {
  std::string out;
  std::istringstream lines(body);
  std::string line;
  while (std::getline(lines, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    out += (line.empty() || line[0] == '>' ? ">" : "> ") + line + "\r\n";
  }
  return out;
}

std::string body_of(const DeviceMessage& original) {
  auto parsed = mail::parse_message(original.bytes);
  return parsed.ok() ? parsed.value().body : std::string();
}

std::vector<std::string> addresses_in(const std::string& text) {
  std::vector<std::string> out;
  auto list = mail::parse_address_list(text);
  if (list.ok())
    for (const auto& address : list.value()) out.push_back(address.addr_spec());
  return out;
}

}  // namespace

std::string to_crlf(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r')) out += '\r';
    out += text[i];
  }
  if (!out.empty() && out.back() != '\n') out += "\r\n";
  return out;
}

std::string reply_subject(const std::string& subject) {
  return starts_with_word(subject, "re:") ? subject : "Re: " + subject;
}

std::string forward_subject(const std::string& subject) {
  return starts_with_word(subject, "fwd:") ? subject : "Fwd: " + subject;
}

Composed compose_new(const Composer& composer, const std::vector<std::string>& to, const std::string& subject,
                     const std::string& body) {
  Composed out;
  auto message = start(composer, join(to), subject, out.message_id);
  finish(message, composer);
  message.body = to_crlf(body);
  out.bytes = message.serialize();
  out.recipients = to;
  out.subject = subject;
  return out;
}

Composed compose_reply(const Composer& composer, const DeviceMessage& original, const std::string& body,
                       bool reply_all, const std::string& own_address) {
  Composed out;
  // RFC 5322 §3.6.3: replies go to Reply-To when there is one, else From.
  auto parsed = mail::parse_message(original.bytes);
  std::string reply_to = parsed.ok() ? parsed.value().headers.get("Reply-To").value_or("") : "";
  const std::string to = reply_to.empty() ? original.from : reply_to;
  out.recipients = addresses_in(to);
  auto message = start(composer, to, reply_subject(original.subject), out.message_id);
  std::vector<std::string> cc;
  if (reply_all && parsed.ok()) {
    for (const char* field : {"To", "Cc"})
      for (const auto& address : addresses_in(parsed.value().headers.get(field).value_or("")))
        if (address != own_address && std::find(out.recipients.begin(), out.recipients.end(), address) == out.recipients.end())
          cc.push_back(address);
    if (!cc.empty()) message.headers.append("Cc", join(cc));
  }
  // RFC 5322 §3.6.4: In-Reply-To is the parent's Message-ID; References is the parent's
  // References (or its In-Reply-To) followed by the parent's Message-ID.
  if (!original.message_id.empty()) {
    message.headers.append("In-Reply-To", original.message_id);
    std::string references = !original.references.empty() ? original.references : original.in_reply_to;
    message.headers.append("References", references.empty() ? original.message_id : references + " " + original.message_id);
  }
  finish(message, composer);
  message.body = to_crlf(body) + "\r\nOn " + original.date + ", " + original.from + " wrote:\r\n" +
                 quoted(body_of(original));
  out.bytes = message.serialize();
  out.recipients.insert(out.recipients.end(), cc.begin(), cc.end());
  out.subject = reply_subject(original.subject);
  return out;
}

Composed compose_forward(const Composer& composer, const DeviceMessage& original, const std::vector<std::string>& to,
                         const std::string& body) {
  Composed out;
  auto message = start(composer, join(to), forward_subject(original.subject), out.message_id);
  if (!original.message_id.empty()) message.headers.append("References", original.message_id);
  finish(message, composer);
  message.body = to_crlf(body) + "\r\n---------- Forwarded message ----------\r\n" + "From: " + original.from +
                 "\r\nDate: " + original.date + "\r\nSubject: " + original.subject + "\r\nTo: " + original.to +
                 "\r\n\r\n" + to_crlf(body_of(original));
  out.bytes = message.serialize();
  out.recipients = to;
  out.subject = forward_subject(original.subject);
  return out;
}

}  // namespace maillab::engine
