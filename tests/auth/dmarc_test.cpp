// DMARC: record parsing, alignment tables, policy selection, pct sampling, org-domain fallback,
// and the Authentication-Results header.
#include <catch2/catch.hpp>

#include <map>

#include "protocols/auth/authentication_results.h"
#include "protocols/auth/dmarc.h"
#include "protocols/auth/message_headers.h"

using namespace maillab::auth;

namespace {

DnsLookupFunction zone(std::map<std::string, std::string> records) {
  return [records](const DnsQuestion& question) {
    auto found = records.find(question.name);
    if (question.type != DnsType::txt || found == records.end()) return DnsAnswer::nxdomain();
    return DnsAnswer::of({found->second});
  };
}

DmarcOutcome run(const std::string& record_domain, const std::string& record, DmarcInputs inputs) {
  return evaluate_dmarc(discover_dmarc(inputs.from_domain, zone({{"_dmarc." + record_domain, record}})), inputs);
}

}  // namespace

TEST_CASE("DMARC identifier alignment: relaxed and strict for exact, subdomain and unrelated", "[auth][dmarc]") {
  struct Row {
    const char* identifier;
    const char* from;
    bool relaxed;
    bool strict;
  };
  for (const Row& row : {Row{"example.com", "example.com", true, true},
                         Row{"mail.example.com", "example.com", true, false},
                         Row{"example.com", "news.example.com", true, false},
                         Row{"a.example.com", "b.example.com", true, false},
                         Row{"EXAMPLE.com.", "example.COM", true, true},
                         Row{"example.net", "example.com", false, false},
                         Row{"example.co.uk", "other.co.uk", false, false},
                         Row{"mail.example.co.uk", "example.co.uk", true, false}}) {
    INFO(row.identifier << " vs " << row.from);
    CHECK(is_aligned(row.identifier, row.from, DmarcAlignment::relaxed) == row.relaxed);
    CHECK(is_aligned(row.identifier, row.from, DmarcAlignment::strict) == row.strict);
  }
  CHECK(organizational_domain("a.b.example.com") == "example.com");
  CHECK(organizational_domain("mail.shop.example.co.uk") == "example.co.uk");
  CHECK(organizational_domain("example.com") == "example.com");
}

TEST_CASE("DMARC SPF and DKIM alignment decide pass or fail", "[auth][dmarc]") {
  std::string record = "v=DMARC1; p=reject";
  DmarcInputs spf_sub{"example.com", SpfResult::pass, "bounce.example.com", {}, 0};
  CHECK(run("example.com", record, spf_sub).result == DmarcResult::pass);
  CHECK(run("example.com", record + "; aspf=s", spf_sub).result == DmarcResult::fail);
  DmarcInputs spf_fail{"example.com", SpfResult::fail, "example.com", {}, 0};
  CHECK(run("example.com", record, spf_fail).result == DmarcResult::fail);
  DmarcInputs spf_unrelated{"example.com", SpfResult::pass, "mailer.example.net", {}, 0};
  auto unrelated = run("example.com", record, spf_unrelated);
  CHECK(unrelated.result == DmarcResult::fail);
  CHECK(unrelated.disposition == DmarcPolicy::reject);
  CHECK_FALSE(unrelated.spf_aligned);

  DmarcInputs dkim_sub{"example.com", SpfResult::fail, "example.net", {{DkimResult::pass, "news.example.com"}}, 0};
  auto relaxed = run("example.com", record, dkim_sub);
  CHECK(relaxed.result == DmarcResult::pass);
  CHECK(relaxed.dkim_aligned);
  CHECK(run("example.com", record + "; adkim=s", dkim_sub).result == DmarcResult::fail);
  DmarcInputs dkim_exact{"example.com", SpfResult::none, "", {{DkimResult::pass, "example.com"}}, 0};
  CHECK(run("example.com", record + "; adkim=s", dkim_exact).result == DmarcResult::pass);
  DmarcInputs dkim_failed{"example.com", SpfResult::none, "", {{DkimResult::fail, "example.com"}}, 0};
  CHECK(run("example.com", record, dkim_failed).result == DmarcResult::fail);
  DmarcInputs dkim_third_party{"example.com", SpfResult::none, "", {{DkimResult::pass, "esp.example.org"}}, 0};
  CHECK(run("example.com", record, dkim_third_party).result == DmarcResult::fail);
}

