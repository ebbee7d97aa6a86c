#include "protocols/imap/command_runner.h"

#include <algorithm>

#include "protocols/imap/syntax.h"

namespace maillab::imap {

CommandRunner::CommandRunner(std::string user, std::string password) {
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
                           }});
}

void CommandRunner::command(std::string text, Then then, std::string shown) {
  if (failed_ || logged_out_) {
    if (then) then(CommandCompletion{"", failed_ ? error_ : "the session has logged out", {}});
    return;
  }
  if (shown.empty()) shown = text.substr(0, text.find('\r'));
  queue_.push_back(Pending{std::move(text), std::move(shown), std::move(then)});
  send_next();
}

std::string CommandRunner::poll_output() {
  std::string out;
  out.swap(output_);
  return out;
}

void CommandRunner::emit(EventKind kind, std::string text) {
  if (on_event) on_event(Event{kind, std::move(text)});
}

void CommandRunner::send_next() {
  if (!greeted_ || in_flight_ || queue_.empty() || failed_ || logged_out_) return;
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
    if (!greeted_) {
      greeted_ = true;
      // RFC 3501 §7.1: OK (log in next) or PREAUTH; BYE or anything else is a refusal.
      if (text.rfind("OK", 0) != 0 && text.rfind("PREAUTH", 0) != 0) return fail("the server refused us: " + text);
      return send_next();
    }
    // RFC 3501 §7.1.5: BYE outside LOGOUT means the server is closing the connection.
    if (text.rfind("BYE", 0) == 0 && !(in_flight_ && in_flight_->text == "LOGOUT"))
      return fail("the server ended the session: " + text);
    if (on_untagged) on_untagged(text);
    untagged_.push_back(text);
    return;
  }
  if (response.rfind("+", 0) == 0) return;  // we only send LITERAL+ literals: nothing waits for "+"
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
  Pending finished = std::move(*in_flight_);
  in_flight_.reset();
  // RFC 3501 §6.1.3: after LOGOUT the server closes; nothing more is read or sent.
  if (finished.text == "LOGOUT") logged_out_ = true;
  if (finished.then) finished.then(done);
  send_next();
}

}  // namespace maillab::imap
