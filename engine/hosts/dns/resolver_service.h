// A caching recursive resolver on the virtual network (kind "resolver"), driving the sans-I/O
// dns::Resolver: client questions arrive on UDP 53 (and TCP 53, for answers too big for a
// datagram), iterative queries leave from one ephemeral port — or over a TCP connection when a
// server's UDP reply came back truncated (RFC 7766) — and a single simulator timer tracks
// Resolver::poll_timeout(). Narration becomes `cache` and
// `protocol` trace records, indented by how deeply nested the resolution is. The cache is memory:
// a crash loses it.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "engine/core/rng.h"
#include "engine/hosts/dns/dns_over_tcp.h"
#include "engine/net/host.h"
#include "protocols/dns/resolver.h"

namespace maillab::engine {

class ResolverService : public Service {
 public:
  static constexpr std::uint16_t port = 53;

  // `config.narrate` and `config.random_id` are replaced by the service's own.
  explicit ResolverService(dns::ResolverConfig config = {});
  ~ResolverService() override;

  std::string_view kind() const override { return "resolver"; }
  void start(Host& host) override;
  void on_crash() override;
  void on_restart() override;

  // Before the run (root hints are filled in once every host exists). Resets the resolver.
  void set_root_hints(std::vector<dns::RootHint> hints);
  const dns::ResolverConfig& config() const { return config_; }
  // During the run (`set:`): the new settings hold from the next query on; the cache stays.
  // Says what changed, for the trace ("max_ttl 86400 -> 60").
  std::vector<std::string> apply_config(dns::ResolverConfig next);
  // A DNS-over-TCP client silent this long is closed on (RFC 7766 §6.2.3); 0: never.
  void set_tcp_idle_timeout(Time timeout) { tcp_idle_timeout_ = timeout; }

  // For inspectors and expectations.
  std::vector<dns::CacheEntryView> dump_cache() const;
  const dns::ResolverCounters& counters() const;  // of the resolver since its last (re)start
  std::uint64_t cache_hits_total() const;         // across crashes
  std::uint64_t queries_sent_total() const;
  void flush_cache();
  std::size_t cache_size() const;

  // Every iterative query sent, in order (for `dns_queries: {resolver: ...}`).
  struct SentQuery {
    Time time = 0;
    Address server = 0;
    std::string summary;
  };
  const std::vector<SentQuery>& sent() const { return sent_; }

 private:
  void build_resolver();
  void on_client_datagram(const Datagram& datagram);
  void on_client_stream(const std::shared_ptr<StreamConnection>& connection);
  void on_server_datagram(const Datagram& datagram);
  void send_over_tcp(dns::Transmit transmit);
  void on_timer();
  void flush();  // send transmits and answers, reschedule the timer
  void narrate(const dns::Narration& narration);

  Host* host_ = nullptr;
  dns::ResolverConfig config_;
  std::unique_ptr<dns::Resolver> resolver_;
  Rng rng_;
  std::uint16_t query_port_ = 0;
  std::uint64_t next_token_ = 1;
  Time tcp_idle_timeout_ = dns_tcp_idle_timeout;
  struct Client {
    Endpoint endpoint;
    bool over_tcp = false;
    std::weak_ptr<DnsStreamSession> stream;  // the connection it came on, when over TCP
  };
  std::map<std::uint64_t, Client> clients_;  // token -> who asked
  std::uint64_t generation_ = 0;             // a crash starts a new one: late TCP replies are dropped
  Simulator::EventId timer_ = 0;
  std::optional<Time> timer_at_;
  std::uint64_t hits_before_crash_ = 0;
  std::uint64_t sent_before_crash_ = 0;
  std::vector<SentQuery> sent_;
};

}  // namespace maillab::engine
