#pragma once
// A tiny DNS Internet for resolver tests: root, org., net., example.org (two servers),
// example.net and other.org (whose only NS name lives in example.net: no glue).
// Datagrams cross a fixed 10 ms one-way latency; servers can be marked dead.

#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "protocols/dns/authoritative.h"
#include "protocols/dns/resolver.h"
#include "protocols/dns/stream.h"
#include "protocols/dns/zone.h"

namespace maillab::dns::testing {

inline Zone zone_from(const std::string& text) {
  auto zone = Zone::parse(text);
  if (!zone) FAIL("zone text: " << zone.error().message);
  return std::move(zone).value();
}

constexpr std::uint32_t root_address = 0xC6290004;         // 198.41.0.4
constexpr std::uint32_t root_b_address = 0xC7090E0C;       // 199.9.14.12 (b.root)
constexpr std::uint32_t org_address = 0xC7133801;          // 199.19.56.1
constexpr std::uint32_t net_address = 0xC005061E;          // 192.5.6.30
constexpr std::uint32_t example_org_primary = 0xC0000235;  // 192.0.2.53
constexpr std::uint32_t example_org_secondary = 0xC0000236;// 192.0.2.54
constexpr std::uint32_t example_net_address = 0xC0000250;  // 192.0.2.80

inline std::map<std::uint32_t, ZoneSet> make_internet() {
  std::map<std::uint32_t, ZoneSet> servers;
  Zone root = zone_from(R"(
$ORIGIN .
$TTL 86400
.        IN SOA a.root-servers.net. nstld.verisign-grs.com. 2024010101 1800 900 604800 86400
.        IN NS a.root-servers.net.
.        IN NS b.root-servers.net.
a.root-servers.net. IN A 198.41.0.4
b.root-servers.net. IN A 199.9.14.12
org.     172800 IN NS a0.org-servers.net.
a0.org-servers.net. 172800 IN A 199.19.56.1
net.     172800 IN NS a.gtld-servers.net.
a.gtld-servers.net. 172800 IN A 192.5.6.30
)");
  Zone org = zone_from(R"(
$ORIGIN org.
$TTL 3600
@            IN SOA a0.org-servers.net. noc.org. 1 1800 900 604800 900
@            IN NS a0.org-servers.net.
example      IN NS ns1.example
example      IN NS ns2.example
ns1.example  IN A 192.0.2.53
ns2.example  IN A 192.0.2.54
other        IN NS ns.example.net.
)");
  Zone net = zone_from(R"(
$ORIGIN net.
$TTL 3600
@            IN SOA a.gtld-servers.net. nstld.verisign-grs.com. 1 1800 900 604800 900
example      IN NS ns.example
ns.example   IN A 192.0.2.80
)");
  Zone example_org = zone_from(R"(
$ORIGIN example.org.
$TTL 3600
@        IN SOA ns1 hostmaster 2024010101 7200 3600 1209600 300
@        IN NS ns1
@        IN NS ns2
@    300 IN MX 10 mail
@    300 IN MX 20 backup
ns1      IN A 192.0.2.53
ns2      IN A 192.0.2.54
mail     IN A 192.0.2.25
backup   IN A 192.0.2.26
www      IN CNAME web.example.net.
alias    IN CNAME mail
; ~1500 octets of TXT: too big even for a 1232-octet EDNS datagram (TC), fine over TCP
huge     IN TXT "v=spf1 aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb" "cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc" "dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd" "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee" "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
; ~600 octets of TXT: too big for a 512-octet UDP reply (TC) without EDNS, fits in 1232 with it
big      IN TXT "v=spf1 ip4:192.0.2.1 ip4:192.0.2.2 ip4:192.0.2.3 ip4:192.0.2.4 ip4:192.0.2.5 ip4:192.0.2.6 ip4:192.0.2.7 ip4:192.0.2.8 ip4:192.0.2.9 ip4:192.0.2.10 ip4:192.0.2.11 ip4:192.0.2.12" "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" "yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy"
)");
  Zone example_net = zone_from(R"(
$ORIGIN example.net.
$TTL 3600
@        IN SOA ns hostmaster 1 7200 3600 1209600 600
@        IN NS ns
ns       IN A 192.0.2.80
web      IN A 192.0.2.88
)");
  Zone other_org = zone_from(R"(
$ORIGIN other.org.
$TTL 3600
@        IN SOA ns.example.net. hostmaster 1 7200 3600 1209600 600
@        IN NS ns.example.net.
@        IN MX 5 mx.other.org.
mx       IN A 192.0.2.99
)");
  servers[root_address].add(root);
  servers[root_b_address].add(root);
  servers[org_address].add(org);
  servers[net_address].add(net);
  servers[example_org_primary].add(example_org);
  servers[example_org_secondary].add(example_org);
  servers[example_net_address].add(example_net);
  servers[example_net_address].add(other_org);
  return servers;
}

inline ResolverConfig make_config(std::vector<Narration>* narration = nullptr) {
  ResolverConfig config;
  config.root_hints = {{Name::literal("a.root-servers.net"), root_address},
                       {Name::literal("b.root-servers.net"), root_b_address}};
  std::uint16_t counter = 100;
  config.random_id = [counter]() mutable { return counter++; };
  if (narration) config.narrate = [narration](const Narration& line) { narration->push_back(line); };
  return config;
}

// True when some narration line contains `text`.
inline bool narrated(const std::vector<Narration>& lines, const std::string& text) {
  return std::any_of(lines.begin(), lines.end(),
                     [&](const Narration& line) { return line.text.find(text) != std::string::npos; });
}

// Moves datagrams between the resolver and the authoritative servers until nothing is pending.
struct FakeInternet {
  std::map<std::uint32_t, ZoneSet> servers = make_internet();
  std::set<std::uint32_t> dead;
  std::set<std::uint32_t> no_tcp;  // servers whose TCP port 53 never answers
  std::set<std::uint32_t> without_edns;      // pre-EDNS servers that ignore the OPT record
  std::set<std::uint32_t> formerr_on_edns;   // pre-EDNS servers that answer an OPT record FORMERR
  std::int64_t latency = 10'000;
  std::int64_t now = 0;
  std::vector<Transmit> sent;  // every query the resolver sent, in order
  std::vector<std::pair<std::int64_t, ClientAnswer>> answers;  // (time, answer)

