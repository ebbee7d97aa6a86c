#include "viz/model/synthetic_scene.h"

#include <algorithm>
#include <cctype>
#include <deque>
#include <sstream>


namespace maillab::viz {

using engine::milliseconds;
using engine::Time;
using engine::TraceKind;
using engine::TraceRecord;

namespace {

std::uint32_t make_address(int a, int b, int c, int d) {
  return (std::uint32_t(a) << 24) | (std::uint32_t(b) << 16) | (std::uint32_t(c) << 8) | std::uint32_t(d);
}

std::string dotted(std::uint32_t address) {
  std::ostringstream out;
  out << (address >> 24) << '.' << ((address >> 16) & 0xff) << '.' << ((address >> 8) & 0xff) << '.'
      << (address & 0xff);
  return out.str();
}

// A scene with its own little store-and-forward network: packets follow shortest paths (BFS),
// one hop record per link crossing, dropped when a link or node is down.
class SyntheticScene : public Scene {
 public:
  SyntheticScene(std::uint64_t seed, std::string title, Time until)
      : simulator_(seed), title_(std::move(title)), until_(until) {}

  engine::Simulator& simulator() override { return simulator_; }
  Topology topology() override { return topology_; }
  bool update_topology(Topology& topology) override {
    // Nodes and links are all added before the scene runs; only their states change after.
    if (topology.nodes.size() != topology_.nodes.size() || topology.links.size() != topology_.links.size()) return false;
    for (std::size_t i = 0; i < topology_.nodes.size(); ++i) topology.nodes[i].up = topology_.nodes[i].up;
    for (std::size_t i = 0; i < topology_.links.size(); ++i) topology.links[i].up = topology_.links[i].up;
    return true;
  }
  std::string title() const override { return title_; }
  Time until() const override { return until_; }

  bool set_link_up(std::size_t link_id, bool up) override {
    auto index = topology_.link_index_by_id(link_id);
    if (!index) return false;
    TopologyLink& link = topology_.links[*index];
    link.up = up;
    record_fault(link.a, link.b, std::string("link ") + link.a + " <-> " + link.b + (up ? " up" : " down"));
    return true;
  }
  bool set_node_up(const std::string& name, bool up) override {
    auto index = topology_.node_index(name);
    if (!index) return false;
    topology_.nodes[*index].up = up;
    record_fault(name, "", name + (up ? " restarted" : " crashed"));
    return true;
  }

  void add_node(std::string name, std::uint32_t address, std::string role, std::vector<std::string> services = {}) {
    TopologyNode node;
    node.name = std::move(name);
    node.address = address ? dotted(address) : "";
    node.role = role;
    node.is_router = role == "router";
    node.services = std::move(services);
    addresses_.push_back(address);
    topology_.nodes.push_back(std::move(node));
    topology_.reindex();
  }
  void add_link(const std::string& a, const std::string& b, Time latency) {
    TopologyLink link;
    link.id = topology_.links.size();
    link.a = a;
    link.b = b;
    link.latency = latency;
    link.bandwidth_bps = 100'000'000;
    topology_.links.push_back(link);
    topology_.reindex();
  }

  struct Send {
    Send(std::string from_node, std::string to_node, std::string protocol_name, std::string summary_text,
         std::string message_id = {})
        : from(std::move(from_node)), to(std::move(to_node)), protocol(std::move(protocol_name)),
          summary(std::move(summary_text)), message(std::move(message_id)) {}
    std::string from, to, protocol, summary, message;
    bool lose_on_link = false;
    std::string lose_link_a, lose_link_b;
  };

  // Sends a packet along the shortest path now; each hop is recorded when it departs.
  void send(Send send) {
    auto path = route(send.from, send.to);
    if (path.empty()) {
      TraceRecord drop;
      drop.time = simulator_.now();
      drop.kind = TraceKind::drop;
      drop.node = send.from;
      drop.protocol = send.protocol;
      drop.summary = send.summary + " (no route to " + send.to + ")";
      drop.packet = ++next_packet_;
      simulator_.trace().record(std::move(drop));
      return;
    }
    auto payload = payload_for(send);
    auto state = std::make_shared<Packet>(Packet{std::move(path), std::move(send), ++next_packet_, std::move(payload)});
    forward(state, 0);
  }

