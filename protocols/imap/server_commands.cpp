// The IMAP server's command table (the SMTP server's shape: one row per command with its RFC
// section; the table's state column is checked before a handler runs), the commands valid in
// any state, and those of the not-authenticated state (RFC 3501 §6.1, §6.2).

#include "protocols/imap/server_session.h"

#include "protocols/common/base64.h"

namespace maillab::imap {

namespace {

constexpr std::uint32_t not_authenticated = state_bit(ServerState::not_authenticated);
constexpr std::uint32_t authenticated = state_bit(ServerState::authenticated) | state_bit(ServerState::selected);
constexpr std::uint32_t selected = state_bit(ServerState::selected);
constexpr std::uint32_t any_state = not_authenticated | authenticated;

}  // namespace

std::span<const ServerCommand> ServerSession::command_table() {
  using S = ServerSession;
  static const ServerCommand table[] = {
      {"CAPABILITY", "RFC 3501 §6.1.1", "what this server can do", any_state, [](S& s, Command& c) { s.command_capability(c); }},
      {"NOOP", "RFC 3501 §6.1.2", "do nothing (and hear of new mail)", any_state, [](S& s, Command& c) { s.command_noop(c); }},
      {"LOGOUT", "RFC 3501 §6.1.3", "end the session", any_state, [](S& s, Command& c) { s.command_logout(c); }},
      {"STARTTLS", "RFC 3501 §6.2.1", "switch to TLS before logging in", not_authenticated, [](S& s, Command& c) { s.command_starttls(c); }},
      {"AUTHENTICATE", "RFC 3501 §6.2.2, RFC 4959", "log in with SASL PLAIN", not_authenticated, [](S& s, Command& c) { s.command_authenticate(c); }},
      {"LOGIN", "RFC 3501 §6.2.3", "log in with a user name and password", not_authenticated, [](S& s, Command& c) { s.command_login(c); }},
      {"SELECT", "RFC 3501 §6.3.1", "open a mailbox to read and change", authenticated, [](S& s, Command& c) { s.command_select(c, false); }},
      {"EXAMINE", "RFC 3501 §6.3.2", "open a mailbox read-only", authenticated, [](S& s, Command& c) { s.command_select(c, true); }},
      {"CREATE", "RFC 3501 §6.3.3", "create a mailbox", authenticated, [](S& s, Command& c) { s.command_create(c); }},
      {"DELETE", "RFC 3501 §6.3.4", "delete a mailbox", authenticated, [](S& s, Command& c) { s.command_delete(c); }},
      {"RENAME", "RFC 3501 §6.3.5", "rename a mailbox", authenticated, [](S& s, Command& c) { s.command_rename(c); }},
      {"SUBSCRIBE", "RFC 3501 §6.3.6", "add a mailbox to the subscribed list", authenticated, [](S& s, Command& c) { s.command_subscribe(c, true); }},
      {"UNSUBSCRIBE", "RFC 3501 §6.3.7", "remove a mailbox from the subscribed list", authenticated, [](S& s, Command& c) { s.command_subscribe(c, false); }},
      {"LIST", "RFC 3501 §6.3.8", "list mailboxes matching a pattern", authenticated, [](S& s, Command& c) { s.command_list(c, false); }},
      {"LSUB", "RFC 3501 §6.3.9", "list subscribed mailboxes", authenticated, [](S& s, Command& c) { s.command_list(c, true); }},
      {"STATUS", "RFC 3501 §6.3.10", "counts of a mailbox without selecting it", authenticated, [](S& s, Command& c) { s.command_status(c); }},
      {"APPEND", "RFC 3501 §6.3.11, RFC 4315 §3", "add a message to a mailbox (APPENDUID)", authenticated, [](S& s, Command& c) { s.command_append(c); }},
      {"IDLE", "RFC 2177", "wait for the server to push changes", authenticated, [](S& s, Command& c) { s.command_idle(c); }},
      {"CHECK", "RFC 3501 §6.4.1", "a checkpoint (here: like NOOP)", selected, [](S& s, Command& c) { s.command_noop(c); }},
      {"CLOSE", "RFC 3501 §6.4.2", "expunge, then leave the mailbox", selected, [](S& s, Command& c) { s.command_close(c, true); }},
      {"UNSELECT", "RFC 3691", "leave the mailbox without expunging", selected, [](S& s, Command& c) { s.command_close(c, false); }},
      {"EXPUNGE", "RFC 3501 §6.4.3", "remove the messages marked \\Deleted", selected, [](S& s, Command& c) { s.command_expunge(c, false); }},
      {"UID EXPUNGE", "RFC 4315 §2.1", "remove only the given \\Deleted messages", selected, [](S& s, Command& c) { s.command_expunge(c, true); }},
      {"SEARCH", "RFC 3501 §6.4.4", "find messages by keys", selected, [](S& s, Command& c) { s.command_search(c, false); }},
      {"UID SEARCH", "RFC 3501 §6.4.8", "SEARCH answering with UIDs", selected, [](S& s, Command& c) { s.command_search(c, true); }},
      {"FETCH", "RFC 3501 §6.4.5", "read flags, headers, bodies, structure", selected, [](S& s, Command& c) { s.command_fetch(c, false); }},
      {"UID FETCH", "RFC 3501 §6.4.8", "FETCH by UID", selected, [](S& s, Command& c) { s.command_fetch(c, true); }},
      {"STORE", "RFC 3501 §6.4.6", "change flags", selected, [](S& s, Command& c) { s.command_store(c, false); }},
      {"UID STORE", "RFC 3501 §6.4.8", "STORE by UID", selected, [](S& s, Command& c) { s.command_store(c, true); }},
      {"COPY", "RFC 3501 §6.4.7, RFC 4315 §3", "copy messages to another mailbox (COPYUID)", selected, [](S& s, Command& c) { s.command_copy(c, false, false); }},
      {"UID COPY", "RFC 3501 §6.4.8", "COPY by UID", selected, [](S& s, Command& c) { s.command_copy(c, true, false); }},
      {"MOVE", "RFC 6851", "move messages to another mailbox", selected, [](S& s, Command& c) { s.command_copy(c, false, true); }},
      {"UID MOVE", "RFC 6851", "MOVE by UID", selected, [](S& s, Command& c) { s.command_copy(c, true, true); }},
  };
  return table;
}

void ServerSession::dispatch(Command& command) {
  for (const auto& row : command_table()) {
    if (row.name != command.name) continue;
    if ((row.allowed_states & state_bit(state_)) == 0) {
      if (row.allowed_states == not_authenticated) return tagged(command.tag, "NO already authenticated");
      if (state_ == ServerState::not_authenticated) return tagged(command.tag, "NO not authenticated: LOGIN first");
      return tagged(command.tag, "NO no mailbox selected: SELECT first");
    }
    return row.run(*this, command);
  }
  tagged(command.tag, "BAD unknown command " + command.name);
}

// ---- any state ---------------------------------------------------------------------------------

void ServerSession::command_capability(Command& command) {
  if (!command.arguments.empty()) return tagged(command.tag, "BAD wrong number of arguments, usage: CAPABILITY");
  untagged("CAPABILITY " + capabilities());
  if (state_ == ServerState::selected) send_updates(true);
  tagged(command.tag, "OK CAPABILITY completed");
}

void ServerSession::command_noop(Command& command) {  // NOOP, and CHECK (§6.4.1)
  if (state_ == ServerState::selected) send_updates(true);
  tagged(command.tag, "OK " + command.name + " completed");
}

void ServerSession::command_logout(Command& command) {
  untagged("BYE " + options_.hostname + " IMAP4rev1 server logging out");
  tagged(command.tag, "OK LOGOUT completed");
  enter_state(ServerState::logout);
}

// ---- not authenticated ------------------------------------------------------------------------

// RFC 3501 §6.2.1. The client must forget the capabilities it learnt in the clear and ask again:
// STARTTLS is no longer among them.
void ServerSession::command_starttls(Command& command) {
  if (!command.arguments.empty()) return tagged(command.tag, "BAD usage: STARTTLS");
  if (options_.tls_active) return tagged(command.tag, "BAD TLS is already active");
  if (!options_.starttls) return tagged(command.tag, "BAD STARTTLS is not offered here");
  tagged(command.tag, "OK Begin TLS negotiation now");
  options_.tls_active = true;
  tls_requested_ = true;
}

void ServerSession::command_login(Command& command) {
  if (login_disabled()) return tagged(command.tag, "NO [PRIVACYREQUIRED] LOGIN is disabled until TLS: STARTTLS first");
  if (command.arguments.size() != 2 || !command.arguments[0].is_astring() ||
      !command.arguments[1].is_astring()) {
    return tagged(command.tag, "BAD usage: LOGIN user password");
  }
  const std::string& name = command.arguments[0].text;
  if (!store_.check_password(name, command.arguments[1].text)) {
    return tagged(command.tag, "NO [AUTHENTICATIONFAILED] invalid user name or password");
  }
  user_ = name;
  enter_state(ServerState::authenticated);
  tagged(command.tag, "OK [CAPABILITY " + capabilities() + "] LOGIN completed");
}

void ServerSession::command_authenticate(Command& command) {
  if (login_disabled())  // PLAIN is our only mechanism, and it carries the password (RFC 4616 §4)
    return tagged(command.tag, "NO [PRIVACYREQUIRED] no password in the clear: STARTTLS first");
  if (command.arguments.empty() || command.arguments.size() > 2 || !command.arguments[0].is_atom())
    return tagged(command.tag, "BAD usage: AUTHENTICATE PLAIN [initial-response]");
  if (command.arguments[0].keyword() != "PLAIN")
    return tagged(command.tag, "NO [CANNOT] unsupported mechanism (only PLAIN)");
  if (command.arguments.size() == 2) {  // SASL-IR (RFC 4959); "=" is an empty response
    const std::string& initial = command.arguments[1].text;
    const std::optional<std::string> decoded = common::base64_decode(initial == "=" ? "" : initial);
    if (!decoded) return tagged(command.tag, "BAD invalid base64");
    return finish_plain_login(command.tag, *decoded);
  }
  authenticate_tag_ = command.tag;
  continuation("");
}

void ServerSession::handle_authenticate_line(const std::string& line) {
  emit(EventKind::command_received, "(AUTHENTICATE response)");
  const std::string tag = authenticate_tag_;
  authenticate_tag_.clear();
  if (line == "*") return tagged(tag, "BAD authentication cancelled");
  const std::optional<std::string> decoded = common::base64_decode(line);
  if (!decoded) return tagged(tag, "BAD invalid base64");
  finish_plain_login(tag, *decoded);
}

void ServerSession::finish_plain_login(const std::string& tag, const std::string& decoded) {
  // RFC 4616: [authzid] NUL authcid NUL passwd
  const std::size_t first = decoded.find('\0');
  const std::size_t second = first == std::string::npos ? first : decoded.find('\0', first + 1);
  if (second == std::string::npos) return tagged(tag, "BAD malformed PLAIN response");
  const std::string authzid = decoded.substr(0, first);
  const std::string name = decoded.substr(first + 1, second - first - 1);
  const std::string password = decoded.substr(second + 1);
  if ((!authzid.empty() && authzid != name) || !store_.check_password(name, password))
    return tagged(tag, "NO [AUTHENTICATIONFAILED] invalid user name or password");
  user_ = name;
  enter_state(ServerState::authenticated);
  tagged(tag, "OK AUTHENTICATE completed");
}

}  // namespace maillab::imap
