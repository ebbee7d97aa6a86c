// Reading a DSN back (RFC 3464 §2): find the message/delivery-status part of a multipart/report,
// split it into blocks of header-like fields, and take the per-recipient fields we display.
#include <optional>
#include <sstream>

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

// RFC 5322 §3.3 date-time as format_date() writes it ("Tue, 24 Nov 2026 19:06:09 +0000"; the
// day name and the seconds are optional) -> epoch seconds; nullopt for anything else, or before 1970.
std::optional<std::int64_t> parse_rfc5322_date(std::string_view text) {
  if (auto comma = text.find(','); comma != std::string_view::npos) text.remove_prefix(comma + 1);
  std::vector<std::string> words;
  std::istringstream stream{std::string(text)};
  for (std::string word; stream >> word;) words.push_back(word);
  if (words.size() != 5) return std::nullopt;
  auto number = [](std::string_view digits) -> std::optional<int> {
    if (digits.empty() || digits.size() > 4) return std::nullopt;
    int value = 0;
    for (char c : digits) {
      if (c < '0' || c > '9') return std::nullopt;
      value = value * 10 + (c - '0');
    }
    return value;
  };
  static constexpr const char* months[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                           "jul", "aug", "sep", "oct", "nov", "dec"};
  int month = 0;
  for (int i = 0; i < 12; ++i)
    if (to_lower(words[1]) == months[i]) month = i + 1;
  auto day = number(words[0]);
  auto year = number(words[2]);
  std::vector<std::string> clock;  // "hh:mm" or "hh:mm:ss"
  std::istringstream clock_stream(words[3]);
  for (std::string part; std::getline(clock_stream, part, ':');) clock.push_back(part);
  const std::string& zone = words[4];
  if (!month || !day || !year || *day < 1 || *day > 31 || *year < 1970 || clock.size() < 2 || clock.size() > 3 ||
      zone.size() != 5 || (zone[0] != '+' && zone[0] != '-'))
    return std::nullopt;
  auto hour = number(clock[0]), minute = number(clock[1]), second = clock.size() == 3 ? number(clock[2]) : 0;
  auto zone_hours = number(zone.substr(1, 2)), zone_minutes = number(zone.substr(3, 2));
  if (!hour || !minute || !second || !zone_hours || !zone_minutes) return std::nullopt;
  auto leap = [](int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; };
  static constexpr int days_before_month[] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};
  std::int64_t days = 0;
  for (int y = 1970; y < *year; ++y) days += leap(y) ? 366 : 365;
  days += days_before_month[month - 1] + (month > 2 && leap(*year) ? 1 : 0) + *day - 1;
  const std::int64_t offset = (*zone_hours * 60 + *zone_minutes) * 60 * (zone[0] == '-' ? -1 : 1);
  return days * 86400 + *hour * 3600 + *minute * 60 + *second - offset;
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
        recipient.last_attempt_date = parse_rfc5322_date(block.get("Last-Attempt-Date").value_or(""));
        recipient.will_retry_until = parse_rfc5322_date(block.get("Will-Retry-Until").value_or(""));
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
