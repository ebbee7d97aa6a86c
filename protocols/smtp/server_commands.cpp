// The server's command table and one handler per SMTP verb (the OpenSMTPD layout: one table, each
// handler answers with the RFC's exact codes). The table's state column is checked before a
// handler runs, so handlers only check what the state cannot say.
#include "protocols/common/ascii_case.h"
#include "protocols/common/base64.h"
#include "protocols/mail/address.h"
#include "protocols/mail/text.h"
#include "protocols/smtp/server_session.h"

#include <algorithm>

namespace maillab::smtp {

namespace {
constexpr std::uint32_t hello_states = state_bit(ServerState::waiting_for_hello);
constexpr std::uint32_t idle_states = state_bit(ServerState::ready);
constexpr std::uint32_t transaction_states =
    state_bit(ServerState::sender_accepted) | state_bit(ServerState::recipients_accepted);
constexpr std::uint32_t command_states = hello_states | idle_states | transaction_states;

// RFC 5321 §4.1.2 esmtp-keyword "=" esmtp-value pairs after the path.
std::vector<std::pair<std::string, std::string>> split_parameters(std::string_view text) {
  std::vector<std::pair<std::string, std::string>> parameters;
  std::size_t position = 0;
  while (position < text.size()) {
    while (position < text.size() && text[position] == ' ') ++position;
    std::size_t end = text.find(' ', position);
    if (end == std::string_view::npos) end = text.size();
    std::string_view item = text.substr(position, end - position);
    position = end;
    if (item.empty()) continue;
    std::size_t equals = item.find('=');
    parameters.emplace_back(common::to_upper(item.substr(0, equals)),
                            equals == std::string_view::npos ? "" : std::string(item.substr(equals + 1)));
  }
  return parameters;
}
}  // namespace

std::span<const ServerCommand> ServerSession::command_table() {
  static const ServerCommand table[] = {
      {"EHLO", "RFC 5321 §4.1.1.1", "introduce the client, list extensions", command_states, &ServerSession::handle_ehlo},
      {"HELO", "RFC 5321 §4.1.1.1", "introduce the client (no extensions)", command_states, &ServerSession::handle_helo},
      {"MAIL", "RFC 5321 §4.1.1.2", "start a transaction: MAIL FROM:<sender>", idle_states, &ServerSession::handle_mail},
      {"RCPT", "RFC 5321 §4.1.1.3", "add a recipient: RCPT TO:<recipient>", transaction_states, &ServerSession::handle_rcpt},
      {"DATA", "RFC 5321 §4.1.1.4", "send the message, ended by a line with only '.'", transaction_states, &ServerSession::handle_data},
      {"RSET", "RFC 5321 §4.1.1.5", "abort the transaction", command_states, &ServerSession::handle_rset},
      {"VRFY", "RFC 5321 §4.1.1.6, §3.5.3", "verify an address (politely refused: 252)", command_states, &ServerSession::handle_vrfy},
      {"EXPN", "RFC 5321 §4.1.1.7, §3.5.3", "expand a list (not available)", command_states, &ServerSession::handle_expn},
      {"HELP", "RFC 5321 §4.1.1.8", "list commands", command_states, &ServerSession::handle_help},
      {"NOOP", "RFC 5321 §4.1.1.9", "do nothing", command_states, &ServerSession::handle_noop},
      {"QUIT", "RFC 5321 §4.1.1.10", "close the session", command_states, &ServerSession::handle_quit},
      {"STARTTLS", "RFC 3207 §4", "switch to TLS, then start over with EHLO", idle_states, &ServerSession::handle_starttls},
      {"AUTH", "RFC 4954 §4", "log in: AUTH PLAIN or AUTH LOGIN", idle_states, &ServerSession::handle_auth},
  };
  return table;
}

void ServerSession::handle_ehlo(std::string_view argument) {
  if (argument.empty()) return send_error(501, "5.5.4", "Syntax: EHLO hostname");
  reset_transaction();  // RFC 5321 §4.1.4: EHLO in a session acts like RSET as well
  SessionInfo& session = change_session();
  session.helo = std::string(argument.substr(0, argument.find(' ')));
  session.esmtp = true;
  enter_state(ServerState::ready);
  // RFC 5321 §4.1.1.1: the first line greets, each further line names one extension; no enhanced
  // status code (RFC 2034 §3). Written straight into the output, as send() would write it.
  const OfferedExtensions offered = offered_extensions();
  std::size_t start = output_.size();
  output_.append(offered.count == 0 ? "250 " : "250-").append(options_.hostname).append(" greets ").append(session_->helo);
  end_reply_line(start);
  for (std::size_t index = 0; index < offered.count; ++index) {
    start = output_.size();
    output_.append(index + 1 < offered.count ? "250-" : "250 ").append(offered.keywords[index]);
    end_reply_line(start);
  }
}

void ServerSession::handle_helo(std::string_view argument) {
  if (argument.empty()) return send_error(501, "5.5.4", "Syntax: HELO hostname");
  reset_transaction();
  SessionInfo& session = change_session();
  session.helo = std::string(argument.substr(0, argument.find(' ')));
  session.esmtp = false;
  enter_state(ServerState::ready);
  send(Reply{250, "", {options_.hostname}});
}

void ServerSession::handle_mail(std::string_view argument) {
  if (options_.mode != ServerMode::relay && session_->authenticated_user.empty()) {
    // RFC 6409 §4.3 / RFC 4954 §6: submission requires authentication first.
    return send_error(530, "5.7.0", "Authentication required");
  }
  if (!common::starts_with_ignoring_case(argument, "FROM:")) return send_error(501, "5.5.4", "Syntax: MAIL FROM:<address>");
  std::string_view rest = mail::trim(argument.substr(5));  // a space after the colon is tolerated
  std::size_t consumed = 0;
  auto path = mail::parse_path_prefix(rest, consumed, true, false);
  if (!path.ok()) return send_error(501, "5.1.7", "Bad sender address syntax: " + path.error());
  MailParameters parameters;
  auto items = split_parameters(rest.substr(consumed));
  if (!items.empty() && !session_->esmtp) {
    return send_error(555, "5.5.4", "MAIL parameters are only allowed after EHLO");
  }
  for (const auto& [key, value] : items) {
    if (key == "SIZE") {  // RFC 1870 §6
      bool digits = !value.empty() && value.size() <= 19 &&
                    value.find_first_not_of("0123456789") == std::string::npos;
      if (!digits) return send_error(501, "5.5.4", "Bad SIZE parameter");
      parameters.size = std::stoull(value);
      if (options_.max_message_size > 0 && *parameters.size > options_.max_message_size) {
        return send_error(552, "5.3.4", "Message size exceeds fixed maximum message size");
      }
    } else if (key == "BODY") {  // RFC 6152
      std::string body = common::to_upper(value);
      if (body != "7BIT" && body != "8BITMIME") return send_error(501, "5.5.4", "Unsupported BODY type " + value);
      parameters.body = body;
    } else if (key == "AUTH") {  // RFC 4954 §5: accepted, not trusted
      parameters.auth = value;
    } else if (key == "RET" && options_.offer_dsn) {  // RFC 3461 §4.3: FULL or HDRS, at most once
      std::string ret = common::to_upper(value);
      if ((ret != "FULL" && ret != "HDRS") || !parameters.ret.empty())
        return send_error(501, "5.5.4", "Bad RET parameter (FULL or HDRS, once)");
      parameters.ret = ret;
    } else if (key == "ENVID" && options_.offer_dsn) {  // RFC 3461 §4.4: xtext, at most 100 characters
      auto envid = xtext_decode(value);
      if (!envid || value.empty() || value.size() > max_envid_length || !parameters.envid.empty())
        return send_error(501, "5.5.4", "Bad ENVID parameter (xtext, at most 100 characters, once)");
      parameters.envid = *envid;
    } else {
      return send_error(555, "5.5.4", "Unsupported MAIL parameter " + key);
    }
  }
  reset_transaction();
  envelope_.reverse_path = path->address();
  envelope_.ret = parameters.ret;
  envelope_.envid = parameters.envid;
  parameters_ = parameters;
  enter_state(ServerState::waiting_sender_verdict);
  request_verdict(SenderVerdictNeeded{envelope_.reverse_path, parameters_, session_});
}

void ServerSession::handle_rcpt(std::string_view argument) {
  if (!common::starts_with_ignoring_case(argument, "TO:")) return send_error(501, "5.5.4", "Syntax: RCPT TO:<address>");
  std::string_view rest = mail::trim(argument.substr(3));
  std::size_t consumed = 0;
  auto path = mail::parse_path_prefix(rest, consumed, false, true);
  if (!path.ok()) return send_error(501, "5.1.3", "Bad recipient address syntax: " + path.error());
  RecipientDsn dsn;
  auto items = split_parameters(rest.substr(consumed));
  if (!items.empty() && !session_->esmtp) return send_error(555, "5.5.4", "RCPT parameters are only allowed after EHLO");
  for (const auto& [key, value] : items) {
    if (key == "NOTIFY" && options_.offer_dsn && !dsn.notify.given()) {  // RFC 3461 §4.1
      auto notify = parse_notify(value);
      if (!notify) return send_error(501, "5.5.4", "Bad NOTIFY parameter (NEVER, or SUCCESS, FAILURE, DELAY)");
      dsn.notify = *notify;
    } else if (key == "ORCPT" && options_.offer_dsn && dsn.orcpt.empty()) {  // RFC 3461 §4.2
      auto orcpt = parse_orcpt(value);
      if (!orcpt) return send_error(501, "5.5.4", "Bad ORCPT parameter (addr-type;xtext)");
      dsn.orcpt = *orcpt;
    } else {
      return send_error(555, "5.5.4", "Unsupported RCPT parameter " + key);
    }
  }
  ++recipients_attempted_;
  if (envelope_.recipients.size() >= options_.max_recipients) {
    // RFC 5321 §4.5.3.1.10: 452 lets the client send the rest in another transaction.
    send(make_reply(452, "4.5.3", "Too many recipients"));
    return;
  }
  pending_recipient_ = path->address();
  pending_recipient_dsn_ = dsn;
  enter_state(ServerState::waiting_recipient_verdict);
  request_verdict(
      RecipientVerdictNeeded{envelope_.reverse_path, pending_recipient_, dsn, envelope_.recipients.size(), session_});
}

void ServerSession::handle_data(std::string_view argument) {
  if (!argument.empty()) return send_error(501, "5.5.4", "Syntax: DATA (no arguments)");
  if (envelope_.recipients.empty()) {
    // RFC 2920 §3.1: after pipelined RCPTs that all failed, DATA gets 554 "no valid recipients".
    if (recipients_attempted_ > 0) return send_error(554, "5.5.1", "No valid recipients");
    return send_error(503, "5.5.1", "Bad sequence of commands: Need RCPT command");
  }
  message_.clear();
  // RFC 1870 §6: a declared SIZE is the text's size (unstuffed, CRLF), so the text is taken in one
  // allocation rather than grown line by line; capped, as a client may declare more than it sends.
  constexpr std::uint64_t largest_reservation = 64 * 1024;
  if (parameters_.size) message_.reserve(static_cast<std::size_t>(std::min(*parameters_.size, largest_reservation)));
  message_too_big_ = false;
  message_line_too_long_ = false;
  enter_state(ServerState::receiving_data);
  send(Reply{354, "", {"End data with <CR><LF>.<CR><LF>"}});  // RFC 5321 §4.2.2 intermediate reply
}

void ServerSession::handle_rset(std::string_view argument) {
  if (!argument.empty()) return send_error(501, "5.5.4", "Syntax: RSET (no arguments)");
  reset_transaction();
  if (state_ != ServerState::waiting_for_hello) enter_state(ServerState::ready);
  send(make_reply(250, "2.0.0", "Ok"));
}

void ServerSession::handle_noop(std::string_view) { send(make_reply(250, "2.0.0", "Ok")); }

void ServerSession::handle_quit(std::string_view argument) {
  if (!argument.empty()) return send_error(501, "5.5.4", "Syntax: QUIT (no arguments)");
  send(make_reply(221, "2.0.0", options_.hostname + " Service closing transmission channel"));
  close("client sent QUIT");
}

void ServerSession::handle_vrfy(std::string_view argument) {
  if (argument.empty()) return send_error(501, "5.5.4", "Syntax: VRFY address");
  // RFC 5321 §3.5.3: a server that will not verify answers 252, not 250 or 550.
  send(make_reply(252, "2.1.5", "Cannot VRFY user, but will accept message and attempt delivery"));
}

void ServerSession::handle_expn(std::string_view) { send_error(502, "5.5.1", "EXPN not available"); }

void ServerSession::handle_help(std::string_view) {
  Reply reply{214, "2.0.0", {"maillab teaching SMTP server; RFC 5321 explains every command"}};
  std::string verbs = "Commands:";
  for (const auto& command : command_table()) verbs += " " + std::string(command.verb);
  reply.lines.push_back(verbs);
  send(std::move(reply));
}

void ServerSession::handle_starttls(std::string_view argument) {
  if (!argument.empty()) return send_error(501, "5.5.4", "Syntax: STARTTLS (no arguments)");
  if (session_->tls) return send_error(503, "5.5.1", "TLS already active");
  if (!options_.offer_starttls) return send_error(502, "5.5.1", "STARTTLS not available");
  send(make_reply(220, "2.0.0", "Ready to start TLS"));
  // RFC 3207 §4.2: forget everything learned from the client (EHLO argument, AUTH) and start
  // over; anything it pipelined after STARTTLS arrived in plaintext and is thrown away
  // (the CVE-2011-0411 command injection).
  SessionInfo& session = change_session();
  session.tls = true;
  session.helo.clear();
  session.esmtp = false;
  session.authenticated_user.clear();
  reset_transaction();
  input_.clear();
  enter_state(ServerState::waiting_for_hello);
  events_.push_back(TlsStarted{});
}

void ServerSession::handle_auth(std::string_view argument) {
  if (!auth_offered()) return send_error(503, "5.5.1", "Authentication not enabled");
  if (!session_->esmtp) return send_error(503, "5.5.1", "Send EHLO first");
  if (!session_->authenticated_user.empty()) return send_error(503, "5.5.1", "Already authenticated");  // RFC 4954 §4
  if (!session_->tls && !options_.advertise_auth_without_tls) {
    return send_error(538, "5.7.11", "Encryption required for requested authentication mechanism");  // RFC 4954 §6
  }
  std::size_t space = argument.find(' ');
  std::string mechanism = common::to_upper(argument.substr(0, space));
  std::string_view initial = space == std::string_view::npos ? std::string_view() : mail::trim(argument.substr(space + 1));
  if (mechanism.empty()) return send_error(501, "5.5.4", "Syntax: AUTH mechanism [initial-response]");
  if (mechanism == "PLAIN") {
    if (initial.empty()) {
      enter_state(ServerState::auth_plain_response);
      send(Reply{334, "", {""}});  // RFC 4954 §4: empty challenge for PLAIN
      return;
    }
    enter_state(ServerState::auth_plain_response);
    apply_auth_response(initial == "=" ? std::string_view() : initial);
    return;
  }
  if (mechanism == "LOGIN") {
    if (initial.empty()) {
      enter_state(ServerState::auth_login_username);
      send(Reply{334, "", {common::base64_encode("Username:")}});
      return;
    }
    enter_state(ServerState::auth_login_username);
    apply_auth_response(initial);
    return;
  }
  send_error(504, "5.5.4", "Unrecognized authentication type");
}

void ServerSession::handle_auth_response(std::string_view line) {
  events_.push_back(CommandReceived{std::string(line), true});
  apply_auth_response(line);
}

void ServerSession::apply_auth_response(std::string_view line) {
  if (line == "*") {  // RFC 4954 §4: the client cancels
    enter_state(ServerState::ready);
    return send_error(501, "5.0.0", "Authentication aborted");
  }
  auto decoded = common::base64_decode(line);
  if (!decoded) {
    enter_state(ServerState::ready);
    return send_error(501, "5.5.2", "Cannot decode response");
  }
  switch (state_) {
    case ServerState::auth_plain_response: {
      // RFC 4616 §2: [authzid] NUL authcid NUL passwd
      std::size_t first = decoded->find('\0');
      std::size_t second = first == std::string::npos ? std::string::npos : decoded->find('\0', first + 1);
      if (second == std::string::npos || decoded->find('\0', second + 1) != std::string::npos) {
        enter_state(ServerState::ready);
        return send_error(501, "5.5.2", "Invalid PLAIN response");
      }
      std::string authorization = decoded->substr(0, first);
      std::string user = decoded->substr(first + 1, second - first - 1);
      std::string password = decoded->substr(second + 1);
      if (!authorization.empty() && authorization != user) password.clear();  // no proxy logins here
      finish_authentication(user, password, "PLAIN");
      return;
    }
    case ServerState::auth_login_username:
      auth_login_user_ = *decoded;
      enter_state(ServerState::auth_login_password);
      send(Reply{334, "", {common::base64_encode("Password:")}});
      return;
    case ServerState::auth_login_password:
      finish_authentication(auth_login_user_, *decoded, "LOGIN");
      return;
    default:
      return;
  }
}

void ServerSession::finish_authentication(std::string user, std::string password, std::string_view mechanism) {
  enter_state(ServerState::ready);
  auth_login_user_.clear();
  bool valid = !user.empty() && !password.empty() && options_.check_credentials &&
               options_.check_credentials(user, password);
  if (!valid) {
    events_.push_back(AuthenticationFailed{user, std::string(mechanism)});
    return send_error(535, "5.7.8", "Authentication credentials invalid");  // RFC 4954 §6
  }
  change_session().authenticated_user = user;
  events_.push_back(AuthenticationSucceeded{user, std::string(mechanism)});
  send(make_reply(235, "2.7.0", "Authentication successful"));
}

}  // namespace maillab::smtp
