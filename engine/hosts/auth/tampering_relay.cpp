#include "engine/hosts/auth/tampering_relay.h"

#include <cctype>

#include "engine/net/host.h"
#include "protocols/common/ascii_case.h"

namespace maillab::engine {
namespace {

// Where the header section ends: the offset of the empty line's CRLF (or npos for no body).
std::size_t header_end(const std::string& message) {
  if (message.rfind("\r\n", 0) == 0) return 0;
  const auto at = message.find("\r\n\r\n");
  return at == std::string::npos ? std::string::npos : at + 2;
}

std::string shorten(const std::string& text) { return text.size() > 60 ? text.substr(0, 57) + "..." : text; }

void record_fault(Host& host, std::string summary) {
  TraceRecord record;
  record.time = host.simulator().now();
  record.kind = TraceKind::fault;
  record.node = host.name();
  record.summary = std::move(summary);
  host.simulator().trace().record(std::move(record));
}

}  // namespace

std::vector<std::string> apply_tamper_rules(std::string& message, const std::vector<TamperRule>& rules, Time now) {
  std::vector<std::string> changes;
  for (const auto& rule : rules) {
    if (now < rule.active_from) continue;
    std::size_t body_at = header_end(message);
    if (body_at == std::string::npos) {
      message += "\r\n";
      body_at = message.size();
    }
    switch (rule.kind) {
      case TamperRule::Kind::replace_header: {
        // Each occurrence of the field (folded continuation lines included) gets the new value.
        std::size_t line = 0;
        while (line < body_at) {
          std::size_t end = message.find("\r\n", line);
          while (end != std::string::npos && end + 2 < body_at && (message[end + 2] == ' ' || message[end + 2] == '\t'))
            end = message.find("\r\n", end + 2);
          if (end == std::string::npos) break;
          const std::size_t colon = message.find(':', line);
          if (colon != std::string::npos && colon < end && common::equals_ignoring_case(std::string_view(message).substr(line, colon - line), rule.header)) {
            std::string old_value = message.substr(colon + 1, end - colon - 1);
            while (!old_value.empty() && (old_value.front() == ' ' || old_value.front() == '\t')) old_value.erase(0, 1);
            const std::string replacement = rule.header + ": " + rule.text;
            message.replace(line, end - line, replacement);
            body_at = body_at - (end - line) + replacement.size();
            changes.push_back(rule.header + " '" + shorten(old_value) + "' -> '" + shorten(rule.text) + "'");
            end = line + replacement.size();
          }
          line = end + 2;
        }
        break;
      }
      case TamperRule::Kind::add_header:
        message.insert(0, rule.header + ": " + rule.text + "\r\n");
        changes.push_back("added header " + rule.header + ": " + shorten(rule.text));
        break;
      case TamperRule::Kind::replace_body_text: {
        int count = 0;
        for (std::size_t at = message.find(rule.find, body_at); at != std::string::npos && !rule.find.empty();
             at = message.find(rule.find, at + rule.text.size())) {
          message.replace(at, rule.find.size(), rule.text);
          ++count;
        }
        if (count)  // a message without that text passes untouched
          changes.push_back("body text '" + shorten(rule.find) + "' -> '" + shorten(rule.text) + "'" +
                            (count > 1 ? " (" + std::to_string(count) + " times)" : ""));
        break;
      }
      case TamperRule::Kind::append_body: {
        std::string text = rule.text;
        if (text.size() < 2 || text.compare(text.size() - 2, 2, "\r\n") != 0) text += "\r\n";
        if (message.size() >= 2 && message.compare(message.size() - 2, 2, "\r\n") != 0) message += "\r\n";
        message += text;
        changes.push_back("appended to the body: '" + shorten(rule.text) + "'");
        break;
      }
    }
  }
  return changes;
}

void TamperingRelay::prepare_outgoing(Host& host, OutgoingMessage& outgoing) {
  // The fault is on the mail this MTA relays; the reports it writes itself are not in transit.
  if (outgoing.own_report) return;
  const auto changes = apply_tamper_rules(outgoing.message, rules_, host.simulator().now());
  if (changes.empty()) return;
  ++tampered_count_;
  for (const auto& change : changes) record_fault(host, "tampered in transit: " + change);
}

}  // namespace maillab::engine
