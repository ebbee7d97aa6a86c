#include "protocols/mail/delivery_status.h"

#include "protocols/mail/date.h"
#include "protocols/mail/enhanced_status.h"
#include "protocols/mail/text.h"

namespace maillab::mail {

std::string_view to_string(DeliveryAction action) {
  switch (action) {
    case DeliveryAction::failed: return "failed";
    case DeliveryAction::delayed: return "delayed";
    case DeliveryAction::delivered: return "delivered";
    case DeliveryAction::relayed: return "relayed";
    case DeliveryAction::expanded: return "expanded";
  }
  return "failed";
}

std::optional<DeliveryAction> parse_delivery_action(std::string_view text) {
  std::string lowered = to_lower(trim(text));
  for (auto action : {DeliveryAction::failed, DeliveryAction::delayed, DeliveryAction::delivered,
                      DeliveryAction::relayed, DeliveryAction::expanded}) {
    if (lowered == to_string(action)) return action;
  }
  return std::nullopt;
}

namespace {

// Wraps plain text at `width` columns on spaces (the text part is read by people).
std::string wrap(std::string_view text, std::size_t width = 72, std::string_view indent = "") {
  std::string result;
  std::string line(indent);
  std::size_t position = 0;
  while (position < text.size()) {
    std::size_t end = text.find(' ', position);
    if (end == std::string_view::npos) end = text.size();
    std::string_view word = text.substr(position, end - position);
    position = end + 1;
    if (line.size() > indent.size() && line.size() + 1 + word.size() > width) {
      result += line + "\r\n";
      line = std::string(indent);
    }
    if (line.size() > indent.size()) line += ' ';
    line += word;
  }
  if (line.size() > indent.size()) result += line + "\r\n";
  return result;
}

// A header-like field for the delivery-status part, folded like any header line.
void add_field(std::string& out, std::string_view name, std::string_view value) {
  out += fold_header_line(name, value);
}

std::string human_readable_text(const DeliveryStatusRequest& request) {
  bool any_failed = false, any_delayed = false, any_delivered = false;
  for (const auto& recipient : request.recipients) {
    any_failed |= recipient.action == DeliveryAction::failed;
    any_delayed |= recipient.action == DeliveryAction::delayed;
    any_delivered |= recipient.action == DeliveryAction::delivered || recipient.action == DeliveryAction::relayed ||
                     recipient.action == DeliveryAction::expanded;
  }
  std::string text = "This is the mail system at host " + request.reporting_mta + ".\r\n\r\n";
  if (any_failed) {
    text += wrap("I'm sorry to have to tell you that your message could not be delivered to one or more "
                 "recipients. It is attached below" +
                 std::string(request.return_full_message ? "" : " (its headers only)") +
                 ". The mail system has given up on these recipients and will not try again.");
  } else if (any_delayed) {
    // Like Postfix's and Exim's delay warnings: people resend "lost" mail, so say plainly it is not.
    text += wrap("This is only a warning; you do not need to do anything. Your message has not been "
                 "delivered yet to one or more recipients: it is still in the queue, and the mail system "
                 "will keep trying to deliver it. Do not send it again. You will get another notice only "
                 "if it finally fails.");
  } else if (any_delivered) {
    text += wrap("Your message was delivered successfully. This is the delivery report you asked for.");
  }
  text += "\r\n";
  for (const auto& recipient : request.recipients) {
    text += "<" + recipient.final_recipient + ">: " + std::string(to_string(recipient.action)) + "\r\n";
    std::string why;
    if (!recipient.diagnostic_code.empty()) {
      why = recipient.remote_mta.empty() ? "The mail system said: " : "The server " + recipient.remote_mta + " said: ";
      why += recipient.diagnostic_code;
    }
    if (!why.empty()) text += wrap(why, 72, "    ");
    if (auto status = parse_enhanced_status(recipient.status)) {
      std::string meaning = "Status " + status->to_string() + " (" + std::string(describe_status_class(status->class_code)) +
                            ": " + std::string(describe_enhanced_status(*status)) + "). In plain words: " +
                            std::string(explain_enhanced_status(*status));
      text += wrap(meaning, 72, "    ");
    }
    if (recipient.action == DeliveryAction::delayed && recipient.will_retry_until) {
      text += wrap("The mail system will keep trying until " + format_date(*recipient.will_retry_until) + ".", 72, "    ");
    }
    text += "\r\n";
  }
  text += wrap("For the technical details, see the delivery report below (RFC 3464).");
  return text;
}

std::string delivery_status_text(const DeliveryStatusRequest& request) {
  std::string text;
  // RFC 3464 §2.2: Original-Envelope-Id first when the sender gave one (RFC 3461 §6.3 (a)).
  if (!request.original_envelope_id.empty()) add_field(text, "Original-Envelope-Id", request.original_envelope_id);
  add_field(text, "Reporting-MTA", "dns; " + request.reporting_mta);
  add_field(text, "Arrival-Date", format_date(request.arrival_date));
  for (const auto& recipient : request.recipients) {
    text += "\r\n";
    if (!recipient.original_recipient.empty()) {
      // RFC 3464 §2.3.1: address-type ";" generic-address, as ORCPT gave them (RFC 3461 §6.3 (c)).
      const auto semicolon = recipient.original_recipient.find(';');
      add_field(text, "Original-Recipient",
                semicolon == std::string::npos
                    ? "rfc822; " + recipient.original_recipient
                    : recipient.original_recipient.substr(0, semicolon) + "; " +
                          std::string(trim(std::string_view(recipient.original_recipient).substr(semicolon + 1))));
    }
    add_field(text, "Final-Recipient", "rfc822; " + recipient.final_recipient);
    add_field(text, "Action", to_string(recipient.action));
    add_field(text, "Status", recipient.status);
    if (!recipient.remote_mta.empty()) add_field(text, "Remote-MTA", "dns; " + recipient.remote_mta);
    if (!recipient.diagnostic_code.empty()) {
      // A multi-line reply is joined into one (foldable) line.
      std::string diagnostic;
      for (const auto& line : split_lines(recipient.diagnostic_code)) {
        diagnostic += (diagnostic.empty() ? "" : " ") + std::string(trim(line));
      }
      add_field(text, "Diagnostic-Code", "smtp; " + diagnostic);
    }
    if (recipient.last_attempt_date) add_field(text, "Last-Attempt-Date", format_date(*recipient.last_attempt_date));
    if (recipient.will_retry_until) add_field(text, "Will-Retry-Until", format_date(*recipient.will_retry_until));
  }
  return text;
}

// A boundary derived from the bounce's identity (deterministic, and not found in the content
// because it contains "=_", which quoted-printable and our text never produce).
std::string make_boundary(const DeliveryStatusRequest& request) {
  std::uint64_t hash = 1469598103934665603ULL;
  for (char c : request.message_id + request.reporting_mta + std::to_string(request.date)) {
    hash = (hash ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
  }
  static constexpr char digits[] = "0123456789ABCDEF";
  std::string boundary = "=_maillab_dsn_";
  for (int shift = 60; shift >= 0; shift -= 4) boundary += digits[(hash >> shift) & 15];
  return boundary;
}

}  // namespace

Bounce build_delivery_status_notification(const DeliveryStatusRequest& request) {
  bool any_failed = false, any_delayed = false;
  for (const auto& recipient : request.recipients) {
    any_failed |= recipient.action == DeliveryAction::failed;
    any_delayed |= recipient.action == DeliveryAction::delayed;
  }
  std::string boundary = make_boundary(request);
  Bounce bounce;
  bounce.envelope_recipient = request.original_sender;
  Headers& headers = bounce.message.headers;
  headers.append("From", "MAILER-DAEMON@" + request.reporting_mta + " (Mail Delivery System)");
  headers.append("To", request.original_sender.empty() ? "undisclosed-recipients:;" : request.original_sender);
  headers.append("Subject", any_failed    ? "Undelivered Mail Returned to Sender"
                            : any_delayed ? "Delayed Mail (still being retried)"
                                          : "Successful Mail Delivery Report");
  headers.append("Date", format_date(request.date));
  if (!request.message_id.empty()) headers.append("Message-ID", request.message_id);
  headers.append("Auto-Submitted", "auto-replied");  // RFC 3834 §5: never auto-reply to this
  headers.append("MIME-Version", "1.0");
  headers.append("Content-Type", "multipart/report; report-type=delivery-status; boundary=\"" + boundary + "\"");

  std::string original_headers(header_section(request.original_message));
  original_headers = to_crlf(original_headers);
  std::string& body = bounce.message.body;
  body += "This is a MIME-encapsulated message (a delivery status notification).\r\n\r\n";
  body += "--" + boundary + "\r\n";
  body += "Content-Description: Notification\r\n";
  body += "Content-Type: text/plain; charset=us-ascii\r\n\r\n";
  body += human_readable_text(request);
  body += "\r\n--" + boundary + "\r\n";
  body += "Content-Description: Delivery report\r\n";
  body += "Content-Type: message/delivery-status\r\n\r\n";
  body += delivery_status_text(request);
  body += "\r\n--" + boundary + "\r\n";
  if (request.return_full_message) {  // RFC 3461 §4.3 RET=FULL; RFC 3464 §2.1 message/rfc822
    body += "Content-Description: Undelivered Message\r\n";
    body += "Content-Type: message/rfc822\r\n\r\n";
    body += to_crlf(request.original_message);
  } else {
    body += std::string("Content-Description: ") + (any_failed || any_delayed ? "Undelivered" : "Delivered") +
            " Message Headers\r\n";
    body += "Content-Type: text/rfc822-headers\r\n\r\n";
    body += original_headers;
  }
  body += "\r\n--" + boundary + "--\r\n";
  return bounce;
}

}  // namespace maillab::mail
