#include "protocols/imap/command_runner.h"

#include <algorithm>

#include "protocols/imap/syntax.h"

namespace maillab::imap {

CommandRunner::CommandRunner(std::string user, std::string password, bool starttls) : starttls_(starttls) {
  const std::string login = "LOGIN " + quote_string(user) + " ";
  queue_.push_back(Pending{login + quote_string(password), login + "********",
                           [this](const CommandCompletion& done) {
                             if (done.aborted()) return;
                             if (!done.ok()) {
                               return fail("login refused: " + done.status + " " + done.text +
                                           " (login failed: check the user name and password)");
                             }
                             logged_in_ = true;
                             emit(EventKind::state_changed, "AUTHENTICATED");
                           },
                           {}});
}

void CommandRunner::start_tls_or_fail() {
  if (!has_capability("STARTTLS"))
    return fail("the server does not offer STARTTLS: not sending the password in the clear");
  queue_.push_front(Pending{"STARTTLS", "STARTTLS",
                            [this](const CommandCompletion& done) {
                              if (done.aborted()) return;
                              if (!done.ok())
                                return fail("STARTTLS refused (" + done.status + " " + done.text +
                                            "): not sending the password in the clear");
                              tls_wait_ = true;
                              tls_requested_ = true;
                              // RFC 3501 §6.2.1: forget what was learnt in the clear.
                              capabilities_.clear();
                            },
                            {}});
}

void CommandRunner::handle_tls_established() {
  if (!tls_wait_) return;
  tls_wait_ = false;
  send_next();
}

void CommandRunner::handle_tls_failed(const std::string& reason) {
  tls_wait_ = false;
  fail("TLS failed: " + reason);
}

void CommandRunner::command(std::string text, Then then, std::string shown) {
  if (failed_ || logged_out_) {
    if (then) then(CommandCompletion{"", failed_ ? error_ : "the session has logged out", {}});
    return;
  }
  if (shown.empty()) shown = text.substr(0, text.find('\r'));
  queue_.push_back(Pending{std::move(text), std::move(shown), std::move(then), {}});
  send_next();
}

void CommandRunner::idle(std::function<void()> idling, Then then) {
  if (failed_ || logged_out_) {
    if (then) then(CommandCompletion{"", failed_ ? error_ : "the session has logged out", {}});
    return;
  }
  queue_.push_back(Pending{"IDLE", "IDLE", std::move(then), idling ? std::move(idling) : [] {}});
  send_next();
}

void CommandRunner::end_idle() {
  if (idling_) return send_done();
  const auto waits_for_plus = [](const Pending& pending) { return static_cast<bool>(pending.continued); };
  if ((in_flight_ && waits_for_plus(*in_flight_)) || std::any_of(queue_.begin(), queue_.end(), waits_for_plus))
    done_requested_ = true;
}

void CommandRunner::send_done() {
  // RFC 2177 §3: the client ends IDLE with the line "DONE", untagged; the server then
  // completes the IDLE command with its tag.
  idling_ = false;
  output_ += "DONE\r\n";
  emit(EventKind::command_sent, "DONE");
}

void CommandRunner::handle_continuation() {
  // We only send LITERAL+ literals, so the one command that waits for "+" is IDLE.
  if (!in_flight_ || !in_flight_->continued || idling_) return;
  idling_ = true;
  if (done_requested_) {
    done_requested_ = false;
    return send_done();
  }
  in_flight_->continued();
}

bool CommandRunner::has_capability(std::string_view name) const {
  const std::string wanted = to_upper(std::string(name));
  return std::any_of(capabilities_.begin(), capabilities_.end(),
                     [&](const std::string& capability) { return to_upper(capability) == wanted; });
}

void CommandRunner::learn_capabilities(const std::string& text, bool untagged) {
  // "CAPABILITY a b" (untagged, §7.2.1), or a response code at the start of the text:
  // "OK [CAPABILITY a b] ready" (greeting, §7.1) or "[CAPABILITY a b] LOGIN completed" (the
  // tagged text). Only there: a message body elsewhere may contain anything.
  std::string list;
  if (untagged && text.rfind("CAPABILITY ", 0) == 0) {
    list = text.substr(11);
  } else {
    std::string code = text;
    for (const std::string status : {"OK ", "PREAUTH "})
      if (code.rfind(status, 0) == 0) code = code.substr(status.size());
    const std::size_t close = code.find(']');
    if (code.rfind("[CAPABILITY ", 0) != 0 || close == std::string::npos) return;
    list = code.substr(12, close - 12);
  }
  capabilities_.clear();
  std::size_t start = 0;
  while (start < list.size()) {
    std::size_t end = list.find(' ', start);
    if (end == std::string::npos) end = list.size();
    if (end > start) capabilities_.push_back(list.substr(start, end - start));
    start = end + 1;
  }
}

std::string CommandRunner::poll_output() {
  return std::exchange(output_, {});
}

void CommandRunner::emit(EventKind kind, std::string text) {
  if (on_event) on_event(Event{kind, std::move(text)});
}

void CommandRunner::send_next() {
  if (!greeted_ || in_flight_ || queue_.empty() || failed_ || logged_out_ || tls_wait_) return;
  in_flight_ = std::move(queue_.front());
  queue_.pop_front();
  in_flight_tag_ = "A" + std::to_string(next_tag_++);
  output_ += in_flight_tag_ + " " + in_flight_->text + "\r\n";
  emit(EventKind::command_sent, in_flight_tag_ + " " + in_flight_->shown);
}

void CommandRunner::fail(const std::string& reason) {
  if (failed_) return;
  failed_ = true;
  error_ = reason;
  idling_ = false;
  done_requested_ = false;
  emit(EventKind::error, reason);
  // Everyone waiting hears about it, so an operation can finish its bookkeeping.
  std::deque<Pending> waiting;
  waiting.swap(queue_);
  if (in_flight_) waiting.push_front(std::move(*in_flight_));
  in_flight_.reset();
  for (auto& pending : waiting)
    if (pending.then) pending.then(CommandCompletion{"", reason, {}});
}

void CommandRunner::handle_close() {
  if (!logged_out_) fail("the server closed the connection");
}

void CommandRunner::handle_bytes(std::string_view bytes) {
  input_.append(bytes);
  while (!failed_ && !logged_out_) {
    if (tls_wait_) {  // what the server sent in the clear after its OK to STARTTLS is dropped
      input_.clear();
      return;
    }
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
      pending_response_ += "\r\n";  // RFC 3501 §4.3: the literal's bytes follow the CRLF
      literal_remaining_ = *size;
      continue;
    }
    std::string response;
    response.swap(pending_response_);
    handle_response(response);
  }
}

