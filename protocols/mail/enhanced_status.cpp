#include "protocols/mail/enhanced_status.h"

#include <charconv>

namespace maillab::mail {

namespace {

struct StatusText {
  int subject;
  int detail;
  std::string_view text;
  std::string_view explanation;
};

// RFC 3463 §3 plus the IANA "Enumerated Status Codes" registry entries we meet in the lab.
constexpr StatusText status_texts[] = {
    {0, 0, "Other undefined status", "The server gave no more precise reason."},
    {1, 0, "Other address status", "Something is wrong with an address."},
    {1, 1, "Bad destination mailbox address",
     "The address does not exist at the destination: check the spelling of the part before the @."},
    {1, 2, "Bad destination system address",
     "The domain after the @ does not exist or does not accept mail: check its spelling."},
    {1, 3, "Bad destination mailbox address syntax", "The recipient address is not written correctly."},
    {1, 4, "Destination mailbox address ambiguous", "The address matches more than one mailbox."},
    {1, 5, "Destination address valid", "The address is good."},
    {1, 6, "Destination mailbox has moved, No forwarding address", "The person has moved and left no forwarding address."},
    {1, 7, "Bad sender's mailbox address syntax", "The sender address is not written correctly."},
    {1, 8, "Bad sender's system address", "The sender's domain does not exist or cannot receive replies."},
    {1, 10, "Recipient address has null MX", "The recipient's domain says (with a null MX record) that it never accepts mail."},
    {2, 0, "Other or undefined mailbox status", "Something is wrong with the recipient's mailbox."},
    {2, 1, "Mailbox disabled, not accepting messages", "The mailbox exists but is switched off."},
    {2, 2, "Mailbox full", "The recipient's mailbox is full (over its quota)."},
    {2, 3, "Message length exceeds administrative limit", "The message is larger than this mailbox accepts."},
    {2, 4, "Mailing list expansion problem", "A mailing list could not be expanded."},
    {3, 0, "Other or undefined mail system status", "The receiving mail system has a problem."},
    {3, 1, "Mail system full", "The receiving mail system is out of storage."},
    {3, 2, "System not accepting network messages", "The server is not accepting mail right now (for example it is shutting down)."},
    {3, 3, "System not capable of selected features", "The server does not support a feature the message needs."},
    {3, 4, "Message too big for system", "The message is larger than the server accepts: send a smaller one or share the file another way."},
    {3, 5, "System incorrectly configured", "The receiving system is misconfigured."},
    {4, 0, "Other or undefined network or routing status", "There was a network or routing problem."},
    {4, 1, "No answer from host", "The destination server did not answer (it may be down or unreachable)."},
    {4, 2, "Bad connection", "The connection to the destination server broke off."},
    {4, 3, "Directory server failure", "A directory lookup (such as DNS) failed."},
    {4, 4, "Unable to route", "No way to reach the destination was found (for example no MX or address record in DNS)."},
    {4, 5, "Mail system congestion", "The destination is too busy right now."},
    {4, 6, "Routing loop detected", "The message went round in a loop between servers."},
    {4, 7, "Delivery time expired", "The message waited in the queue too long without being delivered, so the server gave up."},
    {5, 0, "Other or undefined protocol status", "Something went wrong in the SMTP conversation."},
    {5, 1, "Invalid command", "A command was not understood or not allowed at that point."},
    {5, 2, "Syntax error", "A command was not written correctly."},
    {5, 3, "Too many recipients", "The message had more recipients than the server accepts at once."},
    {5, 4, "Invalid command arguments", "A command had arguments the server did not accept."},
    {5, 5, "Wrong protocol version", "The two servers do not speak the same protocol version."},
    {5, 6, "Authentication Exchange line is too long", "A line sent to the server was too long."},
    {6, 0, "Other or undefined media error", "The server could not handle the message content."},
    {6, 1, "Media not supported", "The message content type is not supported."},
    {6, 2, "Conversion required and prohibited", "The message would need converting, which is not allowed."},
    {6, 3, "Conversion required but not supported", "The message would need converting, which is not possible."},
    {6, 4, "Conversion with loss performed", "The message was converted and lost some content."},
    {6, 5, "Conversion Failed", "Converting the message failed."},
    {7, 0, "Other or undefined security status", "A security rule stopped the message."},
    {7, 1, "Delivery not authorized, message refused", "The receiving server's policy refused the message (for example it will not relay, or SPF/DMARC checks failed)."},
    {7, 2, "Mailing list expansion prohibited", "The sender may not send to this mailing list."},
    {7, 3, "Security conversion required but not possible", "A required security conversion was not possible."},
    {7, 4, "Security features not supported", "The required security features are not supported."},
    {7, 5, "Cryptographic failure", "A cryptographic operation failed."},
    {7, 6, "Cryptographic algorithm not supported", "A cryptographic algorithm is not supported."},
    {7, 7, "Message integrity failure", "The message was changed in transit."},
    {7, 8, "Authentication credentials invalid", "The user name or password was wrong."},
    {7, 9, "Authentication mechanism is too weak", "The login method is too weak for this server."},
    {7, 10, "Encryption Needed", "The server requires an encrypted connection (STARTTLS)."},
    {7, 11, "Encryption required for requested authentication mechanism", "The password may only be sent over an encrypted connection: use STARTTLS first."},
    {7, 12, "A password transition is needed", "The password must be changed first."},
    {7, 20, "No passing DKIM signature found", "The message had no valid DKIM signature."},
    {7, 23, "SPF validation failed", "The sending server is not allowed by the sender domain's SPF record."},
    {7, 24, "SPF validation error", "The sender domain's SPF record could not be checked."},
    {7, 25, "Reverse DNS validation failed", "The sending server's address has no matching reverse DNS name."},
    {7, 26, "Multiple authentication checks failed", "Several sender checks (SPF, DKIM, DMARC) failed."},
    {7, 27, "Sender address has null MX", "The sender's domain publishes a null MX (RFC 7505): it takes no mail, so no reply could reach it."},
};

const StatusText* find_text(int subject, int detail) {
  for (const auto& entry : status_texts) {
    if (entry.subject == subject && entry.detail == detail) return &entry;
  }
  return nullptr;
}

const StatusText* find_or_subject(const EnhancedStatus& status) {
  if (const auto* exact = find_text(status.subject, status.detail)) return exact;
  if (const auto* subject = find_text(status.subject, 0)) return subject;
  return find_text(0, 0);
}

bool parse_number(std::string_view text, int& value) {
  if (text.empty() || text.size() > 3) return false;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  return error == std::errc() && end == text.data() + text.size();
}

}  // namespace

std::string EnhancedStatus::to_string() const {
  return std::to_string(class_code) + "." + std::to_string(subject) + "." + std::to_string(detail);
}

std::optional<EnhancedStatus> parse_enhanced_status(std::string_view text) {
  std::size_t first = text.find('.');
  if (first == std::string_view::npos) return std::nullopt;
  std::size_t second = text.find('.', first + 1);
  if (second == std::string_view::npos) return std::nullopt;
  EnhancedStatus status;
  if (!parse_number(text.substr(0, first), status.class_code) ||
      !parse_number(text.substr(first + 1, second - first - 1), status.subject) ||
      !parse_number(text.substr(second + 1), status.detail)) {
    return std::nullopt;
  }
  if (status.class_code != 2 && status.class_code != 4 && status.class_code != 5) return std::nullopt;
  if (first != 1) return std::nullopt;
  return status;
}

std::string_view describe_enhanced_status(const EnhancedStatus& status) { return find_or_subject(status)->text; }

std::string_view describe_enhanced_status(std::string_view code) {
  auto status = parse_enhanced_status(code);
  return status ? describe_enhanced_status(*status) : std::string_view();
}

std::string_view describe_status_class(int class_code) {
  switch (class_code) {
    case 2: return "Success";
    case 4: return "Persistent transient failure";
    case 5: return "Permanent failure";
    default: return "Unknown class";
  }
}

std::string_view explain_enhanced_status(const EnhancedStatus& status) {
  return find_or_subject(status)->explanation;
}

}  // namespace maillab::mail
