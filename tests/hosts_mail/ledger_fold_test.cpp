// MailLedger::fold_settled: a large run keeps the messages that met their fate as counts only, and
// the counts, the number of messages and the conservation figures stay what they were.
#include <catch2/catch.hpp>

#include <vector>

#include "engine/hosts/mail_ledger.h"

using namespace maillab;
using engine::CopyFate;
using engine::LedgerCounts;
using engine::MailLedger;

namespace {

bool same(const LedgerCounts& a, const LedgerCounts& b) {
  return a.accepted == b.accepted && a.delivered == b.delivered && a.bounced == b.bounced &&
         a.rejected == b.rejected && a.queued == b.queued && a.forwarded == b.forwarded;
}

}  // namespace

TEST_CASE("fold_settled forgets delivered and bounced messages, keeps their counts", "[ledger][spool]") {
  MailLedger ledger;
  const std::string done = ledger.accept("a@x", "one", {"b@y", "c@z"}, 1);
  const std::string half = ledger.accept("a@x", "two", {"b@y", "c@z"}, 2);
  const std::string bounced = ledger.accept("a@x", "three", {"nobody@y"}, 3);
  const std::string forwarding = ledger.accept("a@x", "four", {"fwd@y"}, 4);
  ledger.rejected();
  ledger.delivered(done, "b@y", "mailbox b@y INBOX", 5);
  ledger.delivered(done, "c@z", "relayed to mx.z", 5);
  ledger.delivered(half, "b@y", "mailbox b@y INBOX", 6);
  ledger.bounced(bounced, "nobody@y", "5.1.1", 7);
  ledger.forwarded(forwarding, "fwd@y", 8);
  ledger.add_recipient(forwarding, "elsewhere@w");
  ledger.delivered(forwarding, "elsewhere@w", "mailbox elsewhere@w INBOX", 9);
  const LedgerCounts before = ledger.counts();
  CHECK(before.accepted == 6);
  CHECK(before.queued == 1);

  CHECK(ledger.fold_settled() == 2);  // `done` and `bounced`; `half` has a copy queued, `forwarding` a forward
  CHECK(same(ledger.counts(), before));
  CHECK(ledger.messages() == 4);
  CHECK(ledger.entries().size() == 2);
  CHECK(ledger.find(done) == nullptr);
  CHECK_FALSE(ledger.delivered(done, "b@y", "again", 10));  // a late word about it: an unknown id
  REQUIRE(ledger.find(half));

  ledger.delivered(half, "c@z", "mailbox c@z INBOX", 11);
  CHECK(ledger.fold_settled() == 1);
  CHECK(ledger.fold_settled() == 0);
  const LedgerCounts after = ledger.counts();
  CHECK(after.accepted == 6);
  CHECK(after.delivered == 5);
  CHECK(after.bounced == 1);
  CHECK(after.queued == 0);
  CHECK(after.rejected == 1);
  CHECK(after.forwarded == 1);
  CHECK(ledger.messages() == 4);
  CHECK(ledger.summary_line() == "messages: accepted 6, delivered 5, bounced 1, rejected 1, queued 0");
}

TEST_CASE("fold_settled keeps a settled message a queue still holds, until it no longer does", "[ledger][spool]") {
  MailLedger ledger;
  const std::string relayed = ledger.accept("a@x", "one", {"b@y"}, 1);
  ledger.delivered(relayed, "b@y", "mailbox b@y INBOX", 2);
  // The sending MTA has not heard the 250 yet (or a crash lost it): it may send the message again,
  // and the second delivery must be seen as a duplicate, so the ledger keeps the message.
  bool held = true;
  CHECK(ledger.fold_settled([&](const std::string& id) { return held && id == relayed; }) == 0);
  REQUIRE(ledger.find(relayed));
  held = false;
  CHECK(ledger.fold_settled([&](const std::string& id) { return held && id == relayed; }) == 1);
  CHECK(ledger.find(relayed) == nullptr);
  CHECK(ledger.summary_line() == "messages: accepted 1, delivered 1, bounced 0, rejected 0, queued 0");
}

TEST_CASE("bounced_copies counts a sender's bounces, held or folded, by status", "[ledger][spool]") {
  MailLedger ledger;
  const std::string first = ledger.accept("a@x", "one", {"nobody@y", "b@y"}, 1);
  const std::string second = ledger.accept("a@x", "two", {"typo@y.ogr"}, 2);
  const std::string other = ledger.accept("c@x", "three", {"nobody@y"}, 3);
  const std::string pending = ledger.accept("a@x", "four", {"nobody@z", "b@z"}, 4);
  ledger.bounced(first, "nobody@y", "5.1.1", 5);
  ledger.delivered(first, "b@y", "mailbox b@y INBOX", 5);
  ledger.bounced(second, "typo@y.ogr", "5.1.2", 6);
  ledger.bounced(other, "nobody@y", "5.1.1", 7);
  ledger.bounced(pending, "nobody@z", "5.1.1", 8);
  auto figures = [&] {
    return std::vector<std::uint64_t>{ledger.bounced_copies("a@x"), ledger.bounced_copies("a@x", "5.1.1"),
                                      ledger.bounced_copies("a@x", "5.1.2"), ledger.bounced_copies("c@x"),
                                      ledger.bounced_copies("c@x", "5.1.2"), ledger.bounced_copies("b@x")};
  };
  const std::vector<std::uint64_t> before = figures();
  CHECK(before == std::vector<std::uint64_t>{3, 2, 1, 1, 0, 0});
  CHECK(ledger.fold_settled() == 3);  // all but `pending`, which has a copy queued
  CHECK(ledger.entries().size() == 1);
  CHECK(figures() == before);
}
