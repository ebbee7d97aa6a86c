// IMAP server session: construction, output, state changes, the end of a session (LOGOUT, a
// dropped connection, autologout), and the untagged updates of RFC 3501 §5.2/§7 that tell a
// client what other sessions changed. Input framing is in server_input.cpp, the command table in
// server_commands.cpp, the commands in server_mailboxes.cpp, server_messages.cpp,
// server_fetch.cpp and server_search.cpp.

#include "protocols/imap/server_session.h"

#include <algorithm>

#include "protocols/common/take_front.h"

namespace maillab::imap {

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
  if (state_ == ServerState::not_authenticated) caps += login_disabled() ? " LOGINDISABLED" : " AUTH=PLAIN SASL-IR";
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
  return std::exchange(output_, {});
}

std::optional<Event> ServerSession::poll_event() {
  return common::take_front(events_);
}

void ServerSession::handle_close() {
  if (state_ == ServerState::logout) return;
  idle_tag_.clear();
  emit(EventKind::error, "connection dropped");
  enter_state(ServerState::logout);
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

std::string ServerSession::first_line(std::string_view text) {
  return std::string(text.substr(0, text.find_first_of("\r\n")));
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
