// StubResolver::resolve_mail_route: where to deliver mail for a domain (RFC 5321 §5.1).
#include <algorithm>

#include "engine/hosts/dns/stub_resolver.h"
#include "engine/net/host.h"
#include "protocols/dns/presentation.h"
#include "protocols/dns/stub.h"

namespace maillab::engine {

// One resolve_mail_route: the route being built and the caller waiting for it. Each step below
// is one DNS answer coming back: the MX answer, then the address lookups it needed.
struct StubResolver::RouteJob {
  std::string domain;
  dns::Name name;
  std::uint64_t shuffle_seed = 0;
  MailRoute route;
  std::size_t outstanding = 0;  // address lookups still to come back
  bool any_temporary = false;   // one of them failed for now (timeout, SERVFAIL)
  std::function<void(const MailRoute&)> done;

  void fail(MailRoute::Status status, std::string detail) {
    route.status = status;
    route.detail = std::move(detail);
    done(route);
  }
  // Every address lookup has come back: keep the exchangers that have an address.
  void finish();
};

namespace {

using MailRoute = StubResolver::MailRoute;

std::string describe_failure(const DnsLookupResult& result) {
  if (result.timed_out) return "no reply from the resolver";
  return "the resolver answered " + dns::rcode_to_text(result.rcode);
}

// A failure that may pass: no reply, or an answer other than NOERROR and NXDOMAIN (SERVFAIL...).
bool temporary(const DnsLookupResult& result) {
  return result.timed_out || (result.rcode != dns::Rcode::NOERROR && result.rcode != dns::Rcode::NXDOMAIN);
}

// RFC 5321 §5.1: MX records come sorted by preference; runs of equal preference are shuffled
// ("randomize"), with a generator seeded when the lookup began.
void shuffle_equal_preferences(std::vector<dns::MailExchanger>& exchangers, std::uint64_t seed) {
  Rng shuffle(seed);
  for (std::size_t begin = 0; begin < exchangers.size();) {
    std::size_t end = begin;
    while (end < exchangers.size() && exchangers[end].preference == exchangers[begin].preference) ++end;
    for (std::size_t i = end - 1; i > begin; --i) {
      std::size_t j = begin + static_cast<std::size_t>(shuffle.uniform(i - begin + 1));
      std::swap(exchangers[i], exchangers[j]);
    }
    begin = end;
  }
}

}  // namespace

void StubResolver::RouteJob::finish() {
  std::vector<MailExchanger> usable;
  std::string skipped;
  for (auto& exchanger : route.exchangers) {
    if (!exchanger.addresses.empty())
      usable.push_back(std::move(exchanger));
    else
      skipped += (skipped.empty() ? "" : ", ") + exchanger.host;
  }
  route.exchangers = std::move(usable);
  if (!skipped.empty()) route.detail += (route.detail.empty() ? "" : "; ") + ("no address for " + skipped);
  if (route.exchangers.empty())
    route.status = any_temporary ? MailRoute::Status::temporary_failure : MailRoute::Status::no_address;
  else
    route.status = MailRoute::Status::ok;
  done(route);
}

void StubResolver::resolve_mail_route(const std::string& domain, Rng& rng, std::function<void(const MailRoute&)> done) {
  auto job = std::make_shared<RouteJob>();
  job->domain = domain;
  job->done = std::move(done);
  auto parsed = dns::Name::from_text(domain);
  if (!parsed.ok()) {
    std::weak_ptr<bool> alive = alive_;
    host_.simulator().schedule_in(0, [alive, job] {
      if (alive.expired() || !*alive.lock()) return;
      job->fail(MailRoute::Status::nxdomain, "'" + job->domain + "' is not a domain name");
    });
    return;
  }
  job->name = parsed.value();
  // Drawn now so the caller's Rng need not outlive the lookup; the same seed gives the same order.
  job->shuffle_seed = rng.next_u64();
  lookup(job->name, dns::RecordType::MX, [this, job](const DnsLookupResult& result) { mx_answered(job, result); });
}

void StubResolver::mx_answered(const std::shared_ptr<RouteJob>& job, const DnsLookupResult& result) {
  if (temporary(result))
    return job->fail(MailRoute::Status::temporary_failure,
                     "MX lookup for " + job->domain + " failed: " + describe_failure(result));
  if (result.rcode == dns::Rcode::NXDOMAIN)
    return job->fail(MailRoute::Status::nxdomain, job->domain + " does not exist (NXDOMAIN)");
  auto exchangers = dns::extract_mail_exchangers(result.response, job->name);
  if (exchangers.size() == 1 && exchangers.front().exchange.is_root())  // RFC 7505: "MX 0 ." says no mail here
    return job->fail(MailRoute::Status::null_mx, job->domain + " publishes a null MX: it accepts no mail");
  if (exchangers.empty()) return look_up_implicit_mx(job);
  shuffle_equal_preferences(exchangers, job->shuffle_seed);
  std::vector<std::size_t> need_lookup;
  for (const auto& exchanger : exchangers) {
    MailExchanger entry{exchanger.preference, exchanger.exchange.to_short_text(),
                        dns::find_ipv4_addresses_anywhere(result.response, exchanger.exchange)};
    if (entry.addresses.empty()) need_lookup.push_back(job->route.exchangers.size());
    job->route.exchangers.push_back(std::move(entry));
  }
  if (need_lookup.empty()) return job->finish();
  job->outstanding = need_lookup.size();
  for (std::size_t index : need_lookup) look_up_exchanger(job, index, exchangers[index].exchange);
}

// RFC 5321 §5.1: no MX records -> the domain itself is the implicit MX, preference 0.
void StubResolver::look_up_implicit_mx(const std::shared_ptr<RouteJob>& job) {
  job->route.implicit = true;
  job->route.detail = "no MX records; using the A record of " + job->domain;
  job->route.exchangers.push_back(MailExchanger{0, job->name.to_short_text(), {}});
  job->outstanding = 1;
  lookup(job->name, dns::RecordType::A, [job](const DnsLookupResult& a) {
    if (temporary(a)) job->any_temporary = true;
    if (!a.timed_out)
      for (auto address : dns::extract_ipv4_addresses(a.response, job->name))
        job->route.exchangers.front().addresses.push_back(address);
    job->finish();
  });
}

// The addresses of exchanger `index`, which the MX answer's additional section did not give.
void StubResolver::look_up_exchanger(const std::shared_ptr<RouteJob>& job, std::size_t index, const dns::Name& exchange) {
  lookup(exchange, dns::RecordType::A, [job, index, exchange](const DnsLookupResult& a) {
    if (temporary(a))
      job->any_temporary = true;
    else  // follows a CNAME'd exchanger (not allowed by RFC 2181 §10.3, but seen in the wild)
      job->route.exchangers[index].addresses = dns::extract_ipv4_addresses(a.response, exchange);
    if (--job->outstanding == 0) job->finish();
  });
}

}  // namespace maillab::engine
