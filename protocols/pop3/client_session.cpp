#include "protocols/pop3/client_session.h"

#include "protocols/common/take_front.h"
#include "protocols/pop3/md5.h"
#include "protocols/pop3/server_session.h"

namespace maillab::pop3 {

namespace {
constexpr std::size_t max_messages = 100000;
}  // namespace

ClientSession::ClientSession(ClientOptions options) : options_(std::move(options)) {}

std::string ClientSession::poll_output() {
  return std::exchange(output_, {});
}

std::optional<Event> ClientSession::poll_event() {
  return common::take_front(events_);
}

std::optional<DownloadedMessage> ClientSession::poll_message() {
  return common::take_front(messages_);
}

void ClientSession::send(const std::string& line, const std::string& shown) {
  output_ += line + "\r\n";
  events_.push_back(Event{EventKind::command_sent, shown});
}

void ClientSession::fail(const std::string& reason) {
  error_ = reason;
  events_.push_back(Event{EventKind::error, reason});
  // Leave politely if the connection is still usable; deletions are not applied by QUIT in
  // AUTHORIZATION, and none were made before a failure in TRANSACTION that we would keep.
  if (step_ != Step::greeting && step_ != Step::quit) output_ += "QUIT\r\n";
  step_ = Step::failed;
  events_.push_back(Event{EventKind::finished, "failed: " + reason});
}

void ClientSession::handle_close() {
  if (finished()) return;
  fail("connection closed by server");
}

void ClientSession::handle_bytes(std::string_view bytes) {
  input_.append(bytes);
  while (!finished()) {
    const std::size_t newline = input_.find('\n');
    if (newline == std::string::npos) return;
    std::string line = input_.substr(0, newline + 1);
    input_.erase(0, newline + 1);
    if (in_multiline_) {
      std::string bare = line;
      while (!bare.empty() && (bare.back() == '\n' || bare.back() == '\r')) bare.pop_back();
      if (bare == ".") {
        in_multiline_ = false;
        handle_multiline_end();
      } else {
        if (line.size() < 2 || line[line.size() - 2] != '\r') line.insert(line.size() - 1, "\r");
        multiline_body_ += line;
      }
      continue;
    }
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
    handle_status_line(line);
  }
}

void ClientSession::handle_status_line(const std::string& line) {
  events_.push_back(Event{EventKind::reply_received, line});
  const bool ok = line.compare(0, 3, "+OK") == 0;
  if (!ok && line.compare(0, 4, "-ERR") != 0) return fail("not a POP3 reply: " + line);

  switch (step_) {
    case Step::greeting: return on_greeting(ok, line);
    case Step::capa:
      if (!ok) return fail("the server lists no capabilities (CAPA refused), so no STLS: not sending the password in the clear");
      return expect_multiline();
    case Step::stls:
      if (!ok) return fail("STLS refused (" + line + "): not sending the password in the clear");
      step_ = Step::tls_handshake;
      tls_requested_ = true;
      input_.clear();  // nothing the server sent in the clear after "+OK" may count (RFC 2595 §4)
      return;
    case Step::tls_handshake:
      return fail("the server spoke before the TLS handshake: " + line);
    case Step::user:
      if (!ok) return fail("USER refused: " + line);
      step_ = Step::pass;
      return send("PASS " + options_.password, "PASS ********");
    case Step::pass:
    case Step::apop:
      if (!ok) return fail("login failed: " + line);
      events_.push_back(Event{EventKind::state_changed, "TRANSACTION"});
      step_ = Step::stat;
      return send("STAT", "STAT");
    case Step::stat: return on_stat(ok, line);
    case Step::uidl:
      if (!ok) return fetch_without_uidl();
      return expect_multiline();
    case Step::retr:
      if (!ok) return fail("RETR failed: " + line);
      return expect_multiline();
    case Step::dele:
      if (!ok) return fail("DELE failed: " + line);
      ++next_index_;
      return next_message();
    case Step::quit:
      step_ = Step::done;
      events_.push_back(Event{EventKind::finished,
                              "downloaded " + std::to_string(downloaded_) + " message(s)" +
                                  (ok ? "" : "; server said: " + line)});
      return;
    case Step::done:
    case Step::failed:
      return;
  }
}

void ClientSession::on_greeting(bool ok, const std::string& line) {
  if (!ok) return fail("server refused the connection: " + line);
  // RFC 1939 §7: the "<...>" in the greeting is the timestamp APOP hashes.
  const std::size_t open = line.find('<');
  const std::size_t close = line.find('>', open == std::string::npos ? 0 : open);
  if (open != std::string::npos && close != std::string::npos) greeting_timestamp_ = line.substr(open, close - open + 1);
  if (options_.starttls) {
    step_ = Step::capa;
    return send("CAPA", "CAPA");
  }
  log_in();
}

void ClientSession::on_stat(bool ok, const std::string& line) {
  if (!ok) return fail("STAT failed: " + line);
  message_count_ = 0;
  const std::size_t space = line.find(' ', 4);  // RFC 1939 §5: "+OK nn mm"
  try {
    message_count_ = std::stoul(line.substr(4, space == std::string::npos ? space : space - 4));
  } catch (...) {
    return fail("malformed STAT reply: " + line);
  }
  // A hostile or broken server must not make the client list billions of messages (found by
  // fuzz_pop3_client: "+OK 4000000000" then no UIDL). No real maildrop is near this.
  if (message_count_ > max_messages) {
    return fail("STAT reports " + std::to_string(message_count_) + " messages, more than this client fetches (" +
                std::to_string(max_messages) + ")");
  }
  if (message_count_ == 0) {
    step_ = Step::quit;
    return send("QUIT", "QUIT");
  }
  step_ = Step::uidl;
  send("UIDL", "UIDL");
}

void ClientSession::fetch_without_uidl() {
  // UIDL is optional (RFC 1939 §7): fetch everything, identify by number.
  listing_.clear();
  for (std::size_t n = 1; n <= message_count_; ++n) listing_.emplace_back(n, "");
  next_index_ = 0;
  next_message();
}

void ClientSession::expect_multiline() {
  in_multiline_ = true;
  multiline_body_.clear();
}

void ClientSession::log_in() {
  if (options_.use_apop) {
    if (greeting_timestamp_.empty()) return fail("APOP wanted but the greeting has no timestamp");
    step_ = Step::apop;
    const std::string digest = md5_hex(greeting_timestamp_ + options_.password);
    return send("APOP " + options_.user + " " + digest, "APOP " + options_.user + " " + digest);
  }
  step_ = Step::user;
  send("USER " + options_.user, "USER " + options_.user);
}

void ClientSession::handle_tls_established() {
  if (step_ != Step::tls_handshake) return;
  // RFC 2595 §4: what CAPA said in the clear is forgotten; we use nothing from it after STLS.
  log_in();
}

void ClientSession::handle_tls_failed(const std::string& reason) {
  if (step_ != Step::tls_handshake) return;
  step_ = Step::failed;  // no QUIT: the connection is not usable in the clear any more
  error_ = "TLS failed: " + reason;
  events_.push_back(Event{EventKind::error, error_});
  events_.push_back(Event{EventKind::finished, "failed: " + error_});
}

void ClientSession::handle_multiline_end() {
  if (step_ == Step::capa) {
    // RFC 2449 §5: one capability per line; STLS is RFC 2595 §4's.
    bool stls = false;
    std::size_t start = 0;
    while (start < multiline_body_.size()) {
      std::size_t end = multiline_body_.find("\r\n", start);
      if (end == std::string::npos) end = multiline_body_.size();
      if (common::to_upper(std::string_view(multiline_body_).substr(start, end - start)) == "STLS") stls = true;
      start = end + 2;
    }
    if (!stls) return fail("the server does not offer STLS: not sending the password in the clear");
    step_ = Step::stls;
    return send("STLS", "STLS");
  }
  if (step_ == Step::uidl) {
    listing_.clear();
    std::size_t start = 0;
    while (start < multiline_body_.size()) {
      std::size_t end = multiline_body_.find("\r\n", start);
      if (end == std::string::npos) end = multiline_body_.size();
      const std::string entry = multiline_body_.substr(start, end - start);
      start = end + 2;
      const std::size_t space = entry.find(' ');
      if (space == std::string::npos) continue;
      try {
        listing_.emplace_back(std::stoul(entry.substr(0, space)), entry.substr(space + 1));
      } catch (...) {
        return fail("malformed UIDL line: " + entry);
      }
    }
    next_index_ = 0;
    return next_message();
  }
  if (step_ == Step::retr) {
    const auto& [number, uidl] = listing_[next_index_];
    DownloadedMessage message{number, uidl.empty() ? std::to_string(number) : uidl,
                              byte_unstuff(multiline_body_)};
    events_.push_back(Event{EventKind::message_downloaded,
                            message.uidl + " " + std::to_string(message.bytes.size())});
    if (!uidl.empty()) options_.known_uidls.insert(uidl);
    messages_.push_back(std::move(message));
    ++downloaded_;
    if (options_.delete_after_download) {
      step_ = Step::dele;
      return send("DELE " + std::to_string(number), "DELE " + std::to_string(number));
    }
    ++next_index_;
    return next_message();
  }
}

void ClientSession::next_message() {
  while (next_index_ < listing_.size() && !listing_[next_index_].second.empty() &&
         options_.known_uidls.count(listing_[next_index_].second)) {
    ++next_index_;  // already have it ("leave a copy on server" mode)
  }
  if (next_index_ >= listing_.size()) {
    step_ = Step::quit;
    return send("QUIT", "QUIT");
  }
  step_ = Step::retr;
  const std::string command = "RETR " + std::to_string(listing_[next_index_].first);
  send(command, command);
}

}  // namespace maillab::pop3
