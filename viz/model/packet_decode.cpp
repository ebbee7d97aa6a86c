#include "viz/model/packet_decode.h"

#include <algorithm>
#include <cstdio>

namespace maillab::viz {

namespace {

std::uint16_t read16(const std::vector<std::uint8_t>& b, std::size_t at) {
  return std::uint16_t((b[at] << 8) | b[at + 1]);
}
std::uint32_t read32(const std::vector<std::uint8_t>& b, std::size_t at) {
  return (std::uint32_t(b[at]) << 24) | (std::uint32_t(b[at + 1]) << 16) | (std::uint32_t(b[at + 2]) << 8) | b[at + 3];
}
std::string dotted(const std::vector<std::uint8_t>& b, std::size_t at) {
  char text[20];
  std::snprintf(text, sizeof text, "%u.%u.%u.%u", b[at], b[at + 1], b[at + 2], b[at + 3]);
  return text;
}
std::string hex16(std::uint16_t value) {
  char text[8];
  std::snprintf(text, sizeof text, "0x%04x", value);
  return text;
}

std::string dns_type_name(std::uint16_t type) {
  switch (type) {
    case 1: return "A";
    case 2: return "NS";
    case 5: return "CNAME";
    case 6: return "SOA";
    case 12: return "PTR";
    case 15: return "MX";
    case 16: return "TXT";
    case 28: return "AAAA";
    default: return "TYPE" + std::to_string(type);
  }
}

std::string dns_rcode_name(unsigned rcode) {
  switch (rcode) {
    case 0: return "NOERROR";
    case 1: return "FORMERR";
    case 2: return "SERVFAIL";
    case 3: return "NXDOMAIN";
    case 4: return "NOTIMP";
    case 5: return "REFUSED";
    default: return std::to_string(rcode);
  }
}

// RFC 1035 §4.1.1 header and §4.1.2 first question; names in questions are not compressed.
void decode_dns(const std::vector<std::uint8_t>& b, std::size_t at, std::size_t end, DecodedPacket& out) {
  if (end - at < 12) {
    out.problem = "DNS message shorter than its 12-byte header";
    return;
  }
  const std::uint16_t flags = read16(b, at + 2);
  out.fields.push_back({"DNS", "id", hex16(read16(b, at))});
  std::string flag_text = (flags & 0x8000) ? "response" : "query";
  if (flags & 0x0400) flag_text += " AA";
  if (flags & 0x0200) flag_text += " TC";
  if (flags & 0x0100) flag_text += " RD";
  if (flags & 0x0080) flag_text += " RA";
  out.fields.push_back({"DNS", "flags", flag_text});
  out.fields.push_back({"DNS", "rcode", dns_rcode_name(flags & 0xf)});
  out.fields.push_back({"DNS", "counts", "QD " + std::to_string(read16(b, at + 4)) + ", AN " +
                                             std::to_string(read16(b, at + 6)) + ", NS " +
                                             std::to_string(read16(b, at + 8)) + ", AR " +
                                             std::to_string(read16(b, at + 10))});
  if (read16(b, at + 4) == 0) return;
  std::size_t p = at + 12;
  std::string name;
  while (p < end && b[p] != 0) {
    const std::size_t label = b[p];
    if (label > 63 || p + 1 + label > end) {
      out.problem = "DNS question name is malformed";
      return;
    }
    if (!name.empty()) name += '.';
    name.append(reinterpret_cast<const char*>(&b[p + 1]), label);
    p += 1 + label;
  }
  if (p + 5 > end) {
    out.problem = "DNS question is truncated";
    return;
  }
  out.fields.push_back({"DNS", "question", (name.empty() ? "." : name) + " " + dns_type_name(read16(b, p + 1))});
}

bool looks_like_text(const std::vector<std::uint8_t>& b, std::size_t at, std::size_t end) {
  if (at >= end) return false;
  for (std::size_t i = at; i < end; ++i) {
    const std::uint8_t c = b[i];
    if (c < 0x20 && c != '\r' && c != '\n' && c != '\t') return false;
    if (c == 0x7f) return false;
  }
  return true;
}

}  // namespace

std::string tcp_flag_names(std::uint8_t flags) {
  static constexpr const char* names[8] = {"FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR"};
  std::string out;
  for (int bit = 0; bit < 8; ++bit) {
    if (flags & (1 << bit)) {
      if (!out.empty()) out += ' ';
      out += names[bit];
    }
  }
  return out;
}

DecodedPacket decode_ipv4_packet(const std::vector<std::uint8_t>& b) {
  DecodedPacket out;
  if (b.size() < 20) {
    out.problem = b.empty() ? "no packet bytes in this record" : "shorter than an IPv4 header (20 bytes)";
    return out;
  }
  const unsigned version = b[0] >> 4;
  const std::size_t header_length = std::size_t(b[0] & 0xf) * 4;
  if (version != 4 || header_length < 20 || header_length > b.size()) {
    out.problem = "not an IPv4 packet (version " + std::to_string(version) + ")";
    return out;
  }
  const std::size_t total = std::min<std::size_t>(read16(b, 2), b.size());
  const unsigned protocol = b[9];
  out.fields.push_back({"IPv4", "source", dotted(b, 12)});
  out.fields.push_back({"IPv4", "destination", dotted(b, 16)});
  out.fields.push_back({"IPv4", "total length", std::to_string(read16(b, 2))});
  out.fields.push_back({"IPv4", "identification", hex16(read16(b, 4))});
  out.fields.push_back({"IPv4", "TTL", std::to_string(b[8])});
  out.fields.push_back({"IPv4", "protocol", protocol == 6 ? "6 (TCP)" : protocol == 17 ? "17 (UDP)"
                                                                                       : std::to_string(protocol)});
  out.fields.push_back({"IPv4", "header checksum", hex16(read16(b, 10))});
  if (read16(b, 2) > b.size()) out.problem = "total length is larger than the bytes recorded";

  std::size_t at = header_length;
  if (protocol == 6) {
    if (total < at + 20) {
      out.problem = "TCP header is truncated";
      return out;
    }
    const std::size_t data_offset = std::size_t(b[at + 12] >> 4) * 4;
    out.fields.push_back({"TCP", "source port", std::to_string(read16(b, at))});
    out.fields.push_back({"TCP", "destination port", std::to_string(read16(b, at + 2))});
    out.fields.push_back({"TCP", "sequence", std::to_string(read32(b, at + 4))});
    out.fields.push_back({"TCP", "acknowledgment", std::to_string(read32(b, at + 8))});
    out.fields.push_back({"TCP", "flags", tcp_flag_names(b[at + 13])});
    out.fields.push_back({"TCP", "window", std::to_string(read16(b, at + 14))});
    if (data_offset < 20 || at + data_offset > total) {
      out.problem = "TCP data offset is out of range";
      return out;
    }
    at += data_offset;
  } else if (protocol == 17) {
    if (total < at + 8) {
      out.problem = "UDP header is truncated";
      return out;
    }
    const std::uint16_t source_port = read16(b, at), destination_port = read16(b, at + 2);
    out.fields.push_back({"UDP", "source port", std::to_string(source_port)});
    out.fields.push_back({"UDP", "destination port", std::to_string(destination_port)});
    out.fields.push_back({"UDP", "length", std::to_string(read16(b, at + 4))});
    at += 8;
    if (source_port == 53 || destination_port == 53) decode_dns(b, at, total, out);
  }
  out.application_offset = at;
  out.application_length = total > at ? total - at : 0;
  if (looks_like_text(b, at, total)) {
    for (std::size_t i = at; i < total; ++i) {
      const char c = char(b[i]);
      if (c == '\r') {
        out.application_text += "\\r";
      } else {
        out.application_text += c;
      }
    }
  }
  return out;
}

std::vector<std::string> hex_dump(const std::vector<std::uint8_t>& bytes, std::size_t max_bytes, std::size_t per_line) {
  per_line = std::max<std::size_t>(1, per_line);
  std::vector<std::string> lines;
  const std::size_t shown = std::min(bytes.size(), max_bytes);
  for (std::size_t row = 0; row < shown; row += per_line) {
    char offset[32];
    std::snprintf(offset, sizeof offset, "%04zx  ", row);
    std::string line = offset;
    std::string ascii;
    for (std::size_t i = 0; i < per_line; ++i) {
      if (i == 8 && per_line > 8) line += ' ';
      if (row + i < shown) {
        char cell[4];
        std::snprintf(cell, sizeof cell, "%02x ", bytes[row + i]);
        line += cell;
        const std::uint8_t c = bytes[row + i];
        ascii += (c >= 0x20 && c < 0x7f) ? char(c) : '.';
      } else {
        line += "   ";
      }
    }
    line += " |" + ascii + "|";
    lines.push_back(std::move(line));
  }
  return lines;
}

}  // namespace maillab::viz