TEST_CASE("DMARC policy: sp= applies to subdomains found through the organisational domain", "[auth][dmarc]") {
  DmarcInputs sub{"news.example.com", SpfResult::fail, "x.example.net", {}, 0};
  auto fallback = run("example.com", "v=DMARC1; p=reject; sp=quarantine", sub);
  CHECK(fallback.policy_domain == "example.com");
  CHECK(fallback.policy == DmarcPolicy::quarantine);
  CHECK(fallback.disposition == DmarcPolicy::quarantine);
  CHECK(run("example.com", "v=DMARC1; p=reject", sub).policy == DmarcPolicy::reject);  // no sp: p
  DmarcInputs top{"example.com", SpfResult::fail, "x.example.net", {}, 0};
  CHECK(run("example.com", "v=DMARC1; p=reject; sp=none", top).policy == DmarcPolicy::reject);
  // A record at the subdomain itself wins over the organisational one.
  auto lookup = zone({{"_dmarc.news.example.com", "v=DMARC1; p=none"}, {"_dmarc.example.com", "v=DMARC1; p=reject"}});
  auto own = evaluate_dmarc(discover_dmarc("news.example.com", lookup), sub);
  CHECK(own.policy_domain == "news.example.com");
  CHECK(own.policy == DmarcPolicy::none);
  // No record anywhere: dmarc=none.
  CHECK(run("example.org", "v=DMARC1; p=reject", sub).result == DmarcResult::none);
}

TEST_CASE("DMARC pct sampling uses the injected draw", "[auth][dmarc]") {
  DmarcInputs failing{"example.com", SpfResult::fail, "example.com", {}, 0};
  for (int draw : {0, 50, 99}) {
    failing.sampling_draw = draw;
    auto none_sampled = run("example.com", "v=DMARC1; p=reject; pct=0", failing);
    CHECK(none_sampled.disposition == DmarcPolicy::quarantine);  // reject falls back one step
    CHECK(none_sampled.sampled_out);
    CHECK(run("example.com", "v=DMARC1; p=quarantine; pct=0", failing).disposition == DmarcPolicy::none);
    CHECK(run("example.com", "v=DMARC1; p=reject; pct=100", failing).disposition == DmarcPolicy::reject);
  }
  failing.sampling_draw = 29;
  CHECK(run("example.com", "v=DMARC1; p=reject; pct=30", failing).disposition == DmarcPolicy::reject);
  failing.sampling_draw = 30;
  CHECK(run("example.com", "v=DMARC1; p=reject; pct=30", failing).disposition == DmarcPolicy::quarantine);
}

TEST_CASE("DMARC record parsing", "[auth][dmarc]") {
  auto full = parse_dmarc_record("v=DMARC1; p=quarantine; sp=reject; adkim=s; aspf=r; pct=25; "
                                 "rua=mailto:agg@example.com; ruf=mailto:f@example.com; fo=1");
  REQUIRE(full.record);
  CHECK(full.record->policy == DmarcPolicy::quarantine);
  CHECK(full.record->subdomain_policy == DmarcPolicy::reject);
  CHECK(full.record->dkim_alignment == DmarcAlignment::strict);
  CHECK(full.record->spf_alignment == DmarcAlignment::relaxed);
  CHECK(full.record->percent == 25);
  CHECK(full.record->aggregate_report_uris == "mailto:agg@example.com");
  CHECK_FALSE(parse_dmarc_record("p=reject; v=DMARC1").record);  // v= must be first
  CHECK_FALSE(parse_dmarc_record("v=DMARC1; p=bogus").record);
  CHECK(parse_dmarc_record("v=DMARC1; p=bogus; rua=mailto:a@example.com").record->policy == DmarcPolicy::none);
  CHECK_FALSE(parse_dmarc_record("v=DMARC1; p=none; pct=101").record);
  CHECK_FALSE(parse_dmarc_record("v=spf1 -all").record);
}

