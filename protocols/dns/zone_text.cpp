// Zone::parse: a small master-file reader (RFC 1035 §5.1). Errors name the line.
#include <algorithm>
#include <cctype>
#include <charconv>

#include "protocols/common/ascii_case.h"
#include "protocols/dns/presentation.h"
#include "protocols/dns/zone.h"

namespace maillab::dns {

namespace {

struct Token {
  std::string text;  // quoted strings are unescaped; bare words are kept as written
  bool quoted = false;
};

struct Line {
  std::size_t number = 0;
  bool owner_omitted = false;  // the line began with a blank: same owner as the previous record
  std::vector<Token> tokens;
};

Error line_error(std::size_t line, const std::string& message) {
  return Error{"line " + std::to_string(line) + ": " + message, line, false};
}

// Turns \" \\ \DDD escapes into octets (RFC 1035 §5.1).
Result<std::string> unescape(std::string_view text, std::size_t line) {
  std::string result;
  for (std::size_t index = 0; index < text.size(); ++index) {
    if (text[index] != '\\') {
      result += text[index];
      continue;
    }
    if (index + 1 >= text.size()) return line_error(line, "dangling backslash");
    if (std::isdigit(static_cast<unsigned char>(text[index + 1]))) {
      if (index + 3 >= text.size()) return line_error(line, "short \\DDD escape");
      int value = 0;
      for (int digit = 1; digit <= 3; ++digit) {
        char d = text[index + digit];
        if (!std::isdigit(static_cast<unsigned char>(d))) return line_error(line, "bad \\DDD escape");
        value = value * 10 + (d - '0');
      }
      if (value > 255) return line_error(line, "\\DDD escape above 255");
      result += static_cast<char>(value);
      index += 3;
    } else {
      result += text[++index];
    }
  }
  return result;
}

Result<std::vector<Line>> tokenize(std::string_view text) {
  std::vector<Line> lines;
  Line current;
  std::size_t line_number = 1;
  int depth = 0;
  bool at_line_start = true;
  current.number = 1;
  auto finish_line = [&] {
    if (!current.tokens.empty()) lines.push_back(std::move(current));
    current = Line{};
  };
  for (std::size_t index = 0; index < text.size(); ++index) {
    char character = text[index];
    if (at_line_start && depth == 0) {
      current.number = line_number;
      current.owner_omitted = (character == ' ' || character == '\t');
      at_line_start = false;
    }
    if (character == '\n') {
      ++line_number;
      if (depth == 0) {
        finish_line();
        at_line_start = true;
      }
    } else if (std::isspace(static_cast<unsigned char>(character))) {
      // Blanks separate tokens (RFC 1035 §5.1); CR, form feed and vertical tab count as blanks.
      // The token branch below stops at any of them, so one left to it would make an empty
      // token and never move on.
    } else if (character == ';') {
      while (index + 1 < text.size() && text[index + 1] != '\n') ++index;
    } else if (character == '(') {
      ++depth;
    } else if (character == ')') {
      if (--depth < 0) return line_error(line_number, "')' without '('");
    } else if (character == '"') {
      std::size_t start = ++index;
      while (index < text.size() && text[index] != '"') {
        if (text[index] == '\\') ++index;
        if (index < text.size() && text[index] == '\n') return line_error(line_number, "unterminated quoted string");
        ++index;
      }
      if (index >= text.size()) return line_error(line_number, "unterminated quoted string");
      auto unescaped = unescape(text.substr(start, index - start), line_number);
      if (!unescaped) return unescaped.error();
      current.tokens.push_back(Token{std::move(unescaped).value(), true});
    } else {
      std::size_t start = index;
      while (index < text.size() && !std::isspace(static_cast<unsigned char>(text[index])) && text[index] != ';' &&
             text[index] != '(' && text[index] != ')' && text[index] != '"') {
        if (text[index] == '\\' && index + 1 < text.size()) ++index;
        ++index;
      }
      current.tokens.push_back(Token{std::string(text.substr(start, index - start)), false});
      --index;
    }
  }
  if (depth != 0) return line_error(line_number, "unclosed '('");
  finish_line();
  return lines;
}

// Seconds, or with BIND-style units: 1h30m, 2d, 1w.
std::optional<std::uint32_t> parse_ttl(std::string_view text) {
  if (text.empty() || !std::isdigit(static_cast<unsigned char>(text[0]))) return std::nullopt;
  std::uint64_t total = 0;
  std::size_t index = 0;
  while (index < text.size()) {
    std::uint64_t value = 0;
    std::size_t start = index;
    while (index < text.size() && std::isdigit(static_cast<unsigned char>(text[index]))) {
      value = value * 10 + static_cast<std::uint64_t>(text[index] - '0');
      if (value > 0xFFFFFFFFull) return std::nullopt;
      ++index;
    }
    if (index == start) return std::nullopt;
    std::uint64_t unit = 1;
    if (index < text.size()) {
      switch (common::to_lower(text[index])) {
        case 's': unit = 1; break;
        case 'm': unit = 60; break;
        case 'h': unit = 3600; break;
        case 'd': unit = 86400; break;
        case 'w': unit = 604800; break;
        default: return std::nullopt;
      }
      ++index;
    }
    total += value * unit;
    if (total > 0xFFFFFFFFull) return std::nullopt;
  }
  return static_cast<std::uint32_t>(total);
}

std::optional<std::vector<std::uint8_t>> parse_hex(const std::vector<Token>& tokens, std::size_t from) {
  std::string digits;
  for (std::size_t index = from; index < tokens.size(); ++index) digits += tokens[index].text;
  if (digits.size() % 2) return std::nullopt;
  std::vector<std::uint8_t> octets;
  for (std::size_t index = 0; index < digits.size(); index += 2) {
    unsigned value = 0;
    auto [end, error] = std::from_chars(digits.data() + index, digits.data() + index + 2, value, 16);
    if (error != std::errc() || end != digits.data() + index + 2) return std::nullopt;
    octets.push_back(static_cast<std::uint8_t>(value));
  }
  return octets;
}

Result<RData> parse_rdata(RecordType type, const std::vector<Token>& tokens, std::size_t from, const Name& origin,
                          std::size_t line) {
  std::size_t count = tokens.size() - from;
  auto need = [&](std::size_t wanted) -> std::optional<Error> {
    if (count != wanted)
      return line_error(line, type_to_text(type) + " needs " + std::to_string(wanted) + " RDATA fields, found " +
                                  std::to_string(count));
    return std::nullopt;
  };
  auto name_at = [&](std::size_t index) -> Result<Name> {
    auto name = Name::from_text(tokens[from + index].text, origin);
    if (!name) return line_error(line, name.error().message);
    return name;
  };
  if (count >= 1 && !tokens[from].quoted && tokens[from].text == "\\#") {  // RFC 3597 §5 generic form
    static constexpr RecordType typed[] = {RecordType::A,   RecordType::AAAA, RecordType::NS,  RecordType::CNAME,
                                           RecordType::PTR, RecordType::MX,   RecordType::SOA, RecordType::TXT};
    if (std::find(std::begin(typed), std::end(typed), type) != std::end(typed))
      return line_error(line, "use the " + type_to_text(type) + " presentation form, not \\#");
    if (count < 2) return line_error(line, "\\# needs a length");
    auto length = parse_ttl(tokens[from + 1].text);
    auto octets = parse_hex(tokens, from + 2);
    if (!length || !octets || *length != octets->size())
      return line_error(line, "\\# length does not match its hex data");
    return RData(rdata::Unknown{std::move(*octets)});
  }
  switch (type) {
    case RecordType::A: {
      if (auto error = need(1)) return *error;
      auto address = ipv4_from_text(tokens[from].text);
      if (!address) return line_error(line, "bad IPv4 address '" + tokens[from].text + "'");
      return RData(rdata::A{*address});
    }
    case RecordType::AAAA: {
      if (auto error = need(1)) return *error;
      auto address = ipv6_from_text(tokens[from].text);
      if (!address) return line_error(line, "bad IPv6 address '" + tokens[from].text + "'");
      return RData(rdata::AAAA{*address});
    }
    case RecordType::NS:
    case RecordType::CNAME:
    case RecordType::PTR: {
      if (auto error = need(1)) return *error;
      auto name = name_at(0);
      if (!name) return name.error();
      if (type == RecordType::NS) return RData(rdata::NS{std::move(name).value()});
      if (type == RecordType::CNAME) return RData(rdata::CNAME{std::move(name).value()});
      return RData(rdata::PTR{std::move(name).value()});
    }
    case RecordType::MX: {
      if (auto error = need(2)) return *error;
      auto preference = parse_ttl(tokens[from].text);
      if (!preference || *preference > 65535 || !std::isdigit(static_cast<unsigned char>(tokens[from].text.back())))
        return line_error(line, "bad MX preference '" + tokens[from].text + "'");
      auto exchange = name_at(1);
      if (!exchange) return exchange.error();
      return RData(rdata::MX{static_cast<std::uint16_t>(*preference), std::move(exchange).value()});
    }
    case RecordType::SOA: {
      if (auto error = need(7)) return *error;
      auto primary = name_at(0);
      if (!primary) return primary.error();
      auto mailbox = name_at(1);
      if (!mailbox) return mailbox.error();
      rdata::SOA soa{std::move(primary).value(), std::move(mailbox).value()};
      std::uint32_t* fields[] = {&soa.serial, &soa.refresh, &soa.retry, &soa.expire, &soa.minimum};
      for (int index = 0; index < 5; ++index) {
        auto value = parse_ttl(tokens[from + 2 + static_cast<std::size_t>(index)].text);
        if (!value) return line_error(line, "bad SOA number '" + tokens[from + 2 + static_cast<std::size_t>(index)].text + "'");
        *fields[index] = *value;
      }
      return RData(std::move(soa));
    }
    case RecordType::TXT: {
      if (count == 0) return line_error(line, "TXT needs at least one string");
      rdata::TXT txt;
      for (std::size_t index = from; index < tokens.size(); ++index) {
        std::string text = tokens[index].text;
        if (!tokens[index].quoted) {
          auto unescaped = unescape(text, line);
          if (!unescaped) return unescaped.error();
          text = std::move(unescaped).value();
        }
        if (text.size() > 255)
          return line_error(line, "TXT string of " + std::to_string(text.size()) + " octets is over 255");
        txt.strings.push_back(std::move(text));
      }
      return RData(std::move(txt));
    }
    default:
      return line_error(line, "type " + type_to_text(type) + " needs the generic form \\# length hex");
  }
}

}  // namespace

Result<Zone> Zone::parse(std::string_view text, const Name& initial_origin) {
  auto lines = tokenize(text);
  if (!lines) return lines.error();
  Name origin = initial_origin;
  std::uint32_t default_ttl = 3600;
  std::optional<Name> previous_owner;
  std::vector<std::pair<std::size_t, ResourceRecord>> records;

  for (const Line& line : lines.value()) {
    const auto& tokens = line.tokens;
    if (!line.owner_omitted && tokens[0].text == "$ORIGIN") {
      if (tokens.size() != 2) return line_error(line.number, "$ORIGIN needs one name");
      auto name = Name::from_text(tokens[1].text, origin);
      if (!name) return line_error(line.number, name.error().message);
      origin = std::move(name).value();
      continue;
    }
    if (!line.owner_omitted && tokens[0].text == "$TTL") {
      auto ttl = tokens.size() == 2 ? parse_ttl(tokens[1].text) : std::nullopt;
      if (!ttl) return line_error(line.number, "$TTL needs one number of seconds");
      default_ttl = *ttl;
      continue;
    }
    if (!line.owner_omitted && !tokens[0].quoted && tokens[0].text.starts_with("$"))
      return line_error(line.number, "unsupported directive " + tokens[0].text);

    std::size_t index = 0;
    Name owner;
    if (line.owner_omitted) {
      if (!previous_owner) return line_error(line.number, "record without an owner name");
      owner = *previous_owner;
    } else {
      auto name = Name::from_text(tokens[index++].text, origin);
      if (!name) return line_error(line.number, name.error().message);
      owner = std::move(name).value();
    }
    previous_owner = owner;
    std::uint32_t ttl = default_ttl;
    for (int field = 0; field < 2 && index < tokens.size(); ++field) {
      if (auto value = parse_ttl(tokens[index].text)) {
        ttl = *value;
        ++index;
      } else if (auto record_class = class_from_text(tokens[index].text)) {
        if (*record_class != RecordClass::IN) return line_error(line.number, "only class IN is supported");
        ++index;
      }
    }
    if (index >= tokens.size()) return line_error(line.number, "missing record type");
    auto type = type_from_text(tokens[index].text);
    if (!type) return line_error(line.number, "unknown record type '" + tokens[index].text + "'");
    auto data = parse_rdata(*type, tokens, index + 1, origin, line.number);
    if (!data) return data.error();
    ResourceRecord record{owner, *type, RecordClass::IN, ttl, std::move(data).value()};
    records.emplace_back(line.number, std::move(record));
  }

  auto soa = std::find_if(records.begin(), records.end(),
                          [](const auto& entry) { return entry.second.type == RecordType::SOA; });
  if (soa == records.end()) return make_error("zone has no SOA record", 0);
  Zone zone(soa->second);
  for (auto& [number, record] : records)
    if (auto error = zone.add(std::move(record))) return line_error(number, error->message);
  return zone;
}

}  // namespace maillab::dns
