// How one MTA is set up (the scenario's `mta:` block; scenarios/README.md, "Mail transfer").
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/core/time.h"
#include "engine/hosts/mail/greylist.h"
#include "engine/net/address.h"

namespace maillab::engine {

// Retry and lifetime rules of the queue. The defaults are Postfix's (postconf(5):
// minimal_backoff_time, maximal_backoff_time, maximal_queue_lifetime, bounce_queue_lifetime,
// delay_warning_time); scenarios shorten them so a lesson does not wait five simulated days.
struct QueuePolicy {
  Time minimal_backoff = seconds(300);
  Time maximal_backoff = seconds(4000);
  Time maximal_queue_lifetime = seconds(5 * 24 * 3600);
  Time bounce_queue_lifetime = seconds(5 * 24 * 3600);  // for bounces (null sender): then dropped
  // A message still queued this long after its arrival gets one "delayed" DSN to its sender
  // (RFC 3464 Action: delayed), then the queue keeps trying. 0 = never, Postfix's default.
  Time delay_warning_time = 0;
};

struct MtaConfig {
  std::string hostname;  // EHLO name, "by" in Received, the DSN's Reporting-MTA; default: host name
  // Final destination domains (mail for them goes to the MailboxService on this host). Empty:
  // the domains of this host's MailboxService.
  std::vector<std::string> domains;
  // Domains this MTA accepts from anyone and forwards (a backup MX): queued and sent to the
  // domain's better MX records.
  std::vector<std::string> relay_domains;
  bool relay = true;        // listen on relay_port (25)
  bool submission = true;   // listen on submission_port (587) and implicit_tls_port (465)
  std::uint16_t relay_port = 25;
  std::uint16_t submission_port = 587;
  std::uint16_t implicit_tls_port = 465;
  // Offer AUTH (RFC 4954) on the relay port too, as Postfix does with smtpd_sasl_auth_enable=yes
  // on port 25: clients that log in there may relay. Off: AUTH only on 587 and 465 (RFC 6409).
  bool auth_on_relay = false;
  bool only_local_senders = false;  // refuse MAIL FROM addresses outside our domains (not <>)
  std::map<std::string, std::string> credentials;  // AUTH users besides the mailbox users
  std::uint64_t max_message_size = 10 * 1024 * 1024;
  std::size_t max_recipients = 100;
  // RFC 5321 §6.3: loops are detected by counting Received lines. A message that arrives with this
  // many is refused at the end of DATA with 554 5.4.6 (Postfix's hopcount_limit, default 50), so
  // the MTA that sent it bounces it instead of passing it round again.
  std::size_t hop_limit = 50;
  QueuePolicy queue;
  std::optional<Endpoint> smarthost;  // send every remote message there instead of using MX records
  std::string smarthost_name;         // for traces
  Time command_timeout = seconds(300);  // RFC 5321 §4.5.3.2: an idle SMTP peer is given up on
  bool starttls = true;                 // offer STARTTLS on 25/587, use it when offered outbound
  // Advertise DSN (RFC 3461) and take NOTIFY/RET/ENVID/ORCPT. Off, like Postfix's
  // smtpd_discard_ehlo_keywords = dsn: the client's MTA then reports for us (§5.2.2).
  bool dsn = true;
  // Outbound TLS, as Postfix's smtp_tls_security_level: `may` (opportunistic, RFC 7435: TLS when
  // offered, a bad certificate is logged and delivery goes on), `encrypt` (TLS or no delivery,
  // any certificate), `verify` (TLS with a certificate that verifies for the MX name, as
  // Postfix's `secure` or an MTA-STS "enforce" policy, RFC 8461). Failing ones defer with 4.7.x.
  enum class TlsPolicy { may, encrypt, verify };
  TlsPolicy outbound_tls = TlsPolicy::may;
  // Look up each client's address in reverse DNS when it connects, before the 220 greeting, as
  // Postfix's smtpd does (reverse_dns.h): PTR, then the name's A record must give the address back.
  // The confirmed name goes into the Received header; without one it says "unknown". Off: the
  // client's host name stands in for its PTR record and no query is made.
  bool reverse_dns = false;
  // Also refuse relay-port clients without a confirmed name: 450 4.7.25 at RCPT TO (Postfix's
  // reject_unknown_client_hostname with smtpd_delay_reject=yes; RFC 7372 §3.3). Implies reverse_dns.
  bool require_reverse_dns = false;
  // RFC 7505 §4.2: refuse a MAIL FROM whose domain publishes a null MX (550 5.7.27): no bounce
  // or reply could ever reach it. One MX lookup per MAIL FROM, so off by default, like the
  // Postfix restriction that does it (reject_unknown_sender_domain).
  bool reject_null_mx_sender = false;
  // Greylisting on the relay port (greylist.h): 450 4.7.1 to a first-time (client, sender,
  // recipient) triplet until `delay` has passed. Off when unset.
  std::optional<GreylistPolicy> greylist;
};

}  // namespace maillab::engine
