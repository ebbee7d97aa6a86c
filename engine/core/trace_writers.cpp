#include "engine/core/trace_writers.h"

#include <cstdio>

namespace maillab::engine {

std::string format_text(const TraceRecord& r) {
  std::string line;
  char head[64];
  std::snprintf(head, sizeof head, "%12s  %-9s  ", format_seconds(r.time).c_str(),
                std::string(to_string(r.kind)).c_str());
  line += head;
  line += r.node;
  if (!r.peer.empty()) {
    line += " -> ";
    line += r.peer;
  }
  line += "  ";
  if (!r.protocol.empty()) {
    line += r.protocol;
    line.append(r.protocol.size() < 5 ? 5 - r.protocol.size() : 0, ' ');
    line += ' ';
  }
  // One record, one line: control characters in a summary (an SMTP line's CRLF) are shown, not obeyed.
  for (unsigned char c : r.summary) {
    if (c == '\r')
      line += "\\r";
    else if (c == '\n')
      line += "\\n";
    else if (c < 0x20 || c == 0x7f)
      line += '.';
    else
      line += static_cast<char>(c);
  }
  return line;
}

std::string json_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  for (unsigned char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char buffer[8];
          std::snprintf(buffer, sizeof buffer, "\\u%04x", c);
          out += buffer;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out;
}

std::string format_jsonl(const TraceRecord& r) {
  static const char* hex = "0123456789abcdef";
  std::string out = "{\"t\":" + std::to_string(r.time) + ",\"seq\":" + std::to_string(r.sequence) +
                    ",\"kind\":\"" + std::string(to_string(r.kind)) + "\",\"node\":\"" + json_escape(r.node) +
                    "\",\"peer\":\"" + json_escape(r.peer) + "\",\"protocol\":\"" + json_escape(r.protocol) +
                    "\",\"summary\":\"" + json_escape(r.summary) + "\"";
  if (r.packet) out += ",\"packet\":" + std::to_string(r.packet);
  if (r.connection) out += ",\"connection\":" + std::to_string(r.connection);
  if (!r.message.empty()) out += ",\"message\":\"" + json_escape(r.message) + "\"";
  if (r.kind == TraceKind::hop) out += ",\"arrive\":" + std::to_string(r.arrive);
  if (!r.payload.empty()) {
    out += ",\"payload\":\"";
    for (auto b : r.payload) {
      out += hex[b >> 4];
      out += hex[b & 15];
    }
    out += '"';
  }
  out += '}';
  return out;
}

void TextTraceWriter::write(const TraceRecord& r) {
  if (r.kind == TraceKind::hop && !filter_.hops) return;
  if (r.kind == TraceKind::transport && !filter_.transport) return;
  out_ << format_text(r) << '\n';
}

namespace {
void put_u32(std::ostream& out, std::uint32_t v) {
  // pcap files are written little-endian; readers detect the order from the magic number.
  char b[4] = {static_cast<char>(v), static_cast<char>(v >> 8), static_cast<char>(v >> 16), static_cast<char>(v >> 24)};
  out.write(b, 4);
}
void put_u16(std::ostream& out, std::uint16_t v) {
  char b[2] = {static_cast<char>(v), static_cast<char>(v >> 8)};
  out.write(b, 2);
}
}  // namespace

PcapTraceWriter::PcapTraceWriter(std::ostream& out) : out_(out) {
  put_u32(out_, 0xa1b2c3d4);  // microsecond-resolution pcap
  put_u16(out_, 2);
  put_u16(out_, 4);
  put_u32(out_, 0);       // thiszone
  put_u32(out_, 0);       // sigfigs
  put_u32(out_, 65535);   // snaplen
  put_u32(out_, 101);     // LINKTYPE_RAW: packets begin with the IP header
}

void PcapTraceWriter::write(const TraceRecord& r) {
  if (r.kind != TraceKind::hop || r.payload.empty()) return;
  if (!written_packets_.insert(r.packet).second) return;
  put_u32(out_, static_cast<std::uint32_t>(r.time / 1000000));
  put_u32(out_, static_cast<std::uint32_t>(r.time % 1000000));
  put_u32(out_, static_cast<std::uint32_t>(r.payload.size()));
  put_u32(out_, static_cast<std::uint32_t>(r.payload.size()));
  for (const auto piece : {r.payload.pieces().first, r.payload.pieces().second})
    out_.write(reinterpret_cast<const char*>(piece.data()), static_cast<std::streamsize>(piece.size()));
}

}  // namespace maillab::engine
