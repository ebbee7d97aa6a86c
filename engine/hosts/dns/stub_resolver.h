// A host's stub resolver: the "nameserver" line of resolv.conf (RFC 1034 §5.3.1). It asks
// Host::resolver_address() on UDP 53 with RD=1, retries, and matches replies by id and question
// (RFC 5452 §9.1). A truncated reply (TC: a big TXT such as a 4096-bit DKIM key) is asked again
// over TCP 53, once, as glibc's resolver does (RFC 7766 §5). On top of it, the mail-route lookup an MTA needs (RFC 5321 §5.1).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "engine/core/rng.h"
#include "engine/core/time.h"
#include "engine/net/address.h"
#include "protocols/dns/message.h"
#include "protocols/dns/name.h"
#include "protocols/dns/types.h"

namespace maillab::engine {

class Host;

struct DnsLookupResult {
  bool timed_out = false;  // no reply from the resolver after all tries
  dns::Rcode rcode = dns::Rcode::NOERROR;
  dns::Message response;  // valid when !timed_out
};

class StubResolver {
 public:
  struct Options {
    int tries = 3;                           // resolv.conf "attempts"
    Time retry_interval = seconds(2);        // resolv.conf "timeout"
  };

  explicit StubResolver(Host& host);
  StubResolver(Host& host, Options options);
  ~StubResolver();  // cancels pending timers; callbacks never run after destruction
  StubResolver(const StubResolver&) = delete;
  StubResolver& operator=(const StubResolver&) = delete;

  void set_options(Options options) { options_ = options; }
  const Options& options() const { return options_; }

  // One query (RD=1) for name/type; `done` is called exactly once (unless this is destroyed).
  void lookup(const dns::Name& name, dns::RecordType type,
              std::function<void(const DnsLookupResult&)> done);

  // MX for a mail domain per RFC 5321 §5.1: MX records sorted by preference (equal preferences
  // shuffled with `rng`), each exchanger's IPv4 addresses resolved (from the additional section
  // or by further A lookups); no MX records (NODATA) -> implicit MX = the domain's own A records;
  // NXDOMAIN -> error kind nxdomain; timeout/SERVFAIL -> temporary error. Exchangers without any
  // address are left out (named in `detail`). One number is drawn from `rng` at the call, so
  // `rng` need not outlive it. A null MX (RFC 7505) gives no_address.
  struct MailExchanger {
    std::uint16_t preference;
    std::string host;
    std::vector<Address> addresses;
  };
  struct MailRoute {
    enum class Status { ok, nxdomain, no_address, null_mx, temporary_failure } status;  // null_mx: RFC 7505
    std::vector<MailExchanger> exchangers;
    bool implicit = false;
    std::string detail;
  };
  void resolve_mail_route(const std::string& domain, Rng& rng, std::function<void(const MailRoute&)> done);

  // A plain A/TXT lookup for SPF/DKIM/DMARC: answers with CNAMEs followed.
  void lookup_records(const std::string& name, dns::RecordType type,
                      std::function<void(const DnsLookupResult&)> done);

  // Counters (for inspectors and tests).
  std::uint64_t queries_sent() const { return queries_sent_; }
  std::uint64_t timeouts() const { return timeouts_; }

 private:
  struct Pending;
  struct RouteJob;
  // resolve_mail_route's steps (stub_mail_route.cpp), one per DNS answer.
  void mx_answered(const std::shared_ptr<RouteJob>& job, const DnsLookupResult& result);
  void look_up_implicit_mx(const std::shared_ptr<RouteJob>& job);
  void look_up_exchanger(const std::shared_ptr<RouteJob>& job, std::size_t index, const dns::Name& exchange);
  void transmit(const std::shared_ptr<Pending>& pending);
  void transmit_over_tcp(const std::shared_ptr<Pending>& pending);
  void on_datagram(const std::vector<std::uint8_t>& payload);
  // A reply that matched `pending`'s query: hand it over (or, truncated over UDP, go to TCP).
  void on_reply(std::shared_ptr<Pending> pending, dns::Message reply, bool over_tcp);
  void on_retry_timer(std::uint16_t id);
  std::uint16_t next_id();

  Host& host_;
  Options options_;
  std::uint16_t port_ = 0;
  std::uint16_t id_counter_ = 0;
  std::vector<std::shared_ptr<Pending>> pending_;
  std::shared_ptr<bool> alive_;
  std::uint64_t queries_sent_ = 0;
  std::uint64_t timeouts_ = 0;
};

}  // namespace maillab::engine
