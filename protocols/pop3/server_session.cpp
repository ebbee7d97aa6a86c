#include "protocols/pop3/server_session.h"

#include <algorithm>
#include <cctype>

#include "protocols/pop3/md5.h"

namespace maillab::pop3 {

std::string upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

namespace {

std::vector<std::string> split_words(std::string_view line) {
  std::vector<std::string> words;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && line[i] == ' ') ++i;
    std::size_t start = i;
    while (i < line.size() && line[i] != ' ') ++i;
    if (i > start) words.emplace_back(line.substr(start, i - start));
  }
  return words;
}

// A message number: decimal digits only, no sign, no overflow.
std::optional<std::size_t> parse_number(std::string_view text) {
  if (text.empty() || text.size() > 9) return std::nullopt;
  std::size_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<std::size_t>(c - '0');
  }
  return value;
}

}  // namespace

const char* to_string(EventKind kind) {
  switch (kind) {
    case EventKind::command_received: return "command_received";
    case EventKind::reply_sent: return "reply_sent";
    case EventKind::command_sent: return "command_sent";
    case EventKind::reply_received: return "reply_received";
    case EventKind::state_changed: return "state_changed";
    case EventKind::message_downloaded: return "message_downloaded";
    case EventKind::deletions_applied: return "deletions_applied";
    case EventKind::error: return "error";
    case EventKind::finished: return "finished";
  }
  return "unknown";
}

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
  std::string out;
  out.swap(output_);
  return out;
}

std::optional<Event> ServerSession::poll_event() {
  if (events_.empty()) return std::nullopt;
  Event event = std::move(events_.front());
  events_.pop_front();
  return event;
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
  input_.append(bytes);
  while (state_ != ServerState::closed) {
    const std::size_t newline = input_.find('\n');
    if (newline == std::string::npos) {
      if (input_.size() > options_.max_line_length) {
        if (!discarding_long_line_) reply("-ERR line too long");
        discarding_long_line_ = true;
        input_.clear();
      }
      return;
    }
    std::string line = input_.substr(0, newline);
    input_.erase(0, newline + 1);
    if (discarding_long_line_) {  // the tail of an over-long line: already answered
      discarding_long_line_ = false;
      continue;
    }
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.size() > options_.max_line_length) {
      reply("-ERR line too long");
      continue;
    }
    handle_line(std::move(line));
    if (tls_requested_) {  // what came after STLS in the clear is dropped
      input_.clear();
      return;
    }
  }
}

void ServerSession::handle_line(std::string line) {
  const std::vector<std::string> words = split_words(line);
  const std::string keyword = words.empty() ? "" : upper(words[0]);
  const std::vector<std::string> arguments(words.empty() ? words.begin() : words.begin() + 1,
                                           words.end());
  // Never put a password in the trace.
  if (keyword == "PASS") {
    emit(EventKind::command_received, "PASS ********");
  } else {
    emit(EventKind::command_received, line);
  }
  if (keyword.empty()) {
    reply("-ERR empty command");
    return;
  }

  static const char* authorization_commands[] = {"USER", "PASS", "APOP"};
  static const char* transaction_commands[] = {"STAT", "LIST", "RETR", "DELE", "NOOP",
                                               "RSET", "TOP",  "UIDL"};
  const bool is_authorization =
      std::find(std::begin(authorization_commands), std::end(authorization_commands), keyword) !=
      std::end(authorization_commands);
  const bool is_transaction =
      std::find(std::begin(transaction_commands), std::end(transaction_commands), keyword) !=
      std::end(transaction_commands);

  if (keyword == "QUIT") return command_quit();
  if (keyword == "CAPA") return command_capa();
  if (keyword == "STLS") return command_stls(arguments);
  if (!is_authorization && !is_transaction) {
    reply("-ERR unknown command: " + words[0]);
    return;
  }
  if (state_ == ServerState::authorization && is_transaction) {
    reply("-ERR command not valid in AUTHORIZATION state: log in first");
    return;
  }
  if (state_ == ServerState::transaction && is_authorization) {
    reply("-ERR command not valid in TRANSACTION state: already logged in");
    return;
  }

  if (keyword == "USER") {
    if (arguments.size() != 1) return reply("-ERR usage: USER name");
    return command_user(arguments[0]);
  }
  if (keyword == "PASS") {
    // The password is the rest of the line: it may contain spaces (RFC 1939 §7).
    const std::size_t space = line.find(' ');
    return command_pass(space == std::string::npos ? "" : line.substr(space + 1));
  }
  if (keyword == "APOP") return command_apop(arguments);
  if (keyword == "STAT") return command_stat();
  if (keyword == "LIST") return command_list(arguments, false);
  if (keyword == "UIDL") return command_list(arguments, true);
  if (keyword == "RETR") return command_retr(arguments, false);
  if (keyword == "TOP") return command_retr(arguments, true);
  if (keyword == "DELE") return command_dele(arguments);
  if (keyword == "RSET") return command_rset();
  if (keyword == "NOOP") return reply("+OK");
}

