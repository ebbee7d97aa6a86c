// The TCP-like reliable byte stream (RFC 9293, much simplified, internal to engine/net).
//
// What it does like TCP: three-way handshake with a per-host deterministic ISN; 32-bit sequence
// numbers that wrap; MSS-sized segments; every segment that carries data acknowledged in the
// instant it arrives, on the application's answer when it sends one then (a delayed ACK with no
// delay: no timer); out-of-order segments buffered by the receiver; retransmission timer per
// RFC 6298 (SRTT/RTTVAR estimation with Karn's rule, exponential back-off up to max_rto);
// slow start, congestion avoidance, fast retransmit on three duplicate ACKs and NewReno partial
// ACKs (RFC 5681, RFC 6582); RST for a SYN to a closed port; FIN in both directions.
//
// Flow control: the receiver advertises the room it has left while the application has paused
// reading (otherwise the whole 65535 bytes); the sender never sends past the peer's window, and
// while it is shut sends one-byte probes on the retransmission timer (backed off, and never
// counted against the connection while the peer keeps answering).
//
// Simplifications, on purpose: a window of at most 65535 bytes (no scaling), no
// TIME-WAIT (a retransmitted FIN that finds no connection gets an RST, which a peer that has
// already closed ignores), no urgent data, no options on the wire.
//
// Closing: close() means "I am done sending"; the peer's on_closed(normal) follows the last byte.
// A side that receives FIN closes its own direction right after its on_closed(normal) returns
// (anything it queued first still goes out), so no connection lingers half-open. Its FIN (or the
// last data before it) acknowledges the peer's FIN, as real stacks do: FIN, FIN-ACK, ACK, with
// no separate ACK unless nothing else could carry it.
//
// Callbacks: on_connected, the listener's on_accept, on_data, on_closed and on_failed are only
// called from simulator events (a packet arriving, a timer), never from inside send()/close().
// Each callback runs on a copy of the handler with a strong reference held, so an application may
// drop its shared_ptr, replace the handlers, or call close()/abort() from inside one.
#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "engine/net/byte_queue.h"
#include "engine/net/host.h"
#include "engine/net/packet.h"

namespace maillab::engine {

class TcpStream final : public StreamConnection, public std::enable_shared_from_this<TcpStream> {
 public:
  enum class State { syn_sent, syn_received, established, closed };
  using AcceptHandler = std::function<void(std::shared_ptr<StreamConnection>)>;

  TcpStream(Host& host, std::uint64_t id, Endpoint local, Endpoint remote);
  ~TcpStream() override;

  // --- StreamConnection ---
  std::uint64_t id() const override { return id_; }
  Endpoint local() const override { return local_; }
  Endpoint remote() const override { return remote_; }
  bool is_open() const override { return state_ != State::closed && !fin_requested_; }
  void send(std::string_view bytes) override;
  void send(std::string_view bytes, std::string label) override;
  void close() override;
  void abort() override;
  void set_tls(bool on) override;
  bool tls() const override { return tls_; }
  void pause_reading() override;
  void resume_reading() override;
  bool reading_paused() const override { return reading_paused_; }
  std::uint64_t send_backlog() const override { return data_end() - std::min(snd_una_, data_end()); }

  // --- driven by Host::Transport ---
  void start_connect(ConnectHandlers handlers);                 // client: SYN
  void start_accept(const Packet& syn, AcceptHandler on_accept);  // server: SYN-ACK
  void receive(const Packet& packet);
  void vanish();  // the host crashed: no packet, just gone (apps hear host_down)
  void release_handlers();  // teardown: the application's handlers dropped, none called

  State state() const { return state_; }

 private:
  // Sequence space offsets: data byte n has offset n; our FIN takes offset fin_offset_.
  std::uint32_t wire_sequence(std::uint64_t offset) const { return iss_ + 1 + static_cast<std::uint32_t>(offset); }
  static std::int64_t unwrap(std::uint32_t wire, std::uint32_t base_wire, std::uint64_t base_offset);

