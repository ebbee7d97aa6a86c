// Types shared by the SMTP server and client sessions: what the server knows about its client,
// the envelope of a mail transaction (RFC 5321 §2.3.1), and MAIL FROM parameters.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "protocols/smtp/dsn_parameters.h"

namespace maillab::smtp {

// Which port a server listens on, and so which rules apply.
enum class ServerMode {
  relay,         // port 25: MTA to MTA, no AUTH required (RFC 5321)
  submission,    // port 587: a mail client submits; AUTH required before MAIL (RFC 6409 §4, RFC 4954)
  implicit_tls,  // port 465: submission over TLS from the first byte (RFC 8314 §3)
};
std::string_view to_string(ServerMode mode);

// The envelope: who the message is from and to, as told in MAIL FROM and RCPT TO — not the
// From:/To: headers, which may say anything.
struct Envelope {
  Envelope() = default;
  Envelope(std::string reverse_path_in, std::vector<std::string> recipients_in)
      : reverse_path(std::move(reverse_path_in)), recipients(std::move(recipients_in)) {}

  std::string reverse_path;             // "user@domain", or "" for the null reverse-path <>
  std::vector<std::string> recipients;  // "user@domain", in RCPT order
  // RFC 3461 DSN parameters, kept with the envelope so an MTA relays them as they came (§5.2):
  // RET and ENVID of MAIL FROM, NOTIFY and ORCPT of each RCPT TO (empty, or one per recipient).
  std::string ret;    // "FULL", "HDRS" or "" (not given)
  std::string envid;  // decoded; "" when not given
  std::vector<RecipientDsn> recipient_dsn;
  // The DSN parameters of recipient `index` (none given: a default RecipientDsn).
  RecipientDsn dsn_for(std::size_t index) const {
    return index < recipient_dsn.size() ? recipient_dsn[index] : RecipientDsn{};
  }
};

// What the server knows about the connected client (used for policy and the Received header).
struct SessionInfo {
  std::string server_hostname;
  ServerMode mode = ServerMode::relay;
  std::string client_address;      // the peer's IP address as text, e.g. "192.0.2.10"
  std::string client_name;         // its reverse-DNS name if the engine looked it up; may be ""
  std::string helo;                // the EHLO/HELO argument ("" before it)
  bool esmtp = false;              // the client said EHLO (true) rather than HELO
  bool tls = false;                // the connection is TLS (STARTTLS done, or port 465)
  // "TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)" once the handshake is done, for
  // the Received header as Postfix writes it; "" before (or without) TLS.
  std::string tls_summary;
  std::string authenticated_user;  // "" when the client has not authenticated
};

// MAIL FROM parameters (RFC 5321 §4.1.1.2 Mail-parameters) that the server understands.
struct MailParameters {
  std::optional<std::uint64_t> size;  // SIZE=n (RFC 1870)
  std::string body;                   // BODY=7BIT or BODY=8BITMIME (RFC 6152); "" when absent
  std::string auth;                   // AUTH=<mailbox> (RFC 4954 §5); "" when absent
  std::string ret;                    // RET=FULL|HDRS (RFC 3461 §4.3); "" when absent
  std::string envid;                  // ENVID=xtext (RFC 3461 §4.4), decoded; "" when absent
};

}  // namespace maillab::smtp