  void schedule_send(Time at, Send send) {
    simulator_.schedule_at(at, [this, send = std::move(send)]() mutable { this->send(std::move(send)); });
  }

  // Random traffic: one hop on a random up link, departing now.
  void random_hop(const TrafficOptions& options) {
    engine::Rng& rng = simulator_.rng();
    if (topology_.links.empty()) return;
    const TopologyLink& link = topology_.links[rng.uniform(topology_.links.size())];
    const bool forward_direction = rng.chance(0.5);
    static constexpr const char* protocols[] = {"DNS", "SMTP", "POP3", "IMAP", "TCP"};
    static constexpr const char* summaries[] = {"Q MX example.org", "RCPT TO:<bob@example.org>", "RETR 1",
                                                "A2 FETCH 1 BODY[]", "SYN"};
    const std::size_t which = rng.uniform(5);
    TraceRecord hop;
    hop.time = simulator_.now();
    hop.kind = TraceKind::hop;
    hop.node = forward_direction ? link.a : link.b;
    hop.peer = forward_direction ? link.b : link.a;
    hop.protocol = protocols[which];
    hop.summary = summaries[which];
    hop.packet = ++next_packet_;
    const double jitter = 0.75 + 0.5 * rng.uniform_real();
    hop.arrive = hop.time + std::max<Time>(1, Time(double(options.hop_duration) * jitter));
    const bool lost = rng.chance(options.loss);
    TraceRecord drop;
    if (lost) {
      drop.time = hop.time;
      drop.kind = TraceKind::drop;
      drop.node = hop.node;
      drop.peer = hop.peer;
      drop.protocol = hop.protocol;
      drop.summary = hop.summary + " (lost on the link)";
      drop.packet = hop.packet;
    }
    simulator_.trace().record(std::move(hop));
    if (lost) simulator_.trace().record(std::move(drop));
  }

  void record_note(std::string summary, std::string message = {}, TraceKind kind = TraceKind::note,
                   std::string node = {}) {
    TraceRecord record;
    record.time = simulator_.now();
    record.kind = kind;
    record.node = std::move(node);
    record.summary = std::move(summary);
    record.message = std::move(message);
    simulator_.trace().record(std::move(record));
  }

 private:
  struct Packet {
    std::vector<std::string> path;
    Send send;
    std::uint64_t id;
    engine::TracePayload payload;  // one copy, shared by the records of every hop
  };

  std::vector<std::string> route(const std::string& from, const std::string& to) const {
    auto start = topology_.node_index(from);
    auto goal = topology_.node_index(to);
    if (!start || !goal) return {};
    std::vector<int> previous(topology_.nodes.size(), -1);
    std::vector<bool> seen(topology_.nodes.size(), false);
    std::deque<std::size_t> queue{*start};
    seen[*start] = true;
    while (!queue.empty()) {
      const std::size_t at = queue.front();
      queue.pop_front();
      if (at == *goal) break;
      for (const auto& link : topology_.links) {
        if (!link.up) continue;
        std::optional<std::size_t> other;
        if (link.a == topology_.nodes[at].name) other = topology_.node_index(link.b);
        if (link.b == topology_.nodes[at].name) other = topology_.node_index(link.a);
        if (other && !seen[*other] && topology_.nodes[*other].up) {
          seen[*other] = true;
          previous[*other] = int(at);
          queue.push_back(*other);
        }
      }
    }
    if (!seen[*goal]) return {};
    std::vector<std::string> path;
    for (int at = int(*goal); at != -1; at = previous[std::size_t(at)]) path.push_back(topology_.nodes[std::size_t(at)].name);
    std::reverse(path.begin(), path.end());
    return path;
  }

