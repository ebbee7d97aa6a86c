#include "engine/hosts/tls/tls_stream.h"

#include <utility>

#include "engine/hosts/mailbox/mailbox_service.h"
#include "engine/hosts/tls/world_pki.h"
#include "engine/net/network.h"

namespace maillab::engine {
namespace {

// Each connection end draws its random bytes from its own generator, derived from the run's
// seed, the host and the connection: the same scenario and seed give the same TLS bytes.
std::uint64_t connection_seed(Host& host, std::uint64_t connection, std::string_view role) {
  return host.simulator().rng().derive(host.name() + " tls " + std::string(role) + " " + std::to_string(connection))
      .next_u64();
}

tls::Config base_config(Host& host, std::uint64_t connection, tls::Role role) {
  tls::Config config;
  config.role = role;
  config.random_seed = connection_seed(host, connection, role == tls::Role::client ? "client" : "server");
  config.verify_time = epoch_seconds(host.simulator().now());
  WorldPki& pki = world_pki(host.network());
  if (pki.keylog) config.keylog = [&pki](std::string_view line) {
    if (pki.keylog) pki.keylog(line);
  };
  return config;
}

}  // namespace

std::shared_ptr<TlsStream> TlsStream::client(Host& host, std::shared_ptr<StreamConnection> transport,
                                             TlsClientOptions options) {
  tls::Config config = base_config(host, transport->id(), tls::Role::client);
  config.server_name = std::move(options.server_name);
  config.require_verified_peer = options.require_verified_peer;
  config.trust_anchors = world_pki(host.network()).trust_anchors();
  auto stream = std::make_shared<TlsStream>(host, std::move(transport), std::move(config));
  stream->attach();
  stream->start();
  return stream;
}

std::shared_ptr<TlsStream> TlsStream::server(Host& host, std::shared_ptr<StreamConnection> transport,
                                             std::string own_name) {
  tls::Config config = base_config(host, transport->id(), tls::Role::server);
  WorldPki& pki = world_pki(host.network());
  const ServerIdentity& identity = pki.identity(host.name(), own_name);
  config.chain = identity.chain;
  config.key = identity.key;
  const std::string host_name = host.name();
  const std::uint64_t connection = transport->id();
  config.choose_certificate = [&pki, host_name, connection](std::string_view name, std::vector<tls::Certificate>& chain,
                                                            tls::PrivateKey& key) {
    const ServerIdentity& chosen = pki.identity(host_name, std::string(name));
    chain = chosen.chain;
    key = chosen.key;
    if (pki.observations.enabled()) pki.observations.end(connection, host_name).chain = chosen.chain;
    return true;
  };
  auto stream = std::make_shared<TlsStream>(host, std::move(transport), std::move(config));
  stream->attach();
  return stream;
}

void TlsStream::accept_implicit(Host& host, std::shared_ptr<StreamConnection> transport, std::string own_name,
                                std::function<void(std::shared_ptr<StreamConnection>)> ready, Time timeout) {
  auto stream = server(host, std::move(transport), std::move(own_name));
  stream->keep_alive_ = stream;
  std::weak_ptr<TlsStream> weak = stream;
  auto release = [weak] {
    auto self = weak.lock();
    if (!self) return std::shared_ptr<TlsStream>();
    self->host_.simulator().cancel_timer(self->handshake_timer_);
    self->on_established = nullptr;
    self->on_failed = nullptr;
    return std::exchange(self->keep_alive_, nullptr);
  };
  stream->on_established = [release, ready = std::move(ready)](const tls::HandshakeDone&) {
    if (auto self = release()) ready(self);
  };
  stream->on_failed = [release](const std::string&) { release(); };
  stream->on_closed = [release](CloseReason) { release(); };
  stream->handshake_timer_ = host.simulator().schedule_in(timeout, [weak, release, timeout] {
    auto self = weak.lock();
    if (!self || !self->keep_alive_) return;
    self->handshake_timer_ = 0;
    self->record("TLS handshake not finished after " + std::to_string(timeout / seconds(1)) +
                 " s: connection closed");
    auto hold = release();
    self->transport_->abort();
  });
}

TlsStream::TlsStream(Host& host, std::shared_ptr<StreamConnection> transport, tls::Config config)
    : host_(host), transport_(std::move(transport)), session_(std::move(config)) {
  TlsObservations& observations = world_pki(host_.network()).observations;
  if (!observations.enabled()) return;
  observation_ = &observations.end(id(), host_.name());
  const tls::Config& used = session_.config();
  observation_->peer = peer_name();
  observation_->role = used.role;
  observation_->server_name = used.server_name;
  observation_->require_verified_peer = used.require_verified_peer;
  if (used.role == tls::Role::server) observation_->chain = used.chain;
}

void TlsStream::pause_reading() {
  paused_ = true;
  transport_->pause_reading();
}

void TlsStream::resume_reading() {
  if (!paused_) return;
  paused_ = false;
  std::weak_ptr<TlsStream> weak = shared_from_this();
  host_.simulator().schedule_in(0, [weak] {
    auto self = weak.lock();
    if (!self || self->paused_) return;
    if (std::string held = std::exchange(self->held_plaintext_, {}); !held.empty())
      if (auto handler = self->on_data) handler(held);
    if (!self->paused_) self->transport_->resume_reading();
  });
}

void TlsStream::attach() {
  std::weak_ptr<TlsStream> weak = shared_from_this();
  transport_->on_data = [weak](std::string_view bytes) {
    if (auto self = weak.lock()) {
      self->session_.handle_ciphertext(bytes);
      self->flush();
    }
  };
  transport_->on_closed = [weak](CloseReason reason) {
    auto self = weak.lock();
    if (!self) return;
    if (!self->handshake_ && self->failure_.empty() && reason == CloseReason::normal)
      self->record("TLS handshake cut short: the peer closed the connection");
    auto handler = self->on_closed;
    if (handler) handler(reason);
    self->on_data = nullptr;
    self->on_closed = nullptr;
    self->on_established = nullptr;
    self->on_failed = nullptr;
  };
}

void TlsStream::start() {
  session_.start();
  flush();
}

void TlsStream::send(std::string_view bytes) {
  if (observation_) unsent_plaintext_ += bytes;
  session_.send_plaintext(bytes);
  flush();
}

void TlsStream::send(std::string_view bytes, std::string) { send(bytes); }

void TlsStream::close() {
  if (closing_) return;
  closing_ = true;
  session_.close();  // close_notify, then FIN
  flush();
  // Called from inside flush() (an application answering the data it was just handed): that
  // flush still has our last records to send, and closes the transport after them.
  if (!flushing_) transport_->close();
}

void TlsStream::abort() { transport_->abort(); }

void TlsStream::flush() {
  if (flushing_) return;  // a handler below sent more: the loop picks it up
  flushing_ = true;
  auto self = shared_from_this();
  for (bool moved = true; moved;) {
    moved = false;
    while (auto output = session_.poll_output()) {
      send_output(*output);
      moved = true;
    }
    while (auto event = session_.poll_event()) {
      moved = true;
      if (auto* done = std::get_if<tls::HandshakeDone>(&*event)) {
        handshake_ = *done;
        observe_handshake(*done);
        record(describe(*done));
        // One-shot: let go of what the handlers hold (often the owner of this stream), so no
        // cycle outlives the handshake.
        auto handler = std::exchange(on_established, nullptr);
        on_failed = nullptr;
        if (handler) handler(*done);
      } else if (auto* failed = std::get_if<tls::HandshakeFailed>(&*event)) {
        failure_ = failed->reason;
        if (observation_) {
          observation_->failure = failed->reason;
          observation_->verify_failure = failed->verify_failure;
        }
        record("TLS handshake failed: " + failed->reason);
        // The alert (if any) goes out first, then the connection closes.
        while (auto output = session_.poll_output())
          send_output(*output);
        auto handler = std::exchange(on_failed, nullptr);
        on_established = nullptr;
        if (handler) handler(failure_);
        if (transport_->is_open()) transport_->close();
      } else if (auto* alert = std::get_if<tls::AlertReceived>(&*event)) {
        record(std::string("TLS alert from the peer: ") + alert->description + (alert->fatal ? " (fatal)" : ""));
      }
    }
    if (std::string plaintext = session_.poll_plaintext(); !plaintext.empty()) {
      moved = true;
      if (paused_) {
        held_plaintext_ += plaintext;
      } else if (auto handler = on_data) {
        handler(plaintext);
      }
    }
  }
  flushing_ = false;
  if (closing_ && transport_->is_open()) transport_->close();
}

void TlsStream::send_output(const tls::Output& output) {
  if (!transport_->is_open()) return;
  transport_->send(output.bytes, "TLS " + output.label);
  if (!observation_) return;
  TlsSentRecords write;
  write.offset = observation_->ciphertext.size();
  write.length = output.bytes.size();
  write.label = output.label;
  write.time = host_.simulator().now();
  // Plaintext leaves in the first write that carries application data after it was handed over
  // (right away once established; after the Finished when sent during the handshake).
  if (output.label.find("application data") != std::string::npos) write.plaintext = std::exchange(unsent_plaintext_, {});
  observation_->ciphertext += output.bytes;
  observation_->sent.push_back(std::move(write));
}

void TlsStream::observe_handshake(const tls::HandshakeDone& done) {
  if (!observation_) return;
  observation_->handshake = done;
  if (session_.config().role == tls::Role::server) {
    observation_->server_name = done.server_name;
  } else {
    if (done.peer_certificate) observation_->chain = {done.peer_certificate};
    observation_->verify_failure = done.verify_failure;
  }
}

std::string TlsStream::describe(const tls::HandshakeDone& done) const {
  std::string text = "TLS established: " + tls::describe_protocol_and_cipher(done);
  if (session_.config().role == tls::Role::server) {
    if (!done.server_name.empty()) text += ", client asked for " + done.server_name;
    return text;
  }
  if (done.peer_certificate) text += ", certificate " + done.peer_certificate.describe();
  if (done.verify_failure)
    text += "; NOT verified: " + done.verify_failure->reason + " (opportunistic TLS: going on encrypted)";
  else
    text += "; verified";
  return text;
}

std::string TlsStream::peer_name() const {
  return host_.network().name_of(remote().address).value_or(format_address(remote().address));
}

void TlsStream::record(std::string summary) {
  TraceRecord record;
  record.time = host_.simulator().now();
  record.kind = TraceKind::transport;
  record.node = host_.name();
  record.peer = peer_name();
  record.protocol = "TLS";
  record.summary = std::move(summary);
  record.connection = id();
  host_.simulator().trace().record(std::move(record));
}

}  // namespace maillab::engine