void CommandRunner::handle_response(const std::string& response) {
  emit(EventKind::response_received, response.substr(0, response.find('\r')));
  if (response.rfind("* ", 0) == 0) {
    const std::string text = response.substr(2);
    learn_capabilities(text, true);
    if (!greeted_) {
      greeted_ = true;
      // RFC 3501 §7.1: OK (log in next) or PREAUTH; BYE or anything else is a refusal.
      if (text.rfind("OK", 0) != 0 && text.rfind("PREAUTH", 0) != 0) return fail("the server refused us: " + text);
      if (starttls_ && text.rfind("OK", 0) == 0) {
        if (!capabilities_.empty()) {
          start_tls_or_fail();
        } else {  // the greeting listed none: ask (RFC 3501 §6.1.1)
          queue_.push_front(Pending{"CAPABILITY", "CAPABILITY",
                                    [this](const CommandCompletion& done) {
                                      if (!done.aborted()) start_tls_or_fail();
                                    },
                                    {}});
        }
      }
      return send_next();
    }
    // RFC 3501 §7.1.5: BYE outside LOGOUT means the server is closing the connection.
    if (text.rfind("BYE", 0) == 0 && !(in_flight_ && in_flight_->text == "LOGOUT"))
      return fail("the server ended the session: " + text);
    if (on_untagged) on_untagged(text);
    untagged_.push_back(text);
    return;
  }
  if (response.rfind("+", 0) == 0) return handle_continuation();
  handle_tagged(response);
}

void CommandRunner::handle_tagged(const std::string& response) {
  const std::size_t space = response.find(' ');
  if (!in_flight_ || space == std::string::npos || response.substr(0, space) != in_flight_tag_) {
    emit(EventKind::error, "unexpected response: " + response);
    return;
  }
  const std::size_t second = response.find(' ', space + 1);
  CommandCompletion done;
  done.status = to_upper(response.substr(space + 1, second == std::string::npos ? std::string::npos : second - space - 1));
  done.text = second == std::string::npos ? "" : response.substr(second + 1);
  done.untagged.swap(untagged_);
  if (done.ok()) learn_capabilities(done.text, false);  // e.g. "OK [CAPABILITY ...] LOGIN completed"
  Pending finished = std::move(*in_flight_);
  in_flight_.reset();
  if (finished.continued) {
    idling_ = false;
    done_requested_ = false;
  }
  // RFC 3501 §6.1.3: after LOGOUT the server closes; nothing more is read or sent.
  if (finished.text == "LOGOUT") logged_out_ = true;
  if (finished.then) finished.then(done);
  send_next();
}

}  // namespace maillab::imap
