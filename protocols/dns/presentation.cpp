#include "protocols/dns/presentation.h"

#include <cstdio>
#include <vector>

#include "protocols/common/ip_text.h"

namespace maillab::dns {

namespace {

std::string hex_octets(const std::vector<std::uint8_t>& octets) {
  static const char digits[] = "0123456789abcdef";
  std::string text;
  for (auto octet : octets) {
    text += digits[octet >> 4];
    text += digits[octet & 0x0F];
  }
  return text;
}

// `short_names` drops trailing dots, for summaries.
std::string rdata_text(const RData& data, bool short_names) {
  auto name = [short_names](const Name& value) { return short_names ? value.to_short_text() : value.to_text(); };
  struct Visitor {
    decltype(name)& name_text;
    std::string operator()(const rdata::A& a) const { return ipv4_to_text(a.address); }
    std::string operator()(const rdata::AAAA& aaaa) const { return ipv6_to_text(aaaa.address); }
    std::string operator()(const rdata::NS& ns) const { return name_text(ns.host); }
    std::string operator()(const rdata::CNAME& cname) const { return name_text(cname.target); }
    std::string operator()(const rdata::PTR& ptr) const { return name_text(ptr.target); }
    std::string operator()(const rdata::SOA& soa) const {
      return name_text(soa.primary_server) + " " + name_text(soa.responsible_mailbox) + " " +
             std::to_string(soa.serial) + " " + std::to_string(soa.refresh) + " " + std::to_string(soa.retry) +
             " " + std::to_string(soa.expire) + " " + std::to_string(soa.minimum);
    }
    std::string operator()(const rdata::MX& mx) const {
      return std::to_string(mx.preference) + " " + name_text(mx.exchange);
    }
    std::string operator()(const rdata::TXT& txt) const {
      std::string text;
      for (const auto& piece : txt.strings) {
        if (!text.empty()) text += ' ';
        text += quote_character_string(piece);
      }
      return text.empty() ? "\"\"" : text;
    }
    std::string operator()(const rdata::Unknown& unknown) const {
      std::string text = "\\# " + std::to_string(unknown.octets.size());
      if (!unknown.octets.empty()) text += " " + hex_octets(unknown.octets);
      return text;
    }
  };
  return std::visit(Visitor{name}, data);
}

std::string flags_text(const Header& header) {
  std::string text;
  auto add = [&text](bool set, const char* flag) {
    if (!set) return;
    if (!text.empty()) text += ' ';
    text += flag;
  };
  add(header.is_response, "qr");
  add(header.authoritative, "aa");
  add(header.truncated, "tc");
  add(header.recursion_desired, "rd");
  add(header.recursion_available, "ra");
  add(header.authentic_data, "ad");
  add(header.checking_disabled, "cd");
  return text;
}

const ResourceRecord* find_soa(const std::vector<ResourceRecord>& records) {
  for (const auto& record : records)
    if (record.type == RecordType::SOA) return &record;
  return nullptr;
}

std::string soa_suffix(const Message& message) {
  const ResourceRecord* soa = find_soa(message.authorities);
  return soa ? " (SOA " + soa->name.to_text() + ")" : std::string();
}

}  // namespace

std::string quote_character_string(std::string_view text) {
  std::string quoted = "\"";
  for (char character : text) {
    auto octet = static_cast<unsigned char>(character);
    if (character == '"' || character == '\\') {
      quoted += '\\';
      quoted += character;
    } else if (octet < 0x20 || octet >= 0x7F) {
      char escape[6];
      std::snprintf(escape, sizeof escape, "\\%03u", static_cast<unsigned>(octet));
      quoted += escape;
    } else {
      quoted += character;
    }
  }
  return quoted + "\"";
}

std::string format_rdata(const RData& data) { return rdata_text(data, false); }
std::string summarize_rdata(const RData& data) { return rdata_text(data, true); }

std::string format_record(const ResourceRecord& record) {
  return record.name.to_text() + " " + std::to_string(record.ttl) + " " + class_to_text(record.record_class) + " " +
         type_to_text(record.type) + " " + format_rdata(record.data);
}

std::string format_message(const Message& message) {
  const Header& header = message.header;
  std::string text = ";; ->>HEADER<<- opcode: " + opcode_to_text(header.opcode) +
                     ", status: " + rcode_to_text(header.rcode) + ", id: " + std::to_string(header.id) + "\n";
  text += ";; flags: " + flags_text(header) + "; QUERY: " + std::to_string(message.questions.size()) +
          ", ANSWER: " + std::to_string(message.answers.size()) +
          ", AUTHORITY: " + std::to_string(message.authorities.size()) +
          ", ADDITIONAL: " + std::to_string(message.additionals.size() + (message.edns ? 1 : 0)) + "\n";
  if (message.edns) {  // as dig shows it
    text += "\n;; OPT PSEUDOSECTION:\n; EDNS: version: " + std::to_string(message.edns->version) +
            ", flags:" + (message.edns->dnssec_ok ? " do" : "") + "; udp: " +
            std::to_string(message.edns->udp_payload_size) + "\n";
  }
  text += "\n;; QUESTION SECTION:\n";
  for (const auto& question : message.questions)
    text += ";" + question.name.to_text() + " " + class_to_text(question.question_class) + " " +
            type_to_text(question.type) + "\n";
  auto section = [&text](const char* title, const std::vector<ResourceRecord>& records) {
    if (records.empty()) return;
    text += std::string("\n;; ") + title + " SECTION:\n";
    for (const auto& record : records) text += format_record(record) + "\n";
  };
  section("ANSWER", message.answers);
  section("AUTHORITY", message.authorities);
  section("ADDITIONAL", message.additionals);
  return text;
}

std::string summarize_message(const Message& message) {
  const Header& header = message.header;
  std::string question_text;
  if (!message.questions.empty())
    question_text = type_to_text(message.questions.front().type) + " " + message.questions.front().name.to_short_text();
  if (!header.is_response) {
    std::string text = "Q ";
    if (header.opcode != Opcode::QUERY) text += opcode_to_text(header.opcode) + " ";
    return text + (question_text.empty() ? "(no question)" : question_text);
  }
  std::string truncated = header.truncated ? " (truncated)" : "";
  if (header.rcode == Rcode::NXDOMAIN) {
    std::string name = message.questions.empty() ? "" : " " + message.questions.front().name.to_short_text();
    // RFC 6604: with a CNAME chain the NXDOMAIN is about the last name; show the chain too.
    std::string chain;
    for (const auto& record : message.answers)
      if (const auto* cname = std::get_if<rdata::CNAME>(&record.data))
        chain += " -> " + cname->target.to_short_text();
    return "R NXDOMAIN" + name + chain + soa_suffix(message) + truncated;
  }
  if (header.rcode != Rcode::NOERROR) return "R " + rcode_to_text(header.rcode) + truncated;
  // Cut to the header and question (RFC 1035 §4.2.1): not "no data", just "too big for UDP".
  if (header.truncated && message.answers.empty() && message.authorities.empty())
    return "R TRUNCATED " + question_text + " (TC: too big for UDP)";

  if (!message.answers.empty()) {
    std::string text = "R ";
    const ResourceRecord* group = nullptr;
    for (const auto& record : message.answers) {
      if (record.type == RecordType::CNAME) {
        if (group) text += "; ";
        text += "CNAME " + record.name.to_short_text() + " -> " + summarize_rdata(record.data);
        group = &record;
        continue;
      }
      if (group && group->type == record.type && group->name == record.name) {
        text += ", " + summarize_rdata(record.data);
      } else {
        if (group) text += "; ";
        text += type_to_text(record.type) + " " + summarize_rdata(record.data);
      }
      group = &record;
    }
    return text + truncated;
  }
  if (find_soa(message.authorities) || message.authorities.empty())
    return "R NODATA " + question_text + soa_suffix(message) + truncated;

  // A referral: NS records for a zone closer to the answer (RFC 1034 §4.3.2 step 3b).
  std::string zone;
  std::vector<std::string> servers;
  for (const auto& record : message.authorities) {
    if (record.type != RecordType::NS) continue;
    if (zone.empty()) zone = record.name.to_text();
    servers.push_back(summarize_rdata(record.data));
  }
  if (servers.empty()) return "R NODATA " + question_text + truncated;
  std::string text = "R referral " + zone + " NS ";
  const std::size_t shown = 3;
  for (std::size_t index = 0; index < servers.size() && index < shown; ++index)
    text += (index ? ", " : "") + servers[index];
  if (servers.size() > shown) text += ", +" + std::to_string(servers.size() - shown) + " more";
  std::size_t glue = 0;
  for (const auto& record : message.additionals)
    if (record.type == RecordType::A || record.type == RecordType::AAAA) ++glue;
  if (glue) text += " (glue " + std::to_string(glue) + ")";
  return text + truncated;
}

std::string ipv6_to_text(const std::array<std::uint8_t, 16>& address) { return common::ipv6_to_text(address); }

std::optional<std::array<std::uint8_t, 16>> ipv6_from_text(std::string_view text) {
  auto parse_groups = [](std::string_view part, std::vector<unsigned>& groups) {
    if (part.empty()) return true;
    std::size_t start = 0;
    while (true) {
      std::size_t end = part.find(':', start);
      std::string_view group = part.substr(start, end == std::string_view::npos ? part.size() - start : end - start);
      if (group.empty() || group.size() > 4) return false;
      unsigned value = 0;
      for (char digit : group) {
        int nibble = (digit >= '0' && digit <= '9')   ? digit - '0'
                     : (digit >= 'a' && digit <= 'f') ? digit - 'a' + 10
                     : (digit >= 'A' && digit <= 'F') ? digit - 'A' + 10
                                                      : -1;
        if (nibble < 0) return false;
        value = value * 16 + static_cast<unsigned>(nibble);
      }
      groups.push_back(value);
      if (end == std::string_view::npos) return true;
      start = end + 1;
    }
  };
  std::vector<unsigned> head, tail;
  std::size_t gap = text.find("::");
  if (gap != std::string_view::npos) {
    if (text.find("::", gap + 1) != std::string_view::npos) return std::nullopt;
    if (!parse_groups(text.substr(0, gap), head) || !parse_groups(text.substr(gap + 2), tail)) return std::nullopt;
    if (head.size() + tail.size() > 7) return std::nullopt;
  } else {
    if (!parse_groups(text, head) || head.size() != 8) return std::nullopt;
  }
  std::array<std::uint8_t, 16> address{};
  auto put = [&address](std::size_t position, unsigned value) {
    address[2 * position] = static_cast<std::uint8_t>(value >> 8);
    address[2 * position + 1] = static_cast<std::uint8_t>(value & 0xFF);
  };
  for (std::size_t index = 0; index < head.size(); ++index) put(index, head[index]);
  for (std::size_t index = 0; index < tail.size(); ++index) put(8 - tail.size() + index, tail[index]);
  return address;
}

}  // namespace maillab::dns
