// SPF pieces the RFC 7208 suite does not show directly: addresses, macro examples (§7.4), the
// resumable driver, and the Received-SPF / Authentication-Results text.
#include <catch2/catch.hpp>

#include <map>

#include "protocols/auth/authentication_results.h"
#include "protocols/auth/domain_name.h"
#include "protocols/auth/ip_address.h"
#include "protocols/auth/spf.h"
#include "protocols/auth/spf_macro.h"

using namespace maillab::auth;

TEST_CASE("IP addresses parse, print, match and reverse", "[auth][spf][ip]") {
  CHECK(IpAddress::parse("192.0.2.1")->to_string() == "192.0.2.1");
  CHECK_FALSE(IpAddress::parse("192.0.2.01"));
  CHECK_FALSE(IpAddress::parse("192.0.2"));
  CHECK_FALSE(IpAddress::parse("256.0.0.1"));
  CHECK(IpAddress::parse("2001:DB8:0:0:0:0:0:1")->to_string() == "2001:db8::1");
  CHECK(IpAddress::parse("::ffff:192.0.2.1")->unmapped().to_string() == "192.0.2.1");
  CHECK(IpAddress::parse("::")->to_string() == "::");
  CHECK_FALSE(IpAddress::parse("1:2:3:4:5:6:7:8:9"));
  CHECK_FALSE(IpAddress::parse("1::2::3"));
  CHECK(IpAddress::parse("192.0.2.77")->matches(*IpAddress::parse("192.0.2.0"), 24));
  CHECK_FALSE(IpAddress::parse("192.0.3.77")->matches(*IpAddress::parse("192.0.2.0"), 24));
  CHECK(IpAddress::parse("192.0.2.1")->reverse_name() == "1.2.0.192.in-addr.arpa");
  CHECK(IpAddress::parse("2001:db8::cb01")->reverse_name() ==
        "1.0.b.c.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa");
}

TEST_CASE("macro expansion follows the RFC 7208 §7.4 examples", "[auth][spf][macro]") {
  SpfMacroContext context;
  context.sender = "strong-bad@email.example.com";
  context.local_part = "strong-bad";
  context.sender_domain = "email.example.com";
  context.domain = "email.example.com";
  context.ip = *IpAddress::parse("192.0.2.3");
  auto expand = [&](const char* text) {
    REQUIRE(validate_macro_string(text, SpfMacroMode::domain_spec).empty());
    return expand_macro_string(text, SpfMacroMode::domain_spec, context);
  };
  CHECK(expand("%{s}") == "strong-bad@email.example.com");
  CHECK(expand("%{o}") == "email.example.com");
  CHECK(expand("%{d4}") == "email.example.com");
  CHECK(expand("%{d2}") == "example.com");
  CHECK(expand("%{d1}") == "com");
  CHECK(expand("%{dr}") == "com.example.email");
  CHECK(expand("%{d2r}") == "example.email");
  CHECK(expand("%{l}") == "strong-bad");
  CHECK(expand("%{l-}") == "strong.bad");
  CHECK(expand("%{lr}") == "strong-bad");
  CHECK(expand("%{lr-}") == "bad.strong");
  CHECK(expand("%{l1r-}") == "strong");
  CHECK(expand("%{ir}.%{v}._spf.%{d2}") == "3.2.0.192.in-addr._spf.example.com");
  CHECK(expand("%{lr-}.lp._spf.%{d2}") == "bad.strong.lp._spf.example.com");
  CHECK(expand("%{d2}.trusted-domains.example.net") == "example.com.trusted-domains.example.net");
  context.ip = *IpAddress::parse("2001:db8::cb01");
  CHECK(to_lower(expand("%{ir}.%{v}._spf.%{d2}")) ==
        "1.0.b.c.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6._spf.example.com");
  CHECK_FALSE(validate_macro_string("%{c}", SpfMacroMode::domain_spec).empty());  // c only in exp
  CHECK(validate_macro_string("%{c}", SpfMacroMode::explanation).empty());
  CHECK_FALSE(validate_macro_string("%x", SpfMacroMode::domain_spec).empty());
}

