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
};

struct BridgeCounters {
  std::uint64_t connections = 0;        // real TCP connections accepted
  std::uint64_t connections_failed = 0;  // ... whose simulated connect failed
  std::uint64_t datagrams_in = 0;       // real datagrams relayed into the simulation
  std::uint64_t datagrams_out = 0;      // simulated answers sent back to real senders
  std::uint64_t bytes_in = 0;           // TCP bytes from real clients
  std::uint64_t bytes_out = 0;          // TCP bytes to real clients
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

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace maillab::bridge
