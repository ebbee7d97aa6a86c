// DNS for the sender-authentication checks of one MTA host: the resumable checkers of
// protocols/auth (SpfCheck, DkimVerification, DmarcDiscovery) ask one question at a time; this
// answers each through a StubResolver of the host (protocols/auth's DnsAnswer text forms:
// A "192.0.2.1", MX "10 mx.example.com", TXT strings joined) and writes one `protocol` trace
// record per question, under the checker's protocol name ("SPF", "DKIM", "DMARC"), so a student
// sees which records a check needed and what came back.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "engine/hosts/dns/stub_resolver.h"
#include "protocols/auth/dns_lookup.h"

namespace maillab::engine {

class Host;

// A `protocol` record at `host`, e.g. protocol "SPF", "SPF fail: 203.0.113.66 is not permitted by ...".
void record_authentication(Host& host, std::string protocol, std::string summary, std::string peer = {});

// Simulated wall-clock seconds (the same epoch the MTA uses for Date headers).
std::int64_t authentication_epoch_seconds(Host& host);

// "TXT example.com -> \"v=spf1 -all\"", "TXT _dmarc.example.com -> NXDOMAIN" (for traces).
std::string describe_lookup(const auth::DnsQuestion& question, const auth::DnsAnswer& answer);

// Converts a stub resolver's reply into protocols/auth's form.
auth::DnsAnswer to_auth_answer(const auth::DnsQuestion& question, const DnsLookupResult& result);

class AuthLookups {
 public:
  // Where questions go: the host's stub resolver. Give one that outlives the host's transport
  // (the scenario module passes the World's, as the MTA module does for the MTA); without one a
  // resolver is made at the first question and deliberately not destroyed with this object
  // (a Host destroys its transport before its services, and ~StubResolver unbinds its port).
  using ResolverProvider = std::function<StubResolver*(Host&)>;
  explicit AuthLookups(ResolverProvider provider = {}) : provider_(std::move(provider)) {}
  ~AuthLookups();
  AuthLookups(const AuthLookups&) = delete;
  AuthLookups& operator=(const AuthLookups&) = delete;

  // Asks one question; `done` runs later (never re-entrantly), unless this is destroyed first.
  void ask(Host& host, const std::string& protocol, const auth::DnsQuestion& question,
           std::function<void(const auth::DnsAnswer&)> done);

  // Drives a resumable checker (anything with done(), pending_question(), provide_answer()) to
  // the end, then calls `finished`. The checker is shared so it outlives the lookups.
  template <typename Checker>
  void drive(Host& host, const std::string& protocol, std::shared_ptr<Checker> checker, std::function<void()> finished) {
    if (checker->done()) return finished();
    const auth::DnsQuestion question = *checker->pending_question();
    ask(host, protocol, question,
        [this, &host, protocol, checker, question, finished = std::move(finished)](const auth::DnsAnswer& answer) mutable {
          checker->provide_answer(question, answer);
          drive(host, protocol, checker, std::move(finished));
        });
  }

  std::uint64_t questions_asked() const { return questions_asked_; }

 private:
  StubResolver& resolver_for(Host& host);
  ResolverProvider provider_;
  std::unique_ptr<StubResolver> own_resolver_;  // only without a provider
  Host* host_ = nullptr;
  std::uint64_t questions_asked_ = 0;
};

}  // namespace maillab::engine
