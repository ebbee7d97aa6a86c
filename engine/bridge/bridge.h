// The bridge: real loopback sockets in front of a running simulation (`maillab bridge`).
//
// Every served port (gateway.h) gets a real socket on the bind address. A real TCP connection
// becomes a simulated connection from the gateway host to that server's port, and bytes are
// copied both ways; an orderly close (FIN) and a reset (RST) cross over in both directions, and a
// simulated connect that fails (refused, timeout, unreachable) resets the real connection. A real
// UDP datagram becomes a simulated datagram from the gateway host, and the answer goes back to
// the real sender. The simulator runs in real time (times `speed`): a timer ticks every few
// milliseconds and runs every event up to the elapsed wall time.
//
// Everything runs on one thread (Asio's event loop calls into the simulator between ticks), so
// the simulation needs no locks and stays exactly as deterministic as its inputs' timing allows.
// A tick runs the simulation for at most a few milliseconds of wall time before it lets sockets
// and signals in again, so SIGINT/SIGTERM stop the bridge within a second whatever its load.
//
// Limits, so that a classroom of curious students cannot take it down (each in the counters):
// - connections: at most max_connections real TCP connections at once, and max_connections_per_port
//   on any one port (never more than the process's file limit allows). One over the limit gets
//   its protocol's own refusal and is closed: SMTP `421 4.3.2` (RFC 5321 §3.8, §4.2.3), POP3
//   `-ERR [SYS/TEMP]` (RFC 3206 §4), IMAP `* BYE [UNAVAILABLE]` (RFC 3501 §7.1.5, RFC 5530 §3);
//   on an implicit-TLS or any other port it is just closed.
// - back-pressure: at most max_buffered_per_connection bytes wait for a real client to read them.
//   Past that the bridge stops taking bytes from the simulated connection (whose window then
//   shuts, so the simulated server stops sending) and stops reading the real client, until the
//   client has read half of it. It also stops reading a client whose bytes the simulated server
//   has not taken yet (more than the same limit queued toward it).
// - file descriptors: when accept() fails (out of file descriptors) it waits before trying again,
//   from 10 ms up to 1 s, instead of spinning.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/bridge/gateway.h"
#include "engine/bridge/port_plan.h"
#include "engine/core/simulator.h"

namespace maillab::bridge {

struct BridgeOptions {
  std::string bind_address = "127.0.0.1";
  std::uint16_t base_port = 20000;  // see port_plan.h; 0 lets the system choose
  double speed = 1.0;               // simulated seconds per wall second
  std::optional<std::chrono::milliseconds> run_for;  // stop after this much wall time
  std::chrono::milliseconds tick{2};
  bool handle_signals = true;  // SIGINT/SIGTERM stop run() cleanly
  std::size_t max_connections = 256;          // real TCP connections open at once, all ports together
  std::size_t max_connections_per_port = 64;  // ... on any one served port
  std::size_t max_buffered_per_connection = 1024 * 1024;  // bytes waiting for a real client to read
};

// True for 127.0.0.0/8 and ::1 (and false for anything that is not an address).
bool is_loopback_address(const std::string& address);

struct BridgeCounters {
  std::uint64_t connections = 0;        // real TCP connections accepted
  std::uint64_t connections_failed = 0;  // ... whose simulated connect failed
  std::uint64_t datagrams_in = 0;       // real datagrams relayed into the simulation
  std::uint64_t datagrams_out = 0;      // simulated answers sent back to real senders
  std::uint64_t bytes_in = 0;           // TCP bytes from real clients
  std::uint64_t bytes_out = 0;          // TCP bytes to real clients
  std::uint64_t connections_refused = 0;  // over a connection limit: refused in their protocol
  std::uint64_t accept_errors = 0;        // accept() failures (e.g. out of file descriptors), each backed off
  std::uint64_t reads_paused = 0;         // times a real client's replies piled up and reading stopped
  std::uint64_t peak_buffered = 0;        // most bytes ever waiting for one real client to read them
};

enum class StopReason { time_limit, signal, stopped };

class Bridge {
 public:
  Bridge(engine::Simulator& simulator, Gateway& gateway, BridgeOptions options);
  ~Bridge();
  Bridge(const Bridge&) = delete;
  Bridge& operator=(const Bridge&) = delete;

  // Binds every real socket. False with a message naming the port when one cannot be bound
  // (in use, bad bind address) or the plan does not fit; nothing stays bound then.
  bool open(std::string& error);

  // After open(): each served port with the real port it got.
  const std::vector<PlannedPort>& ports() const;

  // Runs the event loop and the simulated clock until run_for elapses, a signal arrives, or
  // stop() is called (from a handler or another thread); then closes every real socket.
  StopReason run();
  void stop();

  const BridgeCounters& counters() const;
  // After open(): the options in force (max_connections lowered to fit the file limit, if need be).
  const BridgeOptions& options() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace maillab::bridge
