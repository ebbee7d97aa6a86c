#include "protocols/smtp/received.h"

#include "protocols/mail/date.h"
#include "protocols/mail/header.h"

namespace maillab::smtp {

std::string_view to_string(ServerMode mode) {
  switch (mode) {
    case ServerMode::relay: return "relay";
    case ServerMode::submission: return "submission";
    case ServerMode::implicit_tls: return "implicit_tls";
  }
  return "relay";
}

std::string protocol_keyword(const SessionInfo& session) {
  if (!session.esmtp) return "SMTP";
  std::string keyword = "ESMTP";
  if (session.tls) keyword += "S";
  if (!session.authenticated_user.empty()) keyword += "A";
  return keyword;
}

std::string received_value(const SessionInfo& session, std::string_view id, std::string_view recipient,
                           std::int64_t epoch_seconds) {
  // RFC 5321 §4.4: From-domain By-domain Opt-info ";" date-time. TCP-info in parentheses:
  // the name the server found by reverse DNS and the address literal.
  // Appended piece by piece into one string (one a message an MTA takes), no temporaries.
  std::string value;
  value.reserve(160 + session.tls_summary.size() + recipient.size());
  value += "from ";
  value += session.helo.empty() ? std::string_view("unknown") : std::string_view(session.helo);
  value += " (";
  value += session.client_name.empty() ? std::string_view("unknown") : std::string_view(session.client_name);
  value += " [";
  value += session.client_address;
  value += "])";
  // Postfix's form: "(using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits))".
  if (session.tls && !session.tls_summary.empty()) {
    value += " (using ";
    value += session.tls_summary;
    value += ')';
  }
  value += " by ";
  value += session.server_hostname;
  value += " with ";
  value += protocol_keyword(session);
  if (!id.empty()) {
    value += " id ";
    value += id;
  }
  if (!recipient.empty()) {
    value += " for <";
    value += recipient;
    value += '>';
  }
  value += "; ";
  value += mail::format_date(epoch_seconds);
  return value;
}

std::string received_header(const SessionInfo& session, std::string_view id, std::string_view recipient,
                            std::int64_t epoch_seconds) {
  return mail::fold_header_line("Received", received_value(session, id, recipient, epoch_seconds));
}

}  // namespace maillab::smtp
