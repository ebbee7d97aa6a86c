// IMAP server session, input: command lines and their literals (RFC 3501 §2.2, §4.3, §7.5;
// LITERAL+ from RFC 7888), the limits on them ([TOOBIG], RFC 7888 §4), the command's tag and
// name, and the lines that are not commands (IDLE's DONE, an AUTHENTICATE response).

#include <algorithm>

#include "protocols/imap/server_session.h"

namespace maillab::imap {

// ---- input framing ----------------------------------------------------------------------------

void ServerSession::handle_bytes(std::string_view bytes) {
  if (state_ == ServerState::logout) return;
  input_.feed(bytes);
  process_input();
}

void ServerSession::process_input() {
  const common::LineLimit limit{options_.max_line_length};
  while (state_ != ServerState::logout) {
    if (literal_remaining_ > 0) {
      const std::string_view bytes = input_.take(static_cast<std::size_t>(
          std::min<std::uint64_t>(literal_remaining_, input_.buffered())));
      if (bytes.empty()) break;
      command_text_.append(bytes);
      literal_remaining_ -= bytes.size();
      continue;  // the command goes on after the literal
    }
    auto next = input_.next(limit);
    if (!next) break;
    if (next->too_long) {
      untagged("BAD line too long (limit " + std::to_string(options_.max_line_length) + " octets)");
      command_text_.clear();
      continue;
    }
    const std::string line(next->text);  // a copy: handlers may feed or clear the reader
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
      input_.clear();
      break;
    }
  }
  if (state_ == ServerState::logout) input_.clear();
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

}  // namespace maillab::imap
