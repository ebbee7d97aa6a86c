#include "engine/hosts/tls/world_pki.h"

#include <arpa/inet.h>

#include <mutex>

#include "engine/hosts/mailbox/mailbox_service.h"
#include "engine/net/network.h"

namespace maillab::engine {
namespace {

constexpr std::int64_t day = 86400;

std::uint64_t name_seed(std::uint64_t seed, std::string_view name) {
  return tls::derive_seed(seed, name.data(), name.size());
}

// Keys depend only on (seed, name), so a process-wide cache gives the same bytes as making them
// again: loading a world twice (tests, the visualizer's restart) costs one key generation.
tls::PrivateKey cached_key(std::uint64_t seed) {
  static std::mutex mutex;
  static std::map<std::uint64_t, tls::PrivateKey> keys;
  std::lock_guard lock(mutex);
  auto& key = keys[seed];
  if (!key) {
    tls::DeterministicRandom random(seed);
    key = tls::generate_key(random);
  }
  return key;
}

// "mx.example.org" -> "www.example.org": a real name of the same domain, just not this one.
std::string other_name(const std::string& name) {
  const auto dot = name.find('.');
  const std::string rest = dot == std::string::npos ? name : name.substr(dot + 1);
  return (name.rfind("www.", 0) == 0 ? "mail." : "www.") + rest;
}

bool is_address_literal(const std::string& name) {
  unsigned char address[16];
  return inet_pton(AF_INET, name.c_str(), address) == 1 || inet_pton(AF_INET6, name.c_str(), address) == 1;
}

}  // namespace

std::string_view to_string(CertificateFault fault) {
  switch (fault) {
    case CertificateFault::none: return "good";
    case CertificateFault::expired: return "expired";
    case CertificateFault::not_yet_valid: return "not-yet-valid";
    case CertificateFault::self_signed: return "self-signed";
    case CertificateFault::wrong_name: return "wrong-name";
    case CertificateFault::untrusted: return "untrusted";
  }
  return "good";
}

bool parse_certificate_fault(std::string_view text, CertificateFault& fault) {
  for (auto candidate : {CertificateFault::none, CertificateFault::expired, CertificateFault::not_yet_valid,
                         CertificateFault::self_signed, CertificateFault::wrong_name, CertificateFault::untrusted}) {
    if (text == to_string(candidate)) {
      fault = candidate;
      return true;
    }
  }
  return false;
}

WorldPki::WorldPki(std::uint64_t seed, std::int64_t calendar_start) : seed_(seed), calendar_start_(calendar_start) {
  ca_key_ = cached_key(name_seed(seed, "certificate authority"));
  tls::DeterministicRandom random(name_seed(seed, "ca certificate"));
  ca_ = tls::issue_certificate({"maillab World CA", {}, true, calendar_start - 365 * day, calendar_start + 3650 * day, 1},
                               ca_key_, {}, ca_key_, random);
}

void WorldPki::set_fault(const std::string& host, CertificateFault fault, int days) {
  faults_[host] = Fault{fault, days};
  for (auto it = identities_.begin(); it != identities_.end();)  // made before: make again
    it = it->first.first == host ? identities_.erase(it) : std::next(it);
}

CertificateFault WorldPki::fault(const std::string& host) const {
  auto found = faults_.find(host);
  return found == faults_.end() ? CertificateFault::none : found->second.fault;
}

int WorldPki::fault_days(const std::string& host) const {
  auto found = faults_.find(host);
  return found == faults_.end() ? Fault{}.days : found->second.days;
}

const ServerIdentity& WorldPki::identity(const std::string& host, const std::string& name) {
  // RFC 6066 §3: "Literal IPv4 and IPv6 addresses are not permitted in HostName". Some clients
  // that connect by address send one anyway (fetchmail to 127.0.0.1 over the bridge); a real
  // server ignores it, so this one answers with its own certificate (which names the bridge's
  // addresses too) instead of minting one for "127.0.0.1".
  const std::string& wanted = name.empty() || is_address_literal(name) ? host : name;
  auto key = std::make_pair(host, wanted);
  if (auto found = identities_.find(key); found != identities_.end()) return found->second;
  auto fault = faults_.find(host);
  return identities_[key] = make_identity(wanted, fault == faults_.end() ? Fault{} : fault->second);
}

ServerIdentity WorldPki::make_identity(const std::string& name, const Fault& fault) {
  ServerIdentity identity;
  identity.key = cached_key(name_seed(seed_, "server key " + name));
  tls::DeterministicRandom random(name_seed(seed_, "server certificate " + name + " " + std::string(to_string(fault.fault))));
  // Half a day on top of whole days, so that "expired 3 days ago" holds all morning.
  const std::int64_t offset = fault.days * day + day / 2;
  tls::CertificateRequest request{name, {name}, false, calendar_start_ - 30 * day, calendar_start_ + 365 * day,
                                  2 + (name_seed(seed_, name) >> 40)};
  request.ip_addresses = extra_addresses_;
  // The addresses as dNSNames too: RFC 6125 clients match an address against iPAddress entries
  // only, but some real ones (fetchmail 6.4) compare the name they dialled, "127.0.0.1", with the
  // dNSNames alone; this is what makes them verify with their default settings over the bridge.
  request.dns_names.insert(request.dns_names.end(), extra_addresses_.begin(), extra_addresses_.end());
  switch (fault.fault) {
    case CertificateFault::none: break;
    case CertificateFault::expired:
      request.not_before = calendar_start_ - 365 * day;
      request.not_after = calendar_start_ - offset;
      break;
    case CertificateFault::not_yet_valid: request.not_before = calendar_start_ + offset; break;
    case CertificateFault::wrong_name:
      request.common_name = other_name(name);
      request.dns_names = {request.common_name};
      request.ip_addresses.clear();
      break;
    case CertificateFault::self_signed:
      identity.chain = {tls::issue_certificate(request, identity.key, {}, identity.key, random)};
      return identity;
    case CertificateFault::untrusted: {
      const tls::PrivateKey rogue_key = cached_key(name_seed(seed_, "untrusted authority"));
      tls::Certificate rogue = tls::issue_certificate(
          {"Untrusted Lab CA", {}, true, calendar_start_ - 365 * day, calendar_start_ + 3650 * day, 1}, rogue_key, {},
          rogue_key, random);
      identity.chain = {tls::issue_certificate(request, identity.key, rogue, rogue_key, random), rogue};
      return identity;
    }
  }
  identity.chain = {tls::issue_certificate(request, identity.key, ca_, ca_key_, random), ca_};
  return identity;
}

WorldPki& world_pki(Network& network) {
  auto& slot = network.tls_pki();
  if (!slot) slot = std::make_shared<WorldPki>(network.simulator().seed(), simulation_epoch_seconds);
  return *slot;
}

}  // namespace maillab::engine