TEST_CASE("DMARC discovery is resumable and reports DNS failures as temperror", "[auth][dmarc]") {
  DmarcDiscovery discovery("a.b.example.com");
  std::vector<std::string> asked;
  while (!discovery.done()) {
    DnsQuestion question = *discovery.pending_question();
    asked.push_back(question.name);
    discovery.provide_answer(question, question.name == "_dmarc.example.com" ? DnsAnswer::of({"v=DMARC1; p=none"})
                                                                             : DnsAnswer::nxdomain());
  }
  CHECK(asked == std::vector<std::string>{"_dmarc.a.b.example.com", "_dmarc.example.com"});
  CHECK(discovery.result().status == DmarcDiscoveryStatus::found);
  auto failed = discover_dmarc("example.com", [](const DnsQuestion&) { return DnsAnswer::timeout(); });
  DmarcInputs inputs{"example.com", SpfResult::pass, "example.com", {}, 0};
  CHECK(evaluate_dmarc(failed, inputs).result == DmarcResult::temperror);
}

TEST_CASE("Authentication-Results header is built and parsed back", "[auth][dmarc][authres]") {
  SpfRequest request;
  request.client_ip = "192.0.2.1";
  request.mail_from = "alice@example.com";
  request.helo = "mail.example.com";
  SpfOutcome spf;
  spf.result = SpfResult::pass;
  spf.domain = "example.com";
  DkimSignatureResult dkim;
  dkim.result = DkimResult::pass;
  dkim.domain = "example.com";
  dkim.identity = "@example.com";
  dkim.selector = "sel";
  dkim.signature_prefix = "ab/cd+ef";
  DmarcOutcome dmarc;
  dmarc.result = DmarcResult::pass;
  dmarc.policy = DmarcPolicy::reject;
  dmarc.from_domain = "example.com";

  AuthenticationResults results{"mx.example.net", {spf_authentication_result(request, spf),
                                                   dkim_authentication_result(dkim),
                                                   dmarc_authentication_result(dmarc)}};
  std::string field = format_authentication_results(results);
  CHECK(field ==
        "Authentication-Results: mx.example.net;\r\n"
        "\tspf=pass smtp.mailfrom=example.com;\r\n"
        "\tdkim=pass header.d=example.com header.i=@example.com header.s=sel header.b=\"ab/cd+ef\";\r\n"
        "\tdmarc=pass (p=reject dis=none) header.from=example.com\r\n");
  auto parsed = parse_authentication_results(field);
  REQUIRE(parsed);
  CHECK(parsed->authserv_id == "mx.example.net");
  REQUIRE(parsed->results.size() == 3);
  CHECK(parsed->results[0].method == "spf");
  CHECK(parsed->results[0].property("smtp.mailfrom") == "example.com");
  CHECK(parsed->results[1].property("header.b") == "ab/cd+ef");
  CHECK(parsed->results[2].result == "pass");
  CHECK(parsed->results[2].comment == "p=reject dis=none");
  CHECK(format_authentication_results({"mx.example.net", {}}) == "Authentication-Results: mx.example.net; none\r\n");
  // A real-world field with a version, comments and reason=.
  auto other = parse_authentication_results(
      "Authentication-Results: lists.example.org 1; arc=none; spf=pass smtp.mfrom=jqd@d1.example; "
      "dkim=pass (1024-bit key) header.i=@d1.example; dmarc=pass");
  REQUIRE(other);
  REQUIRE(other->results.size() == 4);
  CHECK(other->results[2].comment == "1024-bit key");
  CHECK(other->results[1].property("smtp.mfrom") == "jqd@d1.example");
}

