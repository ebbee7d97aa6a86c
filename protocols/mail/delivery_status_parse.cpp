// Reading a DSN back (RFC 3464 §2): find the message/delivery-status part of a multipart/report,
// split it into blocks of header-like fields, and take the per-recipient fields we display.
#include "protocols/mail/delivery_status.h"
#include "protocols/mail/mime.h"
#include "protocols/mail/text.h"

namespace maillab::mail {

namespace {

// "rfc822; bob@x" -> "bob@x" (the address-type or mta-name-type before ';' is dropped).
std::string after_type(std::string_view value) {
  std::size_t semicolon = value.find(';');
  return std::string(trim(semicolon == std::string_view::npos ? value : value.substr(semicolon + 1)));
}

// Blocks of fields separated by blank lines (RFC 3464 §2.1).
std::vector<std::string> split_blocks(std::string_view text) {
  std::vector<std::string> blocks;
  std::string current;
  for (const auto& line : split_lines(text)) {
    if (trim(line).empty()) {
      if (!current.empty()) blocks.push_back(current);
      current.clear();
    } else {
      current += line + "\r\n";
    }
  }
  if (!current.empty()) blocks.push_back(current);
  return blocks;
}

}  // namespace

ParseResult<DeliveryReport> parse_delivery_status_notification(const Message& message) {
  using Result = ParseResult<DeliveryReport>;
  ContentType type = parse_content_type(message.headers.get("Content-Type").value_or(""));
  if (type.media_type() != "multipart/report") {
    return Result::failure("not a delivery status notification: Content-Type is " + type.media_type() +
                           ", expected multipart/report");
  }
  auto parts = split_multipart(message.body, type.parameter("boundary"));
  if (!parts.ok()) return Result::failure(parts.error());
  DeliveryReport report;
  bool found_status = false;
  for (const auto& part : parts.value()) {
    ContentType part_type = parse_content_type(part.headers.get("Content-Type").value_or(""));
    std::string media = part_type.media_type();
    if (media == "text/plain" && report.human_readable.empty()) {
      report.human_readable = part.body;
    } else if (media == "message/delivery-status" || media == "message/global-delivery-status") {
      found_status = true;
      auto blocks = split_blocks(part.body);
      for (std::size_t index = 0; index < blocks.size(); ++index) {
        auto fields = parse_headers(blocks[index]);
        if (!fields.ok()) return Result::failure("delivery-status part: " + fields.error());
        const Headers& block = fields.value();
        if (index == 0) {  // per-message fields
          report.reporting_mta = after_type(block.get("Reporting-MTA").value_or(""));
          report.arrival_date = block.get("Arrival-Date").value_or("");
          continue;
        }
        RecipientReport recipient;
        recipient.final_recipient = after_type(block.get("Final-Recipient").value_or(""));
        recipient.original_recipient = after_type(block.get("Original-Recipient").value_or(""));
        auto action = parse_delivery_action(block.get("Action").value_or(""));
        if (!action) {
          return Result::failure("recipient block " + std::to_string(index) + " has no valid Action field");
        }
        recipient.action = *action;
        recipient.status = std::string(trim(block.get("Status").value_or("")));
        std::size_t comment = recipient.status.find(' ');  // "5.0.0 (comment)" is allowed
        if (comment != std::string::npos) recipient.status.resize(comment);
        recipient.remote_mta = after_type(block.get("Remote-MTA").value_or(""));
        recipient.diagnostic_code = after_type(block.get("Diagnostic-Code").value_or(""));
        report.recipients.push_back(recipient);
      }
    } else if (media == "text/rfc822-headers") {
      report.original_headers = part.body;
    } else if (media == "message/rfc822" && report.original_headers.empty()) {
      report.original_headers = std::string(header_section(part.body));
    }
  }
  if (!found_status) return Result::failure("multipart/report without a message/delivery-status part");
  return Result::success(std::move(report));
}

ParseResult<DeliveryReport> parse_delivery_status_notification(std::string_view message_bytes) {
  auto message = parse_message(message_bytes);
  if (!message.ok()) return ParseResult<DeliveryReport>::failure(message.error());
  return parse_delivery_status_notification(message.value());
}

}  // namespace maillab::mail
