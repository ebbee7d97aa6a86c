#include "protocols/tls/session.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <stdexcept>
#include <utility>

#include "protocols/common/take_front.h"
#include "protocols/tls/wire_names.h"

namespace maillab::tls {
namespace {

Session* session_of(const SSL* ssl) { return static_cast<Session*>(SSL_get_app_data(ssl)); }

void on_message(int write_p, int, int content_type, const void* buffer, std::size_t length, SSL* ssl, void*) {
  if (Session* session = session_of(ssl))
    session->note_message(write_p != 0, content_type, static_cast<const unsigned char*>(buffer), length);
}

void on_keylog(const SSL* ssl, const char* line) {
  if (Session* session = session_of(ssl)) session->note_keylog(line);
}

int on_verify(int ok, X509_STORE_CTX* store) {
  auto* ssl = static_cast<SSL*>(X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()));
  Session* session = ssl ? session_of(ssl) : nullptr;
  return session ? session->note_verification(ok, store) : ok;
}

int on_server_name(SSL* ssl, int*, void*) {
  const char* name = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
  if (Session* session = session_of(ssl); session && name) session->note_server_name(name);
  return SSL_TLSEXT_ERR_OK;
}

std::string openssl_error_text() {
  const unsigned long code = ERR_peek_last_error();
  if (!code) return "TLS error";
  const char* reason = ERR_reason_error_string(code);
  return reason ? reason : "TLS error";
}

}  // namespace

std::string describe_protocol_and_cipher(const HandshakeDone& done) {
  return done.version + " with cipher " + done.cipher + " (" + std::to_string(done.cipher_bits) + "/" +
         std::to_string(done.algorithm_bits) + " bits)";
}

