#include "protocols/pop3/server_session.h"

#include <algorithm>

#include "protocols/common/take_front.h"

namespace maillab::pop3 {

const char* to_string(ServerState state) {
  switch (state) {
    case ServerState::authorization: return "AUTHORIZATION";
    case ServerState::transaction: return "TRANSACTION";
    case ServerState::update: return "UPDATE";
    case ServerState::closed: return "CLOSED";
  }
  return "unknown";
}

std::string byte_stuff(std::string_view message) {
  std::string out;
  out.reserve(message.size() + 16);
  std::size_t start = 0;
  while (start < message.size()) {
    std::size_t end = message.find('\n', start);
    std::string_view line = message.substr(start, end == std::string_view::npos ? end : end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!line.empty() && line.front() == '.') out += '.';  // RFC 1939 §3
    out += line;
    out += "\r\n";
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return out;
}

std::string byte_unstuff(std::string_view stuffed) {
  std::string out;
  out.reserve(stuffed.size());
  bool line_start = true;
  for (std::size_t i = 0; i < stuffed.size(); ++i) {
    if (line_start && stuffed[i] == '.' && i + 1 < stuffed.size() && stuffed[i + 1] == '.') {
      ++i;  // drop the stuffed dot
    }
    out += stuffed[i];
    line_start = stuffed[i] == '\n';
  }
  return out;
}

ServerSession::ServerSession(store::MailStore& store, ServerOptions options)
    : store_(store), options_(std::move(options)) {
  std::string greeting = "+OK " + options_.hostname + " POP3 server ready";
  if (!options_.greeting_timestamp.empty()) greeting += " " + options_.greeting_timestamp;
  reply(greeting);
  emit(EventKind::state_changed, to_string(state_));
}

ServerSession::~ServerSession() {
  if (holds_lock_) store_.unlock_maildrop(user_);
}

void ServerSession::handle_close() {
  if (state_ == ServerState::closed) return;
  end_without_update("connection dropped before QUIT");
}

void ServerSession::handle_idle_timeout() {
  if (state_ == ServerState::closed) return;
  // RFC 1939 §3: when the autologout timer expires the session does NOT enter UPDATE; the
  // server closes the connection without removing messages or sending any response.
  emit(EventKind::error, "autologout: no command for " + std::to_string(options_.idle_timeout_seconds / 60) +
                             " minutes (RFC 1939 §3), closing without a reply");
  end_without_update("autologout");
}

void ServerSession::end_without_update(const std::string& why) {
  if (holds_lock_) {
    store_.unlock_maildrop(user_);
    holds_lock_ = false;
  }
  const bool had_marks = std::any_of(maildrop_.begin(), maildrop_.end(),
                                     [](const Entry& e) { return e.deleted; });
  if (had_marks) emit(EventKind::error, why + ": deletions not applied (RFC 1939 §6)");
  enter_state(ServerState::closed);
}

std::string ServerSession::poll_output() {
  return std::exchange(output_, {});
}

std::optional<Event> ServerSession::poll_event() {
  return common::take_front(events_);
}

void ServerSession::emit(EventKind kind, std::string text) {
  events_.push_back(Event{kind, std::move(text)});
}

void ServerSession::enter_state(ServerState state) {
  state_ = state;
  emit(EventKind::state_changed, to_string(state));
}

void ServerSession::reply(const std::string& line) {
  output_ += line;
  output_ += "\r\n";
  emit(EventKind::reply_sent, line);
}

void ServerSession::send_multiline(const std::string& first_line, const std::string& body) {
  reply(first_line);
  output_ += byte_stuff(body);
  output_ += ".\r\n";
}

void ServerSession::handle_bytes(std::string_view bytes) {
  if (state_ == ServerState::closed) return;
  input_.feed(bytes);
  const common::LineLimit limit{options_.max_line_length};
  while (state_ != ServerState::closed) {
    auto line = input_.next(limit);
    if (!line) return;
    if (line->too_long) {
      reply("-ERR line too long");
      continue;
    }
    handle_line(std::string(line->text));  // a copy: not hot, and STLS clears the reader
    if (tls_requested_) {  // what came after STLS in the clear is dropped
      input_.clear();
      return;
    }
  }
}

}  // namespace maillab::pop3