  void send_segment(std::uint8_t flags, std::uint64_t offset, std::size_t length, bool retransmission);
  void send_control(std::uint8_t flags, std::uint32_t sequence, bool retransmission = false);
  void send_ack() { send_control(tcp_flag::ack, wire_sequence(snd_nxt_)); }
  void pump();
  void retransmit_first();
  // The retransmission timer (RFC 6298 §5) is a deadline, `rto_due_`, with at most one event
  // pending at or before it. Restarting it on every ACK and send only moves the deadline; an event
  // that comes due early schedules itself again for the rest. Scheduling and cancelling an event
  // each time had left tens of thousands of cancelled events queued in a busy world.
  void arm_timer();        // (re)starts it: due one RTO from now
  void stop_timer();       // turns it off (all data acknowledged); a pending event will find nothing due
  void cancel_timer();     // turns it off for good (the connection is closed): the event is cancelled too
  bool timer_running() const { return rto_due_ != no_deadline; }
  void schedule_timer_event(Time at);
  void on_timer_event();
  void on_timeout();
  void handle_ack(const Packet& packet);
  void handle_data(const Packet& packet);
  // The bytes of a segment starting at offset `start` that are now in order (with any held
  // out-of-order segments they join up with); a segment ahead of them is held.
  std::string take_in_order(std::int64_t start, const Packet& packet);
  // In-order bytes to the application, or held while reading is paused. False: the stream closed.
  bool hand_to_application(std::string delivered);
  void update_rtt(Time sample);
  void reset_rto_after_lost_handshake();
  // Every state change goes through here (smoltcp's set_state). No trace record: the transport
  // notes ("connect", "established", "accept", "close") already tell the story.
  void enter_state(State state) { state_ = state; }
  // Our SYN (or SYN-ACK) was answered: established, the handshake timed for the RTO (RFC 6298).
  void complete_handshake();
  void maybe_finish();
  void peer_closed(std::uint64_t segments_before);
  void deliver_held();
  std::uint16_t receive_window() const;
  void recompute_rto();
  void finish(std::optional<CloseReason> notify);
  void fail_connect(ConnectError error);
  std::uint64_t data_end() const { return send_queue_.end_offset(); }
  std::string_view protocol_name() const;
  std::string peer_label() const;
  // A transport record; `summary` is called only when somebody wants the record (Trace::wanted).
  template <typename MakeSummary>
  void note(MakeSummary&& summary) {
    if (Trace& trace = host_.simulator().trace(); !trace.wanted()) return trace.skip();
    note_now(summary());
  }
  void note(const char* summary) { note([summary] { return std::string(summary); }); }
  void note_now(std::string summary);

  Host& host_;
  std::uint64_t id_;
  Endpoint local_, remote_;
  State state_ = State::closed;
  bool tls_ = false;
  ConnectHandlers connect_handlers_;
  AcceptHandler accept_handler_;

  // Sender (RFC 9293 §3.3.1 names): offsets rather than wrapped numbers.
  std::uint32_t iss_ = 0;
  std::uint64_t snd_una_ = 0, snd_nxt_ = 0, highest_sent_ = 0;
  ByteQueue send_queue_;  // from snd_una_'s byte on: unacknowledged, then unsent (byte_queue.h)
  std::map<std::uint64_t, std::string> labels_;  // stream offset where labelled bytes start -> label
  bool fin_requested_ = false;
  std::uint64_t fin_offset_ = 0;  // valid when fin_requested_
  bool fin_acked_ = false;

  // Congestion control (RFC 5681) and loss recovery (RFC 6582).
  std::size_t cwnd_ = 0, ssthresh_ = 0;
  int duplicate_acks_ = 0;
  bool in_recovery_ = false;
  std::uint64_t recover_ = 0;

  // Retransmission timer (RFC 6298).
  Time rto_ = 0;
  Time srtt_ = 0, rttvar_ = 0;
  bool have_rtt_ = false;
  bool timing_ = false;
  std::uint64_t timed_end_ = 0;
  Time timed_at_ = 0;
  static constexpr Time no_deadline = -1;
  Time rto_due_ = no_deadline;       // when the running timer expires
  Simulator::EventId timer_ = 0;     // the pending timer event, if any
  Time timer_event_at_ = 0;          // and its time (never after rto_due_ while the timer runs)
  int consecutive_timeouts_ = 0;

  // Receiver.
  std::uint32_t irs_ = 0;
  std::uint64_t rcv_nxt_ = 0;
  std::map<std::uint64_t, std::string> out_of_order_;
  std::optional<std::uint64_t> peer_fin_offset_;
  bool peer_fin_received_ = false;
  bool closed_notified_ = false;
  std::string undelivered_;  // data that arrived before the application set on_data, or while paused
  bool reading_paused_ = false;
  bool fin_waiting_ = false;  // the peer's FIN arrived while paused: on_closed waits for resume
  Simulator::EventId resume_event_ = 0;
  std::uint16_t advertised_window_ = 65535;  // the window our last segment offered

  // The peer's receive window (RFC 9293 §3.8.6), from its last acceptable segment.
  std::size_t peer_window_ = 65535;
  std::uint64_t segments_sent_ = 0;  // every segment we sent, to know whether an ACK went out

  void count_moved(std::size_t bytes);  // into the network's TransportCounters
};

}  // namespace maillab::engine
