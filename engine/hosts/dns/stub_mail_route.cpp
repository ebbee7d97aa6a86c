// StubResolver::resolve_mail_route: where to deliver mail for a domain (RFC 5321 §5.1).
#include <algorithm>

#include "engine/hosts/dns/stub_resolver.h"
#include "engine/net/host.h"
#include "protocols/dns/presentation.h"
#include "protocols/dns/stub.h"

namespace maillab::engine {

struct StubResolver::RouteJob {
  std::string domain;
  MailRoute route;
  std::size_t outstanding = 0;
  bool any_temporary = false;
  std::function<void(const MailRoute&)> done;
};

namespace {

using MailRoute = StubResolver::MailRoute;

std::string describe_failure(const DnsLookupResult& result) {
  if (result.timed_out) return "no reply from the resolver";
  return "the resolver answered " + dns::rcode_to_text(result.rcode);
}

}  // namespace

void StubResolver::resolve_mail_route(const std::string& domain, Rng& rng, std::function<void(const MailRoute&)> done) {
  auto job = std::make_shared<RouteJob>();
  job->domain = domain;
  job->done = std::move(done);
  auto parsed = dns::Name::from_text(domain);
  if (!parsed.ok()) {
    std::weak_ptr<bool> alive = alive_;
    host_.simulator().schedule_in(0, [alive, job] {
      if (alive.expired() || !*alive.lock()) return;
      job->route.status = MailRoute::Status::nxdomain;
      job->route.detail = "'" + job->domain + "' is not a domain name";
      job->done(job->route);
    });
    return;
  }
  const dns::Name name = parsed.value();
  // Drawn now so the caller's Rng need not outlive the lookup; the same seed gives the same order.
  const std::uint64_t shuffle_seed = rng.next_u64();

  // Called when every address lookup has come back: keep exchangers that have an address.
  auto finish = [job] {
    std::vector<MailExchanger> usable;
    std::string skipped;
    for (auto& exchanger : job->route.exchangers) {
      if (!exchanger.addresses.empty())
        usable.push_back(std::move(exchanger));
      else
        skipped += (skipped.empty() ? "" : ", ") + exchanger.host;
    }
    job->route.exchangers = std::move(usable);
    if (!skipped.empty()) job->route.detail += (job->route.detail.empty() ? "" : "; ") + ("no address for " + skipped);
    if (job->route.exchangers.empty())
      job->route.status = job->any_temporary ? MailRoute::Status::temporary_failure : MailRoute::Status::no_address;
    else
      job->route.status = MailRoute::Status::ok;
    job->done(job->route);
  };

  lookup(name, dns::RecordType::MX, [this, job, name, finish, shuffle_seed](const DnsLookupResult& result) {
    if (result.timed_out || (result.rcode != dns::Rcode::NOERROR && result.rcode != dns::Rcode::NXDOMAIN)) {
      job->route.status = MailRoute::Status::temporary_failure;
      job->route.detail = "MX lookup for " + job->domain + " failed: " + describe_failure(result);
      return job->done(job->route);
    }
    if (result.rcode == dns::Rcode::NXDOMAIN) {
      job->route.status = MailRoute::Status::nxdomain;
      job->route.detail = job->domain + " does not exist (NXDOMAIN)";
      return job->done(job->route);
    }
    auto exchangers = dns::extract_mail_exchangers(result.response, name);
    if (exchangers.size() == 1 && exchangers.front().exchange.is_root()) {
      job->route.status = MailRoute::Status::null_mx;  // RFC 7505: "MX 0 ." says no mail here
      job->route.detail = job->domain + " publishes a null MX: it accepts no mail";
      return job->done(job->route);
    }
    if (exchangers.empty()) {
      // RFC 5321 §5.1: no MX records -> the domain itself is the implicit MX, preference 0.
      job->route.implicit = true;
      job->route.detail = "no MX records; using the A record of " + job->domain;
      job->route.exchangers.push_back(MailExchanger{0, name.to_short_text(), {}});
      job->outstanding = 1;
      lookup(name, dns::RecordType::A, [job, name, finish](const DnsLookupResult& a) {
        if (a.timed_out || (a.rcode != dns::Rcode::NOERROR && a.rcode != dns::Rcode::NXDOMAIN)) job->any_temporary = true;
        if (!a.timed_out)
          for (auto address : dns::extract_ipv4_addresses(a.response, name))
            job->route.exchangers.front().addresses.push_back(address);
        finish();
      });
      return;
    }
    // Sorted by preference already; shuffle runs of equal preference (RFC 5321 §5.1: "randomize").
    Rng shuffle(shuffle_seed);
    for (std::size_t begin = 0; begin < exchangers.size();) {
      std::size_t end = begin;
      while (end < exchangers.size() && exchangers[end].preference == exchangers[begin].preference) ++end;
      for (std::size_t i = end - 1; i > begin; --i) {
        std::size_t j = begin + static_cast<std::size_t>(shuffle.uniform(i - begin + 1));
        std::swap(exchangers[i], exchangers[j]);
      }
      begin = end;
    }
    std::vector<std::size_t> need_lookup;
    for (const auto& exchanger : exchangers) {
      MailExchanger entry{exchanger.preference, exchanger.exchange.to_short_text(),
                          dns::find_ipv4_addresses_anywhere(result.response, exchanger.exchange)};
      if (entry.addresses.empty()) need_lookup.push_back(job->route.exchangers.size());
      job->route.exchangers.push_back(std::move(entry));
    }
    if (need_lookup.empty()) return finish();
    job->outstanding = need_lookup.size();
    for (std::size_t index : need_lookup) {
      dns::Name exchange = exchangers[index].exchange;
      lookup(exchange, dns::RecordType::A, [job, index, exchange, finish](const DnsLookupResult& a) {
        if (a.timed_out || (a.rcode != dns::Rcode::NOERROR && a.rcode != dns::Rcode::NXDOMAIN))
          job->any_temporary = true;
        else  // follows a CNAME'd exchanger (not allowed by RFC 2181 §10.3, but seen in the wild)
          job->route.exchangers[index].addresses = dns::extract_ipv4_addresses(a.response, exchange);
        if (--job->outstanding == 0) finish();
      });
    }
  });
}

}  // namespace maillab::engine
