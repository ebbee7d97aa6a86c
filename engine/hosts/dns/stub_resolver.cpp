// StubResolver: one UDP port, queries matched by id and question, retries on a timer.
#include "engine/hosts/dns/stub_resolver.h"

#include <algorithm>

#include "engine/hosts/dns/dns_over_tcp.h"
#include "engine/hosts/dns/dns_trace.h"
#include "engine/net/host.h"
#include "protocols/dns/presentation.h"
#include "protocols/dns/stream.h"
#include "protocols/dns/stub.h"
#include "protocols/dns/wire.h"

namespace maillab::engine {

struct StubResolver::Pending {
  dns::Message query;
  dns::Bytes bytes;
  std::string summary;  // the query in words ("Q MX example.org"): see words()
  int tries = 0;
  bool over_tcp = false;  // asked again over TCP after a truncated reply: the last try
  Simulator::EventId timer = 0;
  std::function<void(const DnsLookupResult&)> done;

  // Made on first use: only a trace someone reads needs the words.
  const std::string& words() {
    if (summary.empty()) summary = dns::summarize_message(query);
    return summary;
  }
};

StubResolver::StubResolver(Host& host) : StubResolver(host, Options{}) {}

StubResolver::StubResolver(Host& host, Options options)
    : host_(host), options_(options), alive_(std::make_shared<bool>(true)) {
  port_ = host.ephemeral_port();
  host.udp_bind(port_, [this](const Datagram& datagram) { on_datagram(datagram.payload); });
  // Ids start at a point drawn from the run's RNG so two hosts' first queries differ.
  id_counter_ = static_cast<std::uint16_t>(host.simulator().rng().derive("dns-stub:" + host.name()).uniform(65536));
}

StubResolver::~StubResolver() {
  *alive_ = false;
  for (const auto& pending : pending_)
    if (pending->timer) host_.simulator().cancel(pending->timer);
  host_.udp_unbind(port_);
}

std::uint16_t StubResolver::next_id() {
  for (int attempt = 0; attempt < 65536; ++attempt) {
    std::uint16_t id = ++id_counter_;
    bool used = std::any_of(pending_.begin(), pending_.end(),
                            [&](const auto& pending) { return pending->query.header.id == id; });
    if (!used) return id;
  }
  return ++id_counter_;
}

void StubResolver::lookup(const dns::Name& name, dns::RecordType type,
                          std::function<void(const DnsLookupResult&)> done) {
  auto pending = std::make_shared<Pending>();
  pending->query = dns::make_recursive_query(next_id(), name, type);
  pending->bytes = dns::encode_message(pending->query, 512);
  pending->done = std::move(done);
  pending_.push_back(pending);
  if (host_.resolver_address() == 0) {
    // No nameserver configured: fail at once (but not re-entrantly, callers expect a callback later).
    if (dns_trace_wanted(host_)) {
      const std::string& summary = pending->words();
      record_dns(host_, TraceKind::protocol, {},
                 "no resolver configured; cannot look up " + summary.substr(std::min<std::size_t>(2, summary.size())));
    }
    std::uint16_t id = pending->query.header.id;
    pending->tries = options_.tries;
    pending->timer = host_.simulator().schedule_in(0, [this, id] { on_retry_timer(id); });
    return;
  }
  transmit(pending);
}

void StubResolver::transmit(const std::shared_ptr<Pending>& pending) {
  ++pending->tries;
  ++queries_sent_;
  Address resolver = host_.resolver_address();
  if (dns_trace_wanted(host_)) {
    std::string summary = pending->words();
    if (pending->tries > 1) summary += " (try " + std::to_string(pending->tries) + ")";
    record_dns(host_, TraceKind::protocol, dns_peer_name(host_, resolver), summary, pending->bytes);
  }
  // Hop records name the query from its bytes (the words of summary_of, made only for them).
  host_.udp_send(port_, Endpoint{resolver, 53}, pending->bytes, &describe_dns_datagram);
  std::uint16_t id = pending->query.header.id;
  pending->timer = host_.simulator().schedule_in(options_.retry_interval, [this, id] { on_retry_timer(id); });
}

void StubResolver::on_retry_timer(std::uint16_t id) {
  auto found = std::find_if(pending_.begin(), pending_.end(),
                            [&](const auto& pending) { return pending->query.header.id == id; });
  if (found == pending_.end()) return;
  std::shared_ptr<Pending> pending = *found;
  pending->timer = 0;
  if (!pending->over_tcp && pending->tries < options_.tries && host_.resolver_address() != 0) {
    transmit(pending);
    return;
  }
  pending_.erase(found);
  ++timeouts_;
  if (host_.resolver_address() != 0 && dns_trace_wanted(host_))
    record_dns(host_, TraceKind::protocol, dns_peer_name(host_, host_.resolver_address()),
               "no reply to " + pending->words() + " after " + std::to_string(pending->tries) + " tries; giving up");
  DnsLookupResult result;
  result.timed_out = true;
  result.rcode = dns::Rcode::SERVFAIL;
  pending->done(result);  // last: `done` may destroy this resolver
}

void StubResolver::on_datagram(const std::vector<std::uint8_t>& payload) {
  // Decoded once, then held to each query waiting (RFC 5452 §9.1: id and question); the id
  // first, which tells most of them apart without words for why.
  if (pending_.empty()) return;  // a late duplicate or a stray
  auto reply = dns::decode_message(payload);
  if (!reply.ok()) return;
  for (const auto& pending : pending_) {
    if (pending->over_tcp) continue;  // its answer comes on the connection
    if (pending->query.header.id != reply.value().header.id || dns::reply_mismatch(pending->query, reply.value())) continue;
    return on_reply(pending, std::move(reply).value(), false);
  }
  // Late duplicates (a retry's second answer) and strays are ignored, as a real stub does.
}

void StubResolver::on_reply(std::shared_ptr<Pending> pending, dns::Message reply, bool over_tcp) {
  auto it = std::find(pending_.begin(), pending_.end(), pending);
  if (it == pending_.end()) return;
  host_.simulator().cancel_timer(pending->timer);
  if (reply.header.truncated && !over_tcp) {
    record_dns(host_, TraceKind::protocol, dns_peer_name(host_, host_.resolver_address()),
               "got " + dns::summarize_message(reply) + "; the answer did not fit in a datagram: asking again over TCP");
    return transmit_over_tcp(pending);
  }
  pending_.erase(it);
  DnsLookupResult result;
  result.rcode = reply.header.rcode;
  result.response = std::move(reply);
  // The answer in words only for a trace someone reads: a DKIM key record is ~400 characters to quote.
  if (dns_trace_wanted(host_))
    record_dns(host_, TraceKind::protocol, dns_peer_name(host_, host_.resolver_address()),
               "got " + dns::summarize_message(result.response) + (over_tcp ? " (TCP)" : ""));
  pending->done(result);  // last: `done` may destroy this resolver
}

void StubResolver::transmit_over_tcp(const std::shared_ptr<Pending>& pending) {
  pending->over_tcp = true;
  ++queries_sent_;
  const Address resolver = host_.resolver_address();
  const dns::Bytes bytes = dns::encode_message(pending->query, dns::max_tcp_message);
  record_dns(host_, TraceKind::protocol, dns_peer_name(host_, resolver), pending->words() + " (TCP)", bytes);
  std::weak_ptr<bool> alive = alive_;
  std::weak_ptr<Pending> weak_pending = pending;
  ask_over_tcp(host_, resolver, bytes, pending->words() + " (TCP)", [this, alive, weak_pending](dns::Bytes message) {
    auto pending = weak_pending.lock();
    if (alive.expired() || !*alive.lock() || !pending) return;
    auto reply = dns::match_reply(pending->query, message);
    if (reply.ok()) on_reply(pending, std::move(reply).value(), true);
  });
  // No reply within one retry interval (a dead resolver, a refused connection): give up.
  const std::uint16_t id = pending->query.header.id;
  pending->timer = host_.simulator().schedule_in(options_.retry_interval, [this, id] { on_retry_timer(id); });
}

void StubResolver::lookup_records(const std::string& name, dns::RecordType type,
                                  std::function<void(const DnsLookupResult&)> done) {
  auto parsed = dns::Name::from_text(name);
  if (!parsed.ok()) {
    std::weak_ptr<bool> alive = alive_;
    host_.simulator().schedule_in(0, [alive, done = std::move(done)] {
      if (alive.expired() || !*alive.lock()) return;
      DnsLookupResult result;
      result.rcode = dns::Rcode::FORMERR;
      done(result);
    });
    return;
  }
  dns::Name asked = parsed.value();
  lookup(asked, type, [asked, type, done = std::move(done)](const DnsLookupResult& result) {
    if (result.timed_out) return done(result);
    // Keep only the records at the end of the CNAME chain, of the type asked for. The usual answer
    // (no CNAME, only the type asked for) is handed on as it is rather than copied.
    dns::Name target = dns::follow_cnames(result.response, asked);
    const auto& answers = result.response.answers;
    if (std::all_of(answers.begin(), answers.end(),
                    [&](const auto& record) { return record.name == target && record.type == type; })) {
      return done(result);
    }
    DnsLookupResult followed = result;
    followed.response.answers.clear();
    for (const auto& record : result.response.answers)
      if (record.name == target && record.type == type) followed.response.answers.push_back(record);
    done(followed);
  });
}

}  // namespace maillab::engine
