#include "engine/hosts/mail/reverse_dns.h"

#include <memory>

#include "engine/hosts/dns/stub_resolver.h"
#include "engine/hosts/mail/mail_trace.h"

namespace maillab::engine {

std::string_view to_string(ClientHostname::Status status) {
  switch (status) {
    case ClientHostname::Status::verified: return "verified";
    case ClientHostname::Status::no_ptr: return "no PTR";
    case ClientHostname::Status::mismatch: return "not forward-confirmed";
    case ClientHostname::Status::temporary: return "temporary failure";
  }
  return "temporary failure";
}

namespace {

bool temporary_failure(const DnsLookupResult& result) {
  return result.timed_out || (result.rcode != dns::Rcode::NOERROR && result.rcode != dns::Rcode::NXDOMAIN);
}

void finish(Host& host, const std::string& ip, const std::string& peer_name, ClientHostname outcome,
            const std::function<void(const ClientHostname&)>& done) {
  std::string summary = "reverse DNS: " + ip + " is ";
  summary += outcome.status == ClientHostname::Status::verified ? outcome.name + " (forward-confirmed)"
                                                                : "unknown (" + std::string(to_string(outcome.status)) + ")";
  if (!outcome.detail.empty()) summary += ": " + outcome.detail;
  record_mail(host, {}, summary, peer_name);
  done(outcome);
}

}  // namespace

void lookup_client_hostname(Host& host, StubResolver& resolver, Address address, std::string peer_name,
                            std::function<void(const ClientHostname&)> done) {
  const std::string ip = format_address(address);
  Host* where = &host;
  StubResolver* stub = &resolver;
  resolver.lookup_records(
      dns::reverse_pointer_name(address), dns::RecordType::PTR,
      [where, stub, address, ip, peer_name, done = std::move(done)](const DnsLookupResult& ptr) {
        ClientHostname outcome;
        if (temporary_failure(ptr)) {
          outcome.detail = ptr.timed_out ? "no answer to the PTR query" : "PTR query: " + dns::rcode_to_text(ptr.rcode);
          return finish(*where, ip, peer_name, outcome, done);
        }
        const dns::rdata::PTR* pointer = nullptr;
        for (const auto& record : ptr.response.answers)
          if ((pointer = std::get_if<dns::rdata::PTR>(&record.data))) break;
        if (!pointer) {
          outcome.status = ClientHostname::Status::no_ptr;
          outcome.detail = ptr.rcode == dns::Rcode::NXDOMAIN ? "PTR query: NXDOMAIN" : "no PTR record";
          return finish(*where, ip, peer_name, outcome, done);
        }
        // FCrDNS: the name the PTR gives must lead back to the address (anyone can publish a PTR
        // naming someone else's host; only the name's owner controls its A record).
        const std::string name = pointer->target.to_short_text();
        stub->lookup_records(pointer->target.to_text(), dns::RecordType::A,
                             [where, address, ip, peer_name, name, done](const DnsLookupResult& forward) {
                               ClientHostname outcome;
                               outcome.detail = "PTR " + name;
                               if (temporary_failure(forward)) {
                                 outcome.detail += ", then no usable answer for A " + name;
                                 return finish(*where, ip, peer_name, outcome, done);
                               }
                               std::string found;
                               for (const auto& record : forward.response.answers) {
                                 const auto* a = std::get_if<dns::rdata::A>(&record.data);
                                 if (!a) continue;
                                 found += (found.empty() ? "" : ", ") + format_address(a->address);
                                 if (a->address == address) outcome.status = ClientHostname::Status::verified;
                               }
                               if (outcome.status == ClientHostname::Status::verified) {
                                 outcome.name = name;
                                 outcome.detail += ", A " + found;
                               } else {
                                 outcome.status = ClientHostname::Status::mismatch;
                                 outcome.detail += ", but A " + name + " is " + (found.empty() ? "missing" : found);
                               }
                               finish(*where, ip, peer_name, outcome, done);
                             });
      });
}

}  // namespace maillab::engine
