#include "engine/net/tcp_stream.h"

#include <iterator>

#include <algorithm>

#include "engine/net/host_transport.h"
#include "engine/net/network_impl.h"

namespace maillab::engine {

TcpStream::TcpStream(Host& host, std::uint64_t id, Endpoint local, Endpoint remote)
    : host_(host), id_(id), local_(local), remote_(remote) {
  const TcpOptions& options = host_.network().tcp_options();
  cwnd_ = std::min<std::size_t>(10 * options.mss, options.max_window);  // RFC 6928 initial window
  ssthresh_ = options.max_window;
  rto_ = options.initial_rto;
}

// Timers hold only weak references, and the host may be gone by now: touch nothing here.
TcpStream::~TcpStream() = default;

std::int64_t TcpStream::unwrap(std::uint32_t wire, std::uint32_t base_wire, std::uint64_t base_offset) {
  // Serial number arithmetic (RFC 1982): the nearest offset with these low 32 bits.
  const auto difference = static_cast<std::int32_t>(wire - base_wire);
  return static_cast<std::int64_t>(base_offset) + difference;
}

std::string TcpStream::protocol_name() const { return protocol_name_for(local_.port, remote_.port, ip_protocol_tcp); }

std::string TcpStream::peer_label() const { return host_.network().impl().label_for(remote_.address); }

void TcpStream::note(std::string summary) {
  host_.network().impl().record_transport(host_.name(), peer_label(), protocol_name(), std::move(summary), id_);
}

// --- receiving -------------------------------------------------------------------------------

void TcpStream::receive(const Packet& packet) {
  auto self = shared_from_this();
  const TcpHeader& header = packet.tcp;
  if (state_ == State::closed) return;

  if (header.flags & tcp_flag::rst) {
    if (state_ == State::syn_sent) {
      if ((header.flags & tcp_flag::ack) && header.acknowledgment == iss_ + 1) fail_connect(ConnectError::refused);
    } else if (state_ == State::syn_received) {
      finish(std::nullopt);
    } else {
      // After our on_closed(normal) a reset only answers a late retransmission: nothing to say.
      if (!closed_notified_) note("reset by peer");
      finish(CloseReason::reset);
    }
    return;
  }

  switch (state_) {
    case State::closed:
      return;
    case State::syn_sent: {
      const bool syn_ack = (header.flags & tcp_flag::syn) && (header.flags & tcp_flag::ack);
      if (!syn_ack || header.acknowledgment != iss_ + 1) return;
      irs_ = header.sequence;
      rcv_nxt_ = 0;
      state_ = State::established;
      cancel_timer();
      if (timing_)
        update_rtt(host_.simulator().now() - timed_at_);
      else
        reset_rto_after_lost_handshake();
      timing_ = false;
      consecutive_timeouts_ = 0;
      send_ack();
      note("established " + format_endpoint(local_) + " -> " + format_endpoint(remote_));
      auto handler = std::move(connect_handlers_.on_connected);
      connect_handlers_ = {};
      if (handler) handler(self);
      pump();
      return;
    }
    case State::syn_received: {
      if ((header.flags & tcp_flag::syn) && !(header.flags & tcp_flag::ack)) {
        send_control(tcp_flag::syn | tcp_flag::ack, iss_, true);  // our SYN-ACK was lost
        return;
      }
      if (!(header.flags & tcp_flag::ack) || header.acknowledgment != iss_ + 1) return;
      state_ = State::established;
      cancel_timer();
      if (timing_)
        update_rtt(host_.simulator().now() - timed_at_);
      else
        reset_rto_after_lost_handshake();
      timing_ = false;
      consecutive_timeouts_ = 0;
      note("accept " + format_endpoint(local_) + " <- " + format_endpoint(remote_));
      auto handler = std::move(accept_handler_);
      accept_handler_ = nullptr;
      if (handler) handler(self);
      if (state_ == State::closed) return;
      pump();
      break;  // the segment may carry data too
    }
    case State::established:
      if (header.flags & tcp_flag::syn) {
        send_ack();  // a retransmitted SYN-ACK: our ACK was lost
        return;
      }
      break;
  }
  handle_ack(packet);
  if (state_ == State::closed) return;
  handle_data(packet);
}

void TcpStream::handle_ack(const Packet& packet) {
  const TcpHeader& header = packet.tcp;
  if (!(header.flags & tcp_flag::ack)) return;
  const TcpOptions& options = host_.network().tcp_options();
  const std::int64_t acked = unwrap(header.acknowledgment, wire_sequence(snd_una_), snd_una_);
  if (acked < static_cast<std::int64_t>(snd_una_) || acked > static_cast<std::int64_t>(highest_sent_)) return;
  const auto acked_to = static_cast<std::uint64_t>(acked);

  if (acked_to > snd_una_) {
    const std::uint64_t newly_acked = acked_to - snd_una_;
    const std::uint64_t data_acked_to = std::min(acked_to, data_end());
    if (data_acked_to > buffer_base_) {
      send_buffer_.erase(0, static_cast<std::size_t>(data_acked_to - buffer_base_));
      buffer_base_ = data_acked_to;
      // Labels of acknowledged bytes are no longer needed (keep the one the rest starts in).
      while (labels_.size() > 1 && std::next(labels_.begin())->first <= buffer_base_) labels_.erase(labels_.begin());
    }
    snd_una_ = acked_to;
    snd_nxt_ = std::max(snd_nxt_, snd_una_);
    if (timing_ && acked_to >= timed_end_) {
      timing_ = false;
      update_rtt(host_.simulator().now() - timed_at_);
    }
    consecutive_timeouts_ = 0;
    if (in_recovery_) {
      if (acked_to >= recover_) {
        in_recovery_ = false;  // RFC 6582 §3.2 step 6: full acknowledgment
        cwnd_ = ssthresh_;
        duplicate_acks_ = 0;
      } else {
        retransmit_first();  // partial acknowledgment: the next hole
        cwnd_ = cwnd_ > newly_acked ? cwnd_ - static_cast<std::size_t>(newly_acked) + options.mss : options.mss;
      }
    } else {
      duplicate_acks_ = 0;
      if (cwnd_ < ssthresh_)
        cwnd_ += static_cast<std::size_t>(std::min<std::uint64_t>(newly_acked, options.mss));  // slow start
      else
        cwnd_ += std::max<std::size_t>(1, options.mss * options.mss / cwnd_);  // congestion avoidance
      cwnd_ = std::min(cwnd_, options.max_window);
    }
    if (fin_requested_ && acked_to == fin_offset_ + 1) fin_acked_ = true;
    // RFC 6298 §5.2/§5.3: stop the timer when all is acknowledged, else restart it.
    if (snd_una_ >= highest_sent_)
      cancel_timer();
    else
      arm_timer();
    pump();
    maybe_finish();
    return;
  }
  const bool pure_ack = packet.data.empty() && !(header.flags & (tcp_flag::syn | tcp_flag::fin));
  if (acked_to == snd_una_ && pure_ack && highest_sent_ > snd_una_) {
    // RFC 5681 §3.2: fast retransmit on the third duplicate ACK, then fast recovery.
    ++duplicate_acks_;
    if (!in_recovery_ && duplicate_acks_ == 3) {
      const std::uint64_t in_flight = highest_sent_ - snd_una_;
      ssthresh_ = std::max<std::size_t>(static_cast<std::size_t>(in_flight / 2), 2 * options.mss);
      recover_ = highest_sent_;
      in_recovery_ = true;
      retransmit_first();
      cwnd_ = ssthresh_ + 3 * options.mss;
    } else if (in_recovery_) {
      cwnd_ += options.mss;
      pump();
    }
  }
}

void TcpStream::handle_data(const Packet& packet) {
  const TcpHeader& header = packet.tcp;
  const bool has_fin = header.flags & tcp_flag::fin;
  const std::size_t length = packet.data.size();
  if (length == 0 && !has_fin) return;
  if (peer_fin_received_) {
    send_ack();  // a retransmission of something we already have: acknowledge again
    return;
  }
  const std::int64_t start = unwrap(header.sequence, irs_ + 1 + static_cast<std::uint32_t>(rcv_nxt_), rcv_nxt_);
  const auto next = static_cast<std::int64_t>(rcv_nxt_);
  std::string delivered;
  if (length > 0) {
    const std::int64_t end = start + static_cast<std::int64_t>(length);
    const char* bytes = reinterpret_cast<const char*>(packet.data.data());
    if (end <= next) {
      // A duplicate: acknowledged again below.
    } else if (start <= next) {
      const auto skip = static_cast<std::size_t>(next - start);
      delivered.append(bytes + skip, length - skip);
      rcv_nxt_ = static_cast<std::uint64_t>(end);
      // Out-of-order segments that now fit follow at once.
      while (!out_of_order_.empty() && out_of_order_.begin()->first <= rcv_nxt_) {
        auto first = out_of_order_.begin();
        const std::uint64_t segment_end = first->first + first->second.size();
        if (segment_end > rcv_nxt_) {
          delivered.append(first->second, static_cast<std::size_t>(rcv_nxt_ - first->first));
          rcv_nxt_ = segment_end;
        }
        out_of_order_.erase(first);
      }
    } else if (start - next < static_cast<std::int64_t>(4 * host_.network().tcp_options().max_window)) {
      std::string& slot = out_of_order_[static_cast<std::uint64_t>(start)];
      if (slot.size() < length) slot.assign(bytes, length);
    }
  }
  if (has_fin && start >= 0) peer_fin_offset_ = static_cast<std::uint64_t>(start) + length;
  bool fin_now = false;
  if (peer_fin_offset_ && rcv_nxt_ == *peer_fin_offset_) {
    rcv_nxt_ += 1;  // the FIN takes one sequence number
    peer_fin_received_ = true;
    fin_now = true;
  }
  send_ack();

  auto self = shared_from_this();
  if (!delivered.empty()) {
    if (on_data) {
      auto handler = on_data;
      if (!undelivered_.empty()) {
        delivered.insert(0, undelivered_);
        undelivered_.clear();
      }
      handler(delivered);
      if (state_ == State::closed) return;
    } else {
      undelivered_ += delivered;
    }
  }
  if (fin_now) {
    if (!closed_notified_) {
      closed_notified_ = true;
      auto handler = on_closed;
      if (handler) handler(CloseReason::normal);
      if (state_ == State::closed) return;
    }
    close();  // our direction follows (after anything still queued)
    maybe_finish();
  }
}

// --- opening and closing ---------------------------------------------------------------------

void TcpStream::start_connect(ConnectHandlers handlers) {
  connect_handlers_ = std::move(handlers);
  state_ = State::syn_sent;
  iss_ = static_cast<std::uint32_t>(host_.transport().rng.next_u64());
  note("connect " + format_endpoint(local_) + " -> " + format_endpoint(remote_));
  timing_ = true;
  timed_at_ = host_.simulator().now();
  send_control(tcp_flag::syn, iss_);
  arm_timer();
}

void TcpStream::start_accept(const Packet& syn, AcceptHandler on_accept) {
  accept_handler_ = std::move(on_accept);
  state_ = State::syn_received;
  irs_ = syn.tcp.sequence;
  rcv_nxt_ = 0;
  iss_ = static_cast<std::uint32_t>(host_.transport().rng.next_u64());
  timing_ = true;
  timed_at_ = host_.simulator().now();
  send_control(tcp_flag::syn | tcp_flag::ack, iss_);
  arm_timer();
}

void TcpStream::send(std::string_view bytes) {
  if (state_ == State::closed || fin_requested_ || bytes.empty()) return;
  // Unlabelled bytes after labelled ones: their segments show their own first line again.
  if (!labels_.empty() && !labels_.rbegin()->second.empty()) labels_[data_end()] = "";
  send_buffer_.append(bytes);
  pump();  // only queues packets on links: nothing is delivered inside this call
}

void TcpStream::send(std::string_view bytes, std::string label) {
  if (state_ == State::closed || fin_requested_ || bytes.empty()) return;
  labels_[data_end()] = std::move(label);
  send_buffer_.append(bytes);
  pump();
}

void TcpStream::close() {
  if (state_ == State::closed || fin_requested_) return;
  fin_requested_ = true;
  fin_offset_ = data_end();
  note("close");
  pump();
}

void TcpStream::abort() {
  if (state_ == State::closed) return;
  auto self = shared_from_this();
  if (state_ != State::syn_sent) send_control(tcp_flag::rst | tcp_flag::ack, wire_sequence(snd_nxt_));
  note("reset (abort)");
  finish(std::nullopt);
}

void TcpStream::set_tls(bool on) {
  if (tls_ == on) return;
  tls_ = on;
  note(on ? "TLS negotiated (simulated)" : "TLS off");
}

void TcpStream::maybe_finish() {
  if (state_ == State::established && fin_acked_ && peer_fin_received_) finish(std::nullopt);
}

void TcpStream::finish(std::optional<CloseReason> notify) {
  auto self = shared_from_this();
  state_ = State::closed;
  cancel_timer();
  auto& connections = host_.transport().connections;
  auto found = connections.find({local_.port, remote_});
  if (found != connections.end() && found->second.get() == this) connections.erase(found);
  if (notify && !closed_notified_) {
    closed_notified_ = true;
    auto handler = on_closed;
    if (handler) handler(*notify);
  }
  // Let go of the application's handlers: they often hold a shared_ptr to this connection.
  on_data = nullptr;
  on_closed = nullptr;
  connect_handlers_ = {};
  accept_handler_ = nullptr;
}

void TcpStream::fail_connect(ConnectError error) {
  auto self = shared_from_this();
  switch (error) {
    case ConnectError::refused: note("refused (RST)"); break;
    case ConnectError::timeout: note("connect timeout: no answer to " + std::to_string(consecutive_timeouts_) + " SYNs"); break;
    case ConnectError::unreachable: note("unreachable"); break;
  }
  auto handler = std::move(connect_handlers_.on_failed);
  finish(std::nullopt);
  if (handler) handler(error);
}

void TcpStream::release_handlers() {
  cancel_timer();
  on_data = nullptr;
  on_closed = nullptr;
  connect_handlers_ = {};
  accept_handler_ = nullptr;
}

void TcpStream::vanish() {
  auto self = shared_from_this();
  const State before = state_;
  state_ = State::closed;
  cancel_timer();
  if (before == State::syn_sent) {
    auto handler = std::move(connect_handlers_.on_failed);
    connect_handlers_ = {};
    if (handler) handler(ConnectError::unreachable);
  } else if (before == State::established && !closed_notified_) {
    closed_notified_ = true;
    auto handler = on_closed;
    if (handler) handler(CloseReason::host_down);
  }
  on_data = nullptr;
  on_closed = nullptr;
  accept_handler_ = nullptr;
}

}  // namespace maillab::engine