TEST_CASE("Authentication-Results: a comment's quoted-pairs are text, so a formatted comment reads back", "[auth][dmarc][authres]") {
  // Found by fuzz_authentication_results: a comment with ")" and ";" was formatted as
  // "(a\)\) ; b)", and the parser ended the comment at the escaped ")" and split at the ";".
  AuthenticationResults results{"mx.example.net", {}};
  AuthenticationResult dkim;
  dkim.method = "dkim";
  dkim.result = "fail";
  dkim.comment = "key (nested)) ; dkim=pass";
  results.results.push_back(dkim);
  const std::string field = format_authentication_results(results);
  CHECK(field.find("(key \\(nested\\)\\) ; dkim=pass)") != std::string::npos);
  auto parsed = parse_authentication_results(field);
  REQUIRE(parsed);
  REQUIRE(parsed->results.size() == 1);
  CHECK(parsed->results[0].result == "fail");
  CHECK(parsed->results[0].comment == dkim.comment);
}

TEST_CASE("Authentication-Results: names outside the RFC 8601 grammar are malformed, an odd authserv-id is quoted", "[auth][dmarc][authres]") {
  // Found by fuzz_authentication_results: "///=/com" gave an empty method, and a quoted
  // authserv-id holding ';' was formatted bare and read back as an extra result.
  CHECK_FALSE(parse_authentication_results("mx; ///=pass"));
  CHECK_FALSE(parse_authentication_results("mx; spf/=pass"));      // method-version is 1*DIGIT
  CHECK_FALSE(parse_authentication_results("mx; spf=pa.ss"));      // result is a Keyword
  CHECK_FALSE(parse_authentication_results("mx; spf=pass \"a;b\"=x"));  // property name
  auto versioned = parse_authentication_results("mx; spf/1=pass policy.dkim_domain=example.com");
  REQUIRE(versioned);
  CHECK(versioned->results.at(0).method == "spf");
  CHECK(versioned->results.at(0).property("policy.dkim_domain") == "example.com");

  auto odd = parse_authentication_results("\"mx;(odd\" 1; spf=pass");
  REQUIRE(odd);
  CHECK(odd->authserv_id == "mx;(odd");
  const std::string field = format_authentication_results(*odd);
  CHECK(field.rfind("Authentication-Results: \"mx;(odd\";", 0) == 0);
  auto again = parse_authentication_results(field);
  REQUIRE(again);
  CHECK(again->authserv_id == "mx;(odd");
  CHECK(again->results.size() == 1);
}

TEST_CASE("From domain extraction from raw message bytes", "[auth][dmarc][headers]") {
  CHECK(from_domain("From: Joe <joe@Example.COM>\r\nTo: x@y.z\r\n\r\nbody") == "example.com");
  CHECK(from_domain("Subject: hi\nFrom:\n \"Doe, Jane\" (work)\n <jane@mail.example.org>\n\nbody") == "mail.example.org");
  CHECK(from_domain("From: plain@example.net\r\n\r\n") == "example.net");
  CHECK_FALSE(from_domain("To: x@example.com\r\n\r\n"));                       // no From
  CHECK_FALSE(from_domain("From: a@example.com, b@example.org\r\n\r\n"));      // two authors
  CHECK_FALSE(from_domain("From: a@example.com\r\nFrom: b@example.com\r\n\r\n"));  // two fields
  CHECK_FALSE(from_domain("From: nobody\r\n\r\n"));
  SplitMessage split = split_message("A: 1\r\nB: 2\r\n 3\r\n\r\nbody\r\n");
  REQUIRE(split.headers.size() == 2);
  CHECK(split.headers[1].value() == "2 3");
  CHECK(split.body == "body\r\n");
  // Fields read in place: any case of the name, a space before the colon, folded values, a
  // continuation line before any field (a field of its own), the From field last with no body.
  CHECK(from_domain(" x\r\nfRoM : <a@Ex.org>\r\n\r\n") == "ex.org");
  CHECK(from_domain("To: t@example.com\r\nFrom: Jo\r\n\t<jo@example.com>\r\n") == "example.com");
  CHECK(from_domain("From: a@example.com\r\nX: y\r\n\r\nFrom: b@example.com\r\n") == "example.com");
  SplitMessage unended = split_message(" x\r\nA: 1\r\n\tmore\r\nB");
  REQUIRE(unended.headers.size() == 3);
  CHECK(unended.headers[0].name == "x");
  CHECK(unended.headers[1].raw == "A: 1\r\n\tmore\r\n");
  CHECK(unended.headers[2].raw == "B");
  CHECK(unended.body.empty());
}

