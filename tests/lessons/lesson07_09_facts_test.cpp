// Lessons 07 (relaying), 08 (MX records) and 09 (roles): the facts their narration, questions
// and explanations quote, checked against the trace of their own runs, so an engine change that
// makes the text wrong (a reply code, a timeout, which exchanger is tried, a DNS question that
// is or is not asked) fails here instead of misleading a student.
#include <catch2/catch.hpp>

#include "tests/support/lesson_walk.h"

using namespace maillab;
using namespace maillab::lessons;
using namespace maillab::lessons::testing;
using engine::TraceKind;

TEST_CASE("lesson 07: the relay refusal, the accepted forgery and the logged-in relay", "[lessons][files]") {
  std::string errors;
  auto run = start_shipped_lesson("07-relaying", errors);
  INFO(errors);
  REQUIRE(run);
  const std::string server = "mail.example.com";
  // Step 1: RCPT TO:<victim@elsewhere.net> from the attacker gets 554 5.7.1, then DATA 554 5.5.1.
  REQUIRE(next_step(*run));
  auto refusal = select(window(*run), TraceKind::protocol, server, "attacker", "5.7.1");
  REQUIRE(refusal.size() == 1);
  CHECK(refusal[0].summary.rfind("554 5.7.1", 0) == 0);
  CHECK(select(window(*run), TraceKind::protocol, server, "attacker", "554 5.5.1 No valid recipients").size() == 1);
  // Step 3: the forged message for carol is taken on the relay port without AUTH and delivered.
  REQUIRE(next_step(*run));
  REQUIRE(next_step(*run));
  CHECK(select(window(*run), TraceKind::mail, server, "attacker", "accepted from attacker (relay port)").size() == 1);
  CHECK(select(window(*run), TraceKind::mail, server, "", "delivered to mailbox carol@example.com").size() == 1);
  // Step 4: alice logs in (235 2.7.0) and her RCPT for elsewhere.net gets 250 2.1.5.
  REQUIRE(next_step(*run));
  const auto records = window(*run);
  CHECK(select(records, TraceKind::protocol, server, "alice-laptop", "235 2.7.0").size() == 1);
  const auto rcpt = select(records, TraceKind::protocol, "alice-laptop", server, "RCPT TO:<victim@elsewhere.net>");
  REQUIRE(rcpt.size() == 1);
  CHECK(select(records, TraceKind::protocol, server, "alice-laptop", "250 2.1.5").size() == 1);
  // Step 5: the message waits, retried 300 s later.
  REQUIRE(next_step(*run));
  CHECK(select(window(*run), TraceKind::mail, server, "", "(in 300 s)").size() == 1);
}

TEST_CASE("lesson 08: preference order, the 15 s timeout, the backup MX, implicit and null MX", "[lessons][files]") {
  std::string errors;
  auto run = start_shipped_lesson("08-mx-records", errors);
  INFO(errors);
  REQUIRE(run);
  const std::string sender = "mail.example.com";
  // Step 1: mx1 (preference 10) is tried first.
  REQUIRE(next_step(*run));
  REQUIRE(run->checkpoint());
  CHECK(run->checkpoint()->peer == "mx1.example.org");
  CHECK(contains(run->checkpoint()->summary, "(MX preference 10)"));
  const auto connect_mx1 = run->checkpoint()->time;
  // Step 2: it gives up on mx1 15 s later and tries mx2 at once.
  REQUIRE(next_step(*run));
  const auto failed = select(window(*run), TraceKind::mail, sender, "mx1.example.org", "connection failed");
  REQUIRE(failed.size() == 1);
  CHECK(failed[0].time - connect_mx1 == 15'000'000);
  const auto to_mx2 = select(window(*run), TraceKind::mail, sender, "mx2.example.org", "connecting to mx2.example.org");
  REQUIRE(to_mx2.size() == 1);
  CHECK(to_mx2[0].time == failed[0].time);
  // Step 3: mx2 leaves itself out of its MX list, defers, and relays to mx1 after 40 s.
  REQUIRE(next_step(*run));
  for (const auto& r : select(window(*run), TraceKind::mail, "mx2.example.org", "", "MX for example.org"))
    CHECK(r.summary == "MX for example.org: 10 mx1.example.org [10.0.2.25]");
  CHECK_FALSE(select(window(*run), TraceKind::mail, "mx2.example.org", "", "deferred").empty());
  REQUIRE(run->checkpoint());
  CHECK(run->checkpoint()->time > 40'000'000);
  // Step 4: after the NODATA answer to MX the next question is A lists.example.org: the implicit MX.
  REQUIRE(next_step(*run));
  const auto questions = select(window(*run), TraceKind::protocol, sender, "resolver.example.com", "");
  std::vector<std::string> asked;
  for (const auto& r : questions)
    if (!contains(r.summary, "got ")) asked.push_back(r.summary);
  CHECK(asked == std::vector<std::string>{"Q MX lists.example.org", "Q A lists.example.org"});
  CHECK(select(window(*run), TraceKind::mail, sender, "", "(implicit MX): 0 lists.example.org [10.0.2.25]").size() == 1);
  // Step 5: the null MX: bounced with 5.1.10 at once, never a connection to www.example.org.
  REQUIRE(next_step(*run));
  CHECK(select(window(*run), TraceKind::mail, sender, "", "bounced info@www.example.org: 5.1.10").size() == 1);
  CHECK(select(window(*run), TraceKind::mail, sender, "", "deferred").empty());
  CHECK(select(window(*run), TraceKind::mail, sender, "", "connecting to").empty());
}

TEST_CASE("lesson 09: local delivery asks no DNS, the other domain is reached on 25, two servers queue it", "[lessons][files]") {
  std::string errors;
  auto run = start_shipped_lesson("09-roles", errors);
  INFO(errors);
  REQUIRE(run);
  const std::string server = "mail.example.com";
  // Step 1: "Coffee?" for carol: no DNS question from mail.example.com, delivered locally.
  REQUIRE(next_step(*run));
  CHECK(select(window(*run), TraceKind::protocol, server, "resolver.example.com", "").empty());
  CHECK(select(window(*run), TraceKind::mail, server, "", "queued Q1 for local delivery: carol@example.com").size() == 1);
  // Step 2: an MX lookup, port 25 to mx.example.org, and two "queued as" replies in all.
  REQUIRE(next_step(*run));
  const auto records = window(*run);
  CHECK(select(records, TraceKind::mail, server, "", "looking up the MX records of example.org").size() == 1);
  CHECK(select(records, TraceKind::mail, server, "mx.example.org", "connecting to mx.example.org [10.0.2.25]:25").size() == 1);
  CHECK(select(records, TraceKind::protocol, "", "", "250 2.0.0 Ok: queued as").size() == 2);
  // Step 4: the phone reads with IMAP.
  REQUIRE(next_step(*run));
  REQUIRE(next_step(*run));
  CHECK_FALSE(select(window(*run), TraceKind::protocol, "bob-phone", "mx.example.org", "UID FETCH").empty());
}
