// One TLS connection end (RFC 8446 TLS 1.3, RFC 5246 TLS 1.2) as sans-I/O protocol code: OpenSSL 3
// over a pair of memory BIOs. Ciphertext comes in with handle_ciphertext() and goes out through
// poll_output(); plaintext goes in with send_plaintext() and comes out through poll_plaintext();
// what happened (handshake done, certificate problem, alert, close_notify) through poll_event().
// It owns no socket, no clock and no thread: the caller passes the calendar time that certificate
// validity is checked against, and the seed its random bytes come from (random.h).
//
// Driving contract: after each handle_*/send_*/start()/close() call, drain poll_output() onto the
// wire, then poll_plaintext() and poll_event() into the application. Plaintext sent before the
// handshake completes waits and leaves right after it.
//
// Certificates (client role): the server's chain is checked against `trust_anchors` at
// `verify_time` for `server_name` (RFC 6125 DNS-ID). With `require_verified_peer` a failure ends
// the handshake with the alert RFC 8446 §6.2 names (certificate_expired, unknown_ca,
// bad_certificate); without it (opportunistic TLS, RFC 7435) the handshake goes on and the
// failure is reported in HandshakeDone, so the caller can log it.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "protocols/tls/certificate.h"
#include "protocols/tls/context.h"
#include "protocols/tls/random.h"
#include "protocols/tls/verification.h"

struct ssl_st;
struct bio_st;

namespace maillab::tls {

struct Config {
  Role role = Role::client;
  Version min_version = Version::tls1_2;
  Version max_version = Version::tls1_3;
  std::uint64_t random_seed = 0;  // every random byte of this connection derives from it
  std::int64_t verify_time = 0;   // Unix seconds of the simulated calendar

  // Server: the certificate chain (leaf first) and the leaf's key; `choose_certificate`, when
  // set, may replace them for the name the client asked for (SNI), as a server with one
  // certificate per name it serves does. It returns false to keep the default.
  std::vector<Certificate> chain;
  PrivateKey key;
  std::function<bool(std::string_view server_name, std::vector<Certificate>& chain, PrivateKey& key)> choose_certificate;

  // Client: the name sent as SNI (RFC 6066 §3) and checked against the certificate, the CAs
  // trusted, and whether a bad certificate ends the handshake.
  std::string server_name;
  std::vector<Certificate> trust_anchors;
  bool require_verified_peer = false;

  // NSS key log lines ("CLIENT_RANDOM ...", "CLIENT_TRAFFIC_SECRET_0 ...") for Wireshark.
  std::function<void(std::string_view line)> keylog;
};

// Bytes for the wire and what they carry ("ClientHello", "ServerHello, Certificate, ...",
// "application data", "alert: certificate_expired"), for hop labels.
struct Output {
  std::string bytes;
  std::string label;
};

struct HandshakeDone {
  std::string version;    // "TLSv1.3", as OpenSSL and Postfix name it
  std::string cipher;     // "TLS_AES_256_GCM_SHA384" (TLS 1.3) or "ECDHE-ECDSA-AES256-GCM-SHA384"
  int cipher_bits = 0;    // secret bits / algorithm bits, as Postfix prints "(256/256 bits)"
  int algorithm_bits = 0;
  std::string server_name;                  // server: the SNI the client sent (empty if none)
  Certificate peer_certificate;             // client: the server's leaf certificate
  std::optional<VerifyFailure> verify_failure;  // client: why the certificate is not trusted
};
struct AlertReceived {
  std::string description;  // "certificate_expired"
  bool fatal = false;
};
// The handshake failed on this side: our own verification refused the peer, or bad bytes.
struct HandshakeFailed {
  std::string reason;
  std::optional<VerifyFailure> verify_failure;
};
struct CloseNotifyReceived {};
using Event = std::variant<HandshakeDone, AlertReceived, HandshakeFailed, CloseNotifyReceived>;

// "TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)", as Postfix logs it and writes it
// into Received headers.
std::string describe_protocol_and_cipher(const HandshakeDone& done);

class Session {
 public:
  explicit Session(Config config);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  void start();  // client: the ClientHello; server: nothing to say until it arrives
  void handle_ciphertext(std::string_view bytes);
  void send_plaintext(std::string_view bytes);
  void close();  // close_notify (RFC 8446 §6.1)

  std::optional<Output> poll_output();
  std::string poll_plaintext();
  std::optional<Event> poll_event();

  bool established() const { return established_; }
  bool failed() const { return failed_; }
  const Config& config() const { return config_; }
  const SharedContext& context() const { return *context_; }

  // --- for OpenSSL's callbacks (session.cpp) ---
  void note_message(bool sent, int content_type, const unsigned char* data, std::size_t length);
  void note_keylog(const char* line);
  int note_verification(int ok, void* store_context);
  void note_server_name(std::string_view name);

 private:
  void advance();  // run the handshake / read as far as the bytes allow
  void flush_plaintext();
  void finish_handshake();
  void fail(std::string reason);
  void use_identity(const std::vector<Certificate>& chain, const PrivateKey& key);

  Config config_;
  DeterministicRandom random_;
  std::shared_ptr<const SharedContext> context_;  // shared by every session of this configuration
  ssl_st* ssl_ = nullptr;
  bio_st* network_in_ = nullptr;   // ciphertext from the peer (OpenSSL reads it)
  bio_st* network_out_ = nullptr;  // ciphertext for the peer (OpenSSL writes it)
  bool established_ = false, failed_ = false, close_notified_ = false;
  std::string pending_plaintext_;  // sent before the handshake completed
  std::string received_plaintext_;
  std::deque<Event> events_;
  std::vector<std::string> sent_labels_;  // what the output written since the last poll carries
  std::optional<VerifyFailure> first_verify_failure_;
};

}  // namespace maillab::tls
