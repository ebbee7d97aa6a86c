// The queue on its own: Postfix-style back-off, ids, and which copies it holds.
#include <catch2/catch.hpp>

#include "engine/hosts/mail/delivery_queue.h"

using namespace maillab::engine;

TEST_CASE("back-off starts at minimal_backoff and doubles up to maximal_backoff", "[hosts_mail][queue]") {
  QueuePolicy postfix;  // 300 s / 4000 s, Postfix's defaults
  CHECK(DeliveryQueue::backoff(1, postfix) == seconds(300));
  CHECK(DeliveryQueue::backoff(2, postfix) == seconds(600));
  CHECK(DeliveryQueue::backoff(3, postfix) == seconds(1200));
  CHECK(DeliveryQueue::backoff(4, postfix) == seconds(2400));
  CHECK(DeliveryQueue::backoff(5, postfix) == seconds(4000));
  CHECK(DeliveryQueue::backoff(40, postfix) == seconds(4000));
  QueuePolicy short_policy{seconds(60), seconds(240), seconds(600), seconds(600)};
  CHECK(DeliveryQueue::backoff(1, short_policy) == seconds(60));
  CHECK(DeliveryQueue::backoff(3, short_policy) == seconds(240));
  CHECK(DeliveryQueue::backoff(4, short_policy) == seconds(240));
}

TEST_CASE("the queue hands out ids, finds entries and knows which copies are pending", "[hosts_mail][queue]") {
  DeliveryQueue queue;
  QueueEntry entry;
  entry.ledger_id = "M1";
  for (const char* address : {"bob@example.org", "carol@example.org"}) {
    QueuedRecipient recipient;
    recipient.address = address;
    entry.recipients.push_back(recipient);
  }
  entry.next_attempt = seconds(10);
  QueueEntry& added = queue.add(entry);
  CHECK(added.queue_id == "Q1");
  CHECK(queue.next_queue_id() == "Q2");
  entry.next_attempt = seconds(5);
  CHECK(queue.add(entry).queue_id == "Q3");
  CHECK(queue.next_due() == seconds(5));
  queue.find("Q3")->in_flight = true;
  CHECK(queue.next_due() == seconds(10));
  CHECK(queue.holds("M1", "carol@example.org"));
  queue.find("Q1")->recipients[1].state = RecipientState::done;
  queue.remove("Q3");
  CHECK_FALSE(queue.holds("M1", "carol@example.org"));
  CHECK(queue.holds("M1", "bob@example.org"));
  CHECK(queue.find("Q1")->pending_count() == 1);
  CHECK(queue.size() == 1);
}

TEST_CASE("a deferral says why a recipient waits, the server that answered is kept unless named",
          "[hosts_mail][queue]") {
  QueueEntry entry;
  for (const char* address : {"bob@example.org", "carol@example.org", "dave@example.org"}) {
    QueuedRecipient recipient;
    recipient.address = address;
    entry.recipients.push_back(recipient);
  }
  entry.recipients[2].state = RecipientState::done;

  entry.recipients[0].defer({.status = "4.2.1", .diagnostic = "mx.example.org said: 421 busy",
                             .reply = "421 busy", .remote_mta = "mx.example.org"});
  CHECK(entry.recipients[0].last_status == "4.2.1");
  CHECK(entry.recipients[0].last_diagnostic == "mx.example.org said: 421 busy");
  CHECK(entry.recipients[0].last_reply == "421 busy");
  CHECK(entry.recipients[0].remote_mta == "mx.example.org");
  CHECK(entry.recipients[0].state == RecipientState::pending);

  SECTION("a failure that reached no server leaves remote_mta alone, and clears the reply") {
    entry.defer_pending({.status = "4.4.3", .diagnostic = "DNS: no reply from the resolver"});
    CHECK(entry.recipients[0].last_status == "4.4.3");
    CHECK(entry.recipients[0].last_reply.empty());
    CHECK(entry.recipients[0].remote_mta == "mx.example.org");
    CHECK(entry.recipients[1].last_diagnostic == "DNS: no reply from the resolver");
    CHECK(entry.recipients[2].last_status.empty());  // done: not deferred
  }
  SECTION("a failed connection says no server answered") {
    entry.defer_pending({.status = "4.4.1", .diagnostic = "connect failed", .remote_mta = ""});
    CHECK(entry.recipients[0].remote_mta.empty());
    CHECK(entry.recipients[0].last_status == "4.4.1");
    CHECK(entry.recipients[1].last_status == "4.4.1");
  }
}
