// Lesson 06 (lessons/06-push-and-big-answers.yaml): the facts its narration, questions and
// explanations quote, checked against the trace of its own run, so an engine change that makes
// the text wrong (a time, a tag, a byte count, who learns last) fails here instead of
// misleading a student. Steps are walked exactly as a student would, questions skipped.
#include <catch2/catch.hpp>

#include <cstddef>
#include <string>
#include <vector>

#include "tests/support/lesson_walk.h"

using namespace maillab;
using namespace maillab::lessons;
using maillab::lessons::testing::contains;
using maillab::lessons::testing::records_between;
using maillab::lessons::testing::select;
using engine::TraceKind;

TEST_CASE("lesson 06: the facts its questions rely on hold in the trace", "[lessons][files]") {
  scenarios::Diagnostics diagnostics;
  auto lesson = load_lesson(testing::source_dir() + "/lessons/06-push-and-big-answers.yaml", diagnostics);
  INFO(diagnostics.to_string());
  REQUIRE(lesson);
  auto run = LessonRun::start(std::move(*lesson), diagnostics);
  REQUIRE(run);
  auto window = [&] { return records_between(*run, run->window_begin(), run->window_end()); };
  auto next_step = [&] {
    while (run->pending_question()) run->skip_question();
    REQUIRE(run->advance());
    while (run->pending_is_prediction()) run->skip_question();
    REQUIRE_FALSE(run->checkpoint_missed());
  };
  const std::string server = "mail.example.org";
  const std::string key = "mail2024._domainkey.example.org";

  // Step 1: stops when the tablet is idling; the laptop never opened a connection to wait.
  next_step();
  REQUIRE(run->checkpoint());
  CHECK(run->checkpoint()->peer == "bob-tablet");
  CHECK(run->checkpoint()->summary == "+ idling");
  CHECK(select(window(), TraceKind::note, "bob-laptop", "", "wait for new mail").empty());

  // Step 2: the phone's IDLE connection: IDLE in the greeting's CAPABILITY, "A3 IDLE", "+ idling".
  next_step();
  {
    const auto records = window();
    const auto greeting = select(records, TraceKind::protocol, server, "bob-phone", "* OK [CAPABILITY");
    REQUIRE(greeting.size() == 1);
    CHECK(contains(greeting[0].summary, " IDLE "));
    const auto from_phone = select(records, TraceKind::protocol, "bob-phone", server, "");
    REQUIRE_FALSE(from_phone.empty());
    CHECK(from_phone.back().summary == "A3 IDLE");
    CHECK(run->checkpoint()->summary == "+ idling");
    CHECK(run->checkpoint()->peer == "bob-phone");
  }

  // Step 3: delivered at 5.210727 s, the phone shows "Lunch?" at 5.636385 s: 426 ms (rounded);
  // the tablet too within a second, the laptop not at all yet. A phone round trip is about 94 ms.
  next_step();
  const auto step3 = window();
  {
    const auto delivered = select(step3, TraceKind::mail, server, "", "delivered to mailbox bob@example.org INBOX");
    REQUIRE(delivered.size() == 1);
    CHECK(delivered[0].time == engine::microseconds(5210727));
    const auto phone = select(step3, TraceKind::mail, "bob-phone", "", "'Lunch?' from alice@example.com pushed by the server");
    REQUIRE(phone.size() == 1);
    CHECK(phone[0].time == engine::microseconds(5636385));
    CHECK((phone[0].time - delivered[0].time + 500) / 1000 == 426);
    const auto tablet = select(step3, TraceKind::mail, "bob-tablet", "", "pushed by the server");
    REQUIRE(tablet.size() == 1);
    CHECK(tablet[0].time < engine::seconds(6));
    CHECK(select(step3, TraceKind::mail, "bob-laptop", "", "").empty());
    const auto exists = select(step3, TraceKind::protocol, server, "bob-phone", "* 1 EXISTS");
    const auto done = select(step3, TraceKind::protocol, "bob-phone", server, "DONE");
    REQUIRE_FALSE(exists.empty());
    REQUIRE(done.size() == 1);
    const engine::Time round_trip = done[0].time - exists[0].time;
    CHECK(round_trip > engine::milliseconds(90));
    CHECK(round_trip < engine::milliseconds(98));
  }

  // Step 4 (same window): from the server to the phone, "* 1 EXISTS" first, in the instant of the
  // delivery; "* 0 RECENT" (the tablet has \Recent); "A3 OK IDLE terminated"; "+ idling" last.
  next_step();
  {
    const auto to_phone = select(window(), TraceKind::protocol, server, "bob-phone", "");
    REQUIRE(to_phone.size() >= 4);
    CHECK(to_phone[0].summary == "* 1 EXISTS");
    CHECK(to_phone[0].time == engine::microseconds(5210727));
    CHECK(to_phone[1].summary == "* 0 RECENT");
    CHECK(to_phone[2].summary == "A3 OK IDLE terminated");
    CHECK(to_phone.back().summary == "+ idling");
    CHECK(select(window(), TraceKind::protocol, server, "bob-tablet", "* 1 RECENT").size() == 1);
  }

  // Step 5 (same window): the phone's commands, DONE first and a new IDLE tagged A7 last.
  next_step();
  {
    std::vector<std::string> sent;
    for (const auto& r : select(window(), TraceKind::protocol, "bob-phone", server, "")) sent.push_back(r.summary);
    const std::vector<std::string> quoted = {"DONE", "A4 SELECT INBOX", "A5 UID FETCH 1:* (UID FLAGS)",
                                             "A6 UID FETCH 1 (UID FLAGS BODY.PEEK[])", "A7 IDLE"};
    CHECK(sent == quoted);
  }

  // Step 6: the \Seen flag is pushed at 12.521930 s to the tablet and the phone's IDLE connection;
  // the laptop hears of it from its own UID FETCH at 20.210788 s, last.
  next_step();
  {
    const auto seen = select(window(), TraceKind::protocol, "", "", "(\\Seen)");
    const auto pushes = select(seen, TraceKind::protocol, server, "", "* 1 FETCH (FLAGS (\\Seen))");
    REQUIRE(pushes.size() == 2);
    for (const auto& r : pushes) CHECK(r.time == engine::microseconds(12521930));
    CHECK(select(pushes, TraceKind::protocol, server, "bob-tablet", "").size() == 1);
    CHECK(select(pushes, TraceKind::protocol, server, "bob-phone", "").size() == 1);
    const auto laptop = select(seen, TraceKind::protocol, server, "bob-laptop", "* 1 FETCH (UID 1 FLAGS (\\Seen))");
    REQUIRE_FALSE(laptop.empty());
    CHECK(laptop[0].time == engine::microseconds(20210788));
    CHECK(seen.back().peer == "bob-laptop");
    const auto tablet_read = select(window(), TraceKind::mail, "bob-tablet", "", "'Lunch?' is now read");
    REQUIRE(tablet_read.size() == 1);
    CHECK(tablet_read[0].time < engine::seconds(13));
  }

  // Step 7: ns1 answers UDP with TC and no records; resolver1 asks it again over TCP.
  next_step();
  {
    const auto records = window();
    CHECK(select(records, TraceKind::protocol, "ns1.example.org", "resolver1",
                 "R TRUNCATED TXT " + key + " (TC: too big for UDP)").size() == 1);
    CHECK(select(records, TraceKind::protocol, "resolver1", "", "asking ns1.example.org again over TCP").size() == 1);
    CHECK(select(records, TraceKind::protocol, "resolver1", "ns1.example.org", "Q TXT " + key + " (TCP)").size() == 1);
    CHECK(select(records, TraceKind::protocol, "ns1.example.org", "", "query from resolver1").size() == 2);
  }

  // Step 8: the laptop gets TC from resolver1 and asks again over TCP; its 49-octet question
  // travels as 51 bytes of TCP data (the two-octet length first).
  next_step();
  {
    const auto records = window();
    CHECK(select(records, TraceKind::protocol, "bob-laptop", "resolver1", "got R TRUNCATED TXT " + key).size() == 1);
    const auto question = select(records, TraceKind::protocol, "bob-laptop", "resolver1", "Q TXT " + key + " (TCP)");
    REQUIRE(question.size() == 1);
    CHECK(question[0].payload.size() == 49);
    const auto hops = select(records, TraceKind::hop, "bob-laptop", "", "Q TXT " + key + " (TCP) (data, 51 bytes)");
    CHECK(hops.size() == 1);
    REQUIRE(run->checkpoint());
    CHECK(run->checkpoint()->summary.rfind("got R TXT \"v=DKIM1; k=rsa;", 0) == 0);
  }

  // Step 9: from resolver1's cache (TTL 3595 left), twice, and still TCP to the laptop; ns1 was
  // asked nothing, so it received two queries for the key in all.
  next_step();
  {
    const auto records = window();
    const auto hits = select(records, TraceKind::cache, "resolver1", "", "cache hit TXT " + key + " (TTL 3595 left)");
    CHECK(hits.size() == 2);
    CHECK(select(records, TraceKind::protocol, "bob-laptop", "resolver1", "got R TRUNCATED TXT " + key).size() == 1);
    CHECK(select(records, TraceKind::protocol, "bob-laptop", "resolver1", "Q TXT " + key + " (TCP)").size() == 1);
    // (The window opens with the tail of the 30 s TCP connection to ns1 closing; from 35 s on,
    // nothing reaches ns1.)
    int at_ns1 = 0;
    for (const auto& r : records)
      if (r.time >= engine::seconds(35) && (r.node == "ns1.example.org" || r.peer == "ns1.example.org")) ++at_ns1;
    CHECK(at_ns1 == 0);
    const auto all = records_between(*run, 0, run->window_end());
    CHECK(select(all, TraceKind::protocol, "ns1.example.org", "", "query from resolver1").size() == 2);
  }
}
