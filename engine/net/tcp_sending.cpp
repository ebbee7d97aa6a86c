// The sending half of TcpStream: segments, the congestion window (RFC 5681), and the
// retransmission timer (RFC 6298). Receiving, opening and closing are in tcp_stream.cpp.
#include <algorithm>
#include <iterator>

#include "engine/net/host_transport.h"
#include "engine/net/network_impl.h"
#include "engine/net/tcp_stream.h"

namespace maillab::engine {

// --- sending segments ------------------------------------------------------------------------

void TcpStream::send_control(std::uint8_t flags, std::uint32_t sequence, bool retransmission) {
  auto packet = make_tcp_packet(id_, local_, remote_, protocol_name());
  packet->tcp.sequence = sequence;
  packet->tcp.flags = flags;
  packet->tcp.window = advertised_window_ = receive_window();
  if (flags & tcp_flag::ack) packet->tcp.acknowledgment = irs_ + 1 + static_cast<std::uint32_t>(rcv_nxt_);
  // Relative numbers, as Wireshark shows them: the SYN counts as one.
  packet->segment.kind = SegmentNote::Kind::control;
  packet->segment.relative_ack = static_cast<std::uint32_t>(rcv_nxt_ + 1);
  packet->segment.retransmission = retransmission;
  ++segments_sent_;
  host_.transport().send_packet(std::move(packet));
}

void TcpStream::send_segment(std::uint8_t flags, std::uint64_t offset, std::size_t length, bool retransmission) {
  auto packet = make_tcp_packet(id_, local_, remote_, protocol_name());
  packet->tcp.sequence = wire_sequence(offset);
  packet->tcp.acknowledgment = irs_ + 1 + static_cast<std::uint32_t>(rcv_nxt_);
  packet->tcp.flags = flags | tcp_flag::ack | tcp_flag::psh;
  packet->tcp.window = advertised_window_ = receive_window();
  send_queue_.copy(offset, length, packet->data);
  packet->segment.kind = SegmentNote::Kind::data;
  packet->segment.retransmission = retransmission;
  packet->segment.tls = tls_;
  // A segment is named by the label of the bytes it starts in, if the application gave one.
  if (auto after = labels_.upper_bound(offset); after != labels_.begin() && !tls_)
    packet->segment.label = std::prev(after)->second;
  ++segments_sent_;
  host_.transport().send_packet(std::move(packet));
}

// Sends whatever the congestion window allows: new data, then our FIN once the data is out.
void TcpStream::pump() {
  if (state_ != State::established) return;
  const TcpOptions& options = host_.network().tcp_options();
  // The congestion window, and never past the peer's receive window (RFC 9293 §3.8.6).
  const std::size_t window = std::min({cwnd_, options.max_window, peer_window_});
  for (;;) {
    const std::uint64_t in_flight = snd_nxt_ - snd_una_;
    if (snd_nxt_ < data_end()) {
      std::size_t length = static_cast<std::size_t>(std::min<std::uint64_t>(options.mss, data_end() - snd_nxt_));
      if (in_flight > 0 && in_flight + length > window) break;
      // Nothing in flight and a window smaller than a segment: send what fits, or one byte to
      // probe a shut window (§3.8.6.1); the retransmission timer repeats the probe, backed off.
      if (in_flight == 0 && length > window) length = std::max<std::size_t>(window, 1);
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
    if (!timer_running()) arm_timer();  // RFC 6298 §5.1
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
  rto_due_ = host_.simulator().now() + rto_;
  if (timer_ && timer_event_at_ <= rto_due_) return;  // it will wait out the rest when it comes
  host_.simulator().cancel_timer(timer_);  // due after the new deadline (the RTO shrank)
  schedule_timer_event(rto_due_);
}

void TcpStream::stop_timer() { rto_due_ = no_deadline; }

void TcpStream::cancel_timer() {
  rto_due_ = no_deadline;
  host_.simulator().cancel_timer(timer_);
}

void TcpStream::schedule_timer_event(Time at) {
  std::weak_ptr<TcpStream> weak = weak_from_this();
  timer_event_at_ = at;
  ++host_.network().transport_counters().timer_events;
  timer_ = host_.simulator().schedule_at(at, [weak] {
    if (auto stream = weak.lock()) stream->on_timer_event();
  });
}

void TcpStream::on_timer_event() {
  timer_ = 0;
  if (!timer_running()) return;  // stopped since: nothing to do
  if (const Time now = host_.simulator().now(); now < rto_due_) return schedule_timer_event(rto_due_);
  on_timeout();
}

// The RTO from the current estimates, undoing a back-off (after the peer's window reopens).
void TcpStream::recompute_rto() {
  if (!have_rtt_) return;
  const TcpOptions& options = host_.network().tcp_options();
  rto_ = std::clamp(srtt_ + std::max<Time>(1, 4 * rttvar_), options.min_rto, options.max_rto);
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
  rto_due_ = no_deadline;
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
    note([&] { return "timeout: no acknowledgment after " + std::to_string(options.data_retries) + " retransmissions"; });
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

}  // namespace maillab::engine
