// The POP3 server's command table and one handler per command (the SMTP server's shape: one
// table, each row with its RFC section; the table's state column is checked before a handler runs).
#include "protocols/pop3/server_session.h"

#include "protocols/pop3/md5.h"

namespace maillab::pop3 {

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

std::span<const ServerCommand> ServerSession::command_table() {
  constexpr std::uint32_t authorization = state_bit(ServerState::authorization);
  constexpr std::uint32_t transaction = state_bit(ServerState::transaction);
  static const ServerCommand table[] = {
      {"USER", "RFC 1939 §7", "name the mailbox to log in to", authorization, &ServerSession::command_user},
      {"PASS", "RFC 1939 §7", "the password for USER's mailbox", authorization, &ServerSession::command_pass},
      {"APOP", "RFC 1939 §7", "log in with an MD5 digest instead of a password", authorization, &ServerSession::command_apop},
      {"STLS", "RFC 2595 §4", "switch to TLS before logging in", authorization | transaction, &ServerSession::command_stls},
      {"CAPA", "RFC 2449 §5", "list the server's capabilities", authorization | transaction, &ServerSession::command_capa},
      {"STAT", "RFC 1939 §5", "count and size of the maildrop", transaction, &ServerSession::command_stat},
      {"LIST", "RFC 1939 §5", "size of each message", transaction, &ServerSession::command_list},
      {"UIDL", "RFC 1939 §7", "a unique id for each message, the same in every session", transaction, &ServerSession::command_uidl},
      {"RETR", "RFC 1939 §5", "download a message", transaction, &ServerSession::command_retr},
      {"TOP", "RFC 1939 §7", "the header and the first lines of a message", transaction, &ServerSession::command_top},
      {"DELE", "RFC 1939 §5", "mark a message deleted (removed at QUIT)", transaction, &ServerSession::command_dele},
      {"RSET", "RFC 1939 §5", "unmark every deleted message", transaction, &ServerSession::command_rset},
      {"NOOP", "RFC 1939 §5", "do nothing", transaction, &ServerSession::command_noop},
      {"QUIT", "RFC 1939 §4, §6", "end the session; in TRANSACTION, remove the deleted messages", authorization | transaction, &ServerSession::command_quit},
  };
  return table;
}

void ServerSession::handle_line(const std::string& line) {
  CommandArguments command{line, split_words(line)};
  const std::string keyword = command.words.empty() ? "" : common::to_upper(command.words[0]);  // RFC 1939 §3
  // Never put a password in the trace.
  emit(EventKind::command_received, keyword == "PASS" ? "PASS ********" : line);
  if (keyword.empty()) return reply("-ERR empty command");
  command.words.erase(command.words.begin());
  for (const auto& row : command_table()) {
    if (row.keyword != keyword) continue;
    if ((row.allowed_states & state_bit(state_)) == 0) {
      return reply(std::string("-ERR command not valid in ") + to_string(state_) + " state: " +
                   (state_ == ServerState::authorization ? "log in first" : "already logged in"));
    }
    return (this->*row.handler)(command);
  }
  reply("-ERR unknown command: " + split_words(line)[0]);
}

void ServerSession::command_noop(const CommandArguments&) { reply("+OK"); }

void ServerSession::command_user(const CommandArguments& command) {
  if (command.words.size() != 1) return reply("-ERR usage: USER name");
  if (login_disabled()) return reply("-ERR [AUTH] plaintext login is disabled until TLS: STLS first");
  const std::string& argument = command.words[0];
  pending_user_ = argument;
  // Same answer for known and unknown names, so USER does not reveal which mailboxes exist.
  reply("+OK send PASS for " + argument);
}

void ServerSession::command_pass(const CommandArguments& command) {
  // The password is the rest of the line: it may contain spaces (RFC 1939 §7).
  const std::size_t space = command.line.find(' ');
  const std::string argument = space == std::string::npos ? "" : command.line.substr(space + 1);
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

void ServerSession::command_apop(const CommandArguments& command) {
  const auto& arguments = command.words;
  if (options_.greeting_timestamp.empty()) return reply("-ERR APOP not available on this server");
  if (arguments.size() != 2) return reply("-ERR usage: APOP name digest");
  const std::optional<std::string> secret = store_.password(arguments[0]);
  // RFC 1939 §7: digest = MD5(timestamp-from-greeting + shared secret), lower-case hex.
  const std::string given = common::to_lower(arguments[1]);
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

void ServerSession::command_capa(const CommandArguments&) {
  // RFC 2449 §5: a multi-line list of capabilities, valid in both states.
  // RFC 2449 §6.5 / RFC 2595 §4: USER only where USER/PASS may be used.
  std::string body = login_disabled() ? "" : "USER\r\n";
  body += "TOP\r\nUIDL\r\nPIPELINING\r\nRESP-CODES\r\nAUTH-RESP-CODE\r\n";
  // RFC 2595 §4: STLS only where it may be used, in AUTHORIZATION and not yet under TLS.
  if (options_.starttls && !options_.tls_active && state_ == ServerState::authorization) body += "STLS\r\n";
  body += "IMPLEMENTATION maillab\r\n";
  send_multiline("+OK capability list follows", body);
}

// RFC 2595 §4. After "+OK" the client starts the TLS handshake; it must forget the capabilities
// it learnt in the clear (STLS is no longer among them).
void ServerSession::command_stls(const CommandArguments& command) {
  if (!command.words.empty()) return reply("-ERR usage: STLS");
  if (state_ != ServerState::authorization) return reply("-ERR STLS is only valid in AUTHORIZATION state");
  if (options_.tls_active) return reply("-ERR command not permitted when TLS active");
  if (!options_.starttls) return reply("-ERR STLS is not offered here");
  reply("+OK Begin TLS negotiation");
  options_.tls_active = true;
  tls_requested_ = true;
}

void ServerSession::command_stat(const CommandArguments&) {
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

void ServerSession::command_list(const CommandArguments& command) { list_messages(command.words, false); }

void ServerSession::command_uidl(const CommandArguments& command) { list_messages(command.words, true); }

void ServerSession::list_messages(const std::vector<std::string>& arguments, bool unique_ids) {
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

void ServerSession::command_retr(const CommandArguments& command) { send_message(command.words, false); }

void ServerSession::command_top(const CommandArguments& command) { send_message(command.words, true); }

void ServerSession::send_message(const std::vector<std::string>& arguments, bool top) {
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
    send_multiline("+OK " + std::to_string(message->bytes.size()) + " octets", message->bytes.text());
    return;
  }
  // TOP (§7): the header, the blank line, then the first n lines of the body.
  const std::string_view bytes = message->bytes;
  std::size_t position = 0;
  std::string result;
  bool in_body = false;
  std::size_t body_lines = 0;
  while (position < bytes.size()) {
    std::size_t end = bytes.find('\n', position);
    end = end == std::string_view::npos ? bytes.size() : end + 1;
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

void ServerSession::command_dele(const CommandArguments& command) {
  const auto& arguments = command.words;
  if (arguments.size() != 1) return reply("-ERR usage: DELE msg");
  Entry* entry = message_argument(arguments[0]);
  if (!entry) return;
  entry->deleted = true;
  reply("+OK message " + arguments[0] + " deleted");
}

void ServerSession::command_rset(const CommandArguments&) {
  std::uint64_t total = 0;
  for (auto& entry : maildrop_) {
    entry.deleted = false;
    total += entry.size;
  }
  reply("+OK maildrop has " + std::to_string(maildrop_.size()) + " messages (" +
        std::to_string(total) + " octets)");
}

void ServerSession::command_quit(const CommandArguments&) {
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
