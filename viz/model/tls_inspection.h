// What the inspector shows about TLS for one trace record, decided without a window: the
// connection's handshake (version, cipher, the name asked for), the certificate chain with its
// subjects, issuers, validity and subjectAltNames, whether the client verified it (or why not),
// and for a hop the two views of its bytes: what an eavesdropper on the link sees (ciphertext,
// with only the record headers readable) and what is inside TLS (the plaintext, which the lab can
// show because the simulation holds the keys: engine/hosts/tls/tls_observations.h).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/core/trace.h"
#include "viz/model/tls_view.h"

namespace maillab::engine {
class TlsObservations;
}

namespace maillab::viz {

struct CertificateView {
  std::string subject;       // "CN=mail.example.com"
  std::string issuer;        // "CN=maillab World CA"
  std::string valid_from;    // "2025-12-06 09:00:00 UTC"
  std::string valid_until;
  std::vector<std::string> names;  // subjectAltName dNSName entries
  bool authority = false;          // issuer of the one before it in the chain (no names)
  bool self_signed = false;
  // At the moment inspected (the record's time, or now for a host): "expired 3 days ago",
  // "not valid yet: it starts in 2 days", or empty when it is within its validity.
  std::string validity_problem;
};

struct TlsInspection {
  Padlock padlock = Padlock::none;
  bool observed = false;           // the lab recorded this connection (the chain, the plaintext)
  std::string client, server;      // the two ends, when known
  std::string established;         // "TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)"
  std::string server_name;         // the name the client asked for (SNI)
  std::vector<CertificateView> chain;  // leaf first
  bool verified = false;
  // "verified: ..." / "NOT verified: ... (opportunistic TLS: ...)" / "handshake refused: ..."
  std::string verdict;
  // A hop: what an eavesdropper sees, and what TLS carried inside.
  std::vector<TlsRecordHeader> records;  // record headers readable on the wire
  std::string server_name_in_clear;      // a ClientHello's SNI, which the link can read
  std::vector<std::string> ciphertext;   // hex dump of the segment's application bytes
  std::string plaintext;                 // what those bytes carry, CR shown as \r
  std::string inside_note;               // when there is no plaintext, why ("handshake messages ...")
  // A mail protocol hop in the clear (open padlock): what anyone on the link reads, and whether
  // that includes a password.
  std::string clear_text;
  bool password_in_clear = false;
};

// The TLS side of one host, for the host inspector: the certificate chain it last presented as a
// server, and one row per TLS connection it took part in.
struct HostTlsConnection {
  std::uint64_t connection = 0;
  std::string peer;
  bool client = false;          // this host started the TLS handshake
  std::string outcome;          // "TLSv1.3 with cipher ...", or "failed: ...", or "handshake not finished"
  std::string verdict;          // the client's verdict on the server's certificate (as TlsInspection),
                                // on either end's row
  bool verified = false;
};
struct HostTlsView {
  std::vector<CertificateView> presented;  // empty when the host never served TLS
  std::vector<HostTlsConnection> connections;
};
// The latest `most` connections (a busy MTA has thousands).
HostTlsView inspect_host_tls(const engine::TlsObservations& observations, const std::string& host, engine::Time now,
                             std::size_t most = 20);

// The TLS view of `record`, at `index` in the trace (a hop, drop, or TLS transport record), from
// the connection index and the world's observations (null when the world kept none).
TlsInspection inspect_tls(const engine::TraceRecord& record, std::size_t index, const TlsConnectionIndex& tls,
                          const engine::TlsObservations* observations);

}  // namespace maillab::viz
