"""dig and dnspython against the simulated resolver and authoritative servers through the bridge.

usage: dns_interop.py MAILLAB
"""
import subprocess
import sys

import dns.flags
import dns.message
import dns.query
import dns.rcode
import dns.rdatatype

from bridge_harness import Bridge, Checks


def dig(port, *question):
    result = subprocess.run(["dig", "@127.0.0.1", "-p", str(port), "+tries=1", "+time=5", *question],
                            capture_output=True, text=True, timeout=30)
    return result.stdout


def ask(port, name, rdtype, recursion=True):
    query = dns.message.make_query(name, rdtype)
    if not recursion:
        query.flags &= ~dns.flags.RD
    return dns.query.udp(query, "127.0.0.1", port=port, timeout=5)


def main():
    checks = Checks("dns interop")
    bridge = Bridge(sys.argv[1])
    resolver = bridge.port("resolver", "dns")
    root = bridge.port("a.root-servers.net", "dns")
    auth_org = bridge.port("ns1.example.org", "dns")
    try:
        # dig through the recursive resolver: a cold lookup walks root -> org -> example.org.
        out = dig(resolver, "MX", "example.org")
        checks.check("status: NOERROR" in out, "dig MX example.org via resolver: NOERROR", out)
        checks.check("MX\t10 mail.example.org." in out, "dig MX example.org: 10 mail.example.org.", out)
        out = dig(resolver, "A", "nosuch.example.org")
        checks.check("status: NXDOMAIN" in out, "dig A nosuch.example.org via resolver: NXDOMAIN", out)
        checks.check("SOA" in out, "NXDOMAIN carries the zone's SOA (RFC 2308)", out)

        # dnspython: answers parse, flags right.
        answer = ask(resolver, "example.net", "MX")
        checks.check(answer.rcode() == dns.rcode.NOERROR, "dnspython MX example.net via resolver: NOERROR")
        exchangers = sorted(r.to_text() for rrset in answer.answer for r in rrset if rrset.rdtype == dns.rdatatype.MX)
        checks.check(exchangers == ["10 mail.example.net."], "MX example.net is 10 mail.example.net.", exchangers)
        checks.check(bool(answer.flags & dns.flags.RA), "the resolver sets RA")
        checks.check(not (answer.flags & dns.flags.AA), "a resolver's answer is not authoritative")

        address = ask(resolver, "mail.example.net", "A")
        addresses = [r.address for rrset in address.answer for r in rrset if rrset.rdtype == dns.rdatatype.A]
        checks.check(addresses == ["10.0.3.25"], "A mail.example.net is 10.0.3.25", addresses)

        missing = ask(resolver, "nobody.example.net", "MX")
        checks.check(missing.rcode() == dns.rcode.NXDOMAIN, "dnspython: nobody.example.net is NXDOMAIN",
                     dns.rcode.to_text(missing.rcode()))

        # Straight to the authoritative server: AA set, SPF TXT record intact.
        direct = ask(auth_org, "mail.example.org", "A", recursion=False)
        checks.check(bool(direct.flags & dns.flags.AA), "ns1.example.org answers authoritatively (AA)")
        checks.check([r.address for rrset in direct.answer for r in rrset] == ["10.0.2.25"],
                     "ns1.example.org: mail.example.org A 10.0.2.25")
        txt = ask(auth_org, "example.org", "TXT", recursion=False)
        texts = [b"".join(r.strings).decode() for rrset in txt.answer for r in rrset]
        checks.check(texts == ["v=spf1 ip4:10.0.2.25 -all"], "TXT example.org is the SPF record", texts)

        # The root refers: no answer, org. NS in authority, glue in additional.
        referral = ask(root, "example.org", "MX", recursion=False)
        authority = [rrset for rrset in referral.authority if rrset.rdtype == dns.rdatatype.NS]
        checks.check(not referral.answer and authority and authority[0].name.to_text() == "org.",
                     "the root server refers example.org to the org. servers", referral.to_text())
        checks.check(any(rrset.rdtype == dns.rdatatype.A for rrset in referral.additional),
                     "the referral carries glue")
        out = dig(root, "+norecurse", "NS", "org")
        checks.check("a0.org-servers.net." in out, "dig at the root: org. NS a0.org-servers.net.", out)

        # DNS over TCP (RFC 7766). A 4096-bit DKIM key does not fit in 512 octets of UDP: the
        # authoritative server answers UDP with TC set and no records, TCP with the whole record.
        key_name = "mail2024._domainkey.example.org"
        cut = ask(auth_org, key_name, "TXT", recursion=False)
        checks.check(bool(cut.flags & dns.flags.TC) and not cut.answer,
                     "ns1.example.org over UDP: TC set, no records", cut.to_text())
        whole = dns.query.tcp(dns.message.make_query(key_name, "TXT"), "127.0.0.1",
                              port=bridge.port("ns1.example.org", "dns-tcp"), timeout=5)
        key = [b"".join(r.strings).decode() for rrset in whole.answer for r in rrset]
        checks.check(len(key) == 1 and key[0].startswith("v=DKIM1; k=rsa; p=MIIC") and len(key[0]) > 700,
                     "ns1.example.org over TCP (dnspython): the whole 4096-bit key", key)
        # dig over TCP to the resolver, which itself had to ask ns1 again over TCP.
        out = dig(bridge.port("resolver", "dns-tcp"), "+tcp", "TXT", key_name)
        checks.check("status: NOERROR" in out and '"v=DKIM1; k=rsa; p=MIIC' in out,
                     "dig +tcp TXT via the resolver: the whole key", out)
        # EDNS(0) (RFC 6891): dig offers 1232 octets (+bufsize), the resolver offers as much to ns1,
        # so the key comes whole over UDP on both legs. +ignore: no TCP retry, a TC would show.
        out = dig(resolver, "+bufsize=1232", "+ignore", "TXT", key_name)
        checks.check("status: NOERROR" in out and '"v=DKIM1; k=rsa; p=MIIC' in out,
                     "dig +bufsize=1232 TXT via the resolver: the whole key over UDP", out)
        checks.check("flags: qr rd ra;" in out and "udp: 1232" in out,
                     "no TC, and the resolver's OPT record offers 1232 octets", out)
        edns_query = dns.message.make_query(key_name, "TXT", use_edns=0, payload=1232)
        edns_query.flags &= ~dns.flags.RD
        direct_edns = dns.query.udp(edns_query, "127.0.0.1", port=auth_org, timeout=5)
        checks.check(not (direct_edns.flags & dns.flags.TC) and direct_edns.answer and direct_edns.edns == 0,
                     "ns1.example.org with EDNS (dnspython): the key over UDP, an OPT record back",
                     direct_edns.to_text())
        out = dig(resolver, "+edns=1", "+noednsnegotiation", "A", "mail.example.org")
        checks.check("status: BADVERS" in out and "version: 0" in out,
                     "dig +edns=1 via the resolver: BADVERS, our version 0 (RFC 6891 §6.1.3)", out)

        # RFC 2181 §5.4.1: the glue the org servers gave for ns1.example.org (TTL 172800) is not
        # an answer: the resolver asks ns1 itself, whose zone says 300.
        out = dig(resolver, "+noall", "+answer", "A", "ns1.example.org")
        ttls = [int(line.split()[1]) for line in out.splitlines() if "\tA\t" in line or " A " in line]
        checks.check(ttls and max(ttls) <= 3600, "dig A ns1.example.org via the resolver: the zone's TTL, not the glue's",
                     out)
        # RFC 1034 §4.3.1: RD=0 is answered from the cache (the key is there) or referred, never recursed.
        out = dig(resolver, "+norecurse", "MX", "example.net")
        checks.check("status: NOERROR" in out and "MX\t10 mail.example.net." in out,
                     "dig +norecurse MX example.net via the resolver: from its cache", out)
        out = dig(resolver, "+norecurse", "A", "never-asked.example.com")
        checks.check("ANSWER: 0" in out and "AUTHORITY SECTION" in out and "NS" in out,
                     "dig +norecurse for an uncached name: a referral, no answer", out)

        # Reverse DNS (RFC 1035 §3.5): root -> 10.in-addr.arpa (ns-reverse.example.net) -> PTR.
        out = dig(resolver, "-x", "10.0.2.25")
        checks.check("status: NOERROR" in out and "PTR\tmail.example.org." in out,
                     "dig -x 10.0.2.25 via resolver: PTR mail.example.org.", out)
        out = dig(resolver, "-x", "10.0.1.10")
        checks.check("status: NXDOMAIN" in out, "dig -x 10.0.1.10 (laptop, a bare name): NXDOMAIN", out)
    finally:
        output = checks.finish(bridge)
    # The real queries entered at the gateway host and crossed simulated links.
    checks.check("bridge -> resolver  DNS   Q MX example.org" in output, "trace shows the query leaving the bridge host")
    checks.check("resolver -> a.root-servers.net" in output, "trace shows the resolver walking from the root")
    checks.check("RD=0 A never-asked.example.com: answering from the cache only" in output,
                 "trace shows the RD=0 question answered without recursion")
    checks.report()


if __name__ == "__main__":
    main()