TEST_CASE("A message without bare LF is split as it is, one with bare LF as after to_crlf", "[auth][headers]") {
  CHECK_FALSE(has_bare_lf("From: a@example.com\r\n\r\nbody\r\n"));
  CHECK(has_bare_lf("From: a@example.com\n\r\nbody\r\n"));
  CHECK(has_bare_lf("\nbody"));
  const std::string mixed = "From: a@example.com\nSubject: x\r\n\tfolded\n\nbody\nend\r\n";
  SplitMessage direct = split_message_to_crlf(mixed);
  SplitMessage converted = split_message(to_crlf(mixed));
  REQUIRE(direct.headers.size() == 2);
  CHECK(direct.headers[1].raw == "Subject: x\r\n\tfolded\r\n");
  CHECK(direct.body == "body\r\nend\r\n");
  CHECK(direct.body == converted.body);
  CHECK(split_message_to_crlf("From: a@example.com\r\n\r\nbody\r\n").body == "body\r\n");
}

TEST_CASE("MessageView reads a CRLF message in place and a bare-LF one in its own copy, as split_message does",
          "[auth][headers]") {
  for (const std::string& text : {std::string("From: a@example.com\r\nSubject: x\r\n\tfolded\r\n\r\nbody\r\nend\r\n"),
                                 std::string("From: a@example.com\nSubject: x\r\n\tfolded\n\nbody\nend\r\n"),
                                 std::string(" x\r\nA: 1\r\n\tmore\r\nB"), std::string(""), std::string("\r\nonly body")}) {
    INFO(text);
    const MessageView view(text);
    const SplitMessage split = split_message_to_crlf(text);
    REQUIRE(view.headers().size() == split.headers.size());
    for (std::size_t i = 0; i < split.headers.size(); ++i) {
      CHECK(view.headers()[i].name == split.headers[i].name);
      CHECK(view.headers()[i].raw == split.headers[i].raw);
      CHECK(unfolded_value(view.headers()[i].raw) == split.headers[i].value());
    }
    CHECK(view.body() == split.body);
    CHECK(view.converted() == has_bare_lf(text));
    CHECK(view.text() == (has_bare_lf(text) ? to_crlf(text) : text));
    if (!view.converted()) CHECK(view.text().data() == text.data());  // no copy
    CHECK(from_domain(view) == from_domain(text));
  }
  for (const char* text : {"From: Joe <joe@Example.COM>\r\nTo: x@y.z\r\n\r\nbody", "To: x@example.com\r\n\r\n",
                           "From: a@example.com\r\nFrom: b@example.com\r\n\r\n", " x\r\nfRoM : <a@Ex.org>\r\n\r\n",
                           "Subject: hi\nFrom:\n \"Doe, Jane\" (work)\n <jane@mail.example.org>\n\nbody"}) {
    INFO(text);
    CHECK(from_domain(MessageView(text)) == from_domain(text));
  }
}
