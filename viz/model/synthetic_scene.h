// Scenes that need no scenario file: a scripted demo of one message's trip (alice submits, DNS
// finds the MX, a SYN is lost and retried, the MX delivers, bob reads it over IMAP, a link goes
// down and up), and random traffic at a chosen rate (the GUI benchmark's 2,000 packets in flight).
// Both run a tiny store-and-forward network of their own on an engine::Simulator and write the
// same trace records the real network writes, so every view of the visualizer can be exercised
// and tested without engine/net.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "viz/model/scene.h"

namespace maillab::viz {

// The demo's timetable, for tests that look at a known moment.
struct DemoTimes {
  static constexpr engine::Time link_latency = engine::milliseconds(10);
  static constexpr engine::Time first_packet = 0;
  // bob-phone <-> core-router is down in [link_down, link_up).
  static constexpr engine::Time link_down = engine::milliseconds(1500);
  static constexpr engine::Time link_up = engine::milliseconds(2500);
};
std::unique_ptr<Scene> make_demo_scene(std::uint64_t seed = 1);

struct TrafficOptions {
  std::uint64_t seed = 1;
  int nodes = 24;
  double packets_per_second = 2000;
  engine::Time hop_duration = engine::seconds(1);  // each hop's flight time (+/- 25 %)
  double loss = 0.01;
  engine::Time until = engine::seconds(60);
};
std::unique_ptr<Scene> make_traffic_scene(const TrafficOptions& options);

// An IPv4 packet with a UDP (protocol 17) or TCP (6) header around `payload`, as the network
// would put in a hop record. tcp_flags is used for TCP only.
std::vector<std::uint8_t> build_ipv4_packet(std::uint32_t source, std::uint32_t destination, bool udp,
                                            std::uint16_t source_port, std::uint16_t destination_port,
                                            const std::vector<std::uint8_t>& payload, std::uint8_t tcp_flags = 0x18);

}  // namespace maillab::viz
