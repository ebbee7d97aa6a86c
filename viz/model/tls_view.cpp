#include "viz/model/tls_view.h"

#include <algorithm>

#include "viz/model/style.h"

namespace maillab::viz {

using engine::TraceKind;
using engine::TraceRecord;

namespace {

struct PayloadSpan {
  std::size_t offset = 0, length = 0;
};

// Where the transport payload of an IPv4 packet is (RFC 791 header, then RFC 9293 §3.1 TCP or
// RFC 768 UDP); nothing when the bytes are too short to say.
PayloadSpan payload_span(const engine::TracePayload& b) {
  if (b.size() < 20 || (b[0] >> 4) != 4) return {};
  const std::size_t header = std::size_t(b[0] & 0xf) * 4;
  const std::size_t total = std::min<std::size_t>((std::size_t(b[2]) << 8) | b[3], b.size());
  std::size_t at = header;
  if (b[9] == 6) {
    if (total < at + 20) return {};
    at += std::size_t(b[at + 12] >> 4) * 4;
  } else if (b[9] == 17) {
    at += 8;
  } else {
    return {};
  }
  if (at >= total) return {};
  return {at, total - at};
}

bool starts_with(std::string_view text, std::string_view prefix) { return text.substr(0, prefix.size()) == prefix; }

// "ClientHello, ChangeCipherSpec, Finished" -> its names.
std::vector<std::string> split_names(std::string_view list) {
  std::vector<std::string> names;
  while (!list.empty()) {
    const std::size_t comma = list.find(", ");
    names.emplace_back(list.substr(0, comma));
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 2);
  }
  return names;
}

// Handshake messages (RFC 8446 §4, RFC 5246 §7.4) as tls::handshake_message_name spells them.
bool is_handshake_message(std::string_view name) {
  static constexpr std::string_view names[] = {
      "ClientHello",       "ServerHello",       "NewSessionTicket",  "EndOfEarlyData",  "EncryptedExtensions",
      "Certificate",       "ServerKeyExchange", "CertificateRequest", "ServerHelloDone", "CertificateVerify",
      "ClientKeyExchange", "Finished",          "KeyUpdate",         "handshake message"};
  return std::find(std::begin(names), std::end(names), name) != std::end(names);
}

}  // namespace

std::string_view to_string(Padlock padlock) {
  switch (padlock) {
    case Padlock::none: return "none";
    case Padlock::open: return "open";
    case Padlock::closed: return "closed";
  }
  return "none";
}

bool labelled_tls(const TraceRecord& record) { return starts_with(record.summary, "TLS "); }

std::size_t application_bytes(const TraceRecord& record) { return payload_span(record.payload).length; }

std::string application_payload(const TraceRecord& record) {
  const PayloadSpan span = payload_span(record.payload);
  if (span.length == 0) return {};
  const auto from = record.payload.begin() + static_cast<std::ptrdiff_t>(span.offset);
  return std::string(from, from + static_cast<std::ptrdiff_t>(span.length));
}

void TlsConnectionIndex::reset() {
  first_tls_record_.clear();
  established_.clear();
  consumed_ = 0;
}

void TlsConnectionIndex::add(const TraceRecord& record, std::size_t index) {
  if (record.connection == 0) return;
  const bool tls_record = record.kind == TraceKind::transport && record.protocol == "TLS";
  const bool begins_tls = (record.kind == TraceKind::hop && labelled_tls(record)) || tls_record;
  if (begins_tls) first_tls_record_.try_emplace(record.connection, index);
  static constexpr std::string_view established_prefix = "TLS established: ";
  if (tls_record && record.summary.rfind(established_prefix, 0) == 0) {
    established_.try_emplace(record.connection, record.summary.substr(established_prefix.size()));
  }
}

std::string TlsConnectionIndex::established(std::uint64_t connection) const {
  const auto it = established_.find(connection);
  return it == established_.end() ? std::string() : it->second;
}

bool TlsConnectionIndex::tls_before(std::uint64_t connection, std::size_t index) const {
  auto it = first_tls_record_.find(connection);
  return it != first_tls_record_.end() && it->second < index;
}

