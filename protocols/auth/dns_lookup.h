#pragma once
// The DNS questions SPF, DKIM and DMARC ask, and the answers they are given.
// protocols/auth never performs I/O: a caller (the engine's resolver, or a test) answers each
// question. Every checker here can be driven two ways:
//   - resumably: ask the checker for its pending question, look it up however long that takes,
//     hand the answer back, repeat until done (see SpfCheck, DkimVerification, DmarcDiscovery);
//   - synchronously: pass a DnsLookupFunction that answers at once (tests, pre-fetched caches).

#include <functional>
#include <string>
#include <vector>

namespace maillab::auth {

enum class DnsType { a, aaaa, mx, txt, ptr };

enum class DnsStatus {
  ok,        // RCODE 0; an empty record list is NODATA
  nxdomain,  // RCODE 3 (Name Error)
  servfail,  // RCODE 2 or any other failure reported by the resolver
  timeout,   // no answer in time
};

struct DnsQuestion {
  std::string name;  // lower-case, no trailing dot
  DnsType type = DnsType::txt;
  bool operator==(const DnsQuestion&) const = default;
};

// Records are in presentation form, one string per resource record, CNAMEs already followed:
//   A "192.0.2.1"; AAAA "2001:db8::1"; MX "10 mx.example.com" (preference, exchange);
//   PTR "host.example.com"; TXT the record's character-strings concatenated with nothing between
//   (RFC 7208 §3.3, RFC 6376 §3.6.2.2).
struct DnsAnswer {
  DnsStatus status = DnsStatus::ok;
  std::vector<std::string> records;

  static DnsAnswer of(std::vector<std::string> records) { return {DnsStatus::ok, std::move(records)}; }
  static DnsAnswer nxdomain() { return {DnsStatus::nxdomain, {}}; }
  static DnsAnswer timeout() { return {DnsStatus::timeout, {}}; }
  bool is_error() const { return status == DnsStatus::servfail || status == DnsStatus::timeout; }
  bool is_void() const { return status == DnsStatus::nxdomain || (status == DnsStatus::ok && records.empty()); }
};

using DnsLookupFunction = std::function<DnsAnswer(const DnsQuestion&)>;

std::string to_string(DnsType type);    // "A", "AAAA", "MX", "TXT", "PTR"
std::string to_string(DnsStatus status);  // "NOERROR", "NXDOMAIN", "SERVFAIL", "TIMEOUT"

}  // namespace maillab::auth