void ServerSession::command_user(const std::string& argument) {
  pending_user_ = argument;
  // Same answer for known and unknown names, so USER does not reveal which mailboxes exist.
  reply("+OK send PASS for " + argument);
}

void ServerSession::command_pass(const std::string& argument) {
  if (pending_user_.empty()) return reply("-ERR send USER first");
  const std::string name = pending_user_;
  pending_user_.clear();
  if (argument.empty()) return reply("-ERR usage: PASS password");
  if (!store_.check_password(name, argument)) {
    reply("-ERR [AUTH] invalid user name or password");
    return;
  }
  open_maildrop(name);
}

void ServerSession::command_apop(const std::vector<std::string>& arguments) {
  if (options_.greeting_timestamp.empty()) return reply("-ERR APOP not available on this server");
  if (arguments.size() != 2) return reply("-ERR usage: APOP name digest");
  const std::optional<std::string> secret = store_.password(arguments[0]);
  // RFC 1939 §7: digest = MD5(timestamp-from-greeting + shared secret), lower-case hex.
  std::string given = arguments[1];
  for (char& c : given) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (!secret || md5_hex(options_.greeting_timestamp + *secret) != given) {
    reply("-ERR [AUTH] invalid user name or digest");
    return;
  }
  open_maildrop(arguments[0]);
}

bool ServerSession::open_maildrop(const std::string& name) {
  if (!store_.lock_maildrop(name)) {
    reply("-ERR [IN-USE] maildrop already locked: another POP3 session is open");
    return false;
  }
  holds_lock_ = true;
  user_ = name;
  const store::Folder* inbox = store_.folder(name, "INBOX");
  maildrop_.clear();
  std::uint64_t total = 0;
  if (inbox) {
    uid_validity_ = inbox->uid_validity;
    for (const auto& message : inbox->messages) {
      maildrop_.push_back(Entry{message.uid, message.bytes.size(), false});
      total += message.bytes.size();
    }
  }
  enter_state(ServerState::transaction);
  reply("+OK " + name + "'s maildrop has " + std::to_string(maildrop_.size()) + " messages (" +
        std::to_string(total) + " octets)");
  return true;
}

void ServerSession::command_capa() {
  // RFC 2449 §5: a multi-line list of capabilities, valid in both states.
  std::string body = "USER\r\nTOP\r\nUIDL\r\nPIPELINING\r\nRESP-CODES\r\nAUTH-RESP-CODE\r\n";
  // RFC 2595 §4: STLS only where it may be used, in AUTHORIZATION and not yet under TLS.
  if (options_.starttls && !options_.tls_active && state_ == ServerState::authorization) body += "STLS\r\n";
  body += "IMPLEMENTATION maillab\r\n";
  send_multiline("+OK capability list follows", body);
}

// RFC 2595 §4. After "+OK" the client starts the TLS handshake; it must forget the capabilities
// it learnt in the clear (STLS is no longer among them).
void ServerSession::command_stls(const std::vector<std::string>& arguments) {
  if (!arguments.empty()) return reply("-ERR usage: STLS");
  if (state_ != ServerState::authorization) return reply("-ERR STLS is only valid in AUTHORIZATION state");
  if (options_.tls_active) return reply("-ERR command not permitted when TLS active");
  if (!options_.starttls) return reply("-ERR STLS is not offered here");
  reply("+OK Begin TLS negotiation");
  options_.tls_active = true;
  tls_requested_ = true;
}

void ServerSession::command_stat() {
  std::size_t count = 0;
  std::uint64_t total = 0;
  for (const auto& entry : maildrop_) {
    if (entry.deleted) continue;
    ++count;
    total += entry.size;
  }
  reply("+OK " + std::to_string(count) + " " + std::to_string(total));
}

std::string ServerSession::uidl_of(const Entry& entry) const {
  // Unique and stable across sessions (RFC 1939 §7): the folder's UIDVALIDITY and the UID.
  return std::to_string(uid_validity_) + "." + std::to_string(entry.uid);
}

ServerSession::Entry* ServerSession::message_argument(const std::string& argument) {
  const std::optional<std::size_t> number = parse_number(argument);
  if (!number) {
    reply("-ERR invalid message number: " + argument);
    return nullptr;
  }
  if (*number == 0 || *number > maildrop_.size()) {
    reply("-ERR no such message, only " + std::to_string(maildrop_.size()) +
          " messages in maildrop");
    return nullptr;
  }
  Entry& entry = maildrop_[*number - 1];
  if (entry.deleted) {
    reply("-ERR message " + argument + " already deleted");
    return nullptr;
  }
  return &entry;
}

