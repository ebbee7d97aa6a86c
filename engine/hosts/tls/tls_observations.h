// What the lab can see inside the TLS connections of a world, because the simulation holds the
// keys: for each connection end, the certificate chain of the handshake, how it ended, and every
// byte of ciphertext it sent next to the plaintext those bytes carried. The visualizer's
// inspector reads it to show "what an eavesdropper sees" beside "inside TLS" (issue #11, item 5).
//
// A side table, not the trace: the trace (and so every golden) stays as it is, and nothing here
// changes a byte on the wire. Off by default, because it keeps every byte sent over TLS; the
// visualizer turns it on before the world runs. Looked up by the connection id that both ends
// and every hop record of the connection share (TraceRecord::connection).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/core/time.h"
#include "protocols/tls/certificate.h"
#include "protocols/tls/session.h"

namespace maillab::engine {

// One write onto the wire: the TLS records of one poll_output(), where they start in everything
// this end sent, and (for application data) the plaintext they encrypt.
struct TlsSentRecords {
  std::size_t offset = 0;  // into TlsEndObservation::ciphertext
  std::size_t length = 0;
  std::string label;       // "ClientHello", "application data", "alert: close_notify"
  std::string plaintext;   // what the application handed to TLS for these records
  Time time = 0;
};

struct TlsEndObservation {
  std::uint64_t connection = 0;
  std::string host;   // this end
  std::string peer;   // the other end's name (or address)
  tls::Role role = tls::Role::client;
  std::string server_name;              // client: the name it asked for (SNI); server: the SNI it got
  bool require_verified_peer = false;   // client: a bad certificate ends the handshake
  // Server: the chain it presented (leaf first). Client: the leaf it received.
  std::vector<tls::Certificate> chain;
  std::optional<tls::HandshakeDone> handshake;  // once established
  std::optional<tls::VerifyFailure> verify_failure;  // client: why the certificate is not trusted
  std::string failure;                  // why the handshake failed, when it did
  std::string ciphertext;               // every byte this end sent on the transport, in order
  std::vector<TlsSentRecords> sent;
};

class TlsObservations {
 public:
  bool enabled() const { return enabled_; }
  void enable() { enabled_ = true; }

  // The record of one end, made on first use.
  TlsEndObservation& end(std::uint64_t connection, const std::string& host);
  const TlsEndObservation* find(std::uint64_t connection, const std::string& host) const;
  // Both ends of a connection (client first when both are known).
  std::vector<const TlsEndObservation*> ends(std::uint64_t connection) const;
  // Every connection end on `host`, oldest connection first.
  std::vector<const TlsEndObservation*> ends_on_host(const std::string& host) const;

  // The writes of `sender` on `connection` that the bytes of one TCP segment belong to (a
  // segment can hold parts of several writes, or a part of one). Empty when the bytes are not
  // ciphertext this end sent.
  std::vector<const TlsSentRecords*> writes_in_segment(std::uint64_t connection, const std::string& sender,
                                                       std::string_view segment) const;

 private:
  bool enabled_ = false;
  std::map<std::pair<std::uint64_t, std::string>, TlsEndObservation> ends_;
};

}  // namespace maillab::engine
