// The TCP-like stream (engine/net/tcp_stream.h via engine/net/host.h): handshake, reliable
// in-order delivery over loss, refusal, timeouts, resets, crashes and callback safety.
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>

#include "engine/net/host.h"
#include "engine/net/network.h"

using namespace maillab::engine;

namespace {

constexpr Address address_client = 0x0a000001, address_server = 0x0a000002;

struct Pair {
  Simulator sim;
  Network net;
  Host* client;
  Host* server;
  std::optional<std::size_t> link;
  explicit Pair(LinkSpec spec = LinkSpec{milliseconds(10), 10'000'000, 0.0, true}, std::uint64_t seed = 1)
      : sim(seed), net(sim) {
    client = net.add_host("client", address_client);
    server = net.add_host("server", address_server);
    link = net.add_link("client", "server", spec);
  }
  std::vector<const TraceRecord*> records(TraceKind kind, std::string_view containing = {}) const {
    std::vector<const TraceRecord*> result;
    for (const auto& r : sim.trace().records())
      if (r.kind == kind && r.summary.find(containing) != std::string::npos) result.push_back(&r);
    return result;
  }
};

std::string pattern(std::size_t size) {
  std::string data(size, '\0');
  std::uint32_t x = 12345;
  for (auto& c : data) {
    x = x * 1103515245 + 12345;
    c = static_cast<char>(x >> 16);
  }
  return data;
}

}  // namespace

TEST_CASE("handshake, a request and a reply, and a clean close", "[engine][tcp]") {
  Pair p;
  std::string server_got, client_got;
  std::vector<CloseReason> server_closed, client_closed;
  std::shared_ptr<StreamConnection> accepted;
  REQUIRE(p.server->listen(25, [&](std::shared_ptr<StreamConnection> c) {
    accepted = c;
    c->send("220 server ready\r\n");
    c->on_data = [&, raw = c.get()](std::string_view bytes) {
      server_got += bytes;
      if (server_got.find("QUIT\r\n") != std::string::npos) {
        raw->send("221 bye\r\n");
        raw->close();
      }
    };
    c->on_closed = [&](CloseReason r) { server_closed.push_back(r); };
  }));
  CHECK_FALSE(p.server->listen(25, [](auto) {}));
  std::shared_ptr<StreamConnection> connection;
  bool failed = false;
  p.client->connect(Endpoint{address_server, 25},
                    ConnectHandlers{[&](std::shared_ptr<StreamConnection> c) {
                                      connection = c;
                                      c->on_data = [&](std::string_view bytes) { client_got += bytes; };
                                      c->on_closed = [&](CloseReason r) { client_closed.push_back(r); };
                                      c->send("QUIT\r\n");
                                    },
                                    [&](ConnectError) { failed = true; }});
  p.sim.run();
  CHECK_FALSE(failed);
  REQUIRE(connection);
  REQUIRE(accepted);
  CHECK(connection->id() == accepted->id());
  CHECK(connection->remote() == Endpoint{address_server, 25});
  CHECK(accepted->remote() == connection->local());
  CHECK(connection->local().port >= 49152);
  CHECK(server_got == "QUIT\r\n");
  CHECK(client_got == "220 server ready\r\n221 bye\r\n");
  CHECK(client_closed == std::vector<CloseReason>{CloseReason::normal});
  CHECK(server_closed == std::vector<CloseReason>{CloseReason::normal});
  CHECK_FALSE(connection->is_open());

  const auto hops = p.records(TraceKind::hop);
  REQUIRE(hops.size() >= 3);
  CHECK(hops[0]->summary == "SYN");
  CHECK(hops[0]->protocol == "SMTP");
  CHECK(hops[0]->connection == connection->id());
  CHECK(hops[1]->summary == "SYN-ACK");
  CHECK(hops[2]->summary == "ACK 1");
  CHECK(p.records(TraceKind::hop, "220 server ready (data, 18 bytes)").size() == 1);
  CHECK(p.records(TraceKind::hop, "QUIT (data").size() == 1);
  CHECK(p.records(TraceKind::hop, "FIN").size() == 2);
  CHECK(p.records(TraceKind::transport, "connect").size() == 1);
  CHECK(p.records(TraceKind::transport, "accept").size() == 1);
  CHECK(p.records(TraceKind::transport, "established").size() == 1);
  CHECK(p.records(TraceKind::drop).empty());
}

