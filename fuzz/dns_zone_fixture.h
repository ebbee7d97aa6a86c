// The zone the DNS target's authoritative answers come from: MX, TXT, a CNAME, a wildcard and a
// delegation with glue, so answers carry every section and compressed names.
#pragma once

#include <cstdlib>

#include "protocols/dns/zone.h"

namespace maillab::fuzz {

inline const dns::ZoneSet& example_zones() {
  static const dns::ZoneSet zones = [] {
    dns::ZoneSet set;
    auto zone = dns::Zone::parse(
        "$ORIGIN example.org.\n$TTL 300\n"
        "@ IN SOA ns1 hostmaster 1 3600 600 86400 300\n"
        "@ IN NS ns1\n@ IN MX 10 mail\n@ IN TXT \"v=spf1 -all\"\n"
        "ns1 IN A 10.0.0.53\nmail IN A 10.0.2.25\nwww IN CNAME mail\n*.wild IN A 10.0.0.1\n"
        "sub IN NS ns.sub\nns.sub IN A 10.0.0.54\n");
    if (!zone) std::abort();
    set.add(std::move(zone.value()));
    return set;
  }();
  return zones;
}

}  // namespace maillab::fuzz