  struct Delivery {
    std::int64_t time;
    std::uint32_t from;
    Bytes bytes;
  };
  std::vector<Delivery> in_flight;

  void collect(Resolver& resolver) {
    while (auto transmit = resolver.poll_transmit()) {
      sent.push_back(*transmit);
      if (dead.count(transmit->server_address)) continue;
      if (transmit->tcp && no_tcp.count(transmit->server_address)) continue;
      auto server = servers.find(transmit->server_address);
      if (server == servers.end()) continue;
      auto query = decode_message(transmit->bytes);
      std::optional<Bytes> reply;
      if (formerr_on_edns.count(transmit->server_address) && query.ok() && query.value().edns) {
        Message refusal = make_response(query.value(), Rcode::FORMERR);
        refusal.edns.reset();
        reply = encode_message(refusal);
      } else {
        EdnsSupport edns;
        edns.enabled = !without_edns.count(transmit->server_address) && !formerr_on_edns.count(transmit->server_address);
        reply = answer_query_bytes(server->second, transmit->bytes, transmit->tcp ? max_tcp_message : max_udp_message, edns);
      }
      if (reply) in_flight.push_back(Delivery{now + 2 * latency, transmit->server_address, *reply});
    }
    while (auto answer = resolver.poll_answer()) answers.emplace_back(now, std::move(*answer));
  }

  // Runs until no datagram is in flight and no timer is pending, or until `limit`.
  void run(Resolver& resolver, std::int64_t limit = 60'000'000) {
    collect(resolver);
    while (true) {
      std::optional<std::int64_t> next = resolver.poll_timeout();
      auto first = std::min_element(in_flight.begin(), in_flight.end(),
                                    [](const Delivery& a, const Delivery& b) { return a.time < b.time; });
      if (first != in_flight.end() && (!next || first->time <= *next)) {
        Delivery delivery = *first;
        in_flight.erase(first);
        now = std::max(now, delivery.time);
        resolver.handle_response(delivery.from, delivery.bytes, now);
      } else if (next) {
        if (*next > limit) break;
        now = std::max(now, *next);
        resolver.handle_timeout(now);
      } else {
        break;
      }
      collect(resolver);
    }
  }

  // The first question of a test: asks it at `now`, runs until quiet and REQUIREs its one answer.
  const Message& ask(Resolver& resolver, std::uint64_t token, const Name& name, RecordType type) {
    resolver.start_query(token, name, type, now);
    run(resolver);
    REQUIRE(answers.size() == 1);
    return answers[0].second.response;
  }

  std::size_t sent_to(std::uint32_t address) const {
    return static_cast<std::size_t>(std::count_if(sent.begin(), sent.end(), [address](const Transmit& transmit) {
      return transmit.server_address == address;
    }));
  }
};

}  // namespace maillab::dns::testing
