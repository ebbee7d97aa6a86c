#include "engine/net/tcp_stream.h"

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

// --- sending segments ------------------------------------------------------------------------

void TcpStream::send_control(std::uint8_t flags, std::uint32_t sequence, bool retransmission) {
  auto packet = std::make_shared<Packet>();
  packet->connection = id_;
  packet->source = local_.address;
  packet->destination = remote_.address;
  packet->protocol = ip_protocol_tcp;
  packet->source_port = local_.port;
  packet->destination_port = remote_.port;
  packet->tcp.source_port = local_.port;
  packet->tcp.destination_port = remote_.port;
  packet->tcp.sequence = sequence;
  packet->tcp.flags = flags;
  packet->tcp.window = static_cast<std::uint16_t>(std::min<std::size_t>(host_.network().tcp_options().max_window, 65535));
  if (flags & tcp_flag::ack) packet->tcp.acknowledgment = irs_ + 1 + static_cast<std::uint32_t>(rcv_nxt_);
  packet->protocol_name = protocol_name();
  // Relative numbers, as Wireshark shows them: the SYN counts as one.
  packet->summary = describe_control_segment(packet->tcp, static_cast<std::uint32_t>(rcv_nxt_ + 1));
  if (retransmission) packet->summary += " (retransmission)";
  host_.transport().send_packet(std::move(packet));
}

void TcpStream::send_segment(std::uint8_t flags, std::uint64_t offset, std::size_t length, bool retransmission) {
  auto packet = std::make_shared<Packet>();
  packet->connection = id_;
  packet->source = local_.address;
  packet->destination = remote_.address;
  packet->protocol = ip_protocol_tcp;
  packet->source_port = local_.port;
  packet->destination_port = remote_.port;
  packet->tcp.source_port = local_.port;
  packet->tcp.destination_port = remote_.port;
  packet->tcp.sequence = wire_sequence(offset);
  packet->tcp.acknowledgment = irs_ + 1 + static_cast<std::uint32_t>(rcv_nxt_);
  packet->tcp.flags = flags | tcp_flag::ack | tcp_flag::psh;
  packet->tcp.window = static_cast<std::uint16_t>(std::min<std::size_t>(host_.network().tcp_options().max_window, 65535));
  const auto begin = send_buffer_.begin() + static_cast<std::ptrdiff_t>(offset - buffer_base_);
  packet->data.assign(begin, begin + static_cast<std::ptrdiff_t>(length));
  packet->protocol_name = protocol_name();
  const std::string kind = retransmission ? "retransmission" : "data";
  if (tls_)
    packet->summary = "TLS application data (" + kind + ", " + std::to_string(length) + " bytes)";
  else
    packet->summary = first_line_of(packet->data) + " (" + kind + ", " + std::to_string(length) + " bytes)";
  host_.transport().send_packet(std::move(packet));
}

// Sends whatever the congestion window allows: new data, then our FIN once the data is out.
void TcpStream::pump() {
  if (state_ != State::established) return;
  const TcpOptions& options = host_.network().tcp_options();
  const std::size_t window = std::min(cwnd_, options.max_window);
  for (;;) {
    const std::uint64_t in_flight = snd_nxt_ - snd_una_;
    if (snd_nxt_ < data_end()) {
      const std::size_t length = static_cast<std::size_t>(std::min<std::uint64_t>(options.mss, data_end() - snd_nxt_));
      if (in_flight > 0 && in_flight + length > window) break;
      const bool retransmission = snd_nxt_ < highest_sent_;
      send_segment(0, snd_nxt_, length, retransmission);
      if (!timing_ && !retransmission) {
        timing_ = true;
        timed_end_ = snd_nxt_ + length;
        timed_at_ = host_.simulator().now();
      }
      snd_nxt_ += length;
    } else if (fin_requested_ && snd_nxt_ == fin_offset_) {
      send_control(tcp_flag::fin | tcp_flag::ack, wire_sequence(fin_offset_), highest_sent_ > fin_offset_);
      snd_nxt_ = fin_offset_ + 1;
    } else {
      break;
    }
    highest_sent_ = std::max(highest_sent_, snd_nxt_);
    if (timer_ == 0) arm_timer();
  }
}

