// RFC 3464 delivery status notifications (bounces): building one for a failed, delayed or
// delivered message, and reading one back (tests and the mail client's view).
//
// A bounce is multipart/report; report-type=delivery-status (RFC 6522) with three parts:
//   1. text/plain: what happened, in plain words (this is a teaching tool);
//   2. message/delivery-status: per-message fields, then one block per recipient (RFC 3464 §2.2-2.3);
//   3. text/rfc822-headers: the original message's header section (RFC 6522 §4; RFC 3464 §2.1).
// It is sent From MAILER-DAEMON@<reporting host> to the original envelope sender, with the null
// envelope sender <> so that a bounce can never cause another bounce (RFC 5321 §4.5.5).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocols/mail/message.h"
#include "protocols/mail/result.h"

namespace maillab::mail {

enum class DeliveryAction { failed, delayed, delivered, relayed, expanded };  // RFC 3464 §2.3.3
std::string_view to_string(DeliveryAction action);
std::optional<DeliveryAction> parse_delivery_action(std::string_view text);

struct RecipientReport {
  std::string final_recipient;     // address, written "rfc822; addr"
  std::string original_recipient;  // optional (ORCPT): "rfc822;addr" or just "addr"; "" when unknown
  DeliveryAction action = DeliveryAction::failed;
  std::string status;           // RFC 3463 code, e.g. "5.1.1"
  std::string remote_mta;       // host name written "dns; host"; "" when no server was reached
  std::string diagnostic_code;  // the SMTP reply, e.g. "550 5.1.1 <bob@x>: user unknown" (type smtp)
  std::optional<std::int64_t> last_attempt_date;  // epoch seconds
  std::optional<std::int64_t> will_retry_until;   // epoch seconds; only for "delayed"
};

struct DeliveryStatusRequest {
  std::string reporting_mta;           // the host writing the report (also the MAILER-DAEMON domain)
  std::string original_sender;         // envelope sender of the original message: the bounce goes there
  std::int64_t arrival_date = 0;       // when the original message arrived (epoch seconds)
  std::int64_t date = 0;               // the bounce's Date (epoch seconds)
  std::string message_id;              // the bounce's Message-ID, e.g. from make_message_id()
  std::string original_message;        // the original message bytes (only the headers are returned,
                                       // unless return_full_message)
  std::string original_envelope_id;    // RFC 3461 ENVID: an Original-Envelope-Id field; "" for none
  bool return_full_message = false;    // RFC 3461 RET=FULL: message/rfc822 with the whole message
  std::vector<RecipientReport> recipients;
};

struct Bounce {
  std::string envelope_sender;     // always "" (the null reverse-path <>)
  std::string envelope_recipient;  // the original envelope sender
  Message message;
  std::string bytes() const { return message.serialize(); }
};

Bounce build_delivery_status_notification(const DeliveryStatusRequest& request);

// What a reader gets back from a DSN.
struct DeliveryReport {
  std::string reporting_mta;  // the host part of "dns; host"
  std::string arrival_date;   // as written
  std::vector<RecipientReport> recipients;  // final_recipient without "rfc822;", remote_mta without "dns;"
  std::string human_readable;    // the text/plain part
  std::string original_headers;  // the text/rfc822-headers part (or message/rfc822's headers)
};

ParseResult<DeliveryReport> parse_delivery_status_notification(const Message& message);
ParseResult<DeliveryReport> parse_delivery_status_notification(std::string_view message_bytes);

}  // namespace maillab::mail
