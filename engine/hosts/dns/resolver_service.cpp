#include "engine/hosts/dns/resolver_service.h"

#include <algorithm>

#include "engine/hosts/dns/dns_over_tcp.h"
#include "engine/hosts/dns/dns_trace.h"
#include "protocols/dns/presentation.h"
#include "protocols/dns/stream.h"
#include "protocols/dns/wire.h"

namespace maillab::engine {

ResolverService::ResolverService(dns::ResolverConfig config) : config_(std::move(config)) {}

ResolverService::~ResolverService() {
  if (host_ && timer_) host_->simulator().cancel(timer_);
}

void ResolverService::start(Host& host) {
  host_ = &host;
  rng_ = host.simulator().rng().derive("dns-resolver:" + host.name());
  host.udp_bind(port, [this](const Datagram& datagram) { on_client_datagram(datagram); });
  host.listen(port, [this](std::shared_ptr<StreamConnection> connection) { on_client_stream(connection); });
  query_port_ = host.ephemeral_port();
  host.udp_bind(query_port_, [this](const Datagram& datagram) { on_server_datagram(datagram); });
  build_resolver();
}

void ResolverService::build_resolver() {
  dns::ResolverConfig config = config_;
  config.narrate = [this](const dns::Narration& narration) { narrate(narration); };
  // Read without counting: narrate() below counts each line nobody reads (Trace::skip).
  config.narration_wanted = [this] { return host_->simulator().trace().wanted(); };
  // Query ids come from the run's RNG (RFC 5452 §4.3: unpredictable ids), so a seed names a run.
  config.random_id = [this] { return static_cast<std::uint16_t>(rng_.uniform(65536)); };
  resolver_ = std::make_unique<dns::Resolver>(std::move(config));
  clients_.clear();
  ++generation_;
}

void ResolverService::set_root_hints(std::vector<dns::RootHint> hints) {
  config_.root_hints = std::move(hints);
  if (host_) build_resolver();
}

void ResolverService::on_crash() {
  // The cache and every resolution in progress are memory: gone.
  hits_before_crash_ += resolver_->counters().cache_hits;
  sent_before_crash_ += resolver_->counters().queries_sent;
  host_->simulator().cancel_timer(timer_);
  timer_at_.reset();
  build_resolver();
}

void ResolverService::on_restart() {}

void ResolverService::on_client_datagram(const Datagram& datagram) {
  std::uint64_t token = next_token_++;
  clients_[token] = Client{datagram.source, false, {}};
  resolver_->handle_client_query(token, datagram.payload, host_->simulator().now());
  flush();
}

void ResolverService::on_client_stream(const std::shared_ptr<StreamConnection>& connection) {
  // Answers still owed when the client goes are dropped with it.
  DnsStreamSession::serve(*host_, connection, tcp_idle_timeout_, [this](DnsStreamSession& session, dns::Bytes query) {
    std::uint64_t token = next_token_++;
    clients_[token] = Client{session.remote(), true, session.weak_from_this()};
    resolver_->handle_client_query(token, query, host_->simulator().now());
    flush();
  });
}

void ResolverService::send_over_tcp(dns::Transmit transmit) {
  const std::uint64_t generation = generation_;
  const Address server = transmit.server_address;
  ask_over_tcp(*host_, server, transmit.bytes, transmit.summary, [this, generation, server](dns::Bytes reply) {
    if (generation != generation_) return;  // from before a crash: nobody is waiting
    resolver_->handle_response(server, reply, host_->simulator().now());
    flush();
  });
}

void ResolverService::on_server_datagram(const Datagram& datagram) {
  if (datagram.source.port != 53) return;  // only servers' replies come back to this port
  resolver_->handle_response(datagram.source.address, datagram.payload, host_->simulator().now());
  flush();
}

void ResolverService::on_timer() {
  timer_ = 0;
  timer_at_.reset();
  resolver_->handle_timeout(host_->simulator().now());
  flush();
}

void ResolverService::flush() {
  Host& host = *host_;
  while (auto transmit = resolver_->poll_transmit()) {
    sent_.push_back(SentQuery{host.simulator().now(), transmit->server_address, transmit->summary});
    if (dns_trace_wanted(host))
      record_dns(host, TraceKind::protocol, dns_peer_name(host, transmit->server_address), transmit->summary,
                 transmit->bytes);
    if (transmit->tcp) {
      send_over_tcp(std::move(*transmit));
    } else {
      host.udp_send(query_port_, Endpoint{transmit->server_address, 53}, std::move(transmit->bytes), transmit->summary);
    }
  }
  while (auto answer = resolver_->poll_answer()) {
    auto found = clients_.find(answer->client_token);
    if (found == clients_.end()) continue;
    const Client client = found->second;
    clients_.erase(found);
    if (!client.over_tcp) {
      // Asked over UDP: the 512-octet encoding (TC set, no records, when the answer does not
      // fit), and the trace names what is sent, not the whole answer: read from the bytes, and
      // only when a record is made.
      if (dns_trace_wanted(host))
        record_dns(host, TraceKind::protocol, dns_peer_name(host, client.endpoint.address),
                   describe_dns_datagram(answer->bytes), answer->bytes);
      host.udp_send(port, client.endpoint, std::move(answer->bytes), &describe_dns_datagram);
      continue;
    }
    // Asked over TCP: the whole answer.
    auto session = client.stream.lock();
    if (!session || !session->is_open()) continue;
    dns::Bytes whole = dns::encode_message(answer->response, dns::max_tcp_message);
    const std::string summary = dns::summarize_message(answer->response) + " (TCP)";
    record_dns(host, TraceKind::protocol, dns_peer_name(host, client.endpoint.address), summary, whole);
    session->reply(whole, summary);
  }
  // One timer, moved whenever the resolver's next deadline moves.
  std::optional<Time> wanted = resolver_->poll_timeout();
  if (wanted == timer_at_) return;
  host.simulator().cancel_timer(timer_);
  timer_at_ = wanted;
  if (wanted) {
    Time when = std::max(*wanted, host.simulator().now());
    timer_ = host.simulator().schedule_at(when, [this] { on_timer(); });
  }
}

void ResolverService::narrate(const dns::Narration& narration) {
  // The query itself gets its own record (resolver -> server, "Q MX example.org") and the reply
  // the server's; these narrations would only repeat them.
  if (narration.repeats_datagram) return;
  if (!dns_trace_wanted(*host_)) return;  // an unmade line is counted here, like any other
  bool about_cache = narration.text.rfind("cache ", 0) == 0;
  std::string indent(static_cast<std::size_t>(narration.depth) * 2, ' ');
  record_dns(*host_, about_cache ? TraceKind::cache : TraceKind::protocol, {}, indent + narration.text);
}

std::vector<dns::CacheEntryView> ResolverService::dump_cache() const {
  return resolver_ ? resolver_->dump_cache(host_->simulator().now()) : std::vector<dns::CacheEntryView>{};
}

const dns::ResolverCounters& ResolverService::counters() const { return resolver_->counters(); }

std::uint64_t ResolverService::cache_hits_total() const {
  return hits_before_crash_ + (resolver_ ? resolver_->counters().cache_hits : 0);
}

std::uint64_t ResolverService::queries_sent_total() const {
  return sent_before_crash_ + (resolver_ ? resolver_->counters().queries_sent : 0);
}

void ResolverService::flush_cache() {
  if (resolver_) resolver_->flush_cache();
}

std::size_t ResolverService::cache_size() const { return resolver_ ? resolver_->cache().size() : 0; }

std::vector<std::string> ResolverService::apply_config(dns::ResolverConfig next) {
  std::vector<std::string> changed;
  auto compare = [&](const char* what, auto before, auto after) {
    if (before != after) changed.push_back(std::string(what) + " " + std::to_string(before) + " -> " + std::to_string(after));
  };
  auto duration = [&](const char* what, Time before, Time after) {
    if (before != after)
      changed.push_back(std::string(what) + " " + format_seconds(before) + " s -> " + format_seconds(after) + " s");
  };
  duration("server_timeout", config_.server_timeout, next.server_timeout);
  duration("query_budget", config_.query_budget, next.query_budget);
  duration("dead_server_hold", config_.dead_server_hold, next.dead_server_hold);
  compare("tries_per_server", config_.tries_per_server, next.tries_per_server);
  compare("max_ttl", config_.max_cache_ttl, next.max_cache_ttl);
  compare("EDNS payload size", config_.edns_udp_payload_size, next.edns_udp_payload_size);
  if (config_.root_hints.size() != next.root_hints.size() ||
      !std::equal(config_.root_hints.begin(), config_.root_hints.end(), next.root_hints.begin(),
                  [](const dns::RootHint& a, const dns::RootHint& b) { return a.address == b.address; }))
    changed.push_back("root hints: " + std::to_string(next.root_hints.size()) + " servers");
  config_ = std::move(next);
  if (resolver_) resolver_->reconfigure(config_);
  return changed;
}

}  // namespace maillab::engine
