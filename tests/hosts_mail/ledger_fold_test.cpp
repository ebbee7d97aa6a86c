// MailLedger::fold_settled: a large run keeps the messages that met their fate as counts only, and
// the counts, the number of messages and the conservation figures stay what they were.
#include <catch2/catch.hpp>

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