Padlock padlock_of(const TraceRecord& record, std::size_t index, const TlsConnectionIndex& tls) {
  if (record.kind != TraceKind::hop && record.kind != TraceKind::drop) return Padlock::none;
  if (labelled_tls(record)) return Padlock::closed;
  if (application_bytes(record) == 0) return Padlock::none;  // SYN, ACK, FIN: no mail bytes to read
  if (record.connection != 0 && tls.tls_before(record.connection, index)) return Padlock::closed;
  switch (categorize_protocol(record.protocol)) {
    case PacketCategory::smtp:
    case PacketCategory::pop3:
    case PacketCategory::imap: return Padlock::open;
    default: return Padlock::none;
  }
}

std::string hop_caption(const TraceRecord& record, bool short_form) {
  std::string_view summary = record.summary;
  std::string_view suffix;  // " (data, 314 bytes)"
  if (const std::size_t open = summary.rfind(" ("); open != std::string_view::npos && summary.back() == ')') {
    suffix = summary.substr(open);
    summary = summary.substr(0, open);
  }
  std::string caption;
  if (labelled_tls(record)) {
    const std::vector<std::string> names = split_names(summary.substr(4));
    const bool handshake = std::any_of(names.begin(), names.end(), is_handshake_message);
    if (handshake) {
      caption = "TLS handshake: ";
      if (short_form && names.size() > 2) {
        caption += names.front() + " ... " + names.back();
      } else {
        caption += summary.substr(4);
      }
    }
  }
  if (caption.empty()) caption = std::string(summary);
  if (!short_form) caption += suffix;
  return caption;
}

std::string_view content_type_name(std::uint8_t content_type) {
  switch (content_type) {  // RFC 8446 §5.1 ContentType
    case 20: return "change_cipher_spec";
    case 21: return "alert";
    case 22: return "handshake";
    case 23: return "application_data";
    default: return "unknown";
  }
}

std::vector<TlsRecordHeader> tls_record_headers(std::string_view application) {
  std::vector<TlsRecordHeader> headers;
  std::size_t at = 0;
  while (at + 5 <= application.size()) {
    const auto byte = [&](std::size_t i) { return std::uint8_t(application[at + i]); };
    TlsRecordHeader header;
    header.offset = at;
    header.content_type = byte(0);
    header.version = std::uint16_t((byte(1) << 8) | byte(2));
    header.length = std::uint16_t((byte(3) << 8) | byte(4));
    // RFC 8446 §5.1: records are at most 2^14 + 256 bytes; versions are 0x0301..0x0303.
    if (header.content_type < 20 || header.content_type > 23 || byte(1) != 3 || header.length > 16384 + 256) break;
    header.complete = at + 5 + header.length <= application.size();
    headers.push_back(header);
    at += 5 + std::size_t(header.length);
  }
  return headers;
}

std::string client_hello_server_name(std::string_view application) {
  // A reader that refuses to run past the end: every read checks, a short message gives "".
  std::size_t at = 0;
  bool ok = true;
  auto take = [&](std::size_t count) -> std::string_view {
    if (!ok || at + count > application.size()) {
      ok = false;
      return {};
    }
    const std::string_view out = application.substr(at, count);
    at += count;
    return out;
  };
  auto number = [&](std::size_t bytes) {
    std::size_t value = 0;
    for (const char c : take(bytes)) value = (value << 8) | std::uint8_t(c);
    return value;
  };
  if (number(1) != 22) return {};  // a handshake record (RFC 8446 §5.1)
  take(4);                         // legacy_record_version, length
  if (number(1) != 1) return {};   // HandshakeType client_hello
  take(3 + 2 + 32);                // length, legacy_version, random
  take(number(1));                 // legacy_session_id
  take(number(2));                 // cipher_suites
  take(number(1));                 // legacy_compression_methods
  const std::size_t extensions_end = number(2) + at;
  while (ok && at + 4 <= extensions_end) {
    const std::size_t type = number(2), length = number(2);
    if (type != 0) {  // server_name
      take(length);
      continue;
    }
    take(2);  // ServerNameList length
    if (number(1) != 0) return {};  // host_name
    const std::string_view name = take(number(2));
    return ok ? std::string(name) : std::string();
  }
  return {};
}

}  // namespace maillab::viz