Session::Session(Config config) : config_(std::move(config)), random_(config_.random_seed) {
  const bool server = config_.role == Role::server;
  if (server && (config_.chain.empty() || !config_.key))
    throw std::invalid_argument("tls: a server needs a certificate and key");
  ContextSettings settings;
  settings.role = config_.role;
  settings.min_version = config_.min_version;
  settings.max_version = config_.max_version;
  if (config_.keylog) settings.keylog_callback = on_keylog;
  if (server) settings.server_name_callback = on_server_name;
  else settings.trust_anchors = config_.trust_anchors;
  context_ = shared_context(settings);
  // The bytes this session's own SSL_CTX_new would have drawn first (context.h, Determinism).
  random_.discard(context_->random_words_at_creation());

  RandomScope scope(random_);
  ssl_ = SSL_new(context_->get());
  if (!ssl_) throw std::runtime_error("tls: SSL_new failed");
  if (server) use_identity(config_.chain, config_.key);
  SSL_set_app_data(ssl_, this);
  SSL_set_msg_callback(ssl_, on_message);
  network_in_ = BIO_new(BIO_s_mem());
  network_out_ = BIO_new(BIO_s_mem());
  BIO_set_mem_eof_return(network_in_, -1);  // empty means "wait for more", not end of stream
  SSL_set_bio(ssl_, network_in_, network_out_);
  if (config_.role == Role::server) {
    SSL_set_accept_state(ssl_);
  } else {
    SSL_set_connect_state(ssl_);
    if (!config_.server_name.empty()) {
      SSL_set_tlsext_host_name(ssl_, config_.server_name.c_str());  // SNI, RFC 6066 §3
      SSL_set1_host(ssl_, config_.server_name.c_str());            // RFC 6125 DNS-ID check
      X509_VERIFY_PARAM_set_hostflags(SSL_get0_param(ssl_), X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    }
    X509_VERIFY_PARAM_set_time(SSL_get0_param(ssl_), static_cast<time_t>(config_.verify_time));
    SSL_set_verify(ssl_, config_.require_verified_peer ? SSL_VERIFY_PEER : SSL_VERIFY_NONE, on_verify);
  }
}

Session::~Session() {
  RandomScope scope(random_);
  SSL_free(ssl_);  // frees both BIOs
}

void Session::start() {
  if (config_.role == Role::client) advance();
}

void Session::handle_ciphertext(std::string_view bytes) {
  if (failed_) return;
  BIO_write(network_in_, bytes.data(), static_cast<int>(bytes.size()));
  advance();
}

void Session::send_plaintext(std::string_view bytes) {
  if (failed_ || close_notified_) return;
  pending_plaintext_.append(bytes);
  if (established_) flush_plaintext();
}

void Session::close() {
  if (failed_ || close_notified_) return;
  close_notified_ = true;
  RandomScope scope(random_);
  ERR_clear_error();
  if (established_) SSL_shutdown(ssl_);
}

void Session::advance() {
  RandomScope scope(random_);
  if (!established_ && !failed_) {
    ERR_clear_error();
    const int result = SSL_do_handshake(ssl_);
    if (result == 1) {
      finish_handshake();
    } else {
      const int error = SSL_get_error(ssl_, result);
      if (error != SSL_ERROR_WANT_READ && error != SSL_ERROR_WANT_WRITE) fail(openssl_error_text());
    }
  }
  if (!established_ || failed_) return;
  char buffer[16384];
  for (;;) {
    ERR_clear_error();
    std::size_t read = 0;
    const int result = SSL_read_ex(ssl_, buffer, sizeof buffer, &read);
    if (result == 1) {
      received_plaintext_.append(buffer, read);
      continue;
    }
    const int error = SSL_get_error(ssl_, result);
    if (error == SSL_ERROR_ZERO_RETURN) {
      if (!std::exchange(close_notified_, true)) SSL_shutdown(ssl_);  // answer close_notify with ours
      events_.emplace_back(CloseNotifyReceived{});
    } else if (error != SSL_ERROR_WANT_READ && error != SSL_ERROR_WANT_WRITE) {
      fail(openssl_error_text());
    }
    break;
  }
}

void Session::finish_handshake() {
  established_ = true;
  HandshakeDone done;
  done.version = SSL_get_version(ssl_);
  const SSL_CIPHER* cipher = SSL_get_current_cipher(ssl_);
  done.cipher = SSL_CIPHER_get_name(cipher);
  done.cipher_bits = SSL_CIPHER_get_bits(cipher, &done.algorithm_bits);
  if (const char* name = SSL_get_servername(ssl_, TLSEXT_NAMETYPE_host_name); name && config_.role == Role::server)
    done.server_name = name;
  if (X509* peer = SSL_get1_peer_certificate(ssl_)) done.peer_certificate = Certificate(std::shared_ptr<X509>(peer, X509_free));
  done.verify_failure = first_verify_failure_;
  events_.emplace_back(std::move(done));
  flush_plaintext();
}

void Session::flush_plaintext() {
  if (pending_plaintext_.empty() || failed_) return;
  RandomScope scope(random_);
  ERR_clear_error();
  std::size_t written = 0;
  if (SSL_write_ex(ssl_, pending_plaintext_.data(), pending_plaintext_.size(), &written) == 1) {
    pending_plaintext_.erase(0, written);
    sent_labels_.emplace_back("application data");
  } else {
    fail(openssl_error_text());
  }
}

void Session::fail(std::string reason) {
  if (failed_) return;
  failed_ = true;
  HandshakeFailed failure;
  failure.verify_failure = first_verify_failure_;
  failure.reason = first_verify_failure_ && config_.require_verified_peer ? first_verify_failure_->reason : std::move(reason);
  events_.emplace_back(std::move(failure));
}

std::optional<Output> Session::poll_output() {
  const std::size_t pending = BIO_ctrl_pending(network_out_);
  if (pending == 0) return std::nullopt;
  Output output;
  output.bytes.resize(pending);
  BIO_read(network_out_, output.bytes.data(), static_cast<int>(pending));
  for (std::size_t i = 0; i < sent_labels_.size(); ++i)  // "application data" once, however many records
    if (i == 0 || sent_labels_[i] != sent_labels_[i - 1]) output.label += (output.label.empty() ? "" : ", ") + sent_labels_[i];
  if (output.label.empty()) output.label = "TLS record";
  sent_labels_.clear();
  return output;
}

std::string Session::poll_plaintext() { return std::exchange(received_plaintext_, {}); }

std::optional<Event> Session::poll_event() {
  return common::take_front(events_);
}

void Session::note_message(bool sent, int content_type, const unsigned char* data, std::size_t length) {
  if (content_type == SSL3_RT_HANDSHAKE && length > 0 && sent) {
    sent_labels_.emplace_back(handshake_message_name(data[0]));
  } else if (content_type == SSL3_RT_CHANGE_CIPHER_SPEC && sent) {
    sent_labels_.emplace_back("ChangeCipherSpec");
  } else if (content_type == SSL3_RT_ALERT && length >= 2) {
    const std::string description(alert_name(data[1]));
    if (sent) {
      sent_labels_.push_back("alert: " + description);
    } else if (data[1] != SSL3_AD_CLOSE_NOTIFY) {  // close_notify is reported as CloseNotifyReceived
      events_.emplace_back(AlertReceived{description, data[0] == SSL3_AL_FATAL});
    }
  }
}

void Session::note_server_name(std::string_view name) {
  std::vector<Certificate> chain;
  PrivateKey key;
  if (!config_.choose_certificate || !config_.choose_certificate(name, chain, key) || chain.empty() || !key) return;
  use_identity(chain, key);
}

// The server's certificate, chain and key on this connection only (the context is shared).
void Session::use_identity(const std::vector<Certificate>& chain, const PrivateKey& key) {
  SSL_use_certificate(ssl_, chain.front().get());
  SSL_clear_chain_certs(ssl_);
  for (std::size_t i = 1; i < chain.size(); ++i) SSL_add1_chain_cert(ssl_, chain[i].get());
  SSL_use_PrivateKey(ssl_, key.get());
}

void Session::note_keylog(const char* line) {
  if (config_.keylog) config_.keylog(line);
}

int Session::note_verification(int ok, void* store_context) {
  auto* store = static_cast<X509_STORE_CTX*>(store_context);
  if (!ok && !first_verify_failure_) {
    X509* current = X509_STORE_CTX_get_current_cert(store);
    Certificate certificate;
    if (current) {
      X509_up_ref(current);
      certificate = Certificate(std::shared_ptr<X509>(current, X509_free));
    }
    first_verify_failure_ =
        describe_verify_failure(X509_STORE_CTX_get_error(store), certificate, config_.server_name, config_.verify_time);
  }
  return ok;
}

}  // namespace maillab::tls