  std::vector<std::uint8_t> payload_for(const Send& send) const {
    const auto from = topology_.node_index(send.from);
    const auto to = topology_.node_index(send.to);
    const std::uint32_t source = from ? addresses_[*from] : 0;
    const std::uint32_t destination = to ? addresses_[*to] : 0;
    std::vector<std::uint8_t> application;
    bool udp = false;
    std::uint16_t port = 25;
    std::uint8_t flags = 0x18;  // PSH ACK
    if (send.protocol == "DNS") {
      udp = true;
      port = 53;
      // RFC 1035 §4.1: header, then one question parsed from "Q TYPE name" / "R ... name".
      const bool response = send.summary.rfind("R ", 0) == 0;
      application = {0x12, 0x34, std::uint8_t(response ? 0x81 : 0x01), std::uint8_t(response ? 0x80 : 0x00),
                     0, 1, 0, std::uint8_t(response ? 1 : 0), 0, 0, 0, 0};
      std::istringstream words(send.summary);
      std::string word, type, name;
      words >> word >> type >> name;
      std::istringstream labels(name);
      std::string label;
      while (std::getline(labels, label, '.')) {
        application.push_back(std::uint8_t(label.size()));
        application.insert(application.end(), label.begin(), label.end());
      }
      application.push_back(0);
      const std::uint8_t type_code = type == "MX" ? 15 : type == "NS" ? 2 : 1;
      application.insert(application.end(), {0, type_code, 0, 1});
    } else if (send.protocol == "TCP") {
      flags = send.summary.find("SYN ACK") != std::string::npos ? 0x12 : send.summary == "SYN" ? 0x02 : 0x10;
    } else {
      if (send.protocol == "IMAP") port = 143;
      if (send.protocol == "POP3") port = 110;
      const std::string line = send.summary + "\r\n";
      application.assign(line.begin(), line.end());
    }
    const bool client_side = send.summary.size() < 3 || !std::isdigit((unsigned char)send.summary[0]);
    return build_ipv4_packet(source, destination, udp, client_side ? 49152 : port, client_side ? port : 49152,
                             application, flags);
  }

  void forward(const std::shared_ptr<Packet>& packet, std::size_t hop_index) {
    const std::string& from = packet->path[hop_index];
    const std::string& to = packet->path[hop_index + 1];
    auto link_index = topology_.link_index(from, to);
    const TopologyLink& link = topology_.links[*link_index];
    TraceRecord hop;
    hop.time = simulator_.now();
    hop.kind = TraceKind::hop;
    hop.node = from;
    hop.peer = to;
    hop.protocol = packet->send.protocol;
    hop.summary = packet->send.summary;
    hop.packet = packet->id;
    hop.message = packet->send.message;
    hop.payload = packet->payload;
    hop.arrive = hop.time + link.latency;
    const bool node_down = !topology_.nodes[*topology_.node_index(from)].up;
    std::string reason;
    if (!link.up) reason = "link down";
    if (node_down) reason = from + " is down";
    const bool scripted_loss = packet->send.lose_on_link &&
                               ((packet->send.lose_link_a == from && packet->send.lose_link_b == to) ||
                                (packet->send.lose_link_a == to && packet->send.lose_link_b == from));
    if (reason.empty()) simulator_.trace().record(hop);
    if (!reason.empty() || scripted_loss) {
      TraceRecord drop = hop;
      drop.kind = TraceKind::drop;
      drop.payload = {};
      drop.arrive = 0;
      drop.summary = packet->send.summary + " (" + (reason.empty() ? "lost on the link" : reason) + ")";
      simulator_.trace().record(std::move(drop));
      return;
    }
    const Time arrive = hop.arrive;
    if (hop_index + 2 < packet->path.size()) {
      simulator_.schedule_at(arrive, [this, packet, hop_index] { forward(packet, hop_index + 1); });
    }
  }

  void record_fault(const std::string& node, const std::string& peer, std::string summary) {
    TraceRecord record;
    record.time = simulator_.now();
    record.kind = TraceKind::fault;
    record.node = node;
    record.peer = peer;
    record.summary = std::move(summary);
    simulator_.trace().record(std::move(record));
  }