TEST_CASE("200 kB cross a 20%-loss link byte-exact and in order", "[engine][tcp]") {
  Pair p(LinkSpec{milliseconds(10), 10'000'000, 0.2, true}, 2024);
  const std::string data = pattern(200'000);
  std::string received;
  int closed_normal = 0;
  bool data_complete_before_close = false;
  p.server->listen(587, [&](std::shared_ptr<StreamConnection> c) {
    c->on_data = [&](std::string_view bytes) { received += bytes; };
    c->on_closed = [&](CloseReason r) {
      if (r == CloseReason::normal) ++closed_normal;
      data_complete_before_close = received.size() == data.size();
    };
  });
  std::shared_ptr<StreamConnection> connection;
  p.client->connect(Endpoint{address_server, 587}, ConnectHandlers{[&](std::shared_ptr<StreamConnection> c) {
                                                                     connection = c;
                                                                     // Several sends, to cross segment edges.
                                                                     c->send(std::string_view(data).substr(0, 1000));
                                                                     c->send(std::string_view(data).substr(1000));
                                                                     c->close();
                                                                   },
                                                                   [](ConnectError) { FAIL("connect failed"); }});
  p.sim.run();
  REQUIRE(received.size() == data.size());
  CHECK(received == data);
  CHECK(closed_normal == 1);
  CHECK(data_complete_before_close);
  CHECK(p.records(TraceKind::drop, "lost on link").size() > 20);  // the loss really happened
  CHECK(p.records(TraceKind::hop, "retransmission").size() > 0);
}

TEST_CASE("connecting to a port nobody listens on is refused with RST", "[engine][tcp]") {
  Pair p;
  std::optional<ConnectError> error;
  p.client->connect(Endpoint{address_server, 143},
                    ConnectHandlers{[](auto) { FAIL("should not connect"); }, [&](ConnectError e) { error = e; }});
  p.sim.run();
  REQUIRE(error);
  CHECK(*error == ConnectError::refused);
  CHECK(to_string(*error) == "refused");
  CHECK(p.records(TraceKind::hop, "RST").size() == 1);
  CHECK(p.records(TraceKind::transport, "refused").size() == 2);  // at the server and at the client
  CHECK(p.sim.now() == 2 * 10'000 + 2 * serialization_time(40, 10'000'000));
}

TEST_CASE("connecting to a crashed host times out within the SYN retry budget", "[engine][tcp]") {
  Pair p;
  p.server->listen(25, [](auto) {});
  p.net.set_node_up("server", false);
  std::optional<ConnectError> error;
  Time failed_at = 0;
  p.client->connect(Endpoint{address_server, 25}, ConnectHandlers{[](auto) { FAIL("should not connect"); },
                                                                  [&](ConnectError e) {
                                                                    error = e;
                                                                    failed_at = p.sim.now();
                                                                  }});
  p.sim.run();
  REQUIRE(error);
  CHECK(*error == ConnectError::timeout);
  // Defaults: SYN at 0, retries after 1, 2 and 4 s, give up 8 s later: 15 s in all.
  CHECK(failed_at == seconds(15));
  const auto syns = p.records(TraceKind::hop, "SYN");
  CHECK(syns.size() == 1 + static_cast<std::size_t>(p.net.tcp_options().syn_retries));
  CHECK(p.records(TraceKind::drop, "host down").size() == syns.size());
  CHECK(p.records(TraceKind::transport, "connect timeout").size() == 1);
}

TEST_CASE("connecting without a route fails as unreachable, never inside connect()", "[engine][tcp]") {
  Pair p;
  p.net.set_link_up(*p.link, false);
  std::optional<ConnectError> error;
  p.client->connect(Endpoint{address_server, 25}, ConnectHandlers{nullptr, [&](ConnectError e) { error = e; }});
  CHECK_FALSE(error.has_value());
  p.sim.run();
  REQUIRE(error);
  CHECK(*error == ConnectError::unreachable);
  CHECK(p.records(TraceKind::transport, "unreachable").size() == 1);
}

TEST_CASE("a peer that vanishes mid-transfer ends the connection with a timeout", "[engine][tcp]") {
  Pair p;
  p.net.tcp_options().data_retries = 3;
  std::optional<CloseReason> client_reason, server_reason;
  Time closed_at = 0;
  p.server->listen(110, [&](std::shared_ptr<StreamConnection> c) {
    c->on_closed = [&](CloseReason r) { server_reason = r; };
    c->on_data = [&](std::string_view) { p.net.set_node_up("server", false); };
  });
  std::shared_ptr<StreamConnection> connection;
  p.client->connect(Endpoint{address_server, 110}, ConnectHandlers{[&](std::shared_ptr<StreamConnection> c) {
                                                                     connection = c;
                                                                     c->on_closed = [&](CloseReason r) {
                                                                       client_reason = r;
                                                                       closed_at = p.sim.now();
                                                                     };
                                                                     c->send("USER bob\r\n");
                                                                     p.sim.schedule_in(seconds(1), [c] {
                                                                       c->send("PASS secret\r\n");
                                                                     });
                                                                   },
                                                                   nullptr});
  p.sim.run();
  CHECK(server_reason == CloseReason::host_down);  // the crashed side's own applications hear it
  REQUIRE(client_reason);
  CHECK(*client_reason == CloseReason::timeout);
  CHECK(closed_at > seconds(1));
  CHECK(p.records(TraceKind::hop, "RST").empty());  // a crash sends nothing
  CHECK(p.records(TraceKind::transport, "timeout").size() == 1);
}

TEST_CASE("abort sends RST and the peer hears reset", "[engine][tcp]") {
  Pair p;
  std::optional<CloseReason> server_reason;
  p.server->listen(993, [&](std::shared_ptr<StreamConnection> c) {
    c->on_closed = [&](CloseReason r) { server_reason = r; };
  });
  p.client->connect(Endpoint{address_server, 993}, ConnectHandlers{[&](std::shared_ptr<StreamConnection> c) {
                                                                     p.sim.schedule_in(milliseconds(50), [c] { c->abort(); });
                                                                   },
                                                                   nullptr});
  p.sim.run();
  REQUIRE(server_reason);
  CHECK(*server_reason == CloseReason::reset);
  CHECK(p.records(TraceKind::hop, "RST").size() == 1);
  CHECK(p.records(TraceKind::hop, "RST")[0]->protocol == "IMAP");
}

TEST_CASE("callbacks are safe when the application drops its pointer or closes inside them", "[engine][tcp]") {
  Pair p;
  std::string received;
  int closed = 0;
  bool inside_send = false;
  bool reentered = false;
  p.server->listen(25, [&](std::shared_ptr<StreamConnection> c) {
    // The handler owns the only application reference and lets go of it inside on_data.
    auto holder = std::make_shared<std::shared_ptr<StreamConnection>>(c);
    c->on_data = [&, holder](std::string_view bytes) {
      if (inside_send) reentered = true;
      received += bytes;
      auto self = *holder;
      holder->reset();
      self->on_data = nullptr;  // replacing the running handler is fine
      inside_send = true;
      self->send("250 ok\r\n");
      inside_send = false;
      self->close();
    };
  });
  std::string reply;
  p.client->connect(Endpoint{address_server, 25}, ConnectHandlers{[&](std::shared_ptr<StreamConnection> c) {
                                                                     c->on_data = [&](std::string_view b) {
                                                                       if (inside_send) reentered = true;
                                                                       reply += b;
                                                                     };
                                                                     c->on_closed = [&](CloseReason) { ++closed; };
                                                                     inside_send = true;
                                                                     c->send("HELO x\r\n");
                                                                     inside_send = false;
                                                                     // Dropped here: the network keeps it.
                                                                   },
                                                                   nullptr});
  p.sim.run();
  CHECK_FALSE(reentered);
  CHECK(received == "HELO x\r\n");
  CHECK(reply == "250 ok\r\n");
  CHECK(closed == 1);
  CHECK(p.sim.pending() == 0);  // no timers left behind
}

TEST_CASE("a host crash loses its connections silently and tells its own applications", "[engine][tcp]") {
  Pair p;
  std::optional<CloseReason> client_reason;
  p.server->listen(25, [](std::shared_ptr<StreamConnection>) {});
  p.client->connect(Endpoint{address_server, 25}, ConnectHandlers{[&](std::shared_ptr<StreamConnection> c) {
                                                                     c->on_closed = [&](CloseReason r) { client_reason = r; };
                                                                   },
                                                                   nullptr});
  p.sim.run_until(milliseconds(100));
  p.net.set_node_up("client", false);
  CHECK(client_reason == CloseReason::host_down);
  const auto hops_before = p.records(TraceKind::hop).size();
  p.sim.run_until(seconds(1));
  CHECK(p.records(TraceKind::hop).size() == hops_before);  // no RST, no FIN
  p.net.set_node_up("client", true);
  std::optional<ConnectError> error;
  bool connected = false;
  p.client->connect(Endpoint{address_server, 25},
                    ConnectHandlers{[&](auto) { connected = true; }, [&](ConnectError e) { error = e; }});
  p.sim.run_until(seconds(2));
  CHECK(connected);  // after the restart it works again
}

TEST_CASE("set_tls marks the connection and records it", "[engine][tcp]") {
  Pair p;
  p.server->listen(465, [](std::shared_ptr<StreamConnection> c) {
    c->set_tls(true);
    c->send("220 secure\r\n");
  });
  std::shared_ptr<StreamConnection> connection;
  p.client->connect(Endpoint{address_server, 465}, ConnectHandlers{[&](std::shared_ptr<StreamConnection> c) {
                                                                     connection = c;
                                                                     c->set_tls(true);
                                                                     c->on_data = [](std::string_view) {};
                                                                   },
                                                                   nullptr});
  p.sim.run();
  REQUIRE(connection);
  CHECK(connection->tls());
  CHECK(p.records(TraceKind::transport, "TLS negotiated (simulated)").size() == 2);
  CHECK(p.records(TraceKind::hop, "TLS application data").size() == 1);
}

TEST_CASE("TCP runs are deterministic for a seed", "[engine][tcp][determinism]") {
  auto run = [](std::uint64_t seed) {
    Pair p(LinkSpec{milliseconds(5), 1'000'000, 0.1, true}, seed);
    p.server->listen(25, [](std::shared_ptr<StreamConnection> c) { c->on_data = [](std::string_view) {}; });
    p.client->connect(Endpoint{address_server, 25}, ConnectHandlers{[](std::shared_ptr<StreamConnection> c) {
                                                                       c->send(pattern(30'000));
                                                                       c->close();
                                                                     },
                                                                     nullptr});
    p.sim.run();
    return p.sim.trace().fingerprint();
  };
  CHECK(run(5) == run(5));
  CHECK(run(5) != run(6));
}

TEST_CASE("several transfers through a router survive loss and a 3-second outage", "[engine][tcp]") {
  Simulator sim(77);
  Network net(sim);
  net.tcp_options().syn_retries = 6;  // a SYN lost before the outage may retry well after it
  Host* server = net.add_host("server", 0x0a000064);
  net.add_router("router");
  const auto uplink = net.add_link("router", "server", LinkSpec{milliseconds(4), 2'000'000, 0.05, true});
  std::vector<Host*> clients;
  for (int i = 0; i < 4; ++i) {
    const std::string name = "client" + std::to_string(i);
    clients.push_back(net.add_host(name, 0x0a000001 + static_cast<Address>(i)));
    net.add_link(name, "router", LinkSpec{milliseconds(1 + i), 10'000'000, 0.1, true});
  }
  std::map<std::uint64_t, std::string> received;
  std::map<std::uint64_t, int> normal_closes;
  server->listen(25, [&](std::shared_ptr<StreamConnection> c) {
    const auto id = c->id();
    c->on_data = [&, id](std::string_view bytes) { received[id] += bytes; };
    c->on_closed = [&, id](CloseReason r) { normal_closes[id] += r == CloseReason::normal; };
  });
  std::map<std::uint64_t, std::string> sent;
  int failures = 0;
  for (std::size_t i = 0; i < clients.size(); ++i) {
    const std::string data = pattern(20'000 + 7'000 * i);
    sim.schedule_at(milliseconds(static_cast<Time>(i) * 3), [&, i, data] {
      clients[i]->connect(Endpoint{0x0a000064, 25}, ConnectHandlers{[&, data](std::shared_ptr<StreamConnection> c) {
                                                                      sent[c->id()] = data;
                                                                      c->send(data);
                                                                      c->close();
                                                                    },
                                                                    [&](ConnectError) { ++failures; }});
    });
  }
  sim.schedule_at(milliseconds(150), [&] { net.set_link_up(*uplink, false); });
  sim.schedule_at(milliseconds(3150), [&] { net.set_link_up(*uplink, true); });
  sim.run();
  CHECK(failures == 0);
  REQUIRE(sent.size() == clients.size());
  for (const auto& [id, data] : sent) {
    CHECK(received[id] == data);
    CHECK(normal_closes[id] == 1);
  }
  CHECK(sim.pending() == 0);
}

TEST_CASE("labelled bytes name their segments in hop records, unlabelled ones show their first line", "[engine][tcp]") {
  Pair p;
  REQUIRE(p.server->listen(53, [](std::shared_ptr<StreamConnection> c) {
    c->on_data = [](std::string_view) {};
    c->on_closed = [](CloseReason) {};
  }));
  p.client->connect(Endpoint{address_server, 53},
                    ConnectHandlers{[&](std::shared_ptr<StreamConnection> c) {
                                      c->on_closed = [](CloseReason) {};
                                      c->send(std::string("\x00\x05\x12\x34\x01\x00\x00", 7), "Q A example.org (TCP)");
                                      // Later, after the first is acknowledged: plain text again.
                                      p.sim.schedule_in(milliseconds(200), [c] { c->send("PLAIN LINE\r\n"); });
                                      p.sim.schedule_in(milliseconds(400), [c] { c->close(); });
                                    },
                                    [](ConnectError) {}});
  p.sim.run();
  CHECK(p.records(TraceKind::hop, "Q A example.org (TCP) (data, 7 bytes)").size() == 1);
  CHECK(p.records(TraceKind::hop, "PLAIN LINE (data, 12 bytes)").size() == 1);
  CHECK(p.records(TraceKind::hop, "Q A example.org (TCP) (data, 12").empty());
}

namespace {

struct Segment {
  std::string from;
  std::uint8_t flags = 0;
  std::uint32_t sequence = 0, acknowledgment = 0;
  std::size_t data = 0;
};

// The TCP header of a hop record's IPv4 packet.
Segment segment_of(const TraceRecord& record) {
  const std::vector<std::uint8_t> p = record.payload.bytes();
  const std::size_t ip_header = static_cast<std::size_t>(p[0] & 0x0f) * 4;
  const std::uint8_t* tcp = p.data() + ip_header;
  auto word = [tcp](int at) {
    return std::uint32_t{tcp[at]} << 24 | std::uint32_t{tcp[at + 1]} << 16 | std::uint32_t{tcp[at + 2]} << 8 | tcp[at + 3];
  };
  const std::size_t total = static_cast<std::size_t>(p[2]) << 8 | p[3];
  return {record.node, static_cast<std::uint8_t>(tcp[13] & 0x3f), word(4), word(8),
          total - ip_header - static_cast<std::size_t>(tcp[12] >> 4) * 4};
}

constexpr std::uint8_t fin = 0x01, ack = 0x10;

}  // namespace

TEST_CASE("the side that receives a FIN acknowledges it in its own FIN: FIN, FIN-ACK, ACK", "[engine][tcp][close]") {
  for (bool server_has_last_words : {false, true}) {
    Pair p;
    std::shared_ptr<StreamConnection> accepted, connection;
    p.server->listen(25, [&](std::shared_ptr<StreamConnection> c) {
      accepted = c;
      c->on_data = [](std::string_view) {};
      c->on_closed = [&, raw = c.get()](CloseReason) {
        if (server_has_last_words) raw->send("221 bye\r\n");  // goes out ahead of the FIN, carrying the ACK
      };
    });
    p.client->connect(Endpoint{address_server, 25}, ConnectHandlers{[&](std::shared_ptr<StreamConnection> c) {
                                                                      connection = c;
                                                                      c->on_data = [](std::string_view) {};
                                                                      c->on_closed = [](CloseReason) {};
                                                                      c->send("QUIT\r\n");
                                                                      c->close();
                                                                    },
                                                                    [](ConnectError) { FAIL("connect failed"); }});
    p.sim.run();
    std::vector<Segment> segments;
    for (const auto* hop : p.records(TraceKind::hop)) segments.push_back(segment_of(*hop));
    // From the client's FIN on: what each side sent.
    auto client_fin = std::find_if(segments.begin(), segments.end(),
                                   [](const Segment& s) { return s.from == "client" && (s.flags & fin); });
    REQUIRE(client_fin != segments.end());
    std::vector<Segment> after(client_fin + 1, segments.end());
    std::vector<Segment> from_server, from_client;
    for (const auto& s : after) (s.from == "server" ? from_server : from_client).push_back(s);
    INFO("server has last words: " << server_has_last_words);
    // The server sends no bare ACK for the client's FIN: what acknowledges it first is data or its FIN.
    const std::uint32_t fin_acknowledged = client_fin->sequence + client_fin->data + 1;
    std::vector<Segment> acknowledging;
    for (const auto& s : from_server)
      if (s.acknowledgment == fin_acknowledged) acknowledging.push_back(s);
    REQUIRE(acknowledging.size() == (server_has_last_words ? 2u : 1u));
    for (const auto& s : acknowledging) CHECK_FALSE((s.flags == ack && s.data == 0));
    CHECK(acknowledging.front().data == (server_has_last_words ? 9u : 0u));
    CHECK(acknowledging.back().flags == (fin | ack));
    // The client's last word is the ACK of the server's FIN.
    REQUIRE_FALSE(from_client.empty());
    CHECK(from_client.back().flags == ack);
    CHECK(from_client.back().acknowledgment == acknowledging.back().sequence + 1);
  }
}

TEST_CASE("an answer sent at once carries the ACK, data left unanswered gets a bare ACK at once", "[engine][tcp][ack]") {
  Pair p;
  std::shared_ptr<StreamConnection> accepted, connection;
  p.server->listen(25, [&](std::shared_ptr<StreamConnection> c) {
    accepted = c;
    c->on_data = [raw = c.get()](std::string_view bytes) {
      if (bytes == "NOOP\r\n") raw->send("250 OK\r\n");  // answered in the same instant
    };
    c->on_closed = [](CloseReason) {};
  });
  p.client->connect(Endpoint{address_server, 25}, ConnectHandlers{[&](std::shared_ptr<StreamConnection> c) {
                                                                    connection = c;
                                                                    c->on_data = [](std::string_view) {};
                                                                    c->on_closed = [](CloseReason) {};
                                                                    c->send("NOOP\r\n");
                                                                  },
                                                                  [](ConnectError) { FAIL("connect failed"); }});
  p.sim.run_until(seconds(1));
  connection->send("SILENT\r\n");  // nobody answers this one
  p.sim.run_until(seconds(2));
  std::vector<Segment> segments;
  std::vector<Time> sent_at;
  for (const auto* hop : p.records(TraceKind::hop)) {
    segments.push_back(segment_of(*hop));
    sent_at.push_back(hop->time);
  }
  auto data_from = [&](const std::string& node, std::size_t from) {
    for (std::size_t i = from; i < segments.size(); ++i)
      if (segments[i].from == node && segments[i].data > 0) return i;
    return segments.size();
  };
  // NOOP, then straight away the reply, which acknowledges it: no bare ACK between them.
  const std::size_t noop = data_from("client", 0);
  REQUIRE(noop + 1 < segments.size());
  const Segment& reply = segments[noop + 1];
  CHECK(reply.from == "server");
  CHECK(reply.data == 8);
  CHECK(reply.acknowledgment == segments[noop].sequence + 6);
  CHECK(sent_at[noop + 1] == sent_at[noop] + milliseconds(10) + serialization_time(46, 10'000'000));
  // The reply is acknowledged by the client's next segment, a bare ACK (it has nothing to say).
  REQUIRE(noop + 2 < segments.size());
  CHECK(segments[noop + 2].from == "client");
  CHECK(segments[noop + 2].flags == ack);
  CHECK(segments[noop + 2].acknowledgment == reply.sequence + 8);
  // SILENT is acknowledged by a bare ACK the moment it arrives.
  const std::size_t silent = data_from("client", noop + 1);
  REQUIRE(silent + 1 < segments.size());
  CHECK(segments[silent + 1].from == "server");
  CHECK(segments[silent + 1].flags == ack);
  CHECK(segments[silent + 1].acknowledgment == segments[silent].sequence + 8);
  CHECK(sent_at[silent + 1] == sent_at[silent] + milliseconds(10) + serialization_time(48, 10'000'000));
  // Four data-less segments after the handshake would mean the old way (an ACK ahead of each reply).
  CHECK(std::count_if(segments.begin(), segments.end(), [](const Segment& s) { return s.flags == ack && s.data == 0; }) == 3);
}

TEST_CASE("a receiver that pauses reading shuts its window, the sender probes, waits, and resumes", "[engine][tcp][flow]") {
  Pair p;
  const std::string data = pattern(1'000'000);
  std::string received;
  std::shared_ptr<StreamConnection> accepted, connection;
  std::vector<CloseReason> server_closed;
  p.server->listen(9, [&](std::shared_ptr<StreamConnection> c) {
    accepted = c;
    c->pause_reading();
    c->on_data = [&](std::string_view bytes) { received += bytes; };
    c->on_closed = [&](CloseReason r) { server_closed.push_back(r); };
  });
  p.client->connect(Endpoint{address_server, 9}, ConnectHandlers{[&](std::shared_ptr<StreamConnection> c) {
                                                                   connection = c;
                                                                   c->on_closed = [](CloseReason) {};
                                                                   c->send(data);
                                                                   c->close();
                                                                 },
                                                                 [](ConnectError) { FAIL("connect failed"); }});
  // Ten simulated minutes, far past the 8 retransmissions that end a connection nobody answers.
  p.sim.run_until(seconds(600));
  REQUIRE(accepted);
  CHECK(received.empty());
  CHECK(accepted->reading_paused());
  CHECK(connection->send_backlog() >= data.size() - 65535);
  CHECK(server_closed.empty());
  CHECK(p.records(TraceKind::transport, "timeout").empty());
  // The window the receiver offered went to 0, and the sender sent probes of one byte.
  bool zero_window = false;
  std::size_t probes = 0;
  for (const auto* hop : p.records(TraceKind::hop)) {
    const auto& bytes = hop->payload;
    const std::size_t tcp = static_cast<std::size_t>(bytes[0] & 0x0f) * 4;
    const unsigned window = unsigned{bytes[tcp + 14]} << 8 | bytes[tcp + 15];
    if (hop->node == "server" && window == 0) zero_window = true;
    if (hop->node == "client" && hop->summary.find(", 1 bytes)") != std::string::npos) ++probes;
  }
  CHECK(zero_window);
  CHECK(probes >= 3);
  CHECK(probes <= 30);  // backed off up to a minute apart (about 18 in ten minutes), not a storm

  accepted->resume_reading();
  p.sim.run();
  CHECK(received == data);
  CHECK(server_closed == std::vector<CloseReason>{CloseReason::normal});
  CHECK(connection->send_backlog() == 0);
}