void TcpStream::retransmit_first() {
  const std::size_t mss = host_.network().tcp_options().mss;
  timing_ = false;  // Karn's rule: never time a retransmitted segment
  if (snd_una_ < data_end()) {
    const std::size_t length = static_cast<std::size_t>(std::min<std::uint64_t>(mss, data_end() - snd_una_));
    send_segment(0, snd_una_, length, true);
    snd_nxt_ = std::max(snd_nxt_, snd_una_ + length);
  } else if (fin_requested_ && snd_una_ == fin_offset_) {
    send_control(tcp_flag::fin | tcp_flag::ack, wire_sequence(fin_offset_), true);
    snd_nxt_ = std::max(snd_nxt_, fin_offset_ + 1);
  }
}

// --- timers ----------------------------------------------------------------------------------

void TcpStream::arm_timer() {
  cancel_timer();
  std::weak_ptr<TcpStream> weak = weak_from_this();
  timer_ = host_.simulator().schedule_in(rto_, [weak] {
    if (auto stream = weak.lock()) stream->on_timeout();
  });
}

void TcpStream::cancel_timer() {
  if (timer_ != 0) host_.simulator().cancel(timer_);
  timer_ = 0;
}

void TcpStream::update_rtt(Time sample) {
  // RFC 6298 §2.2 and §2.3 (alpha = 1/8, beta = 1/4, K = 4).
  const TcpOptions& options = host_.network().tcp_options();
  if (!have_rtt_) {
    srtt_ = sample;
    rttvar_ = sample / 2;
    have_rtt_ = true;
  } else {
    const Time deviation = srtt_ > sample ? srtt_ - sample : sample - srtt_;
    rttvar_ = (3 * rttvar_ + deviation) / 4;
    srtt_ = (7 * srtt_ + sample) / 8;
  }
  rto_ = std::clamp(srtt_ + std::max<Time>(1, 4 * rttvar_), options.min_rto, options.max_rto);
}

// RFC 6298 §5.7: when a SYN had to be retransmitted, data starts with an RTO of 3 s (3 times the
// initial 1 s) rather than the backed-off value; ours scales with initial_rto.
void TcpStream::reset_rto_after_lost_handshake() {
  const TcpOptions& options = host_.network().tcp_options();
  rto_ = std::clamp(3 * options.initial_rto, options.min_rto, options.max_rto);
}

void TcpStream::on_timeout() {
  timer_ = 0;
  auto self = shared_from_this();
  const TcpOptions& options = host_.network().tcp_options();
  // RFC 6298 §5.5: every expiry backs the timer off.
  const Time backed_off = std::min(rto_ * 2, options.max_rto);
  switch (state_) {
    case State::closed:
      return;
    case State::syn_sent:
      if (++consecutive_timeouts_ > options.syn_retries) {
        fail_connect(ConnectError::timeout);
        return;
      }
      timing_ = false;
      rto_ = backed_off;
      send_control(tcp_flag::syn, iss_, true);
      arm_timer();
      return;
    case State::syn_received:
      if (++consecutive_timeouts_ > options.syn_retries) {
        finish(std::nullopt);  // the application never saw this connection
        return;
      }
      timing_ = false;
      rto_ = backed_off;
      send_control(tcp_flag::syn | tcp_flag::ack, iss_, true);
      arm_timer();
      return;
    case State::established:
      break;
  }
  if (snd_una_ >= highest_sent_) return;  // nothing outstanding
  if (++consecutive_timeouts_ > options.data_retries) {
    note("timeout: no acknowledgment after " + std::to_string(options.data_retries) + " retransmissions");
    finish(CloseReason::timeout);
    return;
  }
  // RFC 5681 §3.1: after a timeout, ssthresh = half the flight and restart from one segment;
  // go back to the first unacknowledged byte (what the receiver already holds it acknowledges).
  const std::uint64_t in_flight = highest_sent_ - snd_una_;
  ssthresh_ = std::max<std::size_t>(static_cast<std::size_t>(in_flight / 2), 2 * options.mss);
  cwnd_ = options.mss;
  in_recovery_ = false;
  duplicate_acks_ = 0;
  timing_ = false;
  rto_ = backed_off;
  snd_nxt_ = snd_una_;
  pump();
  arm_timer();
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
  send_buffer_.append(bytes);
  pump();  // only queues packets on links: nothing is delivered inside this call
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
