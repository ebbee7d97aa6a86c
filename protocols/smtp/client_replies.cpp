// ClientSession's dialogue: one handler per reply awaited (RFC 5321 §3.3, §4.3.2 lists which
// codes each command may get back).
#include <cstdint>
#include <cstring>

#include "protocols/common/ascii_case.h"
#include "protocols/common/base64.h"
#include "protocols/mail/text.h"
#include "protocols/smtp/client_session.h"

namespace maillab::smtp {

namespace {

// Whether any octet has its high bit set (then the body is 8BITMIME, RFC 6152): 32 octets a
// step in four independent words, then eight at a time, then one by one.
bool has_eight_bit(std::string_view text) {
  std::uint64_t seen = 0;
  std::size_t at = 0;
  for (; at + 32 <= text.size(); at += 32) {
    std::uint64_t words[4];
    std::memcpy(words, text.data() + at, 32);
    seen |= (words[0] | words[1]) | (words[2] | words[3]);
  }
  for (; at + 8 <= text.size(); at += 8) {
    std::uint64_t word;
    std::memcpy(&word, text.data() + at, 8);
    seen |= word;
  }
  for (; at < text.size(); ++at) seen |= static_cast<unsigned char>(text[at]);
  return (seen & 0x8080808080808080ULL) != 0;
}

}  // namespace

void ClientSession::handle_reply(const Reply& reply) {
  if (expected_.empty()) return;  // a reply nobody asked for: ignored
  Expected expected = expected_.front();
  expected_.pop_front();
  if (reply.code == 421 && expected.state != ClientState::waiting_quit_reply) {
    // RFC 5321 §3.8: 421 means the server is closing the connection; it can come at any point.
    fail_undecided(reply, "connection", "the server is closing the connection: " + reply.summary());
    finish();
    return;
  }
  switch (expected.state) {
    case ClientState::waiting_for_greeting: return on_greeting(reply);
    case ClientState::waiting_ehlo_reply: return on_ehlo(reply);
    case ClientState::waiting_helo_reply: return on_helo(reply);
    case ClientState::waiting_starttls_reply: return on_starttls(reply);
    case ClientState::waiting_auth_reply: return on_auth(reply);
    case ClientState::waiting_mail_reply: return on_mail(reply);
    case ClientState::waiting_rcpt_reply: return on_rcpt(reply, expected.recipient);
    case ClientState::waiting_data_reply: return on_data(reply);
    case ClientState::waiting_message_reply: return on_message(reply);
    case ClientState::waiting_quit_reply: return finish();
    case ClientState::tls_handshake:
    case ClientState::finished: return;
  }
}

void ClientSession::on_greeting(const Reply& reply) {
  if (reply.code != 220) {
    // RFC 5321 §3.1: a 554 greeting means "no service here"; the client should still say QUIT.
    fail_undecided(reply, "greeting");
    return quit();
  }
  send_command("EHLO " + options_.hostname, ClientState::waiting_ehlo_reply);
}

void ClientSession::on_ehlo(const Reply& reply) {
  if (reply.is_permanent_failure() && !tls_handshake_) {
    // RFC 5321 §3.2: a server that does not know EHLO; fall back to HELO (no extensions).
    capabilities_ = ServerCapabilities{};
    return send_command("HELO " + options_.hostname, ClientState::waiting_helo_reply);
  }
  if (!reply.is_positive()) {
    fail_undecided(reply, "EHLO");
    return quit();
  }
  capabilities_ = ServerCapabilities{};
  capabilities_.esmtp = true;
  // Keywords and their parameters are case-insensitive (RFC 5321 §2.4); read as views, with no
  // copy per line: a session reads five or six of them, and every message makes two sessions.
  using common::equals_ignoring_case;
  for (std::size_t index = 1; index < reply.lines.size(); ++index) {  // line 0 is the greeting text
    const std::string_view line = mail::trim(reply.lines[index]);
    // The keyword ends at a space or "=" (find_first_of would search the pair for every octet).
    std::size_t split = 0;
    while (split < line.size() && line[split] != ' ' && line[split] != '=') ++split;
    const std::string_view keyword = line.substr(0, split);
    const std::string_view rest = split == line.size() ? std::string_view{} : line.substr(split + 1);
    if (equals_ignoring_case(keyword, "PIPELINING")) capabilities_.pipelining = true;
    else if (equals_ignoring_case(keyword, "STARTTLS")) capabilities_.starttls = true;
    else if (equals_ignoring_case(keyword, "ENHANCEDSTATUSCODES")) capabilities_.enhanced_status_codes = true;
    else if (equals_ignoring_case(keyword, "8BITMIME")) capabilities_.eight_bit_mime = true;
    else if (equals_ignoring_case(keyword, "DSN")) capabilities_.dsn = true;  // RFC 3461 §4
    else if (equals_ignoring_case(keyword, "SIZE")) {
      capabilities_.size = true;
      if (!rest.empty() && rest.size() <= 19 && rest.find_first_not_of("0123456789") == std::string_view::npos) {
        capabilities_.max_size = std::stoull(std::string(rest));
      }
    }
    else if (equals_ignoring_case(keyword, "AUTH")) {
      std::size_t position = 0;
      while (position < rest.size()) {
        std::size_t end = rest.find(' ', position);
        if (end == std::string_view::npos) end = rest.size();
        // Kept in upper case: after_hello looks for "PLAIN" and "LOGIN".
        if (end > position) capabilities_.auth_mechanisms.push_back(mail::to_upper(rest.substr(position, end - position)));
        position = end + 1;
      }
    }
  }
  after_hello();
}

void ClientSession::on_helo(const Reply& reply) {
  if (!reply.is_positive()) {
    fail_undecided(reply, "HELO");
    return quit();
  }
  after_hello();
}

void ClientSession::after_hello() {
  if (!tls_ && options_.use_starttls && capabilities_.starttls && !starttls_refused_) {
    return send_command("STARTTLS", ClientState::waiting_starttls_reply);
  }
  if (!tls_ && options_.require_tls) {
    fail_undecided(Reply{}, "STARTTLS", "TLS is required but the server does not offer STARTTLS", "4.7.10");
    return quit();
  }
  if (!options_.auth_user.empty() && !authenticated_) {
    auto offers = [&](std::string_view mechanism) {
      for (const auto& offered : capabilities_.auth_mechanisms) {
        if (offered == mechanism) return true;
      }
      return false;
    };
    if (offers("PLAIN")) {
      // RFC 4616: authzid (empty) NUL user NUL password, base64, as an initial response.
      std::string response = common::base64_encode(std::string(1, '\0') + options_.auth_user + '\0' + options_.auth_password);
      return send_command("AUTH PLAIN " + response, ClientState::waiting_auth_reply, 0, true);
    }
    if (offers("LOGIN")) {
      login_step_ = 0;
      using_login_ = true;
      return send_command("AUTH LOGIN", ClientState::waiting_auth_reply);
    }
    fail_undecided(Reply{}, "AUTH", "authentication is configured but the server offers neither AUTH PLAIN nor LOGIN",
                   "5.7.4");
    return quit();
  }
  start_transaction();
}

void ClientSession::on_starttls(const Reply& reply) {
  if (reply.code == 220) {
    tls_handshake_ = true;
    events_.push_back(StartTlsRequested{});
    return;
  }
  if (options_.require_tls) {
    fail_undecided(reply, "STARTTLS");
    return quit();
  }
  starttls_refused_ = true;  // opportunistic TLS (RFC 7435): carry on in plaintext
  after_hello();
}

void ClientSession::on_auth(const Reply& reply) {
  if (reply.code == 235) {
    authenticated_ = true;
    return start_transaction();
  }
  if (reply.code == 334 && using_login_ && login_step_ < 2) {
    // AUTH LOGIN: the server asks "Username:" then "Password:" (base64).
    std::string answer = login_step_ == 0 ? options_.auth_user : options_.auth_password;
    ++login_step_;
    return send_command(common::base64_encode(answer), ClientState::waiting_auth_reply, 0, true);
  }
  if (reply.code == 334) {  // a challenge we did not expect: cancel (RFC 4954 §4)
    send_command("*", ClientState::waiting_auth_reply);
    return;
  }
  fail_undecided(reply, "AUTH");
  quit();
}

void ClientSession::start_transaction() {
  if (recipients_.empty()) {
    fail_undecided(Reply{}, "MAIL FROM", "no recipients to send to", "5.5.0");
    return quit();
  }
  std::string mail = "MAIL FROM:<" + envelope_.reverse_path + ">";
  if (capabilities_.size) mail += " SIZE=" + std::to_string(message_->size());  // RFC 1870 §6
  if (capabilities_.eight_bit_mime && has_eight_bit(*message_)) mail += " BODY=8BITMIME";  // RFC 6152
  if (capabilities_.dsn) {  // RFC 3461 §4.3, §4.4: only to a server that advertised DSN
    if (!envelope_.ret.empty()) mail += " RET=" + envelope_.ret;
    if (!envelope_.envid.empty()) mail += " ENVID=" + xtext_encode(envelope_.envid);
  }
  pipelined_ = options_.use_pipelining && capabilities_.pipelining;
  transaction_failed_ = false;
  send_command(mail, ClientState::waiting_mail_reply);
  if (pipelined_) {  // RFC 2920 §3.1: MAIL, RCPTs and DATA in one batch; replies come in order
    for (std::size_t index = 0; index < recipients_.size(); ++index) {
      send_command(rcpt_command(index), ClientState::waiting_rcpt_reply, index);
    }
    send_command("DATA", ClientState::waiting_data_reply);
  }
}

std::string ClientSession::rcpt_command(std::size_t index) const {
  std::string rcpt = "RCPT TO:<" + recipients_[index].address + ">";
  if (!capabilities_.dsn) return rcpt;  // RFC 3461 §5.2.2: a non-DSN server gets none
  const RecipientDsn dsn = envelope_.dsn_for(index);
  if (dsn.notify.given()) rcpt += " NOTIFY=" + dsn.notify.to_parameter();  // §4.1
  if (!dsn.orcpt.empty()) rcpt += " ORCPT=" + orcpt_parameter(dsn.orcpt);  // §4.2
  return rcpt;
}

void ClientSession::on_mail(const Reply& reply) {
  if (!reply.is_positive()) {
    fail_undecided(reply, "MAIL FROM");
    transaction_failed_ = true;
    if (!pipelined_) quit();  // pipelined: the RCPT and DATA replies are still on their way
    return;
  }
  if (!pipelined_) send_command(rcpt_command(0), ClientState::waiting_rcpt_reply, 0);
}

void ClientSession::on_rcpt(const Reply& reply, std::size_t index) {
  if (index < recipients_.size() && !transaction_failed_) {
    RecipientOutcome& recipient = recipients_[index];
    if (reply.is_positive()) {
      recipient.status = RecipientStatus::accepted;
      recipient.reply = reply;
    } else {
      set_failure(recipient, reply, "RCPT TO", "", "");
    }
  }
  if (pipelined_ || transaction_failed_) return;
  if (index + 1 < recipients_.size()) {
    return send_command(rcpt_command(index + 1), ClientState::waiting_rcpt_reply, index + 1);
  }
  if (any_accepted()) return send_command("DATA", ClientState::waiting_data_reply);
  quit();  // every recipient refused: nothing to send (RFC 5321 §3.3)
}

void ClientSession::on_data(const Reply& reply) {
  if (reply.code == 354) {
    if (any_accepted() && !transaction_failed_) return send_message();
    // RFC 2920 §3.1: DATA was pipelined but no recipient was accepted, and the server still
    // said 354: send an empty message so that it ends the transaction with no effect.
    output_ += ".\r\n";
    events_.push_back(MessageSent{3, 1});
    transaction_failed_ = true;
    expected_.push_back(Expected{ClientState::waiting_message_reply});
    return;
  }
  if (!transaction_failed_) fail_undecided(reply, "DATA");
  quit();
}

void ClientSession::on_message(const Reply& reply) {
  if (!transaction_failed_) {
    for (auto& recipient : recipients_) {
      if (recipient.status != RecipientStatus::accepted) continue;
      if (reply.is_positive()) {
        // RFC 5321 §6.1: with 250 after ".", the server is now responsible for the message.
        recipient.status = RecipientStatus::delivered;
        recipient.reply = reply;
        recipient.stage = "end of data";
        recipient.enhanced_status = reply.enhanced_status.empty() ? "2.0.0" : reply.enhanced_status;
      } else {
        set_failure(recipient, reply, "end of data", "", "");
      }
    }
  }
  quit();
}

}  // namespace maillab::smtp