void ServerSession::command_list(const std::vector<std::string>& arguments, bool unique_ids) {
  if (arguments.size() > 1) return reply(unique_ids ? "-ERR usage: UIDL [msg]" : "-ERR usage: LIST [msg]");
  auto describe = [&](std::size_t number, const Entry& entry) {
    return std::to_string(number) + " " +
           (unique_ids ? uidl_of(entry) : std::to_string(entry.size));
  };
  if (arguments.size() == 1) {
    Entry* entry = message_argument(arguments[0]);
    if (!entry) return;
    const std::size_t number = static_cast<std::size_t>(entry - maildrop_.data()) + 1;
    return reply("+OK " + describe(number, *entry));
  }
  std::string body;
  std::size_t count = 0;
  std::uint64_t total = 0;
  for (std::size_t i = 0; i < maildrop_.size(); ++i) {
    if (maildrop_[i].deleted) continue;  // deleted messages are not listed (§5)
    body += describe(i + 1, maildrop_[i]) + "\r\n";
    ++count;
    total += maildrop_[i].size;
  }
  if (unique_ids) {
    send_multiline("+OK unique-id listing follows", body);
  } else {
    send_multiline("+OK " + std::to_string(count) + " messages (" + std::to_string(total) +
                       " octets)",
                   body);
  }
}

void ServerSession::command_retr(const std::vector<std::string>& arguments, bool top) {
  if (top ? arguments.size() != 2 : arguments.size() != 1)
    return reply(top ? "-ERR usage: TOP msg n" : "-ERR usage: RETR msg");
  std::optional<std::size_t> line_count;
  if (top) {
    line_count = parse_number(arguments[1]);
    if (!line_count) return reply("-ERR invalid line count: " + arguments[1]);
  }
  Entry* entry = message_argument(arguments[0]);
  if (!entry) return;
  const store::Message* message = store_.message(user_, "INBOX", entry->uid);
  if (!message) return reply("-ERR message " + arguments[0] + " no longer exists (removed by another client)");
  if (!top) {
    send_multiline("+OK " + std::to_string(message->bytes.size()) + " octets", message->bytes);
    return;
  }
  // TOP (§7): the header, the blank line, then the first n lines of the body.
  const std::string& bytes = message->bytes;
  std::size_t position = 0;
  std::string result;
  bool in_body = false;
  std::size_t body_lines = 0;
  while (position < bytes.size()) {
    std::size_t end = bytes.find('\n', position);
    end = end == std::string::npos ? bytes.size() : end + 1;
    std::string_view line(bytes.data() + position, end - position);
    if (in_body) {
      if (body_lines == *line_count) break;
      ++body_lines;
    }
    result += line;
    if (!in_body && (line == "\r\n" || line == "\n")) in_body = true;
    position = end;
  }
  send_multiline("+OK top of message follows", result);
}

void ServerSession::command_dele(const std::vector<std::string>& arguments) {
  if (arguments.size() != 1) return reply("-ERR usage: DELE msg");
  Entry* entry = message_argument(arguments[0]);
  if (!entry) return;
  entry->deleted = true;
  reply("+OK message " + arguments[0] + " deleted");
}

void ServerSession::command_rset() {
  std::uint64_t total = 0;
  for (auto& entry : maildrop_) {
    entry.deleted = false;
    total += entry.size;
  }
  reply("+OK maildrop has " + std::to_string(maildrop_.size()) + " messages (" +
        std::to_string(total) + " octets)");
}

void ServerSession::command_quit() {
  if (state_ == ServerState::authorization) {
    reply("+OK " + options_.hostname + " POP3 server signing off");
    enter_state(ServerState::closed);
    return;
  }
  // RFC 1939 §6: the UPDATE state removes the messages marked as deleted, then releases the lock.
  enter_state(ServerState::update);
  std::vector<std::uint32_t> uids;
  for (const auto& entry : maildrop_) {
    if (entry.deleted) uids.push_back(entry.uid);
  }
  const std::vector<std::uint32_t> removed =
      uids.empty() ? uids : store_.remove_messages(user_, "INBOX", uids);
  if (!uids.empty()) emit(EventKind::deletions_applied, std::to_string(removed.size()));
  const store::Folder* inbox = store_.folder(user_, "INBOX");
  const std::size_t left = inbox ? inbox->messages.size() : 0;
  store_.unlock_maildrop(user_);
  holds_lock_ = false;
  if (removed.size() == uids.size()) {
    reply("+OK " + options_.hostname + " POP3 server signing off (" + std::to_string(left) +
          " messages left)");
  } else {
    reply("-ERR some deleted messages not removed (already gone)");
  }
  enter_state(ServerState::closed);
}

}  // namespace maillab::pop3
