#include "viz/model/tls_inspection.h"

#include <algorithm>

#include "engine/hosts/mailbox/mailbox_service.h"  // epoch_seconds: the simulated calendar
#include "engine/hosts/tls/tls_observations.h"
#include "viz/model/packet_decode.h"

namespace maillab::viz {

using engine::TlsEndObservation;
using engine::TraceKind;
using engine::TraceRecord;

namespace {

std::string days(std::int64_t seconds) {
  const std::int64_t count = seconds / 86400;
  if (count < 1) return std::to_string(seconds / 3600) + " hours";
  return std::to_string(count) + (count == 1 ? " day" : " days");
}

// `now`: Unix seconds of the simulated calendar at the moment inspected.
CertificateView view_of(const tls::Certificate& certificate, std::int64_t now) {
  CertificateView view;
  if (now > certificate.not_after()) view.validity_problem = "expired " + days(now - certificate.not_after()) + " ago";
  if (now < certificate.not_before()) {
    view.validity_problem = "not valid yet: it starts in " + days(certificate.not_before() - now);
  }
  view.subject = "CN=" + certificate.subject_common_name();
  view.issuer = "CN=" + certificate.issuer_common_name();
  view.valid_from = tls::format_utc(certificate.not_before());
  view.valid_until = tls::format_utc(certificate.not_after());
  view.names = certificate.dns_names();
  view.self_signed = view.subject == view.issuer;
  return view;
}

// Leaf first; every certificate after the first is the authority that signed the one before.
std::vector<CertificateView> chain_view(const std::vector<tls::Certificate>& chain, std::int64_t now) {
  std::vector<CertificateView> out;
  for (const auto& certificate : chain) out.push_back(view_of(certificate, now));
  for (std::size_t i = 1; i < out.size(); ++i) out[i].authority = true;
  return out;
}

std::string printable(const std::string& bytes) {
  std::string out;
  for (const char c : bytes) {
    if (c == '\r') {
      out += "\\r";
    } else if (c == '\n' || c == '\t' || (static_cast<unsigned char>(c) >= 0x20 && c != 0x7f)) {
      out += c;
    } else {
      out += '.';
    }
  }
  return out;
}

// A password on the wire is the lesson of an open padlock (RFC 4954 §4: AUTH PLAIN is base64,
// not encryption; RFC 1939 §7 PASS; RFC 3501 §6.2.3 LOGIN).
bool carries_password(const std::string& text) {
  for (const char* command : {"AUTH ", "PASS ", "LOGIN "}) {
    if (text.find(command) != std::string::npos) return true;
  }
  return false;
}

void describe_handshake(const TlsEndObservation* client, const TlsEndObservation* server, std::int64_t now,
                        TlsInspection& out) {
  const TlsEndObservation* any = client ? client : server;
  if (any && any->handshake) out.established = tls::describe_protocol_and_cipher(*any->handshake);
  if (client) out.server_name = client->server_name;
  if (out.server_name.empty() && server) out.server_name = server->server_name;
  // The server's own record has the whole chain it sent; the client's keeps the leaf it checked.
  if (server && !server->chain.empty()) {
    out.chain = chain_view(server->chain, now);
  } else if (client) {
    out.chain = chain_view(client->chain, now);
  }
  if (!client) {
    out.verdict = "checked by the client (not recorded here)";
    return;
  }
  if (!client->failure.empty()) {
    out.verdict = "handshake refused by the client: " + client->failure;
  } else if (client->verify_failure) {
    out.verdict = "NOT verified: " + client->verify_failure->reason +
                  (client->require_verified_peer ? "" : " (opportunistic TLS: the client went on, encrypted but not sure who it talks to)");
  } else if (client->handshake) {
    out.verified = true;
    out.verdict = "verified: the certificate names " + (out.server_name.empty() ? std::string("the server") : out.server_name) +
                  ", is in its validity period, and chains to " +
                  (out.chain.empty() ? std::string("a CA") : out.chain.back().issuer) + ", which the client trusts";
  } else {
    out.verdict = "handshake not finished";
  }
}

void describe_bytes(const TraceRecord& record, const std::vector<const TlsEndObservation*>& ends,
                    engine::TlsObservations const& observations, TlsInspection& out) {
  const std::string segment = application_payload(record);
  if (segment.empty()) return;
  out.records = tls_record_headers(segment);
  out.server_name_in_clear = client_hello_server_name(segment);
  out.ciphertext = hex_dump(std::vector<std::uint8_t>(segment.begin(), segment.end()), 65536, 8);
  for (const TlsEndObservation* end : ends) {
    const auto writes = observations.writes_in_segment(record.connection, end->host, segment);
    if (writes.empty()) continue;
    std::string plaintext, labels;
    std::size_t whole = 0;
    for (const auto* write : writes) {
      plaintext += write->plaintext;
      labels += (labels.empty() ? "" : ", ") + write->label;
      whole += write->length;
    }
    out.plaintext = printable(plaintext);
    if (plaintext.empty()) {
      out.inside_note = "no application data inside: these records carry " + labels;
      const bool disguised = std::any_of(out.records.begin(), out.records.end(),
                                         [](const TlsRecordHeader& header) { return header.content_type == 23; });
      if (disguised && labels.find("Certificate") != std::string::npos) {
        out.inside_note += ". TLS 1.3 encrypts the handshake after the ServerHello and marks those records "
                           "application_data (RFC 8446 §5.2): the link does not see the certificate";
      }
    } else if (whole > segment.size()) {
      out.inside_note = "this segment is part of a TLS write of " + std::to_string(whole) +
                        " bytes; the plaintext shown is the whole write";
    }
    return;
  }
  out.inside_note = "the lab has no record of these bytes";
}

}  // namespace

HostTlsView inspect_host_tls(const engine::TlsObservations& observations, const std::string& host, engine::Time now,
                             std::size_t most) {
  const std::int64_t calendar = engine::epoch_seconds(now);
  HostTlsView view;
  const auto ends = observations.ends_on_host(host);
  for (std::size_t i = ends.size() > most ? ends.size() - most : 0; i < ends.size(); ++i) {
    const TlsEndObservation* end = ends[i];
    const TlsEndObservation* client = nullptr;
    const TlsEndObservation* server = nullptr;
    for (const auto* either : observations.ends(end->connection)) (either->role == tls::Role::client ? client : server) = either;
    TlsInspection connection;
    describe_handshake(client, server, calendar, connection);
    HostTlsConnection row;
    row.connection = end->connection;
    row.peer = end->peer;
    row.client = end->role == tls::Role::client;
    row.outcome = !end->failure.empty() ? "failed: " + end->failure
                  : end->handshake     ? tls::describe_protocol_and_cipher(*end->handshake)
                                       : "handshake not finished";
    row.verdict = connection.verdict;
    row.verified = connection.verified;
    view.connections.push_back(std::move(row));
    if (end->role == tls::Role::server && !end->chain.empty()) view.presented = chain_view(end->chain, calendar);
  }
  return view;
}

TlsInspection inspect_tls(const TraceRecord& record, std::size_t index, const TlsConnectionIndex& tls,
                          const engine::TlsObservations* observations) {
  TlsInspection out;
  out.padlock = padlock_of(record, index, tls);
  if (out.padlock == Padlock::open) {
    const std::string text = application_payload(record);
    out.clear_text = printable(text);
    out.password_in_clear = carries_password(text);
    return out;
  }
  const bool tls_record = record.kind == TraceKind::transport && record.protocol == "TLS";
  if (record.connection == 0 || (out.padlock != Padlock::closed && !tls_record)) return out;
  const auto ends = observations ? observations->ends(record.connection) : std::vector<const TlsEndObservation*>{};
  if (ends.empty()) {
    // What the trace itself says, for a world that kept no observations.
    out.established = tls.established(record.connection);
    return out;
  }
  out.observed = true;
  const TlsEndObservation* client = nullptr;
  const TlsEndObservation* server = nullptr;
  for (const auto* end : ends) (end->role == tls::Role::client ? client : server) = end;
  if (client) out.client = client->host;
  if (server) out.server = server->host;
  describe_handshake(client, server, engine::epoch_seconds(record.time), out);
  if (record.kind == TraceKind::hop || record.kind == TraceKind::drop) describe_bytes(record, ends, *observations, out);
  return out;
}

}  // namespace maillab::viz