TEST_CASE("SpfCheck asks one question at a time and resumes with each answer", "[auth][spf]") {
  std::map<std::pair<std::string, DnsType>, DnsAnswer> zone = {
      {{"example.com", DnsType::txt}, DnsAnswer::of({"v=spf1 include:_spf.example.net mx -all", "other text"})},
      {{"_spf.example.net", DnsType::txt}, DnsAnswer::of({"v=spf1 ip4:198.51.100.0/24 -all"})},
      {{"example.com", DnsType::mx}, DnsAnswer::of({"10 mx.example.com"})},
      {{"mx.example.com", DnsType::a}, DnsAnswer::of({"192.0.2.25"})},
  };
  SpfRequest request;
  request.client_ip = "192.0.2.25";
  request.mail_from = "alice@example.com";
  request.helo = "mx.example.com";
  request.receiver = "mx.example.net";
  SpfCheck check(request);
  std::vector<std::string> asked;
  while (!check.done()) {
    DnsQuestion question = *check.pending_question();
    asked.push_back(to_string(question.type) + " " + question.name);
    auto found = zone.find({question.name, question.type});
    check.provide_answer(question, found == zone.end() ? DnsAnswer::nxdomain() : found->second);
  }
  CHECK(asked == std::vector<std::string>{"TXT example.com", "TXT _spf.example.net", "MX example.com", "A mx.example.com"});
  CHECK(check.outcome().result == SpfResult::pass);
  CHECK(check.outcome().mechanism == "mx");
  CHECK(check.outcome().dns_lookups == 2);
  CHECK(received_spf_header(request, check.outcome()) ==
        "Received-SPF: pass (mx.example.net: domain of alice@example.com designates 192.0.2.25 as permitted sender)"
        " client-ip=192.0.2.25; envelope-from=\"alice@example.com\"; helo=mx.example.com; receiver=mx.example.net;"
        " mechanism=\"mx\"; identity=mailfrom;");
  CHECK(spf_authentication_results_fragment(request, check.outcome()) == "spf=pass smtp.mailfrom=example.com");

  // The same record from another address: the final -all fails, and a DNS timeout is temperror.
  request.client_ip = "203.0.113.9";
  auto lookup = [&](const DnsQuestion& question) {
    auto found = zone.find({question.name, question.type});
    return found == zone.end() ? DnsAnswer::nxdomain() : found->second;
  };
  SpfOutcome failed = check_host(request, lookup);
  CHECK(failed.result == SpfResult::fail);
  CHECK(failed.mechanism == "-all");
  CHECK_FALSE(failed.explanation.empty());
  SpfOutcome timed_out = check_host(request, [](const DnsQuestion&) { return DnsAnswer::timeout(); });
  CHECK(timed_out.result == SpfResult::temperror);
}

TEST_CASE("HELO identity and the null reverse-path use postmaster@helo", "[auth][spf]") {
  auto lookup = [](const DnsQuestion& question) {
    if (question.name == "mail.example.org" && question.type == DnsType::txt) return DnsAnswer::of({"v=spf1 a -all"});
    if (question.name == "mail.example.org" && question.type == DnsType::a) return DnsAnswer::of({"192.0.2.9"});
    return DnsAnswer::nxdomain();
  };
  SpfRequest request;
  request.client_ip = "192.0.2.9";
  request.helo = "mail.example.org";
  SpfOutcome bounce = check_host(request, lookup);  // MAIL FROM:<>
  CHECK(bounce.result == SpfResult::pass);
  CHECK(bounce.sender == "postmaster@mail.example.org");
  request.identity = SpfIdentity::helo;
  request.mail_from = "someone@elsewhere.example";
  CHECK(check_host(request, lookup).result == SpfResult::pass);
  CHECK(spf_authentication_results_fragment(request, check_host(request, lookup)) == "spf=pass smtp.helo=mail.example.org");
}