  engine::Simulator simulator_;
  Topology topology_;
  std::vector<std::uint32_t> addresses_;
  std::string title_;
  Time until_;
  std::uint64_t next_packet_ = 0;
};

}  // namespace

std::vector<std::uint8_t> build_ipv4_packet(std::uint32_t source, std::uint32_t destination, bool udp,
                                            std::uint16_t source_port, std::uint16_t destination_port,
                                            const std::vector<std::uint8_t>& payload, std::uint8_t tcp_flags) {
  const std::size_t transport_length = udp ? 8 : 20;
  const std::size_t total = 20 + transport_length + payload.size();
  std::vector<std::uint8_t> b(total, 0);
  b[0] = 0x45;
  b[2] = std::uint8_t(total >> 8);
  b[3] = std::uint8_t(total);
  b[8] = 64;
  b[9] = udp ? 17 : 6;
  for (int i = 0; i < 4; ++i) {
    b[12 + i] = std::uint8_t(source >> (24 - 8 * i));
    b[16 + i] = std::uint8_t(destination >> (24 - 8 * i));
  }
  // RFC 791 §3.1 header checksum: one's complement of the one's complement sum of the header.
  std::uint32_t sum = 0;
  for (int i = 0; i < 20; i += 2) sum += std::uint32_t(b[i] << 8 | b[i + 1]);
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  b[10] = std::uint8_t(~sum >> 8);
  b[11] = std::uint8_t(~sum);
  std::uint8_t* t = &b[20];
  t[0] = std::uint8_t(source_port >> 8);
  t[1] = std::uint8_t(source_port);
  t[2] = std::uint8_t(destination_port >> 8);
  t[3] = std::uint8_t(destination_port);
  if (udp) {
    const std::size_t length = 8 + payload.size();
    t[4] = std::uint8_t(length >> 8);
    t[5] = std::uint8_t(length);
  } else {
    t[7] = 1;       // sequence 1
    t[11] = 1;      // acknowledgment 1
    t[12] = 5 << 4;  // data offset: 5 words
    t[13] = tcp_flags;
    t[14] = 0xff;
    t[15] = 0xff;
  }
  std::copy(payload.begin(), payload.end(), b.begin() + std::ptrdiff_t(20 + transport_length));
  return b;
}

namespace {

using Send = SyntheticScene::Send;

// The demo's clock as its story is written: each send `delay` after the one before.
struct DemoTimeline {
  SyntheticScene& scene;
  Time t = DemoTimes::first_packet;
  Time at(Time delay) { return t += delay; }
  void note(Time when, std::string text, std::string node) {
    SyntheticScene* s = &scene;
    s->simulator().schedule_at(when, [s, text = std::move(text), node = std::move(node)] {
      s->record_note(text, "M1", TraceKind::mail, node);
    });
  }
};

// alice's office network, the DNS servers on the way, example.org's mail servers, bob's phone.
void add_demo_topology(SyntheticScene& scene) {
  scene.add_node("alice-laptop", make_address(10, 0, 1, 10), "client", {"mua"});
  scene.add_node("office-router", 0, "router");
  scene.add_node("resolver", make_address(10, 0, 1, 53), "resolver", {"resolver"});
  scene.add_node("smtp.example.com", make_address(10, 0, 1, 25), "mta", {"mta"});
  scene.add_node("core-router", 0, "router");
  scene.add_node("a.root-servers.net", make_address(198, 41, 0, 4), "dns-root", {"authoritative"});
  scene.add_node("a0.org-servers.net", make_address(199, 19, 56, 1), "dns-tld", {"authoritative"});
  scene.add_node("ns1.example.org", make_address(203, 0, 113, 53), "dns-authoritative", {"authoritative"});
  scene.add_node("example-router", 0, "router");
  scene.add_node("mx.example.org", make_address(203, 0, 113, 25), "mta", {"mta"});
  scene.add_node("imap.example.org", make_address(203, 0, 113, 143), "mailbox", {"mda", "imap"});
  scene.add_node("bob-phone", make_address(198, 51, 100, 7), "client", {"mua"});
  const Time latency = DemoTimes::link_latency;
  scene.add_link("alice-laptop", "office-router", latency);
  scene.add_link("resolver", "office-router", latency);
  scene.add_link("smtp.example.com", "office-router", latency);
  scene.add_link("office-router", "core-router", latency);
  scene.add_link("core-router", "a.root-servers.net", latency);
  scene.add_link("core-router", "a0.org-servers.net", latency);
  scene.add_link("core-router", "example-router", latency);
  scene.add_link("example-router", "ns1.example.org", latency);
  scene.add_link("example-router", "mx.example.org", latency);
  scene.add_link("example-router", "imap.example.org", latency);
  scene.add_link("core-router", "bob-phone", latency);
}

constexpr Time demo_gap = milliseconds(60);

// alice submits M1; her MTA asks the resolver for example.org's MX, which walks from the root.
void schedule_submission_and_lookup(DemoTimeline& line) {
  SyntheticScene& scene = line.scene;
  line.note(0, "M1 submitted by alice@example.com", "alice-laptop");
  scene.schedule_send(line.at(0), Send{"alice-laptop", "smtp.example.com", "SMTP", "MAIL FROM:<alice@example.com>", "M1"});
  scene.schedule_send(line.at(demo_gap), Send{"smtp.example.com", "alice-laptop", "SMTP", "250 OK", "M1"});
  scene.schedule_send(line.at(demo_gap), Send{"alice-laptop", "smtp.example.com", "SMTP", "RCPT TO:<bob@example.org>", "M1"});
  scene.schedule_send(line.at(demo_gap), Send{"smtp.example.com", "alice-laptop", "SMTP", "250 OK", "M1"});
  line.note(line.t + milliseconds(30), "M1 accepted by smtp.example.com", "smtp.example.com");
  scene.schedule_send(line.at(demo_gap), Send{"smtp.example.com", "resolver", "DNS", "Q MX example.org"});
  scene.schedule_send(line.at(demo_gap), Send{"resolver", "a.root-servers.net", "DNS", "Q MX example.org"});
  scene.schedule_send(line.at(demo_gap + milliseconds(10)), Send{"a.root-servers.net", "resolver", "DNS", "R NS org (referral)"});
  scene.schedule_send(line.at(demo_gap + milliseconds(10)), Send{"resolver", "a0.org-servers.net", "DNS", "Q MX example.org"});
  scene.schedule_send(line.at(demo_gap + milliseconds(10)), Send{"a0.org-servers.net", "resolver", "DNS", "R NS example.org (referral)"});
  scene.schedule_send(line.at(demo_gap + milliseconds(10)), Send{"resolver", "ns1.example.org", "DNS", "Q MX example.org"});
  scene.schedule_send(line.at(demo_gap + milliseconds(20)), Send{"ns1.example.org", "resolver", "DNS", "R MX 10 mx.example.org"});
  scene.schedule_send(line.at(demo_gap + milliseconds(20)), Send{"resolver", "smtp.example.com", "DNS", "R MX 10 mx.example.org"});
}

// The relay to mx.example.org: its first SYN lost, the retransmission, the SMTP dialogue, and
// delivery into bob's mailbox.
void schedule_relay(DemoTimeline& line) {
  SyntheticScene& scene = line.scene;
  Send lost_syn{"smtp.example.com", "mx.example.org", "TCP", "SYN", "M1"};
  lost_syn.lose_on_link = true;
  lost_syn.lose_link_a = "office-router";
  lost_syn.lose_link_b = "core-router";
  scene.schedule_send(line.at(demo_gap), lost_syn);
  // The retransmission after the initial RTO (RFC 6298 §2.1 says 1 s; shortened for the demo).
  scene.schedule_send(line.at(milliseconds(300)), Send{"smtp.example.com", "mx.example.org", "TCP", "SYN", "M1"});
  const char* dialogue[][3] = {
      {"mx.example.org", "smtp.example.com", "220 mx.example.org ESMTP"},
      {"smtp.example.com", "mx.example.org", "EHLO smtp.example.com"},
      {"mx.example.org", "smtp.example.com", "250 mx.example.org"},
      {"smtp.example.com", "mx.example.org", "MAIL FROM:<alice@example.com>"},
      {"mx.example.org", "smtp.example.com", "250 OK"},
      {"smtp.example.com", "mx.example.org", "RCPT TO:<bob@example.org>"},
      {"mx.example.org", "smtp.example.com", "250 OK"},
      {"smtp.example.com", "mx.example.org", "DATA"},
      {"mx.example.org", "smtp.example.com", "354 End data with <CR><LF>.<CR><LF>"},
      {"smtp.example.com", "mx.example.org", "Subject: Hello ... ."},
      {"mx.example.org", "smtp.example.com", "250 OK queued as M1"},
  };
  for (const auto& said : dialogue) {
    scene.schedule_send(line.at(milliseconds(80)), Send{said[0], said[1], "SMTP", said[2], "M1"});
  }
  scene.schedule_send(line.at(milliseconds(80)), Send{"mx.example.org", "imap.example.org", "SMTP", "LMTP deliver M1 to bob", "M1"});
  line.note(line.t + milliseconds(25), "M1 delivered to bob@example.org INBOX", "imap.example.org");
}

// bob's phone loses its link for a while; his first login attempt is lost with it.
void schedule_bob_reads(DemoTimeline& line) {
  SyntheticScene& scene = line.scene;
  SyntheticScene* s = &scene;
  s->simulator().schedule_at(DemoTimes::link_down, [s] { s->set_link_up(10, false); });
  s->simulator().schedule_at(DemoTimes::link_up, [s] { s->set_link_up(10, true); });
  scene.schedule_send(DemoTimes::link_down + milliseconds(200), Send{"bob-phone", "imap.example.org", "IMAP", "A1 LOGIN bob ****"});
  line.t = DemoTimes::link_up + milliseconds(100);
  scene.schedule_send(line.t, Send{"bob-phone", "imap.example.org", "IMAP", "A1 LOGIN bob ****"});
  scene.schedule_send(line.at(milliseconds(60)), Send{"imap.example.org", "bob-phone", "IMAP", "A1 OK LOGIN completed"});
  scene.schedule_send(line.at(milliseconds(60)), Send{"bob-phone", "imap.example.org", "IMAP", "A2 FETCH 1 BODY[]", "M1"});
  scene.schedule_send(line.at(milliseconds(60)), Send{"imap.example.org", "bob-phone", "IMAP", "* 1 FETCH (BODY[] {312})", "M1"});
  line.note(line.t + milliseconds(40), "M1 read by bob@example.org", "bob-phone");
}

}  // namespace

std::unique_ptr<Scene> make_demo_scene(std::uint64_t seed) {
  auto scene = std::make_unique<SyntheticScene>(seed, "demo: alice mails bob", engine::seconds(4));
  add_demo_topology(*scene);
  DemoTimeline line{*scene};
  schedule_submission_and_lookup(line);
  schedule_relay(line);
  schedule_bob_reads(line);
  return scene;
}

std::unique_ptr<Scene> make_traffic_scene(const TrafficOptions& options) {
  auto scene = std::make_unique<SyntheticScene>(options.seed, "synthetic traffic", options.until);
  const int n = std::max(2, options.nodes);
  static constexpr const char* roles[] = {"client", "resolver", "dns-root", "dns-tld", "dns-authoritative",
                                          "mta",    "mailbox",  "router"};
  for (int i = 0; i < n; ++i) {
    scene->add_node("node" + std::to_string(i), make_address(10, 1, i / 250, i % 250 + 1), roles[i % 8]);
  }
  // A ring with chords: connected, a few crossings, like a small ISP.
  for (int i = 0; i < n; ++i) {
    scene->add_link("node" + std::to_string(i), "node" + std::to_string((i + 1) % n), options.hop_duration);
    if (i % 3 == 0 && n > 6) scene->add_link("node" + std::to_string(i), "node" + std::to_string((i + n / 2) % n), options.hop_duration);
  }
  // A functor that reschedules a copy of itself: no shared state to keep alive.
  struct Generator {
    SyntheticScene* scene;
    TrafficOptions options;
    Time interval;
    void operator()() const {
      scene->random_hop(options);
      if (scene->simulator().now() + interval <= options.until) scene->simulator().schedule_in(interval, *this);
    }
  };
  const Time interval = std::max<Time>(1, Time(1e6 / std::max(1.0, options.packets_per_second)));
  scene->simulator().schedule_at(0, Generator{scene.get(), options, interval});
  return scene;
}

}  // namespace maillab::viz
