#include "protocols/imap/client_session.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "protocols/imap/syntax.h"

namespace maillab::imap {

ClientSession::ClientSession(ClientOptions options) : options_(std::move(options)) {
  queue_.push_back(Step{StepKind::login});
}

// ---- operations -------------------------------------------------------------------------------

void ClientSession::enqueue(Step step) {
  if (finished_) return;
  queue_.push_back(std::move(step));
  if (greeted_ && !current_) start_next();
}

void ClientSession::sync() { enqueue(Step{StepKind::select}); }
void ClientSession::mark_seen(std::uint32_t uid) { enqueue(Step{StepKind::store, uid, "\\Seen", true}); }
void ClientSession::set_flag(std::uint32_t uid, const std::string& flag, bool add) {
  enqueue(Step{StepKind::store, uid, flag, add});
}
void ClientSession::create_folder(const std::string& name) { enqueue(Step{StepKind::create, 0, name}); }
void ClientSession::move(std::uint32_t uid, const std::string& folder) {
  enqueue(Step{StepKind::copy, uid, folder});
}
void ClientSession::noop() { enqueue(Step{StepKind::noop}); }
void ClientSession::logout() { enqueue(Step{StepKind::logout}); }

std::vector<std::uint32_t> ClientSession::take_new_messages() {
  std::vector<std::uint32_t> out;
  out.swap(new_messages_);
  return out;
}

// ---- I/O --------------------------------------------------------------------------------------

std::string ClientSession::poll_output() {
  std::string out;
  out.swap(output_);
  return out;
}

std::optional<Event> ClientSession::poll_event() {
  if (events_.empty()) return std::nullopt;
  Event event = std::move(events_.front());
  events_.pop_front();
  return event;
}

void ClientSession::send_command(const std::string& command, const std::string& shown) {
  current_tag_ = "A" + std::to_string(next_tag_++);
  output_ += current_tag_ + " " + command + "\r\n";
  events_.push_back(Event{EventKind::command_sent, current_tag_ + " " + shown});
}

void ClientSession::fail(const std::string& reason) {
  error_ = reason;
  failed_ = true;
  finished_ = true;
  queue_.clear();
  current_.reset();
  events_.push_back(Event{EventKind::error, reason});
}

void ClientSession::handle_close() {
  if (!finished_) fail("connection closed by server");
}

void ClientSession::handle_bytes(std::string_view bytes) {
  input_.append(bytes);
  while (!finished_) {
    if (literal_remaining_ > 0) {
      const auto take = static_cast<std::size_t>(std::min<std::uint64_t>(literal_remaining_, input_.size()));
      pending_response_.append(input_, 0, take);
      input_.erase(0, take);
      literal_remaining_ -= take;
      if (literal_remaining_ > 0) return;
      continue;
    }
    const std::size_t newline = input_.find('\n');
    if (newline == std::string::npos) return;
    std::string line = input_.substr(0, newline);
    input_.erase(0, newline + 1);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    pending_response_ += line;
    bool non_synchronizing = false;
    if (auto size = trailing_literal(line, &non_synchronizing)) {
      pending_response_ += "\r\n";
      literal_remaining_ = *size;
      continue;
    }
    std::string response;
    response.swap(pending_response_);
    handle_response(response);
  }
}

void ClientSession::handle_response(const std::string& response) {
  events_.push_back(Event{EventKind::response_received, response.substr(0, response.find('\r'))});
  if (response.rfind("* ", 0) == 0) return handle_untagged(response.substr(2));
  if (response.rfind("+", 0) == 0) return;  // we never wait for continuations (no sync literals)
  const std::size_t space = response.find(' ');
  const std::string tag = response.substr(0, space);
  if (space == std::string::npos || tag != current_tag_ || !current_) {
    events_.push_back(Event{EventKind::error, "unexpected response: " + response});
    return;
  }
  const std::size_t second = response.find(' ', space + 1);
  const std::string status = to_upper(response.substr(space + 1, second == std::string::npos ? second : second - space - 1));
  handle_completion(status, second == std::string::npos ? "" : response.substr(second + 1));
}

void ClientSession::expunge_sequence(std::uint32_t sequence) {
  if (sequence == 0 || sequence > sequence_to_uid_.size()) return;
  const std::uint32_t uid = sequence_to_uid_[sequence - 1];
  sequence_to_uid_.erase(sequence_to_uid_.begin() + sequence - 1);
  if (uid && messages_.erase(uid)) {
    events_.push_back(Event{EventKind::flags_changed, std::to_string(uid) + " expunged"});
  }
}

void ClientSession::handle_untagged(const std::string& text) {
  if (!greeted_) {
    greeted_ = true;
    if (text.rfind("OK", 0) != 0 && text.rfind("PREAUTH", 0) != 0) return fail("server refused: " + text);
    return start_next();
  }
  if (text.rfind("BYE", 0) == 0) {
    if (current_ && current_->kind == StepKind::logout) return;
    return fail("server closed the session: " + text);
  }
  if (text.rfind("OK [UIDVALIDITY ", 0) == 0) {
    const std::uint32_t validity = static_cast<std::uint32_t>(std::strtoul(text.c_str() + 16, nullptr, 10));
    if (uid_validity_ != 0 && validity != uid_validity_) {
      // RFC 3501 §2.3.1.1: the UIDs we cached mean nothing any more.
      messages_.clear();
      events_.push_back(Event{EventKind::flags_changed, "UIDVALIDITY changed: local cache cleared"});
    }
    uid_validity_ = validity;
    return;
  }
  if (text.rfind("SEARCH", 0) == 0) {
    search_results_.clear();
    std::size_t position = 6;
    while (position < text.size()) {
      while (position < text.size() && text[position] == ' ') ++position;
      std::size_t end = text.find(' ', position);
      if (end == std::string::npos) end = text.size();
      if (end > position) search_results_.push_back(static_cast<std::uint32_t>(std::strtoul(text.substr(position, end - position).c_str(), nullptr, 10)));
      position = end;
    }
    return;
  }
  // "<n> EXISTS" / "<n> EXPUNGE" / "<n> FETCH (...)"
  const std::size_t space = text.find(' ');
  if (space == std::string::npos || !std::isdigit(static_cast<unsigned char>(text[0]))) return;
  const auto number = static_cast<std::uint32_t>(std::strtoul(text.c_str(), nullptr, 10));
  const std::string rest = text.substr(space + 1);
  if (rest == "EXISTS") {
    if (number > sequence_to_uid_.size()) sequence_to_uid_.resize(number, 0);
    return;
  }
  if (rest == "EXPUNGE") return expunge_sequence(number);
  if (rest.rfind("FETCH ", 0) == 0) return handle_fetch(number, std::string_view(rest).substr(6));
}

void ClientSession::handle_fetch(std::uint32_t sequence, std::string_view attributes) {
  std::string error;
  auto values = parse_values(attributes, &error);
  if (!values || values->size() != 1 || !(*values)[0].is_list()) {
    events_.push_back(Event{EventKind::error, "malformed FETCH response: " + error});
    return;
  }
  if (sequence == 0) return;  // not a valid message number
  const auto& items = (*values)[0].items;
  std::optional<std::uint32_t> uid;
  std::optional<std::set<std::string>> flags;
  std::optional<std::uint64_t> size;
  std::optional<std::string> body;
  std::optional<std::string> envelope;
  for (std::size_t i = 0; i + 1 < items.size(); i += 2) {
    const std::string name = items[i].keyword();
    const Value& value = items[i + 1];
    if (name == "UID") {
      uid = static_cast<std::uint32_t>(std::strtoul(value.text.c_str(), nullptr, 10));
    } else if (name == "FLAGS" && value.is_list()) {
      flags.emplace();
      for (const auto& flag : value.items) {
        if (to_lower(flag.text) != "\\recent") flags->insert(flag.text);
      }
    } else if (name == "RFC822.SIZE") {
      size = std::strtoull(value.text.c_str(), nullptr, 10);
    } else if (name == "BODY[]" || name == "RFC822") {
      body = value.text;
    } else if (name == "ENVELOPE") {
      envelope = "(envelope)";
    }
  }
  if (sequence > sequence_to_uid_.size()) sequence_to_uid_.resize(sequence, 0);
  if (uid) sequence_to_uid_[sequence - 1] = *uid;
  else if (sequence_to_uid_[sequence - 1]) uid = sequence_to_uid_[sequence - 1];
  if (!uid) return;  // an update for a message we cannot name yet; the next flag sync catches it
  if (current_ && current_->kind == StepKind::fetch_flags) flag_sync_seen_.insert(*uid);

  auto found = messages_.find(*uid);
  const bool is_new = found == messages_.end();
  if (is_new && !body && !envelope) return;  // not downloaded yet: the next sync fetches it
  LocalMessage& message = messages_[*uid];
  message.uid = *uid;
  if (size) message.size = *size;
  if (body) message.bytes = *body;
  if (envelope) message.envelope = *envelope;
  if (flags && *flags != message.flags) {
    message.flags = *flags;
    if (!is_new) {
      std::string text;
      for (const auto& f : message.flags) text += (text.empty() ? "" : " ") + f;
      events_.push_back(Event{EventKind::flags_changed, std::to_string(*uid) + " (" + text + ")"});
    }
  }
  if (is_new) {
    new_messages_.push_back(*uid);
    events_.push_back(Event{EventKind::message_fetched,
                            std::to_string(*uid) + " " + std::to_string(message.size)});
  }
}

// ---- the operation queue ----------------------------------------------------------------------

void ClientSession::start_next() {
  if (finished_ || current_ || !greeted_) return;
  if (queue_.empty()) return;
  current_ = queue_.front();
  queue_.pop_front();
  const Step& step = *current_;
  const std::string uid = std::to_string(step.uid);
  switch (step.kind) {
    case StepKind::login:
      return send_command("LOGIN " + quote_string(options_.user) + " " + quote_string(options_.password),
                          "LOGIN " + quote_string(options_.user) + " ********");
    case StepKind::select:
      if (selected_) {
        // Already selected: NOOP first, so the server reports new mail (EXISTS) before we
        // search; a search alone only sees what this session was already told about.
        current_->kind = StepKind::sync_noop;
        return send_command("NOOP", "NOOP");
      }
      return send_command("SELECT " + astring(options_.mailbox), "SELECT " + astring(options_.mailbox));
    case StepKind::sync_noop:
      return send_command("NOOP", "NOOP");
    case StepKind::search_new: {
      const std::string command =
          "UID SEARCH UID " + std::to_string(messages_.empty() ? 1 : messages_.rbegin()->first + 1) + ":*";
      return send_command(command, command);
    }
    case StepKind::fetch_new: {
      const std::string command = "UID FETCH " + step.text +
                                  (options_.fetch_bodies ? " (UID FLAGS RFC822.SIZE BODY.PEEK[])"
                                                         : " (UID FLAGS RFC822.SIZE ENVELOPE)");
      return send_command(command, command);
    }
    case StepKind::fetch_flags:
      flag_sync_seen_.clear();
      sequence_to_uid_.clear();
      return send_command("UID FETCH 1:* (UID FLAGS)", "UID FETCH 1:* (UID FLAGS)");
    case StepKind::store: {
      const std::string command =
          "UID STORE " + uid + (step.add ? " +FLAGS (" : " -FLAGS (") + step.text + ")";
      return send_command(command, command);
    }
    case StepKind::create:
      return send_command("CREATE " + astring(step.text), "CREATE " + astring(step.text));
    case StepKind::copy:
      return send_command("UID COPY " + uid + " " + astring(step.text), "UID COPY " + uid + " " + astring(step.text));
    case StepKind::store_deleted:
      return send_command("UID STORE " + uid + " +FLAGS.SILENT (\\Deleted)",
                          "UID STORE " + uid + " +FLAGS.SILENT (\\Deleted)");
    case StepKind::expunge:
      return send_command("EXPUNGE", "EXPUNGE");
    case StepKind::noop:
      return send_command("NOOP", "NOOP");
    case StepKind::logout:
      return send_command("LOGOUT", "LOGOUT");
  }
}

void ClientSession::handle_completion(const std::string& status, const std::string& text) {
  Step step = *current_;
  current_.reset();
  const bool ok = status == "OK";
  auto done = [&](const std::string& what) {
    events_.push_back(Event{ok ? EventKind::operation_done : EventKind::error,
                            what + (ok ? "" : " failed: " + status + " " + text)});
  };
  switch (step.kind) {
    case StepKind::login:
      if (!ok) return fail("login failed: " + status + " " + text);
      logged_in_ = true;
      events_.push_back(Event{EventKind::state_changed, "AUTHENTICATED"});
      break;
    case StepKind::select:
      if (!ok) {
        done("sync " + options_.mailbox);
        break;
      }
      selected_ = true;
      events_.push_back(Event{EventKind::state_changed, "SELECTED " + options_.mailbox});
      queue_.push_front(Step{StepKind::search_new});
      break;
    case StepKind::sync_noop:
      queue_.push_front(Step{StepKind::search_new});
      break;
    case StepKind::search_new: {
      if (!ok) {
        done("sync " + options_.mailbox);
        break;
      }
      // "n:*" always matches the highest UID even if it is below n (§6.4.8): filter.
      std::vector<std::uint32_t> wanted;
      const std::uint32_t last = messages_.empty() ? 0 : messages_.rbegin()->first;
      for (std::uint32_t uid : search_results_) {
        if (uid > last && !messages_.count(uid)) wanted.push_back(uid);
      }
      std::sort(wanted.begin(), wanted.end());
      queue_.push_front(Step{StepKind::fetch_flags});
      if (!wanted.empty()) queue_.push_front(Step{StepKind::fetch_new, 0, format_sequence_set(wanted)});
      break;
    }
    case StepKind::fetch_new:
      if (!ok) done("fetch new messages");
      break;
    case StepKind::fetch_flags:
      if (ok) {
        // Messages we hold that the server no longer lists were removed elsewhere.
        for (auto it = messages_.begin(); it != messages_.end();) {
          if (!flag_sync_seen_.count(it->first)) {
            events_.push_back(Event{EventKind::flags_changed, std::to_string(it->first) + " expunged"});
            it = messages_.erase(it);
          } else {
            ++it;
          }
        }
      }
      done("sync " + options_.mailbox);
      break;
    case StepKind::store:
      done("store " + std::string(step.add ? "+" : "-") + step.text + " on UID " + std::to_string(step.uid));
      break;
    case StepKind::create:
      done("create " + step.text);
      break;
    case StepKind::copy:
      if (!ok) {
        done("move UID " + std::to_string(step.uid) + " to " + step.text);
        break;
      }
      queue_.push_front(Step{StepKind::store_deleted, step.uid, step.text});
      break;
    case StepKind::store_deleted:
      if (!ok) {
        done("move UID " + std::to_string(step.uid) + " to " + step.text);
        break;
      }
      queue_.push_front(Step{StepKind::expunge, step.uid, step.text});
      break;
    case StepKind::expunge:
      done("move UID " + std::to_string(step.uid) + " to " + step.text);
      break;
    case StepKind::noop:
      done("noop");
      break;
    case StepKind::logout:
      finished_ = true;
      done("logout");
      return;
  }
  start_next();
}

}  // namespace maillab::imap
