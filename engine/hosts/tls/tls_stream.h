// A TLS connection over a virtual TCP connection: a StreamConnection that carries plaintext for
// the application (SMTP, POP3, IMAP sessions) and real TLS records on the wire, driven by a
// tls::Session (protocols/tls). It takes over the transport's on_data/on_closed; the
// application sets its handlers on the TlsStream instead, so STARTTLS (RFC 3207, RFC 2595,
// RFC 3501 §6.2.1) is "replace the connection pointer and set the handlers again", and implicit
// TLS (RFC 8314 §3) is the same right after connect/accept.
//
// Hop labels name what each segment carries ("TLS ClientHello", "TLS application data"); one
// `transport` trace record says how the handshake ended (version, cipher, certificate and, on
// the client, whether it was verified and why not).
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "engine/hosts/tls/tls_observations.h"
#include "engine/net/host.h"
#include "protocols/tls/session.h"

namespace maillab::engine {

struct TlsClientOptions {
  std::string server_name;              // SNI and the name the certificate must carry
  bool require_verified_peer = false;   // refuse a certificate that does not verify
};

class TlsStream final : public StreamConnection, public std::enable_shared_from_this<TlsStream> {
 public:
  // The client end starts its handshake at once; the server end waits for the ClientHello.
  // `own_name` is the name a server presents when the client sends no SNI.
  static std::shared_ptr<TlsStream> client(Host& host, std::shared_ptr<StreamConnection> transport,
                                           TlsClientOptions options);
  static std::shared_ptr<TlsStream> server(Host& host, std::shared_ptr<StreamConnection> transport,
                                           std::string own_name);

  // Implicit TLS on a server port (RFC 8314 §3): the server's greeting is its first application
  // data, so `ready` gets the stream only once the handshake has finished, and the greeting
  // appears in the trace after the handshake, as it does on the wire. A handshake that fails,
  // is cut off or does not finish within `timeout` never reaches the application. Until
  // `ready` runs the stream keeps itself alive (nothing else holds it yet).
  static void accept_implicit(Host& host, std::shared_ptr<StreamConnection> transport, std::string own_name,
                              std::function<void(std::shared_ptr<StreamConnection>)> ready,
                              Time timeout = seconds(60));

  TlsStream(Host& host, std::shared_ptr<StreamConnection> transport, tls::Config config);

  // --- StreamConnection ---
  std::uint64_t id() const override { return transport_->id(); }
  Endpoint local() const override { return transport_->local(); }
  Endpoint remote() const override { return transport_->remote(); }
  bool is_open() const override { return transport_->is_open() && !session_.failed() && !closing_; }
  void send(std::string_view bytes) override;
  void send(std::string_view bytes, std::string label) override;
  void close() override;
  void abort() override;
  // Flow control passes through: the transport stops being read, and plaintext already decrypted
  // waits here; resume_reading() hands it over (from an event) before the transport goes on.
  void pause_reading() override;
  void resume_reading() override;
  bool reading_paused() const override { return paused_; }
  void set_tls(bool) override {}
  bool tls() const override { return true; }

  // Called once: the handshake finished (application data may flow), or it failed (the
  // connection is then closed; on_closed follows).
  std::function<void(const tls::HandshakeDone&)> on_established;
  std::function<void(const std::string& reason)> on_failed;

  const std::optional<tls::HandshakeDone>& handshake() const { return handshake_; }
  const std::string& failure() const { return failure_; }

 private:
  void attach();
  void start();
  void flush();  // ciphertext out, then plaintext and events in
  void record(std::string summary);
  std::string peer_name() const;  // the remote end by name, for the trace
  void send_output(const tls::Output& output);  // onto the transport, and into the observations
  void observe_handshake(const tls::HandshakeDone& done);
  std::string describe(const tls::HandshakeDone& done) const;

  Host& host_;
  std::shared_ptr<StreamConnection> transport_;
  tls::Session session_;
  std::optional<tls::HandshakeDone> handshake_;
  std::string failure_;
  bool closing_ = false;
  bool flushing_ = false;
  bool paused_ = false;
  std::string held_plaintext_;  // decrypted while paused
  std::shared_ptr<TlsStream> keep_alive_;  // accept_implicit: until the handshake ends
  std::uint64_t handshake_timer_ = 0;
  // The lab's view of this end (tls_observations.h), when the world keeps one; and the plaintext
  // handed over but not yet seen leave in a write.
  TlsEndObservation* observation_ = nullptr;
  std::string unsent_plaintext_;
};

}  // namespace maillab::engine
