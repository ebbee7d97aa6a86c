// IMAP server session: input framing (lines and literals), dispatch by state, the commands of the
// not-authenticated and authenticated states, IDLE, and the untagged updates of §5.2/§7.
// Selected-state message commands (FETCH, STORE, SEARCH, COPY, ...) are in server_messages.cpp.

#include "protocols/imap/server_session.h"

#include "protocols/common/base64.h"

#include <algorithm>
#include <functional>
#include <vector>

namespace maillab::imap {

namespace {

const char* const system_flags_list = "(\\Answered \\Flagged \\Deleted \\Seen \\Draft)";


// LIST pattern matching (RFC 3501 §6.3.8): "*" matches anything, "%" anything but the delimiter.
// One pass over the pattern keeping the set of name prefixes matched so far: no recursion (a
// client's pattern can be a 16 MiB literal) and no backtracking blow-up on "*a*a*a...".
bool matches(std::string_view pattern, std::string_view name) {
  std::vector<char> reachable(name.size() + 1, 0);  // reachable[i]: name[0, i) matched
  std::vector<char> next(name.size() + 1, 0);
  reachable[0] = 1;
  char previous = 0;
  for (const char symbol : pattern) {
    const bool is_wildcard = symbol == '*' || symbol == '%';
    // "**", "*%" and "%%" match what their first wildcard matches: skip the repeats, so the
    // work is bounded by the name, not by the pattern's length.
    if (is_wildcard && (previous == '*' || (symbol == '%' && previous == '%'))) continue;
    previous = symbol;
    if (is_wildcard) {
      bool open = false;  // some earlier prefix can stretch to here through this wildcard
      for (std::size_t i = 0; i <= name.size(); ++i) {
        if (i > 0 && symbol == '%' && name[i - 1] == '/') open = false;
        open = open || reachable[i];
        next[i] = open;
      }
    } else {
      next[0] = 0;
      for (std::size_t i = 1; i <= name.size(); ++i)
        next[i] = reachable[i - 1] && name[i - 1] == symbol;
    }
    reachable.swap(next);
    if (std::none_of(reachable.begin(), reachable.end(), [](char r) { return r != 0; })) return false;
  }
  return reachable[name.size()] != 0;
}

std::string first_line(std::string_view text) {
  const std::size_t end = text.find_first_of("\r\n");
  std::string line(text.substr(0, end));
  return line;
}

}  // namespace

const char* to_string(EventKind kind) {
  switch (kind) {
    case EventKind::command_received: return "command_received";
    case EventKind::response_sent: return "response_sent";
    case EventKind::command_sent: return "command_sent";
    case EventKind::response_received: return "response_received";
    case EventKind::state_changed: return "state_changed";
    case EventKind::message_fetched: return "message_fetched";
    case EventKind::flags_changed: return "flags_changed";
    case EventKind::operation_done: return "operation_done";
    case EventKind::error: return "error";
  }
  return "unknown";
}

const char* to_string(ServerState state) {
  switch (state) {
    case ServerState::not_authenticated: return "NOT AUTHENTICATED";
    case ServerState::authenticated: return "AUTHENTICATED";
    case ServerState::selected: return "SELECTED";
    case ServerState::logout: return "LOGOUT";
  }
  return "unknown";
}

ServerSession::ServerSession(store::MailStore& store, ServerOptions options)
    : store_(store), options_(std::move(options)) {
  untagged("OK [CAPABILITY " + capabilities() + "] " + options_.hostname + " IMAP4rev1 ready");
  emit(EventKind::state_changed, to_string(state_));
}

std::string ServerSession::capabilities() const {
  std::string caps = "IMAP4rev1 LITERAL+ IDLE MOVE UNSELECT UIDPLUS";
  if (state_ == ServerState::not_authenticated && options_.starttls && !options_.tls_active) caps += " STARTTLS";
  if (state_ == ServerState::not_authenticated) caps += " AUTH=PLAIN SASL-IR";
  return caps;
}

// ---- output -----------------------------------------------------------------------------------

void ServerSession::emit(EventKind kind, std::string text) {
  events_.push_back(Event{kind, std::move(text)});
}

void ServerSession::untagged(const std::string& text) {
  output_ += "* " + text + "\r\n";
  emit(EventKind::response_sent, "* " + first_line(text));
}

void ServerSession::tagged(const std::string& tag, const std::string& text) {
  output_ += tag + " " + text + "\r\n";
  emit(EventKind::response_sent, tag + " " + text);
}

void ServerSession::continuation(const std::string& text) {
  output_ += "+ " + text + "\r\n";
  emit(EventKind::response_sent, "+ " + text);
}

void ServerSession::enter_state(ServerState state) {
  state_ = state;
  std::string text = to_string(state);
  if (state == ServerState::selected) text += " " + selected_;
  emit(EventKind::state_changed, text);
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

void ServerSession::handle_close() {
  if (state_ == ServerState::logout) return;
  idle_tag_.clear();
  emit(EventKind::error, "connection dropped");
  state_ = ServerState::logout;
  emit(EventKind::state_changed, to_string(state_));
}

void ServerSession::handle_idle_timeout() {
  if (state_ == ServerState::logout) return;
  idle_tag_.clear();
  authenticate_tag_.clear();
  untagged("BYE autologout: no command for " + std::to_string(options_.idle_timeout_seconds / 60) +
           " minutes");
  enter_state(ServerState::logout);
}

void ServerSession::poll_updates() {
  if (idling() && state_ == ServerState::selected) send_updates(true);
}

// ---- input framing ----------------------------------------------------------------------------

void ServerSession::handle_bytes(std::string_view bytes) {
  if (state_ == ServerState::logout) return;
  input_.append(bytes);
  process_input();
}

void ServerSession::process_input() {
  // Bytes of input_ used so far, erased once at the end: the cost stays linear in the bytes
  // however many lines one call carries.
  std::size_t consumed = 0;
  while (state_ != ServerState::logout) {
    const std::string_view pending = std::string_view(input_).substr(consumed);
    if (literal_remaining_ > 0) {
      const std::size_t take =
          static_cast<std::size_t>(std::min<std::uint64_t>(literal_remaining_, pending.size()));
      command_text_.append(pending.substr(0, take));
      consumed += take;
      literal_remaining_ -= take;
      if (literal_remaining_ > 0) break;
      continue;  // the command goes on after the literal
    }
    const std::size_t newline = pending.find('\n');
    if (newline == std::string_view::npos) {
      if (pending.size() > options_.max_line_length) {
        if (!discarding_line_) untagged("BAD line too long (limit " +
                                        std::to_string(options_.max_line_length) + " octets)");
        discarding_line_ = true;
        command_text_.clear();
        consumed = input_.size();
      }
      break;
    }
    std::string line(pending.substr(0, newline));
    consumed += newline + 1;
    if (discarding_line_) {
      discarding_line_ = false;
      continue;
    }
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.size() > options_.max_line_length) {
      untagged("BAD line too long (limit " + std::to_string(options_.max_line_length) + " octets)");
      command_text_.clear();
      continue;
    }
    if (command_text_.empty() && idling()) {
      handle_idle_line(line);
      continue;
    }
    if (command_text_.empty() && !authenticate_tag_.empty()) {
      handle_authenticate_line(line);
      continue;
    }
    bool non_synchronizing = false;
    bool too_large = false;
    const std::optional<std::uint64_t> size = trailing_literal(line, &non_synchronizing, &too_large);
    const bool literal_follows = size || too_large;
    command_text_ += line;
    if (literal_follows && (too_large || *size > options_.max_literal_size)) {
      refuse_command("literal too large (limit " + std::to_string(options_.max_literal_size) +
                         " octets)",
                     non_synchronizing);
      continue;
    }
    // The whole command, literals included, against the limit of the current state; a literal
    // counts as announced, before any of its bytes are buffered.
    const std::uint64_t announced = size ? 2 + *size : 0;
    if (command_text_.size() + announced > command_size_limit()) {
      refuse_command(std::string("command too large (limit ") +
                         std::to_string(command_size_limit()) + " octets with its literals" +
                         (state_ == ServerState::not_authenticated ? " before login)" : ")"),
                     literal_follows && non_synchronizing);
      continue;
    }
    if (size) {
      command_text_ += "\r\n";
      literal_remaining_ = *size;
      // RFC 3501 §7.5: a synchronizing literal waits for our go-ahead; {n+} does not (RFC 7888).
      if (!non_synchronizing) continuation("Ready for literal data");
      continue;
    }
    std::string text;
    text.swap(command_text_);
    handle_command_text(text);
    if (tls_requested_) {  // what came after STARTTLS in the clear is dropped (RFC 3501 §6.2.1)
      consumed = input_.size();
      break;
    }
  }
  if (state_ == ServerState::logout) {
    input_.clear();
  } else {
    input_.erase(0, consumed);
  }
}

std::size_t ServerSession::command_size_limit() const {
  return state_ == ServerState::not_authenticated ? options_.max_command_size_before_login
                                                  : options_.max_command_size;
}

void ServerSession::refuse_command(const std::string& reason, bool bytes_are_coming) {
  const std::string tag = command_text_.substr(0, command_text_.find(' '));
  command_text_.clear();
  // RFC 7888 §4 / RFC 4469 §4.2: an oversized literal is refused with BAD [TOOBIG]. A
  // synchronizing literal's bytes never come (no "+" was sent), so the session goes on.
  tagged(tag.empty() ? "*" : tag, "BAD [TOOBIG] " + reason);
  if (!bytes_are_coming) return;
  // A non-synchronizing literal's bytes are on their way and the next command cannot be found
  // reliably after them (RFC 7888 §4): say goodbye and close rather than buffer them.
  untagged("BYE [TOOBIG] " + reason + ": closing the connection");
  enter_state(ServerState::logout);
}

void ServerSession::handle_command_text(const std::string& text) {
  std::string error;
  std::optional<std::vector<Value>> values = parse_values(text, &error);
  const std::string raw_tag = text.substr(0, text.find(' '));
  // RFC 3501 §9: a tag is ASTRING-CHARs but "+", never a space. The value parser reads "a[b c]"
  // as one atom (a FETCH section), so the first value must be exactly the text up to the space.
  const bool tag_ok = !raw_tag.empty() && raw_tag.find_first_of("+(){%*\"\\") == std::string::npos &&
                      (!values || values->empty() || (*values)[0].text == raw_tag);
  if (!values || values->empty() || !(*values)[0].is_atom() || !tag_ok) {
    emit(EventKind::command_received, first_line(text));
    if (!tag_ok) {
      untagged("BAD syntax error: " + (error.empty() ? std::string("missing tag") : error));
    } else {
      tagged(raw_tag, "BAD syntax error: " + error);
    }
    return;
  }
  Command command;
  command.tag = (*values)[0].text;
  if (values->size() < 2 || !(*values)[1].is_atom()) {
    emit(EventKind::command_received, first_line(text));
    tagged(command.tag, "BAD missing command");
    return;
  }
  command.name = (*values)[1].keyword();
  std::size_t first_argument = 2;
  if (command.name == "UID") {
    if (values->size() < 3 || !(*values)[2].is_atom()) {
      emit(EventKind::command_received, first_line(text));
      tagged(command.tag, "BAD UID needs a command (FETCH, STORE, SEARCH, COPY, MOVE)");
      return;
    }
    command.name += " " + (*values)[2].keyword();
    first_argument = 3;
  }
  command.arguments.assign(values->begin() + static_cast<std::ptrdiff_t>(first_argument),
                           values->end());
  if (command.name == "LOGIN") {
    emit(EventKind::command_received,
         command.tag + " LOGIN " + (command.arguments.empty() ? "" : command.arguments[0].text) +
             " ********");
  } else if (command.name == "AUTHENTICATE") {
    emit(EventKind::command_received, command.tag + " AUTHENTICATE ...");
  } else {
    emit(EventKind::command_received, first_line(text));
  }
  dispatch(command);
}

void ServerSession::handle_idle_line(const std::string& line) {
  emit(EventKind::command_received, line);
  const std::string tag = idle_tag_;
  idle_tag_.clear();
  if (to_upper(line) == "DONE") {
    tagged(tag, "OK IDLE terminated");
  } else {
    tagged(tag, "BAD expected DONE to end IDLE");
  }
}

// ---- dispatch ---------------------------------------------------------------------------------

void ServerSession::dispatch(Command& command) {
  const std::string& name = command.name;
  auto is = [&](std::initializer_list<const char*> names) {
    return std::any_of(names.begin(), names.end(), [&](const char* n) { return name == n; });
  };
  const bool any_state = is({"CAPABILITY", "NOOP", "LOGOUT"});
  const bool not_authenticated = is({"LOGIN", "AUTHENTICATE", "STARTTLS"});
  const bool authenticated = is({"SELECT", "EXAMINE", "CREATE", "DELETE", "RENAME", "SUBSCRIBE",
                                 "UNSUBSCRIBE", "LIST", "LSUB", "STATUS", "APPEND", "IDLE"});
  const bool selected = is({"CHECK", "CLOSE", "UNSELECT", "EXPUNGE", "SEARCH", "FETCH", "STORE",
                            "COPY", "MOVE", "UID FETCH", "UID STORE", "UID SEARCH", "UID COPY",
                            "UID MOVE", "UID EXPUNGE"});
  if (!any_state && !not_authenticated && !authenticated && !selected) {
    tagged(command.tag, "BAD unknown command " + name);
    return;
  }
  if (not_authenticated && state_ != ServerState::not_authenticated) {
    tagged(command.tag, "NO already authenticated");
    return;
  }
  if ((authenticated || selected) && state_ == ServerState::not_authenticated) {
    tagged(command.tag, "NO not authenticated: LOGIN first");
    return;
  }
  if (selected && state_ != ServerState::selected) {
    tagged(command.tag, "NO no mailbox selected: SELECT first");
    return;
  }

  const std::size_t count = command.arguments.size();
  auto expect = [&](std::size_t n, const char* usage) {
    if (count == n) return true;
    tagged(command.tag, std::string("BAD wrong number of arguments, usage: ") + usage);
    return false;
  };

  if (name == "CAPABILITY") {
    if (!expect(0, "CAPABILITY")) return;
    untagged("CAPABILITY " + capabilities());
    if (state_ == ServerState::selected) send_updates(true);
    return tagged(command.tag, "OK CAPABILITY completed");
  }
  if (name == "NOOP" || name == "CHECK") {
    if (state_ == ServerState::selected) send_updates(true);
    return tagged(command.tag, "OK " + name + " completed");
  }
  if (name == "LOGOUT") {
    untagged("BYE " + options_.hostname + " IMAP4rev1 server logging out");
    tagged(command.tag, "OK LOGOUT completed");
    return enter_state(ServerState::logout);
  }
  if (name == "STARTTLS") return command_starttls(command);
  if (name == "LOGIN") return command_login(command);
  if (name == "AUTHENTICATE") return command_authenticate(command);
  if (name == "SELECT") return command_select(command, false);
  if (name == "EXAMINE") return command_select(command, true);
  if (name == "CREATE") return command_create(command);
  if (name == "DELETE") return command_delete(command);
  if (name == "RENAME") return command_rename(command);
  if (name == "SUBSCRIBE") return command_subscribe(command, true);
  if (name == "UNSUBSCRIBE") return command_subscribe(command, false);
  if (name == "LIST") return command_list(command, false);
  if (name == "LSUB") return command_list(command, true);
  if (name == "STATUS") return command_status(command);
  if (name == "APPEND") return command_append(command);
  if (name == "IDLE") return command_idle(command);
  if (name == "CLOSE") return command_close(command, true);
  if (name == "UNSELECT") return command_close(command, false);
  if (name == "EXPUNGE") return command_expunge(command, false);
  if (name == "UID EXPUNGE") return command_expunge(command, true);
  if (name == "FETCH") return command_fetch(command, false);
  if (name == "UID FETCH") return command_fetch(command, true);
  if (name == "STORE") return command_store(command, false);
  if (name == "UID STORE") return command_store(command, true);
  if (name == "SEARCH") return command_search(command, false);
  if (name == "UID SEARCH") return command_search(command, true);
  if (name == "COPY") return command_copy(command, false, false);
  if (name == "UID COPY") return command_copy(command, true, false);
  if (name == "MOVE") return command_copy(command, false, true);
  if (name == "UID MOVE") return command_copy(command, true, true);
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

// ---- authenticated ----------------------------------------------------------------------------

void ServerSession::deselect() {
  selected_.clear();
  view_.clear();
  read_only_ = false;
  if (state_ == ServerState::selected) enter_state(ServerState::authenticated);
}

void ServerSession::command_select(Command& command, bool read_only) {
  const char* verb = read_only ? "EXAMINE" : "SELECT";
  if (command.arguments.size() != 1 || !command.arguments[0].is_astring())
    return tagged(command.tag, std::string("BAD usage: ") + verb + " mailbox");
  deselect();  // §6.3.1: a failed SELECT leaves no mailbox selected
  const store::Folder* folder = store_.folder(user_, command.arguments[0].text);
  if (!folder) return tagged(command.tag, "NO [NONEXISTENT] no such mailbox");
  selected_ = folder->name;
  read_only_ = read_only;
  std::size_t recent = 0;
  std::size_t first_unseen = 0;
  for (const auto& message : folder->messages) {
    ViewEntry entry{message.uid, message.flags, false, false};
    // EXAMINE must not change \Recent (§6.3.2): it only looks.
    entry.recent = read_only ? message.recent : store_.claim_recent(user_, selected_, message.uid);
    if (entry.recent) ++recent;
    view_.push_back(entry);
    if (!first_unseen && !(message.flags & store::flag_seen)) first_unseen = view_.size();
  }
  untagged(std::string("FLAGS ") + system_flags_list);
  untagged(std::to_string(view_.size()) + " EXISTS");
  untagged(std::to_string(recent) + " RECENT");
  if (first_unseen) {
    untagged("OK [UNSEEN " + std::to_string(first_unseen) + "] message " +
             std::to_string(first_unseen) + " is the first unseen");
  }
  untagged(std::string("OK [PERMANENTFLAGS ") + (read_only ? "()" : system_flags_list) +
           "] " + (read_only ? "no permanent flags permitted" : "flags permitted"));
  untagged("OK [UIDVALIDITY " + std::to_string(folder->uid_validity) + "] UIDs valid");
  untagged("OK [UIDNEXT " + std::to_string(folder->uid_next) + "] predicted next UID");
  enter_state(ServerState::selected);
  tagged(command.tag, std::string("OK [") + (read_only ? "READ-ONLY" : "READ-WRITE") + "] " +
                          verb + " completed");
}

namespace {

std::string store_failure(store::Status status) {
  switch (status) {
    case store::Status::no_such_folder: return "NO [NONEXISTENT] no such mailbox";
    case store::Status::folder_exists: return "NO [ALREADYEXISTS] mailbox already exists";
    case store::Status::quota_exceeded: return "NO [OVERQUOTA] quota exceeded";
    case store::Status::invalid_name: return "NO [CANNOT] invalid mailbox name";
    case store::Status::cannot_delete_inbox: return "NO [CANNOT] INBOX cannot be deleted";
    case store::Status::has_children:
      return "NO [INUSE] mailbox has inferior hierarchical names: delete them first";
    default: return std::string("NO ") + store::describe(status);
  }
}

}  // namespace

void ServerSession::command_create(Command& command) {
  if (command.arguments.size() != 1 || !command.arguments[0].is_astring())
    return tagged(command.tag, "BAD usage: CREATE mailbox");
  std::string name = command.arguments[0].text;
  if (!name.empty() && name.back() == '/') name.pop_back();  // "a/" means a (§6.3.3)
  const store::Status status = store_.create_folder(user_, name);
  if (state_ == ServerState::selected) send_updates(true);
  if (status != store::Status::ok) return tagged(command.tag, store_failure(status));
  tagged(command.tag, "OK CREATE completed");
}

void ServerSession::command_delete(Command& command) {
  if (command.arguments.size() != 1 || !command.arguments[0].is_astring())
    return tagged(command.tag, "BAD usage: DELETE mailbox");
  const std::string name = store::MailStore::canonical_folder_name(command.arguments[0].text);
  const store::Status status = store_.delete_folder(user_, name);
  if (status == store::Status::ok && name == selected_) deselect();
  if (state_ == ServerState::selected) send_updates(true);
  if (status != store::Status::ok) return tagged(command.tag, store_failure(status));
  tagged(command.tag, "OK DELETE completed");
}

void ServerSession::command_rename(Command& command) {
  if (command.arguments.size() != 2 || !command.arguments[0].is_astring() ||
      !command.arguments[1].is_astring())
    return tagged(command.tag, "BAD usage: RENAME old-name new-name");
  const std::string from = store::MailStore::canonical_folder_name(command.arguments[0].text);
  const store::Status status = store_.rename_folder(user_, from, command.arguments[1].text);
  if (status == store::Status::ok && from == selected_ && from != "INBOX") deselect();
  if (state_ == ServerState::selected) send_updates(true);
  if (status != store::Status::ok) return tagged(command.tag, store_failure(status));
  tagged(command.tag, "OK RENAME completed");
}

void ServerSession::command_subscribe(Command& command, bool subscribe) {
  if (command.arguments.size() != 1 || !command.arguments[0].is_astring())
    return tagged(command.tag, subscribe ? "BAD usage: SUBSCRIBE mailbox" : "BAD usage: UNSUBSCRIBE mailbox");
  const store::Status status = store_.set_subscribed(user_, command.arguments[0].text, subscribe);
  if (state_ == ServerState::selected) send_updates(true);
  if (status != store::Status::ok) return tagged(command.tag, store_failure(status));
  tagged(command.tag, subscribe ? "OK SUBSCRIBE completed" : "OK UNSUBSCRIBE completed");
}

void ServerSession::command_list(Command& command, bool subscribed_only) {
  const char* verb = subscribed_only ? "LSUB" : "LIST";
  if (command.arguments.size() != 2 || !command.arguments[0].is_astring() ||
      !command.arguments[1].is_astring())
    return tagged(command.tag, std::string("BAD usage: ") + verb + " reference pattern");
  const std::string& reference = command.arguments[0].text;
  const std::string& pattern = command.arguments[1].text;
  if (pattern.empty()) {
    // §6.3.8: an empty pattern asks for the hierarchy delimiter and the root.
    untagged(std::string(verb) + " (\\Noselect) \"/\" \"\"");
  } else {
    const std::string full = reference + pattern;
    const std::vector<std::string> names = store_.folder_names(user_);
    for (const auto& name : names) {
      // INBOX matches case-insensitively (§5.1).
      const std::string candidate_pattern =
          to_upper(full.substr(0, 5)) == "INBOX" ? "INBOX" + full.substr(5) : full;
      if (!matches(candidate_pattern, name)) continue;
      const store::Folder* folder = store_.folder(user_, name);
      if (subscribed_only && (!folder || !folder->subscribed)) continue;
      const bool has_children =
          std::any_of(names.begin(), names.end(), [&](const std::string& other) {
            return other.size() > name.size() + 1 && other.compare(0, name.size() + 1, name + "/") == 0;
          });
      std::string attributes = has_children ? "\\HasChildren" : "\\HasNoChildren";
      // Special-use attributes (RFC 6154) for the default folders.
      if (name == "Sent" || name == "Junk" || name == "Drafts" || name == "Trash")
        attributes += " \\" + name;
      untagged(std::string(verb) + " (" + attributes + ") \"/\" " + astring(name));
    }
  }
  if (state_ == ServerState::selected) send_updates(true);
  tagged(command.tag, std::string("OK ") + verb + " completed");
}

void ServerSession::command_status(Command& command) {
  if (command.arguments.size() != 2 || !command.arguments[0].is_astring() ||
      !command.arguments[1].is_list())
    return tagged(command.tag, "BAD usage: STATUS mailbox (MESSAGES RECENT UIDNEXT UIDVALIDITY UNSEEN)");
  const store::Folder* folder = store_.folder(user_, command.arguments[0].text);
  if (!folder) return tagged(command.tag, "NO [NONEXISTENT] no such mailbox");
  std::string items;
  for (const auto& item : command.arguments[1].items) {
    const std::string key = item.keyword();
    std::uint64_t value = 0;
    if (key == "MESSAGES") {
      value = folder->messages.size();
    } else if (key == "RECENT") {
      value = static_cast<std::uint64_t>(std::count_if(folder->messages.begin(), folder->messages.end(),
                                                       [](const store::Message& m) { return m.recent; }));
    } else if (key == "UIDNEXT") {
      value = folder->uid_next;
    } else if (key == "UIDVALIDITY") {
      value = folder->uid_validity;
    } else if (key == "UNSEEN") {
      value = static_cast<std::uint64_t>(std::count_if(
          folder->messages.begin(), folder->messages.end(),
          [](const store::Message& m) { return !(m.flags & store::flag_seen); }));
    } else {
      return tagged(command.tag, "BAD unknown STATUS item " + item.text);
    }
    if (!items.empty()) items += ' ';
    items += key + " " + std::to_string(value);
  }
  untagged("STATUS " + astring(folder->name) + " (" + items + ")");
  if (state_ == ServerState::selected) send_updates(true);
  tagged(command.tag, "OK STATUS completed");
}

void ServerSession::command_append(Command& command) {
  // APPEND mailbox [(flags)] ["date-time"] message-literal
  auto& args = command.arguments;
  if (args.size() < 2 || args.size() > 4 || !args[0].is_astring() ||
      args.back().kind != Value::Kind::string)
    return tagged(command.tag, "BAD usage: APPEND mailbox [(flags)] [\"date-time\"] {size}");
  store::Flags flags = 0;
  std::int64_t date = now_seconds_;
  for (std::size_t i = 1; i + 1 < args.size(); ++i) {
    if (args[i].is_list()) {
      for (const auto& flag : args[i].items) {
        if (auto f = store::flag_from_name(flag.text)) flags |= *f;
        else if (!flag.text.empty() && flag.text[0] == '\\')
          return tagged(command.tag, "BAD invalid flag " + flag.text);
      }
    } else if (args[i].kind == Value::Kind::string) {
      const std::optional<std::int64_t> parsed = parse_date_time(args[i].text);
      if (!parsed) return tagged(command.tag, "BAD invalid date-time " + args[i].text);
      date = *parsed;
    } else {
      return tagged(command.tag, "BAD unexpected APPEND argument " + args[i].text);
    }
  }
  const store::DeliveryResult result =
      store_.deliver(user_, args[0].text, args.back().text, date, flags);
  if (state_ == ServerState::selected) send_updates(true);
  if (result.status == store::Status::no_such_folder)
    return tagged(command.tag, "NO [TRYCREATE] no such mailbox");
  if (result.status != store::Status::ok) return tagged(command.tag, store_failure(result.status));
  // RFC 4315 §3: APPENDUID tells the client the new message's UID (no need to search for it).
  const store::Folder* folder = store_.folder(user_, args[0].text);
  tagged(command.tag, "OK [APPENDUID " + std::to_string(folder ? folder->uid_validity : 0) + " " +
                          std::to_string(result.uid) + "] APPEND completed");
}

void ServerSession::command_idle(Command& command) {
  if (!command.arguments.empty()) return tagged(command.tag, "BAD usage: IDLE");
  idle_tag_ = command.tag;
  continuation("idling");
  if (state_ == ServerState::selected) send_updates(true);
}

// ---- untagged updates -------------------------------------------------------------------------

const store::Folder* ServerSession::selected_folder() const {
  return selected_.empty() ? nullptr : store_.folder(user_, selected_);
}

void ServerSession::send_updates(bool allow_expunge) {
  if (state_ != ServerState::selected) return;
  const store::Folder* folder = selected_folder();

  // Messages gone from the store: EXPUNGE with the numbering shifting as we go (§7.4.1).
  for (std::size_t i = 0; i < view_.size();) {
    if (!folder || !folder->find(view_[i].uid)) {
      if (allow_expunge) {
        untagged(std::to_string(i + 1) + " EXPUNGE");
        view_.erase(view_.begin() + static_cast<std::ptrdiff_t>(i));
        continue;
      }
      view_[i].gone = true;
    }
    ++i;
  }
  if (!folder) return;

  // Flags changed by someone else (§7.4.2 FETCH as an unsolicited update).
  for (std::size_t i = 0; i < view_.size(); ++i) {
    if (view_[i].gone) continue;
    const store::Message* message = folder->find(view_[i].uid);
    if (message->flags != view_[i].flags) {
      view_[i].flags = message->flags;
      std::string flags = store::flags_to_text(view_[i].flags);
      if (view_[i].recent) flags += flags.empty() ? "\\Recent" : " \\Recent";
      untagged(std::to_string(i + 1) + " FETCH (FLAGS (" + flags + "))");
    }
  }

  // New messages: UIDs above the last one we know (UIDs only grow, §2.3.1.1).
  const std::uint32_t last_uid = view_.empty() ? 0 : view_.back().uid;
  bool grew = false;
  for (const auto& message : folder->messages) {
    if (message.uid <= last_uid) continue;
    ViewEntry entry{message.uid, message.flags, false, false};
    entry.recent = read_only_ ? message.recent : store_.claim_recent(user_, selected_, message.uid);
    view_.push_back(entry);
    grew = true;
  }
  if (grew) {
    untagged(std::to_string(view_.size()) + " EXISTS");
    const auto recent = std::count_if(view_.begin(), view_.end(), [](const ViewEntry& e) { return e.recent; });
    untagged(std::to_string(recent) + " RECENT");
  }
}

}  // namespace maillab::imap
