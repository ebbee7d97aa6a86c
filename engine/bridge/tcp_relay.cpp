// A real TCP connection relayed into the simulation (bridge.h). The two ends keep TCP's meaning:
// bytes in order both ways, FIN for an orderly end, RST for an abort, a refused or timed-out
// simulated connect as a reset of the real one.
#include <algorithm>

#include "engine/bridge/bridge_impl.h"

namespace maillab::bridge {

TcpRelay::TcpRelay(Bridge::Impl& bridge, asio::ip::tcp::socket socket, const PlannedPort& port)
    : bridge_(bridge), socket_(std::move(socket)), port_(port), id_(bridge.next_relay_id++) {
  boost::system::error_code code;
  const auto remote = socket_.remote_endpoint(code);
  client_ = code ? "a real client" : "real client " + format_real_endpoint(remote);
  socket_.set_option(asio::ip::tcp::no_delay(true), code);
}

void TcpRelay::start() {
  engine::Host& gateway = bridge_.gateway.host();
  bridge_.gateway.note(port_.served.host, "TCP",
                       client_ + " connected to " + bridge_.options.bind_address + ":" +
                           std::to_string(port_.local_port) + "; bridging to " + port_.served.host + ":" +
                           std::to_string(port_.served.port) + " (" + port_.served.service + ")");
  std::weak_ptr<TcpRelay> weak = weak_from_this();
  gateway.connect({port_.served.address, port_.served.port},
                  engine::ConnectHandlers{
                      [weak](std::shared_ptr<engine::StreamConnection> connection) {
                        if (auto self = weak.lock()) self->connected(std::move(connection));
                        else connection->abort();
                      },
                      [weak](engine::ConnectError error) {
                        if (auto self = weak.lock()) self->connect_failed(error);
                      }});
}

void TcpRelay::connected(std::shared_ptr<engine::StreamConnection> connection) {
  if (finished_) {
    connection->abort();
    return;
  }
  simulated_ = std::move(connection);
  std::weak_ptr<TcpRelay> weak = weak_from_this();
  simulated_->on_data = [weak](std::string_view bytes) {
    auto self = weak.lock();
    if (!self || self->finished_) return;
    self->to_real(bytes);
  };
  simulated_->on_closed = [weak](engine::CloseReason reason) {
    if (auto self = weak.lock()) self->simulated_closed(reason);
  };
  read_real();
}

void TcpRelay::connect_failed(engine::ConnectError error) {
  ++bridge_.counters.connections_failed;
  bridge_.gateway.note(port_.served.host, "TCP",
                       "cannot reach " + port_.served.host + ":" + std::to_string(port_.served.port) + " (" +
                           std::string(engine::to_string(error)) + "); resetting " + client_);
  reset_real();
  finish();
}

// Bytes from the simulated server for the real client. Past the limit, the simulated connection
// stops being read (its window shuts) until the client has taken half of what waits.
void TcpRelay::to_real(std::string_view bytes) {
  bridge_.counters.bytes_out += bytes.size();
  to_real_.emplace_back(bytes);
  buffered_ += bytes.size();
  bridge_.counters.peak_buffered = std::max(bridge_.counters.peak_buffered, buffered_);
  if (buffered_ >= bridge_.options.max_buffered_per_connection && !simulated_->reading_paused()) {
    ++bridge_.counters.reads_paused;
    simulated_->pause_reading();
  }
  write_real();
}

// Reading the real client waits while its replies pile up unread, or while the simulated server
// has not yet taken what the client sent (the simulated link is slower than loopback).
bool TcpRelay::real_input_blocked() const {
  const std::uint64_t limit = bridge_.options.max_buffered_per_connection;
  return buffered_ >= limit || (simulated_ && simulated_->send_backlog() >= limit);
}

bool TcpRelay::resume_if_drained() {
  if (finished_) return true;
  if (!real_paused_) return true;
  if (real_input_blocked()) return false;
  real_paused_ = false;
  read_real();
  return true;
}

void TcpRelay::read_real() {
  if (reading_real_ || real_done_ || finished_) return;
  if (real_input_blocked()) {
    real_paused_ = true;
    bridge_.drain_waiters.insert(id_);
    return;
  }
  reading_real_ = true;
  auto self = shared_from_this();
  socket_.async_read_some(asio::buffer(buffer_), [self](boost::system::error_code code, std::size_t size) {
    self->reading_real_ = false;
    if (self->finished_) return;
    if (!code) {
      self->bridge_.counters.bytes_in += size;
      if (self->simulated_ && self->simulated_->is_open())
        self->simulated_->send(std::string_view(self->buffer_.data(), size));
      self->read_real();
      return;
    }
    if (code == asio::error::operation_aborted) return;
    self->real_done_ = true;
    if (code == asio::error::eof) {
      // The client's FIN becomes ours: the server reads its last bytes, then sees the close.
      if (self->simulated_ && self->simulated_->is_open()) self->simulated_->close();
      if (self->simulated_done_ && !self->writing_) self->finish();
    } else {
      // A reset or error from the real client aborts the simulated connection too.
      self->bridge_.gateway.note(self->port_.served.host, "TCP",
                                 self->client_ + " reset the connection (" + code.message() + ")",
                                 self->simulated_ ? self->simulated_->id() : 0);
      if (self->simulated_ && self->simulated_->is_open()) self->simulated_->abort();
      self->finish();
    }
  });
}

void TcpRelay::write_real() {
  if (writing_ || to_real_.empty() || finished_) return;
  writing_ = true;
  auto self = shared_from_this();
  asio::async_write(socket_, asio::buffer(to_real_.front()), [self](boost::system::error_code code, std::size_t) {
    self->writing_ = false;
    if (self->finished_) return;
    if (code) {
      if (self->simulated_ && self->simulated_->is_open()) self->simulated_->abort();
      self->finish();
      return;
    }
    self->buffered_ -= self->to_real_.front().size();
    self->to_real_.pop_front();
    const std::uint64_t low_water = self->bridge_.options.max_buffered_per_connection / 2;
    if (self->buffered_ <= low_water && self->simulated_) {
      if (self->simulated_->reading_paused()) self->simulated_->resume_reading();
      if (self->real_paused_) self->resume_if_drained();
    }
    if (!self->to_real_.empty()) {
      self->write_real();
      return;
    }
    if (self->simulated_done_) {
      // Everything the server sent has reached the client: pass its FIN on.
      boost::system::error_code ignored;
      self->socket_.shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
      if (self->real_done_) self->finish();
    }
  });
}

void TcpRelay::simulated_closed(engine::CloseReason reason) {
  if (finished_) return;
  simulated_done_ = true;
  if (reason != engine::CloseReason::normal) {
    bridge_.gateway.note(port_.served.host, "TCP",
                         "simulated connection ended (" + std::string(engine::to_string(reason)) + "); resetting " +
                             client_,
                         simulated_ ? simulated_->id() : 0);
    reset_real();
    finish();
    return;
  }
  if (!writing_ && to_real_.empty()) {
    boost::system::error_code ignored;
    socket_.shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
    if (real_done_) finish();
  }
}

void TcpRelay::reset_real() {
  boost::system::error_code ignored;
  socket_.set_option(asio::socket_base::linger(true, 0), ignored);
  socket_.close(ignored);
}

void TcpRelay::shut_down() {
  if (simulated_ && simulated_->is_open()) simulated_->abort();
  reset_real();
  finish();
}

void TcpRelay::finish() {
  if (finished_) return;
  finished_ = true;
  boost::system::error_code ignored;
  if (socket_.is_open()) socket_.close(ignored);
  // Forgotten after the running handler returns, never inside it.
  asio::post(bridge_.io, [bridge = &bridge_, id = id_] { bridge->forget(id); });
}

}  // namespace maillab::bridge
