// How checks such as SPF (at MAIL FROM), DKIM/DMARC (at the end of DATA) and DKIM signing (on
// the way out) plug into an MTA without the MTA knowing them: each is an MtaPolicy registered on
// the MtaService (MtaService::add_policy). Policies run in the order they were added.
//
// The inbound checks are asynchronous: a policy may do DNS lookups (through the MTA host's
// StubResolver) and call `done` later; the SMTP session waits in its waiting_*_verdict state
// meanwhile (pipelined input stays buffered). `done` must be called exactly once. If the
// connection is gone by then the verdict is ignored.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "protocols/smtp/reply.h"
#include "protocols/smtp/session_types.h"

namespace maillab::engine {

class Host;

struct PolicyVerdict {
  // code 0: no objection. Otherwise the SMTP reply to give (4xx: try later, 5xx: refused).
  smtp::Reply reply;
  // Header fields to put on top of the message if it is accepted (e.g. Authentication-Results,
  // RFC 8601 §5; Received-SPF, RFC 7208 §9.1), in the order given (the first ends up on top).
  std::vector<std::pair<std::string, std::string>> prepend_headers;
  // Where local delivery puts the message: "" for INBOX; "Junk" for a DMARC quarantine.
  std::string folder;
};

struct MailFromCheck {
  smtp::SessionInfo session;  // client address, HELO name, TLS, authenticated user
  std::string reverse_path;   // "" for <>
};

struct MessageCheck {
  smtp::SessionInfo session;
  smtp::Envelope envelope;
  const std::string* message = nullptr;  // the bytes as received (CRLF), before this hop's headers
  // Verdicts of check_mail_from for this transaction, so DMARC can use the SPF result.
  const std::vector<PolicyVerdict>* mail_from_verdicts = nullptr;
};

// A message about to leave this MTA for another host (relay to an MX or a smarthost).
struct OutgoingMessage {
  std::string& message;  // the bytes to send; a signer prepends its header here
  std::string sender;    // envelope reverse-path ("" for a bounce)
  std::string destination_domain;
  bool submitted_here = false;  // this MTA took it from an authenticated client (sign it)
  bool own_report = false;      // a DSN or delay warning this MTA wrote: not traffic in transit
};

class MtaPolicy {
 public:
  virtual ~MtaPolicy() = default;
  virtual std::string_view name() const = 0;  // for traces, e.g. "SPF"

  // MAIL FROM (RFC 7208 §2.4 checks the reverse-path here). Default: no objection.
  virtual void check_mail_from(Host& host, const MailFromCheck& check, std::function<void(PolicyVerdict)> done) {
    (void)host, (void)check;
    done({});
  }
  // End of DATA, before the 250 (RFC 6376 verification, RFC 7489 policy). Default: no objection.
  // `check` and the message it points to stay valid until `done` is called (the MTA's policy
  // chain owns them through `done`), so a policy that waits for DNS may keep a pointer to them.
  virtual void check_message(Host& host, const MessageCheck& check, std::function<void(PolicyVerdict)> done) {
    (void)host, (void)check;
    done({});
  }
  // Synchronous, called once per queue entry before its first relay attempt (DKIM signing).
  virtual void prepare_outgoing(Host& host, OutgoingMessage& outgoing) { (void)host, (void)outgoing; }
};

}  // namespace maillab::engine
