#include "engine/net/tcp_stream.h"

#include <algorithm>
#include <iterator>

#include "engine/net/host_transport.h"
#include "engine/net/network_impl.h"

namespace maillab::engine {

TcpStream::TcpStream(Host& host, std::uint64_t id, Endpoint local, Endpoint remote)
    : host_(host), id_(id), local_(local), remote_(remote),
      send_queue_(&host.network().transport_counters().stream_bytes_moved) {
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

std::string_view TcpStream::protocol_name() const { return protocol_name_for(local_.port, remote_.port, ip_protocol_tcp); }

std::string TcpStream::peer_label() const { return host_.network().impl().label_for(remote_.address); }

void TcpStream::count_moved(std::size_t bytes) { host_.network().transport_counters().stream_bytes_moved += bytes; }

void TcpStream::note_now(std::string summary) {
  host_.network().impl().record_transport(host_.name(), peer_label(), std::string(protocol_name()), std::move(summary),
                                          id_);
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
      complete_handshake();
      send_ack();
      note([&] { return "established " + format_endpoint(local_) + " -> " + format_endpoint(remote_); });
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
      complete_handshake();
      note([&] { return "accept " + format_endpoint(local_) + " <- " + format_endpoint(remote_); });
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

void TcpStream::complete_handshake() {
  enter_state(State::established);
  stop_timer();
  if (timing_)
    update_rtt(host_.simulator().now() - timed_at_);
  else
    reset_rto_after_lost_handshake();
  timing_ = false;
  consecutive_timeouts_ = 0;
}

void TcpStream::handle_ack(const Packet& packet) {
  const TcpHeader& header = packet.tcp;
  if (!(header.flags & tcp_flag::ack)) return;
  const TcpOptions& options = host_.network().tcp_options();
  const std::int64_t acked = unwrap(header.acknowledgment, wire_sequence(snd_una_), snd_una_);
  if (acked < static_cast<std::int64_t>(snd_una_) || acked > static_cast<std::int64_t>(highest_sent_)) return;
  const auto acked_to = static_cast<std::uint64_t>(acked);
  const std::size_t window_before = peer_window_;
  peer_window_ = header.window;
  if (window_before == 0 && peer_window_ > 0) recompute_rto();  // probing backed it off
  // RFC 9293 §3.8.6.1: a peer that answers with a shut window is alive; probing goes on for as
  // long as it does.
  if (peer_window_ == 0) consecutive_timeouts_ = 0;

  if (acked_to > snd_una_) {
    const std::uint64_t newly_acked = acked_to - snd_una_;
    const std::uint64_t data_acked_to = std::min(acked_to, data_end());
    if (data_acked_to > send_queue_.begin_offset()) {
      send_queue_.release_until(data_acked_to);
      // Labels of acknowledged bytes are no longer needed (keep the one the rest starts in).
      while (labels_.size() > 1 && std::next(labels_.begin())->first <= send_queue_.begin_offset())
        labels_.erase(labels_.begin());
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
      stop_timer();
    else
      arm_timer();
    pump();
    maybe_finish();
    return;
  }
  const bool pure_ack = packet.data.empty() && !(header.flags & (tcp_flag::syn | tcp_flag::fin));
  if (pure_ack && peer_window_ > window_before) {
    // A window update (the peer read what it held): send again at once.
    pump();
    return;
  }
  // RFC 5681 §2: an ACK that changes the window is no duplicate.
  if (acked_to == snd_una_ && pure_ack && highest_sent_ > snd_una_ && peer_window_ == window_before &&
      peer_window_ != 0) {
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
  // The usual segment is the very next bytes, with nothing held back or waiting out of order and
  // a reader ready: the application reads it in place, from the packet (alive until we return),
  // instead of from a string made for it.
  std::string delivered;
  std::string_view in_place;
  if (length > 0 && start == static_cast<std::int64_t>(rcv_nxt_) && out_of_order_.empty() && undelivered_.empty() &&
      on_data && !reading_paused_) {
    in_place = std::string_view(reinterpret_cast<const char*>(packet.data.data()), length);
    rcv_nxt_ += length;
  } else {
    delivered = take_in_order(start, packet);
  }
  if (has_fin && start >= 0) peer_fin_offset_ = static_cast<std::uint64_t>(start) + length;
  bool fin_now = false;
  if (peer_fin_offset_ && rcv_nxt_ == *peer_fin_offset_) {
    rcv_nxt_ += 1;  // the FIN takes one sequence number
    peer_fin_received_ = true;
    fin_now = true;
  }
  // Data is acknowledged in this same instant, after the application has had it: whatever the
  // application sends back at once carries the ACK, and only when it sends nothing does a bare
  // ACK go (RFC 9293 §3.10.7.4: the ACK rides on a segment being sent when that costs no undue
  // delay). It is the delayed ACK of RFC 9293 §3.8.6.3 (RFC 1122 §4.2.3.2) with no delay: no
  // timer, never later than now, so every segment is still acknowledged, and one out of order
  // is acknowledged at once (a duplicate ACK, RFC 5681 §4.2). A request answered on the spot
  // (an SMTP command and its reply) is then two packets, not four, as on a real wire. A FIN is
  // acknowledged by whatever we send next (peer_closed).
  const std::uint64_t segments_before = segments_sent_;
  auto self = shared_from_this();
  if (!in_place.empty()) {
    auto handler = on_data;  // as hand_to_application: the handler may replace on_data
    handler(in_place);
    if (state_ == State::closed) return;
  } else if (!hand_to_application(std::move(delivered))) {
    return;
  }
  if (!fin_now && segments_sent_ == segments_before) send_ack();
  if (fin_now) {
    if (reading_paused_) {
      fin_waiting_ = true;  // on_closed after the held bytes, when reading resumes
      send_ack();
      return;
    }
    peer_closed(segments_before);
  }
}

std::string TcpStream::take_in_order(std::int64_t start, const Packet& packet) {
  const std::size_t length = packet.data.size();
  const auto next = static_cast<std::int64_t>(rcv_nxt_);
  std::string delivered;
  if (length == 0) return delivered;
  const std::int64_t end = start + static_cast<std::int64_t>(length);
  const char* bytes = reinterpret_cast<const char*>(packet.data.data());
  if (end <= next) {
    // A duplicate: acknowledged again by the caller.
  } else if (start <= next) {
    const auto skip = static_cast<std::size_t>(next - start);
    // While paused, only what fits in the window we offered is taken; the rest comes again.
    const std::size_t room = reading_paused_ ? receive_window() : length;
    const std::size_t take = std::min(length - skip, room);
    delivered.append(bytes + skip, take);
    count_moved(take);
    rcv_nxt_ += take;
    // Out-of-order segments that now fit follow at once.
    while (!out_of_order_.empty() && out_of_order_.begin()->first <= rcv_nxt_) {
      auto first = out_of_order_.begin();
      const std::uint64_t segment_end = first->first + first->second.size();
      if (reading_paused_ && segment_end > rcv_nxt_ &&
          segment_end - rcv_nxt_ > receive_window() - std::min<std::size_t>(receive_window(), delivered.size()))
        break;
      if (segment_end > rcv_nxt_) {
        delivered.append(first->second, static_cast<std::size_t>(rcv_nxt_ - first->first));
        count_moved(static_cast<std::size_t>(segment_end - rcv_nxt_));
        rcv_nxt_ = segment_end;
      }
      out_of_order_.erase(first);
    }
  } else if (start - next < static_cast<std::int64_t>(4 * host_.network().tcp_options().max_window)) {
    std::string& slot = out_of_order_[static_cast<std::uint64_t>(start)];
    if (slot.size() < length) {
      slot.assign(bytes, length);
      count_moved(length);
    }
  }
  return delivered;
}

bool TcpStream::hand_to_application(std::string delivered) {
  if (delivered.empty()) return true;
  if (!on_data || reading_paused_) {
    count_moved(delivered.size());
    undelivered_ += delivered;
    return true;
  }
  auto handler = on_data;
  if (!undelivered_.empty()) {
    count_moved(undelivered_.size() + delivered.size());
    delivered.insert(0, undelivered_);
    undelivered_.clear();
  }
  handler(delivered);
  return state_ != State::closed;
}

// The peer's FIN is in (and every byte before it delivered): tell the application, then close
// our direction. RFC 9293 §3.6: our FIN, or data queued ahead of it, carries the ACK of theirs;
// only when nothing could be sent (the window is full, or we had closed first) is a bare ACK due.
void TcpStream::peer_closed(std::uint64_t segments_before) {
  if (!closed_notified_) {
    closed_notified_ = true;
    auto handler = on_closed;
    if (handler) handler(CloseReason::normal);
    if (state_ == State::closed) return;
  }
  close();  // our direction follows (after anything still queued)
  if (segments_sent_ == segments_before) send_ack();
  maybe_finish();
}

// --- flow control (RFC 9293 §3.8.6) ------------------------------------------------------------

std::uint16_t TcpStream::receive_window() const {
  const std::size_t window = std::min<std::size_t>(host_.network().tcp_options().max_window, 65535);
  if (!reading_paused_) return static_cast<std::uint16_t>(window);
  return static_cast<std::uint16_t>(window - std::min(window, undelivered_.size()));
}

void TcpStream::pause_reading() { reading_paused_ = true; }

void TcpStream::resume_reading() {
  if (!reading_paused_) return;
  reading_paused_ = false;
  if (resume_event_ != 0 || state_ == State::closed) return;
  std::weak_ptr<TcpStream> weak = weak_from_this();
  resume_event_ = host_.simulator().schedule_in(0, [weak] {
    if (auto stream = weak.lock()) stream->deliver_held();
  });
}

// Hands over what arrived while paused, then the FIN if it came too, and reopens the window.
void TcpStream::deliver_held() {
  resume_event_ = 0;
  if (state_ == State::closed || reading_paused_) return;
  auto self = shared_from_this();
  const std::size_t full = std::min<std::size_t>(host_.network().tcp_options().max_window, 65535);
  const bool window_was_shrunk = advertised_window_ < full;
  const std::uint64_t segments_before = segments_sent_;
  if (!undelivered_.empty() && on_data) {
    std::string held = std::move(undelivered_);
    undelivered_.clear();
    auto handler = on_data;
    handler(held);
    if (state_ == State::closed || reading_paused_) return;
  }
  if (fin_waiting_) {
    fin_waiting_ = false;
    peer_closed(segments_sent_);  // their FIN was acknowledged when it came: no bare ACK now
    return;
  }
  // RFC 9293 §3.8.6.2.2: tell a sender that stopped for our window that it is open again.
  if (window_was_shrunk && segments_sent_ == segments_before) send_ack();
}

// --- opening and closing ---------------------------------------------------------------------

void TcpStream::start_connect(ConnectHandlers handlers) {
  connect_handlers_ = std::move(handlers);
  enter_state(State::syn_sent);
  iss_ = static_cast<std::uint32_t>(host_.transport().rng.next_u64());
  note([&] { return "connect " + format_endpoint(local_) + " -> " + format_endpoint(remote_); });
  timing_ = true;
  timed_at_ = host_.simulator().now();
  send_control(tcp_flag::syn, iss_);
  arm_timer();
}

void TcpStream::start_accept(const Packet& syn, AcceptHandler on_accept) {
  accept_handler_ = std::move(on_accept);
  enter_state(State::syn_received);
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
  send_queue_.append(bytes);
  pump();  // only queues packets on links: nothing is delivered inside this call
}

void TcpStream::send(std::string_view bytes, std::string label) {
  if (state_ == State::closed || fin_requested_ || bytes.empty()) return;
  labels_[data_end()] = std::move(label);
  send_queue_.append(bytes);
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
  enter_state(State::closed);
  cancel_timer();
  host_.transport().remove_connection({local_.port, remote_}, this);
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
    case ConnectError::timeout:
      note([&] { return "connect timeout: no answer to " + std::to_string(consecutive_timeouts_) + " SYNs"; });
      break;
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
  enter_state(State::closed);
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
