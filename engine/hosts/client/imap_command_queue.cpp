#include "engine/hosts/client/imap_command_queue.h"

#include <cctype>
#include <cstdlib>

#include "protocols/imap/syntax.h"

namespace maillab::engine {

ImapCommandQueue::ImapCommandQueue(std::string user, std::string password) {
  // LOGIN first (RFC 3501 §6.2.3); the server traces it with the password masked.
  queue_.push_back(Pending{"LOGIN " + imap::quote_string(user) + " " + imap::quote_string(password),
                           [this](const ImapCompletion& done) {
                             if (done.ok()) logged_in_ = true;
                             else fail("login refused: " + done.status + " " + done.text);
                           }});
}

void ImapCommandQueue::command(std::string text, Then then) {
  if (failed_) {
    if (then) then(ImapCompletion{"", error_, {}});
    return;
  }
  queue_.push_back(Pending{std::move(text), std::move(then)});
  send_next();
}

std::string ImapCommandQueue::poll_output() {
  std::string out;
  out.swap(output_);
  return out;
}

void ImapCommandQueue::send_next() {
  if (!greeted_ || in_flight_ || queue_.empty() || failed_) return;
  in_flight_ = std::move(queue_.front());
  queue_.pop_front();
  in_flight_tag_ = "A" + std::to_string(next_tag_++);
  output_ += in_flight_tag_ + " " + in_flight_->text + "\r\n";
}

void ImapCommandQueue::fail(const std::string& reason) {
  if (failed_) return;
  failed_ = true;
  error_ = reason;
  // Everyone waiting hears about it, so a job can finish its bookkeeping.
  std::deque<Pending> waiting;
  waiting.swap(queue_);
  if (in_flight_) waiting.push_front(std::move(*in_flight_));
  in_flight_.reset();
  for (auto& pending : waiting)
    if (pending.then) pending.then(ImapCompletion{"", reason, {}});
}

void ImapCommandQueue::handle_close() { fail("the server closed the connection"); }

void ImapCommandQueue::handle_bytes(std::string_view bytes) {
  input_.append(bytes);
  while (!failed_) {
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
    if (auto size = imap::trailing_literal(line, &non_synchronizing)) {
      pending_response_ += "\r\n";
      literal_remaining_ = *size;
      continue;
    }
    std::string response;
    response.swap(pending_response_);
    handle_response(response);
  }
}

void ImapCommandQueue::handle_response(const std::string& response) {
  if (response.rfind("* ", 0) == 0) {
    const std::string text = response.substr(2);
    if (!greeted_) {
      greeted_ = true;
      if (text.rfind("OK", 0) != 0) return fail("the server refused us: " + text);
      return send_next();
    }
    if (text.rfind("BYE", 0) == 0 && in_flight_ && in_flight_->text != "LOGOUT")
      return fail("the server ended the session: " + text);
    untagged_.push_back(text);
    return;
  }
  if (response.rfind("+", 0) == 0) return;  // we only send LITERAL+ literals: no waiting
  const std::size_t space = response.find(' ');
  if (!in_flight_ || space == std::string::npos || response.substr(0, space) != in_flight_tag_) return;
  const std::size_t second = response.find(' ', space + 1);
  ImapCompletion done;
  done.status = imap::to_upper(response.substr(space + 1, second == std::string::npos ? std::string::npos : second - space - 1));
  done.text = second == std::string::npos ? "" : response.substr(second + 1);
  done.untagged.swap(untagged_);
  Pending finished = std::move(*in_flight_);
  in_flight_.reset();
  if (finished.then) finished.then(done);
  send_next();
}

std::optional<std::string> imap_list_name(const std::string& untagged) {
  if (untagged.rfind("LIST ", 0) != 0) return std::nullopt;
  std::string error;
  auto values = imap::parse_values(std::string_view(untagged).substr(5), &error);
  if (!values || values->size() < 3 || !(*values)[2].is_astring()) return std::nullopt;
  for (const auto& attribute : (*values)[0].items)
    if (imap::to_lower(attribute.text) == "\\noselect") return std::nullopt;
  return (*values)[2].text;
}

std::optional<std::uint32_t> imap_exists(const std::string& untagged) {
  const std::size_t space = untagged.find(' ');
  if (space == std::string::npos || untagged.substr(space + 1) != "EXISTS") return std::nullopt;
  if (!std::isdigit(static_cast<unsigned char>(untagged[0]))) return std::nullopt;
  return static_cast<std::uint32_t>(std::strtoul(untagged.c_str(), nullptr, 10));
}

std::optional<std::uint32_t> imap_uid_validity(const std::string& untagged) {
  const std::string prefix = "OK [UIDVALIDITY ";
  if (untagged.rfind(prefix, 0) != 0) return std::nullopt;
  return static_cast<std::uint32_t>(std::strtoul(untagged.c_str() + prefix.size(), nullptr, 10));
}

std::optional<ImapFetched> imap_fetched(const std::string& untagged) {
  const std::size_t space = untagged.find(' ');
  if (space == std::string::npos || untagged.compare(space + 1, 6, "FETCH ") != 0) return std::nullopt;
  std::string error;
  auto values = imap::parse_values(std::string_view(untagged).substr(space + 7), &error);
  if (!values || values->size() != 1 || !(*values)[0].is_list()) return std::nullopt;
  ImapFetched fetched;
  const auto& items = (*values)[0].items;
  for (std::size_t i = 0; i + 1 < items.size(); i += 2) {
    const std::string name = items[i].keyword();
    const auto& value = items[i + 1];
    if (name == "UID") {
      fetched.uid = static_cast<std::uint32_t>(std::strtoul(value.text.c_str(), nullptr, 10));
    } else if (name == "FLAGS" && value.is_list()) {
      fetched.has_flags = true;
      for (const auto& flag : value.items)
        if (imap::to_lower(flag.text) != "\\recent") fetched.flags.push_back(flag.text);
    } else if (name == "BODY[]" || name == "RFC822") {
      fetched.body = value.text;
    }
  }
  if (fetched.uid == 0) return std::nullopt;
  return fetched;
}

}  // namespace maillab::engine
